"""What the loss plot draws, without Qt: the idle point and the loss axis's span."""

from __future__ import annotations

import math

import numpy as np

from engine.history import Metrics
from session.present.loss_curve import (
    LOSS_CEILING,
    loss_range,
    peak_decimated,
    plotted_curves,
    shown_history,
)


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


def test_short_curves_are_drawn_point_by_point():
    x, y = np.arange(10.0), np.linspace(1, 0, 10)
    dx, dy = peak_decimated(x, y, buckets=5)
    assert dx is x and dy is y


def test_decimation_keeps_every_peak_of_each_pixel_in_order():
    rng = np.random.default_rng(3)
    n, buckets = 10_007, 300
    x = np.arange(n, dtype=float)
    y = np.exp(-x / 2000) + 0.05 * rng.standard_normal(n)
    y[4321] = 5.0  # a one-epoch spike
    dx, dy = peak_decimated(x, y, buckets)
    assert len(dx) <= 2 * buckets + 2
    assert np.all(np.diff(dx) >= 0)  # still left to right
    assert dy.max() == 5.0 and dy.min() == y.min()
    assert (dx[0], dy[0], dx[-1], dy[-1]) == (0, y[0], x[-1], y[-1])  # first and latest
    # every point drawn is a point of the curve, and each run of points keeps its extremes
    np.testing.assert_array_equal(dy, y[dx.astype(int)])
    size = -(-n // buckets)
    for start in range(0, n, size):
        part = y[start:start + size]
        drawn = dy[(dx >= start) & (dx < start + size)]
        assert drawn.max() == part.max() and drawn.min() == part.min()


def test_a_gap_wider_than_a_pixel_stays_a_gap():
    y = np.linspace(1.0, 0.0, 3000)
    y[1000:2000] = math.nan
    dx, dy = peak_decimated(np.arange(3000.0), y, buckets=100)
    inside = (dx >= 1030) & (dx < 1970)
    assert inside.any() and np.isnan(dy[inside]).all()
    assert np.isfinite(dy[dx < 990]).all() and np.isfinite(dy[dx > 2010]).all()


def test_plotted_curves_scale_scores_and_leave_out_empty_ones():
    h = history([0, 1, 2], [0.5, math.inf, 0.0], test=None)
    h["train_accuracy"] = np.array([0.5, 0.75, 1.0])
    curves = plotted_curves(h, classification=True, buckets=300)
    x, y = curves["train_loss"]
    assert x.tolist() == [0, 1, 2]
    assert y[0] == 0.5 and math.isnan(y[1]) and y[2] == 1e-12  # a diverged value is a gap
    assert curves["train_score"][1].tolist() == [50.0, 75.0, 100.0]
    assert curves["test_loss"] is None and curves["test_score"] is None
