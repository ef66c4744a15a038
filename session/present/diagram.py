"""What the network diagram's edges show: a colour step per edge, which edges are muted or
faded, and the buckets they are stroked in. Qt-free; ``gui.network`` turns buckets into pens
and paths (DESIGN-NOTES "Drawing many edges": one path per colour bucket, the strongest few
hundred edges as wide lines).

Edges are ordered layer by layer, each layer row-major over (i, j), so that edge ``k`` of layer
``l`` is ``weights[l].ravel()[k]``. A bundled first layer (wide inputs,
``session.present.input_block``) is drawn with fewer rows than inputs: ``bundle_starts`` gives
each drawn row's first input, and a row shows the mean of its inputs' values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from engine.trace_display import EdgeQuantity, TraceDisplay
from session.present.levels import (
    EDGE_LEVELS,
    layer_peaks,
    peak_color_scale,
    signed_steps,
    tf_edge_widths,
)

WIDE_EDGES = 300
"""Only the strongest edges are drawn with a width; the rest are 1-px bucket paths."""


@dataclass(frozen=True)
class EdgeColoring:
    """One frame's edge colours. Arrays are (E,) over all edges.

    ``levels``: signed colour step in [−EDGE_LEVELS, EDGE_LEVELS] (0 where muted);
    ``magnitude``: |value| (∂L/∂w and Δw: relative to its layer's peak; 0 where muted), to
    pick the wide edges; ``muted``: edges of layers whose ∂L/∂w or Δw is not computed yet
    (None: none); ``faded``: edges into columns not computed yet (None: none); ``scale``: the
    weights' value at the palette's ends (1.0 for ∂L/∂w and Δw: their ends are each layer's
    own peak); ``dead``: dead links (TensorFlow Playground rules, L1), drawn as such in every
    mode (None: none); ``widths``: px per edge by TensorFlow Playground's rule (None: the width
    follows the colour step); ``layer_peaks``: ∂L/∂w or Δw only, each weight layer's peak
    (``levels.layer_peaks``: None not computed yet, NaN nothing finite), () for weights.
    """

    quantity: EdgeQuantity
    levels: np.ndarray
    magnitude: np.ndarray
    muted: np.ndarray | None
    faded: np.ndarray | None
    scale: float
    dead: np.ndarray | None = None
    widths: np.ndarray | None = None
    layer_peaks: tuple[float | None, ...] = ()

    @property
    def gradient_palette(self) -> bool:
        """True when the edges show ∂L/∂w or Δw (the purple–green palette)."""
        return self.quantity is not EdgeQuantity.WEIGHT


def bundle_rows(a: np.ndarray, starts: np.ndarray | None, dead: bool = False) -> np.ndarray:
    """(n_in, n_out) values as the (g, n_out) rows a bundle draws: the mean over each run of
    inputs beginning at ``starts`` (g,) — for ``dead`` masks, whether all of the run is dead.
    ``starts`` None or one per input: ``a`` as it is."""
    a = np.asarray(a)
    if starts is None or len(starts) == len(a):
        return a
    if dead:
        return np.logical_and.reduceat(a.astype(bool), starts, axis=0)
    counts = np.diff(np.r_[starts, len(a)])[:, None]
    with np.errstate(invalid="ignore", over="ignore"):
        return np.add.reduceat(np.asarray(a, dtype=np.float64), starts, axis=0) / counts


def edge_coloring(weights: Sequence[np.ndarray], weight_scale: float,
                  trace: TraceDisplay | None,
                  dead_links: Sequence[np.ndarray] = (), tf_widths: bool = False,
                  bundle_starts: np.ndarray | None = None) -> EdgeColoring:
    """Colour steps of every edge: the weights on ``weight_scale``, or (a phase showing ∂L/∂w
    or Δw) the trace's edge values, each layer on its own scale (± its largest finite |value|,
    so a layer of gradients 100× smaller than the next still shows its pattern, and its
    strongest edges are as wide), layers not computed yet muted.
    ``dead_links``: per layer (n_in, n_out) bool, True for a dead link (() when none can die);
    masks whose shapes do not match the weights are ignored. ``tf_widths``: weights get
    TensorFlow Playground's widths (1–10 px over |w| 0–5) instead of widths by colour step.
    ``bundle_starts``: the first layer is a bundle drawn in these rows (``bundle_rows``)."""
    if bundle_starts is not None and len(weights):
        weights = [bundle_rows(weights[0], bundle_starts), *weights[1:]]
        if len(dead_links) == len(weights):
            dead_links = [bundle_rows(dead_links[0], bundle_starts, dead=True),
                          *dead_links[1:]]
        if trace is not None and trace.edge_values and trace.edge_values[0] is not None:
            trace = replace(trace, edge_values=(bundle_rows(trace.edge_values[0],
                                                            bundle_starts),
                                                *trace.edge_values[1:]))
    sizes = [w.size for w in weights]
    peaks: tuple[float | None, ...] = ()
    if trace is None or trace.edge_kind is EdgeQuantity.WEIGHT:
        flat = _concat([np.asarray(w).ravel() for w in weights])
        levels = signed_steps(flat, weight_scale, EDGE_LEVELS)
        muted, scale, quantity = None, weight_scale, EdgeQuantity.WEIGHT
        magnitude = np.abs(flat)
    else:
        peaks = layer_peaks(trace.edge_values)
        flat = _concat([
            np.zeros(n) if e is None else np.asarray(e, dtype=np.float64).ravel()
            for n, e in zip(sizes, trace.edge_values, strict=True)
        ])
        per_edge = _concat([np.full(n, peak_color_scale(p))
                            for n, p in zip(sizes, peaks, strict=True)])
        with np.errstate(invalid="ignore", over="ignore"):
            relative = flat / per_edge  # (E,): ±1 at each layer's own peak
        muted = np.concatenate(
            [np.full(n, e is None) for n, e in zip(sizes, trace.edge_values, strict=True)]
        ) if sizes else np.zeros(0, dtype=bool)
        levels = signed_steps(relative, 1.0, EDGE_LEVELS)
        levels[muted] = 0
        scale, quantity = 1.0, trace.edge_kind
        magnitude = np.abs(relative)
    if muted is not None:
        magnitude[muted] = 0.0
    dead = _dead(weights, dead_links)
    if dead is not None:
        levels[dead] = 0
        magnitude[dead] = 0.0
    widths = (tf_edge_widths(flat) if tf_widths and quantity is EdgeQuantity.WEIGHT
              else None)
    return EdgeColoring(quantity, levels, magnitude, muted, _faded(sizes, trace), scale, dead,
                        widths, peaks)


def _dead(weights: Sequence[np.ndarray], dead_links: Sequence[np.ndarray]
          ) -> np.ndarray | None:
    """The dead links as one (E,) mask, or None when there are none (or they do not fit)."""
    if len(dead_links) != len(weights) or any(
            np.shape(d) != np.shape(w) for d, w in zip(dead_links, weights, strict=True)):
        return None
    mask = _concat([np.asarray(d, dtype=bool).ravel() for d in dead_links]).astype(bool)
    return mask if mask.any() else None


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0)


def _faded(layer_sizes: list[int], trace: TraceDisplay | None) -> np.ndarray | None:
    """Edges into columns the phase has not computed yet are faded with them."""
    if trace is None:
        return None
    not_yet = [v is None for v in trace.unit_values[1:]]
    if not any(not_yet):
        return None
    return np.repeat(not_yet, layer_sizes)


@dataclass(frozen=True)
class EdgeBucket:
    """Edges stroked with one pen: ``indices`` (m,) into the edge arrays, their signed colour
    ``level``, and whether they are ``wide`` (drawn with a width), ``faded``, ``muted`` or
    ``dead`` (dead links: one dashed grey, whatever the mode); ``width``: the wide edges'
    px when widths are given per edge (None: by level)."""

    level: int
    wide: bool
    faded: bool
    muted: bool
    indices: np.ndarray
    dead: bool = False
    width: int | None = None


def edge_buckets(levels: np.ndarray, magnitude: np.ndarray, muted: np.ndarray | None = None,
                 faded: np.ndarray | None = None, wide_limit: int = WIDE_EDGES,
                 dead: np.ndarray | None = None, widths: np.ndarray | None = None
                 ) -> list[EdgeBucket]:
    """Group edges (E,) by pen: level, wide or thin, faded, muted, dead; sorted by that key,
    so the muted bucket (one faint grey, whatever the value) sorts among the thin ones and
    the dead bucket (dead links, whatever the mode) after it.

    An edge is wide when its level is not 0 and (more than ``wide_limit`` edges) it is among
    the ``wide_limit`` largest ``magnitude``s. With ``widths`` (E,) px, an edge is wide when
    its width rounds to 2 px or more, and wide edges are bucketed by that whole-px width too.
    """
    n = len(levels)
    if not n:
        return []
    mag = np.abs(levels)
    px = None if widths is None else np.rint(np.nan_to_num(widths, nan=1.0)).astype(np.int64)
    wide = mag >= 1 if px is None else px >= 2
    if n > wide_limit:
        top = np.zeros(n, dtype=bool)
        top[np.argpartition(-np.nan_to_num(magnitude), wide_limit)[:wide_limit]] = True
        wide &= top
    key = wide * 64 + mag * 2 + (levels > 0)
    if faded is not None:
        key = np.where(faded, key + 256, key)
    if muted is not None:
        key = np.where(muted, 128, key)
    if dead is not None:
        key = np.where(dead, 130, key)
    if px is not None:
        key = np.where(wide & (key % 256 < 128), key + 512 * px, key)  # not muted, dead
    order = np.argsort(key, kind="stable")
    keys = key[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], n]
    buckets = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        k = int(keys[s])
        width, k = (k // 512 or None), k % 512
        fade, k = k >= 256, k % 256
        level = 0 if k >= 128 else (k % 64) // 2 * (1 if k % 2 else -1)
        buckets.append(EdgeBucket(level, 64 <= k < 128, fade, k == 128, order[s:e], k == 130,
                                  width))
    return buckets


def trace_fits(trace: TraceDisplay, sizes: Sequence[int]) -> bool:
    """Whether a phase display's unit values (n,) and edge values (n_in, n_out) have the
    shapes of the network with these column ``sizes``."""
    sizes = tuple(int(n) for n in sizes)
    if len(trace.unit_values) != len(sizes) or len(trace.edge_values) != len(sizes) - 1:
        return False
    for v, n in zip(trace.unit_values, sizes, strict=True):
        if v is not None and np.shape(v) != (n,):
            return False
    for e, n_in, n_out in zip(trace.edge_values, sizes, sizes[1:], strict=False):
        if e is not None and np.shape(e) != (n_in, n_out):
            return False
    return True


NO_EDGES = EdgeColoring(EdgeQuantity.WEIGHT, np.zeros(0, dtype=np.int64), np.zeros(0), None,
                        None, 1.0)
"""The coloring of an empty diagram."""
