"""The File menu: workspaces, weight export/import, data CSV, pictures, recent files, and the
unsaved-changes guard.

Reading and writing engine files is the worker's job (it owns the trainer); this module asks
for paths, sends the commands and reports the outcome. Every failure arrives as a one-line
message shown in a dialog; the model stays as it was. Pictures are the one thing written here,
since they are renderings of the widgets: PNG via ``grab`` and SVG via QSvgGenerator, both
through a temporary file and a rename.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QBuffer,
    QEventLoop,
    QIODevice,
    QObject,
    QPoint,
    QSettings,
    QSize,
    QTimer,
    Slot,
)
from PySide6.QtGui import QAction, QKeySequence, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from engine.export import EXPORT_SUFFIXES
from engine.fileio import atomic_write_bytes

if TYPE_CHECKING:
    from gui.main_window import MainWindow
    from gui.worker import WorkerClient

MAX_RECENT = 8
WORKSPACE_FILTER = "Backprop Playground workspace (*.json)"
WEIGHT_FORMATS = [
    ("npz", "NumPy archive (.npz)…", "NumPy archive (*.npz)"),
    ("json", "JSON (.json)…", "JSON (*.json)"),
    ("onnx", "ONNX model (.onnx)…", "ONNX model (*.onnx)"),
    ("py", "Standalone NumPy script (.py)…", "Python script (*.py)"),
    ("csv", "CSV for spreadsheets (.csv)…", "CSV (*.csv)"),
]
ONNX_HINT = ('The ONNX export needs the optional "onnx" package. Install it into the project '
             'environment with:  .venv/bin/pip install -e ".[onnx]"')


def onnx_available() -> bool:
    return importlib.util.find_spec("onnx") is not None


def save_picture(widget: QWidget, path: str) -> None:
    """Write a PNG (pixels as on screen) or SVG (vector) picture of a widget, atomically."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"{Path(path).name}: pictures are saved as .png or .svg")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if suffix == ".png":
        if not widget.grab().save(buffer, "PNG"):
            raise OSError(f"cannot render {Path(path).name}")
    else:
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(widget.width(), widget.height()))
        generator.setViewBox(widget.rect())
        generator.setTitle(widget.accessibleName() or "Backprop Playground")
        painter = QPainter(generator)
        try:
            widget.render(painter, QPoint(0, 0))
        finally:
            painter.end()
    atomic_write_bytes(path, bytes(buffer.data()))


