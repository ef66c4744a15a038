"""What "check my work" tells the window about the phase on screen: one slot per result the
student is to compute, with its state and last verdict, never its true values until it is
solved (the snapshot's ``TraceInfo.check``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.answers import Verdict


class SlotState(StrEnum):
    """Where one result stands."""

    OPEN = "open"
    """Not checked yet (or edited since)."""
    WRONG = "wrong"
    """Checked, and not right yet."""
    CORRECT = "correct"
    REVEALED = "revealed"
    """The student asked for the solution."""

    @property
    def final(self) -> bool:
        """True once the result may be shown."""
        return self in (SlotState.CORRECT, SlotState.REVEALED)


@dataclass(frozen=True)
class AnswerSlot:
    """One result operand to answer, as the answer grid shows it: ``rows`` × ``cols`` entries
    (the operand's first rows when it is big), named by ``row_labels`` and ``col_labels``
    (empty: unnamed)."""

    name: str
    meaning: str
    shape_text: str
    """The whole operand's shape, e.g. "4×2"."""
    rows: int
    cols: int
    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]
    total: int
    """Entries of the whole operand (more than rows × cols: only its first rows are asked)."""
    state: SlotState
    cells: tuple[tuple[str, ...], ...] = ()
    """The text last checked, (rows, cols); () before any check."""
    verdict: Verdict | None = None


@dataclass(frozen=True)
class PhaseCheck:
    """The check-my-work state of the phase on screen."""

    round: int
    """Changes whenever the answers start afresh (another phase, step back, mode on)."""
    slots: tuple[AnswerSlot, ...]

    @property
    def solved(self) -> bool:
        """Every result is right or revealed: the worked solution is shown."""
        return all(s.state.final for s in self.slots)

    def slot(self, name: str) -> AnswerSlot | None:
        return next((s for s in self.slots if s.name == name), None)
