"""The inline editor that opens on a clicked edge or unit to type a weight or bias."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPoint, Qt, Signal, Slot
from PySide6.QtGui import QFocusEvent, QKeyEvent, QValidator
from PySide6.QtWidgets import QLineEdit, QToolTip, QWidget

from gui.theme import current
from session.present.formats import MAX_EDITOR_CHARS, parse_finite

EDIT_HINT = "Enter applies, Esc cancels"
"""What the inline editor's tooltip says after the value's name."""


class FiniteFloatValidator(QValidator):
    """Accepts finite floats. Anything else is Intermediate, never Invalid, so a typed letter
    stays visible and Enter can explain the problem instead of silently dropping keys."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if len(text) > MAX_EDITOR_CHARS:
            return QValidator.State.Invalid, text, pos
        ok = parse_finite(text) is not None
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos


class ValueEditor(QLineEdit):
    """One-line inline editor: Enter applies, Escape or clicking elsewhere cancels."""

    accepted = Signal(float)
    cancelled = Signal()

    @staticmethod
    def _style(border: str) -> str:
        """Text and background from the theme (never white on white), a 2-px ``border`` field."""
        t = current()
        return (f"QLineEdit#valueEditor {{ border: 2px solid {t.hex(border)}; "
                f"background: {t.hex('base')}; color: {t.hex('text')}; "
                f"selection-background-color: {t.hex('highlight')}; "
                f"selection-color: {t.hex('highlight_text')}; }}")

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("valueEditor")
        self.setAccessibleName("Edit value")
        self.setValidator(FiniteFloatValidator(self))
        self.setMaxLength(MAX_EDITOR_CHARS)
        self.setFixedWidth(170)
        self.setStyleSheet(self._style('text'))
        self.textEdited.connect(self._clear_error)
        self._active = False
        self.invalid = False
        self.hide()

    @property
    def active(self) -> bool:
        return self._active

    def open_at(self, text: str, pos: QPoint, hint: str) -> None:
        self._clear_error()
        self.setStyleSheet(self._style('text'))  # the theme may have changed since
        self.setText(text)
        self.setToolTip(hint)
        self.setPlaceholderText("a finite number")
        parent = self.parentWidget()
        assert parent is not None  # made with a parent, never reparented
        # just below-right of the click, so the clicked edge or unit stays visible
        x = min(max(0, pos.x() + 6), max(0, parent.width() - self.width()))
        y = min(max(0, pos.y() + 8), max(0, parent.height() - self.sizeHint().height()))
        self.move(x, y)
        self._active = True
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.selectAll()

    def close_editor(self) -> None:
        self._active = False
        self.hide()

    def event(self, e: QEvent) -> bool:
        # Window shortcuts (e.g. Escape = stop) must not steal the editor's own keys.
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) and e.key() in (
            Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter
        ):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            value = parse_finite(self.text())
            if value is None:
                self._show_error()
            else:
                self.close_editor()
                self.accepted.emit(value)
            return
        if e.key() == Qt.Key.Key_Escape:
            self._cancel()
            return
        super().keyPressEvent(e)

    def focusOutEvent(self, e: QFocusEvent) -> None:
        super().focusOutEvent(e)
        if self._active and e.reason() != Qt.FocusReason.PopupFocusReason:
            self._cancel()

    def _cancel(self) -> None:
        if self._active:
            self.close_editor()
            self.cancelled.emit()

    def _show_error(self) -> None:
        self.invalid = True
        self.setStyleSheet(self._style('error'))
        QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), "enter a finite number",
                          self)

    @Slot()
    def _clear_error(self) -> None:
        if self.invalid:
            self.invalid = False
            self.setStyleSheet(self._style('text'))


@dataclass(frozen=True)
class WeightTarget:
    """The editor is open on ``weights[layer][i, j]``."""

    layer: int
    i: int
    j: int


@dataclass(frozen=True)
class BiasTarget:
    """The editor is open on ``biases[layer][j]`` (layer 0 = first hidden layer)."""

    layer: int
    j: int
