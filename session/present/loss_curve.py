"""What the loss plot draws: the history with the idle metrics in place, and the loss axis's
span. Qt-free, so the rules are tested without a window.

Arrays are the snapshot's history columns, each (n,) and aligned with ``history["epoch"]``.
"""

from __future__ import annotations

import math

import numpy as np

from engine.history import ALL_COLUMNS, Metrics

LOG_FLOOR = 1e-12
"""Losses are clipped to this before log scaling, so an exact zero cannot break the axis."""
LOSS_CEILING = 1e300
"""The loss axis ends here at most: the plot's view transform overflows (NaN ranges) for
spans near float64's limit of 1.8e308, while a diverging run may record up to there."""


def shown_history(history: dict[str, np.ndarray], metrics: Metrics | None
                  ) -> dict[str, np.ndarray]:
    """The history the plot draws, (n,) per column: when idle, ``metrics`` measure the weights
    shown now (after a weight edit, a weight import or added points), so they replace the
    history's entry for that epoch, and the last dot agrees with the read-out."""
    h = {k: np.asarray(v) for k, v in history.items()}
    if metrics is None:
        return h
    epochs = h.get("epoch", np.zeros(0, dtype=np.int64))
    keep = int(np.searchsorted(epochs, metrics.epoch, side="left"))
    out = {"epoch": np.append(epochs[:keep], metrics.epoch).astype(np.int64)}
    for name in ALL_COLUMNS:
        column = h.get(name, np.full(len(epochs), math.nan))
        out[name] = np.append(column[:keep], float(getattr(metrics, name)))
    return out


def loss_range(losses: list[np.ndarray], log: bool) -> tuple[float, float] | None:
    """(low, high) of the finite losses, in log10 when ``log``, padded, within ±LOSS_CEILING
    and of non-zero width; None when there is nothing to show. The plot library's own
    auto-range kept a diverged run's 1e289 after Reset (issue 10), so the plot sets this."""
    values = np.concatenate([np.ravel(v) for v in losses]) if losses else np.zeros(0)
    values = np.clip(values[np.isfinite(values)], -LOSS_CEILING, LOSS_CEILING)
    if log:
        values = np.log10(np.maximum(values, LOG_FLOOR))
    if values.size == 0:
        return None
    low, high = float(values.min()), float(values.max())
    pad = 0.05 * (high - low) if high > low else max(abs(high) * 0.05, 0.1 if log else 1e-6)
    return max(low - pad, -LOSS_CEILING), min(high + pad, LOSS_CEILING)
