"""CSV rows into NumPy columns: the chosen inputs as numbers, the label as classes or targets,
and every bad row named by its line number (or skipped, when asked).

Rows are read in blocks of about BLOCK_CELLS cells; each block's numeric cells become one
NumPy string array converted in one cast, so no Python float is made per cell. Only a block
the cast refuses (or that holds NaN, Inf or a digit separator) is looked at cell by cell, to
name the bad cells.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from engine.csv_text import BOM, CsvError, Layout, column_names, describe_column, is_number
from engine.csv_text import split_cells as _split
from engine.data.dataset import MAX_CLASSES, MAX_INPUTS
from engine.datasets import MAX_SAMPLES

BLOCK_CELLS = 1 << 13
"""Cells converted per NumPy cast (bounds the temporary string array)."""
MAX_KEPT = 1000
"""Problems kept word for word (the rest are counted)."""


@dataclass
class Problems:
    """Bad rows met while reading: the first MAX_KEPT messages and every line number."""

    messages: list[str] = field(default_factory=list)
    count: int = 0
    lines: list[int] = field(default_factory=list)
    """The bad rows' line numbers, in file order, each once."""

    def add(self, number: int, message: str) -> None:
        self.count += 1
        if len(self.messages) < MAX_KEPT:
            self.messages.append(message)
        if not self.lines or self.lines[-1] != number:
            self.lines.append(number)


@dataclass
class Columns:
    """What a CSV text holds, before it becomes a data set."""

    x: np.ndarray
    """(n, d) float64 inputs, in the order the caller chose the columns."""
    y: np.ndarray
    """(n,) int64 classes 0..k-1 (classification) or float64 targets (regression)."""
    class_names: tuple[str, ...]
    """(k,) the labels as the file wrote them, in class order; () for regression."""
    problems: Problems


def resolve(col: int | str, layout: Layout, what: str) -> int:
    """A column given by index (negative counts from the end) or header name."""
    width, header = layout.width, layout.header
    if isinstance(col, bool) or not isinstance(col, int | str):
        raise CsvError(f"{what}: expected a column index or a header name, got {col!r}")
    if isinstance(col, int):
        j = col + width if col < 0 else col
        if not 0 <= j < width:
            raise CsvError(f"{what}: column {col} does not exist (the file has {width} "
                           f"columns: 0..{width - 1}, or -1 for the last)")
        return j
    if header is None:
        raise CsvError(f"{what}: {col!r} is a name, but the file has no header row")
    if col not in header:
        shown = ", ".join(repr(h) for h in header[:20]) + (", …" if len(header) > 20 else "")
        raise CsvError(f"{what}: no column named {col!r} (the header has {shown})")
    if header.count(col) > 1:
        raise CsvError(f"{what}: the header names two columns {col!r}")
    return header.index(col)


def choose_columns(layout: Layout, label_column: int | str,
                   input_columns: Sequence[int | str] | None) -> tuple[int, list[int]]:
    """(label column, input columns) as indices; the inputs default to all but the label."""
    label_j = resolve(label_column, layout, "label column")
    if input_columns is None:
        input_js = [j for j in range(layout.width) if j != label_j]
    else:
        if isinstance(input_columns, str | bytes):
            raise CsvError("input columns: expected a list of columns, got one string")
        input_js = [resolve(c, layout, "input column") for c in input_columns]
        if label_j in input_js:
            raise CsvError(f"{describe_column(label_j, layout.header)} is both the label and "
                           "an input")
        if len(set(input_js)) != len(input_js):
            raise CsvError("input columns: a column is listed twice")
    if not input_js:
        raise CsvError("no input column: a data set needs at least one input column besides "
                       "the label")
    _check_distinct_names(layout.header, input_js)
    if len(input_js) > MAX_INPUTS:
        raise CsvError(f"{len(input_js)} input columns (the limit is {MAX_INPUTS})")
    return label_j, input_js


