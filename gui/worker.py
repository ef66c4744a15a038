"""The thread a run lives in: a thin Qt wrapper that paces a ``Session`` and publishes it.

Pattern (measured in DESIGN-NOTES):

* ``TrainingWorker`` is a QObject moved to a QThread. It owns the ``Session``; only this thread
  ever touches it. While running it trains in chunks of about 10 ms, re-armed by a 0 ms
  single-shot QTimer, and returns to its event loop between chunks, so commands (one queued
  slot, ``handle``) apply in order between chunks with no locks.
* It publishes an immutable ``Snapshot`` at most every ~28 ms while training, and at once after
  every command.
* ``WorkerClient`` lives in the GUI thread: ``send(command)`` out; snapshots and events in.
  Worker signals are connected only to its ``@Slot`` methods, never to lambdas (a lambda would
  run in the worker thread). It keeps only the newest snapshot and drops stale generations.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from engine.scenario import Scenario
from session.commands import Command
from session.events import Event, RunningChanged
from session.session import Session
from session.snapshot import Snapshot

CHUNK_SECONDS = 0.010
PUBLISH_INTERVAL = 1.0 / 36.0


class TrainingWorker(QObject):
    """Owns the Session; every slot runs in the worker thread."""

    snapshotReady = Signal(object)
    eventReady = Signal(object)

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self._scenario = scenario
        self.session: Session | None = None
        self.synced: Snapshot | None = None
        """The snapshot taken by the last ``sync`` (read by the GUI thread after it)."""
        self._timer: QTimer | None = None
        self._stop = False
        self._last_publish = 0.0

    @Slot()
    def start(self) -> None:
        """Build the session in this thread and publish the first snapshot."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self.session = Session(self._scenario, emit=self.eventReady.emit)
        self._publish()

    @Slot()
    def shutdown(self) -> None:
        """Stop training and end the thread's event loop (the window waits for it)."""
        self._stop = True
        if self._timer is not None:
            self._timer.stop()
        QThread.currentThread().quit()

    def request_stop(self) -> None:
        """Thread-safe: stop training, and end a long command at its next chunk."""
        self._stop = True
        if self.session is not None:
            self.session.cancel()

    @Slot(object)
    def handle(self, command: Command) -> None:
        if self.session is None or self._stop:
            return
        was_running = self.session.running
        self.session.handle(command)
        self._publish()
        if self.session.running and not was_running:
            self._schedule(0)

    @Slot()
    def sync(self) -> None:
        """Called with a blocking connection: a snapshot after every command sent so far."""
        self.synced = None if self.session is None else self.session.snapshot()

    def _schedule(self, delay_ms: int) -> None:
        if self._timer is not None and not self._stop:
            self._timer.start(delay_ms)

    @Slot()
    def _tick(self) -> None:
        s = self.session
        if s is None or self._stop:
            return
        # Train until the next frame is due (at most one chunk), so frames go out on time.
        budget = min(CHUNK_SECONDS, max(0.001, self._last_publish + PUBLISH_INTERVAL
                                        - time.perf_counter()))
        wait = s.train_chunk(budget)
        if wait is None:  # paused or diverged inside the chunk
            self._publish()
            return
        if time.perf_counter() - self._last_publish >= PUBLISH_INTERVAL:
            self._publish()
        self._schedule(int(wait * 1000))

    def _publish(self) -> None:
        if self.session is None:
            return
        snap = self.session.snapshot()
        self._last_publish = time.perf_counter()
        if snap is not None:
            self.snapshotReady.emit(snap)


class WorkerClient(QObject):
    """GUI-thread handle on the worker: commands out, newest snapshot and events in."""

    commandRequested = Signal(object)
    syncRequested = Signal()
    shutdownRequested = Signal()

    snapshotArrived = Signal(object)
    """Re-emitted in the GUI thread with the newest snapshot of the current generation."""
    eventArrived = Signal(object)
    """Every ``session.events.Event``, in the order the session sent them."""
    runningChanged = Signal(bool)

    def __init__(self, scenario: Scenario, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("trainingThread")
        self.worker = TrainingWorker(scenario)
        self.worker.moveToThread(self.thread)
        self.latest: Snapshot | None = None
        self.sent = 0
        """Commands sent so far; a snapshot with ``handled == sent`` reflects all of them."""
        self.running = False
        self._generation = -1
        self.thread.started.connect(self.worker.start)
        self.commandRequested.connect(self.worker.handle)
        self.syncRequested.connect(self.worker.sync, Qt.ConnectionType.BlockingQueuedConnection)
        self.shutdownRequested.connect(self.worker.shutdown)
        self.worker.snapshotReady.connect(self._on_snapshot)
        self.worker.eventReady.connect(self._on_event)
        self.thread.start()

    def send(self, command: Command) -> None:
        self.sent += 1
        self.commandRequested.emit(command)

    @property
    def settled(self) -> bool:
        """True when the newest snapshot reflects every command sent."""
        return self.latest is not None and self.latest.handled >= self.sent

    def sync(self) -> Snapshot | None:
        """Wait for the worker to handle every command sent so far; its snapshot then."""
        if not self.thread.isRunning():
            return self.latest
        self.syncRequested.emit()
        return self.worker.synced

    @Slot(object)
    def _on_snapshot(self, snap: Snapshot) -> None:
        if snap.generation < self._generation:
            return  # queued before a reset: stale
        self._generation = snap.generation
        self.latest = snap
        self.snapshotArrived.emit(snap)

    @Slot(object)
    def _on_event(self, event: Event) -> None:
        if isinstance(event, RunningChanged):
            self.running = event.running
            self.runningChanged.emit(event.running)
        self.eventArrived.emit(event)

    def shutdown(self) -> None:
        """Stop the worker and wait for its thread to end. Long commands check the cancel
        flag every ~0.1 s and loaders are bounded, so this returns quickly; it never leaves a
        running thread behind (Qt aborts the process if one is destroyed while running)."""
        if not self.thread.isRunning():
            return
        self.worker.request_stop()
        self.shutdownRequested.emit()
        self.thread.wait()
