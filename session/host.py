"""Run a Session on its own: handle commands as they arrive, train in chunks while the run
plays, and send snapshots out, at once after each command and at most every
``PUBLISH_INTERVAL`` while training.

The host only needs an inbox it can poll and a function to send with, so the same loop runs
in a thread of the window's process (queues) or in a process of its own (a multiprocessing
pipe), where training never competes with the window for the interpreter lock. ``serve`` is
that process's entry point.

Messages in: session commands, ``Sync`` (answered with ``Synced`` after every earlier command),
``Resync`` (the next snapshot whole) and ``Stop``. Messages out: ``Published`` snapshots,
``Synced`` and the session's events.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from engine.scenario import Scenario
from session.history_delta import WHOLE, HistoryReceiver, HistorySender
from session.session import CancelFlag, Session
from session.snapshot import Snapshot

CHUNK_SECONDS = 0.010
"""Training between two looks at the inbox."""
PUBLISH_INTERVAL = 1.0 / 36.0
"""Seconds between snapshots while training (a little faster than the window draws)."""


@dataclass(frozen=True)
class Sync:
    """Ask for a snapshot that reflects every command sent before this."""

    token: int


@dataclass(frozen=True)
class Stop:
    """End the host's loop."""


@dataclass(frozen=True)
class Resync:
    """Send the next snapshot whole: the receiver lost track of what it was sent."""


@dataclass(frozen=True)
class Published:
    """A snapshot. Parts that repeat from the previous one (the data of one generation, maps
    that were not refreshed) are left out as None, named in ``omitted``, and put back by
    ``Receiver``; of the history, only the rows from ``history_from`` on (``WHOLE``: all)."""

    snapshot: Snapshot
    omitted: tuple[str, ...] = ()
    history_from: int = WHOLE


@dataclass(frozen=True)
class Synced:
    token: int
    snapshot: Snapshot | None


class Inbox(Protocol):
    def poll(self, timeout: float | None = None) -> bool: ...
    def recv(self) -> Any: ...


class SessionHost:
    """The loop around one Session (see the module docstring)."""

    def __init__(self, scenario: Scenario, inbox: Inbox, send: Callable[[object], None],
                 cancel: CancelFlag | None = None) -> None:
        self._inbox = inbox
        self._send = send
        self.session = Session(scenario, emit=send, cancel=cancel)
        self._last_publish = 0.0
        self._sent: dict[str, object] = {}
        self._history = HistorySender()

    def run(self) -> None:
        self._publish()
        wait: float = 0.0
        while True:
            running = self.session.running and not self.session.cancelled
            if self._inbox.poll(wait if running else None):
                message = self._inbox.recv()
                if isinstance(message, Stop):
                    return
                if isinstance(message, Sync):
                    self._send(Synced(message.token, self.session.snapshot()))
                    continue
                if isinstance(message, Resync):
                    self._sent = {}
                    self._history.reset()
                    self._publish()
                    continue
                self.session.handle(message)
                self._publish()
                wait = 0.0
                continue
            budget = min(CHUNK_SECONDS, max(0.001, self._last_publish + PUBLISH_INTERVAL
                                            - time.perf_counter()))
            next_wait = self.session.train_chunk(budget)
            if next_wait is None:  # paused or diverged inside the chunk
                self._publish()
                wait = 0.0
                continue
            if time.perf_counter() - self._last_publish >= PUBLISH_INTERVAL:
                self._publish()
            wait = next_wait

    def _publish(self) -> None:
        snap = self.session.snapshot()
        self._last_publish = time.perf_counter()
        if snap is None:
            return
        # Parts that are the very objects sent last time are left out (the receiver keeps
        # them): the data of one generation, maps and scores not refreshed, an unchanged
        # scenario (custom data can hold 10⁵ numbers).
        same = tuple(part for part in REPEATABLE
                     if getattr(snap, part) is self._sent.get(part, _NOTHING))
        self._sent = {part: getattr(snap, part) for part in REPEATABLE}
        start, rows = self._history.part(snap.history)
        lean = replace(snap, **dict.fromkeys(same), history=rows)  # type: ignore[arg-type]
        self._send(Published(lean, same, start))


_NOTHING = object()

REPEATABLE = ("data", "maps", "scenario", "scores")
"""The snapshot's parts a Published message may leave out when they repeat."""


class Receiver:
    """Puts back the parts a ``Published`` snapshot left out (the receiving side's half)."""

    def __init__(self) -> None:
        self._kept: dict[str, object] = {}
        self._history = HistoryReceiver()
        self._lost = False

    @property
    def lost(self) -> bool:
        """Whether snapshots are being dropped until a whole one comes."""
        return self._lost

    def complete(self, message: Published) -> Snapshot | None:
        """The whole snapshot; None when it cannot be put back (history rows that do not
        follow those held: a snapshot went missing). Then every snapshot is None until one
        comes whole, which ``Resync`` asks the host for."""
        snap = message.snapshot
        whole = message.history_from == WHOLE and not message.omitted
        if self._lost and not whole:
            return None
        try:
            kept = {part: self._kept[part] for part in message.omitted}
            history = self._history.complete(message.history_from, snap.history)
        except (KeyError, ValueError):
            self._lost = True
            return None
        self._lost = False
        snap = replace(snap, **kept, history=history)  # type: ignore[arg-type]
        self._kept = {part: getattr(snap, part) for part in REPEATABLE}
        return snap


def serve(inbox: Any, outbox: Any, scenario: Scenario, cancel: CancelFlag) -> None:
    """Entry point of the training process: host a Session between two pipe ends."""
    import signal

    from engine.blas import limit_blas_threads

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in the terminal is the window's
    limit_blas_threads()
    try:
        SessionHost(scenario, inbox, outbox.send, cancel).run()
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the window has gone: nothing left to tell
    finally:
        inbox.close()
        outbox.close()
