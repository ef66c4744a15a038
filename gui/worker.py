"""Where a run lives: a ``SessionHost`` in a process of its own (the default) or in a thread.

In its own process the trainer never competes with the window's drawing for the interpreter
lock (DESIGN-NOTES measured the window training at about half of headless speed in a thread).
The thread mode serves tests and scripts that read the engine directly
(``client.host.session.trainer``). Choose with ``BACKPROP_WORKER=process|thread``.

``WorkerClient`` lives in the GUI thread: ``send(command)`` posts to the host's inbox; what the
host sends back arrives on its thread (or the pipe reader's) and is re-emitted through one
queued signal into the GUI thread, where the newest snapshot of the current generation is
kept and events are passed on.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from engine.scenario import Scenario
from session.commands import Command
from session.events import Event, Refused, RunningChanged
from session.host import Published, Receiver, Resync, SessionHost, Stop, Sync, Synced, serve
from session.snapshot import Snapshot

SYNC_TIMEOUT = 30.0
"""Seconds ``sync`` waits for the host before it answers with the newest snapshot it has."""
STOP_TIMEOUT = 1.8
"""Seconds a closing window gives the training process before it is terminated (a process
still starting up, importing NumPy from a cold disk, may need most of it)."""


class QueueInbox:
    """A queue with the two calls ``SessionHost`` needs of a pipe end."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._next: list[Any] = []

    def put(self, message: object) -> None:
        self._queue.put(message)

    def poll(self, timeout: float | None = None) -> bool:
        if not self._next:
            try:
                self._next.append(self._queue.get(timeout=timeout) if timeout != 0
                                  else self._queue.get_nowait())
            except queue.Empty:
                return False
        return True

    def recv(self) -> Any:
        self.poll(None)
        return self._next.pop()


class WorkerClient(QObject):
    """GUI-thread handle on the run: commands out, newest snapshot and events in."""

    _delivered = Signal(object)
    """Emitted on the host's (or reader's) thread; queued into the GUI thread."""
    snapshotArrived = Signal(object)
    """The newest snapshot of the current generation, in the GUI thread."""
    eventArrived = Signal(object)
    """Every ``session.events.Event``, in the order the session sent them."""
    runningChanged = Signal(bool)

    def __init__(self, scenario: Scenario, parent: QObject | None = None,
                 mode: str | None = None) -> None:
        super().__init__(parent)
        self.mode = mode or os.environ.get("BACKPROP_WORKER", "process")
        self.latest: Snapshot | None = None
        self.sent = 0
        """Commands sent so far; a snapshot with ``handled == sent`` reflects all of them."""
        self.running = False
        self.host: SessionHost | None = None
        """The host, in thread mode (None when it runs in its own process)."""
        self._generation = -1
        self._receiver = Receiver()
        self._syncs: queue.SimpleQueue[Synced] = queue.SimpleQueue()
        self._token = 0
        self._stopped = False
        self._delivered.connect(self._on_message)
        if self.mode == "thread":
            self._start_thread(scenario)
        else:
            self._start_process(scenario)

    # -- starting ------------------------------------------------------------------------------
    def _start_thread(self, scenario: Scenario) -> None:
        inbox = QueueInbox()
        self._cancel: Any = threading.Event()
        self.host = SessionHost(scenario, inbox, self._deliver, self._cancel)
        self._post = inbox.put
        self._thread = threading.Thread(target=self.host.run, name="trainingThread",
                                        daemon=True)
        self._thread.start()

    def _start_process(self, scenario: Scenario) -> None:
        ctx = multiprocessing.get_context("spawn")  # no fork of a process that runs Qt
        commands_in, commands_out = ctx.Pipe(duplex=False)
        replies_in, replies_out = ctx.Pipe(duplex=False)
        self._cancel = ctx.Event()
        self._process = ctx.Process(target=serve, name="training", daemon=True,
                                    args=(commands_in, replies_out, scenario, self._cancel))
        self._process.start()
        commands_in.close()
        replies_out.close()
        self._pipe = commands_out
        self._post = commands_out.send
        self._thread = threading.Thread(target=self._read, args=(replies_in,),
                                        name="trainingReader", daemon=True)
        self._thread.start()

    def _read(self, replies: Any) -> None:
        """The reader thread: everything the training process sends, until it ends."""
        while True:
            try:
                message = replies.recv()
            except (EOFError, OSError):
                break
            self._deliver(message)
        replies.close()
        if not self._stopped:
            self._delivered.emit(Refused("the training process ended unexpectedly; save "
                                         "nothing more from this run and restart the app"))

    # -- messages from the host (its thread) -----------------------------------------------------
    def _deliver(self, message: object) -> None:
        if isinstance(message, Synced):
            self._syncs.put(message)
            return
        if isinstance(message, Published):
            was_lost = self._receiver.lost
            whole = self._receiver.complete(message)
            if whole is None:  # one went missing: ask once for a whole one (GUI thread)
                if not was_lost:
                    self._delivered.emit(Resync())
                return
            message = whole
        self._delivered.emit(message)

    @Slot(object)
    def _on_message(self, message: object) -> None:
        if isinstance(message, Resync):
            if not self._stopped:
                self._post(message)  # (not a command: ``sent`` counts those)
            return
        if isinstance(message, Snapshot):
            if message.generation < self._generation:
                return  # queued before a reset: stale
            self._generation = message.generation
            self.latest = message
            self.snapshotArrived.emit(message)
            return
        if isinstance(message, RunningChanged):
            self.running = message.running
            self.runningChanged.emit(message.running)
        if isinstance(message, Event):
            self.eventArrived.emit(message)

    # -- commands (GUI thread) -------------------------------------------------------------------
    def send(self, command: Command) -> None:
        if self._stopped:
            return
        self.sent += 1
        self._post(command)

    @property
    def settled(self) -> bool:
        """True when the newest snapshot reflects every command sent."""
        return self.latest is not None and self.latest.handled >= self.sent

    def is_alive(self) -> bool:
        return not self._stopped and self._thread.is_alive()

    def sync(self) -> Snapshot | None:
        """Wait until the host has handled every command sent so far; its snapshot then."""
        if not self.is_alive():
            return self.latest
        self._token += 1
        self._post(Sync(self._token))
        while True:
            try:
                reply = self._syncs.get(timeout=SYNC_TIMEOUT)
            except queue.Empty:
                return self.latest
            if reply.token == self._token:
                return reply.snapshot

    def shutdown(self) -> None:
        """End the run's host and wait for it: long commands check the cancel flag every
        ~0.1 s; a training process that still has not ended is terminated."""
        if self._stopped:
            return
        self._stopped = True
        self._cancel.set()
        self._post(Stop())
        if self.mode == "thread":
            self._thread.join()
            return
        self._process.join(STOP_TIMEOUT)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._pipe.close()
        self._thread.join(STOP_TIMEOUT)
