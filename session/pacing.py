"""How much to train next while a run plays: the speed throttle and the measured rate.

Clock readings are passed in (seconds, e.g. ``time.perf_counter()``), so the rules are tested
without waiting.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

UNLIMITED = 1_000_000_000
"""Epochs a chunk may run when the speed is "max" (the time budget ends it first)."""


@dataclass(frozen=True)
class Due:
    """What the next chunk may do: train up to ``epochs`` epochs, or wait ``wait_s``."""

    epochs: int
    wait_s: float = 0.0


class Pacer:
    """Keeps a run near the chosen epochs per second and measures the rate it reaches."""

    def __init__(self) -> None:
        self.speed = 0.0
        """Epochs per second; 0 trains as fast as possible."""
        self._since = (0.0, 0)
        self._rate: deque[tuple[float, int]] = deque(maxlen=30)

    def start(self, now: float, epoch: int) -> None:
        """Count from here (a run starts, the speed changes or the model is rebuilt)."""
        self._since = (now, epoch)

    def set_speed(self, epochs_per_second: float, now: float, epoch: int) -> None:
        self.speed = max(0.0, float(epochs_per_second))
        self.start(now, epoch)

    def due(self, now: float, epoch: int) -> Due:
        """Epochs the next chunk may train; with none due, how long to wait (1–100 ms)."""
        if self.speed <= 0:
            return Due(UNLIMITED)
        start_time, start_epoch = self._since
        done = epoch - start_epoch
        due = int((now - start_time) * self.speed) - done
        if due > 0:
            return Due(due)
        wait = (done + 1) / self.speed - (now - start_time)
        return Due(0, min(0.1, max(0.001, wait)))

    def record(self, now: float, epoch: int) -> None:
        """Note the epoch reached after a chunk."""
        self._rate.append((now, epoch))

    def clear(self) -> None:
        self._rate.clear()

    def epochs_per_second(self) -> float:
        """The rate over the last chunks (0 until two are recorded)."""
        if len(self._rate) < 2:
            return 0.0
        (t0, e0), (t1, e1) = self._rate[0], self._rate[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0
