"""The session without Qt: step modes, Step back, the traced sample, running and pacing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import session
from engine.presets import get_preset
from engine.trainer import Trainer
from session import commands as c
from session.events import Diverged, Event, GradientChecked, Notice, Refused, RunningChanged
from session.pacing import UNLIMITED, Pacer
from session.session import Session


class Recorder:
    """Collects the events a session sends."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]


def make(preset: str = "xor_221") -> tuple[Session, Recorder]:
    rec = Recorder()
    return Session(get_preset(preset), emit=rec), rec


def params(s: Session) -> list[np.ndarray]:
    return [np.array(a) for layer in s.require_trainer().params.as_list() for a in layer
            if a is not None]


def assert_same(a: list[np.ndarray], b: list[np.ndarray]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def test_the_session_package_imports_no_qt():
    """The session layer is tested and scripted without a window: no Qt anywhere in it."""
    root = Path(session.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import PySide6" not in text and "from PySide6" not in text, path
        assert "pyqtgraph" not in text, path


def test_step_by_epoch_equals_one_epoch_of_the_engine():
    s, _ = make("tf_default")
    reference = Trainer(get_preset("tf_default"))
    s.handle(c.Step(c.StepUnit.EPOCH))
    reference.train(1)
    assert s.require_trainer().epoch == 1
    assert_same(params(s), [np.array(a) for layer in reference.params.as_list() for a in layer])


def test_step_by_phase_walks_every_phase_and_matches_an_ordinary_step():
    s, _ = make("xor_221")
    reference = Trainer(get_preset("xor_221"))
    depth = s.require_trainer().spec.depth
    labels = []
    for _ in range(2 * depth + 2):  # forward ×L, loss, backward ×L, update
        s.handle(c.Step(c.StepUnit.PHASE))
        snap = s.snapshot()
        assert snap is not None and snap.trace is not None
        labels.append(snap.trace.phases[snap.trace.position - 1])
    assert labels == ["forward 1", "forward 2", "loss", "backward 2", "backward 1", "update"]
    reference.train_step()
    assert_same(params(s), [np.array(a) for layer in reference.params.as_list() for a in layer])


def test_step_back_undoes_phases_then_whole_steps_exactly():
    s, rec = make("xor_241")
    start = params(s)
    s.handle(c.Step(c.StepUnit.EPOCH))
    after_epoch = params(s)
    for _ in range(3):
        s.handle(c.Step(c.StepUnit.PHASE))
    snap = s.snapshot()
    assert snap is not None and snap.can_step_back and snap.trace is not None
    assert snap.trace.position == 3
    for expected in (2, 1):
        s.handle(c.StepBack())
        snap = s.snapshot()
        assert snap is not None and snap.trace is not None and snap.trace.position == expected
    s.handle(c.StepBack())  # the last phase: the step is undone completely
    assert_same(params(s), after_epoch)
    s.handle(c.StepBack())  # then the epoch
    assert_same(params(s), start)
    assert s.require_trainer().epoch == 0
    assert rec.of(Notice)[-1].text == ("Stepped back one whole step: epoch 0, batch 1 of 1; "
                                       "0 more can be undone.")
    s.handle(c.StepBack())
    assert rec.of(Notice)[-1].text == "Nothing to step back to."
    assert not s.snapshot().can_step_back


def test_step_back_after_the_update_restores_the_weights():
    s, _ = make("xor_221")
    before = params(s)
    s.handle(c.Step(c.StepUnit.BATCH))
    assert not np.array_equal(params(s)[0], before[0])
    s.handle(c.StepBack())  # undoes the update phase
    assert_same(params(s), before)


def test_step_by_sample_uses_the_traced_sample_or_the_next_in_turn():
    s, _ = make("xor_241")
    s.handle(c.Step(c.StepUnit.SAMPLE))
    s.handle(c.Step(c.StepUnit.SAMPLE))
    snap = s.snapshot()
    assert snap is not None and snap.trace is not None and snap.trace.indices == (1,)
    s.handle(c.TraceSample(3))
    s.handle(c.Step(c.StepUnit.SAMPLE))
    snap = s.snapshot()
    assert snap.trace.indices == (3,) and snap.traced_sample == 3
    s.handle(c.TraceSample(None))
    assert s.snapshot().traced_sample is None


def test_a_traced_sample_that_does_not_exist_is_refused():
    s, rec = make("xor_221")
    s.handle(c.TraceSample(99))
    assert rec.of(Refused)[-1].text == "there is no training sample #100 (there are 4)"
    assert s.stepping.traced_sample is None


def test_trace_nearest_picks_the_sample_closest_to_the_click():
    s, _ = make("xor_221")
    t = s.require_trainer()
    s.handle(c.TraceNearest(0.9, 0.1))
    chosen = s.stepping.traced_sample
    assert chosen is not None
    x = t.dataset.x[t.train_idx]
    assert chosen == int(np.argmin(((x - [0.9, 0.1]) ** 2).sum(axis=1)))


def test_selecting_a_weight_explains_its_chain_rule_after_its_backward_phase():
    s, _ = make("xor_221")
    s.handle(c.SelectWeight(0, 1, 0))
    s.handle(c.Step(c.StepUnit.BATCH))
    chain = s.snapshot().trace.chain
    dW = s.require_trainer().current_step.trace.dW[1]
    assert chain is not None and (chain.layer, chain.i, chain.j) == (1, 1, 0)
    assert chain.gradient == dW[1, 0] == pytest.approx(float(np.sum(chain.products)))
    s.handle(c.SelectWeight(5, 0, 0))  # a weight of a diagram since replaced: ignored
    assert s.stepping.selected_weight == (1, 1, 0)


def test_gradient_check_reports_agreement():
    s, rec = make("xor_241")
    s.handle(c.GradientCheck())
    (event,) = rec.of(GradientChecked)
    assert event.report.agrees


def test_run_trains_in_chunks_until_paused():
    s, rec = make("tf_default")
    s.handle(c.Run())
    assert s.running and rec.of(RunningChanged)[-1].running
    for _ in range(3):
        assert s.train_chunk(0.002) == 0.0
    assert s.require_trainer().epoch > 0
    snap = s.snapshot()
    assert snap.running and snap.trace is None and snap.file.dirty
    s.handle(c.Pause())
    assert not s.running and s.train_chunk(0.002) is None
    assert [e.running for e in rec.of(RunningChanged)] == [True, False]


def test_a_diverging_run_stops_with_the_learning_rate_in_the_event():
    s, rec = make("regression_plane")
    s.handle(c.edit(c.Section.OPTIMIZER, learning_rate=1e6))
    s.handle(c.Run())
    for _ in range(1000):
        if s.train_chunk(0.01) is None:
            break
    (event,) = rec.of(Diverged)
    assert event.learning_rate == 1e6 and "diverged" in event.text
    assert not s.running
    assert all(np.all(np.isfinite(p)) for p in params(s))


def test_reset_moves_to_the_next_seed_and_clears_the_undo_history():
    s, rec = make("tf_default")
    seed = s.scenario.init.seed
    s.handle(c.Step(c.StepUnit.EPOCH))
    generation = s.generation
    s.handle(c.Reset())
    assert s.scenario.init.seed == seed + 1 and s.require_trainer().epoch == 0
    assert s.generation == generation + 1 and not s.stepping.undo
    assert "seed 2" in rec.of(Notice)[-1].text


def test_reset_with_explicit_weights_returns_to_them():
    s, rec = make("worked_example")
    start = params(s)
    s.handle(c.Step(c.StepUnit.EPOCH))
    s.handle(c.Reset())
    assert_same(params(s), start)
    assert "own start weights" in rec.of(Notice)[-1].text


def test_snapshots_count_the_commands_handled():
    s, _ = make()
    for k in range(1, 4):
        s.handle(c.Publish())
        assert s.snapshot().handled == k


def test_an_unknown_command_is_refused_in_one_line():
    s, rec = make()

    class Nonsense(c.Command):
        pass

    s.handle(Nonsense())
    assert rec.of(Refused)[-1].text == "unknown command Nonsense"


def test_any_exception_inside_a_command_is_one_line_and_changes_nothing(monkeypatch):
    s, rec = make("xor_221")
    before = params(s)

    def broken(self, *args):
        raise KeyError("x" * 1000)

    monkeypatch.setattr(Trainer, "train", broken)
    s.handle(c.Step(c.StepUnit.EPOCH))
    text = rec.of(Refused)[-1].text
    assert text.startswith("KeyError") and len(text) <= 300 and "\n" not in text
    assert_same(params(s), before)
    assert not s.stepping.undo and not s.snapshot().file.dirty


# -- pacing ------------------------------------------------------------------------------------
def test_pacer_unlimited_and_throttled():
    p = Pacer()
    assert p.due(0.0, 0).epochs == UNLIMITED
    p.set_speed(10.0, now=100.0, epoch=0)
    assert p.due(100.05, 0).epochs == 0 and 0.001 <= p.due(100.05, 0).wait_s <= 0.1
    assert p.due(100.35, 0).epochs == 3
    assert p.due(100.35, 3).epochs == 0
    p.record(100.0, 0)
    p.record(101.0, 10)
    assert p.epochs_per_second() == pytest.approx(10.0)


def test_a_throttled_session_waits_instead_of_training():
    clock = [0.0]
    s = Session(get_preset("tf_default"), clock=lambda: clock[0])
    s.handle(c.SetSpeed(5.0))
    s.handle(c.Run())
    wait = s.train_chunk(0.01)
    assert wait is not None and wait > 0 and s.require_trainer().epoch == 0
    clock[0] = 1.0  # a second later: five epochs are due
    assert s.train_chunk(1.0) == 0.0
    assert s.require_trainer().epoch == 5
