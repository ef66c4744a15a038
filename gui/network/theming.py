"""The diagram follows the theme (issue 15): on a change its shared colours are recoloured, its
canvas background, focus ring and phase caption restyled, and the scene drawn again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Slot

from gui.network.keyboard import focus_style
from gui.network.style import BACKGROUND, apply_theme
from gui.theme import current, notifier


class ThemeFollower(QObject):
    """A child of the diagram (a gui.network.view.NetworkView, untyped here so the imports
    stay one-way), so Qt disconnects it with the diagram; restyles it now and on every theme
    change."""

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self._view = view
        self.restyle()
        notifier().changed.connect(self.restyle)

    @Slot()
    @Slot(object)
    def restyle(self, _theme: object = None) -> None:
        view = self._view
        apply_theme(current())
        view._canvas.setBackground(BACKGROUND)
        view._canvas.setStyleSheet(focus_style())
        view._legend.restyle()
        snap = view.snapshot()
        if snap is not None:
            view._arch = None  # rebuild the items: their pens copied the old colours
            view.set_snapshot(snap)


def follow_theme(view: Any) -> ThemeFollower:
    return ThemeFollower(view)
