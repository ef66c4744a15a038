"""Data sets from CSV files: one or two numeric input columns and a label or target column.

``read_csv_dataset(path, label_column=-1, task="classification", train_fraction=0.5)`` returns
a :class:`CsvDataset` whose ``custom`` is ready for ``DataSpec(dataset="custom", custom=…)``;
``scenario_for_csv(scenario, data)`` puts it into a copy of a scenario, adjusting features,
output activation and loss to the data (``fit_to_data``) and saying what changed.

The format, as spreadsheets write it:

* cells separated by commas (or, when the first row has no comma, semicolons, tabs or
  spaces); blank lines and lines starting with ``#`` are skipped; cells may be quoted;
* an optional header row, recognised when the first row has a cell that is not a number in a
  column whose next row is a number (or when none of its cells is a number);
* the label column chosen by index (``-1``, the last, by default; negative counts from the
  end) or by header name; the input columns are all the others, or ``input_columns``; columns
  not chosen are ignored;
* classification labels are any distinct values — numbers or words — mapped in sorted order to
  classes 0..k-1 (the mapping is reported when it is not the identity); regression targets
  must be numbers.

Problems are reported, never skipped: every bad row is named by its line number in one
``CsvError`` (``line 7: column 2 'x2' is not a number ('abc'); line 12: 2 values, expected 3``,
at most ``MAX_REPORTED`` of them, then ``… and N more``). Files over ``MAX_CSV_BYTES`` (checked
before reading), with more than ``MAX_LINES`` lines (checked before splitting), a line over
``MAX_LINE_CHARS`` characters, more than ``MAX_COLUMNS`` columns or more than
``datasets.MAX_SAMPLES`` rows are refused, as are more than two input columns (the
playground's plane is 2-D).
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

from engine.datasets import MAX_SAMPLES, TASKS, from_arrays
from engine.fileio import decode_text, read_limited
from engine.io.validate import MAX_MESSAGE, one_line, unexpected
from engine.scenario import CustomData, Scenario, fit_to_data

MAX_CSV_BYTES = 32 * 1024 * 1024
"""Largest CSV file read (checked from the file size, before reading)."""
MAX_CLASSES = 256
"""Most distinct classification labels (as engine.datasets.from_arrays allows)."""
MAX_REPORTED = 10
"""Bad lines listed in one error message; the rest are counted."""
MAX_LINES = 4 * MAX_SAMPLES
"""Most lines (blank and comment lines included), checked before the text is split."""
MAX_LINE_CHARS = 64 * 1024
"""Longest line: a row of a few numbers is far shorter."""
MAX_COLUMNS = 1024
"""Most columns in a row (only 1 or 2 inputs and a label are used; the rest are ignored)."""


class CsvError(ValueError):
    """A CSV file that cannot become a data set; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


@dataclass(frozen=True)
class CsvDataset:
    """A data set read from CSV, ready for a scenario."""

    custom: CustomData
    """Inputs, labels (classes 0..k-1) or targets, and the task."""
    train_fraction: float
    input_names: tuple[str, ...]
    """Names of the input columns: the header's, or "column 1", …"""
    label_name: str
    label_mapping: tuple[tuple[str, int], ...] | None
    """Classification: (value as written in the file, class) for every distinct label, in
    class order; None for regression."""
    header: tuple[str, ...] | None
    """The header row, if the file has one."""
    n_rows: int
    source: str = ""
    """The file name (or 'CSV text')."""

    @property
    def task(self) -> str:
        return self.custom.task

    @property
    def n_inputs(self) -> int:
        return len(self.input_names)

    @property
    def mapping_is_identity(self) -> bool:
        """True when the labels were already 0..k-1 (nothing to report)."""
        if self.label_mapping is None:
            return True
        return all(_is_number(v) and float(v) == c for v, c in self.label_mapping)

    def notes(self) -> list[str]:
        """What the user should know: the rows read and any label mapping."""
        what = "classification" if self.task == "classification" else "regression"
        notes = [f"{self.n_rows} rows, inputs {', '.join(self.input_names)}, "
                 f"{what} on {self.label_name}"]
        if self.label_mapping is not None and not self.mapping_is_identity:
            pairs = ", ".join(f"{v} → {c}" for v, c in self.label_mapping[:12])
            more = ", …" if len(self.label_mapping) > 12 else ""
            notes.append(f"labels mapped to classes: {pairs}{more}")
        return notes


def read_csv_dataset(
    path: str | os.PathLike[str],
    label_column: int | str = -1,
    task: str = "classification",
    train_fraction: float = 0.5,
    input_columns: Sequence[int | str] | None = None,
) -> CsvDataset:
    """Read a CSV file as a data set; CsvError names every problem (see the module doc)."""
    name = os.fspath(path)
    try:
        data = read_limited(name, MAX_CSV_BYTES)
    except ValueError as e:
        raise CsvError(str(e)) from None
    try:
        text = decode_text(data, name)
    except ValueError as e:
        raise CsvError(str(e)) from None
    return parse_csv_dataset(text, label_column, task, train_fraction, input_columns,
                             source=name)


