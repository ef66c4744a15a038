"""Compared runs: the session's pinned runs and their commands (``PinRun``, ``UnpinRun``,
``RenamePinned``).

The pinned runs belong to the session, not to a trainer: they survive Reset, preset changes,
data edits and every rebuild; opening a workspace replaces them with the file's, saving one
writes them (``session.files``). Each keeps a mark (which dash pattern and marker the loss
plot draws it with) from pinning to unpinning, so unpinning one never restyles the others.
Snapshots carry them as ``ShownPin`` values, labelled against the scenario in force.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from engine.pinned import MAX_PINNED, PinnedRun, Summary, check_name, pin, summarize
from engine.scenario import Scenario
from engine.trainer import Trainer
from session import commands as c
from session.events import Event, Notice


@dataclass(frozen=True, eq=False)
class ShownPin:
    """A pinned run as the window shows it."""

    run: PinnedRun
    label: str
    """Its name, or what differs from the run in force ("lr 0.03, tanh 4-2")."""
    mark: int
    """0 … MAX_PINNED − 1: its dash pattern and marker in the loss plot."""
    named: bool
    """The user named it (otherwise the label is automatic)."""


class PinnedRuns:
    """At most ``MAX_PINNED`` pinned runs, in pinning order, each with its mark."""

    def __init__(self) -> None:
        self._runs: list[tuple[PinnedRun, int]] = []
        self._shown: tuple[object, tuple[ShownPin, ...]] | None = None
        self._current: tuple[Scenario, Summary] | None = None

    @property
    def runs(self) -> tuple[PinnedRun, ...]:
        return tuple(run for run, _ in self._runs)

    def __len__(self) -> int:
        return len(self._runs)

    def add(self, run: PinnedRun) -> None:
        if len(self._runs) >= MAX_PINNED:
            raise ValueError(f"at most {MAX_PINNED} runs can be pinned: unpin one first "
                             "(Unpin… next to Pin run)")
        used = {mark for _, mark in self._runs}
        mark = min(m for m in range(MAX_PINNED) if m not in used)
        self._runs.append((run, mark))
        self._shown = None

    def remove(self, index: int | None) -> None:
        """Unpin the run at ``index``, or every one with None."""
        if index is None:
            self._runs.clear()
        else:
            self._check(index)
            del self._runs[index]
        self._shown = None

    def rename(self, index: int, name: str) -> None:
        self._check(index)
        run, mark = self._runs[index]
        self._runs[index] = (run.renamed(name), mark)
        self._shown = None

    def replace_all(self, runs: Sequence[PinnedRun]) -> None:
        """The runs a workspace brought (at most MAX_PINNED, checked by its reader)."""
        self._runs = [(run, mark) for mark, run in enumerate(runs[:MAX_PINNED])]
        self._shown = None

    def _check(self, index: int) -> None:
        if not isinstance(index, int) or not 0 <= index < len(self._runs):
            n = len(self._runs)
            raise ValueError(f"there is no pinned run {index!r} (there "
                             f"{'is' if n == 1 else 'are'} {n}, numbered from 0)")

    def summary_of(self, scenario: Scenario) -> Summary:
        """The scenario's summary, kept while the scenario in force stays the same object."""
        if self._current is None or self._current[0] is not scenario:
            self._current = (scenario, summarize(scenario))
        return self._current[1]

    def shown(self, scenario: Scenario) -> tuple[ShownPin, ...]:
        """The pinned runs labelled against ``scenario`` (cached: snapshots ask ~30×/s)."""
        if not self._runs:
            return ()
        if self._shown is not None and self._shown[0] is scenario:
            return self._shown[1]
        current = self.summary_of(scenario)
        shown = tuple(ShownPin(run, run.label(current), mark, run.name is not None)
                      for run, mark in self._runs)
        self._shown = (scenario, shown)
        return shown


class Session(Protocol):
    """What these commands need of the session that owns the run."""

    pinned: PinnedRuns

    def require_trainer(self) -> Trainer: ...
    def emit(self, event: Event) -> None: ...
    def mark_dirty(self) -> None: ...


def pin_run(s: Session, cmd: c.PinRun) -> None:
    t = s.require_trainer()
    if t.epoch == 0:
        raise ValueError("train first: this run has no curve to pin yet")
    run = pin(t.scenario, t.history, check_name(cmd.label))
    s.pinned.add(run)
    s.mark_dirty()
    s.emit(Notice(f"Pinned this run (epoch {t.epoch:,}): its curves stay in the loss plot. "
                  "Change a setting or Reset, then train to compare."))


def unpin_run(s: Session, cmd: c.UnpinRun) -> None:
    if not len(s.pinned):
        raise ValueError("no run is pinned")
    s.pinned.remove(cmd.index)
    s.mark_dirty()
    s.emit(Notice("Unpinned every run." if cmd.index is None else "Unpinned the run."))


def rename_pinned(s: Session, cmd: c.RenamePinned) -> None:
    s.pinned.rename(cmd.index, cmd.label)
    s.mark_dirty()


def handlers(s: Session) -> dict[type, Callable[[Any], None]]:
    """The session's handlers of the compared-runs commands."""
    return {c.PinRun: lambda cmd: pin_run(s, cmd), c.UnpinRun: lambda cmd: unpin_run(s, cmd),
            c.RenamePinned: lambda cmd: rename_pinned(s, cmd)}
