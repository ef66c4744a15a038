"""The window's single-key shortcuts: Space runs or pauses, Right/S steps, Left/B steps back,
R resets; they act only when the focused control does not use that key itself (Space opens a
focused combo, Left/Right move a slider, the gallery or the tab bar, letters search a combo);
and Escape/Return leave a text field so that they work again; Return presses a focused button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPushButton,
    QTabBar,
    QToolButton,
    QWidget,
)

ARROWS = (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)


def uses_key(widget: QWidget | None, key: int, text: str) -> bool:
    """Whether the focused ``widget`` uses the key itself, so a single-key shortcut must not
    take it: a text field takes every key; a combo Space, the arrows and type-ahead letters;
    a slider or tab bar the arrows; a list or table the arrows, Space and letters; a button or
    check box Space."""
    if widget is None:
        return False
    if _is_text_field(widget):
        return True
    arrow, space = key in ARROWS, key == Qt.Key.Key_Space
    letter = len(text) == 1 and text.isalnum()
    if isinstance(widget, QComboBox | QAbstractItemView):
        return arrow or space or letter
    if isinstance(widget, QAbstractSlider | QTabBar):
        return arrow
    if isinstance(widget, QAbstractButton):
        return space
    return False


def space_action(toggle_run: Callable[[], None], run_button: QWidget) -> Callable[[], None]:
    """Space runs or pauses, except on a focused check box or button, which it presses."""

    def space() -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QAbstractButton) and focus is not run_button:
            focus.click()
            return
        toggle_run()

    return space


def install_shortcuts(window: QWidget, bindings: dict[str, Callable[[], None]]) -> None:
    """One window-wide shortcut per key sequence."""
    for keys, slot in bindings.items():
        sc = QShortcut(QKeySequence(keys), window)
        sc.setContext(Qt.ShortcutContext.WindowShortcut)
        sc.activated.connect(slot)


def _is_text_field(widget: QWidget | None) -> bool:
    """A widget that takes typed text (an editable combo is focused as the combo itself)."""
    if isinstance(widget, QComboBox):
        return widget.isEditable()
    return isinstance(widget, QLineEdit | QAbstractSpinBox)


def _popup_open(widget: QWidget) -> bool:
    return isinstance(widget, QComboBox) and widget.view().isVisible()


class KeysToFocus(QObject):
    """Application-wide: a single-key shortcut gives way to the focused control that uses the
    key (``uses_key``), through Qt's ShortcutOverride."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.ShiftModifier)
                and watched is QApplication.focusWidget()
                and uses_key(QApplication.focusWidget(), event.key(), event.text())):
            event.accept()
        return False


RETURN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def press_with_return(focus: QWidget | None, event: QKeyEvent) -> bool:
    """Return presses a focused push or tool button (Qt leaves that to dialogs' default
    buttons); a button with a drop-down menu opens it. Check boxes keep Space."""
    if (event.key() not in RETURN_KEYS or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            or not isinstance(focus, QPushButton | QToolButton) or not focus.isEnabled()
            or isinstance(focus.window(), QDialog)):
        return False
    if isinstance(focus, QToolButton) and focus.menu() is not None and (
            focus.popupMode() is QToolButton.ToolButtonPopupMode.InstantPopup):
        focus.showMenu()
    else:
        focus.animateClick()
    return True


class LeaveTextField(QObject):
    """Escape leaves a text field (a number box, an editable combo), and Return applies its
    value and then leaves it, so the single-key shortcuts (Space, arrows, R) work again
    instead of typing into the field; Return presses a focused button."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        field = QApplication.focusWidget()
        if watched is field and press_with_return(field, event):
            return True
        if not _is_text_field(field) or field.window() is not self._window:
            return False
        if event.key() == Qt.Key.Key_Escape:
            self._leave()
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and watched is field and (
                not _popup_open(field)):
            QTimer.singleShot(0, self._leave)  # after the field has applied its value
        return False

    def _leave(self) -> None:
        field = QApplication.focusWidget()
        if _is_text_field(field):
            field.clearFocus()
        self._window.setFocus(Qt.FocusReason.ShortcutFocusReason)


def install_leave_text_field(window: QWidget) -> LeaveTextField:
    """Escape/Return leave a text field, and shortcuts give way to the focused control."""
    leave = LeaveTextField(window)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(leave)
        app.installEventFilter(KeysToFocus(leave))
    return leave
