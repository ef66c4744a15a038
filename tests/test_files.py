"""The File menu's commands through the window: workspaces, weights, data, pictures and the
unsaved-changes guard. Bad files leave the model exactly as it was (pytest-qt)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.files import FileActions
from gui.main_window import MainWindow
from session.commands import TrainEpochs
from session.events import FileDone, FileFailed, WeightsMismatch
from tests.gui_helpers import wait_event
from tests.test_window import TIMEOUT, fresh_snapshot


@pytest.fixture
def window(make_window):
    return make_window


def train_epochs(qtbot, w: MainWindow, n: int) -> None:
    target = w.rendered.epoch + n
    w.client.send(TrainEpochs(n))
    qtbot.waitUntil(lambda: w.rendered.epoch == target, timeout=TIMEOUT)


def wait_done(qtbot, w: MainWindow, action) -> tuple[str, str]:
    event = wait_event(qtbot, w, FileDone, action)
    return event.action.value, event.path


def wait_failed(qtbot, w: MainWindow, action) -> tuple[str, str]:
    event = wait_event(qtbot, w, FileFailed, action)
    return event.title, event.message


def test_save_and_open_a_workspace_round_trip(qtbot, window, tmp_path):
    w = window("tf_default")
    train_epochs(qtbot, w, 5)
    assert w.windowTitle().startswith("*")
    path = str(tmp_path / "run.json")
    assert wait_done(qtbot, w, lambda: w.files.save_to(path)) == ("saved", path)
    fresh_snapshot(qtbot, w)
    assert not w.files.dirty and w.windowTitle() == "run.json — Backprop Playground"
    assert w.files.recent()[0].endswith("run.json")
    saved = fresh_snapshot(qtbot, w)
    train_epochs(qtbot, w, 3)
    wait_done(qtbot, w, lambda: w.files.open_path(path))
    qtbot.waitUntil(lambda: w.rendered.epoch == 5, timeout=TIMEOUT)
    for got, want in zip(w.rendered.weights, saved.weights, strict=True):
        np.testing.assert_array_equal(got, want)
    assert json.loads((tmp_path / "run.json").read_text())["state"]["epoch"] == 5


@pytest.mark.parametrize("content", [b"", b"{not json", b"\x89PNG\r\n\x1a\n\x00\x00",
                                     b'{"format": "backprop-playground-workspace"}'])
def test_a_bad_workspace_is_refused_and_nothing_changes(qtbot, window, tmp_path, content):
    w = window("xor_221")
    train_epochs(qtbot, w, 4)
    before = fresh_snapshot(qtbot, w)
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    title, message = wait_failed(qtbot, w, lambda: w.files.open_path(str(bad)))
    assert "bad.json" in message and "\n" not in message and "Traceback" not in message
    after = fresh_snapshot(qtbot, w)
    assert after.epoch == 4 and after.generation == before.generation
    np.testing.assert_array_equal(after.weights[0], before.weights[0])
    assert w.files.last_message[0] == title


@pytest.mark.parametrize("fmt", ["npz", "json", "onnx", "py", "csv", "history_csv",
                                 "dataset_csv"])
def test_exports_write_files(qtbot, window, tmp_path, fmt):
    w = window("xor_221")
    train_epochs(qtbot, w, 3)
    path = str(tmp_path / f"out.{fmt}")
    assert wait_done(qtbot, w, lambda: w.files.export_to(fmt, path)) == ("exported", path)
    data = (tmp_path / f"out.{fmt}").read_bytes()
    assert len(data) > 50
    if fmt == "npz":
        with np.load(path, allow_pickle=False) as f:
            np.testing.assert_array_equal(f["layer_1/W"], fresh_snapshot(qtbot, w).weights[0])


def test_import_weights_same_network_and_adopting_another(qtbot, window, tmp_path):
    donor = window("xor_241")
    train_epochs(qtbot, donor, 50)
    npz = str(tmp_path / "donor.npz")
    wait_done(qtbot, donor, lambda: donor.files.export_to("npz", npz))
    donor_weights = fresh_snapshot(qtbot, donor).weights
    same = window("xor_241")
    wait_done(qtbot, same, lambda: same.files.import_weights(npz))
    np.testing.assert_array_equal(fresh_snapshot(qtbot, same).weights[1], donor_weights[1])
    other = window("xor_221")  # 2-2-1: the file's 2-4-1 differs, and the user agrees to adopt
    assert wait_done(qtbot, other, lambda: other.files.import_weights(npz))[0] == "adopted"
    qtbot.waitUntil(lambda: other.rendered.sizes == (2, 4, 1), timeout=TIMEOUT)
    np.testing.assert_array_equal(other.rendered.weights[0], donor_weights[0])
    assert [h.units for h in other.scenario.model.hidden] == [4]


def test_declining_to_adopt_keeps_the_network(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(FileActions, "ask_adopt", lambda self, message: False)
    donor = window("xor_241")
    npz = str(tmp_path / "donor.npz")
    wait_done(qtbot, donor, lambda: donor.files.export_to("npz", npz))
    w = window("xor_221")
    before = fresh_snapshot(qtbot, w)
    event = wait_event(qtbot, w, WeightsMismatch, lambda: w.files.import_weights(npz))
    assert "layer 1" in event.message
    after = fresh_snapshot(qtbot, w)
    assert after.sizes == before.sizes and after.generation == before.generation
    np.testing.assert_array_equal(after.weights[0], before.weights[0])


def test_csv_data_import_reports_bad_lines_and_loads_good_data(qtbot, window, tmp_path):
    w = window("tf_default")
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n0,0,0\n1,abc,1\n1,1\n0,1,1\n")
    _, message = wait_failed(qtbot, w, lambda: w.files.import_csv(str(bad), -1,
                                                                  "classification", 0.5))
    assert "line 3" in message and "line 4" in message
    assert fresh_snapshot(qtbot, w).sizes == (2, 4, 2, 1)
    good = tmp_path / "good.csv"
    rows = "\n".join(f"{x:.3f},{y:.3f},{int(x * y > 0)}"
                     for x, y in np.random.default_rng(0).uniform(-3, 3, (40, 2)))
    good.write_text("a,b,cls\n" + rows + "\n")
    wait_done(qtbot, w, lambda: w.files.import_csv(str(good), "cls", "classification", 0.75))
    qtbot.waitUntil(lambda: len(w.rendered.data.x_train) == 30, timeout=TIMEOUT)
    assert w.scenario.data.dataset == "custom"


def test_clicking_adds_and_removes_points_keeping_the_weights(qtbot, window):
    w = window("tf_default")
    train_epochs(qtbot, w, 3)
    weights = np.array(w.rendered.weights[0])
    n = len(w.rendered.data.x_train)
    w.output_view.edit_points.setChecked(True)
    w.output_view.pointClicked.emit(1.0, 2.0, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: len(w.rendered.data.x_train) == 500 + 1, timeout=TIMEOUT)
    assert len(w.rendered.data.x_train) > n  # the test points joined the training set
    added = np.flatnonzero(np.all(w.rendered.data.x_train == [1.0, 2.0], axis=1))
    assert added.size == 1 and w.rendered.data.y_train[added[0]] == 1
    np.testing.assert_array_equal(w.rendered.weights[0], weights)
    w.output_view.pointClicked.emit(1.0, 2.0, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(w.rendered.data.x_train) == 500, timeout=TIMEOUT)
    w.output_view.pointClicked.emit(-1.0, 0.5, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(w.rendered.data.x_train) == 501, timeout=TIMEOUT)
    added = np.flatnonzero(np.all(w.rendered.data.x_train == [-1.0, 0.5], axis=1))
    assert added.size == 1 and w.rendered.data.y_train[added[0]] == 0
    assert not np.any(np.all(w.rendered.data.x_train == [1.0, 2.0], axis=1))


@pytest.mark.parametrize("attr", ["network_view", "output_view", "loss_plot"])
def test_pictures_export_as_png_and_svg(window, tmp_path, attr):
    w = window("tf_default")
    png, svg = tmp_path / f"{attr}.png", tmp_path / f"{attr}.svg"
    assert w.files.save_picture(attr, str(png))
    assert w.files.save_picture(attr, str(svg))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000
    assert "<svg" in svg.read_text()[:2000]
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind
    assert not w.files.save_picture(attr, str(tmp_path / "x.gif"))


def test_unsaved_changes_are_guarded_on_close(qtbot, window, monkeypatch):
    w = window("xor_221")
    train_epochs(qtbot, w, 1)
    monkeypatch.setattr(FileActions, "ask_unsaved", lambda self: "cancel")
    w.close()
    assert w.isVisible() and w.client.is_alive()
    monkeypatch.setattr(FileActions, "ask_unsaved", lambda self: "discard")
    w.close()
    assert not w.isVisible() and not w.client.is_alive()


def test_an_edit_made_while_saving_keeps_the_run_unsaved(qtbot, window, tmp_path):
    w = window("xor_221")
    train_epochs(qtbot, w, 1)
    path = str(tmp_path / "s.json")
    with qtbot.waitSignal(w.client.eventArrived, timeout=TIMEOUT,
                          check_params_cb=lambda e: isinstance(e, FileDone)):
        w.files.save_to(path)
        w.client_weight(0, 0, 0, 0.75)  # before the worker's reply arrives
    fresh_snapshot(qtbot, w)
    assert w.files.dirty and w.windowTitle().startswith("*")
