"""How well the current network does, sample by sample: the confusion matrix and per-class
accuracy for classification, R² and RMSE for regression, on the training and test sets.

The loss history (engine.history) keeps one accuracy per epoch; these scores say *which*
classes are confused with which, so they are computed on demand from the trainer's current
weights (one forward pass over the data already in network layout, no feature recomputation:
about the cost of one evaluation of the loss).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from engine.activations import get_activation
from engine.network import forward_pass

if TYPE_CHECKING:
    from engine.trainer import Trainer


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


def predicted_classes(output: np.ndarray, threshold: float) -> np.ndarray:
    """(N,) int64 classes for network outputs (N, K): the arg-max of K > 1 units, else
    whether the single unit is above ``threshold`` (the same rule as the accuracy's)."""
    if output.shape[1] > 1:
        return np.argmax(output, axis=1).astype(np.int64)
    return (output[:, 0] > threshold).astype(np.int64)


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """(K, K) int64 counts: entry [i, j] is how many samples of true class i were predicted
    as class j (rows true, columns predicted)."""
    t = np.asarray(true, dtype=np.int64).ravel()
    p = np.asarray(predicted, dtype=np.int64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"true and predicted differ in length: {t.size} vs {p.size}")
    if t.size and (min(t.min(), p.min()) < 0 or max(t.max(), p.max()) >= n_classes):
        raise ValueError(f"class labels must lie in 0..{n_classes - 1}")
    counts = np.bincount(t * n_classes + p, minlength=n_classes * n_classes)
    return counts.reshape(n_classes, n_classes).astype(np.int64)


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """(K,) float64: the share of each true class predicted right (its recall); NaN for a
    class with no sample in the set."""
    c = np.asarray(confusion, dtype=np.float64)
    totals = c.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(c) / np.where(totals > 0, totals, 1.0), np.nan)


def r_squared(true: np.ndarray, predicted: np.ndarray) -> float:
    """1 − SS_res / SS_tot; NaN when the targets do not vary (or there are none)."""
    t = np.asarray(true, dtype=np.float64).ravel()
    p = np.asarray(predicted, dtype=np.float64).ravel()
    if t.size == 0:
        return float("nan")
    ss_tot = float(np.sum((t - t.mean()) ** 2))
    if ss_tot == 0.0:
        return float("nan")
    return 1.0 - float(np.sum((t - p) ** 2)) / ss_tot


def rmse(true: np.ndarray, predicted: np.ndarray) -> float:
    """Root-mean-square error, in the targets' units; NaN for an empty set."""
    t = np.asarray(true, dtype=np.float64).ravel()
    p = np.asarray(predicted, dtype=np.float64).ravel()
    if t.size == 0:
        return float("nan")
    return float(np.sqrt(np.mean((t - p) ** 2)))


@dataclass(frozen=True, eq=False)
class ClassScores:
    """One set's classification scores: ``confusion`` (K, K) int64, rows true, columns
    predicted; ``per_class`` (K,) recall, NaN for an absent class."""

    confusion: np.ndarray
    per_class: np.ndarray

    @property
    def n(self) -> int:
        return int(self.confusion.sum())

    @property
    def accuracy(self) -> float:
        n = self.n
        return float(np.trace(self.confusion)) / n if n else float("nan")

    @classmethod
    def of(cls, true: np.ndarray, predicted: np.ndarray, n_classes: int) -> ClassScores:
        confusion = confusion_matrix(true, predicted, n_classes)
        return cls(_frozen(confusion), _frozen(per_class_accuracy(confusion)))


PLOT_LIMIT = 2_000
"""Regression scores carry at most this many (target, prediction) pairs for the plot: every
snapshot carries them, and a dot cloud of 2,000 already shows the fit."""


@dataclass(frozen=True, eq=False)
class RegressionScores:
    """One set's regression scores over all N samples, with (M,) targets and predictions for
    a predicted-against-true plot: all of them, or M = PLOT_LIMIT evenly spaced ones."""

    r2: float
    rmse: float
    true: np.ndarray
    predicted: np.ndarray

    n: int
    """Samples in the set (the scores' count, not the plot's)."""

    @classmethod
    def of(cls, true: np.ndarray, predicted: np.ndarray,
           plot_limit: int = PLOT_LIMIT) -> RegressionScores:
        t = np.asarray(true, dtype=np.float64).ravel()
        p = np.asarray(predicted, dtype=np.float64).ravel()
        keep = np.arange(t.size)
        if t.size > plot_limit:
            keep = np.linspace(0, t.size - 1, plot_limit).round().astype(np.int64)
        return cls(r_squared(t, p), rmse(t, p), _frozen(t[keep]), _frozen(p[keep]), t.size)


SetScores = ClassScores | RegressionScores


@dataclass(frozen=True, eq=False)
class Scores:
    """The network's scores at ``epoch`` on the training and test sets (``test`` is None
    when there is no test set)."""

    epoch: int
    task: str
    train: SetScores
    test: SetScores | None


def _set_scores(trainer: Trainer, inputs: np.ndarray, labels: np.ndarray) -> SetScores:
    """Scores for one set: ``inputs`` (n₀, N) network inputs, ``labels`` (N,)."""
    with np.errstate(all="ignore"):
        output = forward_pass(trainer.params, inputs.T)[-1][1]  # (N, K)
    if trainer.is_classification:
        threshold = get_activation(trainer.spec.layers[-1].activation).threshold
        predicted = predicted_classes(output, threshold)
        return ClassScores.of(labels, predicted, trainer.dataset.n_classes)
    return RegressionScores.of(labels, output[:, 0])


def scores(trainer: Trainer) -> Scores:
    """The current weights' scores on the trainer's split (cost: one forward pass over the
    training and test sets, about 1 ms for digits' 1,797 × 64 through 64-32-10)."""
    split = trainer.split
    train = _set_scores(trainer, split.x_train, split.labels_train)
    test = (_set_scores(trainer, split.x_test, split.labels_test)
            if split.test_idx.size else None)
    return Scores(trainer.epoch, trainer.dataset.task, train, test)
