"""What the loss plot draws: the history with the idle metrics in place, the curves cut to
the plot's width, the loss axis's span and the read-out's text. Qt-free, so the rules are
tested without a window.

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


CURVES = ("train_loss", "test_loss", "train_score", "test_score")
"""The plot's four curves: the losses, and accuracy (classification) or R² (regression)."""


def plotted_curves(history: dict[str, np.ndarray], classification: bool, buckets: int,
                   span: tuple[float, float] | None = None
                   ) -> dict[str, tuple[np.ndarray, np.ndarray] | None]:
    """Each curve's (x, y), (m,) each, as drawn; None for a curve with nothing to show (the
    train loss is always drawn). Losses: NaN marks gaps (and ±inf a diverged run), floored at
    ``LOG_FLOOR`` for the log scale. Scores: accuracy in %, R² as it is, and an R² far below 0
    at the bottom edge. Longer curves are ``peak_decimated`` to ``buckets``: over the epochs
    in ``span`` (a zoomed view, with one point beyond each end so the lines reach its edges),
    or over the whole run."""
    x = np.asarray(history.get("epoch", np.zeros(0)), dtype=np.float64)
    shown = slice(None)
    if span is not None and len(x):
        start = max(int(np.searchsorted(x, span[0], side="left")) - 1, 0)
        shown = slice(start, int(np.searchsorted(x, span[1], side="right")) + 1)
        x = x[shown]
    names = (("train_accuracy", "test_accuracy", 100.0) if classification
             else ("train_r2", "test_r2", 1.0))
    out: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
    for curve, name, scale in zip(CURVES, ("train_loss", "test_loss", *names[:2]),
                                  (None, None, names[2], names[2]), strict=True):
        y = np.asarray(history[name][shown] if name in history else np.full(len(x), math.nan),
                       dtype=np.float64)
        if scale is None:
            y = np.where(np.isfinite(y), np.maximum(y, LOG_FLOOR), np.nan)
        else:
            y = np.maximum(y * scale, -0.5 * scale)
        present = bool(np.isfinite(y).any())
        out[curve] = peak_decimated(x, y, buckets) if present or curve == "train_loss" else None
    return out


def peak_decimated(x: np.ndarray, y: np.ndarray, buckets: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(x, y), (n,) each, cut to at most ``2 * buckets + 2`` points that draw the same
    picture: the points fall into ``buckets`` consecutive runs (the plot takes two runs per
    pixel, so none spans more than a pixel), and each run becomes its lowest and highest
    point, in the order they came (a peak of one epoch stays visible), between the first and
    the last point. A run with no finite value stays a gap (NaN). The plot shows the whole
    run, so a 20,000-epoch history need not be drawn point by point 4 times a second."""
    n = len(x)
    if n <= 2 * buckets:
        return x, y
    size = -(-n // buckets)
    rows = -(-n // size)
    pad = rows * size - n
    ys = np.concatenate([y, np.full(pad, np.nan)]).reshape(rows, size)
    xs = np.concatenate([x, np.full(pad, x[-1])]).reshape(rows, size)
    low = np.nanargmin(np.where(np.isnan(ys), np.inf, ys), axis=1)
    high = np.nanargmax(np.where(np.isnan(ys), -np.inf, ys), axis=1)
    first, second = np.minimum(low, high), np.maximum(low, high)
    r = np.arange(rows)
    out_x = np.stack([xs[r, first], xs[r, second]], axis=1).ravel()
    out_y = np.stack([ys[r, first], ys[r, second]], axis=1).ravel()
    gap = np.isnan(ys).all(axis=1)
    out_y[np.repeat(gap, 2)] = np.nan
    # the first and the latest epoch exactly where they are: the curve starts at the untrained
    # network and ends at the value the read-out gives
    return (np.concatenate([x[:1], out_x, x[-1:]]), np.concatenate([y[:1], out_y, y[-1:]]))


def format_metric(value: float) -> str:
    """A loss with four useful digits whether it is 0.5 or 3e-7."""
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e4:
        return f"{value:.4f}"
    return f"{value:.3g}"


def describe_metrics(epoch: int, values: dict[str, float], sep: str) -> str:
    """'epoch 120 · train loss 0.0123 · …' leaving out what does not apply (NaN).

    ``sep`` joins the items; ``"label"`` puts the accuracies on a second line.
    """
    parts = [f"epoch {epoch}"]
    for key, name in (("train_loss", "train loss"), ("test_loss", "test loss")):
        v = values.get(key, math.nan)
        if math.isfinite(v):
            parts.append(f"{name} {format_metric(v)}")
        elif not math.isnan(v):  # ±inf: the run diverged, say so instead of hiding it
            parts.append(f"{name} {v}")
    for key, name in (("train_accuracy", "train acc"), ("test_accuracy", "test acc")):
        v = values.get(key, math.nan)
        if math.isfinite(v):
            parts.append(f"{name} {100.0 * v:.1f}%")
    for key, name in (("train_r2", "train R²"), ("test_r2", "test R²")):
        v = values.get(key, math.nan)
        if math.isfinite(v):
            parts.append(f"{name} {v:.4f}")
    if sep == "label":  # losses on one line, accuracies on the next: never wraps mid-item
        losses = [p for p in parts if "acc" not in p and "R²" not in p]
        accs = [p for p in parts if "acc" in p or "R²" in p]
        return "\n".join(" · ".join(line) for line in (losses, accs) if line)
    return sep.join(parts)
