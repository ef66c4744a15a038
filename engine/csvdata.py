"""Data sets from CSV files: input columns (1 to MAX_INPUTS of them) and a label or target.

``read_csv_dataset(path, label_column=-1, task="classification", train_fraction=0.5,
input_columns=None, skip_bad_lines=False)`` returns a :class:`CsvDataset` whose ``custom`` is
ready for ``DataSpec(dataset="custom", custom=…)``; ``scenario_for_csv(scenario, data)`` puts
it into a copy of a scenario, adjusting features, output activation and loss to the data
(``fit_to_data``) and saying what changed. ``preview_csv(path)`` shows a file's first rows.

* The text format and the size limits are ``engine.csv_text``'s; reading the rows into
  numbers is ``engine.csv_columns``'s.
* The label column is chosen by index (``-1``, the last, by default; negative counts from
  the end) or by header name; the input columns are all the others, or ``input_columns``
  (indices or names); columns not chosen are ignored.
* Classification labels are any distinct values, numbers or words, kept as the class names:
  numbers in numeric order ("1" and "1.0" are one class), words in order of first
  appearance. Regression targets must be numbers.

Bad rows are named by line number in one ``CsvError`` (``line 7: column 2 'x2' is not a
number ('abc'); line 12: 2 values, expected 3``, as many as fit one line, then ``… and N
more``); with ``skip_bad_lines`` they are left out instead and listed in ``skipped_lines``.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TypeVar

import numpy as np

from engine.csv_columns import Columns, Problems, choose_columns, read_columns, row_bound
from engine.csv_text import (
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_LINE_CHARS,
    MAX_LINES,
    CsvError,
    CsvPreview,
    check_line_count,
    column_names,
    data_lines,
    describe_column,
    is_number,
    looks_like_targets,
    preview_csv,
    preview_text,
    read_layout,
    read_text,
)
from engine.data.dataset import MAX_CLASSES
from engine.datasets import MAX_SAMPLES, TASKS, from_arrays
from engine.features import MAX_FEATURE_INPUTS, available_features
from engine.io.validate import MAX_MESSAGE, unexpected
from engine.scenario import CustomData, Scenario, fit_to_data

__all__ = [
    "MAX_CLASSES", "MAX_COLUMNS", "MAX_CSV_BYTES", "MAX_LINES", "MAX_LINE_CHARS",
    "MAX_REPORTED", "MAX_SAMPLES", "CsvDataset", "CsvError", "CsvPreview",
    "parse_csv_dataset", "preview_csv", "preview_text", "read_csv_dataset", "scenario_for_csv",
]

MAX_REPORTED = 10
"""Bad lines listed in one error message; the rest are counted."""
SKIPPED_SHOWN = 8
"""Skipped line numbers a note lists before it counts the rest."""
T = TypeVar("T")


@dataclass(frozen=True)
class CsvDataset:
    """A data set read from CSV, ready for a scenario."""

    custom: CustomData
    """Inputs, labels (classes 0..k-1) or targets, the task, input and class names."""
    train_fraction: float
    input_names: tuple[str, ...]
    """Names of the input columns: the header's, or "column 1", …"""
    label_name: str
    label_mapping: tuple[tuple[str, int], ...] | None
    """Classification: (value as written in the file, class) for every class, in class
    order; None for regression."""
    header: tuple[str, ...] | None
    """The header row, if the file has one."""
    n_rows: int
    source: str = ""
    """The file name (or 'CSV text')."""
    skipped_lines: tuple[int, ...] = ()
    """Line numbers of the bad rows left out (with skip_bad_lines)."""

    @property
    def task(self) -> str:
        return self.custom.task

    @property
    def n_inputs(self) -> int:
        return len(self.input_names)

    @property
    def class_names(self) -> tuple[str, ...]:
        return self.custom.class_names

    @property
    def mapping_is_identity(self) -> bool:
        """True when the labels were already 0..k-1 (nothing to report)."""
        if self.label_mapping is None:
            return True
        return all(is_number(v) and float(v) == c for v, c in self.label_mapping)

    def notes(self) -> list[str]:
        """What the user should know: lines skipped (first: the one to act on, and a status
        bar cuts the end of a long message), the rows read and any label mapping."""
        what = "classification" if self.task == "classification" else "regression"
        inputs = (", ".join(self.input_names) if self.n_inputs <= 8
                  else f"{self.n_inputs} columns")
        notes = [skipped_note(self.skipped_lines)] if self.skipped_lines else []
        names = self.class_names if self.task == "classification" else ()
        if names and looks_like_targets(list(names)):
            notes.insert(0, f"{len(names)} classes from fractional numbers in "
                         f"{self.label_name}: is it a regression target?")
        notes.append(f"{self.n_rows:,} rows, inputs {inputs}, {what} on {self.label_name}")
        if self.label_mapping is not None and not self.mapping_is_identity:
            pairs = ", ".join(f"{v} → {c}" for v, c in self.label_mapping[:12])
            more = ", …" if len(self.label_mapping) > 12 else ""
            notes.append(f"labels mapped to classes: {pairs}{more}")
        return notes


