"""Stop conditions: the pure decision on scripted loss sequences, the per-epoch watch that
makes it while training, the session that applies it while a run plays, the files that keep
it, and the command line."""

from __future__ import annotations

import io
import json
import math
from dataclasses import replace

import numpy as np
import pytest

from engine import cli
from engine.history import History, Metrics
from engine.presets import get_preset
from engine.scenario import scenario_from_dict, scenario_to_dict
from engine.trainer import Trainer
from engine.training.stopping import StopRule, StopWatch, best_so_far, stop_reason
from engine.workspace import load_workspace, save_workspace
from session import commands as c
from session.events import Event, Notice, RunningChanged
from session.session import Session
from tests.helpers import run_cli


def scripted(test_losses: list[float], train_losses: list[float] | None = None) -> History:
    """A history whose epoch k has the k-th losses (epoch 0 first)."""
    h = History()
    train = train_losses or [1.0] * len(test_losses)
    for k, (tr, te) in enumerate(zip(train, test_losses, strict=True)):
        h.record(Metrics(k, tr, te, math.nan, math.nan))
    return h


# 0.5, 0.4, 0.3 (best, epoch 2), then six epochs that never beat it
SEQUENCE = [0.5, 0.4, 0.3, 0.35, 0.3, 0.31, 0.32, 0.33, 0.34]


def first_stop(rule: StopRule, test: list[float], train: list[float] | None = None):
    """The first epoch at which ``stop_reason`` says stop, replaying the sequence."""
    for k in range(1, len(test) + 1):
        why = stop_reason(rule, scripted(test[:k], train and train[:k]))
        if why is not None:
            return why
    return None


def test_early_stopping_stops_once_the_patience_has_run_out():
    why = first_stop(StopRule(patience=4), SEQUENCE)
    assert why is not None and why.epoch == 6  # 4 epochs after the best, epoch 2
    assert why.best_epoch == 2 and why.best_loss == 0.3
    assert str(why) == ("Stopped at epoch 6: the test loss has not improved for 4 epochs "
                        "(best 0.3 at epoch 2)")
    # an equal loss (epoch 4) is no improvement; a longer patience outlasts the sequence
    assert first_stop(StopRule(patience=7), SEQUENCE) is None
    assert first_stop(StopRule(patience=6), SEQUENCE).epoch == 8


def test_without_a_test_set_early_stopping_watches_the_training_loss():
    nan = [math.nan] * len(SEQUENCE)
    why = first_stop(StopRule(patience=3), nan, SEQUENCE)
    assert why.epoch == 5 and "training loss has not improved for 3 epochs" in why.reason


def test_stop_epoch_and_target_loss():
    losses = [1.0, 0.5, 0.2, 0.09, 0.05]
    assert first_stop(StopRule(epoch=3), [0.0] * 5).epoch == 3
    why = first_stop(StopRule(loss=0.1), [0.0] * 5, losses)
    assert why.epoch == 3 and "0.09 is at or below the target 0.1" in why.reason
    assert first_stop(StopRule(), SEQUENCE) is None
    assert first_stop(StopRule(loss=0.01), [0.0] * 5, losses) is None
    # the stop epoch is named first when several conditions hold
    assert "stop epoch" in first_stop(StopRule(epoch=3, loss=0.1), [0.0] * 5, losses).reason


def test_the_watch_decides_as_the_pure_function_epoch_by_epoch():
    rng = np.random.default_rng(0)
    test = list(1.0 / np.arange(1, 60) + rng.uniform(0, 0.05, 59))
    rule = StopRule(patience=5)
    for start in (1, 10, 25):
        watch = StopWatch(rule, scripted(test[:start]))
        for k in range(start, len(test)):
            said = watch(Metrics(k, 1.0, test[k], math.nan, math.nan))
            pure = stop_reason(rule, scripted(test[: k + 1]))
            assert said == (pure is not None), k
            if said:
                assert watch.stopped == pure
                break
    assert best_so_far(History()) == (0, math.inf)


@pytest.mark.parametrize("bad", [dict(epoch=-1), dict(patience=1.5), dict(loss=-0.1),
                                 dict(loss=math.nan), dict(epoch=True)])
def test_bad_rules_are_refused_naming_the_field(bad):
    with pytest.raises(ValueError, match=f"train.stop.{next(iter(bad))}"):
        StopRule(**bad)


def test_the_trainer_stops_at_the_epoch_the_watch_names():
    t = Trainer(get_preset("tf_default"))
    watch = StopWatch(StopRule(epoch=37), t.history)
    report = t.train(1000, stop=watch)
    assert report.epochs_run == 37 and t.epoch == 37 and watch.stopped.epoch == 37
    t2 = Trainer(get_preset("regression_plane"))
    watch = StopWatch(StopRule(loss=0.01), t2.history)
    t2.train(10_000, stop=watch)
    losses = t2.history.column("train_loss")
    assert losses[-1] <= 0.01 < losses[-2] and t2.epoch == watch.stopped.epoch


# ------------------------------------------------------------------------------ the session
class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def notices(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, Notice)]


def play(s: Session, limit: int = 3000) -> None:
    """Run until the run stops by itself (or ``limit`` chunks, to fail rather than hang)."""
    s.handle(c.SetSpeed(0))
    s.handle(c.Run())
    for _ in range(limit):
        if s.train_chunk(0.01) is None:
            return
    raise AssertionError("the run did not stop")


