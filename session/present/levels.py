"""Colour levels: how a value becomes a position on a palette, for edges, biases, unit frames and
thumbnails. Qt-free, so the rules are tested without a window; widgets turn the results into
colours and never rescale values themselves.

Conventions: a *fraction* lies in [−1, 1] (a signed palette's ends) or [0, 1] (a lookup
table's ends); a *step* is an integer in [−steps, steps], one colour bucket each.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.activations import get_activation

EDGE_LEVELS = 8
"""Colour steps per sign for edges: 2·8 + 1 = 17 buckets, each stroked as one path."""
BIAS_LEVELS = 16
"""Colour steps per sign for the bias squares."""
SCALE_FLOOR = 0.1
"""Smallest colour scale, so a freshly zero-initialised net does not look saturated."""

TF_SCALE = 1.0
"""TensorFlow Playground's colour scale for weights and biases: fixed −1…1, clamped."""
TF_WIDTH_PX = (1.0, 10.0)
"""TensorFlow Playground's edge widths: 1 px at |w| = 0 up to 10 px at |w| ≥ TF_WIDTH_AT."""
TF_WIDTH_AT = 5.0

RGB = tuple[int, int, int]


def activation_levels(activation: str, values: np.ndarray | None = None) -> tuple[float, float]:
    """Colour levels for a unit's output: the activation's own range where it has one
    (sigmoid and softmax (0, 1), tanh (−1, 1)); unbounded ones (ReLU, linear) use a symmetric
    range around zero scaled to the values shown."""
    own = get_activation(activation).levels
    if own is not None:
        return own
    peak = float(np.nanmax(np.abs(values))) if values is not None and values.size else 1.0
    peak = peak if np.isfinite(peak) and peak > 1e-12 else 1.0
    return -peak, peak


def _finite_peak(arrays: Sequence[np.ndarray]) -> float:
    """Largest finite |value| over ``arrays`` (0.0 when there is none)."""
    peak = 0.0
    for a in arrays:
        m = np.abs(np.asarray(a, dtype=np.float64))
        m = m[np.isfinite(m)]
        if m.size:
            peak = max(peak, float(m.max()))
    return peak


def parameter_scale(arrays: Sequence[np.ndarray]) -> float:
    """Colour scale shared by the weights and biases: the largest finite |value|, floored at
    SCALE_FLOOR."""
    return max(_finite_peak(arrays), SCALE_FLOOR)


def weight_color_scale(arrays: Sequence[np.ndarray], tf_rules: bool) -> float:
    """The weights' and biases' colour scale: TensorFlow Playground's fixed TF_SCALE with its
    rules on, else ``parameter_scale`` (the largest |value|)."""
    return TF_SCALE if tf_rules else parameter_scale(arrays)


def tf_edge_widths(values: np.ndarray) -> np.ndarray:
    """TensorFlow Playground's edge widths in px, same shape as ``values``: linear from
    TF_WIDTH_PX[0] at 0 to TF_WIDTH_PX[1] at |w| = TF_WIDTH_AT, clamped; NaN is the thinnest."""
    lo, hi = TF_WIDTH_PX
    with np.errstate(invalid="ignore"):
        t = np.clip(np.abs(np.asarray(values, dtype=np.float64)) / TF_WIDTH_AT, 0.0, 1.0)
    return lo + (hi - lo) * np.nan_to_num(t, nan=0.0)


def peak_scale(arrays: Sequence[np.ndarray]) -> float:
    """Colour scale of values on their own scale (gradients, δ, inputs): the largest finite
    |value|, or 1.0 when there is none or it is 0."""
    peak = _finite_peak(arrays)
    return peak if peak > 0.0 else 1.0


def layer_peaks(arrays: Sequence[np.ndarray | None]) -> tuple[float | None, ...]:
    """Each layer's largest finite |value|, so that every layer of ∂L/∂w or Δw is coloured on
    its own scale: None where the layer is None (not computed yet), NaN where it has no
    finite value, else ≥ 0 (0.0: all zero). One entry per array, any shapes."""
    peaks: list[float | None] = []
    for a in arrays:
        if a is None:
            peaks.append(None)
            continue
        m = np.abs(np.asarray(a, dtype=np.float64))
        m = m[np.isfinite(m)]
        peaks.append(float(m.max()) if m.size else float("nan"))
    return tuple(peaks)


