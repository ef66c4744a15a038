"""Check a student's answer for one operand ("check my work"): read the typed cells, compare
them with the operand's values within a stated tolerance, and name the wrong entries.

The answer is a grid of cell texts in the shape the operand is *shown* in (whatever layout the
inspector uses), so the check is always against the displayed ``Operand`` by name. An operand
of more than ``ANSWER_LIMIT`` entries is answered in part: ``asked_shape`` picks its first
rows (``PART`` entries at most), the same block the window offers for typing.

A cell may hold (``parse_cell``): a decimal number with an optional sign, where the minus may
be ``-``, the true minus ``−`` or a dash ``–``; a decimal comma instead of the point (``0,5``);
an exponent (``1e-3``, ``2.5E−4``); or a fraction of two such numbers (``3/4``, ``-1/8``).
Blank cells are blanks, not errors; anything else (words, ``nan``, ``inf``) is named in the
verdict's line, never raised.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from engine.operands import Operand

RELATIVE_TOLERANCE = 0.005
ABSOLUTE_TOLERANCE = 0.0005
TOLERANCE_TEXT = "within 0.5 % of the true value or within 0.0005 of it, whichever is larger"
TOLERANCE_SHORT = "±0.5 % or ±0.0005, whichever is larger"
"""An entry is right when |typed − true| ≤ max(0.5 % of |true|, 0.0005): a student working by
hand with a calculator and 4 significant digits (rounding carried through a few products and a
sigmoid) stays well inside it; a slip in the third digit does not."""
ANSWER_LIMIT = 36
"""An operand with at most this many entries is asked in full."""
PART = 12
"""…a bigger one only in part: its first rows, at most this many entries (at least one row,
cut to PART entries); the rest are shown with the solution."""
MAX_LINE = 300
"""The verdict's line is at most this many characters."""

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_CELL = re.compile(rf"^\s*(?P<p>{_NUMBER})\s*(?:/\s*(?P<q>{_NUMBER})\s*)?$")
_DASHES = str.maketrans({"−": "-", "–": "-", "\u00a0": " "})


class CellError(ValueError):
    """A cell's text is not a number (the message says why, without the cell's name)."""


def parse_cell(text: str) -> float | None:
    """The number typed in one cell (see the module doc), None for a blank cell; CellError
    for anything else."""
    t = text.translate(_DASHES).strip()
    if not t:
        return None
    if "," in t and "." not in t and t.count(",") == 1:
        t = t.replace(",", ".")  # a decimal comma
    m = _CELL.match(t)
    if m is None:
        low = t.lower().lstrip("+-")
        if low in ("nan", "inf", "infinity", "∞"):
            raise CellError(f"“{_short(text)}” is not a finite number")
        raise CellError(f"“{_short(text)}” is not a number")
    p = float(m.group("p"))
    if m.group("q") is None:
        value = p
    else:
        q = float(m.group("q"))
        if q == 0.0:
            raise CellError(f"“{_short(text)}” divides by zero")
        value = p / q
    if not math.isfinite(value):
        raise CellError(f"“{_short(text)}” is not a finite number")
    return value


