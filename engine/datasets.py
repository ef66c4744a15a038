"""Toy data sets for the playground, plus validation for data the user brings.

The six TensorFlow Playground sets follow ``dataset.ts`` from that project (same geometry,
same meaning of the 0..0.5 noise slider) so that people who know the original see the same
pictures. TF labels its classes +1/-1; here +1 becomes class 1 and -1 becomes class 0, because
the engine wants labels that index the output units.

Every generator draws from ``np.random.default_rng(seed)`` only, so a seed reproduces a data
set exactly. Arrays inside a :class:`Dataset` are read-only: the trainer, the plots and the
step-through view all share them, and none of them may change the data under the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

Task = Literal["classification", "regression"]
TASKS: tuple[Task, ...] = ("classification", "regression")

MAX_SAMPLES = 100_000
"""Upper bound on generated samples; beyond it the GUI would stall, not teach."""

TF_DOMAIN = (-6.0, 6.0, -6.0, 6.0)
TABLE_DOMAIN = (-0.5, 1.5, -0.5, 1.5)
NOT_DOMAIN = (-0.5, 1.5, -0.25, 1.25)
SINE_DOMAIN = (-6.0, 6.0, -1.5, 1.5)

_Generated = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs, targets and the plotting region of one data set.

    ``eq=False`` because comparing NumPy arrays field by field has no single truth value;
    two data sets are the same object or they are different.
    """

    name: str
    x: np.ndarray
    """(n, d) float64 raw inputs, d is 1 or 2."""
    y: np.ndarray
    """Classification: (n,) int64 labels 0..n_classes-1. Regression: (n,) float64 targets."""
    task: Task
    n_classes: int
    """0 for regression, >= 2 for classification."""
    domain: tuple[float, float, float, float]
    """(x1_min, x1_max, x2_min, x2_max) the GUI maps; for 1-D data x2 is the output axis."""

    def __post_init__(self) -> None:
        """Check the invariants every consumer relies on and freeze private copies."""
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {list(TASKS)}, got {self.task!r}")
        x = np.array(self.x, dtype=np.float64, copy=True)
        if x.ndim != 2 or x.shape[1] not in (1, 2):
            raise ValueError(f"x must have shape (n, 1) or (n, 2), got {x.shape}")
        if x.shape[0] < 1:
            raise ValueError("x must contain at least one sample")
        if not np.all(np.isfinite(x)):
            raise ValueError("x contains NaN or infinite values")
        if self.task == "classification":
            if np.asarray(self.y).dtype.kind not in "biu":
                raise ValueError("classification labels must have an integer dtype")
            y = np.array(self.y, dtype=np.int64, copy=True)
            if self.n_classes < 2:
                raise ValueError(f"n_classes must be >= 2 for classification, got {self.n_classes}")
            if y.size and (y.min() < 0 or y.max() >= self.n_classes):
                raise ValueError(f"labels must lie in 0..{self.n_classes - 1}")
        else:
            y = np.array(self.y, dtype=np.float64, copy=True)
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

    @property
    def n_samples(self) -> int:
        """Number of rows, so callers need not know the array layout."""
        return int(self.x.shape[0])

    @property
    def n_inputs(self) -> int:
        """Number of raw input columns (1 or 2)."""
        return int(self.x.shape[1])


@dataclass(frozen=True)
class DatasetInfo:
    """What the GUI needs to list a data set and set its sliders before generating it."""

    key: str
    title: str
    description: str
    task: Task
    n_inputs: int
    n_classes: int
    fixed_size: bool
    """Truth tables ignore ``n_samples`` and ``noise``."""
    default_noise: float
    default_samples: int


# --------------------------------------------------------------------------- generators


def _halves(n: int) -> tuple[int, int]:
    """Split n into two groups; the first gets the odd sample so the total is exactly n."""
    return n - n // 2, n // 2


def _circle(n: int, noise: float, rng: np.random.Generator) -> _Generated:
    """TF ``classifyCircleData``: a disc of class 1 inside a ring of class 0."""
    radius = 5.0
    n_in, n_out = _halves(n)
    r = np.concatenate(
        [
            rng.uniform(0.0, radius * 0.5, n_in),
            rng.uniform(radius * 0.7, radius, n_out),
        ]
    )
    angle = rng.uniform(0.0, 2.0 * np.pi, n)
    x = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    offset = rng.uniform(-radius, radius, (n, 2)) * noise
    noisy = x + offset
    # TF labels the noisy position but stores the clean one: noise shows up as wrong labels.
    y = (np.hypot(noisy[:, 0], noisy[:, 1]) < radius * 0.5).astype(np.int64)
    return x, y


