"""Stop conditions while a run plays: the session trains each chunk under the scenario's
``StopRule`` (``engine.training.stopping``), pauses when it is met and says why.

Only a playing run (Run) stops by itself; Step and ``TrainEpochs`` do exactly what they say.
A run that has already met its rule does not start again until the rule changes: the notice
says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from engine.trainer import Trainer, TrainReport
from engine.training import stopping
from engine.training.stopping import Stopped, StopRule, StopWatch, stop_reason
from session import commands as c
from session.events import Event, Notice


class Session(Protocol):
    """What the stop conditions need of the session that owns the run."""

    def require_trainer(self) -> Trainer: ...
    def emit(self, event: Event) -> None: ...
    def pause(self) -> None: ...
    def mark_dirty(self) -> None: ...


def describe(rule: StopRule) -> str:
    """The rule in a sentence, for the status bar."""
    when = stopping.describe(rule)
    return f"A run now stops {when}." if when else "Stop conditions off: a run goes on until " \
                                                  "paused."


def train(s: Session, t: Trainer, epochs: int, budget_s: float) -> TrainReport:
    """Train up to ``epochs`` epochs (for about ``budget_s`` seconds) under the scenario's
    stop rule; when it is met, pause and send the reason as a Notice."""
    rule = t.scenario.train.stop
    if not rule.active:
        return t.train(epochs, time_budget=budget_s)
    met = stop_reason(rule, t.history) if t.batch_index == 0 else None
    if met is not None:
        _stopped(s, met, again=True)
        return TrainReport(0, None)
    left = rule.epochs_left(t.epoch)
    watch = StopWatch(rule, t.history)
    report = t.train(max(1, min(epochs, left)) if left is not None else epochs,
                     time_budget=budget_s, stop=watch)
    if report.diverged is None and watch.stopped is not None:
        _stopped(s, watch.stopped, again=False)
    return report


def _stopped(s: Session, why: Stopped, again: bool) -> None:
    s.pause()
    if again:
        s.emit(Notice(f"Not started: the run already meets its stop condition ({why.reason}). "
                      "Change “Stop when” in the Training panel to train on."))
    else:
        s.emit(Notice(f"{why}."))


def handlers(s: Session) -> dict[type, Callable[[Any], None]]:
    """The session's handler of ``SetStopRule``."""
    def set_rule(cmd: c.SetStopRule) -> None:
        if not isinstance(cmd.rule, StopRule):
            raise ValueError("a stop rule is needed")
        t = s.require_trainer()
        if t.scenario.train.stop == cmd.rule:
            return
        t.scenario = replace(t.scenario, train=replace(t.scenario.train, stop=cmd.rule))
        s.mark_dirty()
        s.emit(Notice(describe(cmd.rule)))

    return {c.SetStopRule: set_rule}