def skipped_note(lines: Sequence[int]) -> str:
    """"skipped 12 bad lines: 4, 9, …, 40 and 4 more" (the first few, then a count)."""
    shown = ", ".join(str(n) for n in lines[:SKIPPED_SHOWN])
    more = len(lines) - SKIPPED_SHOWN
    noun = "line" if len(lines) == 1 else "lines"
    return f"skipped {len(lines)} bad {noun}: {shown}" + (f" and {more} more" if more > 0
                                                         else "")


@dataclass(frozen=True)
class _Parsed:
    """The columns read from a text, and what the data set needs to name them."""

    columns: Columns
    names: tuple[str, ...]
    label_name: str
    header: tuple[str, ...] | None
    task: str
    train_fraction: float


def read_csv_dataset(
    path: str | os.PathLike[str],
    label_column: int | str = -1,
    task: str = "classification",
    train_fraction: float = 0.5,
    input_columns: Sequence[int | str] | None = None,
    skip_bad_lines: bool = False,
) -> CsvDataset:
    """Read a CSV file as a data set; CsvError names every problem (see the module doc).

    The text is dropped before the scenario's tuples are built, so the peak memory stays a
    small multiple of the file's size."""
    name = os.fspath(path)
    text = read_text(name)
    parsed = _guarded(name, partial(_columns, text, label_column, task, train_fraction,
                                    input_columns, skip_bad_lines))
    del text
    return _guarded(name, lambda: _dataset(parsed, name))


def parse_csv_dataset(
    text: str,
    label_column: int | str = -1,
    task: str = "classification",
    train_fraction: float = 0.5,
    input_columns: Sequence[int | str] | None = None,
    source: str = "CSV text",
    skip_bad_lines: bool = False,
) -> CsvDataset:
    """``read_csv_dataset`` on text already read (for pasted data and tests)."""
    return _guarded(source, lambda: _parse(text, label_column, task, train_fraction,
                                           input_columns, source, skip_bad_lines))


def _guarded(source: str, action: Callable[[], T]) -> T:
    """``action()``, its CsvError prefixed with the source; any other failure (MemoryError
    and the like) becomes a CsvError too, never a crash."""
    try:
        return action()
    except CsvError as e:
        raise CsvError(f"{source}: {e}") from None
    except Exception as e:
        raise CsvError(f"{source}: cannot read this file ({unexpected(e)})") from None


def _parse(text: str, label_column: int | str, task: str, train_fraction: float,
           input_columns: Sequence[int | str] | None, source: str,
           skip_bad_lines: bool = False) -> CsvDataset:
    return _dataset(_columns(text, label_column, task, train_fraction, input_columns,
                             skip_bad_lines), source)


