"""Shared set-up for the pyqtgraph plots."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView


class IntegerAxis(pg.AxisItem):
    """An axis of whole numbers (epochs): no tick between two integers, so no 0.5 or 1.5."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:
        levels = [(spacing, offset) for spacing, offset in super().tickSpacing(minVal, maxVal, size)
                  if spacing >= 1]
        return levels or [(1, 0)]


def cache_axes(plot: pg.PlotItem) -> None:
    """Keep each axis as a cached pixmap, redrawn only when its range changes.

    Offscreen, replaying an axis's text-laden QPicture costs about 5 ms, and pyqtgraph
    repaints the whole view whenever a curve or image changes, so uncached axes made up most
    of a frame (measured: 30 of 56 ms per window frame on tf_default).
    """
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def paint_opaque(*views: QGraphicsView | None) -> None:
    """Tell Qt that each graphics view fills all of its area with its background, so that an
    update of its picture (30 times a second while training) does not first repaint every
    widget beneath it: the splitter, the window contents and the container behind the network
    diagram each drew its 613×699 area once a frame before."""
    for view in views:
        if view is not None:
            view.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
            view.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
