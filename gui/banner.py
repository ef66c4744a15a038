"""The banner under the toolbar that says why training stopped and what to try."""

from __future__ import annotations

from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.accessibility import LiveLabel
from gui.theme import Theme, ThemeFollower
from session.events import Diverged


class DivergenceBanner(LiveLabel):
    """Hidden until training diverges (objectName divergenceBanner)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("divergenceBanner")
        self.setAccessibleName("Training problem")
        self.setWordWrap(True)
        # wrapped text must never widen the window
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._theme = ThemeFollower(self, self._restyle)
        self.hide()

    def _restyle(self, theme: Theme) -> None:
        self.setStyleSheet(f"background: {theme.hex('base')}; color: {theme.hex('text')}; "
                           f"border: 2px solid {theme.hex('error')}; padding: 6px; "
                           "font-weight: 600;")

    def show_divergence(self, event: Diverged) -> None:
        self.setText(
            f"Training stopped: {event.text}. The numbers grew too large. The weights were "
            "rolled back to the last good state, which may already be large. Try a lower "
            f"learning rate (now {event.learning_rate:g}) and press Run, or Reset (R) for fresh "
            "weights."
        )
        self.show()
