"""The View menu (issue 15): how the window looks and where its parts are — the inspector in
its own window (Ctrl+Shift+I), the colour theme (System, Light, Dark, High contrast) and the
zoom for a projector (Ctrl++, Ctrl+-, Ctrl+0)."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu

from gui.inspector_dock import SHORTCUT, InspectorDock
from gui.theme import ThemeFollower
from gui.theme_menu import ThemeMenu
from gui.zoom import WindowZoom


class ViewMenu:
    """Builds the View menu on ``window``; its items run the same actions as their buttons."""

    def __init__(self, window: QMainWindow, dock: InspectorDock) -> None:
        self.menu: QMenu = window.menuBar().addMenu("&View")
        self.menu.setObjectName("viewMenu")
        # its own item: the Detach button's text shrinks to an arrow when the tabs are crowded
        self.detach = self.menu.addAction(f"Inspector in its own &window\t{SHORTCUT}")
        self.detach.setObjectName("inspectorWindowAction")
        self.detach.setCheckable(True)
        self.detach.toggled.connect(dock.action.setChecked)
        dock.action.toggled.connect(self.detach.setChecked)
        self.theme = ThemeMenu(self.menu)
        # the inspector's rich text carries its colours: redraw it in the new theme at once
        inspector = window.inspector  # type: ignore[attr-defined]
        ThemeFollower(inspector, lambda _theme: inspector.set_zoom(inspector.zoom), now=False)
        self.zoom = WindowZoom(window, self.menu)