def _xor(n: int, noise: float, rng: np.random.Generator) -> _Generated:
    """TF ``classifyXORData``: quadrants, pushed 0.3 off the axes so the classes separate."""
    padding = 0.3
    x = rng.uniform(-5.0, 5.0, (n, 2))
    x += np.where(x > 0, padding, -padding)
    noisy = x + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    y = (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)
    return x, y


def gauss_std(noise: float) -> float:
    """TF maps the 0..0.5 noise slider linearly onto a blob std of 0.5..4."""
    return 0.5 + noise * (4.0 - 0.5) / 0.5


def _gauss(n: int, noise: float, rng: np.random.Generator) -> _Generated:
    """TF ``classifyTwoGaussData``: class 1 around (2, 2), class 0 around (-2, -2)."""
    std = gauss_std(noise)
    n_pos, n_neg = _halves(n)
    x = np.concatenate(
        [
            rng.normal(2.0, std, (n_pos, 2)),
            rng.normal(-2.0, std, (n_neg, 2)),
        ]
    )
    y = np.concatenate([np.ones(n_pos, np.int64), np.zeros(n_neg, np.int64)])
    return x, y


def _spiral(n: int, noise: float, rng: np.random.Generator) -> _Generated:
    """TF ``classifySpiralData``: two interleaved arms half a turn apart."""
    parts_x: list[np.ndarray] = []
    parts_y: list[np.ndarray] = []
    for m, delta, label in zip(_halves(n), (0.0, np.pi), (1, 0), strict=True):
        frac = np.arange(m, dtype=np.float64) / max(m, 1)
        r = frac * 5.0
        t = 1.75 * frac * 2.0 * np.pi + delta
        jitter = rng.uniform(-1.0, 1.0, (m, 2)) * noise
        parts_x.append(np.column_stack([r * np.sin(t), r * np.cos(t)]) + jitter)
        parts_y.append(np.full(m, label, np.int64))
    return np.concatenate(parts_x), np.concatenate(parts_y)


def _plane(n: int, noise: float, rng: np.random.Generator) -> _Generated:
    """TF ``regressPlane``: a tilted plane, clipped to the [-1, 1] output range."""
    x = rng.uniform(-6.0, 6.0, (n, 2))
    noisy = x + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    y = np.clip((noisy[:, 0] + noisy[:, 1]) / 10.0, -1.0, 1.0)
    return x, y


MULTI_GAUSS_CENTRES = (
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
)
"""(cx, cy, sign) of the six bumps in TF's ``regressGaussian``."""


def _multi_gauss(n: int, noise: float, rng: np.random.Generator) -> _Generated:
    """TF ``regressGaussian``: six cone-shaped bumps of alternating sign."""
    x = rng.uniform(-6.0, 6.0, (n, 2))
    noisy = x + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    y = np.zeros(n)
    for cx, cy, sign in MULTI_GAUSS_CENTRES:
        d = np.hypot(noisy[:, 0] - cx, noisy[:, 1] - cy)
        v = sign * np.clip(1.0 - d / 2.0, 0.0, 1.0)
        y = np.where(np.abs(v) > np.abs(y), v, y)
    return x, y


