"""Where the network diagram puts things, and what lies under a point. Qt-free geometry in
canvas pixels (the view box maps one view unit to one canvas pixel), rebuilt only when the
architecture or the canvas size changes; hit tests are vectorised NumPy.

Columns: 0 = input features, 1..L = layers (L = output). Weight layer ``l`` joins column ``l``
to column ``l + 1``; its edges are row-major over (i, j), like ``weights[l].ravel()``.
With more than ``input_block.BLOCK_INPUTS`` inputs, column 0 is one block of cells and weight
layer 0 is a bundle of bands (``session.present.input_block``); its edges are then the bands'
sub-segments, row-major over (group, j).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from session.present.input_block import BlockSpec, Bundle, InputBlock, make_bundle, place_block
from session.present.text_room import (
    MAX_THUMB,
    OUTPUT_LABEL_GAP,
    OUTPUT_LABEL_SHARE,
    TextRoom,
)

MIN_THUMB = 10.0
FLOOR_THUMB = 4.0
"""Thumbnails shrink below MIN_THUMB only when even that would not fit: clipping is worse."""
EDGE_PICK_PX = 4.0
"""A point picks the nearest edge within this many pixels."""


class Box(NamedTuple):
    """An axis-aligned rectangle: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float


class Affine(NamedTuple):
    """Canvas to widget pixels: widget = canvas · (sx, sy) + (ox, oy)."""

    sx: float
    sy: float
    ox: float
    oy: float

    def to_widget(self, x: float, y: float) -> tuple[float, float]:
        return x * self.sx + self.ox, y * self.sy + self.oy

    def to_canvas(self, x: float, y: float) -> tuple[float, float]:
        return (x - self.ox) / self.sx, (y - self.oy) / self.sy