def _check_distinct_names(header: tuple[str, ...] | None, input_js: list[int]) -> None:
    """The inputs are known by their header names: two inputs with one name are refused."""
    if header is None:
        return
    names = column_names(header, len(header))  # a blank header cell is "column 3"
    first: dict[str, int] = {}
    for j in input_js:
        name = names[j].strip()
        if name in first:
            raise CsvError(f"columns {first[name] + 1} and {j + 1} are both named {name!r}; "
                           "inputs need different names (rename one in the header, or leave "
                           "one out)")
        first[name] = j


def cell_problem(number: int, j: int, header: tuple[str, ...] | None, cell: str) -> str:
    """Why one cell is not a usable number, naming its line and column."""
    col = describe_column(j, header)
    if not cell:
        return f"line {number}: {col} is empty"
    shown = cell if len(cell) <= 20 else cell[:17] + "..."
    if BOM in cell:
        return f"line {number}: {col} holds a byte-order mark (U+FEFF) ({shown!r})"
    try:
        v = float(cell)
    except ValueError:
        return f"line {number}: {col} is not a number ({shown!r})"
    if not math.isfinite(v):
        return f"line {number}: {col} is not a finite number ({shown!r})"
    return f"line {number}: {col} is not a number ({shown!r})"


class _Reader:
    """One pass over the data rows (see ``read_columns``)."""

    def __init__(self, layout: Layout, label_j: int, input_js: list[int], task: str,
                 max_rows: int) -> None:
        self.layout, self.label_j, self.task = layout, label_j, task
        self.numeric_js = input_js + ([label_j] if task == "regression" else [])
        self.problems = Problems()
        cap = min(max_rows, MAX_SAMPLES)
        # One allocation of at most the rows the text can hold (no growing, no holes).
        self.x = np.empty((cap, len(input_js)))
        self.y = np.empty(cap, dtype=np.float64 if task == "regression" else np.int64)
        self.classes: dict[str, int] = {}
        self.n_rows = 0

    def block(self, chunk: list[tuple[int, str]]) -> None:
        """Check and convert one block of (line number, line)."""
        layout, label_j = self.layout, self.label_j
        found: list[tuple[int, str]] = []
        numbers: list[int] = []
        cells: list[list[str]] = []
        labels: list[str] = []
        for number, line in chunk:
            row = _split(line, layout.delimiter)
            if len(row) != layout.width:
                found.append((number, f"line {number}: {len(row)} values, expected "
                                      f"{layout.width}"))
                continue
            label = row[label_j]
            if not label:
                found.append((number, f"line {number}: "
                                      f"{describe_column(label_j, layout.header)} (the label) "
                                      "is empty"))
                continue
            numbers.append(number)
            cells.append([row[j] for j in self.numeric_js])
            labels.append(label)
        try:
            if numbers:
                self._convert(numbers, cells, labels, found)
        finally:  # every problem, in file order
            for number, message in sorted(found, key=operator.itemgetter(0)):
                self.problems.add(number, message)

    def _convert(self, numbers: list[int], cells: list[list[str]], labels: list[str],
                 found: list[tuple[int, str]]) -> None:
        """Convert a block's numeric cells (m rows) and keep its good rows."""
        text = np.array(cells, dtype=str)
        del cells
        try:
            values = text.astype(np.float64)
            good = np.isfinite(values).all(axis=1)
            fast = bool(good.all()) and not (np.char.find(text, "_") >= 0).any()
        except ValueError:  # NumPy names no cell: look at each
            fast = False
        if not fast:
            values, good = self._cell_by_cell(text, numbers, found)
        if not good.all():
            keep = np.flatnonzero(good)
            values = values[keep]
            labels = [labels[i] for i in keep.tolist()]
        start, self.n_rows = self.n_rows, self.n_rows + len(labels)
        if self.n_rows > len(self.x):
            return  # too many rows: counted, not kept
        d = self.x.shape[1]
        self.x[start:self.n_rows] = values[:, :d]
        if self.task == "regression":
            self.y[start:self.n_rows] = values[:, d]
        else:
            self.y[start:self.n_rows] = self._classes_of(labels)

    def _cell_by_cell(self, text: np.ndarray, numbers: list[int],
                      found: list[tuple[int, str]]) -> tuple[np.ndarray, np.ndarray]:
        """(values, rows that are good) of a block the fast cast refused, each bad cell
        reported."""
        values = np.full(text.shape, np.nan)
        good = np.ones(text.shape[0], dtype=bool)
        for i, row in enumerate(text.tolist()):
            for k, cell in enumerate(row):
                if is_number(cell):
                    values[i, k] = float(cell)
                else:
                    good[i] = False
                    found.append((numbers[i], cell_problem(
                        numbers[i], self.numeric_js[k], self.layout.header, cell)))
        return values, good

    def _classes_of(self, labels: list[str]) -> np.ndarray:
        """(m,) int64 provisional classes: the labels in order of first appearance."""
        classes = self.classes
        out = np.empty(len(labels), dtype=np.int64)
        for i, label in enumerate(labels):
            k = classes.get(label)
            if k is None:
                k = classes[label] = len(classes)
                if k >= 4 * MAX_CLASSES:  # "1" and "1.0" may still merge; far past the limit
                    raise CsvError(f"more than {4 * MAX_CLASSES} distinct labels in "
                                   f"{describe_column(self.label_j, self.layout.header)} (the "
                                   f"limit is {MAX_CLASSES}); is it a regression target?")
            out[i] = k
        return out


