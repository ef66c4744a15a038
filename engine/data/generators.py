"""The built-in toy data sets, generated from a seed.

The six TensorFlow Playground sets follow ``dataset.ts`` from that project (same geometry,
same meaning of the 0..0.5 noise slider) so that people who know the original see the same
pictures. TF labels its classes +1/-1; here +1 becomes class 1 and -1 becomes class 0, because
the engine wants labels that index the output units.

Every generator draws from ``np.random.default_rng(seed)`` only, so a seed reproduces a data
set exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.data.dataset import PROBABILITY_AXIS, Dataset, Task, check_int, check_seed
from engine.data.real import REAL_BY_KEY, REAL_SETS, load_real
from engine.data.shapes import SHIFT_COLUMN, checkerboard, moons, shifted

MAX_SAMPLES = 100_000
"""Upper bound on generated samples; beyond it the GUI would stall, not teach."""

TF_DOMAIN = (-6.0, 6.0, -6.0, 6.0)
TABLE_DOMAIN = (-0.5, 1.5, -0.5, 1.5)
NOT_DOMAIN = (-0.5, 1.5, *PROBABILITY_AXIS)
SINE_DOMAIN = (-6.0, 6.0, -1.5, 1.5)

_Generated = tuple[np.ndarray, np.ndarray]


TF_REGRESSION_SAMPLES = 1200
"""Points of a 2-D regression data set under TensorFlow Playground's rules."""


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
    split_column: int | None = None
    """Split by this raw input instead of at random: the points with its lowest values
    train, the rest test (a test set from another region; ``engine.data.split.split_by``)."""

    def samples(self, tf_rules: bool = False) -> int:
        """How many points to start with: TensorFlow Playground's rules draw its 2-D
        regression data with 1,200 (``NUM_SAMPLES_REGRESS`` in its playground.ts)."""
        if tf_rules and self.task == "regression" and self.n_inputs == 2:
            return TF_REGRESSION_SAMPLES
        return self.default_samples


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


def gauss_variance(noise: float) -> float:
    """TF maps the 0..0.5 noise slider linearly onto a blob *variance* of 0.5..4."""
    return 0.5 + noise * (4.0 - 0.5) / 0.5


def gauss_std(noise: float) -> float:
    """The blob's standard deviation: the square root of TF's variance (0.71..2)."""
    return math.sqrt(gauss_variance(noise))


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
    """TF ``regressPlane``: the tilted plane (x₁ + x₂)/10 of the noisy position, unclamped as
    in TF (its label scale maps −10..10 onto −1..1 without a clamp), so targets reach ±1.2 at
    noise 0 and ±1.92 at noise 0.5."""
    x = rng.uniform(-6.0, 6.0, (n, 2))
    noisy = x + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    y = (noisy[:, 0] + noisy[:, 1]) / 10.0
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
    split_column: int | None = None,
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
        split_column=split_column,
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
    _recipe("moons", "Two moons", "Two interleaving half circles (scikit-learn's make_moons); "
            "noise is the jitter's standard deviation in moon radii.", "classification", moons,
            default_noise=0.1),
    _recipe("checkerboard", "Checkerboard", "A 4 × 4 checkerboard: neighbouring squares "
            "belong to opposite classes.", "classification", checkerboard),
    _recipe("shifted", "Shifted test", "Train on the left, test on the right: the split is by "
            "x₁, not at random, so the test points come from a region the network never saw "
            "and a good training score says little about them.", "classification", shifted,
            split_column=SHIFT_COLUMN),
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

DATASETS: dict[str, DatasetInfo] = {
    **{r.info.key: r.info for r in _RECIPES},
    **{r.key: DatasetInfo(r.key, r.title, r.description, r.task, r.n_inputs, r.n_classes,
                          fixed_size=True, default_noise=0.0, default_samples=r.n_samples)
       for r in REAL_SETS},
}
"""Every built-in data set, in the order the GUI lists them: generated, then real."""


def generate(key: str, n_samples: int = 500, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Build the built-in data set ``key``; the same arguments always give the same arrays.
    A real data set (``engine.data.real``) is always whole: the other arguments are ignored."""
    if key in REAL_BY_KEY:
        return load_real(key)
    recipe = _BY_KEY.get(key)
    if recipe is None:
        raise ValueError(f"unknown data set {key!r}; known keys: {', '.join(DATASETS)}")
    n = check_int(n_samples, "n_samples")
    if not 1 <= n <= MAX_SAMPLES:
        raise ValueError(f"n_samples must be between 1 and {MAX_SAMPLES}, got {n}")
    if isinstance(noise, bool) or not isinstance(noise, int | float | np.integer | np.floating):
        raise TypeError(f"noise must be a number, got {noise!r}")
    noise = float(noise)
    if not math.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise}")
    rng = np.random.default_rng(check_seed(seed))
    x, y = recipe.make(n, noise, rng)
    info = recipe.info
    domain = _sine_domain(y) if key == "sine" else recipe.domain
    return Dataset(key, x, y, info.task, info.n_classes, domain)

