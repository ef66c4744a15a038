"""Record animation: the Record button (``recordButton``) and File › Record animation… grab the
chosen views on the snapshots the window renders, and Stop writes them as a GIF, animated PNG
or MP4 (with a progress dialog; the encoding runs on a helper thread).

Frames are taken only after the window has drawn a snapshot, never on a timer, so they show
exactly what the window showed. While training runs, a frame is taken at most ``fps`` times a
wall-clock second and lasts until the next (so the clip keeps real time), or once every K
epochs and lasts one frame time (1/fps s); never so often that grabbing takes more than a
third of the window's time. A picture shown after a
Step (a phase, say) or a pause lasts the hold time (1 s by default), long enough to read.
"""

from __future__ import annotations

import math
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QSpacerItem,
    QToolButton,
)

from engine.fileio import format_size, write_failure
from gui.animation import Cancelled, FrameStore, write_animation
from gui.capture import Capture
from gui.files import plain_box
from gui.record_dialog import RecordDialog, named
from gui.record_options import (
    FORMAT_FILTERS,
    FORMAT_SUFFIX,
    OptionError,
    RecordSettings,
    check_size,
    format_for,
)
from gui.theme import current
from session.snapshot import Snapshot

IDLE_TIP = ("Record animation: the diagram, output view, loss plot or whole window as an "
            "animated GIF, PNG or MP4 while you train or step (also File › Record animation…)")
GRAB_SHARE = 3.0
"""Grabs are at least this many times their own cost apart while training runs: capturing
takes at most a third of the window's time, however large the views."""
RECORD_TEXT, STOP_TEXT = "●", "■"
"""The toolbar has no room for words at 1024 pixels: a dot to record, a square to stop."""


def summary(path: str, store: FrameStore, size: int) -> str:
    """One line for a written clip: its name, frames, size in pixels, length and bytes."""
    return (f"{Path(path).name}: {len(store)} frames, {store.width}×{store.height}, "
            f"{store.fps} fps, {store.seconds:.1f} s, {format_size(size)}")


