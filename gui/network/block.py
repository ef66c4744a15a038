"""The input block of a wide network (``session.present.input_block``): one image of the shown
training sample, a cell per input — the pixels in grey for image data (digits), each column's
value in grey on its own range otherwise. Redrawn only when the sample or the data changes."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from session.present.images import grey_fractions, input_ranges, shown_sample
from session.present.input_block import InputBlock
from session.snapshot import DataView, Snapshot

EMPTY_CELL = 246
"""Grey level of block cells past the last input."""


def grey_rgba(t: np.ndarray) -> np.ndarray:
    """(..., 4) uint8 RGBA of grey fractions (0 white … 1 black); NaN: the empty-cell grey."""
    v = np.where(np.isnan(t), EMPTY_CELL / 255, 1.0 - np.nan_to_num(t))
    g = np.rint(v * 255).astype(np.uint8)
    return np.stack([g, g, g, np.full_like(g, 255)], axis=-1)


class BlockImage:
    """The block's picture in ``vb``; ``place`` on new geometry, ``draw`` per snapshot."""

    def __init__(self, vb: pg.ViewBox) -> None:
        self.item = pg.ImageItem(axisOrder="row-major")
        self.item.setZValue(1)
        self.item.setVisible(False)
        vb.addItem(self.item, ignoreBounds=True)
        self._block: InputBlock | None = None
        self._drawn: tuple[int, int | None] | None = None
        self._ranges: tuple[DataView, np.ndarray, np.ndarray] | None = None
        self.sample: int | None = None
        """The training sample shown (None: none)."""
        self.fractions: np.ndarray | None = None
        """(rows, cols) grey fractions drawn, for tests."""

    def place(self, block: InputBlock | None) -> None:
        self._block, self._drawn = block, None
        self.item.setVisible(block is not None)
        if block is not None:
            self.item.setImage(np.zeros((block.rows, block.cols, 4), dtype=np.uint8),
                               autoLevels=False)
            self.item.setRect(QRectF(block.x, block.y, block.width, block.height))

    def draw(self, snap: Snapshot) -> None:
        block = self._block
        if block is None:
            return
        k = shown_sample(snap)
        key = (id(snap.data), k)
        if key == self._drawn:
            return
        self._drawn, self.sample = key, k
        if self._ranges is None or self._ranges[0] is not snap.data:
            self._ranges = (snap.data, *input_ranges(snap.data))
        _, lo, hi = self._ranges
        x = np.full(block.n, np.nan) if k is None else snap.data.x_train[k]
        self.fractions = block.grid(grey_fractions(x, lo, hi))
        self.item.setImage(grey_rgba(self.fractions), autoLevels=False)
