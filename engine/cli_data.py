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
    """A header name or a column number (1 = first, -1 = last); None: the column the import
    dialog proposes (``CsvPreview.label_guess``)."""
    inputs: str | None = None
    """Comma-separated names or column numbers; None: every column of numbers but the
    label (text columns are left out, as the import dialog does)."""
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


def _label_index(preview: CsvPreview, label: int | str) -> int | None:
    """The label's 0-based column (a negative number counts from the end), or None for a name
    the header lacks (the reader then says so)."""
    if isinstance(label, int):
        return label % preview.n_columns
    return preview.names.index(label) if label in preview.names else None


def _guess_task(preview: CsvPreview, label: int | str) -> str | None:
    """Regression when the label column's first cells are numbers that are not all whole
    (as the import dialog guesses); None to keep the source's task."""
    j = _label_index(preview, label)
    if j is None:
        return None
    cells = [row[j] for row in preview.rows]
    return "regression" if looks_like_targets(cells) else None


def _number_columns(preview: CsvPreview, label: int | str, say: Callable[[str], None]
                    ) -> list[int | str]:
    """The default inputs, as the import dialog ticks them: every column of numbers but the
    label; text columns are left out, and ``say`` names them."""
    width = preview.n_columns
    j = _label_index(preview, label)
    others = [k for k in range(width) if k != j]
    text = [k for k in others if not preview.numeric[k]]
    chosen: list[int | str] = [k for k in others if preview.numeric[k]]
    if not chosen:
        verb = "holds" if len(text) == 1 else "hold"
        raise ValueError(f"no column of numbers besides the label; {_names(preview, text)} "
                         f"{verb} text (choose inputs with --inputs)")
    split_column = preview.split_column  # a property that reads every column: once
    split = [k for k in text if k == split_column]
    blank = [k for k in text if preview.is_blank(k)]
    text = [k for k in text if k not in split and k not in blank]
    if split:
        say(f"data: left out {_names(preview, split)}: the train/test split of an exported "
            "data set (the training share draws a new one)")
    if blank:
        say(f"data: left out {_names(preview, blank)}: empty")
    if text:
        say(f"data: left out {_names(preview, text)}: text, not numbers (name them in "
            "--inputs to use them)")
    return chosen


def _names(preview: CsvPreview, columns: list[int]) -> str:
    """'column 2 'id_note'' for one column, 'columns 2 'a', 5 'b'' for several (1-based)."""
    listed = ", ".join(f"{k + 1} {preview.names[k]!r}" for k in columns[:5])
    more = f" and {len(columns) - 5} more" if len(columns) > 5 else ""
    return f"column{'s' if len(columns) > 1 else ''} {listed}{more}"


def on_csv_data(trainer: Trainer, options: CsvOptions, say: Callable[[str], None]) -> Trainer:
    """A new trainer on the file's data with ``trainer``'s settings; ``say`` gets the notes
    (rows read, lines skipped, what was adjusted). ValueError (a CsvError) if the file or
    the choices cannot make a data set."""
    preview = preview_csv(options.path)
    label = (preview.label_guess if options.label is None
             else _checked(options.label, preview.n_columns, "--label"))
    if options.inputs is not None:
        inputs: list[int | str] = [_checked(c, preview.n_columns, "--inputs")
                                   for c in options.inputs.split(",") if c.strip()]
        if not inputs:
            raise ValueError("--inputs: name at least one column")
    else:
        inputs = _number_columns(preview, label, say)
    task = options.task or _guess_task(preview, label) or dataset_shape(trainer.scenario.data)[1]
    data = read_csv_dataset(options.path, label_column=label,
                            task=task, train_fraction=trainer.scenario.data.train_fraction,
                            input_columns=inputs, skip_bad_lines=options.skip_bad_lines)
    scenario, notes = scenario_for_csv(trainer.scenario, data)
    for note in dict.fromkeys(notes):
        say(f"data: {note}")
    return Trainer(scenario)
