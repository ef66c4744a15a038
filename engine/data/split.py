"""Which samples train and which test, and the trainer's copy of them in its layout.

The trainer works with samples as columns (see ``engine.program``), so the split holds the
feature and target matrices already transposed and contiguous: one copy per minibatch then
loads a batch, and the evaluation programs read them in place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.data.dataset import check_int, check_seed
from engine.data.scaling import Scaling


def _train_count(n: int, train_fraction: float, round_down: bool) -> int:
    """n·fraction rounded to nearest, or down (``round_down``, as TF Playground's
    ``Math.floor``; a hair of slack keeps 1200 × 0.7 at 840), at least 1 and at most n."""
    n = check_int(n, "n")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    fraction = float(train_fraction)
    if not (math.isfinite(fraction) and 0.0 < fraction <= 1.0):
        raise ValueError(f"train_fraction must be in (0, 1], got {train_fraction!r}")
    exact = n * fraction
    return min(max(math.floor(exact + 1e-9) if round_down else round(exact), 1), n)


def split(n: int, train_fraction: float, seed: int,
          round_down: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle 0..n-1 into train and test indices; train always keeps at least one sample.
    The training count is n·fraction rounded to nearest, or down (``round_down``, as TF
    Playground's ``Math.floor``; a hair of slack keeps 1200 × 0.7 at 840)."""
    n_train = _train_count(n, train_fraction, round_down)
    order = np.random.default_rng(check_seed(seed)).permutation(n).astype(np.int64)
    return order[:n_train].copy(), order[n_train:].copy()


def split_by(values: np.ndarray, train_fraction: float, seed: int,
             round_down: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Train and test indices from two regions: the samples with the lowest ``values`` (N,)
    train, the others test (a test set from another distribution than the training set).
    The count is ``split``'s; within each set the order is ``split``'s seeded shuffle, so a
    fixed-order epoch does not sweep the region from one side to the other."""
    v = np.asarray(values, dtype=np.float64).ravel()
    n_train = _train_count(v.size, train_fraction, round_down)
    is_train = np.zeros(v.size, dtype=bool)
    is_train[np.argsort(v, kind="stable")[:n_train]] = True
    order = np.random.default_rng(check_seed(seed)).permutation(v.size).astype(np.int64)
    return order[is_train[order]], order[~is_train[order]]


@dataclass(frozen=True, eq=False)
class DataSplit:
    """One scenario's samples, split, in the engine's (features, samples) layout.

    N samples, n₀ features, K targets; the training set has N_tr samples, the test set N_te.
    """

    features: np.ndarray
    """(N, n₀) every sample's network inputs (standardised when ``scaling`` is set), in
    data-set order."""
    targets: np.ndarray
    """(N, K) every sample's training targets, in data-set order."""
    train_idx: np.ndarray
    """(N_tr,) data-set indices of the training samples (training-set position → index)."""
    test_idx: np.ndarray
    """(N_te,) data-set indices of the test samples."""
    x_train: np.ndarray
    """(n₀, N_tr) training features, one column per sample."""
    y_train: np.ndarray
    """(K, N_tr) training targets."""
    x_test: np.ndarray
    """(n₀, N_te) test features."""
    y_test: np.ndarray
    """(K, N_te) test targets."""
    labels_train: np.ndarray
    """(N_tr,) the data set's own labels (or regression values) of the training samples."""
    labels_test: np.ndarray
    """(N_te,) the same for the test samples."""
    raw_features: np.ndarray
    """(N, n₀) the features before standardisation (``features`` itself without it)."""
    scaling: Scaling | None = None
    """The standardisation fitted on the training rows, or None."""

    @classmethod
    def of(cls, features: np.ndarray, targets: np.ndarray, labels: np.ndarray,
           train_idx: np.ndarray, test_idx: np.ndarray, standardize: bool = False,
           fixed: Scaling | None = None) -> DataSplit:
        """Split features (N, n₀), targets (N, K) and labels (N,) by the given indices;
        ``standardize`` fits a Scaling on the training rows (or uses ``fixed``) and applies
        it to every row."""
        def columns(rows: np.ndarray) -> np.ndarray:
            return np.ascontiguousarray(rows.T)

        scaling = (fixed if fixed is not None else Scaling.fit(features[train_idx])) \
            if standardize else None
        inputs = scaling.apply(features) if scaling is not None else features
        return cls(inputs, targets, train_idx, test_idx,
                   columns(inputs[train_idx]), columns(targets[train_idx]),
                   columns(inputs[test_idx]), columns(targets[test_idx]),
                   labels[train_idx], labels[test_idx], features, scaling)

    @property
    def n_train(self) -> int:
        return int(self.train_idx.size)

    def train_columns(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """New (n₀, B) features and (K, B) targets of the training samples at ``positions``
        (positions in the training set, not data-set indices)."""
        return self.x_train[:, positions], self.y_train[:, positions]
