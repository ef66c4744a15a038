"""Per-epoch loss and accuracy (and R² for regression), in bounded memory however long the run.

Entry ``k`` is measured after ``epochs[k]`` epochs; entry 0 is the untrained network. Once the
history holds ``capacity`` points it keeps every other one and doubles its recording stride, so
a run of millions of epochs still spans the whole run in at most ``capacity`` points. The most
recent measurement is always kept separately in ``latest``.

Values live in a preallocated array, so handing a copy to the window each frame is cheap.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

COLUMNS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
"""The columns every workspace and history CSV has."""
R2_COLUMNS = ("train_r2", "test_r2")
"""Regression's coefficient of determination per epoch (NaN for classification); files
store them only when they apply, and files without them read as NaN."""
ALL_COLUMNS = COLUMNS + R2_COLUMNS


class Metrics(NamedTuple):
    """Loss and accuracy on the training and test sets at one moment.

    Losses are per sample (the mean over the set) whatever the training reduction, so runs with
    different batch sizes or reductions compare directly. NaN marks what does not apply: no test
    set, accuracy for regression, R² for classification.
    """

    epoch: int
    train_loss: float
    test_loss: float
    train_accuracy: float
    test_accuracy: float
    train_r2: float = math.nan
    test_r2: float = math.nan


class History:
    """Bounded record of ``Metrics``, decimated by two whenever it fills up."""

    def __init__(self, capacity: int = 20_000) -> None:
        if capacity < 4:
            raise ValueError("history capacity must be at least 4")
        self.capacity = capacity
        self.stride = 1
        self._epochs = np.zeros(capacity, dtype=np.int64)
        self._values = np.zeros((capacity, len(ALL_COLUMNS)))
        self._n = 0
        self.latest: Metrics | None = None

    def record(self, m: Metrics) -> None:
        self.latest = m
        if m.epoch % self.stride:
            return
        n = self._n
        self._epochs[n] = m.epoch
        self._values[n] = m[1:]
        self._n = n + 1
        if self._n == self.capacity:
            keep = (self._n + 1) // 2
            self._epochs[:keep] = self._epochs[: self._n : 2]
            self._values[:keep] = self._values[: self._n : 2]
            self._n = keep
            self.stride *= 2

    def __len__(self) -> int:
        return self._n

    @property
    def epochs(self) -> np.ndarray:
        return self._epochs[: self._n].copy()

    def column(self, name: str) -> np.ndarray:
        """One column (see ``ALL_COLUMNS``) as a float64 array aligned with ``epochs``."""
        return self._values[: self._n, ALL_COLUMNS.index(name)].copy()

    def as_arrays(self) -> dict[str, np.ndarray]:
        out = {"epoch": self.epochs}
        for i, name in enumerate(ALL_COLUMNS):
            out[name] = self._values[: self._n, i].copy()
        return out

    def truncate_after(self, epoch: int) -> None:
        """Forget entries measured after ``epoch`` (used when a step is undone)."""
        n = int(np.searchsorted(self._epochs[: self._n], epoch, side="right"))
        self._n = n
        if self.latest is not None and self.latest.epoch > epoch:
            self.latest = None
            if n:
                self.latest = Metrics(int(self._epochs[n - 1]), *map(float, self._values[n - 1]))

    def copy(self) -> History:
        """An independent copy that costs only the recorded entries (for undo checkpoints)."""
        h = History.from_arrays(self.epochs, self.as_arrays(), self.stride, self.capacity)
        h.latest = self.latest
        return h

    @classmethod
    def from_arrays(
        cls, epochs: np.ndarray, columns: dict[str, np.ndarray], stride: int = 1,
        capacity: int = 20_000,
    ) -> History:
        n = len(epochs)
        h = cls(max(capacity, n + 1))
        h.stride = stride
        h._epochs[:n] = epochs
        for i, c in enumerate(ALL_COLUMNS):  # a column left out (R² of older files) is NaN
            h._values[:n, i] = columns.get(c, math.nan)
        h._n = n
        if n:
            h.latest = Metrics(int(h._epochs[n - 1]), *map(float, h._values[n - 1]))
        return h
