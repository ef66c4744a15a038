"""Wide inputs in the network diagram: one block instead of a unit per input, and bundled edges.

With more than BLOCK_INPUTS raw inputs a column of thumbnails is unreadable, so the inputs are
drawn as one block of cells (the image's pixel grid for image data such as the 8×8 digits,
else a compact strip, filled column by column), and the first weight layer as one *band* per
hidden unit: a straight line from a port on the block's right side to that unit. Band ``j``
carries unit ``j``'s incoming weights in input order along its length, so the point at
fraction ``t`` of band ``j`` is weight (⌊t·n_in⌋, j): hover still names every weight.

Drawing stays bounded: a band is cut into ``groups`` sub-segments (one per input when they
are at least MIN_SUB_PX long and the bundle stays within BUNDLE_BUDGET segments, else each
sub-segment stands for a run of neighbouring inputs, coloured by their mean). Qt-free canvas
pixels, like ``session.present.layout``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

BLOCK_INPUTS = 16
"""More raw inputs than this are drawn as one block."""
MAX_CELL = 16.0
"""Largest block cell side in pixels."""
MIN_STRIP_CELL = 3.0
"""A strip (non-image inputs) gets as many cell columns as keep its cells this large."""
BLOCK_WIDTH_SHARE = 0.22
"""The block takes at most this share of the canvas width."""
MIN_SUB_PX = 2.0
"""A band's sub-segments are at least this long (else inputs share one)."""
BUNDLE_BUDGET = 8000
"""Most sub-segments the whole bundle is drawn with (the per-frame cost bound)."""


@dataclass(frozen=True)
class BlockSpec:
    """What decides the block: the number of inputs and (image data) the image's shape."""

    n_inputs: int
    image_shape: tuple[int, int] | None = None


def block_spec(n_inputs: int, image_shape: tuple[int, int] | None) -> BlockSpec | None:
    """A block for more than BLOCK_INPUTS inputs (None: one unit per input, as ever); an
    image shape that does not hold exactly ``n_inputs`` pixels is ignored."""
    if n_inputs <= BLOCK_INPUTS:
        return None
    if image_shape is not None and int(np.prod(image_shape)) != n_inputs:
        image_shape = None
    return BlockSpec(n_inputs, image_shape)


