"""What the loss plot draws, without Qt: the idle point and the loss axis's span."""

from __future__ import annotations

import math

import numpy as np

from engine.history import Metrics
from session.present.loss_curve import LOSS_CEILING, loss_range, shown_history


def history(epochs, train, test=None) -> dict[str, np.ndarray]:
    n = len(epochs)
    nan = np.full(n, math.nan)
    return {"epoch": np.array(epochs, dtype=np.int64), "train_loss": np.array(train, float),
            "test_loss": nan if test is None else np.array(test, float),
            "train_accuracy": nan, "test_accuracy": nan}


def test_idle_metrics_replace_the_entry_of_their_epoch():
    h = history([0], [0.496])
    shown = shown_history(h, Metrics(0, 0.5063, 0.51, 0.4, 0.3))
    assert shown["epoch"].tolist() == [0] and shown["train_loss"].tolist() == [0.5063]
    assert shown["test_accuracy"].tolist() == [0.3]
    assert h["train_loss"].tolist() == [0.496]  # the snapshot's own arrays stay as they are


def test_idle_metrics_after_a_decimated_history_are_appended():
    h = history([0, 2, 4], [0.5, 0.4, 0.3])
    shown = shown_history(h, Metrics(5, 0.25, math.nan, math.nan, math.nan))
    assert shown["epoch"].tolist() == [0, 2, 4, 5] and shown["train_loss"][-1] == 0.25
    assert shown_history(h, None)["epoch"].tolist() == [0, 2, 4]  # running: the record


def test_loss_range_spans_the_finite_losses_only():
    low, high = loss_range([np.array([0.2, math.nan, 0.1, math.inf])], log=False)
    assert low < 0.1 < 0.2 < high < 0.3
    low, high = loss_range([np.array([1e-3, 10.0])], log=True)
    assert low < -3 < 1 < high < 1.5
    low, high = loss_range([np.array([0.5])], log=False)  # one point: a non-zero width
    assert low < 0.5 < high
    assert loss_range([np.array([math.nan])], log=False) is None
    assert loss_range([], log=True) is None


def test_loss_range_stays_finite_at_the_edge_of_float64():
    low, high = loss_range([np.array([0.1, 1.7e308])], log=False)
    assert low < 0.1 and high == LOSS_CEILING
    low, high = loss_range([np.array([0.0, 1e-300])], log=True)
    assert low < -12 < high  # zero is floored before log10