def _spiral3(n: int, noise: float, rng: np.random.Generator) -> _Generated:
    """cs231n's three-arm spiral: the smallest picture that needs softmax and a hidden layer."""
    sizes = [n // 3 + (1 if k < n % 3 else 0) for k in range(3)]
    parts_x: list[np.ndarray] = []
    parts_y: list[np.ndarray] = []
    for k, m in enumerate(sizes):
        r = np.linspace(0.0, 1.0, m)
        t = np.linspace(4.0 * k, 4.0 * (k + 1), m) + rng.standard_normal(m) * noise
        parts_x.append(np.column_stack([5.5 * r * np.sin(t), 5.5 * r * np.cos(t)]))
        parts_y.append(np.full(m, k, np.int64))
    return np.concatenate(parts_x), np.concatenate(parts_y)


def _sine(n: int, noise: float, rng: np.random.Generator) -> _Generated:
    """One period-and-a-bit of sin(x): the classic 1-D curve fit, sorted so lines plot cleanly."""
    x = np.sort(rng.uniform(-6.0, 6.0, n))
    y = np.sin(x) + rng.normal(0.0, noise, n)
    return x[:, None], y


_TABLE_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _table(labels: tuple[int, ...]) -> Callable[[int, float, np.random.Generator], _Generated]:
    def make(n: int, noise: float, rng: np.random.Generator) -> _Generated:
        return _TABLE_X.copy(), np.array(labels, np.int64)

    return make


def _not_table(n: int, noise: float, rng: np.random.Generator) -> _Generated:
    return np.array([[0.0], [1.0]]), np.array([1, 0], np.int64)


def _sine_domain(y: np.ndarray) -> tuple[float, float, float, float]:
    """Keep the usual ±1.5 view unless noisy targets fall outside it."""
    x1_min, x1_max, lo, hi = SINE_DOMAIN
    margin = 0.25
    return (x1_min, x1_max, min(lo, float(y.min()) - margin), max(hi, float(y.max()) + margin))


@dataclass(frozen=True)
class _Recipe:
    info: DatasetInfo
    make: Callable[[int, float, np.random.Generator], _Generated]
    domain: tuple[float, float, float, float]


def _recipe(
    key: str,
    title: str,
    description: str,
    task: Task,
    make: Callable[[int, float, np.random.Generator], _Generated],
    *,
    n_inputs: int = 2,
    n_classes: int = 2,
    fixed_size: bool = False,
    default_noise: float = 0.0,
    default_samples: int = 500,
    domain: tuple[float, float, float, float] = TF_DOMAIN,
) -> _Recipe:
    info = DatasetInfo(
        key=key,
        title=title,
        description=description,
        task=task,
        n_inputs=n_inputs,
        n_classes=n_classes if task == "classification" else 0,
        fixed_size=fixed_size,
        default_noise=default_noise,
        default_samples=default_samples,
    )
    return _Recipe(info, make, domain)


_RECIPES: tuple[_Recipe, ...] = (
    _recipe(
        "circle",
        "Circle",
        "A disc of one class inside a ring of the other.",
        "classification",
        _circle,
    ),
    _recipe(
        "xor",
        "Exclusive or",
        "Opposite quadrants share a class; no single line splits them.",
        "classification",
        _xor,
    ),
    _recipe(
        "gauss",
        "Gaussian",
        "Two Gaussian blobs; a straight line separates them.",
        "classification",
        _gauss,
    ),
    _recipe(
        "spiral",
        "Spiral",
        "Two interleaved spiral arms; needs depth or clever features.",
        "classification",
        _spiral,
    ),
    _recipe(
        "spiral3",
        "Three-arm spiral",
        "Three spiral arms, one per class, for softmax.",
        "classification",
        _spiral3,
        n_classes=3,
        default_noise=0.2,
        default_samples=300,
    ),
    _recipe(
        "plane", "Plane", "Regression onto a tilted plane: (x₁ + x₂) / 10.", "regression", _plane
    ),
    _recipe(
        "multi_gauss",
        "Multi Gaussian",
        "Regression onto six bumps of alternating sign.",
        "regression",
        _multi_gauss,
    ),
    _recipe(
        "sine",
        "Sine wave",
        "Fit y = sin(x) from noisy samples of one input.",
        "regression",
        _sine,
        n_inputs=1,
        default_noise=0.1,
        default_samples=200,
        domain=SINE_DOMAIN,
    ),
    _recipe(
        "xor_table",
        "XOR truth table",
        "The four rows of XOR: the classic non-linear problem.",
        "classification",
        _table((0, 1, 1, 0)),
        fixed_size=True,
        default_samples=4,
        domain=TABLE_DOMAIN,
    ),
    _recipe(
        "and_table",
        "AND truth table",
        "The four rows of AND: one neuron suffices.",
        "classification",
        _table((0, 0, 0, 1)),
        fixed_size=True,
        default_samples=4,
        domain=TABLE_DOMAIN,
    ),
    _recipe(
        "or_table",
        "OR truth table",
        "The four rows of OR: one neuron suffices.",
        "classification",
        _table((0, 1, 1, 1)),
        fixed_size=True,
        default_samples=4,
        domain=TABLE_DOMAIN,
    ),
    _recipe(
        "not_table",
        "NOT truth table",
        "One input, two rows: the smallest network there is.",
        "classification",
        _not_table,
        n_inputs=1,
        fixed_size=True,
        default_samples=2,
        domain=NOT_DOMAIN,
    ),
)

_BY_KEY: dict[str, _Recipe] = {r.info.key: r for r in _RECIPES}

DATASETS: dict[str, DatasetInfo] = {r.info.key: r.info for r in _RECIPES}
"""Every built-in data set, in the order the GUI lists them."""


# --------------------------------------------------------------------------- public API


def _check_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    return int(value)


def _check_seed(seed: object) -> int:
    seed = _check_int(seed, "seed")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return seed


def generate(key: str, n_samples: int = 500, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Build the built-in data set ``key``; the same arguments always give the same arrays."""
    recipe = _BY_KEY.get(key)
    if recipe is None:
        raise ValueError(f"unknown data set {key!r}; known keys: {', '.join(DATASETS)}")
    n = _check_int(n_samples, "n_samples")
    if not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"n_samples must be between 1 and {MAX_SAMPLES}, got {n}")
    if isinstance(noise, bool) or not isinstance(noise, int | float | np.integer | np.floating):
        raise TypeError(f"noise must be a number, got {noise!r}")
    noise = float(noise)
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise}")
    rng = np.random.default_rng(_check_seed(seed))
    x, y = recipe.make(n, noise, rng)
    info = recipe.info
    domain = _sine_domain(y) if key == "sine" else recipe.domain
    return Dataset(key, x, y, info.task, info.n_classes, domain)


def _padded(lo: float, hi: float, fraction: float = 0.1) -> tuple[float, float]:
    """Pad a data range so edge points are not drawn on the border (and never zero-width)."""
    span = hi - lo
    pad = fraction * span if span > 0 else 0.5
    return lo - pad, hi + pad


def from_arrays(x: object, y: object, task: Task, name: str = "custom") -> Dataset:
    """Turn user data (e.g. a loaded CSV) into a Dataset, saying exactly what is wrong if not.

    ``x`` may be (n,) for one input; classification labels may be stored as floats (as CSV
    readers do) but must be whole numbers covering every class 0..k-1, with k >= 2, so a file
    with 1-based labels is rejected instead of silently gaining an empty class 0.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}, got {task!r}")
    x_arr = np.asarray(x)
    y_arr = np.asarray(y)
    if x_arr.dtype.kind not in "biuf":
        raise ValueError(f"x must be numeric, got dtype {x_arr.dtype}")
    if y_arr.dtype.kind not in "biuf":
        raise ValueError(f"y must be numeric, got dtype {y_arr.dtype}")
    x_arr = x_arr.astype(np.float64)
    y_arr = y_arr.astype(np.float64)
    if x_arr.ndim == 1:
        x_arr = x_arr[:, None]
    if x_arr.ndim != 2 or x_arr.shape[1] not in (1, 2):
        raise ValueError(f"x must have shape (n, 1) or (n, 2), got {x_arr.shape}")
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
    if task == "classification":
        if not np.all(y_arr == np.round(y_arr)):
            raise ValueError("classification labels must be whole numbers 0..k-1")
        if y_arr.min() < 0:
            raise ValueError(f"classification labels must be >= 0, got {y_arr.min():g}")
        if y_arr.max() >= min(n, 256):
            # every class 0..k-1 must appear, so k can be at most n (and a playground has few)
            raise ValueError(
                f"classification labels must be 0..k-1 with k at most {min(n, 256)} "
                f"(every class must appear); got a label {y_arr.max():g}"
            )
        labels = y_arr.astype(np.int64)
        n_classes = int(labels.max()) + 1
        if n_classes < 2:
            raise ValueError("classification needs at least two classes (labels 0 and 1)")
        missing = np.setdiff1d(np.arange(n_classes), labels)
        if missing.size:
            raise ValueError(
                f"classification labels must cover 0..{n_classes - 1}; "
                f"missing: {', '.join(str(int(m)) for m in missing)}"
            )
        if x_arr.shape[1] == 2:
            x2_lo, x2_hi = _padded(float(x_arr[:, 1].min()), float(x_arr[:, 1].max()))
        else:
            x2_lo, x2_hi = NOT_DOMAIN[2], NOT_DOMAIN[3]  # 1-D: the output axis is a probability
        return Dataset(name, x_arr, labels, task, n_classes, (x1_lo, x1_hi, x2_lo, x2_hi))

    column = x_arr[:, 1] if x_arr.shape[1] == 2 else y_arr  # 1-D: the output axis is the target
    x2_lo, x2_hi = _padded(float(column.min()), float(column.max()))
    return Dataset(name, x_arr, y_arr, task, 0, (x1_lo, x1_hi, x2_lo, x2_hi))


def split(n: int, train_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle 0..n-1 into train and test indices; train always keeps at least one sample."""
    n = _check_int(n, "n")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    fraction = float(train_fraction)
    if not (math.isfinite(fraction) and 0.0 < fraction <= 1.0):
        raise ValueError(f"train_fraction must be in (0, 1], got {train_fraction!r}")
    n_train = min(max(round(n * fraction), 1), n)
    order = np.random.default_rng(_check_seed(seed)).permutation(n).astype(np.int64)
    return order[:n_train].copy(), order[n_train:].copy()