def _columns(text: str, label_column: int | str, task: str, train_fraction: float,
             input_columns: Sequence[int | str] | None, skip_bad_lines: bool) -> _Parsed:
    """Check the options, then read the chosen columns (bad rows refused or skipped)."""
    if task not in TASKS:
        raise CsvError(f"task: expected {' or '.join(TASKS)}, got {task!r}")
    if (isinstance(train_fraction, bool) or not isinstance(train_fraction, int | float)
            or not 0.01 <= train_fraction <= 1.0):
        raise CsvError(f"train_fraction: expected a number from 0.01 to 1, got {train_fraction!r}")
    check_line_count(text)
    lines = data_lines(text)
    layout, taken = read_layout(lines)
    label_j, input_js = choose_columns(layout, label_column, input_columns)
    bound = row_bound(text, len(input_js) + (task == "regression"))
    columns = read_columns(layout, itertools.chain(taken, lines), label_j, input_js, task,
                           bound)
    problems = columns.problems
    budget = MAX_MESSAGE - 60
    if problems.count and not skip_bad_lines:
        raise CsvError(_listed(problems, budget))
    if columns.x.shape[0] == 0:
        raise CsvError("no usable row: every data row is bad (" + _listed(problems, budget)
                       + ")")
    if task == "classification" and len(columns.class_names) < 2:
        only = columns.class_names[0] if columns.class_names else ""
        raise CsvError(f"only one distinct label ({only[:40]!r}) in "
                       f"{describe_column(label_j, layout.header)}; classification needs at "
                       "least two classes")
    names = column_names(layout.header, layout.width)
    return _Parsed(columns, tuple(names[j] for j in input_js), names[label_j], layout.header,
                   task, float(train_fraction))


def _dataset(parsed: _Parsed, source: str) -> CsvDataset:
    """The CsvDataset of parsed columns: checked by from_arrays; the CustomData shares the
    Dataset's read-only arrays and caches the Dataset itself."""
    c = parsed.columns
    ds = from_arrays(c.x, c.y, parsed.task, input_names=parsed.names,
                     class_names=c.class_names)
    c.x = c.y = np.empty(0)  # the Dataset holds its own copies
    custom = CustomData(ds.x, ds.y, ds.task, input_names=parsed.names,
                        class_names=c.class_names)
    custom.__dict__["dataset"] = ds  # CustomData.dataset's cache: the same data, checked
    mapping = (None if parsed.task == "regression"
               else tuple((v, k) for k, v in enumerate(c.class_names)))
    return CsvDataset(custom, parsed.train_fraction, parsed.names, parsed.label_name, mapping,
                      parsed.header, ds.n_samples, source, tuple(c.problems.lines))


def _listed(problems: Problems, budget: int) -> str:
    """The first problems (at most MAX_REPORTED, and as many as fit ``budget`` characters),
    then how many more there are."""
    shown: list[str] = []
    total = problems.count
    for i, p in enumerate(problems.messages[:MAX_REPORTED]):
        rest = total - i - 1
        tail = len(f"; … and {total} more") if rest else 0
        if shown and len("; ".join([*shown, p])) + tail > budget:
            break
        shown.append(p)
    more = total - len(shown)
    return "; ".join(shown) + (f"; … and {more} more" if more > 0 else "")


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
    n_inputs = data.custom.shape[0]
    # New data: more than two columns all feed the network, standardised (measurements in
    # their own units, pixels in 0..255); one or two columns keep the features and setting.
    wide = n_inputs > MAX_FEATURE_INPUTS
    features = tuple(available_features(n_inputs)) if wide else scenario.data.features
    standardize = True if wide else scenario.data.standardize
    s = replace(
        scenario,
        key="custom",
        title=title,
        data=replace(scenario.data, dataset="custom", custom=data.custom, features=features,
                     standardize=standardize,
                     n_samples=data.n_rows, noise=0.0, train_fraction=data.train_fraction),
        init=init,
        initial_weights=None,
    )
    try:
        fitted, notes = fit_to_data(s)
    except ValueError as e:
        raise CsvError(str(e)) from None
    if standardize and not scenario.data.standardize:
        notes.append("inputs standardised (turn it off under Input features)")
    return fitted, data.notes() + notes