def _short(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 16 else text[:15] + "…"


def is_close(typed: float, true: float) -> bool:
    """The stated tolerance: |typed − true| ≤ max(RELATIVE_TOLERANCE·|true|,
    ABSOLUTE_TOLERANCE)."""
    return abs(typed - true) <= max(RELATIVE_TOLERANCE * abs(true), ABSOLUTE_TOLERANCE)


def grid(values: np.ndarray) -> np.ndarray:
    """The operand's values as the 2-D grid it is shown as: a vector is one row, a scalar one
    cell."""
    v = np.asarray(values, dtype=np.float64)
    return v.reshape(1, -1) if v.ndim < 2 else v.reshape(v.shape[0], -1)


def asked_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """(rows, columns) of the block asked of an operand shown with ``shape``: all of it up to
    ANSWER_LIMIT entries, else its first rows, PART entries at most (one row at least, cut to
    its first PART entries): 10×4 asks 3 rows of 4, 784×128 the first 12 of row 1."""
    rows, cols = grid(np.empty(shape)).shape
    if rows * cols <= ANSWER_LIMIT:
        return rows, cols
    if cols >= PART:
        return 1, PART
    return max(1, PART // cols), cols


def entry_name(op: Operand, r: int, c: int) -> str:
    """How a reader names entry (r, c) of the operand as shown: "sample #12, unit 2",
    "from 1, to 2", "sample #3" (ℓ), or "row 2, column 1" for unnamed rows and columns."""
    shown = grid(op.values)
    rows, cols = shown.shape
    parts = []
    if len(op.row_labels) == rows and op.values.ndim == 2:
        parts.append(_label(op.row_labels[r]))
    elif rows > 1:
        parts.append(f"row {r + 1}")
    if len(op.col_labels) == cols:
        parts.append(_label(op.col_labels[c]))
    elif cols > 1 or not parts:
        parts.append(f"column {c + 1}" if parts else f"entry {c + 1}")
    return ", ".join(parts)


def _label(label: str) -> str:
    return f"sample {label}" if label.startswith("#") else label


class Mark(StrEnum):
    """One typed entry, as checked."""

    RIGHT = "right"
    WRONG = "wrong"
    BLANK = "blank"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Verdict:
    """A checked answer: right when every asked entry is within the tolerance. ``marks`` is
    (rows, cols) like the asked block; the entry lists name entries as ``entry_name`` does.
    It never holds the true values (the window may show it before the solution)."""

    name: str
    correct: bool
    marks: tuple[tuple[Mark, ...], ...]
    wrong: tuple[str, ...]
    blank: tuple[str, ...]
    unreadable: tuple[tuple[str, str], ...]
    """(entry, why): the cells whose text is not a number."""
    line: str
    """One plain-text line (≤ MAX_LINE characters) saying all of the above."""
    reasons: tuple[tuple[str, ...], ...] = ()
    """(rows, cols): why each entry got its mark, for its tooltip."""


def check_answer(op: Operand, cells: tuple[tuple[str, ...], ...]) -> Verdict:
    """Compare the typed ``cells`` (the asked block, see ``asked_shape``) with ``op``'s
    values; ValueError only when the grid has the wrong shape (a program's error, not the
    student's)."""
    truth = grid(op.values)
    rows, cols = asked_shape(op.values.shape)
    if len(cells) != rows or any(len(row) != cols for row in cells):
        raise ValueError(f"{op.name}: the answer needs {rows} row{'s' * (rows != 1)} of {cols} "
                         f"entr{'ies' if cols != 1 else 'y'}")
    marks: list[tuple[Mark, ...]] = []
    reasons: list[tuple[str, ...]] = []
    wrong: list[str] = []
    blank: list[str] = []
    unreadable: list[tuple[str, str]] = []
    for r in range(rows):
        row: list[Mark] = []
        why: list[str] = []
        for c in range(cols):
            entry = entry_name(op, r, c)
            try:
                typed = parse_cell(cells[r][c])
            except CellError as e:
                row.append(Mark.UNREADABLE)
                why.append(f"✗ {entry}: {e}")
                unreadable.append((entry, str(e)))
                continue
            if typed is None:
                row.append(Mark.BLANK)
                why.append(f"{entry}: blank — type a number")
                blank.append(entry)
            elif is_close(typed, float(truth[r, c])):
                row.append(Mark.RIGHT)
                why.append(f"✓ {entry}: right")
            else:
                row.append(Mark.WRONG)
                why.append(f"✗ {entry}: {_short(cells[r][c])} is not {TOLERANCE_TEXT}")
                wrong.append(entry)
        marks.append(tuple(row))
        reasons.append(tuple(why))
    correct = not (wrong or blank or unreadable)
    line = _line(op.name, rows * cols, correct, wrong, blank, unreadable)
    return Verdict(op.name, correct, tuple(marks), tuple(wrong), tuple(blank),
                   tuple(unreadable), line, tuple(reasons))


def _names(entries: list[str], room: int = 3) -> str:
    shown = "; ".join(entries[:room])
    return shown + (f" and {len(entries) - room} more" if len(entries) > room else "")


def _line(name: str, n: int, correct: bool, wrong: list[str], blank: list[str],
          unreadable: list[tuple[str, str]]) -> str:
    if correct:
        every = "the entry is" if n == 1 else f"all {n} entries are"
        return _cut(f"{name}: right — {every} {TOLERANCE_TEXT}.")
    if len(blank) == n:
        return _cut(f"{name}: nothing typed yet — type all {n} entries, then Check.")
    right = n - len(wrong) - len(blank) - len(unreadable)
    parts = [f"{name}: {right} of {n} right."]
    if wrong:
        parts.append(f"Wrong ({len(wrong)}): {_names(wrong)}.")
    if unreadable:
        first, why = unreadable[0]
        more = f" and {len(unreadable) - 1} more" if len(unreadable) > 1 else ""
        parts.append(f"Not a number ({len(unreadable)}): {first} — {why}{more}.")
    if blank:
        parts.append(f"Blank ({len(blank)}): {_names(blank, 2)}.")
    return _cut(" ".join(parts))


def _cut(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[:MAX_LINE - 1] + "…"
