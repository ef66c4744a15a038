"""Regression over more than two inputs: each sample's prediction against its target.

A map over two of ten inputs says little about a regression, so the output view draws this
instead: one dot per sample at (target, prediction) and the dashed line prediction = target
that a perfect fit would lie on. The values come from the snapshot's scores (the engine's
forward pass); this only places them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from engine.metrics import RegressionScores, Scores

TRAIN_BRUSH = (8, 119, 189, 170)
TEST_BRUSH = (245, 147, 34, 200)


def fit_range(scores: Scores) -> tuple[float, float]:
    """The span both axes show: the targets', widened to the predictions but never beyond
    one more span each way (an untrained network's predictions may be far off)."""
    sets = [s for s in (scores.train, scores.test) if isinstance(s, RegressionScores)]
    true = np.concatenate([s.true for s in sets]) if sets else np.zeros(0)
    pred = np.concatenate([s.predicted for s in sets]) if sets else np.zeros(0)
    if true.size == 0:
        return -1.0, 1.0
    lo, hi = float(true.min()), float(true.max())
    span = hi - lo or 1.0
    finite = pred[np.isfinite(pred)]
    if finite.size:
        lo = max(min(lo, float(finite.min())), lo - span)
        hi = min(max(hi, float(finite.max())), hi + span)
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


class FitLayer:
    """The items of the predicted-against-true plot, inside the output view's plot."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.line = pg.PlotDataItem(pen=pg.mkPen((110, 110, 110), width=1.5,
                                                 style=Qt.PenStyle.DashLine))
        self.train = pg.ScatterPlotItem(size=7, pxMode=True, brush=pg.mkBrush(*TRAIN_BRUSH),
                                        pen=pg.mkPen("w", width=1.0))
        self.test = pg.ScatterPlotItem(size=7, pxMode=True, brush=pg.mkBrush(*TEST_BRUSH),
                                       pen=pg.mkPen((20, 20, 20), width=1.2))
        for item in (self.line, self.train, self.test):
            item.setZValue(5)
            plot.addItem(item)
        self._plot = plot
        self._range: tuple[float, float] | None = None
        self.set_visible(False)

    def set_visible(self, on: bool) -> None:
        for item in (self.line, self.train, self.test):
            item.setVisible(on)
        if not on:
            self._range = None

    def draw(self, scores: Scores | None, show_test: bool) -> None:
        if scores is None or not isinstance(scores.train, RegressionScores):
            for item in (self.train, self.test):
                item.setData([], [])
            return
        self.train.setData(scores.train.true, scores.train.predicted)
        test = scores.test if show_test else None
        if isinstance(test, RegressionScores):
            self.test.setData(test.true, test.predicted)
        else:
            self.test.setData([], [])
        lo, hi = fit_range(scores)
        if self._range is None or _moved(self._range, (lo, hi)):
            self._range = (lo, hi)  # rescale only when it moved: axes cost a redraw
            self._plot.setXRange(lo, hi, padding=0)
            self._plot.setYRange(lo, hi, padding=0)
            self.line.setData([lo, hi], [lo, hi])


def _moved(old: tuple[float, float], new: tuple[float, float]) -> bool:
    span = old[1] - old[0] or 1.0
    return abs(old[0] - new[0]) > 0.05 * span or abs(old[1] - new[1]) > 0.05 * span
