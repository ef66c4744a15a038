""""Check my work": the inspector hides the next result until the student has computed it.

In this mode each phase's results (``Explanation.results``: zˡ and aˡ in a forward phase, ℓ
in the loss, δˡ, dWˡ, dbˡ in a backward one, the new weights, ΔW and optimiser state in the
update) are withheld from the snapshot until each is answered right (``CheckAnswer``) or
revealed (``ShowSolution``): the explanation loses its worked lines and those operands, the
chain rule is dropped, and the diagram does not show the just-computed column (units, edges,
the loss) nor, in hovers, the new db or weights. The student gets what the phase reads instead,
some of it computed in earlier phases (``engine.givens``). Once every result is right or
revealed, everything shows as usual.

Answers are checked against the operand the window would show under that name (its values in
the shape they are shown in), so any layout of the tables checks alike. The answers start
afresh whenever another phase is shown: a step, a step back, another trainer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from engine.answers import Verdict, asked_shape, check_answer, grid
from engine.explain import Explanation
from engine.givens import phase_givens
from engine.operands import Operand
from engine.program import Phase
from engine.trace_display import TraceDisplay
from engine.trainer import Trainer
from session import commands as c
from session.answer_slots import AnswerSlot, PhaseCheck, SlotState
from session.snapshot import Snapshot, TraceInfo


class Session(Protocol):
    """What these commands need of the session that owns the run."""

    check_work: CheckWork

    def require_trainer(self) -> Trainer: ...
    def explained(self, t: Trainer) -> TraceInfo | None: ...


class CheckWork:
    """The mode and the answers given for the phase on screen."""

    def __init__(self) -> None:
        self.on = False
        self.round = 0
        """Counts fresh starts (the window keeps typed text within one round)."""
        self._answers: dict[str, tuple[tuple[tuple[str, ...], ...], Verdict]] = {}
        self._revealed: set[str] = set()
        self._shown: tuple[object, int] | None = None
        """(stepper, position) of the phase the answers belong to."""

    def set_on(self, on: bool) -> None:
        if bool(on) != self.on:
            self.on = bool(on)
            self.reset()

    def reset(self) -> None:
        """Start afresh: nothing answered, nothing revealed."""
        self.round += 1
        self._answers.clear()
        self._revealed.clear()

    def _sync(self, t: Trainer) -> Phase | None:
        """The phase on screen; a different one than the answers belong to resets them."""
        stepper = t.current_step
        shown = None if stepper is None else (stepper, stepper.position)
        if shown is None or self._shown is None or shown[0] is not self._shown[0] \
                or shown[1] != self._shown[1]:
            if self._answers or self._revealed:
                self.reset()
            self._shown = shown
        return None if stepper is None else stepper.last_phase

    # -- commands ----------------------------------------------------------------------------
    def check(self, t: Trainer, info: TraceInfo | None, name: str,
              cells: tuple[tuple[str, ...], ...]) -> Verdict:
        """Check the answer for result ``name`` of the phase ``info`` shows (unmasked)."""
        self._sync(t)
        op = self._result(info, name)
        if name in self._revealed:
            raise ValueError(f"{name} is shown already: step on to the next phase")
        verdict = check_answer(op, tuple(tuple(str(x) for x in row) for row in cells))
        self._answers[name] = (tuple(tuple(str(x) for x in row) for row in cells), verdict)
        return verdict

    def reveal(self, t: Trainer, info: TraceInfo | None, name: str | None) -> None:
        """Show result ``name`` (None: every result of the phase)."""
        self._sync(t)
        if name is not None:
            self._revealed.add(self._result(info, name).name)
            return
        e = self._explanation(info)
        self._revealed.update(e.results)

    def require_solved(self, t: Trainer, info: TraceInfo | None, what: str) -> None:
        """ValueError while the phase ``info`` shows (unmasked) has results to answer."""
        self._sync(t)
        if self.on and info is not None and info.explanation is not None \
                and self._unsolved(info.explanation):
            raise ValueError(f"{what} would show this phase's results: check your answers or "
                             "show the solution first")

    def _explanation(self, info: TraceInfo | None) -> Explanation:
        if not self.on:
            raise ValueError("Check my work is off: tick “Check my work” first")
        if info is None or info.explanation is None:
            raise ValueError("no phase is shown: choose Step by Phase and press Step")
        return info.explanation

    def _result(self, info: TraceInfo | None, name: str) -> Operand:
        e = self._explanation(info)
        op = next((o for o in e.operands if o.name == name), None)
        if op is None or name not in e.results:
            raise ValueError(f"{name!r} is not a result of this phase (its results: "
                             f"{', '.join(e.results)})")
        return op

    def _unsolved(self, e: Explanation) -> tuple[str, ...]:
        return tuple(name for name in e.results if name not in self._revealed
                     and not (name in self._answers and self._answers[name][1].correct))

    # -- what the window sees ----------------------------------------------------------------
    def view(self, t: Trainer, info: TraceInfo | None) -> TraceInfo | None:
        """``info`` as the window may see it: with the unsolved results withheld."""
        phase = self._sync(t)
        if not self.on or info is None or info.explanation is None or phase is None:
            return info
        e = info.explanation
        slots = tuple(self._slot(op) for op in e.operands if op.name in e.results)
        check = PhaseCheck(self.round, slots)
        if check.solved:
            return replace(info, check=check)
        unsolved = tuple(s.name for s in slots if not s.state.final)
        activations = tuple(layer.activation for layer in t.spec.layers)
        stepper = t.current_step
        assert stepper is not None
        givens = phase_givens(stepper.trace, phase, activations)
        own = {op.name for op in e.operands}
        operands = tuple(g for g in givens if g.name not in own) + tuple(
            op for op in e.operands if op.name not in unsolved)
        masked = replace(e, worked=(), operands=operands)
        return replace(info, explanation=masked, chain=None, check=check,
                       display=_hide(info.display, phase, unsolved))

    def _slot(self, op: Operand) -> AnswerSlot:
        rows, cols = asked_shape(op.values.shape)
        total_rows, total_cols = grid(op.values).shape
        row_labels = op.row_labels[:rows] if len(op.row_labels) == total_rows \
            and op.values.ndim == 2 else ()
        col_labels = op.col_labels[:cols] if len(op.col_labels) == total_cols else ()
        cells, verdict = self._answers.get(op.name, ((), None))
        if op.name in self._revealed:
            state = SlotState.REVEALED
        elif verdict is None:
            state = SlotState.OPEN
        else:
            state = SlotState.CORRECT if verdict.correct else SlotState.WRONG
        return AnswerSlot(op.name, op.meaning, op.shape_text, rows, cols, row_labels,
                          col_labels, total_rows * total_cols, state, cells, verdict)

    def snapshot(self, snap: Snapshot, t: Trainer) -> Snapshot:
        """The snapshot with the mode, and without what the diagram's hovers would tell of
        unsolved results: a backward phase's new ∂L/∂b, an update's new weights and biases
        (the weights before it are shown until then)."""
        snap = replace(snap, check_work=self.on)
        stepper = t.current_step
        phase = None if stepper is None else stepper.last_phase
        check = None if snap.trace is None else snap.trace.check
        if check is None or check.solved or phase is None or stepper is None:
            return snap
        if phase.kind == "backward":
            hidden = tuple(None if l == phase.layer - 1 else b
                           for l, b in enumerate(snap.grad_biases))
            return replace(snap, grad_biases=hidden)
        if phase.kind == "update":
            before = stepper.trace.params_before
            return replace(snap, weights=tuple(_frozen(w) for w, _ in before),
                           biases=tuple(None if b is None else _frozen(b) for _, b in before))
        return snap


def _frozen(a: Any) -> Any:
    out = a.copy()
    out.flags.writeable = False
    return out


def _hide(d: TraceDisplay, phase: Phase, unsolved: tuple[str, ...]) -> TraceDisplay:
    """The diagram's display without the phase's just-computed numbers."""
    units = list(d.unit_values)
    pre = list(d.pre_activation)
    edges = list(d.edge_values)
    prediction, loss = d.prediction, d.loss
    if phase.kind == "forward":
        units[phase.layer] = pre[phase.layer] = None
        if phase.layer == len(units) - 1:
            prediction = None
    elif phase.kind == "loss":
        loss = None
    elif phase.kind == "backward":
        units[phase.layer] = None
        edges[phase.layer - 1] = None
    else:
        edges = [None] * len(edges)
    names = " and ".join((", ".join(unsolved[:-1]), unsolved[-1])) if len(unsolved) > 1 \
        else unsolved[0]
    caption = f"Your turn: compute {names} (Inspector › Check my work)"
    return replace(d, unit_values=tuple(units), pre_activation=tuple(pre),
                   edge_values=tuple(edges), prediction=prediction, loss=loss, caption=caption)


def handlers(s: Session) -> dict[type, Callable[[Any], None]]:
    """The session's handlers of the check-my-work commands."""
    def check(cmd: c.CheckAnswer) -> None:
        t = s.require_trainer()
        s.check_work.check(t, s.explained(t), cmd.name, cmd.cells)

    def reveal(cmd: c.ShowSolution) -> None:
        t = s.require_trainer()
        s.check_work.reveal(t, s.explained(t), cmd.name)

    return {c.SetCheckWork: lambda cmd: s.check_work.set_on(cmd.on),
            c.CheckAnswer: check, c.ShowSolution: reveal}
