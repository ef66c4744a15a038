"""Edit › Copy scenario as text / Paste scenario: a scenario (not the weights) through the
clipboard as one short line (``engine.scenario_text``), the desktop counterpart of
TensorFlow Playground's URL.

Copy takes the scenario in force once every command sent has run; paste reads the clipboard,
refuses anything that is not a whole scenario text in one status-bar line (the run stays), and
otherwise loads it as a preset is loaded (offering to save unsaved work first).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from engine.scenario import Scenario
from engine.scenario_text import decode, encode
from gui.files import FileActions
from gui.worker import WorkerClient

MESSAGE_MS = 10_000


class ShareScenario(QObject):
    """The two Edit menu actions."""

    def __init__(self, window: QMainWindow, client: WorkerClient, menu: QMenu,
                 files: FileActions, load: Callable[[Scenario, str], None]) -> None:
        """``load(scenario, message)`` replaces the run, as choosing a preset does."""
        super().__init__(window)
        self.window, self.client, self.files, self._load = window, client, files, load
        menu.addSeparator()
        self.copy_action = self._action(menu, "&Copy scenario as text", "copyScenarioAction",
                                        "Ctrl+Shift+C", self.copy)
        self.copy_action.setToolTip("Put the scenario (data, features, network, training "
                                    "settings; not the weights) on the clipboard as text")
        self.paste_action = self._action(menu, "&Paste scenario", "pasteScenarioAction",
                                         "Ctrl+Shift+V", self.paste)
        self.paste_action.setToolTip("Load a scenario copied as text (bp1:…) from the "
                                     "clipboard")

    def _action(self, menu: QMenu, text: str, name: str, keys: str, slot: object) -> QAction:
        act = QAction(text, self.window)
        act.setObjectName(name)
        act.setShortcut(QKeySequence(keys))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, MESSAGE_MS)

    @Slot()
    def copy(self) -> None:
        snap = self.client.sync()  # every edit sent so far has run
        message = self._copy(None if snap is None else snap.scenario)
        # after the notices of the edits just synced, which are still queued
        QTimer.singleShot(0, lambda: self._say(message))

    def _copy(self, scenario: Scenario | None) -> str:
        """Put ``scenario`` on the clipboard; what the status bar says about it."""
        if scenario is None:
            return "Not copied: there is no scenario yet"
        try:
            text = encode(scenario)
        except ValueError as e:
            return f"Not copied: {e}"
        QApplication.clipboard().setText(text)
        return (f"Copied the scenario as text ({len(text):,} characters, without the "
                "weights): paste it with Edit › Paste scenario, or give it to "
                "python main.py --scenario-text.")

    @Slot()
    def paste(self) -> None:
        text = QApplication.clipboard().text()
        try:
            scenario = decode(text)
        except ValueError as e:
            self._say(f"Not pasted: {e}")
            return
        if not self.files.may_discard():
            return
        self._load(scenario, f"Pasted the scenario “{scenario.title}”: {scenario.description}"
                   if scenario.description else f"Pasted the scenario “{scenario.title}”.")
