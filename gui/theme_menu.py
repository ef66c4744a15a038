"""View › Theme (issue 15): System, Light, Dark, High contrast as radio items."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from gui.theme import ThemeChoice, notifier

_ITEMS = (
    (ThemeChoice.SYSTEM, "&System", "themeSystemAction"),
    (ThemeChoice.LIGHT, "&Light", "themeLightAction"),
    (ThemeChoice.DARK, "&Dark", "themeDarkAction"),
    (ThemeChoice.HIGH_CONTRAST, "&High contrast", "themeHighContrastAction"),
)


class ThemeMenu:
    """Adds the Theme submenu to ``parent``; checking an item puts its theme in force."""

    def __init__(self, parent: QMenu) -> None:
        self.menu = parent.addMenu("&Theme")
        self.menu.setObjectName("themeMenu")
        self.group = QActionGroup(self.menu)
        self.group.setExclusive(True)
        self.actions: dict[ThemeChoice, QAction] = {}
        for choice, text, name in _ITEMS:
            action = self.menu.addAction(text)
            action.setObjectName(name)
            action.setCheckable(True)
            action.setChecked(choice is notifier().choice)
            action.triggered.connect(lambda _=False, c=choice: notifier().choose(c))
            self.group.addAction(action)
            self.actions[choice] = action
