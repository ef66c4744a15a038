"""How many predictions of an evaluation are right, in a few cheap NumPy calls.

The evaluation runs after every epoch on both sets, so its accuracy is replayed thousands of
times. ``argmax`` along the class axis of a (K, N) buffer is slow in NumPy: it copies the
buffer transposed and then makes N tiny reductions (measured 20-30 µs for 10 × 1258, a tenth
of a digits evaluation). The same count comes from whole-array calls:

    sample n is right  ⇔  o[yₙ, n] is the column maximum and no earlier class reaches it,

and the second half matters only when a column's maximum is reached twice (a tie, e.g. a
network whose weights are all zero). So the calls gather o[yₙ, n], compare it with the column
maxima and count, and also mark every entry equal to its column's maximum; ``counts`` uses the
fast count of a set when exactly one entry per sample is marked (no ties, no NaN) and falls
back to ``argmax`` otherwise, so the result is always argmax's, first index winning ties.

The columns may hold several sets side by side (the training and test sets of one
evaluation): each set is counted on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from engine.calls import dot

Call = Callable[[], object]


class AccuracyCount:
    """Calls counting right predictions of output buffer ``o`` ((K, N), K > 1: argmax; K = 1:
    above ``threshold``) against ``labels`` (N,), per set of columns (``sets``, default: all
    N); ``counts()`` reads the results after the calls have run."""

    def __init__(self, o: np.ndarray, labels: np.ndarray, threshold: float,
                 top: np.ndarray | None = None, sets: tuple[slice, ...] | None = None) -> None:
        """``top`` (N,): o's column maxima, when an earlier call fills them anyway (read,
        not recomputed; K > 1 only)."""
        k, n = o.shape
        self._o = o
        self._labels = labels.astype(np.intp)
        self._sets = (slice(0, n),) if sets is None else sets
        self._right = [np.zeros(()) for _ in self._sets]
        hits = np.empty(n)  # 1.0 where the prediction is right: counted by a dot with ones
        tallies = tuple(partial(dot, hits[s], np.ones(len(hits[s])), right)
                        for s, right in zip(self._sets, self._right, strict=True))
        self._at_top: np.ndarray | None = None
        if k == 1:
            above = np.empty(n, dtype=bool)
            self.calls: tuple[Call, ...] = (
                partial(np.greater, o[0], np.full(n, threshold), above),
                partial(np.equal, above, self._labels.astype(bool), hits), *tallies)
            return
        if not o.flags.c_contiguous:  # no flat view to gather from: argmax it is
            predicted = np.empty(n, dtype=np.intp)
            self.calls = (partial(o.argmax, 0, predicted),
                          partial(np.equal, predicted, self._labels, hits), *tallies)
            return
        flat = o.view()
        flat.shape = (o.size,)
        picked = np.empty(n)
        self._at_top = np.empty((k, n), dtype=bool)
        where = self._labels * n + np.arange(n)  # o[yₙ, n] in the flat buffer
        maxima: tuple[Call, ...] = ()
        if top is None:
            top = np.empty(n)
            maxima = (partial(np.maximum.reduce, o, 0, None, top),)
        self.calls = (
            *maxima,
            partial(flat.take, where, 0, picked, "wrap"),  # "wrap": straight into ``picked``
            partial(np.equal, picked, top, hits), *tallies,
            partial(np.equal, o, top, self._at_top),
        )

    def counts(self) -> tuple[int, ...]:
        """Right predictions in each set, as ``argmax`` (or the threshold) decides them."""
        fast = tuple(int(right) for right in self._right)
        at_top = self._at_top
        if at_top is None or int(np.count_nonzero(at_top)) == self._labels.size:
            return fast
        return tuple(  # a tie or NaN somewhere: argmax the sets it is in
            count if int(np.count_nonzero(at_top[:, s])) == len(self._labels[s])
            else int(np.count_nonzero(self._o[:, s].argmax(0) == self._labels[s]))
            for s, count in zip(self._sets, fast, strict=True))
