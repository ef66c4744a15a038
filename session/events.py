"""What a ``Session`` tells its views besides snapshots: one small frozen value per kind.

Every message is one plain-text line, meant for a status bar or a dialog as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Event:
    """Base of every event (for type hints)."""


@dataclass(frozen=True)
class Notice(Event):
    """Information for the status bar, e.g. "the weights were re-initialised"."""

    text: str


@dataclass(frozen=True)
class Refused(Event):
    """A command was refused; the text says why. Nothing changed."""

    text: str


@dataclass(frozen=True)
class Diverged(Event):
    """Training stopped on NaN/Inf and rolled back to the last finite state."""

    text: str
    learning_rate: float


@dataclass(frozen=True)
class RunningChanged(Event):
    running: bool


@dataclass(frozen=True)
class GradientChecked(Event):
    report: object
    """The ``engine.gradcheck.GradCheckReport``."""


class FileAction(StrEnum):
    SAVED = "saved"
    OPENED = "opened"
    EXPORTED = "exported"
    IMPORTED = "imported"
    """Weights loaded into the current network."""
    ADOPTED = "adopted"
    """The file's network and weights replaced the current network."""
    DATA = "data"
    """A CSV data set replaced the data (and rebuilt the network)."""


@dataclass(frozen=True)
class FileDone(Event):
    action: FileAction
    path: str
    detail: str = ""
    """Notes worth saying (e.g. what a CSV import changed)."""


@dataclass(frozen=True)
class FileFailed(Event):
    """A file could not be read or written; nothing changed."""

    title: str
    message: str


@dataclass(frozen=True)
class WeightsMismatch(Event):
    """The weights file's architecture differs; the user may adopt it (``AdoptWeights``)."""

    message: str
    imported: object
