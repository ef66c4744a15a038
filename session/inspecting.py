"""The inspector's commands: its digits and textbook layout, the weight or bias whose chain
rule it explains, and the gradient check; and the trace as the inspector writes it.

Functions of the session that owns the run (``session.session.Session``), as ``tracing`` and
``check_work`` are; each raises ValueError for an impossible choice, which the session turns
into one Refused line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from engine.layout import Layout, check_layout, in_layout
from engine.notation import check_digits, precision
from engine.trainer import Trainer
from session import commands as c
from session.check_work import CheckWork
from session.events import Event, GradientChecked
from session.snapshot import TraceInfo, trace_info
from session.stepping import StepControl


class Session(Protocol):
    """What these commands need of the session that owns the run."""

    digits: int
    layout: Layout
    stepping: StepControl
    check_work: CheckWork

    def require_trainer(self) -> Trainer: ...
    def emit(self, event: Event) -> None: ...
    def pause(self) -> None: ...
    def explained(self, t: Trainer) -> TraceInfo | None: ...


def explained(s: Session, t: Trainer) -> TraceInfo | None:
    """The phase stepper's state, its numbers written with the chosen digits in the chosen
    layout, before "check my work" withholds anything (the snapshot applies it)."""
    with precision(s.digits), in_layout(s.layout):
        return trace_info(t, s.stepping.selected_weight, s.stepping.expanded)


def on_screen(s: Session, t: Trainer) -> TraceInfo | None:
    """The trace as the window may show it: ``explained``, less what "check my work" still
    withholds, in the chosen digits and layout."""
    with precision(s.digits), in_layout(s.layout):
        return s.check_work.view(t, explained(s, t))


def gradient_check(s: Session) -> None:
    s.pause()
    t = s.require_trainer()
    s.check_work.require_solved(t, s.explained(t), "A gradient check")
    with in_layout(s.layout):  # the worst parameter named as the inspector names it
        s.emit(GradientChecked(s.stepping.gradient_check(t)))


def handlers(s: Session) -> dict[type, Callable[[Any], None]]:
    """The session's handlers of the inspector's commands."""
    def set_digits(cmd: c.SetDigits) -> None:
        s.digits = check_digits(cmd.digits)

    def set_layout(cmd: c.SetLayout) -> None:
        s.layout = check_layout(cmd.layout)

    def select_weight(cmd: c.SelectWeight) -> None:
        s.stepping.select_weight(s.require_trainer(), cmd.layer, cmd.i, cmd.j)

    def select_bias(cmd: c.SelectBias) -> None:
        s.stepping.select_bias(s.require_trainer(), cmd.layer, cmd.j)

    def expand(cmd: c.ExpandDelta) -> None:
        s.stepping.expand_delta(s.require_trainer(), cmd.layer, cmd.unit)

    return {c.SetDigits: set_digits, c.SetLayout: set_layout, c.SelectWeight: select_weight,
            c.SelectBias: select_bias, c.GradientCheck: lambda cmd: gradient_check(s),
            c.ExpandDelta: expand}
