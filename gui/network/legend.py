"""The legend under the diagram: the w, b colour bar, the gradient palette's bar while edges
show ∂L/∂w or Δw, a line saying what the colours mean, and (phase stepping) the phase's caption
above them and each layer's ∂L/∂w or Δw scale below."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from engine.trace_display import EdgeQuantity, TraceDisplay
from gui.accessibility import LiveLabel
from gui.colors import (
    EDGE_ZERO,
    GRADIENT_NEGATIVE,
    GRADIENT_POSITIVE,
    NEGATIVE,
    POSITIVE,
    edge_palette,
)
from gui.network.edges import signed_pen
from gui.network.style import OUTLINE, active_caption_bg
from gui.network.tooltips import (
    NORMAL_COLORBAR_TIP,
    NORMAL_LEGEND,
    PHASE_COLORBAR_TIP,
    gradient_bar_tip,
    phase_legend,
)
from gui.theme import current
from session.present.layer_scales import SEPARATOR, LayerScaleText, layer_scale_text
from session.present.levels import RGB

TEXT_ROOM = 320
"""Pixels the legend text needs beside the colour bars; less, and it goes under them."""


class ColorBar(QWidget):
    """A diverging palette from −scale to +scale, with its end values and an optional title
    (the weights' orange–blue, or the purple–green of gradients while phase stepping). Under
    the bar, an edge sample: dashed in the negative colour, solid in the positive one, as the
    diagram draws them."""

    def __init__(self, parent: QWidget | None = None,
                 colors: tuple[RGB, ...] = (NEGATIVE, EDGE_ZERO, POSITIVE)) -> None:
        super().__init__(parent)
        self._scale = 1.0
        self._colors = colors
        self._title = ""
        self._title_width = 0.0
        self._end_text: str | None = None
        self.setFixedSize(140, 24)

    def set_colors(self, colors: tuple[RGB, ...]) -> None:
        """The palette's colours, negative end first (they change with the theme)."""
        if colors != self._colors:
            self._colors = colors
            self.update()

    def set_scale(self, scale: float) -> None:
        """The largest |value| the bar's ends stand for; repainted only when the ends' text
        changes (the scale moves a little every frame while a run plays)."""
        before = self.end_labels()
        self._scale = scale
        if self.end_labels() != before:
            self.update()

    def set_title(self, title: str) -> None:
        """A name drawn left of the bar ("" for none, the normal view's look)."""
        if title != self._title:
            self._title = title
            bold = QFont(self.font())
            bold.setBold(True)
            extra = QFontMetricsF(bold).horizontalAdvance(title) + 6 if title else 0
            self._title_width = extra
            self.setFixedSize(140 + math.ceil(extra), 24)
            self.update()

    def title(self) -> str:
        return self._title

    def set_end_text(self, text: str | None) -> None:
        """Words at the ends instead of the scale ("max": ± each layer's own largest value,
        which the legend lists); None shows the scale."""
        if text != self._end_text:
            self._end_text = text
            self.update()

    def end_labels(self) -> tuple[str, str]:
        end = f"{self._scale:.2g}" if self._end_text is None else self._end_text
        return f"−{end}", f"+{end}"

    def sample_pens(self) -> tuple[QPen, QPen]:
        """The pens of the negative and positive edge samples under the bar."""
        return (signed_pen(QColor(*self._colors[0]), 2.0, True),
                signed_pen(QColor(*self._colors[-1]), 2.0, False))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        lo, hi = self.end_labels()
        fm = p.fontMetrics()
        flags = Qt.AlignmentFlag.AlignVCenter
        x0 = 0.0
        if self._title:
            x0 = self._title_width
            font = p.font()
            font.setBold(True)
            p.setFont(font)
            p.setPen(self.palette().windowText().color())
            p.drawText(QRectF(0, 0, x0, self.height()), flags | Qt.AlignmentFlag.AlignLeft,
                       self._title)
            font.setBold(False)
            p.setFont(font)
        wl = fm.horizontalAdvance(lo) + 4
        wh = fm.horizontalAdvance(hi) + 4
        bar = QRectF(x0 + wl, 3, self.width() - x0 - wl - wh, self.height() - 13)
        grad = QLinearGradient(bar.topLeft(), bar.topRight())
        for t, c in zip((0.0, 0.5, 1.0), self._colors, strict=True):
            grad.setColorAt(t, QColor(*c))
        p.fillRect(bar, grad)
        p.setPen(OUTLINE)
        p.drawRect(bar)
        y = bar.bottom() + 5
        neg, pos = self.sample_pens()
        p.setPen(neg)
        p.drawLine(QPointF(bar.left(), y), QPointF(bar.center().x() - 3, y))
        p.setPen(pos)
        p.drawLine(QPointF(bar.center().x() + 3, y), QPointF(bar.right(), y))
        p.setPen(self.palette().windowText().color())
        p.drawText(QRectF(x0, 0, wl, self.height()), flags | Qt.AlignmentFlag.AlignLeft, lo)
        p.drawText(
            QRectF(self.width() - wh, 0, wh, self.height()), flags | Qt.AlignmentFlag.AlignRight, hi
        )
        p.end()


class FittedLabel(QLabel):
    """A word-wrapped label ``lines`` lines high showing the first of its text variants that
    fits its width; when none does, the last with entries (``SEPARATOR``-joined) left out
    before its final one, marked "…"."""

    def __init__(self, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._lines = lines
        self._variants: tuple[str, ...] = ()

    def set_variants(self, variants: tuple[str, ...]) -> None:
        self._variants = variants
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fits(self, text: str, fm: QFontMetricsF, width: float) -> bool:
        r = fm.boundingRect(QRectF(0, 0, width, 1e6), Qt.TextFlag.TextWordWrap, text)
        return r.width() <= width and r.height() <= self._lines * fm.lineSpacing() + 0.5

    def _fit(self) -> None:
        fm = QFontMetricsF(self.font())
        width = float(self.contentsRect().width())
        variants = self._variants
        if not variants or width <= 0:
            self.setText(variants[0] if variants else "")
            return
        text = next((v for v in variants if self._fits(v, fm, width)), None)
        if text is None:
            head, tail = variants[-1].split(SEPARATOR), []
            if len(head) > 1:
                tail = [head.pop()]
            text = SEPARATOR.join([*head, "…", *tail])
            while len(head) > 1 and not self._fits(text, fm, width):
                head.pop()
                text = SEPARATOR.join([*head, "…", *tail])
        self.setText(text)


class DiagramLegend(QWidget):
    """The phase caption (hidden in the normal view) above one row: the weights' bar, the
    gradient palette's bar (backward and update phases) and the legend text. Heights stay
    fixed while stepping, so going from phase to phase never moves the diagram."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colorbar = ColorBar(self)
        self._text = QLabel(NORMAL_LEGEND, self)
        self._text.setWordWrap(True)
        small = self._text.font()
        small.setPointSizeF(max(small.pointSizeF() - 1, 7.0))
        self._text.setFont(small)
        self.colorbar.setFont(small)
        self.colorbar.setToolTip(NORMAL_COLORBAR_TIP)

        # phase stepping only: the phase's caption, and the gradient palette's legend
        self._caption = LiveLabel(self)
        self._caption.setObjectName("traceCaption")
        self._caption.setAccessibleName("Phase caption")
        self._caption.setWordWrap(True)
        bold = self._caption.font()
        bold.setBold(True)
        self._caption.setFont(bold)
        self._caption.setFixedHeight(int(2 * QFontMetricsF(bold).lineSpacing() + 6))
        self._caption.hide()
        self.grad_bar = ColorBar(self, (GRADIENT_NEGATIVE, EDGE_ZERO, GRADIENT_POSITIVE))
        self.grad_bar.setObjectName("gradientColorBar")
        self.grad_bar.setFont(small)
        self.grad_bar.set_end_text("max")
        self.grad_bar.hide()
        self.restyle()
        self._two_lines = math.ceil(2 * QFontMetricsF(small).lineSpacing() + 2)
        # each layer's ∂L/∂w or Δw scale; its room is kept through every phase, so the
        # diagram does not move when it fills
        self.scales = FittedLabel(2, self)
        self.scales.setObjectName("gradientScales")
        self.scales.setAccessibleName("Gradient colour scale of each layer")
        self.scales.setFont(small)
        self.scales.setFixedHeight(self._two_lines)
        self.scales.hide()
        self._state: tuple | None = None

        self._row = QGridLayout()
        self._row.setContentsMargins(6, 2, 6, 2)
        self._row.setHorizontalSpacing(8)
        self._row.setVerticalSpacing(0)
        self._row.addWidget(self.colorbar, 0, 0, Qt.AlignmentFlag.AlignLeft)
        self._row.addWidget(self.grad_bar, 0, 1, Qt.AlignmentFlag.AlignLeft)
        self._row.addWidget(self.scales, 2, 0, 1, 3)
        self._row.setColumnStretch(2, 1)
        self._narrow: bool | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._caption)
        layout.addLayout(self._row)
        self._arrange()


    def restyle(self) -> None:
        """Colour the phase caption and the gradient bar after the current theme."""
        pal = edge_palette(current().is_dark)
        self.grad_bar.set_colors((pal.gradient_negative, pal.zero, pal.gradient_positive))
        self._caption.setStyleSheet(
            f"QLabel#traceCaption {{ background: {active_caption_bg()}; "
            f"color: {current().hex('text')}; padding: 2px 6px; }}"
        )

    def _arrange(self) -> None:
        """The legend text beside the colour bars, or under them when the diagram is too
        narrow for both on one line (a projector's width)."""
        # while stepping, count the gradient bar even before it shows, so the layout (and the
        # diagram above it) does not move from phase to phase
        bars = self.colorbar.width() + (self.grad_bar.width() + 8
                                        if not self._caption.isHidden() else 0)
        narrow = self.width() < bars + TEXT_ROOM
        if narrow == self._narrow:
            return
        self._narrow = narrow
        self._row.removeWidget(self._text)
        if narrow:
            self._row.addWidget(self._text, 1, 0, 1, 3)
        else:
            self._row.addWidget(self._text, 0, 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange()

    def show_phase(self, tr: TraceDisplay | None,
                   grad_peaks: tuple[float | None, ...] | None = None,
                   unit_scale: float | None = None, dimmed: bool = False) -> None:
        """The normal view's legend (``tr`` None), or the phase's caption and legend;
        ``grad_peaks`` is each weight layer's ∂L/∂w or Δw colour scale (None entries: not
        computed yet), ``unit_scale`` the δ scale, ``dimmed`` whether some columns are
        veiled."""
        scales = (None if tr is None or grad_peaks is None
                  else layer_scale_text(tr.edge_kind, grad_peaks))
        state = (None if tr is None else (tr.caption, tr.unit_kind, tr.edge_kind,
                                          unit_scale, dimmed, scales))
        if state == self._state:
            return
        self._state = state
        if tr is None:
            self._show_normal()
            return
        self._caption.setText(tr.caption)
        self._caption.show()
        self._show_scales(scales)
        legend = phase_legend(tr, unit_scale, dimmed)
        self._text.setText(legend.text)
        self._text.setToolTip(legend.tooltip)
        self._text.setFixedHeight(self._two_lines * 3 // 2 + 2)
        self.colorbar.set_title("w, b")
        self.colorbar.setToolTip(PHASE_COLORBAR_TIP)
        gradient = tr.edge_kind is not EdgeQuantity.WEIGHT
        self.grad_bar.setVisible(gradient)
        if gradient:
            self.grad_bar.set_title(tr.edge_kind)
            self.grad_bar.setToolTip(gradient_bar_tip(tr.edge_kind))
        self._arrange()

    def _show_scales(self, scales: LayerScaleText | None) -> None:
        """Each layer's scale under the bars (empty, but keeping its room, without one)."""
        self.scales.show()
        self.scales.set_variants(() if scales is None else scales.variants)
        self.scales.setToolTip("" if scales is None else scales.tooltip)

    def _show_normal(self) -> None:
        self._caption.hide()
        self.grad_bar.hide()
        self.scales.hide()
        self.colorbar.set_title("")
        self.colorbar.setToolTip(NORMAL_COLORBAR_TIP)
        self._text.setText(NORMAL_LEGEND)
        self._text.setToolTip("")
        self._text.setMinimumHeight(0)
        self._text.setMaximumHeight(16777215)
        self._arrange()
