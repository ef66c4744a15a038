"""Loss and accuracy values in JSON, as workspaces write them (their history and pinned runs).

JSON has no NaN: a value that does not apply (no test set, accuracy in regression) is null,
and an infinite loss (one that overflowed) the string "Infinity" or "-Infinity".
"""

from __future__ import annotations

import math
from typing import Any

from engine.io.validate import fail, kind, quote

_INFINITIES = {"Infinity": math.inf, "-Infinity": -math.inf}


def encode_metric(v: float) -> float | str | None:
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def read_metric(v: Any, path: str, accuracy: bool) -> float:
    """A value: a number, null for 'does not apply' (NaN), or a signed Infinity (losses)."""
    if v is None:
        return math.nan
    if isinstance(v, str) and v in _INFINITIES and not accuracy:
        return _INFINITIES[v]
    if not isinstance(v, int | float) or isinstance(v, bool):
        fail(path, f"expected a number or null, got {kind(v)}")
    if accuracy and not 0.0 <= v <= 1.0:
        fail(path, f"an accuracy must lie in 0..1, got {quote(v)}")
    return float(v)