@dataclass(frozen=True)
class DiagramLayout:
    """Everything positional, in canvas pixels. C columns, U units, E edges, L = C − 1 layers."""

    width: float
    height: float
    thumb: float
    """Thumbnail side in pixels."""
    cell_rows: int
    gap_rows: int
    """A column's mosaic has cell_rows image rows per unit and gap_rows transparent between."""
    col_x: np.ndarray  # (C,) column centres
    col_top: np.ndarray  # (C,) top of each column's first unit
    unit_col: np.ndarray  # (U,) column of each unit, column 0 = inputs
    unit_idx: np.ndarray  # (U,) index within its column
    unit_xy: np.ndarray  # (U, 2) centres
    col_start: np.ndarray  # (C + 1,) offsets of each column in the unit arrays
    edges: np.ndarray  # (E, 4) x0, y0, x1, y1: leaves the right side, enters the left side
    edge_start: np.ndarray  # (L + 1,) offsets of each weight layer in the edge arrays
    bias_side: float
    show_bias_text: bool
    """Room for one line of text under each unit (the bias, or a phase's value)."""
    caption_y: float
    block: InputBlock | None = None
    """Column 0 as one block of cells (wide inputs), or None: one unit per input."""
    bundle: Bundle | None = None
    """Weight layer 0 as one band per hidden unit (with ``block``)."""

    @property
    def pitch(self) -> float:
        return self.thumb * (self.cell_rows + self.gap_rows) / self.cell_rows

    @property
    def col_half(self) -> np.ndarray:
        """(C,) half the width of each column's units (the block's for a block column)."""
        half = np.full(len(self.col_x), self.thumb / 2)
        if self.block is not None:
            half[0] = self.block.width / 2
        return half

    def unit_box(self, column: int, j: int) -> Box:
        if column == 0 and self.block is not None:
            r, c = self.block.cell_of(j)
            b = self.block
            return Box(b.x + float(c) * b.cell, b.y + float(r) * b.cell, b.cell, b.cell)
        x, y = self.unit_xy[self.col_start[column] + j]
        h = self.thumb / 2
        return Box(float(x - h), float(y - h), self.thumb, self.thumb)

    def bias_box(self, column: int, j: int) -> Box:
        """The bias square on the unit's bottom-left corner."""
        r = self.unit_box(column, j)
        b = self.bias_side
        return Box(r.x - b / 2, r.y + r.h - b / 2, b, b)

    def layer_width(self, layer: int) -> int:
        """Units in the column weight layer ``layer`` leads to (its n_out)."""
        return int(self.col_start[layer + 2] - self.col_start[layer + 1])

    def edge_index(self, layer: int, i: int, j: int) -> int:
        """Index of edge (layer, i, j) in the edge arrays (a bundle's: the sub-segment input
        i is drawn in)."""
        if layer == 0 and self.bundle is not None:
            i = self.bundle.group_of(i)
        return int(self.edge_start[layer]) + i * self.layer_width(layer) + j

    def edge_line(self, layer: int, i: int, j: int) -> tuple[float, float, float, float]:
        """The segment that stands for weight (layer, i, j): its edge, or its stretch of a band."""
        if layer == 0 and self.bundle is not None:
            return self.bundle.weight_line(i, j)
        x0, y0, x1, y1 = self.edges[self.edge_index(layer, i, j)]
        return float(x0), float(y0), float(x1), float(y1)

    def unit_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(column, unit) whose thumbnail (plus 2 px), or block cell, holds canvas point (x, y)."""
        if not len(self.unit_xy):
            return None
        inside = np.ones(len(self.unit_xy), dtype=bool)
        if self.block is not None:
            i = self.block.input_at(x, y)
            if i is not None:
                return 0, i
            inside[: int(self.col_start[1])] = False  # the block's cells are not thumbnails
        half = self.thumb / 2 + 2.0
        d = np.abs(self.unit_xy - (x, y))
        hit = np.flatnonzero(inside & (d[:, 0] <= half) & (d[:, 1] <= half))
        if not hit.size:
            return None
        k = int(hit[np.argmin(d[hit].sum(axis=1))])
        return int(self.unit_col[k]), int(self.unit_idx[k])

    def edge_at(self, x: float, y: float) -> tuple[int, int, int] | None:
        """(weight layer, i, j) of the edge nearest canvas point (x, y) within EDGE_PICK_PX."""
        if not len(self.edges):
            return None
        half = self.col_half
        # only one layer's edges can pass through this x: the gap between two columns
        layer = int(np.searchsorted(self.col_x, x)) - 1
        if layer < 0 or layer >= len(self.col_x) - 1:
            return None
        if not (self.col_x[layer] + half[layer] - EDGE_PICK_PX <= x
                <= self.col_x[layer + 1] - half[layer + 1] + EDGE_PICK_PX):
            return None
        if layer == 0 and self.bundle is not None:
            i, j, d2 = self.bundle.hit(np.array([x]), np.array([y]))
            return None if d2[0] > EDGE_PICK_PX**2 else (0, int(i[0]), int(j[0]))
        k, d2 = self.nearest_edges(layer, np.array([x]), np.array([y]))
        if d2[0] > EDGE_PICK_PX**2:
            return None
        n_out = self.layer_width(layer)
        return layer, int(k[0]) // n_out, int(k[0]) % n_out

    def nearest_edges(self, layer: int, x: np.ndarray, y: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
        """For points (P,) in canvas pixels, the nearest edge of ``layer`` (index within the
        layer) and its squared distance, both (P,): vectorised point-to-segment distance."""
        seg = self.edges[int(self.edge_start[layer]):int(self.edge_start[layer + 1])]
        x0, y0 = seg[:, 0], seg[:, 1]
        dx, dy = seg[:, 2] - x0, seg[:, 3] - y0
        dd = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1.0)
        px, py = x[:, None], y[:, None]
        t = np.clip(((px - x0) * dx + (py - y0) * dy) / dd, 0.0, 1.0)
        d2 = (x0 + t * dx - px) ** 2 + (y0 + t * dy - py) ** 2
        k = np.argmin(d2, axis=1)
        return k, d2[np.arange(len(k)), k]

    def edge_pixel(self, layer: int, i: int, j: int, to_widget: Affine) -> tuple[float, float]:
        """A widget pixel on edge (layer, i, j) that hit-tests to it: the midpoint unless other
        edges cross there (symmetric layouts cross at midpoints; dense layers cross everywhere),
        else the pixel nearest the middle that picks this edge."""
        if layer == 0 and self.bundle is not None:
            return self._bundle_pixel(i, j, to_widget)
        k = i * self.layer_width(layer) + j
        x0, y0, x1, y1 = self.edges[int(self.edge_start[layer]) + k]
        sx, sy, ox, oy = to_widget
        ts = np.linspace(0.02, 0.98, 193)
        ts = ts[np.argsort(np.abs(ts - 0.5), kind="stable")]
        wx, wy = (x0 + ts * (x1 - x0)) * sx + ox, (y0 + ts * (y1 - y0)) * sy + oy
        # candidate pixels: rounded first, then the other three around each point
        cx = np.column_stack([np.rint(wx), np.floor(wx), np.ceil(wx), np.floor(wx)]).ravel()
        cy = np.column_stack([np.rint(wy), np.floor(wy), np.ceil(wy), np.ceil(wy)]).ravel()
        vx, vy = (cx - ox) / sx, (cy - oy) / sy
        clear = self.thumb / 2 + 3.0
        inside_gap = (vx > self.col_x[layer] + clear) & (vx < self.col_x[layer + 1] - clear)
        nearest, d2 = self.nearest_edges(layer, vx, vy)
        ok = np.flatnonzero(inside_gap & (nearest == k) & (d2 <= EDGE_PICK_PX**2))
        if ok.size:
            return float(cx[ok[0]]), float(cy[ok[0]])
        return float((x0 + x1) / 2 * sx + ox), float((y0 + y1) / 2 * sy + oy)

    def _bundle_pixel(self, i: int, j: int, to_widget: Affine) -> tuple[float, float]:
        """A widget pixel on weight (0, i, j)'s stretch of band j that hit-tests to it (its
        middle when no whole pixel does: more inputs than pixels along the band)."""
        assert self.bundle is not None
        x0, y0, x1, y1 = (float(v) for v in self.bundle.bands[j])
        n = self.bundle.n_in
        ts = (i + np.linspace(0.05, 0.95, 19)) / n
        ts = ts[np.argsort(np.abs(ts - (i + 0.5) / n), kind="stable")]
        sx, sy, ox, oy = to_widget
        wx, wy = (x0 + ts * (x1 - x0)) * sx + ox, (y0 + ts * (y1 - y0)) * sy + oy
        cx = np.column_stack([np.rint(wx), np.floor(wx), np.ceil(wx), np.floor(wx)]).ravel()
        cy = np.column_stack([np.rint(wy), np.floor(wy), np.ceil(wy), np.ceil(wy)]).ravel()
        vx, vy = (cx - ox) / sx, (cy - oy) / sy
        hi, hj, d2 = self.bundle.hit(vx, vy)
        # clear of the block and of the units' hit boxes (thumbnail + 2 px)
        inside = ((vx > self.col_x[0] + self.col_half[0] + 1)
                  & (vx < self.col_x[1] - self.thumb / 2 - 3))
        ok = np.flatnonzero(inside & (hi == i) & (hj == j) & (d2 <= EDGE_PICK_PX**2))
        if ok.size:
            return float(cx[ok[0]]), float(cy[ok[0]])
        t = (i + 0.5) / n
        return float((x0 + t * (x1 - x0)) * sx + ox), float((y0 + t * (y1 - y0)) * sy + oy)


def compute_layout(sizes: tuple[int, ...], width: float, height: float, cell_rows: int,
                   room: TextRoom, block: BlockSpec | None = None) -> DiagramLayout:
    """Columns evenly spaced, units centred vertically, thumbnails as large as fit (at most
    ``room.max_thumb``).
    With ``block`` (wide inputs, ``block.n_inputs == sizes[0]``), the inputs are one block at
    the left and weight layer 0 a bundle of bands."""
    n_cols = len(sizes)
    top, bottom = 10.0, room.caption_height + 10.0
    avail = max(height - top - bottom, 20.0)
    text_gap = room.text_gap
    if room.bias_text:
        avail -= text_gap  # the last unit's bias number hangs below it
    # horizontal room: labels left of the inputs; bias text or names right of the output
    left0 = 8.0 + room.label_width + 6.0
    names = min(room.output_label_width, OUTPUT_LABEL_SHARE * width)
    right0 = 10.0 + max(room.bias_text_width / 2 if room.bias_text else 0.0,
                        names + OUTPUT_LABEL_GAP if names else 0.0)
    placed = None
    if block is not None and n_cols > 1:
        placed = place_block(block, 8.0, top, avail, width)
        left0 = placed.x + placed.width  # the columns after the block share what is left
    n_units = max(sizes[1:]) if placed is not None else max(sizes)
    thumb, pitch, gap_rows, bias_text = _thumb_size(
        n_units, n_cols, avail, max(width - left0 - right0, 40.0), cell_rows, room.bias_text,
        room.max_thumb, text_gap)

    left = left0 + thumb / 2
    right = width - right0 - thumb / 2
    if bias_text:
        right = min(right, width - 4 - max(thumb / 2, room.bias_text_width / 2))
    if placed is not None:
        step = max(right - left0, 1.0) / (n_cols - 1)
        col_x = np.concatenate([[placed.x + placed.width / 2],
                                left0 + step * np.arange(1, n_cols)])
    elif n_cols > 1:
        col_x = np.linspace(left, max(right, left + 1.0), n_cols)
    else:
        col_x = np.array([left])
    col_x = np.rint(col_x)
    sizes_a = np.asarray(sizes)
    totals = sizes_a * pitch - (pitch - thumb)
    col_top = np.rint(top + (avail - totals) / 2 + thumb / 2) - thumb / 2
    unit_col = np.repeat(np.arange(n_cols), sizes_a)
    col_start = np.concatenate([[0], np.cumsum(sizes_a)])
    unit_idx = np.arange(col_start[-1]) - col_start[unit_col]
    unit_xy = np.column_stack(
        [col_x[unit_col], col_top[unit_col] + unit_idx * pitch + thumb / 2]
    )
    edges = _edge_segments(unit_xy, col_start, thumb / 2, skip_first=placed is not None)
    edge_counts = sizes_a[:-1] * sizes_a[1:]
    bundle = None
    if placed is not None:
        col_x[0] = placed.x + placed.width / 2
        col_top[0] = placed.y
        unit_xy[: sizes[0]] = placed.centres()
        bundle = make_bundle(placed, unit_xy[col_start[1]:col_start[2]], thumb / 2)
        edges = np.concatenate([bundle.segments(), edges])
        edge_counts[0] = bundle.groups * sizes[1]
    return DiagramLayout(
        width=width, height=height, thumb=thumb, cell_rows=cell_rows, gap_rows=gap_rows,
        col_x=col_x, col_top=col_top, unit_col=unit_col, unit_idx=unit_idx, unit_xy=unit_xy,
        col_start=col_start, edges=edges,
        edge_start=np.concatenate([[0], np.cumsum(edge_counts)]),
        bias_side=_bias_side(thumb), show_bias_text=bias_text,
        caption_y=height - room.caption_height - 2, block=placed, bundle=bundle,
    )


def _bias_side(thumb: float) -> float:
    """The bias square's side: about a quarter of the thumbnail, 4–10 px, and never more than
    half of a compressed (tiny) thumbnail."""
    if thumb >= 8.0:
        return float(np.clip(thumb * 0.26, 4.0, 10.0))
    return max(thumb / 2, 1.0)


def _thumb_size(n_max: int, n_cols: int, avail: float, span: float, cell_rows: int,
                bias_text: bool, max_thumb: float = MAX_THUMB, text_gap: float = 12.0
                ) -> tuple[float, float, int, bool]:
    """(thumbnail side, unit pitch, mosaic gap rows, whether the bias text still fits)."""
    gap_ratio = 0.3
    thumb = min(max_thumb, avail / (n_max * (1 + gap_ratio) - gap_ratio))
    dx_est = span / max(n_cols - 1, 1)
    thumb = min(thumb, dx_est / 2.2)
    if bias_text and n_max > 1:
        # the bias number sits in the gap below each unit; make the gap tall enough
        need = n_max * thumb + (n_max - 1) * text_gap
        if need > avail:
            thumb = (avail - (n_max - 1) * text_gap) / n_max
        bias_text = thumb >= 14.0
    if thumb < MIN_THUMB:
        thumb = min(MIN_THUMB, avail / (n_max * 1.1))
    thumb = max(thumb, FLOOR_THUMB)
    gap = max(thumb * gap_ratio, text_gap if bias_text else 0.0)
    gap_rows = max(1, round(cell_rows * gap / thumb))
    # An integer pitch and integer unit centres keep level edges on pixel rows: crisp without
    # antialiasing, and a pixel on such an edge hit-tests to it even where many edges cross.
    pitch = max(1.0, math.floor(thumb * (cell_rows + gap_rows) / cell_rows))
    if n_max * pitch > avail + pitch:
        # large layers (hundreds of units): compress below FLOOR_THUMB rather than clip
        pitch = max(1.0, math.floor(avail / n_max))
    return pitch * cell_rows / (cell_rows + gap_rows), pitch, gap_rows, bias_text


def _edge_segments(unit_xy: np.ndarray, col_start: np.ndarray, half: float,
                   skip_first: bool = False) -> np.ndarray:
    """(E, 4) segments from each unit's right side to the next column's units' left sides
    (``skip_first``: not the first weight layer's, which is a bundle)."""
    blocks = []
    for c in range(1 if skip_first else 0, len(col_start) - 2):
        a = unit_xy[col_start[c]:col_start[c + 1]]
        b = unit_xy[col_start[c + 1]:col_start[c + 2]]
        n_in, n_out = len(a), len(b)
        # row-major over (i, j) so edge order matches weights[l].ravel()
        ia = np.repeat(np.arange(n_in), n_out)
        jb = np.tile(np.arange(n_out), n_in)
        blocks.append(
            np.column_stack([a[ia, 0] + half, a[ia, 1], b[jb, 0] - half, b[jb, 1]])
        )
    return np.concatenate(blocks) if blocks else np.zeros((0, 4))


@dataclass(frozen=True)
class PhaseRegions:
    """Phase stepping: the band behind the active column and the veils over columns not
    computed yet, as boxes in canvas pixels."""

    bands: list[Box]
    veils: list[Box]


def phase_regions(lay: DiagramLayout, text_right: np.ndarray, active: int,
                  dimmed: set[int]) -> PhaseRegions:
    """Band and veils that cover each column's thumbnails and the value chips under them
    (``text_right`` (C,): right end of each column's chips, −inf if none). ``active`` is the
    banded column (−1: none)."""
    n_cols = len(lay.col_x)
    half = lay.col_half
    # each column's right edge: the thumbnail, its value chips and (active) its band
    right_edge = np.maximum(lay.col_x + half, text_right)
    bands = []
    if active >= 0:
        pad = max(10.0, lay.bias_side + 4)
        x0 = lay.col_x[active] - half[active] - pad
        right_edge[active] = max(lay.col_x[active] + half[active] + pad, text_right[active] + 4)
        bands.append(Box(float(x0), 2.0, float(right_edge[active] - x0), lay.caption_y + 16))
    veils = []
    for c in sorted(dimmed):
        # the column's units, bias squares and (inputs) labels; its incoming edges are
        # faded by their pens, so the veil never lightens the neighbours' band or numbers
        x0 = 0.0 if c == 0 else max(right_edge[c - 1],
                                    lay.col_x[c] - half[c] - lay.bias_side / 2 - 1)
        x1 = lay.width if c == n_cols - 1 else lay.col_x[c] + half[c] + 0.5
        veils.append(Box(float(x0), 0.0, float(max(x1 - x0, 0.0)), lay.caption_y - 1))
    return PhaseRegions(bands, veils)
