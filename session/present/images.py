"""Image data as pictures: a sample's pixels in grey, and each first-layer unit's incoming
weights as a small image on the weights' orange–blue palette (the classic weight picture).
Qt-free levels and arrangement; ``gui.image_view`` and ``gui.network.block`` only colour them.

Conventions as in ``session.present.levels``: grey fractions lie in [0, 1] (0 = no ink, white;
1 = the most ink, black), signed fractions in [−1, 1]; NaN marks cells that are no pixel
(gaps between tiles, cells past the last input), drawn as the background.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from session.present.levels import peak_scale
from session.snapshot import DataView, Snapshot


def input_ranges(data: DataView) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi), each (d,): the training inputs' range per raw column, or for image data one
    range over all pixels (so that equal ink looks equal everywhere in the image)."""
    x = np.asarray(data.x_train, dtype=np.float64)
    d = x.shape[1] if x.ndim == 2 else data.n_inputs
    if x.ndim != 2 or not len(x):
        return np.zeros(d), np.ones(d)
    with np.errstate(invalid="ignore"):
        if data.image_shape is not None:
            lo, hi = np.full(d, np.nanmin(x)), np.full(d, np.nanmax(x))
        else:
            lo, hi = np.nanmin(x, axis=0), np.nanmax(x, axis=0)
    return np.nan_to_num(lo), np.nan_to_num(hi, nan=1.0)


def grey_fractions(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(d,) raw inputs as grey fractions in [0, 1] of their range ``lo``…``hi`` (d,); a constant
    column is 0 (white); NaN stays NaN."""
    span = np.asarray(hi, dtype=np.float64) - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(span > 0, (np.asarray(x, dtype=np.float64) - lo) / np.where(span > 0, span, 1),
                     0.0)
    return np.clip(t, 0.0, 1.0)


def shown_sample(snap: Snapshot) -> int | None:
    """The training sample the pictures show: the one chosen for tracing, else the first of the
    traced minibatch, else the first training sample (None: no training data)."""
    n = len(snap.data.x_train)
    if not n:
        return None
    if snap.traced_sample is not None and 0 <= snap.traced_sample < n:
        return int(snap.traced_sample)
    if snap.trace is not None and snap.trace.indices and 0 <= snap.trace.indices[0] < n:
        return int(snap.trace.indices[0])
    return 0


@dataclass(frozen=True)
class WeightMosaic:
    """First-layer weights as one picture: ``fractions`` (H, W) signed in [−1, 1], NaN in the
    one-pixel gaps; unit ``j``'s tile has its top-left at ``origin(j)``. ``scale`` is the |w|
    at the palette's ends (``mosaic_scale``; shared by all tiles, so tiles compare)."""

    fractions: np.ndarray
    tile: tuple[int, int]
    grid: tuple[int, int]
    """(rows, columns) of tiles."""
    scale: float
    n_units: int

    def origin(self, j: int) -> tuple[int, int]:
        r, c = divmod(j, self.grid[1])
        return r * (self.tile[0] + 1), c * (self.tile[1] + 1)

    def unit_at(self, row: int, col: int) -> int | None:
        """The unit whose tile holds mosaic pixel (row, col), or None (a gap)."""
        r, dr = divmod(row, self.tile[0] + 1)
        c, dc = divmod(col, self.tile[1] + 1)
        j = r * self.grid[1] + c
        if dr == self.tile[0] or dc == self.tile[1] or c >= self.grid[1] or j >= self.n_units:
            return None
        return j


SATURATED = 0.02
"""Share of the largest |w| drawn at the palette's ends in the weight mosaic. Scaled to the
single largest weight, a trained digits network's tiles were nearly white (a few weights are
several times the typical one); the 98th percentile shows their patterns."""


def mosaic_scale(w: np.ndarray) -> float:
    """The |w| at the mosaic palette's ends: the (1 − SATURATED) quantile of the finite |w|,
    or their peak when that is 0 (1.0 when there is none)."""
    a = np.abs(np.asarray(w, dtype=np.float64))
    a = a[np.isfinite(a)]
    high = float(np.quantile(a, 1.0 - SATURATED)) if a.size else 0.0
    return high if high > 0.0 else peak_scale([w])


def weight_mosaic(w: np.ndarray, image_shape: tuple[int, int], aspect: float = 1.0
                  ) -> WeightMosaic:
    """Weights (n_in, n_out) with n_in = rows · cols of ``image_shape`` as tiles, one per unit,
    in a grid about ``aspect`` (width / height) wide, with one-pixel gaps between tiles."""
    w = np.asarray(w, dtype=np.float64)
    th, tw = (int(v) for v in image_shape)
    n_out = w.shape[1]
    cols = max(1, min(n_out, round(math.sqrt(n_out * aspect * th / tw))))
    rows = math.ceil(n_out / cols)
    scale = mosaic_scale(w)
    with np.errstate(invalid="ignore"):
        t = np.clip(w / scale, -1.0, 1.0)
    out = np.full((rows * (th + 1) - 1, cols * (tw + 1) - 1), np.nan)
    for j in range(n_out):
        r, c = divmod(j, cols)
        tile = t[:, j].reshape(th, tw)
        out[r * (th + 1):r * (th + 1) + th, c * (tw + 1):c * (tw + 1) + tw] = \
            np.where(np.isnan(tile), 0.0, tile)
    return WeightMosaic(out, (th, tw), (rows, cols), scale, n_out)