def peak_color_scale(peak: float | None) -> float:
    """The colour scale a ``layer_peaks`` entry gives: the peak itself, or 1.0 when it is
    None, NaN or 0 (then the layer's values are all 0 or not finite and draw grey anyway)."""
    return peak if peak is not None and np.isfinite(peak) and peak > 0.0 else 1.0


def signed_steps(values: np.ndarray, scale: float, steps: int) -> np.ndarray:
    """Signed integer colour steps in [−steps, steps], ±scale at the ends; NaN maps to 0 (grey).
    Same shape as ``values``, int64."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        t = np.clip(np.asarray(values, dtype=np.float64) / scale, -1.0, 1.0)
    return np.rint(np.nan_to_num(t, nan=0.0) * steps).astype(np.int64)


def diverging_rgb(value: float, zero: RGB, negative: RGB, positive: RGB) -> RGB:
    """``value`` in [−1, 1] on a diverging palette from ``negative`` through ``zero`` to
    ``positive`` (NaN is 0, values beyond the ends are clipped)."""
    v = float(np.clip(np.nan_to_num(value), -1.0, 1.0))
    end = negative if v < 0 else positive
    f = abs(v)
    r, g, b = (round(z + (e - z) * f) for z, e in zip(zero, end, strict=True))
    return r, g, b


def unit_fractions(values: np.ndarray, *, error: bool, error_scale: float,
                   column_maps: np.ndarray, activation: str | None) -> np.ndarray:
    """A column's phase values (n,) as signed fractions in [−1, 1] for the units' frames.

    δ (``error``) uses ``error_scale``; the inputs (``activation`` None) use each feature's
    peak |value| on the plane, like their thumbnails; a layer uses its thumbnails' levels, the
    activation's range or (ReLU, linear) ± the largest |a| its maps (n, ...) reach. NaN is 0.
    """
    v = np.asarray(values, dtype=np.float64)
    if error:
        s = v / error_scale
    elif activation is None:
        s = v / np.array([peak_scale([m]) for m in column_maps])
    else:
        m = np.asarray(column_maps)
        lo, hi = activation_levels(activation, m[np.isfinite(m)])
        s = 2.0 * (v - lo) / (hi - lo) - 1.0
    return np.clip(np.nan_to_num(s, nan=0.0), -1.0, 1.0)


def thumbnail_fractions(maps: np.ndarray, activation: str | None) -> np.ndarray:
    """A column's unit maps (n, ...) as float32 lookup-table fractions in [0, 1].

    The inputs (``activation`` None) run from − to + their own peak |value|; a layer uses
    ``activation_levels`` over its finite values. NaN maps to 0 (the negative end) without a
    warning, so a diverged unit draws orange.
    """
    v = np.asarray(maps, dtype=np.float32)
    n = len(v)
    if activation is None:
        a = np.abs(v.reshape(n, -1))
        peak = np.fmax(a, 0.0, where=np.isfinite(a), out=np.zeros_like(a)).max(axis=1)
        peak = np.where(peak > 1e-12, peak, 1.0)
        lo, span = -peak, 2 * peak
    else:
        finite = v if np.isfinite(v).all() else v[np.isfinite(v)]
        lo_s, hi_s = activation_levels(activation, finite)
        lo, span = np.full(n, lo_s), np.full(n, hi_s - lo_s)
    shape = (n,) + (1,) * (v.ndim - 1)
    scale = (1.0 / span).astype(np.float32).reshape(shape)
    with np.errstate(invalid="ignore", over="ignore"):
        t = (v - lo.astype(np.float32).reshape(shape)) * scale
    # fmax/fmin drop NaN in favour of the bound
    return np.fmin(np.fmax(t, 0.0), 1.0)
