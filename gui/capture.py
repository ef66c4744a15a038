"""One frame of a recording: the chosen views of the window, grabbed as they are drawn and
laid out on one picture of a fixed size.

One view is drawn alone; two side by side; three as in the window: the first on the left,
the other two stacked on its right. The frame's size is fixed when recording starts; should
the views change size later (the window resized), they are fitted inside it, centred.
Below the size on screen the grab is smoothed down; above it the widgets are drawn again at
that scale, so text and lines stay sharp.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from gui.record_options import VIEW_ORDER, SizeSpec, View
from session.snapshot import Snapshot

GAP = 6
"""Pixels between views laid out together."""
CAPTION_HEIGHT = 30
"""Pixels (at screen size) of the caption line above the views: epoch, loss or phase."""


OWN_CAPTION = ((View.WINDOW,), (View.LOSS,))
"""Views that say the epoch and loss themselves (the window's counter, the plot's readout):
no caption over them."""


def caption(snap: Snapshot | None) -> str:
    """What the frame shows, in words: "Epoch 50 · train loss 0.0268 · test loss 0.0368", or
    during a phase-by-phase step "Epoch 0 · step phase 5 of 8: backward 3"."""
    if snap is None:
        return ""
    text = f"Epoch {snap.epoch:,}"
    trace = snap.trace
    if trace is not None and trace.position > 0:
        phase = trace.phases[trace.position - 1]
        label = str(getattr(phase, "value", phase))
        return f"{text} · step phase {trace.position} of {len(trace.phases)}: {label}"
    m = snap.metrics
    if m is not None:
        text += f" · train loss {m.train_loss:.4g}"
        if m.test_loss is not None and m.test_loss == m.test_loss:  # NaN: no test set
            text += f" · test loss {m.test_loss:.4g}"
    return text


def view_widgets(window: QMainWindow, views: tuple[View, ...]) -> list[QWidget]:
    """The widgets that show ``views`` in the window, in layout order."""
    if View.WINDOW in views:
        return [window]
    attrs = {View.DIAGRAM: "network_view", View.OUTPUT: "output_view", View.LOSS: "loss_plot"}
    return [getattr(window, attrs[v]) for v in VIEW_ORDER if v in views]


def arrange(sizes: list[tuple[int, int]]) -> tuple[list[QPoint], tuple[int, int]]:
    """Where each view goes (top-left corners) and the size of the whole, at screen size."""
    if len(sizes) == 1:
        return [QPoint(0, 0)], sizes[0]
    (w0, h0), rest = sizes[0], sizes[1:]
    if len(rest) == 1:
        return [QPoint(0, 0), QPoint(w0 + GAP, 0)], (w0 + GAP + rest[0][0], max(h0, rest[0][1]))
    points, y = [QPoint(0, 0)], 0
    for _w, h in rest:
        points.append(QPoint(w0 + GAP, y))
        y += h + GAP
    return points, (w0 + GAP + max(w for w, _ in rest), max(h0, y - GAP))


class Capture:
    """Grabs ``views`` of ``window`` as (height, width, 3) uint8 RGB frames of ``size``."""

    def __init__(self, window: QMainWindow, views: tuple[View, ...], size: SizeSpec,
                 with_caption: bool = True) -> None:
        self.window = window
        self.views = views
        self.widgets = view_widgets(window, views)
        self.caption_height = CAPTION_HEIGHT if with_caption and views not in OWN_CAPTION \
            else 0
        self.size = size.output_size(self.natural_size())
        """(width, height) of every frame, in pixels."""

    def _arrange(self) -> tuple[list[QPoint], tuple[int, int]]:
        points, (w, h) = arrange([(w.width(), w.height()) for w in self.widgets])
        return [p + QPoint(0, self.caption_height) for p in points], (w, h + self.caption_height)

    def natural_size(self) -> tuple[int, int]:
        return self._arrange()[1]

    @property
    def includes_loss(self) -> bool:
        return View.LOSS in self.views or View.WINDOW in self.views

    def grab(self, snap: Snapshot | None = None) -> np.ndarray:
        """The views as they are drawn now, under the caption of ``snap`` (layouts that the
        snapshot's new texts asked for are done first)."""
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        text = caption(snap) if self.caption_height else ""
        points, (nw, nh) = self._arrange()
        width, height = self.size
        scale = min(width / max(1, nw), height / max(1, nh))
        background = self.window.palette().window().color()
        frame = QImage(width, height, QImage.Format.Format_RGB888)
        frame.fill(background)
        painter = QPainter(frame)
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.translate((width - nw * scale) / 2, (height - nh * scale) / 2)
            if scale > 1.001:  # drawn again larger: sharp text and lines
                painter.scale(scale, scale)
                self._draw_caption(painter, text, nw)
                for widget, point in zip(self.widgets, points, strict=True):
                    widget.render(painter, point)
            else:
                whole = self._at_screen_size(points, (nw, nh), background, text)
                target = QRect(0, 0, round(nw * scale), round(nh * scale))
                painter.drawImage(target, whole.scaled(
                    target.size(), Qt.AspectRatioMode.IgnoreAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))
        finally:
            painter.end()
        return rgb_array(frame)

    def _at_screen_size(self, points: list[QPoint], size: tuple[int, int],
                        background: QColor, text: str) -> QImage:
        if len(self.widgets) == 1 and not self.caption_height:
            return self.widgets[0].grab().toImage()
        whole = QImage(size[0], size[1], QImage.Format.Format_RGB888)
        whole.fill(background)
        painter = QPainter(whole)
        try:
            self._draw_caption(painter, text, size[0])
            for widget, point in zip(self.widgets, points, strict=True):
                painter.drawPixmap(point, widget.grab())
        finally:
            painter.end()
        return whole

    def _draw_caption(self, painter: QPainter, text: str, width: int) -> None:
        if not self.caption_height or not text:
            return
        font = QFont(self.window.font())
        font.setPixelSize(round(self.caption_height * 0.55))
        font.setWeight(QFont.Weight.DemiBold)
        painter.save()
        painter.setFont(font)
        painter.setPen(self.window.palette().windowText().color())
        painter.drawText(QRect(8, 0, width - 16, self.caption_height),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)
        painter.restore()


def rgb_array(image: QImage) -> np.ndarray:
    """(height, width, 3) uint8 copy of ``image``'s pixels."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return rows.reshape(h, image.bytesPerLine())[:, :w * 3].reshape(h, w, 3).copy()
