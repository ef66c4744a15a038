"""Three more 2-D classification sets beyond TensorFlow Playground's: two moons, a
checkerboard, and a set whose test points lie where no training point does ("shifted").

Each generator takes (n, noise, rng) like those in ``engine.data.generators`` (which lists
them) and returns x (n, 2) float64 and labels (n,) int64, exactly balanced without noise.
"""

from __future__ import annotations

import numpy as np

MOONS_SCALE = 3.5
"""The unit moons (x₁ in −1..2, x₂ in −0.5..1, as scikit-learn's ``make_moons`` draws them)
are centred and scaled by this, to fill TensorFlow Playground's −6..6 view."""
MOONS_CENTRE = (0.5, 0.25)

CHECKER_SQUARES = 4
"""Squares per side of the checkerboard over −6..6 (3 units each)."""
CHECKER_SIDE = 12.0 / CHECKER_SQUARES

WAVE_AMPLITUDE = 2.5
WAVE_PERIOD = 8.0
"""The shifted set's class boundary: x₂ = 2.5 · sin(2π x₁ / 8)."""
SHIFT_COLUMN = 0
"""The shifted set is split by x₁: the training points are the leftmost, the test points
the rest (``engine.data.split.split_by``)."""


def _halves(n: int) -> tuple[int, int]:
    """n as two groups, the first one the odd sample larger (as the TF sets split it)."""
    return n - n // 2, n // 2


def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: the upper one class 0, the lower (shifted right and
    down) class 1, as in ``make_moons``; each point's angle is drawn at random, and ``noise``
    is the standard deviation of the Gaussian jitter in units of a moon's radius (0.1 is
    scikit-learn's usual example)."""
    n_upper, n_lower = _halves(n)
    t_upper = rng.uniform(0.0, np.pi, n_upper)
    t_lower = rng.uniform(0.0, np.pi, n_lower)
    unit = np.concatenate([
        np.column_stack([np.cos(t_upper), np.sin(t_upper)]),
        np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)]),
    ])
    unit += rng.normal(0.0, 1.0, (n, 2)) * noise
    x = (unit - np.array(MOONS_CENTRE)) * MOONS_SCALE
    y = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n_lower, np.int64)])
    return x, y


def checker_class(x: np.ndarray) -> np.ndarray:
    """(n,) int64 the checkerboard's class of points (n, 2): 1 on the squares whose column
    and row numbers (counted from −6) add up to an odd number."""
    cells = np.floor((x + 6.0) / CHECKER_SIDE).astype(np.int64)
    return ((cells[:, 0] + cells[:, 1]) % 2).astype(np.int64)


def checkerboard(n: int, noise: float,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A 4 × 4 checkerboard over −6..6: half the points on the squares of each class, each
    uniform in a square drawn at random. As TF's circle and XOR do, the label is that of the
    point moved by up to ±noise · 3 (a square's side) in each direction, so noise shows as
    wrong labels near the squares' edges; the point itself stays."""
    n_one, n_zero = _halves(n)
    squares = np.array([(i, j) for i in range(CHECKER_SQUARES) for j in range(CHECKER_SQUARES)])
    parts = []
    for label, m in ((1, n_one), (0, n_zero)):
        own = squares[(squares.sum(axis=1) % 2) == label]
        picked = own[rng.integers(0, len(own), m)]
        parts.append(-6.0 + (picked + rng.uniform(0.0, 1.0, (m, 2))) * CHECKER_SIDE)
    x = np.concatenate(parts)
    moved = x + rng.uniform(-1.0, 1.0, (n, 2)) * noise * CHECKER_SIDE
    return x, checker_class(moved)


def wave_class(x: np.ndarray) -> np.ndarray:
    """(n,) int64: 1 above the wave x₂ = 2.5 · sin(2π x₁ / 8), 0 below it."""
    boundary = WAVE_AMPLITUDE * np.sin(2.0 * np.pi * x[:, 0] / WAVE_PERIOD)
    return (x[:, 1] > boundary).astype(np.int64)


def shifted(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two classes on either side of a wave, x₁ uniform over −6..6; half the points above
    it (class 1), half below, x₂ uniform between the wave and the edge of the view. The
    split puts the leftmost points in training and the rest in the test set, so the test
    points come from a region the network never saw. Noise moves the labelled position by
    up to ±noise · 6 in x₂ (as TF's sets, the stored point stays)."""
    n_above = n - n // 2  # as _halves: the first group gets the odd sample
    x1 = rng.uniform(-6.0, 6.0, n)
    boundary = WAVE_AMPLITUDE * np.sin(2.0 * np.pi * x1 / WAVE_PERIOD)
    share = rng.uniform(0.0, 1.0, n)
    above = boundary[:n_above] + share[:n_above] * (6.0 - boundary[:n_above])
    below = boundary[n_above:] - share[n_above:] * (boundary[n_above:] + 6.0)
    x = np.column_stack([x1, np.concatenate([above, below])])
    moved = x + np.column_stack([np.zeros(n), rng.uniform(-6.0, 6.0, n) * noise])
    return x, wave_class(moved)
