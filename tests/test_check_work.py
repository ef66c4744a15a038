""""Check my work" in the session (no Qt): each kind of phase withholds its results from the
snapshot until they are answered right or revealed; answers are checked within the tolerance,
the wrong entries named; the answers start afresh with the next phase or a step back."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from engine.answers import RELATIVE_TOLERANCE
from engine.notation import fmt
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from session import commands as c
from session.answer_slots import SlotState
from session.events import Event, GradientChecked, Refused
from session.session import Session
from session.snapshot import Snapshot


def start(preset: str = "xor_221", phases: int = 1, **train) -> tuple[Session, list[Event]]:
    """A session in check-my-work mode after ``phases`` phases of the first step."""
    events: list[Event] = []
    scenario = get_preset(preset)
    if train:
        scenario = replace(scenario, train=replace(scenario.train, **train))
    s = Session(scenario, emit=events.append)
    s.handle(c.SetCheckWork(True))
    for _ in range(phases):
        s.handle(c.Step(c.StepUnit.PHASE))
    return s, events


def snap(s: Session) -> Snapshot:
    out = s.snapshot()
    assert out is not None and out.trace is not None and out.trace.check is not None
    return out


def truth(s: Session, name: str) -> np.ndarray:
    """The result as the unmasked inspector would show it (the engine's own numbers)."""
    info = s.explained(s.require_trainer())
    assert info is not None and info.explanation is not None
    return next(op.values for op in info.explanation.operands if op.name == name)


def cells(values: np.ndarray, digits: int = 4) -> tuple[tuple[str, ...], ...]:
    grid = np.atleast_2d(values)
    return tuple(tuple(fmt(float(v), digits) for v in row) for row in grid)


def answer_all(s: Session) -> None:
    for slot in snap(s).trace.check.slots:
        s.handle(c.CheckAnswer(slot.name, cells(truth(s, slot.name))))


def shown_numbers(sn: Snapshot) -> list[np.ndarray]:
    """Every array the window could show of the trace but the givens (which may share a
    number with a result: z¹ = b¹ for the input (0, 0))."""
    tr = sn.trace
    results = {x.name for x in tr.check.slots}
    out = [op.values for op in tr.explanation.operands if op.name in results]
    d = tr.display
    out += [v for v in (*d.unit_values, *d.pre_activation, *d.edge_values) if v is not None]
    out += [np.asarray(v) for v in (d.prediction, d.loss) if v is not None]
    return out


def contains(arrays: list[np.ndarray], values: np.ndarray) -> bool:
    flat = [np.ravel(a) for a in arrays]
    return any(np.any(np.isclose(f, v, rtol=1e-12, atol=0)) for f in flat for v in
               np.ravel(values) if v != 0)


def test_forward_hides_z_and_a_until_they_are_answered():
    s, events = start("xor_221", 1)
    z, a = truth(s, "z¹"), truth(s, "a¹")
    sn = snap(s)
    names = [op.name for op in sn.trace.explanation.operands]
    assert names == ["X", "W¹", "b¹"]
    assert not contains(shown_numbers(sn), z) and not contains(shown_numbers(sn), a)
    assert sn.trace.display.unit_values[1] is None and "Your turn" in sn.trace.display.caption
    assert [(x.name, x.state) for x in sn.trace.check.slots] == [
        ("z¹", SlotState.OPEN), ("a¹", SlotState.OPEN)]
    s.handle(c.CheckAnswer("z¹", cells(z)))
    sn = snap(s)
    assert sn.trace.check.slot("z¹").state is SlotState.CORRECT
    assert contains(shown_numbers(sn), z) and not contains(shown_numbers(sn), a)
    wrong = [list(row) for row in cells(a)]
    wrong[2][1] = fmt(a[2, 1] * (1 + 3 * RELATIVE_TOLERANCE))
    s.handle(c.CheckAnswer("a¹", tuple(map(tuple, wrong))))
    slot = snap(s).trace.check.slot("a¹")
    assert slot.state is SlotState.WRONG and slot.verdict.wrong == ("sample #3, unit 2",)
    assert "sample #3, unit 2" in slot.verdict.line and slot.cells[2][1] == wrong[2][1]
    s.handle(c.CheckAnswer("a¹", cells(a, 6)))
    sn = snap(s)
    assert sn.trace.check.solved and contains(shown_numbers(sn), a)
    assert sn.trace.display.unit_values[1] is not None
    assert not [e for e in events if isinstance(e, Refused)]


def test_one_sample_hides_the_worked_lines_and_show_solution_brings_them_back():
    s, _ = start("worked_example", 0)
    s.handle(c.TraceSample(0))
    s.handle(c.Step(c.StepUnit.PHASE))
    worked = s.explained(s.require_trainer()).explanation.worked
    assert worked and any(fmt(float(v)) in "".join(worked) for v in truth(s, "z¹").ravel())
    sn = snap(s)
    assert sn.trace.explanation.worked == ()
    assert all(line not in sn.trace.explanation.equations for line in worked)
    s.handle(c.ShowSolution())
    sn = snap(s)
    assert sn.trace.explanation.worked == worked
    assert {x.state for x in sn.trace.check.slots} == {SlotState.REVEALED}
    s.handle(c.Step(c.StepUnit.PHASE))  # the next phase starts afresh
    sn = snap(s)
    assert [(x.name, x.state) for x in sn.trace.check.slots] == [
        ("z²", SlotState.OPEN), ("a²", SlotState.OPEN)]
    assert sn.trace.explanation.worked == ()


def test_loss_hides_each_samples_loss_and_the_diagrams_L():
    s, _ = start("xor_221", 3)
    sn = snap(s)
    assert [x.name for x in sn.trace.check.slots] == ["ℓ"]
    assert sn.trace.display.loss is None
    assert "ℓ" not in [op.name for op in sn.trace.explanation.operands]
    loss = truth(s, "ℓ")
    s.handle(c.CheckAnswer("ℓ", cells(loss[::-1])))  # in the wrong order
    assert snap(s).trace.check.slot("ℓ").state is SlotState.WRONG
    s.handle(c.CheckAnswer("ℓ", cells(loss)))
    sn = snap(s)
    assert sn.trace.check.solved and sn.trace.display.loss == pytest.approx(np.mean(loss))


def test_backward_hides_delta_gradients_chain_rule_and_the_gradient_check():
    s, events = start("xor_221", 5)  # backward 1
    s.handle(c.SelectWeight(0, 1, 0))
    sn = snap(s)
    assert [x.name for x in sn.trace.check.slots] == ["δ¹", "dW¹", "db¹"]
    assert sn.trace.chain is None
    assert sn.trace.display.unit_values[1] is None and sn.trace.display.edge_values[0] is None
    assert sn.grad_biases[0] is None  # the hover's ∂L/∂b would tell db¹
    # what the student needs and this phase's own tables do not list: δ², a¹
    assert {"δ²", "a¹", "W²", "X"} <= {op.name for op in sn.trace.explanation.operands}
    for name in ("δ¹", "dW¹", "db¹"):
        assert not contains(shown_numbers(sn), truth(s, name))
    s.handle(c.GradientCheck())
    assert isinstance(events[-1], Refused) and "gradient check" in events[-1].text.lower()
    dw = truth(s, "dW¹")
    s.handle(c.CheckAnswer("dW¹", cells(dw)))
    s.handle(c.ShowSolution("δ¹"))
    sn = snap(s)
    states = {x.name: x.state for x in sn.trace.check.slots}
    assert states == {"δ¹": SlotState.REVEALED, "dW¹": SlotState.CORRECT, "db¹": SlotState.OPEN}
    assert sn.trace.chain is None
    s.handle(c.CheckAnswer("db¹", cells(truth(s, "db¹"))))
    sn = snap(s)
    assert sn.trace.check.solved and sn.trace.chain is not None
    assert sn.grad_biases[0] is not None
    s.handle(c.GradientCheck())
    assert isinstance(events[-1], GradientChecked)


def test_update_hides_the_new_weights_even_in_the_diagrams_hovers():
    s, _ = start("xor_221", 6)
    t = s.require_trainer()
    after = [np.array(w) for w, _ in t.params.as_list()]
    before = t.current_step.trace.params_before
    sn = snap(s)
    names = [x.name for x in sn.trace.check.slots]
    assert names[:3] == ["W¹ (new)", "ΔW¹", "b¹ (new)"]
    np.testing.assert_array_equal(sn.weights[0], before[0][0])  # not yet the new ones
    assert all(e is None for e in sn.trace.display.edge_values)
    given = {op.name: op.values for op in sn.trace.explanation.operands}
    np.testing.assert_array_equal(given["W¹"], before[0][0])
    np.testing.assert_array_equal(given["dW¹"], t.current_step.trace.dW[1])
    assert not contains(shown_numbers(sn), after[0])
    s.handle(c.CheckAnswer("W¹ (new)", cells(after[0])))
    assert snap(s).trace.check.slot("W¹ (new)").state is SlotState.CORRECT
    s.handle(c.ShowSolution())
    sn = snap(s)
    assert sn.trace.check.solved
    np.testing.assert_array_equal(sn.weights[0], after[0])


@pytest.mark.parametrize("kind", ["momentum", "adam"])
def test_the_update_gives_the_optimiser_state_before_the_step(kind):
    s, _ = start("xor_221", 6, optimizer=OptimizerSpec(kind=kind, learning_rate=0.1))
    sn = snap(s)
    given = {op.name for op in sn.trace.explanation.operands}
    assert "v (W¹) before" in given
    assert any(x.name == "v (W¹)" for x in sn.trace.check.slots)
    answer_all(s)
    assert snap(s).trace.check.solved


def test_step_back_and_the_mode_switch_start_afresh():
    s, _ = start("xor_221", 1)
    s.handle(c.CheckAnswer("z¹", cells(truth(s, "z¹"))))
    round_ = snap(s).trace.check.round
    s.handle(c.Step(c.StepUnit.PHASE))
    s.handle(c.StepBack())
    sn = snap(s)
    assert sn.trace.check.slot("z¹").state is SlotState.OPEN and sn.trace.check.round > round_
    s.handle(c.SetCheckWork(False))
    sn = s.snapshot()
    assert not sn.check_work and sn.trace.check is None
    assert "z¹" in [op.name for op in sn.trace.explanation.operands]
    s.handle(c.SetCheckWork(True))
    assert snap(s).check_work and snap(s).trace.check.slot("z¹").state is SlotState.OPEN


@pytest.mark.parametrize(("command", "fragment"), [
    (c.CheckAnswer("W¹", (("1", "2"), ("3", "4"))), "'W¹' is not a result of this phase"),
    (c.CheckAnswer("z¹", (("1", "2"),)), "z¹: the answer needs 4 rows of 2 entries"),
    (c.ShowSolution("ℓ"), "'ℓ' is not a result"),
])
def test_impossible_answers_are_refused_in_one_line_and_change_nothing(command, fragment):
    s, events = start("xor_221", 1)
    before = snap(s).trace.check
    s.handle(command)
    assert isinstance(events[-1], Refused) and fragment in events[-1].text
    assert len(events[-1].text) <= 300
    assert snap(s).trace.check.slots == before.slots


def test_answers_need_the_mode_and_a_phase():
    events: list[Event] = []
    s = Session(get_preset("xor_221"), emit=events.append)
    s.handle(c.CheckAnswer("z¹", ()))
    assert isinstance(events[-1], Refused) and "Check my work is off" in events[-1].text
    s.handle(c.SetCheckWork(True))
    s.handle(c.ShowSolution())
    assert isinstance(events[-1], Refused) and "no phase is shown" in events[-1].text


def test_the_check_uses_the_tables_as_shown_in_the_columns_layout():
    """Samples as columns (W·X) transposes every operand: the givens, the answer grids and the
    check follow the displayed operand, so the transposed answer is the right one."""
    s, _ = start("xor_221", 0)
    s.handle(c.SetLayout("columns"))
    s.handle(c.Step(c.StepUnit.PHASE))
    t = s.require_trainer()
    z1 = t.current_step.trace.z[1]  # the engine's (samples, units)
    shown = snap(s)
    givens = {op.name: op for op in shown.trace.explanation.operands}
    np.testing.assert_array_equal(givens["X"].values, t.current_step.trace.x.T)
    np.testing.assert_array_equal(givens["W¹"].values, t.current_step.trace.params_before[0][0].T)
    slot = shown.trace.check.slot("z¹")
    assert (slot.rows, slot.cols) == (2, 4) and slot.col_labels == ("#1", "#2", "#3", "#4")
    s.handle(c.CheckAnswer("z¹", cells(z1.T)))
    assert snap(s).trace.check.slot("z¹").state is SlotState.CORRECT
    wrong = [list(r) for r in cells(z1.T)]
    wrong[1][3] = "9"
    s.handle(c.CheckAnswer("z¹", tuple(map(tuple, wrong))))
    assert snap(s).trace.check.slot("z¹").verdict.wrong == ("unit 2, sample #4",)
