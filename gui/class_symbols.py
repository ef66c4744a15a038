"""Class markers that differ in shape, not only in colour (issue 15): each class has a
pyqtgraph symbol for the scatter plots, the same outline as a path for thumbnails drawn with
QPainter, and a text glyph for legends. Regression targets stay circles."""

from __future__ import annotations

import numpy as np
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtGui import QPainterPath, QTransform

CLASS_SYMBOLS = ("o", "s", "t", "d", "star", "t1", "p", "h", "+", "x")
"""Circle, square, triangle, diamond, star, down-triangle, pentagon, hexagon, plus, cross:
one per class up to ten (the digits); beyond ten they repeat, as the colours do."""
CLASS_GLYPHS = ("●", "■", "▲", "◆", "★", "▼", "⬟", "⬢", "✚", "✖")
"""The same shapes as text, for legends written in rich text."""
REGRESSION_SYMBOL = "o"


def class_symbol(k: int) -> str:
    """The pyqtgraph symbol name of class ``k``."""
    return CLASS_SYMBOLS[k % len(CLASS_SYMBOLS)]


def class_glyph(k: int) -> str:
    """The text glyph of class ``k``'s marker."""
    return CLASS_GLYPHS[k % len(CLASS_GLYPHS)]


def point_symbols(labels: np.ndarray, classification: bool) -> list[str] | str:
    """Per-point symbols for a scatter: each class's shape, or one circle for regression."""
    if not classification:
        return REGRESSION_SYMBOL
    return [class_symbol(int(k)) for k in np.asarray(labels).ravel().tolist()]


def class_path(k: int, cx: float, cy: float, size: float) -> QPainterPath:
    """Class ``k``'s marker outline, ``size`` px across, centred on (cx, cy), for QPainter."""
    t = QTransform()
    t.translate(cx, cy)
    t.scale(size, size)
    return t.map(Symbols[class_symbol(k)])
