"""The cheapest spelling of the NumPy functions a training step replays thousands of times.

``np.dot`` and ``np.copyto`` are wrapped for ``__array_function__`` overrides: each call first
runs a Python dispatcher to find the arguments that could override it. The engine's buffers
are plain float64 ndarrays, so the check never changes anything; the C function behind the
wrapper (``_implementation``, NumPy ≥ 1.25) does the same work about 0.25 µs sooner, on
calls that take about 1 µs. Older NumPy has no such attribute: the public function serves.

Gathers use the array's own ``take`` method for the same reason (``np.take`` is a Python
function that looks the method up on every call: measured 2.0 µs against 1.0 µs for 32 rows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def _unwrapped(function: Callable[..., Any]) -> Callable[..., Any]:
    implementation = getattr(function, "_implementation", None)
    return implementation if callable(implementation) else function


dot: Callable[..., Any] = _unwrapped(np.dot)
"""``np.dot(a, b, out)`` without the override dispatch."""
copyto: Callable[..., Any] = _unwrapped(np.copyto)
"""``np.copyto(dst, src)`` without the override dispatch."""


def flat_view(a: np.ndarray) -> np.ndarray:
    """A 1-D view of a contiguous buffer (N,): never a copy, since precompiled calls must see
    the buffer's data as later calls write it (a non-contiguous buffer raises)."""
    flat = a.view()
    flat.shape = (a.size,)
    return flat
