"""The Run menu (issue 15): every training control and its key in one place, reachable by F10
and Alt-letters — Run/Pause (Space), Step (Right or S), Step back (Left or B), Reset (R) and
Step by (Epoch, Phase, Sample, Batch). The keys themselves are the window's shortcuts
(gui.shortcuts); the menu shows them and runs the same slots."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QMainWindow, QMenu


def _item(menu: QMenu, text: str, keys: str, name: str, slot: Callable[[], None]) -> QAction:
    action = menu.addAction(f"{text}\t{keys}")  # the key is shown; the shortcut is the window's
    action.setObjectName(name)
    action.triggered.connect(lambda _checked=False: slot())
    return action


class RunMenu:
    """Builds the menu on ``window`` and keeps its Step by choice in step with the combo."""

    def __init__(self, window: QMainWindow, toggle_run: Callable[[], None],
                 step: Callable[[], None], step_back: Callable[[], None],
                 reset: Callable[[], None], granularity: QComboBox) -> None:
        self.menu = window.menuBar().addMenu("&Run")
        self.menu.setObjectName("runMenu")
        self.run = _item(self.menu, "&Run / Pause", "Space", "runAction", toggle_run)
        self.step = _item(self.menu, "&Step", "Right, S", "stepAction", step)
        self.back = _item(self.menu, "Step &back", "Left, B", "stepBackAction", step_back)
        self.reset = _item(self.menu, "Rese&t weights", "R", "resetAction", reset)
        self.menu.addSeparator()
        by = self.menu.addMenu("Step b&y")
        by.setObjectName("stepByMenu")
        self._combo = granularity
        self._group = QActionGroup(by)
        self.units: list[QAction] = []
        for k in range(granularity.count()):
            text = granularity.itemText(k)
            action = by.addAction(f"&{text}")
            action.setCheckable(True)
            action.setObjectName(f"stepBy{text.title()}Action")
            action.triggered.connect(lambda _checked=False, k=k: self._choose(k))
            self._group.addAction(action)
            self.units.append(action)
        granularity.currentIndexChanged.connect(self._follow)
        self._follow(granularity.currentIndex())
        bar = window.menuBar()
        bar.setAccessibleName("Menu bar (F10)")
        f10 = QShortcut(QKeySequence("F10"), window)
        f10.activated.connect(lambda: bar.setActiveAction(bar.actions()[0]))

    def _choose(self, index: int) -> None:
        self._combo.setCurrentIndex(index)
        self._combo.activated.emit(index)

    def _follow(self, index: int) -> None:
        if 0 <= index < len(self.units):
            self.units[index].setChecked(True)
