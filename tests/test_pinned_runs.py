"""Compared runs without Qt: pinned curves and their automatic labels (engine/pinned.py), the
session's PinRun / UnpinRun / RenamePinned and what survives what, and the workspace's
optional ``pinned`` list (written, read back, bounded; older workspaces still load)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import numpy as np
import pytest

from engine.history import COLUMNS, History, Metrics
from engine.io.workspace_pinned import pinned_to_json, read_pinned
from engine.pinned import (
    MAX_LABEL,
    MAX_PINNED,
    MAX_PINNED_POINTS,
    OTHER,
    SAME,
    auto_label,
    decimated,
    pin,
    summarize,
)
from engine.presets import get_preset
from engine.workspace import (
    WorkspaceError,
    load_workspace,
    load_workspace_pinned,
    trainer_from_dict,
    workspace_to_dict,
)
from session import commands as c
from session.events import Notice, Refused
from tests.helpers import trained
from tests.test_session import make


def _with(preset: str, **train: object):
    s = get_preset(preset)
    return replace(s, train=replace(s.train, optimizer=replace(s.train.optimizer, **train)))


# -- labels ------------------------------------------------------------------------------------
def test_the_label_names_the_pinned_runs_settings_that_differ_from_the_current_ones():
    base = get_preset("tf_default")
    pinned = replace(base, train=replace(base.train, optimizer=replace(
        base.train.optimizer, learning_rate=0.1)))
    assert auto_label(summarize(pinned), summarize(base)) == "lr 0.1"
    relu = replace(base, model=replace(base.model, hidden=tuple(
        replace(h, activation="relu") for h in base.model.hidden)))
    assert auto_label(summarize(base), summarize(relu)) == "tanh 4-2"
    both = replace(relu, train=pinned.train)
    assert auto_label(summarize(base), summarize(both)) == "lr 0.03, tanh 4-2"
    assert auto_label(summarize(base), summarize(base)) == SAME


def test_a_new_seed_and_unnamed_differences_are_labelled_too():
    base = get_preset("tf_default")
    reseeded = replace(base, init=replace(base.init, seed=base.init.seed + 1))
    assert auto_label(summarize(base), summarize(reseeded)) == f"seed {base.init.seed}"
    eps = _with("tf_default", epsilon=1e-5)  # no summary item names epsilon
    assert auto_label(summarize(base), summarize(eps)) == OTHER


def test_a_long_list_of_differences_is_cut_to_three_and_a_count():
    label = auto_label(summarize(get_preset("iris")), summarize(get_preset("tf_default")))
    assert label.count(",") == 2 and label.endswith("more") and "+" in label


# -- curves ------------------------------------------------------------------------------------
def test_a_pinned_run_keeps_the_history_and_its_latest_measurement():
    t = trained("xor_221", epochs=12)
    run = pin(t.scenario, t.history)
    h = t.history.as_arrays()
    assert run.epochs.tolist() == h["epoch"].tolist()
    for name in COLUMNS:
        np.testing.assert_array_equal(run.column(name), h[name])
        assert not run.column(name).flags.writeable
    history = History(capacity=8)
    for e in range(20):
        history.record(Metrics(e, 1.0 / (e + 1), np.nan, 0.5, np.nan))
    run = pin(t.scenario, history)
    assert run.epochs[-1] == 19 and run.train_loss[-1] == pytest.approx(1 / 20)


def test_long_curves_are_decimated_evenly_keeping_both_ends():
    keep = decimated(20_000)
    assert len(keep) <= MAX_PINNED_POINTS and keep[0] == 0 and keep[-1] == 19_999
    assert np.all(np.diff(keep) > 0)
    assert decimated(5).tolist() == [0, 1, 2, 3, 4]


# -- the session -------------------------------------------------------------------------------
def test_pinning_keeps_the_curves_through_reset_presets_and_edits():
    s, rec = make("xor_221")
    s.handle(c.TrainEpochs(10))
    s.handle(c.PinRun())
    assert rec.of(Notice)[-1].text.startswith("Pinned this run")
    (shown,) = s.snapshot().pinned
    assert shown.label == SAME and shown.mark == 0 and not shown.named
    assert shown.run.epochs[-1] == 10
    s.handle(c.Reset())
    assert s.snapshot().pinned[0].label.startswith("seed ")
    s.handle(c.edit(c.Section.OPTIMIZER, learning_rate=0.5))
    assert "lr " in s.snapshot().pinned[0].label
    s.handle(c.LoadScenario(get_preset("tf_default")))
    assert len(s.snapshot().pinned) == 1
    assert s.snapshot().pinned[0].run.epochs[-1] == 10


def test_unpin_one_or_all_and_rename_and_the_cap():
    s, rec = make("xor_221")
    s.handle(c.TrainEpochs(2))
    for i in range(MAX_PINNED):
        s.handle(c.PinRun(f"run {i}"))
    assert [p.label for p in s.snapshot().pinned] == [f"run {i}" for i in range(MAX_PINNED)]
    s.handle(c.PinRun())
    assert "at most 6" in rec.of(Refused)[-1].text
    s.handle(c.UnpinRun(1))
    marks = [p.mark for p in s.snapshot().pinned]
    assert marks == [0, 2, 3, 4, 5]  # the others keep their dash pattern and marker
    s.handle(c.PinRun())
    assert [p.mark for p in s.snapshot().pinned][-1] == 1  # the free one
    s.handle(c.RenamePinned(0, "  slow   one "))
    assert s.snapshot().pinned[0].label == "slow one" and s.snapshot().pinned[0].named
    s.handle(c.RenamePinned(0, ""))
    assert s.snapshot().pinned[0].label == SAME and not s.snapshot().pinned[0].named
    s.handle(c.RenamePinned(0, "x" * (MAX_LABEL + 1)))
    assert "at most 40" in rec.of(Refused)[-1].text
    s.handle(c.UnpinRun(9))
    assert "no pinned run 9" in rec.of(Refused)[-1].text
    s.handle(c.UnpinRun(None))
    assert s.snapshot().pinned == ()
    s.handle(c.UnpinRun(None))
    assert rec.of(Refused)[-1].text == "no run is pinned"


def test_an_untrained_run_is_not_pinned():
    s, rec = make("xor_221")
    s.handle(c.PinRun())
    assert rec.of(Refused)[-1].text.startswith("train first")
    assert s.snapshot().pinned == ()


def test_pinning_makes_the_run_dirty_and_the_workspace_keeps_the_pinned_runs(tmp_path):
    s, _ = make("xor_221")
    s.handle(c.TrainEpochs(5))
    path = str(tmp_path / "w.json")
    s.handle(c.SaveWorkspace(path))
    s.handle(c.PinRun("first"))
    assert s.snapshot().file.dirty
    s.handle(c.edit(c.Section.OPTIMIZER, learning_rate=0.3))
    s.handle(c.TrainEpochs(3))
    s.handle(c.PinRun())
    s.handle(c.SaveWorkspace(path))
    other, _ = make("tf_default")
    other.handle(c.TrainEpochs(2))
    other.handle(c.PinRun("to be replaced"))
    other.handle(c.OpenWorkspace(path))
    shown = other.snapshot().pinned
    assert [p.label for p in shown] == ["first", SAME]
    mine = s.snapshot().pinned
    for a, b in zip(shown, mine, strict=True):
        assert a.run.summary == b.run.summary
        np.testing.assert_array_equal(a.run.epochs, b.run.epochs)
        for name in COLUMNS:
            np.testing.assert_array_equal(a.run.column(name), b.run.column(name))


def test_opening_an_older_workspace_without_pinned_clears_the_pinned_runs(tmp_path):
    t = trained("xor_221", epochs=3)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(workspace_to_dict(t)))
    assert "pinned" not in workspace_to_dict(t)
    s, _ = make("xor_221")
    s.handle(c.TrainEpochs(2))
    s.handle(c.PinRun())
    s.handle(c.OpenWorkspace(str(path)))
    assert s.snapshot().pinned == ()
    assert load_workspace(path).epoch == 3


# -- the workspace's pinned list ---------------------------------------------------------------
def _doc_with_pinned(n: int = 2) -> dict:
    t = trained("xor_221", epochs=4)
    runs = [pin(t.scenario, t.history, f"r{i}") for i in range(n)]
    return workspace_to_dict(t, runs)


def test_pinned_runs_round_trip_with_infinities_and_missing_values(tmp_path):
    t = trained("xor_221", epochs=3)
    run = replace(pin(t.scenario, t.history), train_loss=np.array([0.5, np.inf, 0.2, 0.1]),
                  test_loss=np.full(4, np.nan))
    (back,) = read_pinned(json.loads(json.dumps(pinned_to_json([run]), allow_nan=False)))
    assert back.name is None and back.summary == run.summary
    np.testing.assert_array_equal(back.train_loss, run.train_loss)
    assert np.isnan(back.test_loss).all()
    path = tmp_path / "p.json"
    path.write_text(json.dumps(workspace_to_dict(t, [run]), allow_nan=False))
    trainer, pinned = load_workspace_pinned(path)
    assert trainer.epoch == 3 and len(pinned) == 1


def _mutate(doc: dict, change) -> dict:
    doc = copy.deepcopy(doc)
    change(doc["pinned"])
    return doc


@pytest.mark.parametrize(("change", "message"), [
    (lambda p: p.extend(copy.deepcopy(p[0]) for _ in range(5)), r"^pinned: at most 6 pinned"),
    (lambda p: p[0].update(epoch=list(range(MAX_PINNED_POINTS + 1))),
     r"^pinned\[0\]\.epoch: at most 2000 entries"),
    (lambda p: p[0].update(name="n" * 41), r"^pinned\[0\]\.name: one line of at most 40"),
    (lambda p: p[0].update(name=3), r"^pinned\[0\]\.name: expected a string"),
    (lambda p: p[0]["summary"].update(lr="x" * 81), r"^pinned\[0\]\.summary\.lr: one line"),
    (lambda p: p[0]["summary"].update({f"k{i}": "v" for i in range(40)}),
     r"^pinned\[0\]\.summary: at most 32 settings"),
    (lambda p: p[0].update(train_loss=p[0]["train_loss"][:-1]),
     r"^pinned\[0\]\.train_loss: has 4 entries but epoch has 5"),
    (lambda p: p[0]["train_accuracy"].__setitem__(0, 1.5),
     r"^pinned\[0\]\.train_accuracy\[0\]: an accuracy must lie in 0\.\.1"),
    (lambda p: p[0]["epoch"].__setitem__(1, 0), r"^pinned\[0\]\.epoch\[1\]: epochs must increase"),
    (lambda p: p[0].update(colour="red"), r"^pinned\[0\]\.colour: unknown field"),
    (lambda p: p.__setitem__(0, "run"), r"^pinned\[0\]: expected an object"),
])
def test_a_bad_pinned_list_is_refused_in_one_line_naming_the_field(change, message):
    doc = _mutate(_doc_with_pinned(), change)
    with pytest.raises(WorkspaceError, match=message) as err:
        trainer_from_dict(doc)
    assert "\n" not in str(err.value) and len(str(err.value)) <= 300


def test_a_pinned_list_that_is_not_a_list_is_refused():
    doc = _doc_with_pinned()
    doc["pinned"] = {"a": 1}
    with pytest.raises(WorkspaceError, match=r"^pinned: expected a list of pinned runs"):
        trainer_from_dict(doc)


# -- what the loss plot draws ------------------------------------------------------------------
def test_ghost_markers_are_spread_and_differ_between_marks():
    from session.present.pinned_curves import GHOST_STYLES, marker_indices

    spots = [tuple(marker_indices(200, mark)) for mark in range(MAX_PINNED)]
    assert len(set(spots)) == MAX_PINNED  # no two runs put their markers at the same epochs
    for s in spots:
        assert len(s) == 6 and s[0] < 40 and s[-1] > 160
    assert marker_indices(1, 3).tolist() == [0] and marker_indices(0, 0).size == 0
    assert len({st.dashes for st in GHOST_STYLES}) == len({st.symbol for st in GHOST_STYLES}) \
        == len({st.glyph for st in GHOST_STYLES}) == MAX_PINNED


def test_the_ghost_span_reaches_the_longest_run_and_losses_are_floored():
    from session.present.pinned_curves import ghost_accuracy, ghost_loss, ghost_span

    t = trained("xor_221", epochs=4)
    short = pin(t.scenario, t.history)
    t.train(6)
    long = replace(pin(t.scenario, t.history), train_loss=np.array(
        [0.0, np.inf, *t.history.column("train_loss")[2:]]))
    last, losses = ghost_span([short, long])
    assert last == 10 and len(losses) == 2
    _, y = ghost_loss(long)
    assert y[0] > 0 and np.isnan(y[1])
    assert ghost_accuracy(long)[1][-1] == pytest.approx(100 * long.train_accuracy[-1])
    regression = pin(get_preset("sine_regression"), trained("sine_regression", 2).history)
    assert ghost_accuracy(regression) is None
    assert ghost_span([]) == (None, [])


def test_a_ghosts_value_is_read_at_its_nearest_point_inside_it():
    from session.present.pinned_curves import value_at

    t = trained("xor_221", epochs=6)
    run = pin(t.scenario, t.history)
    at, loss, acc = value_at(run, 2.4)
    assert at == 2 and loss == run.train_loss[2] and acc == run.train_accuracy[2]
    assert value_at(run, 2.6)[0] == 3
    assert value_at(run, 6.0)[0] == 6
    assert value_at(run, 6.5) is None and value_at(run, -1) is None
