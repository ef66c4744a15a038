"""A label whose text changes every frame (the epoch counter, the training rate) without
making Qt lay the window out again each time.

``QLabel.setText`` asks the parent's layout to recompute unless the label's minimum and
maximum sizes are equal. Training flat out, the counter and the rate changed 35 times a
second, and each change laid out the toolbar, the window and the status bar and repainted the
status bar's whole width: about a tenth of the window process's CPU (``bench/
gui_responsiveness.py``, 0.03–0.07 of a core). This label keeps a fixed size, wide enough for
``sample`` in its current font; it grows when a text needs more room and is measured again
when its font changes (zoom, theme).

With ``min_interval`` the label shows a new text at most that often (the rate: a number that
changes 35 times a second cannot be read, and a screen reader would announce every one); a text
that arrives sooner is shown when the interval is up, and an empty text (the run stopped) at
once.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QWidget

from gui.accessibility import LiveLabel


class CounterLabel(LiveLabel):
    """A ``LiveLabel`` of steady size (see the module docstring)."""

    def __init__(self, sample: str, parent: QWidget | None = None,
                 min_interval: float = 0.0) -> None:
        super().__init__(parent)
        self._sample = sample
        self._min_interval = min_interval
        self._shown_at = -math.inf
        self._held: str | None = None
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._show_held)
        self._fit()

    def setText(self, text: str) -> None:
        if self._min_interval > 0 and text:
            wait = self._shown_at + self._min_interval - time.monotonic()
            if wait > 0:
                self._held = text
                if not self._later.isActive():
                    self._later.start(math.ceil(wait * 1000))
                return
        self._held = None
        self._later.stop()
        self._shown_at = time.monotonic()
        super().setText(text)
        if self._width_for(text) > self.maximumWidth():
            self._fit()

    def _show_held(self) -> None:
        if self._held is not None:
            self.setText(self._held)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # zoom or theme: measure again
            self._fit()

    def _width_for(self, text: str) -> int:
        margins = self.contentsMargins()
        return (self.fontMetrics().horizontalAdvance(text) + margins.left() + margins.right()
                + 2 * self.margin() + 2)

    def _fit(self) -> None:
        width = max(self._width_for(self._sample), self._width_for(self.text()),
                    self.minimumSizeHint().width())
        margins = self.contentsMargins()
        height = self.fontMetrics().height() + margins.top() + margins.bottom() + 2 * self.margin()
        self.setFixedSize(width, height)
