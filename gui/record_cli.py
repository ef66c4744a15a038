"""``python main.py record PRESET|WORKSPACE --epochs N --out clip.gif``: train (or step one
minibatch phase by phase) in an offscreen window and write the chosen views as an animation.

Every option is checked before Qt starts; a mistake is one line on stderr and exit code 2.
Training: a frame at epoch 0, then one every K epochs up to N (``ceil(N / K) + 1`` frames),
each lasting 1/fps s, the first and last held for ``--hold`` s. ``--phases``: after N epochs
(default 0), one frame per phase of the next minibatch's step, each held ``--hold`` s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from engine.fileio import WriteError, write_failure
from gui.record_options import (
    DEFAULT_FPS,
    DEFAULT_HOLD,
    MAX_FPS,
    MIN_FPS,
    TARGET_FRAMES,
    OptionError,
    check_size,
)

if TYPE_CHECKING:
    from gui.animation import FrameStore
    from gui.capture import Capture
    from gui.record_job import Job
    from session.snapshot import Snapshot

EXIT_BAD_INPUT, EXIT_DIVERGED, EXIT_INTERRUPTED = 2, 3, 130
WINDOW_SIZE = (1440, 900)
"""The offscreen window's size (as for --screenshot): the views get their usual room."""
WAIT_S = 120.0
"""Seconds to wait for one chunk of training or one phase before giving up."""
STEADY_TRIES = 20


def add_parser(sub: argparse._SubParsersAction) -> None:
    """The ``record`` command's options (values are checked by ``run``, one line each)."""
    r = sub.add_parser(
        "record", help="train or step in an offscreen window and write a GIF, PNG or MP4",
        description="Record the diagram, output view, loss plot or whole window while a "
        "preset or workspace trains (or while one step runs phase by phase) as an animated "
        "GIF, animated PNG or MP4 video.")
    r.add_argument("source", metavar="PRESET_OR_WORKSPACE")
    r.add_argument("--epochs", metavar="N",
                   help="epochs to train and record; with --phases, epochs to train first "
                   "(default 0)")
    r.add_argument("--out", metavar="FILE",
                   help="clip.gif, clip.png (animated PNG) or clip.mp4 (needs imageio-ffmpeg)")
    r.add_argument("--what", default="diagram,output", metavar="VIEWS",
                   help="diagram, output, loss, several joined by commas, or window "
                   "(default diagram,output)")
    r.add_argument("--fps", metavar="F", help=f"frames per second, {MIN_FPS}–{MAX_FPS} "
                   f"(default {DEFAULT_FPS})")
    r.add_argument("--every", metavar="K", help="a frame every K epochs (default: about "
                   f"{TARGET_FRAMES} frames in all)")
    r.add_argument("--width", metavar="W", help="frame width in pixels (height follows)")
    r.add_argument("--height", metavar="H", help="frame height in pixels (width follows)")
    r.add_argument("--scale", metavar="S",
                   help="frame size as a multiple of the size on screen (default 1)")
    r.add_argument("--phases", action="store_true",
                   help="record one training step phase by phase instead of training")
    r.add_argument("--no-caption", action="store_true",
                   help="leave out the line above the views that gives the epoch and loss "
                   "(or the phase)")
    r.add_argument("--hold", metavar="SECONDS", help="how long each phase frame, and the "
                   f"first and last frame of training, lasts (default {DEFAULT_HOLD:g})")


