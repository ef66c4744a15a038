"""The window's single-key shortcuts: Space runs or pauses, Right/S steps, Left/B steps back,
R resets."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget


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
