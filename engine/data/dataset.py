"""The ``Dataset`` type every consumer shares, and the checks on data the user brings.

Arrays inside a :class:`Dataset` are read-only: the trainer, the plots and the step-through
view all share them, and none of them may change the data under the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

Task = Literal["classification", "regression"]
TASKS: tuple[Task, ...] = ("classification", "regression")

PROBABILITY_AXIS = (-0.25, 1.25)
"""The vertical range of a 1-D classification plot, whose output axis is a probability."""

MAX_INPUTS = 1024
"""Most raw input columns a data set may have (MNIST's 784 fit)."""
MAX_CLASSES = 256
"""Most classes of a classification data set."""
MAX_DATA_VALUES = 4_000_000
"""Most input numbers (rows × columns) a data set the user brings may hold: 5,000 MNIST
images; data in a scenario is kept as Python numbers, about 40 bytes each."""
MAX_NAME = 64
"""Longest input or class name kept (longer ones are cut)."""


def class_title(k: int, name: str) -> str:
    """Class ``k`` as the window names it: "class 3" for a class named only by its number,
    else its name as the file wrote it ("setosa")."""
    return f"class {name}" if name == str(k) else name


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs, targets and the plotting region of one data set.

    ``eq=False`` because comparing NumPy arrays field by field has no single truth value;
    two data sets are the same object or they are different.
    """

    name: str
    x: np.ndarray
    """(n, d) float64 raw inputs, 1 <= d <= MAX_INPUTS."""
    y: np.ndarray
    """Classification: (n,) int64 labels 0..n_classes-1. Regression: (n,) float64 targets."""
    task: Task
    n_classes: int
    """0 for regression, >= 2 for classification."""
    domain: tuple[float, float, float, float]
    """(x1_min, x1_max, x2_min, x2_max) the GUI maps; for 1-D data x2 is the output axis (with
    more than two inputs, the range of the first two)."""
    input_names: tuple[str, ...] = ()
    """One name per input column (a CSV header's); empty means x1, x2, …"""
    class_names: tuple[str, ...] = ()
    """One name per class (classification; as the file wrote them); empty means 0, 1, …"""

    def __post_init__(self) -> None:
        """Check the invariants every consumer relies on and freeze private copies."""
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {list(TASKS)}, got {self.task!r}")
        x = _private(self.x, np.float64)
        if x.ndim != 2 or not 1 <= x.shape[1] <= MAX_INPUTS:
            raise ValueError(f"x must have shape (n, d) with 1 <= d <= {MAX_INPUTS}, "
                             f"got {x.shape}")
        names = _names(self.input_names, "input")
        if names and len(names) != x.shape[1]:
            raise ValueError(f"{len(names)} input names for {x.shape[1]} input columns")
        classes = _names(self.class_names, "class")
        if classes and len(classes) != self.n_classes:
            raise ValueError(f"{len(classes)} class names for {self.n_classes} classes")
        if x.shape[0] < 1:
            raise ValueError("x must contain at least one sample")
        if not np.all(np.isfinite(x)):
            raise ValueError("x contains NaN or infinite values")
        if self.task == "classification":
            if np.asarray(self.y).dtype.kind not in "biu":
                raise ValueError("classification labels must have an integer dtype")
            y = _private(self.y, np.int64)
            if self.n_classes < 2:
                raise ValueError(f"n_classes must be >= 2 for classification, got {self.n_classes}")
            if y.size and (y.min() < 0 or y.max() >= self.n_classes):
                raise ValueError(f"labels must lie in 0..{self.n_classes - 1}")
        else:
            y = _private(self.y, np.float64)
            if self.n_classes != 0:
                raise ValueError(f"n_classes must be 0 for regression, got {self.n_classes}")
            if not np.all(np.isfinite(y)):
                raise ValueError("y contains NaN or infinite values")
        if y.shape != (x.shape[0],):
            raise ValueError(f"y must have shape ({x.shape[0]},) to match x, got {y.shape}")
        domain = tuple(float(v) for v in self.domain)
        if len(domain) != 4 or not all(math.isfinite(v) for v in domain):
            raise ValueError(f"domain must be four finite numbers, got {self.domain!r}")
        if not (domain[0] < domain[1] and domain[2] < domain[3]):
            raise ValueError(f"domain must have min < max on both axes, got {domain}")
        x.flags.writeable = False
        y.flags.writeable = False
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "domain", domain)
        object.__setattr__(self, "input_names", names or default_input_names(x.shape[1]))
        object.__setattr__(self, "class_names",
                           classes or tuple(str(k) for k in range(self.n_classes)))

    @property
    def class_titles(self) -> tuple[str, ...]:
        """What each class is called on screen: its name as the file wrote it ("setosa"), or
        "class k" for a class named only by its number; () for regression."""
        return tuple(class_title(k, name) for k, name in enumerate(self.class_names))

    @property
    def n_samples(self) -> int:
        """Number of rows, so callers need not know the array layout."""
        return int(self.x.shape[0])

    @property
    def n_inputs(self) -> int:
        """Number of raw input columns."""
        return int(self.x.shape[1])


def _private(values: object, dtype: type) -> np.ndarray:
    """A copy nobody else can change; a read-only array of the right type is shared (the
    data a user brings is held once)."""
    if isinstance(values, np.ndarray) and values.dtype == dtype and not values.flags.writeable \
            and values.flags.c_contiguous:
        return values
    return np.array(values, dtype=dtype, copy=True)


def _names(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    """Names as views and exports can show them: control characters dropped, at most
    MAX_NAME characters, each one unique."""
    names = tuple("".join(ch for ch in str(v) if ch.isprintable())[:MAX_NAME].strip()
                  for v in values)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{what} names must be unique: {name!r} appears twice")
        seen.add(name)
    return names


def default_input_names(n: int) -> tuple[str, ...]:
    """x1, x2, … for data without a header."""
    return tuple(f"x{i}" for i in range(1, n + 1))


def check_int(value: object, name: str) -> int:
    """``value`` as an int, refusing bools and non-integers with a message naming it."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    return int(value)


def check_seed(seed: object) -> int:
    """A non-negative integer seed, or a message saying why not."""
    seed = check_int(seed, "seed")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return seed


def _padded(lo: float, hi: float, fraction: float = 0.1) -> tuple[float, float]:
    """Pad a data range so edge points are not drawn on the border (and never zero-width)."""
    span = hi - lo
    pad = fraction * span if span > 0 else 0.5
    return lo - pad, hi + pad


def from_arrays(x: object, y: object, task: str, name: str = "custom",
                input_names: tuple[str, ...] = (), class_names: tuple[str, ...] = ()) -> Dataset:
    """Turn user data (e.g. a loaded CSV) into a Dataset, saying exactly what is wrong if not.

    ``x`` may be (n,) for one input, or (n, d) for up to MAX_INPUTS. Classification labels may
    be stored as floats (as CSV readers do) but must be whole numbers 0..k-1. Without
    ``class_names`` they must cover every class 0..k-1 with k >= 2, so a file with 1-based
    labels is refused instead of silently gaining an empty class 0; with them, k is their
    number (at least 2) and a class may be absent (an exercise of one sample).
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}, got {task!r}")
    checked: Task = "classification" if task == "classification" else "regression"
    x_arr = np.asarray(x)
    y_arr = np.asarray(y)
    if x_arr.dtype.kind not in "biuf":
        raise ValueError(f"x must be numeric, got dtype {x_arr.dtype}")
    if y_arr.dtype.kind not in "biuf":
        raise ValueError(f"y must be numeric, got dtype {y_arr.dtype}")
    if x_arr.size > MAX_DATA_VALUES:
        raise ValueError(f"x has {x_arr.size:,} numbers ({' × '.join(map(str, x_arr.shape))}); "
                         f"at most {MAX_DATA_VALUES:,}")
    x_arr = x_arr.astype(np.float64, copy=False)
    y_arr = y_arr.astype(np.float64, copy=False)
    if x_arr.ndim == 1:
        x_arr = x_arr[:, None]
    if x_arr.ndim != 2 or not 1 <= x_arr.shape[1] <= MAX_INPUTS:
        raise ValueError(f"x must have 1 to {MAX_INPUTS} input columns, got shape "
                         f"{x_arr.shape}")
    n = x_arr.shape[0]
    if n < 1:
        raise ValueError("x must contain at least one sample")
    if y_arr.ndim == 2 and y_arr.shape[1] == 1:
        y_arr = y_arr[:, 0]
    if y_arr.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {y_arr.shape}")
    if y_arr.shape[0] != n:
        raise ValueError(f"x has {n} samples but y has {y_arr.shape[0]}")
    bad_x = int(np.count_nonzero(~np.isfinite(x_arr).all(axis=1)))
    if bad_x:
        raise ValueError(f"x contains NaN or infinite values in {bad_x} row(s)")
    bad_y = int(np.count_nonzero(~np.isfinite(y_arr)))
    if bad_y:
        raise ValueError(f"y contains NaN or infinite values in {bad_y} row(s)")

    x1_lo, x1_hi = _padded(float(x_arr[:, 0].min()), float(x_arr[:, 0].max()))
    if checked == "classification":
        if not np.all(y_arr == np.round(y_arr)):
            raise ValueError("classification labels must be whole numbers 0..k-1")
        if y_arr.min() < 0:
            raise ValueError(f"classification labels must be >= 0, got {y_arr.min():g}")
        labels = y_arr.astype(np.int64)
        if class_names:
            n_classes = len(class_names)
            if not 2 <= n_classes <= MAX_CLASSES:
                raise ValueError(f"classification needs 2 to {MAX_CLASSES} classes, got "
                                 f"{n_classes} class names")
            if labels.max() >= n_classes:
                raise ValueError(f"classification labels must be 0..{n_classes - 1} (one per "
                                 f"class name); got a label {labels.max()}")
        else:
            if y_arr.max() >= min(n, MAX_CLASSES):
                # every class 0..k-1 must appear, so k can be at most n
                raise ValueError(
                    f"classification labels must be 0..k-1 with k at most "
                    f"{min(n, MAX_CLASSES)} (every class must appear); got a label "
                    f"{y_arr.max():g}"
                )
            n_classes = int(labels.max()) + 1
            if n_classes < 2:
                raise ValueError("classification needs at least two classes (labels 0 and 1)")
            missing = np.setdiff1d(np.arange(n_classes), labels)
            if missing.size:
                raise ValueError(
                    f"classification labels must cover 0..{n_classes - 1}; "
                    f"missing: {', '.join(str(int(m)) for m in missing)}"
                )
        if x_arr.shape[1] >= 2:
            x2_lo, x2_hi = _padded(float(x_arr[:, 1].min()), float(x_arr[:, 1].max()))
        else:
            x2_lo, x2_hi = PROBABILITY_AXIS  # 1-D: the output axis is a probability
        return Dataset(name, x_arr, labels, checked, n_classes, (x1_lo, x1_hi, x2_lo, x2_hi),
                       input_names, class_names)

    column = x_arr[:, 1] if x_arr.shape[1] >= 2 else y_arr  # 1-D: the output axis is the target
    x2_lo, x2_hi = _padded(float(column.min()), float(column.max()))
    return Dataset(name, x_arr, y_arr, checked, 0, (x1_lo, x1_hi, x2_lo, x2_hi), input_names)