def test_a_playing_session_stops_early_and_says_why():
    rec = Recorder()
    preset = get_preset("tf_default")
    s = Session(replace(preset, data=replace(preset.data, dataset="shifted")), emit=rec)
    s.handle(c.SetStopRule(StopRule(patience=15)))
    assert rec.notices()[-1] == "A run now stops after 15 epochs without a better test loss."
    play(s)
    t = s.require_trainer()
    assert not s.running and rec.events[-2] == RunningChanged(False)
    test = t.history.column("test_loss")
    best = int(np.argmin(test))  # the first lowest
    assert t.epoch == best + 15 and test[best + 1:].min() >= test[best]
    assert rec.notices()[-1] == (f"Stopped at epoch {t.epoch}: the test loss has not improved "
                                 f"for 15 epochs (best {test[best]:.4g} at epoch {best}).")
    assert np.array_equal(t.history.epochs, np.arange(t.epoch + 1))


def test_run_again_does_not_start_a_run_that_meets_its_rule():
    rec = Recorder()
    s = Session(get_preset("xor_221"), emit=rec)
    s.handle(c.SetStopRule(StopRule(epoch=40)))
    play(s)
    assert s.require_trainer().epoch == 40
    play(s)
    assert s.require_trainer().epoch == 40 and not s.running
    assert rec.notices()[-1].startswith("Not started: the run already meets its stop "
                                        "condition (the stop epoch 40 is reached)")
    s.handle(c.SetStopRule(StopRule(epoch=55)))  # raised: it trains on, to the new epoch
    play(s)
    assert s.require_trainer().epoch == 55
    s.handle(c.Step())  # Step always steps
    assert s.require_trainer().epoch == 56


def test_the_rule_applies_live_and_keeps_the_weights():
    s = Session(get_preset("tf_default"))
    t = s.require_trainer()
    t.train(10)
    before = t.params.flat.copy()
    s.handle(c.SetStopRule(StopRule(loss=0.2)))
    assert s.require_trainer() is t and t.epoch == 10
    np.testing.assert_array_equal(t.params.flat, before)
    assert s.snapshot().scenario.train.stop == StopRule(loss=0.2)
    s.handle(c.edit(c.Section.OPTIMIZER, learning_rate=0.1))  # other edits keep the rule
    s.handle(c.edit(c.Section.DATA, noise=0.1))  # a rebuild too
    assert s.require_trainer().scenario.train.stop == StopRule(loss=0.2)


# ------------------------------------------------------------------------------ files
def test_the_rule_is_saved_and_older_files_without_it_load(tmp_path):
    s = get_preset("tf_default")
    ruled = replace(s, train=replace(s.train, stop=StopRule(epoch=300, loss=0.01,
                                                            patience=50)))
    d = scenario_to_dict(ruled)
    assert d["train"]["stop"] == {"epoch": 300, "loss": 0.01, "patience": 50}
    assert scenario_from_dict(json.loads(json.dumps(d))) == ruled
    assert "stop" not in scenario_to_dict(s)["train"]  # off: files stay as they were
    assert scenario_from_dict(scenario_to_dict(s)).train.stop == StopRule()
    t = Trainer(ruled)
    save_workspace(t, tmp_path / "w.json")
    assert load_workspace(tmp_path / "w.json").scenario.train.stop == ruled.train.stop
    bad = json.loads(json.dumps(d))
    bad["train"]["stop"]["patience"] = -3
    with pytest.raises(ValueError, match=r"train\.stop\.patience"):
        scenario_from_dict(bad)
    bad["train"]["stop"] = {"epochs": 3}
    with pytest.raises(ValueError, match="epochs"):
        scenario_from_dict(bad)


# ------------------------------------------------------------------------------ command line
def test_cli_patience_stops_early_and_reports_the_best_epoch(tmp_path):
    out = io.StringIO()
    path = tmp_path / "w.json"
    assert cli.train("tf_default", 5000, str(path), out=out, patience=20,
                     dataset="shifted") == 0
    text = out.getvalue()
    back = load_workspace(path)
    test = back.history.column("test_loss")
    best = int(np.argmin(test))
    assert back.epoch == best + 20 < 5000
    assert (f"Stopped at epoch {back.epoch}: the test loss has not improved for 20 epochs "
            f"(best {test[best]:.4g} at epoch {best}).") in text
    assert back.scenario.train.stop == StopRule(patience=20)  # the workspace records it


def test_cli_stop_at_loss_and_epochs_as_the_cap(tmp_path):
    out = io.StringIO()
    assert cli.train("regression_plane", 10_000, str(tmp_path / "a.json"), out=out,
                     stop_loss=0.002) == 0
    back = load_workspace(tmp_path / "a.json")
    assert back.history.latest.train_loss <= 0.002 < back.history.column("train_loss")[-2]
    out = io.StringIO()
    assert cli.train("regression_plane", 30, str(tmp_path / "b.json"), out=out,
                     stop_loss=1e-9) == 0
    assert load_workspace(tmp_path / "b.json").epoch == 30 and "Stopped" not in out.getvalue()


@pytest.mark.parametrize(("args", "words"), [
    (["--stop-at-loss", "-1"], ["--stop-at-loss", "at least 0"]),
    (["--patience", "-2"], ["--patience"]),
    (["--dataset", "swiss_roll"], ["--dataset", "swiss_roll", "moons", "shifted"]),
])
def test_cli_bad_stop_and_data_options_are_one_line(tmp_path, args, words):
    r = run_cli("train", "xor_221", "--epochs", "5", "--out", str(tmp_path / "w.json"), *args)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr and all(w in r.stderr for w in words)
    assert not (tmp_path / "w.json").exists()