def _is_number(cell: str) -> bool:
    try:
        v = float(cell)
    except ValueError:
        return False
    return math.isfinite(v) and "_" not in cell


def _split(line: str, delimiter: str | None) -> list[str]:
    """The cells of one line, stripped and unquoted (Python's csv module splits, so a quoted
    cell may hold the separator)."""
    if delimiter is None:
        cells = line.split()
    else:
        try:
            cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
        except (csv.Error, StopIteration):
            cells = line.split(delimiter)
    out = []
    for c in cells:
        c = c.strip()
        if len(c) >= 2 and c[0] == c[-1] == '"':
            c = c[1:-1].replace('""', '"').strip()
        out.append(c)
    return out


def _delimiter(first: str) -> str | None:
    for d in (",", ";", "\t"):
        if d in first:
            return d
    return None  # whitespace


def _resolve(col: int | str, header: tuple[str, ...] | None, width: int, what: str) -> int:
    if isinstance(col, bool):
        raise CsvError(f"{what}: expected a column index or a header name, got {col!r}")
    if isinstance(col, int):
        j = col + width if col < 0 else col
        if not 0 <= j < width:
            raise CsvError(f"{what}: column {col} does not exist (the file has {width} "
                           f"columns: 0..{width - 1}, or -1 for the last)")
        return j
    if isinstance(col, str):
        if header is None:
            raise CsvError(f"{what}: {col!r} is a name, but the file has no header row")
        if col not in header:
            raise CsvError(f"{what}: no column named {col!r} (the header has "
                           f"{', '.join(repr(h) for h in header)})")
        if header.count(col) > 1:
            raise CsvError(f"{what}: the header names two columns {col!r}")
        return header.index(col)
    raise CsvError(f"{what}: expected a column index or a header name, got {col!r}")


def _column_name(j: int, header: tuple[str, ...] | None) -> str:
    if header is not None and header[j]:
        return f"column {j + 1} {header[j]!r}"
    return f"column {j + 1}"


def parse_csv_dataset(
    text: str,
    label_column: int | str = -1,
    task: str = "classification",
    train_fraction: float = 0.5,
    input_columns: Sequence[int | str] | None = None,
    source: str = "CSV text",
) -> CsvDataset:
    """``read_csv_dataset`` on text already read (for pasted data and tests)."""
    try:
        return _parse(text, label_column, task, train_fraction, input_columns, source)
    except CsvError as e:
        raise CsvError(f"{source}: {e}") from None
    except Exception as e:  # MemoryError and the like: never a crash
        raise CsvError(f"{source}: cannot read this file ({unexpected(e)})") from None


