"""The File menu: workspaces, weight export/import, data CSV, pictures, recent files, and the
unsaved-changes guard.

The session owns the run's file and its dirty state (snapshots carry them) and does the
reading and writing; this module asks for paths, sends the commands and reports the outcome.
Every failure arrives as a one-line message shown in a dialog; the run stays as it was.
Pictures are the one thing written here, since they are renderings of the widgets.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QMenu, QMessageBox, QWidget

from engine.csvdata import CsvError, preview_csv
from engine.export import EXPORT_SUFFIXES
from gui.csv_dialog import CsvChoices, CsvImportDialog
from gui.pictures import SCALES, save_picture
from gui.worker import WorkerClient
from session import commands as c
from session.events import Event, FileAction, FileDone, FileFailed, WeightsMismatch
from session.snapshot import FileState

MAX_RECENT = 8
WORKSPACE_FILTER = "Backprop Playground workspace (*.json)"
WEIGHT_FORMATS = [
    (c.ExportKind.NPZ, "&NumPy archive (.npz)…", "NumPy archive (*.npz)"),
    (c.ExportKind.JSON, "&JSON (.json)…", "JSON (*.json)"),
    (c.ExportKind.ONNX, "&ONNX model (.onnx)…", "ONNX model (*.onnx)"),
    (c.ExportKind.SCRIPT, "Standalone NumPy &script (.py)…", "Python script (*.py)"),
    (c.ExportKind.WEIGHTS_CSV, "&CSV for spreadsheets (.csv)…", "CSV (*.csv)"),
    (c.ExportKind.TORCH, "&PyTorch script (.py)…", "Python script (*.py)"),
    (c.ExportKind.SAFETENSORS, "sa&fetensors (.safetensors)…", "safetensors (*.safetensors)"),
]
WEIGHTS_FILTER = "Weights (*.npz *.json *.onnx *.safetensors)"
ONNX_HINT = ('The ONNX export needs the optional "onnx" package. Install it into the project '
             'environment with:  .venv/bin/pip install -e ".[onnx]"')
IMPORT_REPORT_MS = 30_000
"""How long an import's report (rows, skipped lines, what was adjusted) stays in the status
bar; hovering the bar shows it whole."""
DONE_MESSAGES = {
    FileAction.EXPORTED: "Exported {path}.",
    FileAction.IMPORTED: "Weights loaded from {path}; continue training or stepping.",
    FileAction.ADOPTED: "Adopted the file's network and weights.",
}


def plain_box(parent: QWidget, icon: QMessageBox.Icon, title: str, text: str,
              buttons: QMessageBox.StandardButton) -> QMessageBox:
    """A message box whose text is shown as written: a message that quotes a file is never
    rendered as markup."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def onnx_available() -> bool:
    return importlib.util.find_spec("onnx") is not None


