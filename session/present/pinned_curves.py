"""What the loss plot draws of the pinned runs, without Qt: each ghost's points, where its
markers sit, its style, and how far the axes must reach to show every ghost whole.

A ghost is the pinned run's training loss (and, for classification, its training accuracy),
drawn lighter than the current run and dashed, with a few markers along it. Its mark (0 …
MAX_PINNED − 1, ``session.pinned.ShownPin.mark``) picks a dash pattern and a marker shape, so
runs differ by more than colour; the markers of different runs sit at different epochs, so
they never hide one another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.pinned import MAX_PINNED, PinnedRun
from session.present.loss_curve import LOG_FLOOR

MARKERS_PER_CURVE = 6


@dataclass(frozen=True)
class GhostStyle:
    """How one mark is drawn: a Qt dash pattern (dash, gap, … in pen widths), a plot
    library's symbol name and the character the legend and the menu write for it."""

    dashes: tuple[float, ...]
    symbol: str
    glyph: str


GHOST_STYLES: tuple[GhostStyle, ...] = (
    GhostStyle((5.0, 3.0), "o", "○"),
    GhostStyle((1.5, 2.5), "t1", "△"),
    GhostStyle((7.0, 2.5, 1.5, 2.5), "s", "□"),
    GhostStyle((10.0, 4.0), "d", "◇"),
    GhostStyle((3.0, 2.0, 1.0, 2.0, 1.0, 2.0), "+", "+"),
    GhostStyle((2.5, 1.5), "x", "×"),
)
assert len(GHOST_STYLES) == MAX_PINNED


def style(mark: int) -> GhostStyle:
    return GHOST_STYLES[mark % len(GHOST_STYLES)]


def ghost_loss(run: PinnedRun) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, training loss) as drawn, each (n,): NaN for gaps and ±inf (a diverged run),
    a tiny floor so that the log scale stays valid (as the current run's curve)."""
    y = np.asarray(run.train_loss, dtype=np.float64)
    y = np.where(np.isfinite(y), np.maximum(y, LOG_FLOOR), np.nan)
    return run.epochs.astype(np.float64), y


def ghost_accuracy(run: PinnedRun) -> tuple[np.ndarray, np.ndarray] | None:
    """(epochs, training accuracy in %), or None when the run has no accuracy (regression)."""
    y = np.asarray(run.train_accuracy, dtype=np.float64) * 100.0
    if not np.isfinite(y).any():
        return None
    return run.epochs.astype(np.float64), y


def marker_indices(n: int, mark: int, count: int = MARKERS_PER_CURVE) -> np.ndarray:
    """Indices of the ``count`` points of an n-point ghost that carry its markers: evenly
    spread, shifted by the mark so that two runs' markers do not coincide."""
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    if n <= 2:
        return np.arange(n)
    shift = (mark % MAX_PINNED + 0.5) / MAX_PINNED  # 1/12 … 11/12 of a gap
    at = (np.arange(count) + shift) / count * (n - 1)
    return np.unique(np.clip(at.round().astype(np.int64), 0, n - 1))


def ghost_span(runs: list[PinnedRun]) -> tuple[float | None, list[np.ndarray]]:
    """(last epoch of any ghost or None, the ghosts' training losses): what the axes must
    include besides the current run."""
    last = [float(r.epochs[-1]) for r in runs if len(r.epochs)]
    return (max(last) if last else None), [np.asarray(r.train_loss) for r in runs]


def value_at(run: PinnedRun, epoch: float) -> tuple[int, float, float] | None:
    """(epoch, training loss, training accuracy) of the ghost's recorded point nearest to
    ``epoch``, or None when ``epoch`` lies outside the ghost (before its first point or
    after its last)."""
    e = run.epochs
    if not len(e) or not e[0] <= epoch <= e[-1]:
        return None
    i = int(np.searchsorted(e, epoch))
    if i == len(e) or (i > 0 and epoch - e[i - 1] <= e[i] - epoch):
        i -= 1
    return int(e[i]), float(run.train_loss[i]), float(run.train_accuracy[i])
