"""What the network computes over the input plane: the decision map and per-unit maps.

The window draws these, but they are numerical work, so they live here and are tested without
Qt. Grids are row-major with row 0 at the bottom (x₂ = min) and column 0 at the left
(x₁ = min), i.e. ``values[row, col]`` is the output at (x₁[col], x₂[row]).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from engine.features import compute_features
from engine.map_plane import PcaPlane

if TYPE_CHECKING:
    from engine.trainer import Trainer


DISPLAY_LIMIT = 1e15
"""Map values are clipped to ±this: a colour scale maps at most ~1e14 per unit of value, so
the scaled values stay far inside float32's range."""


@dataclass(frozen=True)
class PlaneMaps:
    """Network outputs over a grid of the 2-D input plane.

    * ``output`` — (K, res, res) float32: the output units;
    * ``units`` — one (n_l, m, m) float32 array per layer, inputs (features) first: every
      unit's activation on a coarser grid of ``m`` points a side, for the diagram's thumbnails.
    """

    domain: tuple[float, float, float, float]
    output: np.ndarray
    units: tuple[np.ndarray, ...]
    axes: tuple[int, int] = (0, 1)
    """The raw input columns along the map's horizontal and vertical axes; with more than two
    inputs the others are held at their training mean."""
    pca: PcaPlane | None = None
    """Set when the map is drawn over the first two principal components instead of
    ``axes`` (its domain, and where each sample sits on it)."""


@dataclass(frozen=True)
class CurveMaps:
    """Network output along the 1-D input: ``x`` (res,), ``output`` (K, res), and per unit
    (n_l, res) arrays per layer, inputs first."""

    domain: tuple[float, float, float, float]
    x: np.ndarray
    output: np.ndarray
    units: tuple[np.ndarray, ...]


def grid_points(domain: tuple[float, float, float, float], res: int,
                base: np.ndarray | None = None, axes: tuple[int, int] = (0, 1)) -> np.ndarray:
    """(res², 2) raw inputs covering the domain, row-major from the bottom-left corner; with
    ``base`` (d,), (res², d) rows equal to it but for the two ``axes`` columns."""
    x1 = np.linspace(domain[0], domain[1], res)
    x2 = np.linspace(domain[2], domain[3], res)
    g1, g2 = np.meshgrid(x1, x2)
    if base is None:
        return np.column_stack([g1.ravel(), g2.ravel()])
    rows = np.tile(np.asarray(base, dtype=np.float64), (res * res, 1))
    rows[:, axes[0]] = g1.ravel()
    rows[:, axes[1]] = g2.ravel()
    return rows


def map_domain(trainer: Trainer, axes: tuple[int, int]) -> tuple[float, float, float, float]:
    """The region a map over raw columns ``axes`` covers: the data set's own for (0, 1), else
    the two columns' range, padded by a tenth."""
    if axes == (0, 1):
        return trainer.dataset.domain
    x = trainer.dataset.x
    out: list[float] = []
    for column in axes:
        lo, hi = float(x[:, column].min()), float(x[:, column].max())
        pad = 0.1 * (hi - lo) if hi > lo else 0.5
        out += [lo - pad, hi + pad]
    return out[0], out[1], out[2], out[3]


def _layer_values(trainer: Trainer, raw: np.ndarray) -> list[np.ndarray]:
    feats = compute_features(raw, trainer.scenario.data.features)
    scaling = trainer.split.scaling
    inputs = scaling.apply(feats) if scaling is not None else feats
    values = [feats] + [a for _, a in trainer.forward(inputs)]
    # Huge (diverging) values would overflow float32 and the colour scaling of the maps; far
    # beyond any colour scale's end they all look alike anyway.
    return [np.clip(v, -DISPLAY_LIMIT, DISPLAY_LIMIT) for v in values]


def _output_values(trainer: Trainer, raw: np.ndarray) -> np.ndarray:
    """The output layer only (the decision map needs no other layer)."""
    out = trainer.predict(raw)
    return np.clip(out, -DISPLAY_LIMIT, DISPLAY_LIMIT)


def plane_maps(trainer: Trainer, res: int = 100, unit_res: int = 24,
               axes: tuple[int, int] = (0, 1), pca: PcaPlane | None = None) -> PlaneMaps:
    """Decision map (``res`` a side) and unit thumbnails (``unit_res`` a side) over two raw
    inputs (``axes``), any other inputs held at their training mean; or with ``pca``, over
    that plane (every map point a whole input)."""
    if pca is not None:
        domain = pca.domain

        def inputs(n: int) -> np.ndarray:
            return pca.lift(grid_points(domain, n))
    else:
        domain = map_domain(trainer, axes)
        x = trainer.dataset.x
        base = None if x.shape[1] == 2 else x[trainer.train_idx].mean(axis=0)

        def inputs(n: int) -> np.ndarray:
            return grid_points(domain, n, base, axes)
    out = _output_values(trainer, inputs(res))
    output = out.T.reshape(-1, res, res).astype(np.float32)
    small = _layer_values(trainer, inputs(unit_res))
    units = tuple(v.T.reshape(-1, unit_res, unit_res).astype(np.float32) for v in small)
    return PlaneMaps(domain, output, units, axes, pca)


def curve_maps(trainer: Trainer, res: int = 200) -> CurveMaps:
    """The network's function along the single input, for 1-D data."""
    domain = trainer.dataset.domain
    x = np.linspace(domain[0], domain[1], res)
    values = _layer_values(trainer, x[:, None])
    units = tuple(v.T.astype(np.float32) for v in values)
    return CurveMaps(domain, x, values[-1].T.copy(), units)