def read_columns(layout: Layout, lines: Iterator[tuple[int, str]], label_j: int,
                 input_js: list[int], task: str, max_rows: int) -> Columns:
    """The numbers of every good row; ``problems`` names the bad ones (the caller refuses
    the file or skips them). Classes: numeric labels sorted by value ("1" and "1.0" are one
    class), otherwise in order of first appearance. ``max_rows`` bounds the rows the text
    can hold (see ``row_bound``)."""
    reader = _Reader(layout, label_j, input_js, task, max_rows)
    per_block = max(1, BLOCK_CELLS // max(1, len(reader.numeric_js)))
    while chunk := list(itertools.islice(lines, per_block)):
        reader.block(chunk)
    if reader.n_rows > MAX_SAMPLES:
        raise CsvError(f"too many rows: {reader.n_rows} (the limit is {MAX_SAMPLES})")
    x, y, n = reader.x, reader.y, reader.n_rows
    x.resize((n, x.shape[1]), refcheck=False)  # in place: gives back the rows not used
    y.resize((n,), refcheck=False)
    if task == "regression":
        return Columns(x, y, (), reader.problems)
    names, order = _class_order(list(reader.classes))
    if len(names) > MAX_CLASSES:
        raise CsvError(f"{len(names)} distinct labels in "
                       f"{describe_column(label_j, layout.header)} (the limit is "
                       f"{MAX_CLASSES}); is it a regression target?")
    return Columns(x, order[y] if y.size else y, names, reader.problems)


def row_bound(text: str, n_numeric: int) -> int:
    """Most data rows ``text`` can hold with ``n_numeric`` numeric cells a row (each cell
    takes a character and a separator): the size read_columns allocates for."""
    return min(text.count("\n") + 1, len(text) // max(1, 2 * n_numeric - 1) + 1)


def _class_order(seen: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """(class names, (len(seen),) int64 class of each label seen) from the labels in order
    of first appearance: numbers sorted by value, equal values merged; words as they came."""
    if not seen or not all(is_number(v) for v in seen):
        return tuple(seen), np.arange(len(seen), dtype=np.int64)
    by_value: dict[float, str] = {}
    for v in sorted(seen, key=float):
        by_value.setdefault(float(v), v)
    index = {value: k for k, value in enumerate(by_value)}
    return tuple(by_value.values()), np.array([index[float(v)] for v in seen], dtype=np.int64)