class Recorder(QObject):
    """Records the window's views while it trains or steps; installed once by the window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.settings = RecordSettings()
        """The choices of the last recording (the dialog starts from them)."""
        self.store: FrameStore | None = None
        """The recording in progress (None when not recording)."""
        self.capture: Capture | None = None
        self.last_saved: tuple[str, int] | None = None
        """(path, bytes) of the last clip written."""
        self.writing: Future[int] | None = None
        self._last_grab = -math.inf
        self._grab_cost = 0.0
        self._next_epoch = 0
        self._folder = ""
        self.button = named(QToolButton(), "recordButton", "Record animation", IDLE_TIP)
        self.button.setText(RECORD_TEXT)
        self.button.setCheckable(True)
        self.button.setStyleSheet(
            f"QToolButton {{ color: {current().hex('error')}; font-weight: bold; }}")
        self.button.clicked.connect(self._on_button)
        self._place_button()
        self.action = QAction("Record a&nimation…", window)
        self.action.setObjectName("recordAction")
        self.action.triggered.connect(lambda: self._on_button(not self.recording))
        self._place_action()
        window.frameRendered.connect(self.on_rendered)  # type: ignore[attr-defined]
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Closing the window while recording asks first: the frames would be lost."""
        if watched is self.window and event.type() == QEvent.Type.Close and \
                self.store is not None and len(self.store) and not self.may_discard():
            event.ignore()
            return True
        return False

    def _place_button(self) -> None:
        """In the toolbar after the speed, before the stretch that pushes the preset right."""
        bar = self.window.controls.second_row  # type: ignore[attr-defined]
        for i in range(bar.count()):
            spacer = bar.itemAt(i).spacerItem()
            if isinstance(spacer, QSpacerItem) and spacer.expandingDirections() & \
                    Qt.Orientation.Horizontal:
                bar.insertWidget(i, self.button)
                return
        bar.addWidget(self.button)

    def _place_action(self) -> None:
        """In the File menu above Quit (and its separator)."""
        menu = self.window.files.menu  # type: ignore[attr-defined]
        actions = menu.actions()
        quits = [i for i, a in enumerate(actions) if a.text() == "&Quit"]
        before = actions[quits[0] - 1] if quits and quits[0] > 0 else None
        if before is None:
            menu.addAction(self.action)
        else:
            menu.insertAction(before, self.action)

    @property
    def recording(self) -> bool:
        return self.store is not None

    # -- starting and stopping ------------------------------------------------------------------
    @Slot(bool)
    def _on_button(self, checked: bool) -> None:
        if checked and not self.recording:
            settings = self.ask_settings()
            error = None if settings is None else self.start(settings)
            if error:
                self._tell("Cannot record", error)
        elif not checked and self.recording:
            self.finish()
        self._show_state()

    def start(self, settings: RecordSettings) -> str | None:
        """Start recording (the current picture is the first frame); a one-line reason when
        the settings cannot be recorded."""
        if self.writing is not None and not self.writing.done():
            return "the last recording is still being written"
        capture = Capture(self.window, settings.views, settings.size, settings.caption)
        try:
            check_size(capture.size)
        except OptionError as e:
            return str(e)
        self.settings, self.capture = settings, capture
        self.store = FrameStore(*capture.size, settings.fps)
        self._last_grab, self._grab_cost, self._next_epoch = -math.inf, 0.0, 0
        snap = self.window.rendered  # type: ignore[attr-defined]
        if snap is not None:
            self._grab(snap)
        self._show_state()
        self.window.statusBar().showMessage(
            f"Recording the {settings.describe().lower()} ({capture.size[0]}×{capture.size[1]})"
            " — Run or Step; press ■ (or File › Stop recording) to save.", 8000)
        return None

    def stop(self) -> FrameStore | None:
        """End the recording; its frames (None if nothing was recording)."""
        store, self.store, self.capture = self.store, None, None
        if store is not None:
            store.finish()
        self._show_state()
        return store

    def finish(self) -> None:
        """Stop, ask where to save, and write the clip in the background."""
        self.save_dialog(self.stop())

    def save_dialog(self, store: FrameStore | None) -> None:
        """Ask where to save ``store`` (again after a failed write) and write it."""
        while store is not None and len(store):
            path = self.ask_path()
            if not path:
                self.window.statusBar().showMessage("Recording discarded.", 6000)
                return
            try:
                fmt = format_for(path)
            except OptionError as e:
                self._tell("Cannot save the recording", str(e))
                continue
            self.write_in_background(store, path, fmt)
            return

    # -- frames ---------------------------------------------------------------------------------
    @Slot(object)
    def on_rendered(self, snap: Snapshot) -> None:
        """The window drew ``snap``: take a frame if it is time for one."""
        if self.store is None:
            return
        if snap.running:
            since = time.monotonic() - self._last_grab
            if since < GRAB_SHARE * self._grab_cost:
                return
            if self.settings.every > 0 and snap.epoch < self._next_epoch:
                return
            if self.settings.every == 0 and since < 0.98 / self.settings.fps:
                return
            if self.settings.every == 0 and math.isfinite(since):
                # as shown: a frame lasts until the next, so the clip keeps real time even
                # when grabbing a large view allows fewer frames than asked for
                fps = self.settings.fps
                self._grab(snap, min(fps, max(1, round(since * fps))))
                return
        self._grab(snap)

    def _grab(self, snap: Snapshot, ticks: int | None = None) -> None:
        """Take a frame lasting ``ticks`` frame times (default: one while running, else the
        hold time)."""
        assert self.store is not None and self.capture is not None
        started = time.monotonic()
        if snap.running and self.capture.includes_loss:  # the window redraws it 4× a second
            self.window.loss_plot.set_snapshot(snap)  # type: ignore[attr-defined]
        frame = self.capture.grab(snap)
        if ticks is None:
            ticks = 1 if snap.running else self.settings.hold_ticks
        added = self.store.add(frame, ticks, extend=snap.running)
        self._last_grab = time.monotonic()
        self._grab_cost = self._last_grab - started
        if self.settings.every > 0:
            self._next_epoch = (snap.epoch // self.settings.every + 1) * self.settings.every
        if not added:
            self.window.statusBar().showMessage(
                f"Recording stopped at {len(self.store)} frames: {self.store.full}.", 10000)
            QTimer.singleShot(0, self.finish)
        self._show_state()

    def _show_state(self) -> None:
        store = self.store
        self.button.setChecked(store is not None)
        self.button.setText(RECORD_TEXT if store is None else STOP_TEXT)
        if store is None:
            self.button.setToolTip(IDLE_TIP)
            self.action.setText("Record a&nimation…")
            return
        so_far = f"{len(store)} frames, {store.seconds:.1f} s so far"
        self.button.setToolTip(f"Recording ({so_far}): press to stop and save")
        self.action.setText(f"Stop recording and save ({so_far})…")

    # -- writing --------------------------------------------------------------------------------
    def write_in_background(self, store: FrameStore, path: str, fmt: object) -> None:
        """Encode on a helper thread behind a cancellable progress dialog."""
        total = len(store) + 1
        dialog = QProgressDialog(f"Writing {Path(path).name}…", "Cancel", 0, total, self.window)
        dialog.setObjectName("recordProgress")
        dialog.setAccessibleName("Writing the recording")
        dialog.setWindowTitle("Record animation")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        cancel = threading.Event()
        done = [0, total]

        def progress(n: int, of: int) -> None:
            done[:] = [n, of]
            if cancel.is_set():
                raise Cancelled

        pool = ThreadPoolExecutor(1, thread_name_prefix="recordWriter")
        self.writing = pool.submit(write_animation, store, path, fmt, progress)  # type: ignore
        pool.shutdown(wait=False)
        timer = QTimer(self)
        timer.setInterval(100)

        def poll() -> None:
            if dialog.wasCanceled():
                cancel.set()
            dialog.setMaximum(done[1])
            dialog.setValue(min(done[0], done[1] - 1))
            assert self.writing is not None
            if self.writing.done():
                timer.stop()
                dialog.reset()
                dialog.deleteLater()
                self._written(store, path, self.writing)

        timer.timeout.connect(poll)
        timer.start()
        self._folder = str(Path(path).parent)

    def _written(self, store: FrameStore, path: str, future: Future[int]) -> None:
        error = future.exception()
        if error is None:
            self.last_saved = (path, future.result())
            self.window.statusBar().showMessage(f"Saved {summary(path, store, future.result())}.",
                                                10000)
        elif isinstance(error, Cancelled) or not isinstance(error, Exception):
            self.window.statusBar().showMessage("Recording not saved: cancelled.", 6000)
        else:  # the frames are kept: another file may do
            self._tell("Cannot save the recording", write_failure(path, error))
            self.save_dialog(store)

    # -- questions (overridable in tests) -------------------------------------------------------
    def ask_settings(self) -> RecordSettings | None:
        if os.environ.get("BACKPROP_NO_DIALOGS"):
            return self.settings
        dialog = RecordDialog(self.window, self.settings,
                              lambda views, captioned: Capture(
                                  self.window, views, self.settings.size, captioned
                              ).natural_size())
        return dialog.settings() if dialog.exec() else None

    def may_discard(self) -> bool:
        """True to close and lose the recording in progress; False keeps the window open."""
        if os.environ.get("BACKPROP_NO_DIALOGS") or not self.window.isVisible():
            return True
        assert self.store is not None
        box = plain_box(self.window, QMessageBox.Icon.Question, "Record animation",
                        f"A recording of {len(self.store)} frames is not saved yet. Close "
                        "and discard it? (Press ■ to save it first.)",
                        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Discard

    def ask_path(self) -> str:
        if os.environ.get("BACKPROP_NO_DIALOGS"):
            return ""
        fmt = self.settings.format
        suggestion = os.path.join(self._folder, "backprop" + FORMAT_SUFFIX[fmt])
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the recording", suggestion,
                                              FORMAT_FILTERS[fmt])
        if path and not Path(path).suffix:
            path += FORMAT_SUFFIX[fmt]
        return path

    def _tell(self, title: str, text: str) -> None:
        self.window.statusBar().showMessage(f"{title}: {text}", 10000)
        if self.window.isVisible() and not os.environ.get("BACKPROP_NO_DIALOGS"):
            plain_box(self.window, QMessageBox.Icon.Warning, title, text,
                      QMessageBox.StandardButton.Ok).exec()
