"""The Edit menu: the data table and weights editors for exercises typed in by hand.

Each editor is one non-modal dialog, made on first use and kept; it sends its command through
the window's client, so the session applies it in order with every other command.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from gui.data_editor import DataEditor
from gui.weights_editor import WeightsEditor
from gui.worker import WorkerClient
from session import commands as c
from session.snapshot import Snapshot


class EditorActions(QObject):
    """Builds the Edit menu and owns the two editors."""

    def __init__(self, window: QMainWindow, client: WorkerClient,
                 may_discard: Callable[[], bool] = lambda: True) -> None:
        """``may_discard`` asks whether the run may be replaced (unsaved changes): a table
        applied replaces the run's training, as a preset or an import does."""
        super().__init__(window)
        self.window = window
        self.client = client
        self.may_discard = may_discard
        self._data_editor: DataEditor | None = None
        self._weights_editor: WeightsEditor | None = None
        self.menu = window.menuBar().addMenu("&Edit")
        self.data_action = self._action("&Data table…", "editDataAction",
                                        QKeySequence("Ctrl+Shift+D"), self.open_data_editor)
        self.weights_action = self._action("&Weights…", "editWeightsAction",
                                           QKeySequence("Ctrl+Shift+W"),
                                           self.open_weights_editor)
        client.snapshotArrived.connect(self._on_snapshot)

    def _action(self, text: str, name: str, keys: QKeySequence, slot: object) -> QAction:
        act = QAction(text, self.window)
        act.setObjectName(name)
        act.setShortcut(keys)
        act.triggered.connect(slot)
        self.menu.addAction(act)
        return act

    @property
    def data_editor(self) -> DataEditor:
        if self._data_editor is None:
            self._data_editor = DataEditor(self.window)
            self._data_editor.applied.connect(self._send)
            self._data_editor.reload.clicked.connect(self._load_data)
        return self._data_editor

    @property
    def weights_editor(self) -> WeightsEditor:
        if self._weights_editor is None:
            self._weights_editor = WeightsEditor(self.window)
            self._weights_editor.applied.connect(self._send)
        return self._weights_editor

    @Slot()
    def open_data_editor(self) -> DataEditor:
        """Show the data editor with the run's data."""
        editor = self.data_editor
        if not editor.isVisible():
            self._load_data()
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    @Slot()
    def open_weights_editor(self) -> WeightsEditor:
        """Show the weights editor with the run's weights."""
        editor = self.weights_editor
        snap = getattr(self.window, "snapshot", None)
        if isinstance(snap, Snapshot) and not editor.isVisible():
            editor.set_snapshot(snap)
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    @Slot()
    def _load_data(self) -> None:
        snap = getattr(self.window, "snapshot", None)
        if isinstance(snap, Snapshot):
            self.data_editor.load_data(snap.data)

    @Slot(object)
    def _send(self, command: c.Command) -> None:
        if isinstance(command, c.ReplaceData) and not self.may_discard():
            self.window.statusBar().showMessage(
                "The table was not applied: the run's unsaved changes are kept.", 6000)
            return
        self.client.send(command)
        if isinstance(command, c.ReplaceData):
            self.window.statusBar().showMessage("Applying your table…", 4000)

    @Slot(object)
    def _on_snapshot(self, snap: Snapshot) -> None:
        if self._data_editor is not None:
            self._data_editor.set_run_data(snap.data)
        editor = self._weights_editor
        if editor is not None and editor.isVisible():
            editor.set_snapshot(snap)
