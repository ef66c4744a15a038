"""A data table typed in by hand, as text cells, turned into a ``ReplaceData`` command — and the
data in force turned back into such a table for editing.

Qt-free, so the rules are tested without a window: the data editor hands over exactly what its
cells show. A bad cell is refused with one line naming its row (1-based, as the table numbers
them) and its column; nothing is sent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.data.dataset import MAX_CLASSES, MAX_INPUTS, MAX_NAME
from engine.notation import is_number
from engine.scenario import MAX_CUSTOM_SAMPLES
from session.commands import ReplaceData
from session.snapshot import DataView

MAX_EDITOR_CELLS = 200_000
"""Largest data set the editor loads into its table (rows × columns); bigger ones open as a
new table (a table widget of millions of cells is no way to edit them)."""
DEFAULT_CLASSES = ("0", "1")
_MINUS = str.maketrans({"−": "-", "–": "-"})


@dataclass(frozen=True)
class TypedTable:
    """What the data editor shows: column names, rows of cell texts (inputs, then the target),
    the task and the class names (classification; the order gives the class indices)."""

    input_names: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    """Each row: one text per input column, then the target's."""
    task: str
    class_names: tuple[str, ...] = DEFAULT_CLASSES

    def without_blank_rows(self) -> TypedTable:
        """The same table without the rows whose every cell is blank (they are no sample)."""
        rows = tuple(r for r in self.rows if any(c.strip() for c in r))
        return TypedTable(self.input_names, rows, self.task, self.class_names)


class TableError(ValueError):
    """A table that is not data yet (the message names the row and column)."""


def _number(text: str, row: int, column: str) -> float:
    cell = text.strip().translate(_MINUS)
    if not cell:
        raise TableError(f"Row {row}, column “{column}”: the cell is empty — type a number")
    try:
        v = float(cell)
    except ValueError:
        raise TableError(f"Row {row}, column “{column}”: “{cell[:40]}” is not a number") from None
    if not math.isfinite(v):
        raise TableError(f"Row {row}, column “{column}”: “{cell[:40]}” is not a finite number")
    return v


def parse_class_names(text: str) -> tuple[str, ...]:
    """Class names as the editor's Classes field lists them: separated by commas."""
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _check_names(names: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(n.strip() for n in names)
    if not cleaned:
        raise TableError("The table needs at least one input column")
    if len(cleaned) > MAX_INPUTS:
        raise TableError(f"{len(cleaned):,} input columns; at most {MAX_INPUTS:,}")
    for k, n in enumerate(cleaned):
        if not n:
            raise TableError(f"Input column {k + 1} has no name")
        if len(n) > MAX_NAME:
            raise TableError(f"Input column {k + 1}: the name is longer than {MAX_NAME} "
                             "characters")
        if cleaned.index(n) != k:
            raise TableError(f"Two input columns are both named “{n}”")
    return cleaned


def _targets(table: TypedTable, rows: list[tuple[int, tuple[str, ...]]], target: str
             ) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """The target column of ``rows`` ((table row number, cells) pairs) as numbers
    (regression) or class indices, and the class names (the listed ones first, then names
    seen in the cells, in order; numbers in numeric order, as a CSV import orders them)."""
    cells = [(k, row[-1].strip()) for k, row in rows]
    if table.task == "regression":
        return tuple(_number(c, k, target) for k, c in cells), ()
    classes = list(dict.fromkeys(n.strip() for n in table.class_names if n.strip()))
    for k, c in cells:
        if not c:
            raise TableError(f"Row {k}, column “{target}”: the cell is empty — type a "
                             "class name")
        if len(c) > MAX_NAME:
            raise TableError(f"Row {k}, column “{target}”: a class name is at most "
                             f"{MAX_NAME} characters")
        if c not in classes:
            classes.append(c)
    if len(classes) < 2:
        raise TableError(f"Classification needs at least two classes; list them under Classes "
                         f"(only “{classes[0] if classes else ''}” is named)")
    if len(classes) > MAX_CLASSES:
        raise TableError(f"{len(classes)} classes; at most {MAX_CLASSES}")
    if all(is_number(c) for c in classes):  # numbers in numeric order, as a CSV import
        classes.sort(key=float)
    return tuple(float(classes.index(c)) for _, c in cells), tuple(classes)



def table_command(table: TypedTable, keep_features: bool = False) -> ReplaceData:
    """The command that makes ``table`` the run's data; TableError names the first bad cell.
    Rows with every cell blank (one "+ Row" too many) are left out; messages number rows as
    the table shows them."""
    if table.task not in ("classification", "regression"):
        raise TableError(f"Unknown task {table.task!r}")
    names = _check_names(table.input_names)
    rows = [(k + 1, row) for k, row in enumerate(table.rows) if any(c.strip() for c in row)]
    if not rows:
        raise TableError("The table has no rows: add at least one sample")
    if len(rows) > MAX_CUSTOM_SAMPLES:
        raise TableError(f"{len(rows):,} rows; at most {MAX_CUSTOM_SAMPLES:,}")
    width = len(names) + 1
    for k, row in rows:
        if len(row) != width:
            raise TableError(f"Row {k} has {len(row)} cells; the table has {width} columns")
    x = tuple(tuple(_number(cell, k, names[j]) for j, cell in enumerate(row[:-1]))
              for k, row in rows)
    y, classes = _targets(table, rows, "target")
    return ReplaceData(x, y, table.task, names, classes, keep_features)


def table_of(data: DataView) -> TypedTable | None:
    """The data in force as a table (training rows, then test rows), or None when it is too
    big to edit cell by cell."""
    x = np.vstack([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    if x.size + y.size > MAX_EDITOR_CELLS:
        return None
    classes = tuple(data.class_names)
    if data.task == "classification":
        targets = [classes[int(v)] if 0 <= int(v) < len(classes) else str(int(v)) for v in y]
    else:
        targets = [number_text(v) for v in y]
    rows = tuple((*(number_text(v) for v in r), t) for r, t in zip(x, targets, strict=True))
    return TypedTable(tuple(data.input_names), rows, data.task,
                      classes if data.task == "classification" else DEFAULT_CLASSES)


def number_text(v: float) -> str:
    """A number as a cell shows it: exactly (shortest repr), without a trailing .0."""
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


def next_column_name(names: tuple[str, ...]) -> str:
    """x1, x2, …: the first xN not taken."""
    taken = set(names)
    k = len(names) + 1
    while f"x{k}" in taken:
        k += 1
    return f"x{k}"
