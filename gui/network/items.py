"""The diagram's small graphics items: unit outlines and texts, filled bands, the phase
overlay and the hover halo. Each caches what it draws in a setter; ``paint`` only draws it
(pyqtgraph's customGraphicsItem pattern)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen

from gui.colors import GRADIENT_NEGATIVE, signed_color
from gui.network.style import FAINT_TEXT, HIGHLIGHT, OUTLINE, TEXT, TEXT_BOX, pen
from session.present.levels import BIAS_LEVELS


class DecorItem(pg.GraphicsObject):
    """Unit outlines, bias squares and numbers, feature labels and column captions."""

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRectF()
        self._outline = QPainterPath()
        self._bias_rects: list[QRectF] = []
        self._bias_outline = QPainterPath()
        self._bias_brushes: list[QBrush] = []
        self._bias_levels: list[int] = []
        self._bias_text: list[tuple[QRectF, str]] = []
        self._bias_minus: list[QLineF] = []  # a minus bar on each negative bias's square
        self._labels: list[tuple[QRectF, str]] = []
        self._names: list[tuple[QRectF, str]] = []
        self._captions: list[tuple[QRectF, str]] = []
        self._brush_cache = {
            q: QBrush(signed_color(q / BIAS_LEVELS, 1.0))
            for q in range(-BIAS_LEVELS, BIAS_LEVELS + 1)
        }
        self.label_font = QFont()
        self.label_font.setPixelSize(13)
        self.small_font = QFont()
        self.small_font.setPixelSize(10)
        self.bold_small_font = QFont(self.small_font)
        self.bold_small_font.setBold(True)
        self._active_caption = -1
        self.zoom = 1.0
        """The window zoom: the texts' pixel sizes and the thumbnails' cap follow it."""

    def set_zoom(self, factor: float) -> None:
        """Texts ``factor`` × their normal 13 and 10 px (redrawn at the next geometry)."""
        self.zoom = factor
        self.label_font.setPixelSize(max(1, round(13 * factor)))
        self.small_font.setPixelSize(max(1, round(10 * factor)))
        self.bold_small_font.setPixelSize(max(1, round(10 * factor)))

    def set_geometry(
        self,
        rect: QRectF,
        unit_rects: list[QRectF],
        bias_rects: list[QRectF],
        labels: list[tuple[QRectF, str]],
        captions: list[tuple[QRectF, str]],
        names: list[tuple[QRectF, str]] | None = None,
    ) -> None:
        """``labels`` go right-aligned left of the inputs, ``names`` left-aligned right of
        the output units."""
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self._outline = QPainterPath()
        for r in unit_rects:
            self._outline.addRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
        self._bias_rects = bias_rects
        self._bias_outline = QPainterPath()
        for r in bias_rects:
            self._bias_outline.addRect(r)
        self._bias_brushes = []
        self._bias_levels = []
        self._bias_text = []
        self._labels = labels
        self._names = names or []
        self._captions = captions
        self.update()

    def set_biases(self, levels: np.ndarray, texts: list[tuple[QRectF, str]]) -> None:
        """Each bias square's colour step, (B,), and the numbers under the units. Only the
        squares and numbers that changed are repainted: this item spans the whole diagram,
        and repainting it all 30 times a second redrew every edge with it."""
        q = levels.tolist()
        old_q, old_texts = self._bias_levels, self._bias_text
        if q == old_q and texts == old_texts:
            return
        self._bias_levels = q
        self._bias_brushes = [self._brush_cache[v] for v in q]
        self._bias_minus = [
            QLineF(r.left() + 2, r.center().y(), r.right() - 2, r.center().y())
            for r, v in zip(self._bias_rects, q, strict=False) if v < 0
        ]
        self._bias_text = texts
        if len(q) != len(old_q) or len(texts) != len(old_texts):
            self.update()
            return
        for r, a, b in zip(self._bias_rects, q, old_q, strict=False):
            if a != b:
                self.update(r.adjusted(-2, -2, 2, 2))
        for (r, a), (old_r, b) in zip(texts, old_texts, strict=True):
            if a != b or r != old_r:
                self.update(r.united(old_r).adjusted(-1, -1, 1, 1))

    def negative_bias_marks(self) -> list[QLineF]:
        """The minus bars drawn on negative biases' squares (for tests)."""
        return list(self._bias_minus)

    def set_active_caption(self, column: int) -> None:
        """Draw this column's caption bold and dark (−1: none)."""
        if column != self._active_caption:
            self._active_caption = column
            self.update()

    def output_names(self) -> list[tuple[QRectF, str]]:
        """The output units' names and where they are drawn (for tests)."""
        return list(self._names)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(pen(OUTLINE, 1.0))
        p.drawPath(self._outline)
        if self._bias_brushes:
            for r, brush in zip(self._bias_rects, self._bias_brushes, strict=False):
                p.fillRect(r, brush)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(pen(TEXT, 1.0))
            p.drawPath(self._bias_outline)
            if self._bias_minus:  # sign beyond colour (issue 15)
                p.setPen(pen(QColor(40, 40, 40), 1.5))
                p.drawLines(self._bias_minus)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.setPen(TEXT)
        p.setFont(self.label_font)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, text in self._labels:
            p.drawText(r, right, text)
        for r, text in self._names:
            p.drawText(r, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        p.setFont(self.small_font)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        for r, text in self._bias_text:
            p.drawText(r, left, text)
        centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        p.setPen(FAINT_TEXT)
        for c, (r, text) in enumerate(self._captions):
            if c == self._active_caption:
                p.setPen(TEXT)
                p.setFont(self.bold_small_font)
                p.drawText(r.adjusted(-20, 0, 20, 0), centre, text)
                p.setPen(FAINT_TEXT)
                p.setFont(self.small_font)
            else:
                p.drawText(r, centre, text)


class FillItem(pg.GraphicsObject):
    """A few filled rectangles: the active column's band (under the edges) or the veil over
    columns a phase has not reached yet (over everything but the hover halo)."""

    def __init__(self, color: QColor) -> None:
        super().__init__()
        self._brush = QBrush(color)
        self._rects: list[QRectF] = []
        self._rect = QRectF()

    def set_rects(self, rects: list[QRectF]) -> None:
        if rects == self._rects:
            return
        self.prepareGeometryChange()
        self._rects = rects
        self._rect = QRectF()
        for r in rects:
            self._rect = self._rect.united(r)
        self.update()

    def rects(self) -> list[QRectF]:
        return list(self._rects)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        for r in self._rects:
            p.fillRect(r, self._brush)


class TraceItem(pg.GraphicsObject):
    """Phase stepping: each unit's value as a coloured frame and (small networks) a number on
    a white chip under it, the loss above the output column once it is known, and a tag
    ("∂L/∂W²", "ΔW¹") over each layer of edges that shows gradients instead of weights."""

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRectF()
        self._frames: list[tuple[QRectF, QPen]] = []
        self._texts: list[tuple[QRectF, str]] = []
        self._headline: tuple[QRectF, str] | None = None
        self._tags: list[tuple[QRectF, str]] = []
        self.font = QFont()
        self.font.setPixelSize(11)
        self.headline_font = QFont()
        self.headline_font.setPixelSize(13)
        self.headline_font.setBold(True)
        self.tag_font = QFont()
        self.tag_font.setPixelSize(11)
        self.tag_font.setBold(True)
        self._tag_pen = pen(QColor(*GRADIENT_NEGATIVE), 1.0)

    def set_zoom(self, factor: float) -> None:
        """Texts ``factor`` × their normal 11 and 13 px."""
        for font, px in ((self.font, 11), (self.headline_font, 13), (self.tag_font, 11)):
            font.setPixelSize(max(1, round(px * factor)))

    def set_content(self, rect: QRectF, frames: list[tuple[QRectF, QPen]],
                    texts: list[tuple[QRectF, str]],
                    headline: tuple[QRectF, str] | None,
                    tags: list[tuple[QRectF, str]] | None = None) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self._frames, self._texts, self._headline = frames, texts, headline
        self._tags = tags or []
        self.update()

    def clear(self) -> None:
        if self._frames or self._texts or self._headline is not None or self._tags:
            self.set_content(QRectF(), [], [], None)

    def tags(self) -> list[str]:
        return [text for _, text in self._tags]

    def headline(self) -> str:
        return "" if self._headline is None else self._headline[1]

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setBrush(Qt.BrushStyle.NoBrush)
        dark = pen(TEXT, 1.0)
        for r, frame_pen in self._frames:
            inset = frame_pen.widthF() / 2
            p.setPen(frame_pen)
            p.drawRect(r.adjusted(inset, inset, -inset, -inset))
            p.setPen(dark)
            p.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        p.setFont(self.font)
        for r, text in self._texts:
            p.fillRect(r, TEXT_BOX)
            p.setPen(HIGHLIGHT)
            p.drawText(r.adjusted(2, 0, 0, 0), left, text)
        if self._headline is not None:
            r, text = self._headline
            p.fillRect(r, TEXT_BOX)
            p.setPen(HIGHLIGHT)
            p.setFont(self.headline_font)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        p.setFont(self.tag_font)
        for r, text in self._tags:
            p.fillRect(r, TEXT_BOX)
            p.setPen(self._tag_pen)
            p.drawRect(r)
            p.setPen(HIGHLIGHT)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)