@dataclass(frozen=True)
class InputBlock:
    """The block's geometry. Input ``i`` sits in cell (i // cols, i % cols) for images (row
    by row, as the pixels are stored) and (i % rows, i // rows) for strips (column by column).
    """

    n: int
    rows: int
    cols: int
    image: bool
    x: float
    y: float
    cell: float
    """Cell side in pixels."""

    @property
    def width(self) -> float:
        return self.cols * self.cell

    @property
    def height(self) -> float:
        return self.rows * self.cell

    def cell_of(self, i: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of input(s) ``i``."""
        i = np.asarray(i)
        if self.image:
            return i // self.cols, i % self.cols
        return i % self.rows, i // self.rows

    def centres(self) -> np.ndarray:
        """(n, 2) every input's cell centre."""
        r, c = self.cell_of(np.arange(self.n))
        return np.column_stack([self.x + (c + 0.5) * self.cell, self.y + (r + 0.5) * self.cell])

    def input_at(self, x: float, y: float) -> int | None:
        """The input whose cell holds canvas point (x, y), or None."""
        c = math.floor((x - self.x) / self.cell)
        r = math.floor((y - self.y) / self.cell)
        if not (0 <= r < self.rows and 0 <= c < self.cols):
            return None
        i = r * self.cols + c if self.image else c * self.rows + r
        return i if i < self.n else None

    def grid(self, values: np.ndarray, fill: float = np.nan) -> np.ndarray:
        """(rows, cols) image of per-input ``values`` (n,); cells past the last input get
        ``fill``."""
        out = np.full(self.rows * self.cols, fill, dtype=np.float64)
        r, c = self.cell_of(np.arange(self.n))
        out[r * self.cols + c] = values
        return out.reshape(self.rows, self.cols)


def place_block(spec: BlockSpec, left: float, top: float, avail: float, width: float
                ) -> InputBlock:
    """The block at ``left``, centred in the ``avail`` pixels of height below ``top``, with
    integer cells as large as fit (≤ MAX_CELL, ≤ BLOCK_WIDTH_SHARE of ``width``)."""
    max_w = max(BLOCK_WIDTH_SHARE * width, 8.0)
    n = spec.n_inputs
    if spec.image_shape is not None:
        rows, cols = (int(v) for v in spec.image_shape)
    else:
        rows_max = max(int(avail // MIN_STRIP_CELL), 1)
        cols = math.ceil(n / rows_max)
        rows = math.ceil(n / cols)
    fit = min(avail / rows, max_w / cols, MAX_CELL)
    cell = float(math.floor(fit)) if fit >= 1.0 else fit
    y = float(np.rint(top + (avail - rows * cell) / 2))
    return InputBlock(n, rows, cols, spec.image_shape is not None, float(left), y, cell)


@dataclass(frozen=True)
class Bundle:
    """The first weight layer as bands: ``bands`` (n_out, 4) x0, y0, x1, y1 from the block's
    ports to the hidden units' left sides; each band is cut into ``groups`` sub-segments."""

    n_in: int
    bands: np.ndarray
    groups: int

    @property
    def n_out(self) -> int:
        return len(self.bands)

    def group_of(self, i: int) -> int:
        """The sub-segment input ``i`` is drawn in."""
        return i * self.groups // self.n_in

    def group_starts(self) -> np.ndarray:
        """(groups,) the first input of each sub-segment (for ``np.add.reduceat``)."""
        k = np.arange(self.groups)
        return (k * self.n_in + self.groups - 1) // self.groups

    def segments(self) -> np.ndarray:
        """(groups · n_out, 4) the sub-segments, row-major over (group, j) like the weights."""
        t0 = np.arange(self.groups) / self.groups
        t1 = (np.arange(self.groups) + 1) / self.groups
        b = self.bands
        x0, y0 = b[:, 0], b[:, 1]
        dx, dy = b[:, 2] - x0, b[:, 3] - y0
        return np.stack([x0 + t0[:, None] * dx, y0 + t0[:, None] * dy,
                         x0 + t1[:, None] * dx, y0 + t1[:, None] * dy], axis=-1).reshape(-1, 4)

    def weight_line(self, i: int, j: int) -> tuple[float, float, float, float]:
        """The stretch of band ``j`` that stands for weight (i, j) (at least 3 px long)."""
        x0, y0, x1, y1 = (float(v) for v in self.bands[j])
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        half = max(0.5 / self.n_in, 1.5 / length)
        mid = (i + 0.5) / self.n_in
        a, b = max(mid - half, 0.0), min(mid + half, 1.0)
        return x0 + a * (x1 - x0), y0 + a * (y1 - y0), x0 + b * (x1 - x0), y0 + b * (y1 - y0)

    def hit(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For points (P,): the nearest band j, the input i at that place along it, and the
        squared distance, all (P,)."""
        b = self.bands
        x0, y0 = b[:, 0], b[:, 1]
        dx, dy = b[:, 2] - x0, b[:, 3] - y0
        dd = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1.0)
        px, py = x[:, None], y[:, None]
        t = np.clip(((px - x0) * dx + (py - y0) * dy) / dd, 0.0, 1.0)
        d2 = (x0 + t * dx - px) ** 2 + (y0 + t * dy - py) ** 2
        j = np.argmin(d2, axis=1)
        rows = np.arange(len(j))
        i = np.minimum((t[rows, j] * self.n_in).astype(np.int64), self.n_in - 1)
        return i, j, d2[rows, j]


def make_bundle(block: InputBlock, unit_xy: np.ndarray, half: float) -> Bundle:
    """Bands from ports spread evenly down the block's right side to hidden units ``unit_xy``
    (n_out, 2) whose thumbnails are ``2 · half`` wide: monotone, so no two bands cross."""
    n_out = len(unit_xy)
    ports = block.y + (np.arange(n_out) + 0.5) * block.height / max(n_out, 1)
    x_start = block.x + block.width + 1.0
    # bands stop short of the units' hit boxes (thumbnail + 2 px), so the last input's
    # stretch of each band can be hovered too
    bands = np.column_stack([np.full(n_out, x_start), ports, unit_xy[:, 0] - half - 3.0,
                             unit_xy[:, 1]])
    length = float(np.mean(np.hypot(bands[:, 2] - bands[:, 0], bands[:, 3] - bands[:, 1])))
    groups = min(block.n, max(int(length // MIN_SUB_PX), 1),
                 max(BUNDLE_BUDGET // max(n_out, 1), 1))
    return Bundle(block.n, bands, max(groups, 1))
