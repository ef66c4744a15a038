"""A workspace's optional ``pinned`` list: the runs pinned for comparison (``engine.pinned``).

Each entry holds the run's name (null: labelled automatically), its settings summary and its
curves, in the history's form::

    "pinned": [{"name": "first try" | null,
                "summary": {"lr": "lr 0.03", "network": "tanh 4-2", ...},
                "epoch": [0, 1, ...], "train_loss": [...], "test_loss": [...],
                "train_accuracy": [...], "test_accuracy": [...]}, ...]

Older workspaces have no ``pinned`` and load with none. Sizes are checked before anything is
built: at most ``MAX_PINNED`` runs of at most ``MAX_PINNED_POINTS`` points, names of at most
``MAX_LABEL`` characters, summaries of at most ``MAX_SUMMARY_ITEMS`` short strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.history import COLUMNS
from engine.io.metric_json import encode_metric, read_metric
from engine.io.validate import Fields, as_int, as_list, as_str, fail, quote
from engine.pinned import (
    MAX_LABEL,
    MAX_PINNED,
    MAX_PINNED_POINTS,
    MAX_SUMMARY_ITEMS,
    MAX_SUMMARY_KEY,
    MAX_SUMMARY_TEXT,
    PinnedRun,
)

PINNED_KEYS = ("name", "summary", "epoch", *COLUMNS)
MAX_EPOCH = 2**53


def pinned_to_json(runs: Sequence[PinnedRun]) -> list[dict[str, Any]]:
    """The ``pinned`` list (JSON-ready: NaN as null, ±inf as "Infinity"/"-Infinity")."""
    out = []
    for run in runs:
        entry: dict[str, Any] = {"name": run.name, "summary": dict(run.summary),
                                 "epoch": [int(e) for e in run.epochs]}
        for name in COLUMNS:
            entry[name] = [encode_metric(v) for v in run.column(name).tolist()]
        out.append(entry)
    return out


def read_pinned(raw: Any, path: str = "pinned") -> tuple[PinnedRun, ...]:
    """Check and read the ``pinned`` list; ValueError naming the field otherwise."""
    runs_raw = as_list(raw, path, "a list of pinned runs")
    if len(runs_raw) > MAX_PINNED:
        fail(path, f"at most {MAX_PINNED} pinned runs, got {len(runs_raw)}")
    return tuple(_read_run(Fields(r, f"{path}[{i}]", known=PINNED_KEYS))
                 for i, r in enumerate(runs_raw))


def _read_run(f: Fields) -> PinnedRun:
    name = f.raw("name", None)
    if name is not None:
        as_str(name, f.at("name"))
        if len(name) > MAX_LABEL or "\n" in name:
            fail(f.at("name"), f"one line of at most {MAX_LABEL} characters, got {quote(name)}")
    summary = _read_summary(f.sub("summary", optional=False))
    epochs_raw = f.items("epoch")
    if len(epochs_raw) > MAX_PINNED_POINTS:
        fail(f.at("epoch"), f"at most {MAX_PINNED_POINTS} entries, got {len(epochs_raw)}")
    epochs: list[int] = []
    for i, e in enumerate(epochs_raw):
        p = f"{f.at('epoch')}[{i}]"
        as_int(e, p, lo=0, hi=MAX_EPOCH)
        if epochs and e <= epochs[-1]:
            fail(p, f"epochs must increase, got {e} after {epochs[-1]}")
        epochs.append(e)
    columns = []
    for name_ in COLUMNS:
        values = f.values(name_)
        if len(values) != len(epochs):
            fail(f.at(name_), f"has {len(values)} entries but epoch has {len(epochs)}")
        column = np.empty(len(values))
        for i, v in enumerate(values):
            column[i] = read_metric(v, f"{f.at(name_)}[{i}]", accuracy=name_.endswith("accuracy"))
        columns.append(column)
    return PinnedRun(name or None, summary, np.array(epochs, dtype=np.int64), *columns)


def _read_summary(f: Fields) -> tuple[tuple[str, str], ...]:
    if len(f.obj) > MAX_SUMMARY_ITEMS:
        fail(f.path, f"at most {MAX_SUMMARY_ITEMS} settings, got {len(f.obj)}")
    items = []
    for key, value in f.obj.items():
        if len(key) > MAX_SUMMARY_KEY:
            fail(f.path, f"a setting's name has at most {MAX_SUMMARY_KEY} characters, got "
                         f"{quote(key)}")
        text = as_str(value, f.at(key))
        if len(text) > MAX_SUMMARY_TEXT or "\n" in text:
            fail(f.at(key), f"one line of at most {MAX_SUMMARY_TEXT} characters, got "
                            f"{quote(text)}")
        items.append((key, text))
    return tuple(items)