class OverlayItem(pg.GraphicsObject):
    """The hover highlight: a dark halo around one edge or one unit (kept separate so hovering
    never re-strokes thousands of edges)."""

    def __init__(self) -> None:
        super().__init__()
        self._line: QLineF | None = None
        self._line_pen = pen(HIGHLIGHT, 1.0)
        self._color_pen = pen(HIGHLIGHT, 1.0)
        self._unit: QRectF | None = None
        self._mark: QRectF | None = None
        self._rect = QRectF()

    def show_edge(self, line: QLineF, color: QColor, width: float,
                  mark: QRectF | None = None) -> None:
        """Halo one edge; ``mark``: also outline this rectangle (a bundled weight's input cell)."""
        self.prepareGeometryChange()
        self._line, self._unit, self._mark = line, None, mark
        self._line_pen = pen(HIGHLIGHT, width + 4)
        self._line_pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._color_pen = pen(color, width)
        pad = width + 4
        self._rect = QRectF(line.p1(), line.p2()).normalized().adjusted(-pad, -pad, pad, pad)
        if mark is not None:
            self._rect = self._rect.united(mark.adjusted(-4, -4, 4, 4))
        self.update()

    def show_unit(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._line, self._unit, self._mark = None, QRectF(rect), None
        self._rect = rect.adjusted(-5, -5, 5, 5)
        self.update()

    def clear(self) -> None:
        self.prepareGeometryChange()
        self._line = self._unit = self._mark = None
        self._rect = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if self._line is not None:
            p.setPen(self._line_pen)
            p.drawLine(self._line)
            p.setPen(self._color_pen)
            p.drawLine(self._line)
            if self._mark is not None:
                p.setPen(pen(HIGHLIGHT, 2.0))
                p.drawRect(self._mark.adjusted(-1, -1, 1, 1))
        elif self._unit is not None:
            p.setPen(pen(HIGHLIGHT, 2.5))
            p.drawRect(self._unit.adjusted(-2, -2, 2, 2))
