"""Zoom for a projector (issue 15): View › Zoom in / Zoom out / Actual size (Ctrl++ and
Ctrl+=, Ctrl+-, Ctrl+0, and Ctrl+wheel anywhere over the window) scales the whole window —
its font and so every control, the diagram's text and thumbnails, the plots' axis text and
the inspector's formulas. The zoom is remembered across runs (QSettings)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QWheelEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QWidget

ZOOM_STEPS = (50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)
"""The zoom levels in percent, as in web browsers (Ctrl++ takes the next one)."""
SETTINGS_KEY = "view/zoomPercent"
WHEEL_STEP = 120
"""One notch of a mouse wheel, in eighths of a degree (touchpads send less and add up)."""


def nearest_step(percent: float) -> int:
    """The zoom level closest to ``percent`` (a remembered or typed value)."""
    return min(ZOOM_STEPS, key=lambda step: abs(step - percent))


def parse_zoom(text: str) -> int | None:
    """``--zoom`` text ("150" or "150%") as a percent in 50–300, or None if it is not one."""
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        return None
    return round(value) if ZOOM_STEPS[0] <= value <= ZOOM_STEPS[-1] else None


def _settings() -> QSettings:
    return QSettings("BackpropPlayground", "BackpropPlayground")


class WindowZoom(QObject):
    """The window's zoom: ``percent`` and the three actions (objectNames zoomInAction,
    zoomOutAction, zoomResetAction) in ``menu``. ``window`` must have ``network_view`` and
    ``inspector`` (the main window)."""

    def __init__(self, window: QMainWindow, menu: QMenu) -> None:
        super().__init__(window)
        self._window = window
        self._base_points = window.font().pointSizeF()  # the application's font, at 100 %
        self.percent = 100
        self._wheel = 0
        menu.addSeparator()
        self.zoom_in = self._action(menu, "Zoom &in", "zoomInAction", ("Ctrl++", "Ctrl+="), 1)
        self.zoom_out = self._action(menu, "Zoom &out", "zoomOutAction", ("Ctrl+-",), -1)
        self.reset = self._action(menu, "&Actual size", "zoomResetAction", ("Ctrl+0",), 0)
        QApplication.instance().installEventFilter(self)  # Ctrl+wheel over any child
        remembered = _settings().value(SETTINGS_KEY, 100)
        try:
            start = nearest_step(float(remembered))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            start = 100
        if start != 100:
            self.set_percent(start, remember=False)

    def _action(self, menu: QMenu, text: str, name: str, keys: tuple[str, ...],
                step: int) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(f"{text.replace('&', '')} ({keys[0]}): the whole window, for a "
                          "projector")
        action.triggered.connect(lambda _checked=False: self.zoom_by(step))
        return action

    def zoom_by(self, step: int) -> None:
        """The next level up (+1) or down (−1), or 100 % (0)."""
        if step == 0:
            self.set_percent(100)
            return
        index = ZOOM_STEPS.index(nearest_step(self.percent))
        self.set_percent(ZOOM_STEPS[max(0, min(len(ZOOM_STEPS) - 1, index + step))])

    def set_percent(self, percent: int, remember: bool = True) -> None:
        """Show everything at ``percent`` % of its normal size."""
        self.percent = percent
        factor = percent / 100
        font = QFont(self._window.font())
        font.setPointSizeF(self._base_points * factor)
        self._window.setFont(font)
        self._window.network_view.set_zoom(factor)  # type: ignore[attr-defined]
        self._window.inspector.set_zoom(factor)  # type: ignore[attr-defined]
        for view in self._window.findChildren(pg.GraphicsView):
            scale_plot_text(view, font)
        self.zoom_out.setEnabled(percent > ZOOM_STEPS[0])
        self.zoom_in.setEnabled(percent < ZOOM_STEPS[-1])
        if remember:
            _settings().setValue(SETTINGS_KEY, percent)
        self._window.statusBar().showMessage(f"Zoom {percent} %", 3000)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Ctrl+wheel over the window zooms it (the plain wheel stays the plots' own zoom)."""
        if (event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
                and isinstance(obj, QWidget) and obj.window() is self._window):
            self._wheel += event.angleDelta().y()
            while abs(self._wheel) >= WHEEL_STEP:
                step = 1 if self._wheel > 0 else -1
                self._wheel -= step * WHEEL_STEP
                self.zoom_by(step)
            return True
        return False


def scale_plot_text(view: pg.GraphicsView, font: QFont) -> None:
    """The axes' tick numbers and labels of the plots in ``view`` in ``font``."""
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            item.setStyle(tickFont=font)
            item.label.setFont(font)
            item.picture = None
            item.update()
