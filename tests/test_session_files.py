"""File commands and the current file through the session without Qt: workspaces, exports,
weight and CSV imports, dirty state, and the run's file following the run."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.presets import get_preset
from session import commands as c
from session.events import FileAction, FileDone, FileFailed, WeightsMismatch
from session.snapshot import FileState
from tests.test_session import assert_same, make, params


def test_a_new_session_is_untitled_and_clean():
    s, _ = make()
    assert s.snapshot().file.path is None and not s.snapshot().file.dirty


def test_changes_make_the_run_dirty_and_saving_makes_it_clean(tmp_path):
    s, rec = make("xor_221")
    s.handle(c.Step(c.StepUnit.EPOCH))
    assert s.snapshot().file.dirty
    path = str(tmp_path / "run.json")
    s.handle(c.SaveWorkspace(path))
    assert rec.of(FileDone)[-1] == FileDone(FileAction.SAVED, path)
    file = s.snapshot().file
    assert file.path == path and not file.dirty
    assert json.loads((tmp_path / "run.json").read_text())["state"]["epoch"] == 1
    s.handle(c.SetWeight(0, 0, 0, 0.5))  # a change after the save
    assert s.snapshot().file.dirty and s.snapshot().file.path == path


@pytest.mark.parametrize("command", [c.TraceSample(1), c.SelectWeight(0, 0, 0), c.Publish(),
                                     c.GradientCheck()])
def test_looking_does_not_make_the_run_dirty(command):
    s, _ = make("xor_221")
    s.handle(command)
    assert not s.snapshot().file.dirty


def test_open_continues_the_saved_run_exactly(tmp_path):
    s, _ = make("xor_241")
    s.handle(c.TrainEpochs(7))
    path = str(tmp_path / "w.json")
    s.handle(c.SaveWorkspace(path))
    saved = params(s)
    other, _ = make("tf_default")
    other.handle(c.OpenWorkspace(path))
    assert other.require_trainer().epoch == 7
    assert_same(params(other), saved)
    assert other.snapshot().file.path == path and not other.snapshot().file.dirty


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"format": "nope"}'])
def test_a_bad_workspace_is_refused_in_one_line_and_the_run_stays(tmp_path, content):
    s, rec = make("xor_221")
    s.handle(c.TrainEpochs(3))
    before, generation = params(s), s.generation
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    s.handle(c.OpenWorkspace(str(bad)))
    event = rec.of(FileFailed)[-1]
    assert event.title == "Could not open the workspace"
    assert "bad.json" in event.message and "\n" not in event.message
    assert len(event.message) <= 300
    assert s.generation == generation and s.require_trainer().epoch == 3
    assert_same(params(s), before)


def test_loading_a_preset_makes_the_run_untitled(tmp_path):
    """Save, then load another preset: Save must not overwrite the first run's file."""
    s, _ = make("xor_221")
    path = str(tmp_path / "sine.json")
    s.handle(c.SaveWorkspace(path))
    s.handle(c.LoadScenario(get_preset("softmax_spiral3")))
    assert s.snapshot().file == FileState(None, dirty=False)  # a fresh preset: nothing to save
    # with a pinned run kept across the load, there is: closing must ask
    s.handle(c.TrainEpochs(5))
    s.handle(c.PinRun())
    assert len(s.pinned) == 1
    s.handle(c.LoadScenario(get_preset("xor_221")))
    file = s.snapshot().file
    assert file.path is None and file.dirty and len(s.pinned) == 1


def test_a_csv_import_makes_the_run_untitled_and_unsaved(tmp_path):
    s, rec = make("tf_default")
    s.handle(c.SaveWorkspace(str(tmp_path / "ws.json")))
    rows = "\n".join(f"{x:.3f},{y:.3f},{int(x * y > 0)}"
                     for x, y in np.random.default_rng(0).uniform(-3, 3, (40, 2)))
    (tmp_path / "d.csv").write_text("a,b,cls\n" + rows + "\n")
    s.handle(c.ImportCsv(str(tmp_path / "d.csv"), "cls", "classification", 0.75))
    assert rec.of(FileDone)[-1].action is FileAction.DATA
    assert s.require_trainer().n_train == 30
    file = s.snapshot().file
    assert file.path is None and file.dirty


def test_a_bad_csv_lists_its_bad_lines_and_changes_nothing(tmp_path):
    s, rec = make("tf_default")
    generation = s.generation
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n0,0,0\n1,abc,1\n1,1\n0,1,1\n")
    s.handle(c.ImportCsv(str(bad), -1, "classification", 0.5))
    message = rec.of(FileFailed)[-1].message
    assert "line 3" in message and "line 4" in message
    assert s.generation == generation


@pytest.mark.parametrize("kind", list(c.ExportKind))
def test_every_export_kind_writes_its_file(tmp_path, kind):
    pytest.importorskip("onnx") if kind is c.ExportKind.ONNX else None
    s, rec = make("xor_221")
    path = str(tmp_path / f"out.{kind.value}")
    s.handle(c.Export(kind, path))
    assert rec.of(FileDone)[-1] == FileDone(FileAction.EXPORTED, path)
    assert (tmp_path / f"out.{kind.value}").stat().st_size > 50
    assert not s.snapshot().file.dirty  # an export changes nothing of the run


def test_import_weights_into_the_same_network_and_step_back_undoes_it(tmp_path):
    donor, _ = make("xor_241")
    donor.handle(c.TrainEpochs(30))
    npz = str(tmp_path / "donor.npz")
    donor.handle(c.Export(c.ExportKind.NPZ, npz))
    s, rec = make("xor_241")
    start = params(s)
    s.handle(c.ImportWeights(npz))
    assert rec.of(FileDone)[-1].action is FileAction.IMPORTED
    assert_same(params(s), params(donor))
    assert s.snapshot().file.dirty
    s.handle(c.StepBack())
    assert_same(params(s), start)


def test_a_different_network_is_offered_and_adopted_only_when_asked(tmp_path):
    donor, _ = make("xor_241")
    npz = str(tmp_path / "donor.npz")
    donor.handle(c.Export(c.ExportKind.NPZ, npz))
    s, rec = make("xor_221")
    before, generation = params(s), s.generation
    s.handle(c.ImportWeights(npz))
    mismatch = rec.of(WeightsMismatch)[-1]
    assert "layer 1" in mismatch.message
    assert s.generation == generation
    assert_same(params(s), before)
    s.handle(c.AdoptWeights(mismatch.imported))
    assert rec.of(FileDone)[-1].action is FileAction.ADOPTED
    assert s.require_trainer().spec.sizes == (2, 4, 1)
    assert_same(params(s), params(donor))
    assert s.snapshot().file.path is None


def test_saving_to_a_folder_fails_cleanly(tmp_path):
    s, rec = make("xor_221")
    s.handle(c.Step(c.StepUnit.EPOCH))
    s.handle(c.SaveWorkspace(str(tmp_path)))
    event = rec.of(FileFailed)[-1]
    assert event.title == "Could not save the workspace" and "\n" not in event.message
    assert s.snapshot().file.dirty and s.snapshot().file.path is None