class CsvImportDialog(QDialog):
    """Label column, problem type and train/test split for a CSV data import."""

    def __init__(self, parent: QWidget, path: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import data — {Path(path).name}")
        form = QFormLayout(self)
        self.label = QLineEdit("-1")
        self.label.setToolTip("Column with the labels or targets: a header name, or a number "
                              "(1 = first column, -1 = last)")
        self.task = QComboBox()
        self.task.addItem("Classification (labels are classes)", "classification")
        self.task.addItem("Regression (labels are numbers to predict)", "regression")
        self.train = QSpinBox()
        self.train.setRange(10, 100)
        self.train.setSuffix(" %")
        self.train.setValue(70)
        form.addRow("Label column", self.label)
        form.addRow("Problem", self.task)
        form.addRow("Training share", self.train)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def label_column(self) -> int | str:
        text = self.label.text().strip()
        try:
            n = int(text)
        except ValueError:
            return text
        return n - 1 if n > 0 else n


class FileActions(QObject):
    """Builds the File menu on the window and carries out its commands."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.path: str | None = None
        self.dirty = False
        self._changes = 0
        """Counts changes, so a save that finishes after a later change leaves it unsaved."""
        self._saving: tuple[str, int] | None = None
        self._client: WorkerClient | None = None
        self._saved_loop: QEventLoop | None = None
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
        for fmt, text, filt in WEIGHT_FORMATS:
            act = self._action(export, text, None,
                               lambda _=False, f=fmt, flt=filt: self.export_dialog(f, flt))
            if fmt == "onnx" and not onnx_available():
                act.setText("ONNX model (.onnx) — needs the onnx package…")
                act.setToolTip(ONNX_HINT)
        self._action(menu, "Export data as &CSV…", None,
                     lambda: self.export_dialog("dataset_csv", "CSV (*.csv)"))
        self._action(menu, "Export loss &history as CSV…", None,
                     lambda: self.export_dialog("history_csv", "CSV (*.csv)"))
        pictures = menu.addMenu("Export &picture")
        for name, attr in (("Network diagram", "network_view"), ("Output view", "output_view"),
                           ("Loss plot", "loss_plot")):
            self._action(pictures, f"{name}…", None,
                         lambda _=False, a=attr, n=name: self.picture_dialog(a, n))
        menu.addSeparator()
        self._action(menu, "&Quit", QKeySequence.StandardKey.Quit, window.close)
        self._refresh_recent()

    def _action(self, menu: QMenu, text: str, keys, slot) -> QAction:
        act = QAction(text, self.window)
        if keys is not None:
            act.setShortcut(keys)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def connect_client(self, client: WorkerClient) -> None:
        self._client = client
        client.fileDoneArrived.connect(self._on_done)
        client.fileFailedArrived.connect(self._on_failed)
        client.weightsMismatchArrived.connect(self._on_mismatch)

    # -- state ---------------------------------------------------------------------------------
    def mark_dirty(self) -> None:
        self._changes += 1
        if not self.dirty:
            self.dirty = True
            self._update_title()

    def _update_title(self) -> None:
        name = Path(self.path).name if self.path else "untitled"
        self.window.setWindowTitle(f"{'*' if self.dirty else ''}{name} — Backprop Playground")

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
        self._saving = (path, self._changes)
        self._client.saveRequested.emit(path)

    def open_path(self, path: str) -> None:
        if not self.may_discard():
            return
        self._client.openRequested.emit(path)

    def export_to(self, fmt: str, path: str) -> None:
        if fmt == "onnx" and not onnx_available():
            self._message("ONNX export is not available", ONNX_HINT)
            return
        self._client.exportRequested.emit(fmt, path)

    def import_weights(self, path: str) -> None:
        self.mark_dirty()
        self._client.importWeightsRequested.emit(path)

    def import_csv(self, path: str, label_column: int | str, task: str,
                   train_fraction: float) -> None:
        self.mark_dirty()
        self._client.importCsvRequested.emit(path, label_column, task, train_fraction)

    def save_picture(self, attr: str, path: str) -> bool:
        try:
            save_picture(getattr(self.window, attr), path)
        except (OSError, ValueError) as e:
            self._message("Could not save the picture", str(e))
            return False
        self.window.statusBar().showMessage(f"Saved {path}.", 5000)
        return True

    # -- dialogs -------------------------------------------------------------------------------
    def _ask_path(self, title: str, filt: str, save: bool, suggestion: str = "") -> str:
        if save:
            path, _ = QFileDialog.getSaveFileName(self.window, title, suggestion, filt)
        else:
            path, _ = QFileDialog.getOpenFileName(self.window, title, "", filt)
        return path

    @Slot()
    def open_dialog(self) -> None:
        path = self._ask_path("Open workspace", WORKSPACE_FILTER, save=False)
        if path:
            self.open_path(path)

    @Slot()
    def save(self) -> None:
        if self.path:
            self.save_to(self.path)
        else:
            self.save_as()

    @Slot()
    def save_as(self) -> None:
        path = self._ask_path("Save workspace", WORKSPACE_FILTER, save=True,
                              suggestion=self.path or "workspace.json")
        if path:
            if not path.lower().endswith(".json"):
                path += ".json"
            self.save_to(path)

    def export_dialog(self, fmt: str, filt: str) -> None:
        if fmt == "onnx" and not onnx_available():
            self._message("ONNX export is not available", ONNX_HINT)
            return
        suffix = EXPORT_SUFFIXES.get(fmt, ".csv")
        path = self._ask_path("Export", filt, save=True, suggestion=f"network{suffix}")
        if path:
            self.export_to(fmt, path)

    @Slot()
    def import_weights_dialog(self) -> None:
        path = self._ask_path("Import weights", "Weights (*.npz *.json *.onnx)", save=False)
        if path:
            self.import_weights(path)

    @Slot()
    def import_csv_dialog(self) -> None:
        path = self._ask_path("Import data", "CSV (*.csv *.txt)", save=False)
        if not path:
            return
        dialog = CsvImportDialog(self.window, path)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.import_csv(path, dialog.label_column(), dialog.task.currentData(),
                            dialog.train.value() / 100.0)

    def picture_dialog(self, attr: str, name: str) -> None:
        path = self._ask_path(f"Export picture of the {name.lower()}",
                              "PNG image (*.png);;SVG drawing (*.svg)", save=True,
                              suggestion=f"{attr}.png")
        if path:
            self.save_picture(attr, path)

    # -- outcomes ------------------------------------------------------------------------------
    @Slot(str, str)
    def _on_done(self, what: str, path: str) -> None:
        status = self.window.statusBar()
        if what in ("saved", "opened"):
            self.path = path
            # A change made while the save was on its way is not in the file.
            changed_since = what == "saved" and self._saving is not None and (
                self._saving[1] != self._changes)
            self.dirty = changed_since
            self._saving = None
            self._remember(path)
            self._update_title()
            status.showMessage(f"{what.capitalize()} {path}.", 6000)
            if self._saved_loop is not None:
                self._saved_loop.quit()
        elif what == "exported":
            status.showMessage(f"Exported {path}.", 6000)
        elif what == "imported":
            status.showMessage(f"Weights loaded from {path}; continue training or stepping.",
                               6000)
        elif what == "adopted":
            status.showMessage("Adopted the file's network and weights.", 6000)
        elif what == "data":
            status.showMessage("Data imported; the network was rebuilt"
                               + (f" ({path})." if path else "."), 8000)

    @Slot(str, str)
    def _on_failed(self, title: str, message: str) -> None:
        if self._saved_loop is not None:
            self._saved_loop.quit()
        self._message(title, message)

    @Slot(str, object)
    def _on_mismatch(self, message: str, imported: object) -> None:
        if self.ask_adopt(message):
            self._client.adoptWeightsRequested.emit(imported)

    # -- questions (overridable in tests) ------------------------------------------------------
    def _message(self, title: str, text: str) -> None:
        self.window.statusBar().showMessage(f"{title}: {text}", 10000)
        self.last_message = (title, text)
        if self.window.isVisible() and not os.environ.get("BACKPROP_NO_DIALOGS"):
            QMessageBox.warning(self.window, title, text)

    def ask_adopt(self, message: str) -> bool:
        answer = QMessageBox.question(
            self.window, "Different network",
            f"{message}\n\nAdopt the file's architecture (layers, activations, features) and "
            "start from its weights? The current network is replaced.")
        return answer == QMessageBox.StandardButton.Yes

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel'."""
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          "This run has changes that are not saved in a workspace.",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self.window)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(
            QMessageBox.StandardButton(answer), "cancel")

    def may_discard(self) -> bool:
        """True when the current run may be replaced (saved first if the user wants)."""
        if not self.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == "cancel":
            return False
        if answer == "save":
            return self._save_and_wait()
        return True

    def may_close(self) -> bool:
        return self.may_discard()

    def _save_and_wait(self) -> bool:
        path = self.path
        if not path:
            path, _ = QFileDialog.getSaveFileName(self.window, "Save workspace",
                                                  "workspace.json", WORKSPACE_FILTER)
            if not path:
                return False
        self._saved_loop = QEventLoop()
        QTimer.singleShot(30_000, self._saved_loop.quit)
        self.save_to(path)
        self._saved_loop.exec()
        self._saved_loop = None
        return not self.dirty
