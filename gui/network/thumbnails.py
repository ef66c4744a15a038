"""Every unit's thumbnail: its activation over the input plane (or along x₁ for 1-D data).

A column's thumbnails are one mosaic ``ImageItem`` (DESIGN-NOTES "Images"); the levels come
from ``session.present.levels.thumbnail_fractions`` and the colours from one LUT ``take``.
1-D data also gets the function itself as a dark curve across each strip.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from engine.maps import CurveMaps
from gui.colors import signed_lut
from session.present.layout import DiagramLayout
from session.present.levels import thumbnail_fractions
from session.snapshot import Snapshot


class Thumbnails:
    """The mosaics and curves of one view box; ``rebuild`` on new geometry, ``draw`` per
    snapshot whose maps changed."""

    def __init__(self, vb: pg.ViewBox) -> None:
        self._vb = vb
        self._mosaics: list[pg.ImageItem] = []
        self._buffers: list[np.ndarray] = []
        self._lut32 = np.ascontiguousarray(signed_lut(256), dtype=np.uint8).view(np.uint32).ravel()
        self._curves = pg.PlotCurveItem(pen=pg.mkPen(QColor(35, 35, 35), width=1.2),
                                        antialias=True, connect="finite")
        self._curves.setZValue(2)
        vb.addItem(self._curves, ignoreBounds=True)

    def clear(self) -> None:
        for item in self._mosaics:
            self._vb.removeItem(item)
        self._mosaics, self._buffers = [], []
        self._curves.setData([], [])

    def rebuild(self, lay: DiagramLayout, sizes: tuple[int, ...], res: int) -> None:
        """One mosaic per column with empty (transparent) buffers of ``res`` pixels a row."""
        while len(self._mosaics) < len(sizes):
            item = pg.ImageItem(axisOrder="row-major")
            item.setZValue(1)
            # a pixmap cache: the thumbnails change 10×/s, the edges under them 30×/s
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self._vb.addItem(item, ignoreBounds=True)
            self._mosaics.append(item)
        while len(self._mosaics) > len(sizes):
            self._vb.removeItem(self._mosaics.pop())
        self._buffers = []
        for c, n in enumerate(sizes):
            block = c == 0 and lay.block is not None  # a block of inputs: drawn by BlockImage
            self._mosaics[c].setVisible(not block)
            if block:
                self._buffers.append(np.zeros((0, 1, res), dtype=np.uint32))
                continue
            rows = n * (lay.cell_rows + lay.gap_rows) - lay.gap_rows
            buf = np.zeros((n, lay.cell_rows + lay.gap_rows, res), dtype=np.uint32)
            self._buffers.append(buf)
            height = lay.thumb * rows / lay.cell_rows
            # setRect scales by the current image's size, so give it the right shape first
            self._mosaics[c].setImage(buf.view(np.uint8).reshape(-1, res, 4)[:rows],
                                      autoLevels=False)
            self._mosaics[c].setRect(
                QRectF(lay.col_x[c] - lay.thumb / 2, lay.col_top[c], lay.thumb, height)
            )

    def draw(self, snap: Snapshot, lay: DiagramLayout) -> None:
        """Colour every thumbnail through the palette into each column's mosaic buffer.

        Buffers are uint32 words (one RGBA pixel each) so the LUT lookup is a single ``take``;
        gap rows stay 0, i.e. transparent.
        """
        curve = isinstance(snap.maps, CurveMaps)
        xs_all, ys_all = [], []
        for c, values in enumerate(snap.maps.units):
            if c == 0 and lay.block is not None:
                continue
            t = thumbnail_fractions(values, None if c == 0 else snap.activations[c - 1])
            colors = self._lut32.take((t * 255.0 + 0.5).astype(np.uint8))
            buf = self._buffers[c]
            if curve:
                buf[:, : lay.cell_rows] = colors[:, None, :]
                xs, ys = _curve_points(t, lay, c)
                xs_all.append(xs)
                ys_all.append(ys)
            else:
                buf[:, : lay.cell_rows] = colors[:, ::-1, :]  # map rows run bottom→top
            rows = len(t) * (lay.cell_rows + lay.gap_rows) - lay.gap_rows
            image = buf.view(np.uint8).reshape(-1, buf.shape[2], 4)[:rows]
            self._mosaics[c].setImage(image, autoLevels=False)
        if curve:
            self._curves.setData(np.concatenate(xs_all), np.concatenate(ys_all), connect="finite")
        elif self._curves.xData is not None and len(self._curves.xData):
            self._curves.setData([], [])


def _curve_points(t: np.ndarray, lay: DiagramLayout, column: int) -> tuple[np.ndarray, np.ndarray]:
    """A column's 1-D maps as fractions (n, res): each unit's function as a polyline across its
    strip, units separated by NaN, flattened (n · (res + 1),) x and y."""
    n, res = t.shape
    top = lay.col_top[column] + np.arange(n) * lay.pitch
    ys = top[:, None] + (1.0 - t) * (lay.thumb - 2) + 1
    xs = np.broadcast_to(
        lay.col_x[column] - lay.thumb / 2 + np.linspace(0, lay.thumb, res), (n, res)
    )
    return (np.column_stack([xs, np.full(n, np.nan)]).ravel(),
            np.column_stack([ys, np.full(n, np.nan)]).ravel())