def _parse(
    text: str,
    label_column: int | str,
    task: str,
    train_fraction: float,
    input_columns: Sequence[int | str] | None,
    source: str,
) -> CsvDataset:
    if task not in TASKS:
        raise CsvError(f"task: expected {' or '.join(TASKS)}, got {task!r}")
    if (isinstance(train_fraction, bool) or not isinstance(train_fraction, int | float)
            or not 0.01 <= train_fraction <= 1.0):
        raise CsvError(f"train_fraction: expected a number from 0.01 to 1, got {train_fraction!r}")
    n_lines = text.count("\n") + 1
    if n_lines > MAX_LINES:  # before splitting anything: every line costs memory and time
        raise CsvError(f"too many lines: {n_lines} (the limit is {MAX_LINES}, for at most "
                       f"{MAX_SAMPLES} rows)")
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    for n, line in lines:
        if len(line) > MAX_LINE_CHARS:
            raise CsvError(f"line {n}: {len(line)} characters (a row has at most "
                           f"{MAX_LINE_CHARS})")
    if not lines:
        raise CsvError("the file is empty (no data rows)")
    delimiter = _delimiter(lines[0][1])
    first = _split(lines[0][1], delimiter)
    second = _split(lines[1][1], delimiter) if len(lines) > 1 else None
    numeric = [_is_number(c) for c in first]
    has_header = not any(numeric) or (
        second is not None
        and any(not ok and j < len(second) and _is_number(second[j])
                for j, ok in enumerate(numeric))
    )
    if len(first) > MAX_COLUMNS:
        raise CsvError(f"line {lines[0][0]}: {len(first)} columns (the limit is "
                       f"{MAX_COLUMNS})")
    header = tuple(first) if has_header else None
    rows = lines[1:] if has_header else lines
    if not rows:
        raise CsvError("no data rows (only a header)")
    if len(rows) > MAX_SAMPLES:
        raise CsvError(f"too many rows: {len(rows)} (the limit is {MAX_SAMPLES})")
    width = len(first)

    label_j = _resolve(label_column, header, width, "label column")
    if input_columns is None:
        input_js = [j for j in range(width) if j != label_j]
    else:
        input_js = [_resolve(c, header, width, "input column") for c in input_columns]
        if label_j in input_js:
            raise CsvError(f"{_column_name(label_j, header)} is both the label and an input")
        if len(set(input_js)) != len(input_js):
            raise CsvError("input columns: a column is listed twice")
    if not input_js:
        raise CsvError("no input column: a data set needs 1 or 2 input columns besides the "
                       "label")
    if len(input_js) > 2:
        names = ", ".join(_column_name(j, header) for j in input_js)
        raise CsvError(f"{len(input_js)} input columns ({names}); the playground's plane has "
                       "at most 2 inputs — choose 1 or 2 of them")

    problems: list[str] = []
    x_rows: list[list[float]] = []
    labels: list[str] = []
    for number, line in rows:
        cells = _split(line, delimiter)
        if len(cells) != width:
            problems.append(f"line {number}: {len(cells)} values, expected {width}")
            continue
        row: list[float] = []
        bad = False
        for j in input_js:
            cell = cells[j]
            if not _is_number(cell):
                problems.append(_cell_problem(number, j, header, cell))
                bad = True
            else:
                row.append(float(cell))
        label = cells[label_j]
        if not label:
            problems.append(f"line {number}: {_column_name(label_j, header)} (the label) is "
                            "empty")
            bad = True
        elif task == "regression" and not _is_number(label):
            problems.append(_cell_problem(number, label_j, header, label))
            bad = True
        if not bad:
            x_rows.append(row)
            labels.append(label)
    if problems:
        raise CsvError(_listed(problems, MAX_MESSAGE - len(source) - 2))

    mapping = None
    if task == "regression":
        y = [float(v) for v in labels]
    else:
        distinct = set(labels)
        if all(_is_number(v) for v in distinct):
            by_value: dict[float, str] = {}
            for v in sorted(distinct, key=float):
                by_value.setdefault(float(v), v)  # "1" and "1.0" are one class
            ordered = list(by_value.values())
            index = {v: i for i, v in enumerate(ordered)}
            y = [index[by_value[float(v)]] for v in labels]
        else:
            ordered = sorted(distinct)
            index = {v: i for i, v in enumerate(ordered)}
            y = [index[v] for v in labels]
        if len(ordered) < 2:
            raise CsvError(f"only one distinct label ({ordered[0][:40]!r}); classification "
                           "needs at least two classes")
        if len(ordered) > MAX_CLASSES:
            raise CsvError(f"{len(ordered)} distinct labels (the limit is {MAX_CLASSES}); is "
                           f"{_column_name(label_j, header)} a regression target?")
        mapping = tuple((v, i) for i, v in enumerate(ordered))
    try:
        from_arrays(x_rows, y, task)
    except ValueError as e:
        raise CsvError(str(e)) from None
    input_names = tuple(header[j] if header is not None and header[j] else f"column {j + 1}"
                        for j in input_js)
    label_name = (header[label_j] if header is not None and header[label_j]
                  else f"column {label_j + 1}")
    custom = CustomData(tuple(tuple(r) for r in x_rows), tuple(float(v) for v in y), task)
    return CsvDataset(custom, float(train_fraction), input_names, label_name, mapping, header,
                      len(x_rows), source)


def _listed(problems: list[str], budget: int) -> str:
    """The first problems (at most MAX_REPORTED, and as many as fit ``budget`` characters),
    then how many more there are."""
    shown: list[str] = []
    for i, p in enumerate(problems[:MAX_REPORTED]):
        rest = len(problems) - i - 1
        tail = len(f"; … and {len(problems)} more") if rest else 0
        if shown and len("; ".join([*shown, p])) + tail > budget:
            break
        shown.append(p)
    more = len(problems) - len(shown)
    return "; ".join(shown) + (f"; … and {more} more" if more > 0 else "")


def _cell_problem(number: int, j: int, header: tuple[str, ...] | None, cell: str) -> str:
    col = _column_name(j, header)
    if not cell:
        return f"line {number}: {col} is empty"
    shown = cell if len(cell) <= 20 else cell[:17] + "..."
    try:
        v = float(cell)
    except ValueError:
        return f"line {number}: {col} is not a number ({shown!r})"
    if not math.isfinite(v):
        return f"line {number}: {col} is not a finite number ({shown!r})"
    return f"line {number}: {col} is not a number ({shown!r})"


def scenario_for_csv(scenario: Scenario, data: CsvDataset) -> tuple[Scenario, list[str]]:
    """A copy of ``scenario`` on the CSV's data (dataset "custom"), with features, output
    activation and loss adjusted to it by ``fit_to_data``; also the notes saying what changed.

    Explicit start weights are dropped (the input or output width may change), so the init
    scheme becomes tf_playground if it was explicit.
    """
    init = scenario.init
    if init.scheme == "explicit":
        init = replace(init, scheme="tf_playground")
    title = os.path.basename(data.source) if data.source else "CSV data"
    s = replace(
        scenario,
        key="custom",
        title=title,
        data=replace(scenario.data, dataset="custom", custom=data.custom,
                     n_samples=data.n_rows, noise=0.0, train_fraction=data.train_fraction),
        init=init,
        initial_weights=None,
    )
    try:
        fitted, notes = fit_to_data(s)
    except ValueError as e:
        raise CsvError(str(e)) from None
    return fitted, data.notes() + notes