class Failed(Exception):
    """One line for stderr, and the exit code."""

    def __init__(self, text: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(text)
        self.code = code


def run(args: argparse.Namespace) -> int:
    """The ``record`` command: exit 0 and one line saying what was written."""
    from gui.record_job import parse  # Pillow and NumPy load only for this command

    try:
        job = parse(args)
    except (OptionError, WriteError) as e:
        sys.stderr.write(f"error: {e}\n")
        return EXIT_BAD_INPUT
    with _quiet_offscreen_warning():
        return _run(job)


def _run(job: Job) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a recording needs no screen
    dialogs = os.environ.get("BACKPROP_NO_DIALOGS")
    os.environ["BACKPROP_NO_DIALOGS"] = "1"  # nobody to answer one: failures are our line
    from PySide6.QtWidgets import QApplication

    from engine.blas import limit_blas_threads
    from gui.main_window import MainWindow

    limit_blas_threads()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = None
    try:
        window = MainWindow(None if job.workspace else job.source,
                            workspace=job.source if job.workspace else None)
        window.files.confirm_unsaved = False
        line, code = HeadlessRecording(app, window, job).record()
    except Failed as e:
        sys.stderr.write(f"error: {e}\n" if e.code != EXIT_INTERRUPTED else f"{e}\n")
        return e.code
    finally:
        if window is not None:
            window.close()
        if dialogs is None:
            del os.environ["BACKPROP_NO_DIALOGS"]
    print(line)
    return code


class Stopped(Exception):
    """Recording ends early (Ctrl-C, a full store, divergence): the frames so far are
    written; ``str()`` says why."""


class HeadlessRecording:
    """One headless recording: drives the window and collects its frames."""

    def __init__(self, app, window, job: Job) -> None:
        from session.events import Diverged, FileFailed, Refused

        self.app, self.window, self.job = app, window, job
        self.failure: str | None = None
        self.stop: str | None = None
        """Why recording ended early, once it has."""
        self.presses = 0
        """Ctrl-C presses: the first stops recording and writes the frames so far, the second
        stops writing (nothing is written)."""

        def on_event(event: object) -> None:
            if isinstance(event, Diverged):
                self.stop = event.text
            elif isinstance(event, FileFailed):
                self.failure = f"{event.title}: {event.message}"
            elif isinstance(event, Refused):
                self.failure = event.text

        window.client.eventArrived.connect(on_event)

    def _on_sigint(self, signum: int, frame: object) -> None:
        self.presses += 1
        if self.presses == 1:
            sys.stderr.write("interrupted: writing the frames so far (Ctrl-C again to write "
                             "nothing)\n")
            self.stop = self.stop or "interrupted"

    def wait(self, done: Callable[[], bool], what: str) -> None:
        """Run the event loop until ``done()``; Failed on an error event or after WAIT_S,
        Stopped on Ctrl-C."""
        from PySide6.QtCore import QEventLoop, QTimer

        deadline = time.monotonic() + WAIT_S
        ticker = QTimer()
        ticker.start(200)  # wakes the loop to look at the clock and for Ctrl-C
        while not done():
            if self.failure is not None:
                raise Failed(self.failure)
            if self.presses:
                raise Stopped("interrupted")
            if time.monotonic() > deadline:
                raise Failed(f"the window did not {what} within {WAIT_S:.0f} s")
            self.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        ticker.stop()

    def settle(self, what: str) -> Snapshot:
        """Wait until the window has drawn a snapshot of every command sent, idle."""
        w = self.window

        def drawn() -> bool:
            snap = w.rendered
            return (snap is not None and snap.handled >= w.client.sent and not snap.running
                    and w.snapshot is snap)

        self.wait(drawn, what)
        snap: Snapshot = w.rendered
        return snap

    def steady(self, capture: Capture) -> None:
        """Let a window just shown finish laying itself out (word-wrapped labels, plot ranges
        fitted to their new size): until two grabs, an event-loop turn apart, agree."""
        import numpy as np

        previous = None
        for _ in range(STEADY_TRIES):
            self.app.processEvents()
            frame = capture.grab(self.window.rendered)
            if previous is not None and np.array_equal(frame, previous):
                return
            previous = frame

    def record(self) -> tuple[str, int]:
        """Record and write; (the line to print, the exit code)."""
        import signal
        import threading

        handles = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, self._on_sigint) if handles else None
        try:
            return self._record()
        finally:
            if handles:
                signal.signal(signal.SIGINT, previous)

    def _record(self) -> tuple[str, int]:
        from gui.animation import Cancelled, FrameStore, write_animation
        from gui.capture import Capture
        from gui.recording import summary

        w, job, s = self.window, self.job, self.job.settings
        w.resize(*WINDOW_SIZE)
        w.show()
        try:
            self.settle("open" if not job.workspace else "open the workspace")
        except Stopped:
            raise Failed("interrupted; nothing written", EXIT_INTERRUPTED) from None
        capture = Capture(w, s.views, s.size, s.caption)
        try:
            check_size(capture.size)
        except OptionError as e:
            raise Failed(str(e)) from None
        store = FrameStore(*capture.size, s.fps)
        self.steady(capture)
        try:
            self._frames(store, capture)
        except Stopped as e:
            self.stop = str(e)

        def progress(done: int, total: int) -> None:
            if self.presses > 1:
                raise Cancelled
            if show is not None:
                show(done, total)

        show = _terminal_progress(job.out)
        try:
            size = write_animation(store, job.out, s.format, progress)
        except Cancelled:
            raise Failed("interrupted; nothing written", EXIT_INTERRUPTED) from None
        except (OSError, ValueError) as e:
            raise Failed(write_failure(job.out, e)) from None
        line = f"wrote {summary(job.out, store, size)}"
        if self.stop is None:
            return line, 0
        code = EXIT_INTERRUPTED if self.presses else EXIT_DIVERGED if "diverged" in \
            self.stop else 0
        return f"{line} (stopped: {self.stop})", code

    def _frames(self, store: FrameStore, capture: Capture) -> None:
        """Train (or step) and grab; Stopped when recording ends early."""
        from session.commands import StepUnit, TrainEpochs

        w, job, s = self.window, self.job, self.job.settings

        def grab(ticks: int) -> None:
            if not store.add(capture.grab(w.rendered), ticks):
                raise Stopped(f"at {len(store)} frames, {store.full}")

        if job.phases:
            if job.epochs:
                w.send(TrainEpochs(job.epochs))
                self.settle(f"train {job.epochs} epochs")
            w.controls.granularity.setCurrentIndex(
                w.controls.granularity.findData(StepUnit.PHASE))
            for _ in range(1000):
                w.step()
                snap = self.settle("run the next phase")
                grab(s.hold_ticks)
                if self.stop or snap.trace is None or snap.trace.done:
                    return
            return
        grab(s.hold_ticks)
        done = 0
        while done < job.epochs and not self.stop:
            chunk = min(s.every, job.epochs - done)
            w.send(TrainEpochs(chunk))
            self.settle(f"train epoch {done + chunk}")
            done += chunk
            grab(s.hold_ticks if done >= job.epochs or self.stop else 1)


@contextlib.contextmanager
def _quiet_offscreen_warning() -> Iterator[None]:
    """Drop the offscreen platform's "does not support propagateSizeHints()" notice, so that
    the command prints only its own line; every other Qt message goes where it went before."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(kind: QtMsgType, context: QMessageLogContext, text: str) -> None:
        if "propagateSizeHints" in text:
            return
        if previous is not None:
            previous(kind, context, text)
        else:
            sys.stderr.write(f"{text}\n")

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def _terminal_progress(path: str) -> Callable[[int, int], None] | None:
    """A one-line progress bar on a terminal's stderr (nothing when it is redirected)."""
    if not sys.stderr.isatty():
        return None
    name = os.path.basename(path)

    def show(done: int, total: int) -> None:
        filled = round(30 * done / max(1, total))
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\rwriting {name} [{'#' * filled}{'.' * (30 - filled)}] "
                         f"{done}/{total}{end}")
        sys.stderr.flush()

    return show


__all__ = ["add_parser", "run"]
