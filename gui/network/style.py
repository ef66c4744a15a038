"""The diagram's own colours and pens (the signed palettes live in gui.colors)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPen

from session.present.layout import Box

BACKGROUND = QColor(255, 255, 255)
TEXT = QColor(60, 64, 67)
FAINT_TEXT = QColor(120, 124, 128)
OUTLINE = QColor(175, 178, 182)
HIGHLIGHT = QColor(25, 25, 25)
ACTIVE_BAND = QColor(255, 226, 120, 95)
"""Phase stepping: the soft yellow band behind the column the current phase works on."""
ACTIVE_CAPTION_BG = "#fff1c1"
VEIL = QColor(255, 255, 255, 190)
"""Phase stepping: the white veil over the units of columns not computed yet."""
FADED_ALPHA = 60
"""Phase stepping: opacity of the edges into columns not computed yet."""
MUTED_EDGE = QColor(214, 216, 218)
"""Phase stepping: edges of layers whose ∂L/∂w is not computed yet."""
DEAD_EDGE = QColor(150, 152, 156)
"""Dead links (TensorFlow Playground rules, L1): dashed mid grey, unlike a near-white zero."""
TEXT_BOX = QColor(255, 255, 255, 225)


def pen(color: QColor, width: float) -> QPen:
    """A cosmetic, flat-capped pen: ``width`` screen pixels whatever the view's scale."""
    p = QPen(color, width)
    p.setCosmetic(True)
    p.setCapStyle(Qt.PenCapStyle.FlatCap)
    return p


def dashed_pen(color: QColor, width: float) -> QPen:
    """A cosmetic dashed pen (dead links)."""
    p = pen(color, width)
    p.setStyle(Qt.PenStyle.CustomDashLine)
    p.setDashPattern([3.0, 3.0])
    return p


def rect(box: Box) -> QRectF:
    """A layout box as a Qt rectangle."""
    return QRectF(*box)
