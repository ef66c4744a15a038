"""``python main.py train … --data FILE.csv``: a preset's or workspace's settings on a CSV
file's data.

The network keeps the source's hidden layers, activations, loss family, optimiser and
training settings; its input width and output follow the data (``fit_to_data``), and the
run starts at epoch 0 with fresh start weights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.csv_text import CsvPreview, looks_like_targets, preview_csv
from engine.csvdata import read_csv_dataset, scenario_for_csv
from engine.scenario import dataset_shape
from engine.trainer import Trainer


@dataclass(frozen=True)
class CsvOptions:
    """The ``--data``, ``--label``, ``--inputs``, ``--task`` and ``--skip-bad-lines``
    options as given."""

    path: str
    label: str | None = None
    """A header name or a column number (1 = first, -1 = last); None: the last column."""
    inputs: str | None = None
    """Comma-separated names or column numbers; None: every column but the label."""
    task: str | None = None
    """classification or regression; None: regression when the label's first cells are
    fractional numbers, else the source's own task."""
    skip_bad_lines: bool = False


def column(text: str) -> int | str:
    """A column as the command line gives it: a 1-based number (negative counts from the
    end) becomes a 0-based index; anything else is a header name."""
    text = text.strip()
    try:
        n = int(text)
    except ValueError:
        return text
    if n == 0:
        raise ValueError("column numbers start at 1 (or -1 for the last); got 0")
    return n - 1 if n > 0 else n


def _checked(text: str, width: int, option: str) -> int | str:
    """A column of the command line, numbers checked against the file's ``width`` and
    named as the user counts them (1 = first)."""
    col = column(text)
    if isinstance(col, int) and not -width <= col < width:
        raise ValueError(f"{option}: column {text.strip()} does not exist (the file has "
                         f"{width} columns: 1 to {width}, or -1 for the last)")
    return col


def _guess_task(preview: CsvPreview, label: int | str) -> str | None:
    """Regression when the label column's first cells are numbers that are not all whole
    (as the import dialog guesses); None to keep the source's task."""
    names = preview.names
    j = label if isinstance(label, int) else (names.index(label) if label in names else None)
    if j is None:
        return None
    cells = [row[j] for row in preview.rows]
    return "regression" if looks_like_targets(cells) else None


def on_csv_data(trainer: Trainer, options: CsvOptions, say: Callable[[str], None]) -> Trainer:
    """A new trainer on the file's data with ``trainer``'s settings; ``say`` gets the notes
    (rows read, lines skipped, what was adjusted). ValueError (a CsvError) if the file or
    the choices cannot make a data set."""
    preview = preview_csv(options.path)
    label = _checked(options.label or "-1", preview.n_columns, "--label")
    inputs = None
    if options.inputs is not None:
        inputs = [_checked(c, preview.n_columns, "--inputs") for c in options.inputs.split(",")
                  if c.strip()]
        if not inputs:
            raise ValueError("--inputs: name at least one column")
    task = options.task or _guess_task(preview, label) or dataset_shape(trainer.scenario.data)[1]
    data = read_csv_dataset(options.path, label_column=label,
                            task=task, train_fraction=trainer.scenario.data.train_fraction,
                            input_columns=inputs, skip_bad_lines=options.skip_bad_lines)
    scenario, notes = scenario_for_csv(trainer.scenario, data)
    for note in dict.fromkeys(notes):
        say(f"data: {note}")
    return Trainer(scenario)
