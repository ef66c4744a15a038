"""The loss history crosses to the window as new rows only, not whole, with every snapshot.

A long run's history holds up to 20,000 rows of 7 columns (about 1.1 MB). Sent whole 36 times
a second it was 20 MB/s to pickle, push through the pipe and unpickle, about a tenth of the
training process's time. While a run plays, each snapshot only adds rows at the end, so
``HistorySender`` sends the rows after the ones already sent, and ``HistoryReceiver`` appends
them to what it holds. When the history changed in any other way (a new run, a step undone,
the recorded epoch-0 point refreshed after an edit, every other row dropped when it filled
up), the whole history is sent again.

A history is a dict of equal-length 1-D arrays: ``epoch`` (n,) int and the metric columns
(n,) float64, as ``engine.history.History.as_arrays`` gives it.
"""

from __future__ import annotations

import numpy as np

WHOLE = -1
"""``start`` of a message that carries the whole history."""

Columns = dict[str, np.ndarray]


def _bits(a: np.ndarray) -> np.ndarray:
    """The array's bits as unsigned integers of its width: equal exactly when the values are
    the very same floats (NaN as NaN, −0.0 apart from 0.0)."""
    return a.view(f"u{a.dtype.itemsize}") if a.dtype.kind == "f" else a


def _same_rows(old: Columns, new: Columns, n: int) -> bool:
    """True when ``new``'s first ``n`` rows are ``old``'s rows, bit for bit, column for
    column."""
    if old.keys() != new.keys():
        return False
    return all(old[k].dtype == new[k].dtype
               and np.array_equal(_bits(old[k]), _bits(new[k][:n])) for k in old)


class HistorySender:
    """The sending side: what to send of each snapshot's history."""

    def __init__(self) -> None:
        self._sent: Columns | None = None

    def reset(self) -> None:
        """Send the whole history next time (the receiver starts afresh)."""
        self._sent = None

    def part(self, history: Columns) -> tuple[int, Columns]:
        """(start, rows): the rows from ``start`` on, or (WHOLE, history)."""
        old = self._sent
        self._sent = history
        if old is None or not history:
            return WHOLE, history
        n = len(next(iter(old.values()), ()))
        if len(next(iter(history.values()))) < n or not _same_rows(old, history, n):
            return WHOLE, history
        return n, {k: v[n:] for k, v in history.items()}


class HistoryReceiver:
    """The receiving side: puts each snapshot's history back whole.

    Rows are appended into buffers with room to grow, and each snapshot gets read-only views
    of the first n rows: rows a snapshot sees are never written again (a whole history gets
    new buffers), so a snapshot the window still holds never changes under it."""

    def __init__(self) -> None:
        self._buffers: Columns = {}
        self._n = 0

    def complete(self, start: int, rows: Columns) -> Columns:
        if start == WHOLE:
            self._buffers = {k: np.array(v) for k, v in rows.items()}
            self._n = len(next(iter(rows.values()), ()))
            return self._views()
        if start != self._n or rows.keys() != self._buffers.keys():
            raise ValueError(f"history rows from {start} do not follow the {self._n} held")
        added = len(next(iter(rows.values()), ()))
        capacity = len(next(iter(self._buffers.values()), ()))
        if self._n + added > capacity:
            grown = max(2 * capacity, self._n + added, 64)
            for k, v in self._buffers.items():
                bigger = np.empty(grown, dtype=v.dtype)
                bigger[: self._n] = v[: self._n]
                self._buffers[k] = bigger
        for k, v in rows.items():
            self._buffers[k][self._n: self._n + added] = v
        self._n += added
        return self._views()

    def _views(self) -> Columns:
        out = {}
        for k, v in self._buffers.items():
            view = v[: self._n]
            view.flags.writeable = False
            out[k] = view
        return out
