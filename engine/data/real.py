"""Real data sets shipped in resources/datasets/ (sources and licences in that folder's
README): Iris, the UCI 8×8 handwritten digits and the diabetes regression set.

Each file is a plain CSV with a header row: the input columns, then the label (a class name
or number) or target. They are the playground's own copies, read once and cached.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from engine.data.dataset import Dataset, Task, from_arrays
from engine.notation import is_number

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "datasets"


@dataclass(frozen=True)
class RealSet:
    """One shipped data set: where it is and what the data set list says about it."""

    key: str
    file: str
    title: str
    description: str
    task: Task
    n_inputs: int
    n_classes: int
    n_samples: int
    image_shape: tuple[int, int] | None = None
    """(rows, columns) when each sample's inputs are an image's pixels, row by row."""
    preview: tuple[int, int] = (0, 1)
    """The two input columns a thumbnail of the data plots (the most telling pair)."""


REAL_SETS: tuple[RealSet, ...] = (
    RealSet("iris", "iris.csv", "Iris (real data)",
            "Fisher's 150 irises: 4 measurements in cm, 3 species.", "classification", 4, 3,
            150, preview=(2, 3)),
    RealSet("digits", "digits.csv", "Handwritten digits 8×8 (real data)",
            "1,797 handwritten digits as 8×8 ink counts (0–16), 10 classes.",
            "classification", 64, 10, 1797, image_shape=(8, 8)),
    RealSet("diabetes", "diabetes.csv", "Diabetes progression (real data)",
            "442 patients: age, sex, BMI, blood pressure and six serum values; predict "
            "disease progression a year later.", "regression", 10, 0, 442, preview=(2, 8)),
)
REAL_BY_KEY: dict[str, RealSet] = {r.key: r for r in REAL_SETS}


@cache
def load_real(key: str) -> Dataset:
    """The shipped data set ``key`` (a programming error if its file is broken)."""
    info = REAL_BY_KEY[key]
    with open(DATA_DIR / info.file, newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    x = np.array([[float(v) for v in row[:-1]] for row in rows])
    labels = [row[-1] for row in rows]
    if info.task == "regression":
        ds = from_arrays(x, np.array([float(v) for v in labels]), "regression", key,
                         tuple(header[:-1]))
    else:
        names = sorted(set(labels), key=lambda v: (float(v), v) if is_number(v) else (0.0, v))
        if not all(is_number(v) for v in names):
            names = list(dict.fromkeys(labels))  # class order: as they first appear
        index = {name: k for k, name in enumerate(names)}
        ds = from_arrays(x, np.array([index[v] for v in labels]), "classification", key,
                         tuple(header[:-1]), tuple(names))
    if (ds.n_samples, ds.n_inputs, ds.n_classes) != (info.n_samples, info.n_inputs,
                                                      info.n_classes):
        raise ValueError(f"{info.file}: expected {info.n_samples} rows, {info.n_inputs} "
                         f"inputs and {info.n_classes} classes, found {ds.n_samples}, "
                         f"{ds.n_inputs} and {ds.n_classes}")
    return ds

