"""The plane of the first two principal components, for decision maps of wide data.

Over two raw columns, a map of digits shows two pixels with every other pixel at its mean:
most samples sit on a few grid points and the map says little. The plane through the
training mean spanned by the two directions along which the training data varies most shows
the samples spread out, and the map over it is the network's output on real-looking inputs
(each map point is a whole input: the mean plus a combination of the two directions).

With standardisation on, the components are those of the standardised data (what the
network reads), and both directions and readings are carried back to raw inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from engine.data.scaling import Scaling

PCA_ROWS = 2000
"""At most this many training rows (evenly spaced) fix the components: a picture needs no
more, and it bounds the cost (rows · d² for d up to 1,024 inputs)."""
PCA_FROM_INPUTS = 3
"""From this many inputs a new data set's map starts on the PCA plane. A map over two columns
holds the others at their mean, a slice that can contradict the scores (Iris over sepal and
petal length, petal width at its mean: most virginica on versicolor's colour); the plane of
the two main directions shows the most of the data. The columns stay in the Map over lists."""


class Projection(StrEnum):
    """What the decision map of wide data is drawn over."""

    COLUMNS = "columns"
    """Two raw input columns; the others at their training mean."""
    PCA = "pca"
    """The plane of the first two principal components through the training mean."""


@dataclass(frozen=True, eq=False)
class PcaPlane:
    """Map point (u, v) is the raw input ``origin + u·directions[0] + v·directions[1]``; a
    sample x sits at ``(x − origin) · readersᵀ``. Shapes: origin (d,), directions and readers
    (2, d), train_xy (N, 2), test_xy (M, 2); domain (u_min, u_max, v_min, v_max)."""

    origin: np.ndarray
    directions: np.ndarray
    readers: np.ndarray
    variance: tuple[float, float]
    """Each component's share of the (standardised) training variance, in [0, 1]."""
    domain: tuple[float, float, float, float]
    train_xy: np.ndarray
    test_xy: np.ndarray

    def lift(self, uv: np.ndarray) -> np.ndarray:
        """Raw inputs (N, d) at map points ``uv`` (N, 2)."""
        return self.origin + np.asarray(uv, dtype=np.float64) @ self.directions

    def project(self, x: np.ndarray) -> np.ndarray:
        """Map coordinates (N, 2) of raw inputs ``x`` (N, d) (no (N, d) temporary: 784-wide
        data sets are large)."""
        return _projected(np.asarray(x, dtype=np.float64), self.origin, self.readers)


def _projected(x: np.ndarray, origin: np.ndarray, readers: np.ndarray) -> np.ndarray:
    """(x − origin)·readersᵀ as x·readersᵀ − origin·readersᵀ: (N, 2) for x (N, d)."""
    return x @ readers.T - origin @ readers.T


def _leading(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (at most two) leading eigenvalues of zᵀz (k,) and their unit components (k, d),
    dropping those no larger than rounding (NumPy's matrix-rank tolerance). From zᵀz's
    eigenvectors (5× cheaper than an SVD of 2,000 × 784); from an SVD of z when the second
    is below 1e-8 of the first, where zᵀz's rounding (about 1e-16 of the first) would blur it."""
    d = z.shape[1]
    values, vectors = np.linalg.eigh(z.T @ z)
    values, vectors = np.clip(values[::-1], 0.0, None), vectors[:, ::-1].T
    if len(z) and d > 1 and values[1] < 1e-8 * values[0]:
        _, s, vectors = np.linalg.svd(z, full_matrices=False)
        values = s * s
    if not len(values) or values[0] <= 0:
        return np.zeros(0), np.zeros((0, d))
    tolerance = values[0] * (max(z.shape) * np.finfo(float).eps) ** 2
    k = min(2, int(np.sum(values > tolerance)))
    return values[:k], vectors[:k]


def pca_plane(x_train: np.ndarray, x_test: np.ndarray, standardise: bool) -> PcaPlane:
    """The plane of ``x_train``'s (N, d) first two principal components (d ≥ 2), of each raw
    column standardised by its training mean and deviation when ``standardise`` (as the
    network reads them, whatever the order of its features); each component's sign makes its
    largest entry positive, so the picture does not flip between runs."""
    x = np.asarray(x_train, dtype=np.float64)
    d = x.shape[1]
    if len(x) and standardise:
        fitted = Scaling.fit(x)
        origin, scale = fitted.mean, fitted.scale
    else:
        origin, scale = (x.mean(axis=0) if len(x) else np.zeros(d)), np.ones(d)
    rows = x if len(x) <= PCA_ROWS else x[np.linspace(0, len(x) - 1, PCA_ROWS).astype(int)]
    z = (rows - origin) / scale
    z = z - z.mean(axis=0) if len(z) else z
    values, components = _leading(z)
    axes = np.zeros((2, d))
    axes[: len(values)] = components
    if not axes[0].any():
        axes[0, 0] = 1.0
    if not axes[1].any():  # one sample has one direction: any unit vector orthogonal to it
        e = np.zeros(d)
        e[int(np.argmin(np.abs(axes[0])))] = 1.0
        e -= (e @ axes[0]) * axes[0]
        axes[1] = e / np.linalg.norm(e)
    for k in range(2):
        if axes[k, int(np.argmax(np.abs(axes[k])))] < 0:
            axes[k] = -axes[k]
    total = float(np.sum(z * z))
    shares = [float(values[k] / total) if total > 0 and k < len(values) else 0.0
              for k in range(2)]
    readers = axes / scale
    directions = axes * scale
    train_xy = _projected(x, origin, readers)
    test_xy = _projected(np.asarray(x_test, dtype=np.float64), origin, readers)
    both = np.vstack([train_xy, test_xy])
    domain: list[float] = []
    for k in range(2):
        lo, hi = (float(both[:, k].min()), float(both[:, k].max())) if len(both) else (-1, 1)
        pad = 0.1 * (hi - lo) if hi > lo else 1.0
        domain += [lo - pad, hi + pad]
    return PcaPlane(origin, directions, readers, (shares[0], shares[1]),
                    (domain[0], domain[1], domain[2], domain[3]), train_xy, test_xy)