class FileActions(QObject):
    """Builds the File menu on the window and carries out its commands."""

    def __init__(self, window: QMainWindow, client: WorkerClient) -> None:
        super().__init__(window)
        self.window = window
        self.client = client
        self.file = FileState()
        """The run's file as the newest rendered snapshot reports it."""
        self.confirm_unsaved = True
        """False for runs with nothing of the user's to keep (a screenshot, a benchmark)."""
        self.last_message: tuple[str, str] | None = None
        self.picture_scale = 1
        """How many times the size on screen a PNG picture is (File › Export picture)."""
        menu = window.menuBar().addMenu("&File")
        self.menu = menu
        self._action(menu, "&Open workspace…", QKeySequence.StandardKey.Open, self.open_dialog)
        self.recent_menu = menu.addMenu("Open &recent")
        self._action(menu, "&Save workspace", QKeySequence.StandardKey.Save, self.save)
        self._action(menu, "Save workspace &as…", QKeySequence("Ctrl+Shift+S"), self.save_as)
        menu.addSeparator()
        self._action(menu, "&Import weights…", None, self.import_weights_dialog)
        self._action(menu, "Import &data from CSV…", None, self.import_csv_dialog)
        export = menu.addMenu("&Export weights")
        for kind, text, filt in WEIGHT_FORMATS:
            act = self._action(export, text, None,
                               lambda _=False, k=kind, flt=filt: self.export_dialog(k, flt))
            act.setObjectName(f"exportWeights_{kind.value}")
            if kind is c.ExportKind.TORCH:  # the same script, its weights in a file beside it
                self._action(export, "PyTorch script + &weights in .safetensors beside it…",
                             None, lambda _=False, flt=filt: self.export_dialog(
                                 c.ExportKind.TORCH, flt, True)).setObjectName(
                                     "exportWeights_torchBeside")
            if kind is c.ExportKind.ONNX and not onnx_available():
                act.setText("&ONNX model (.onnx) — needs the onnx package…")
                act.setToolTip(ONNX_HINT)
        self._action(menu, "Export data as &CSV…", None,
                     lambda: self.export_dialog(c.ExportKind.DATASET_CSV, "CSV (*.csv)"))
        self._action(menu, "Export loss &history as CSV…", None,
                     lambda: self.export_dialog(c.ExportKind.HISTORY_CSV, "CSV (*.csv)"))
        pictures = menu.addMenu("Export &picture")
        for name, attr, key in (("Network diagram", "network_view", "N"),
                                ("Output view", "output_view", "O"),
                                ("Loss plot", "loss_plot", "L")):
            self._action(pictures, f"{name}…".replace(key, f"&{key}", 1), None,
                         lambda _=False, a=attr, n=name: self.picture_dialog(a, n))
        self._picture_scales(pictures)
        menu.addSeparator()
        self._action(menu, "&Quit", QKeySequence.StandardKey.Quit, window.close)
        self._refresh_recent()

    def _picture_scales(self, menu: QMenu) -> None:
        """PNG size choices below the views: 1× (as on screen), 2×, 4× (for slides)."""
        menu.addSeparator()
        group = QActionGroup(menu)
        for scale in SCALES:
            act = QAction(f"PNG at &{scale}×" + (" (as on screen)" if scale == 1 else ""), menu)
            act.setObjectName(f"pictureScale{scale}")
            act.setToolTip(f"PNG pictures {scale} times the size on screen; SVG is vector")
            act.setCheckable(True)
            act.setChecked(scale == self.picture_scale)
            act.triggered.connect(lambda _=False, k=scale: setattr(self, "picture_scale", k))
            group.addAction(act)
            menu.addAction(act)
        self.picture_scale_actions = group

    def _action(self, menu: QMenu, text: str, keys: object,
                slot: Callable[..., object]) -> QAction:
        act = QAction(text, self.window)
        if keys is not None:
            act.setShortcut(keys)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    # -- state ---------------------------------------------------------------------------------
    @property
    def path(self) -> str | None:
        return self.file.path

    @property
    def dirty(self) -> bool:
        return self.file.dirty

    def show_file(self, file: FileState) -> None:
        """Show the run's file (from a snapshot) in the window title."""
        self.file = file
        name = Path(file.path).name if file.path else "untitled"
        self.window.setWindowTitle(f"{'*' if file.dirty else ''}{name} — Backprop Playground")

    # -- recent files --------------------------------------------------------------------------
    @staticmethod
    def settings() -> QSettings:
        return QSettings("BackpropPlayground", "BackpropPlayground")

    def recent(self) -> list[str]:
        value = self.settings().value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _remember(self, path: str) -> None:
        path = str(Path(path).resolve())
        items = [path] + [p for p in self.recent() if p != path]
        self.settings().setValue("recent", items[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        items = self.recent()
        for p in items:
            act = self.recent_menu.addAction(p)
            act.triggered.connect(lambda _=False, path=p: self.open_path(path))
        self.recent_menu.setEnabled(bool(items))

    # -- commands (path given: used by the dialogs and by tests) -------------------------------
    def save_to(self, path: str) -> None:
        self.client.send(c.SaveWorkspace(path))

    def open_path(self, path: str) -> None:
        if self.may_discard():
            self.client.send(c.OpenWorkspace(path))

    def export_to(self, kind: c.ExportKind | str, path: str, weights_beside: bool = False) -> None:
        kind = c.ExportKind(kind)
        if kind is c.ExportKind.ONNX and not onnx_available():
            self._message("ONNX export is not available", ONNX_HINT)
            return
        self.client.send(c.Export(kind, path, weights_beside))

    def import_weights(self, path: str) -> None:
        self.client.send(c.ImportWeights(path))

    def import_csv(self, path: str, label_column: int | str, task: str,
                   train_fraction: float, input_columns: tuple[int | str, ...] | None = None,
                   skip_bad_lines: bool = False) -> None:
        self.client.send(c.ImportCsv(path, label_column, task, train_fraction,
                                     input_columns, skip_bad_lines))

    def save_picture(self, attr: str, path: str, scale: int | None = None) -> bool:
        """Picture of the window's view ``attr``; PNG at ``scale`` (default: the menu's)."""
        try:
            save_picture(getattr(self.window, attr), path,
                         self.picture_scale if scale is None else scale)
        except (OSError, ValueError) as e:
            self._message("Could not save the picture", str(e))
            return False
        self.window.statusBar().showMessage(f"Saved {path}.", 5000)
        return True

    # -- dialogs -------------------------------------------------------------------------------
    def folder(self) -> str:
        """Where file dialogs open: the folder last used, else the home folder."""
        last = str(self.settings().value("folder", "") or "")
        return last if last and os.path.isdir(last) else str(Path.home())

    def _ask_path(self, title: str, filt: str, save: bool, suggestion: str = "") -> str:
        start = self.folder()
        if save:  # a run's own file stays where it is; a new name goes to the last folder
            start = suggestion if os.path.isabs(suggestion) else os.path.join(start, suggestion)
        if save:
            path, _ = QFileDialog.getSaveFileName(self.window, title, start, filt)
        else:
            path, _ = QFileDialog.getOpenFileName(self.window, title, start, filt)
        if path:
            self.settings().setValue("folder", str(Path(path).resolve().parent))
        return path

    def _ask_workspace_path(self) -> str:
        path = self._ask_path("Save workspace", WORKSPACE_FILTER, save=True,
                              suggestion=self.path or "workspace.json")
        if path and not path.lower().endswith(".json"):
            path += ".json"
        return path

    @Slot()
    def open_dialog(self) -> None:
        if not self.may_discard():  # ask before the file is picked, not after
            return
        path = self._ask_path("Open workspace", WORKSPACE_FILTER, save=False)
        if path:
            self.client.send(c.OpenWorkspace(path))

    @Slot()
    def save(self) -> None:
        snap = self.client.sync()  # the run's file now, after every command sent so far
        path = snap.file.path if snap is not None else self.path
        if path:
            self.save_to(path)
        else:
            self.save_as()

    @Slot()
    def save_as(self) -> None:
        path = self._ask_workspace_path()
        if path:
            self.save_to(path)

    def export_dialog(self, kind: c.ExportKind, filt: str, weights_beside: bool = False) -> None:
        if kind is c.ExportKind.ONNX and not onnx_available():
            self._message("ONNX export is not available", ONNX_HINT)
            return
        suffix = EXPORT_SUFFIXES.get(kind.value, ".csv")
        name = "network_torch" if kind is c.ExportKind.TORCH else "network"
        path = self._ask_path("Export", filt, save=True, suggestion=f"{name}{suffix}")
        if path:
            self.export_to(kind, path, weights_beside)

    @Slot()
    def import_weights_dialog(self) -> None:
        path = self._ask_path("Import weights", WEIGHTS_FILTER, save=False)
        if path:
            self.import_weights(path)

    @Slot()
    def import_csv_dialog(self) -> None:
        if not self.may_discard():  # the data replaces the run: ask before the file is picked
            return
        path = self._ask_path("Import data", "CSV (*.csv *.txt)", save=False)
        if not path:
            return
        try:
            preview = preview_csv(path)
        except CsvError as e:  # shown before any choice is asked for
            self._message("Could not import the data", str(e))
            return
        dialog = CsvImportDialog(self.window, path, preview)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.import_csv_choices(path, dialog.choices())

    def import_csv_choices(self, path: str, choices: CsvChoices) -> None:
        """Import with what the dialog collected."""
        self.import_csv(path, choices.label_column, choices.task, choices.train_fraction,
                        choices.input_columns, choices.skip_bad_lines)

    def picture_dialog(self, attr: str, name: str) -> None:
        path = self._ask_path(f"Export picture of the {name.lower()}",
                              "PNG image (*.png);;SVG drawing (*.svg)", save=True,
                              suggestion=f"{attr}.png")
        if path:
            self.save_picture(attr, path)

    # -- outcomes ------------------------------------------------------------------------------
    def on_event(self, event: Event) -> None:
        status = self.window.statusBar()
        if isinstance(event, FileDone):
            if event.action in (FileAction.SAVED, FileAction.OPENED):
                self._remember(event.path)
                status.showMessage(f"{event.action.value.capitalize()} {event.path}.", 6000)
            elif event.action is FileAction.DATA:
                status.showMessage("Data imported" + (f" ({event.detail})" if event.detail
                                                      else "") + "; the network was rebuilt.",
                                   IMPORT_REPORT_MS)
            else:
                text = DONE_MESSAGES[event.action].format(path=event.path)
                if event.detail:
                    text = f"{text[:-1]}, {event.detail}."
                status.showMessage(text, 6000)
        elif isinstance(event, FileFailed):
            self._message(event.title, event.message)
        elif isinstance(event, WeightsMismatch) and self.ask_adopt(event.message):
            self.client.send(c.AdoptWeights(event.imported))

    # -- questions (overridable in tests) ------------------------------------------------------
    def _message(self, title: str, text: str) -> None:
        self.window.statusBar().showMessage(f"{title}: {text}", 10000)
        self.last_message = (title, text)
        if self.window.isVisible() and not os.environ.get("BACKPROP_NO_DIALOGS"):
            plain_box(self.window, QMessageBox.Icon.Warning, title, text,
                      QMessageBox.StandardButton.Ok).exec()

    def ask_adopt(self, message: str) -> bool:
        box = plain_box(
            self.window, QMessageBox.Icon.Question, "Different network",
            f"{message}\n\nAdopt the file's architecture (layers, activations, features) and "
            "start from its weights? The current network is replaced.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel'."""
        box = plain_box(self.window, QMessageBox.Icon.Question, "Unsaved changes",
                        "This run has changes that are not saved in a workspace.",
                        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                        | QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(
            QMessageBox.StandardButton(answer), "cancel")

    def may_discard(self) -> bool:
        """True when the current run may be replaced (saved first if the user wants)."""
        if not self.confirm_unsaved:
            return True
        snap = self.client.sync()  # every command sent so far has run: its dirty state is true
        if snap is None or not snap.file.dirty:
            return True
        self.client.send(c.Pause())  # nothing trains behind the question
        answer = self.ask_unsaved()
        if answer == "cancel":
            if snap.running:
                self.client.send(c.Run())  # as it was
            return False
        if answer == "save":
            return self._save_and_check(snap.file.path)
        return True

    def may_close(self) -> bool:
        return self.may_discard()

    def _save_and_check(self, path: str | None) -> bool:
        path = path or self._ask_workspace_path()
        if not path:
            return False
        self.save_to(path)
        snap = self.client.sync()  # the save has run by now
        return snap is not None and not snap.file.dirty
