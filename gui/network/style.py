"""The diagram's own colours and pens (the signed palettes live in gui.colors)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPen

from gui.theme import Theme, current
from session.present.layout import Box

# Shared QColor objects, recoloured in place by ``apply_theme`` (the diagram's modules import
# them by name, so the objects stay the same and the next render picks up the new theme).
BACKGROUND = QColor()
TEXT = QColor()
FAINT_TEXT = QColor()
OUTLINE = QColor()
HIGHLIGHT = QColor()
ACTIVE_BAND = QColor()
"""Phase stepping: the soft band behind the column the current phase works on."""
VEIL = QColor()
"""Phase stepping: the veil (in the background's colour) over columns not computed yet."""
FADED_ALPHA = 60
"""Phase stepping: opacity of the edges into columns not computed yet."""
MUTED_EDGE = QColor()
"""Phase stepping: edges of layers whose ∂L/∂w is not computed yet."""
DEAD_EDGE = QColor()
"""Dead links (TensorFlow Playground rules, L1): dashed mid grey, unlike a near-white zero."""
TEXT_BOX = QColor()
FOCUS = QColor()
"""The diagram's keyboard focus border."""


def apply_theme(theme: Theme) -> None:
    """Recolour the shared colours to ``theme``."""
    for color, field in ((BACKGROUND, "base"), (TEXT, "text"), (FAINT_TEXT, "faint_text"),
                         (OUTLINE, "outline"), (HIGHLIGHT, "text"), (ACTIVE_BAND, "band"),
                         (VEIL, "veil"), (MUTED_EDGE, "muted_edge"), (DEAD_EDGE, "dead_edge"),
                         (TEXT_BOX, "text_box"), (FOCUS, "focus")):
        color.setRgb(*getattr(theme, field))


def active_caption_bg() -> str:
    """Background of the caption of the active column, as #rrggbb."""
    return current().hex("caption_bg")


apply_theme(current())


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
