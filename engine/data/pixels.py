"""Whether a data set's columns are an image's pixels, read off their names, so that custom
data (an imported digits or MNIST CSV, the shipped digits edited in the data table) is drawn
as images like the shipped set."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_GRID = re.compile(r"r(\d+)c(\d+)")
_NUMBERED = re.compile(r"(?:pixel|px)(\d+)")


def image_shape_from_names(names: Sequence[str]) -> tuple[int, int] | None:
    """(rows, columns) when ``names`` are pixels row by row: ``r0c0, r0c1, …`` (a whole grid
    in row-major order, counted from 0 or 1), or ``pixel0 … pixelN−1`` (or ``px``) with N a
    square (MNIST's CSV, 28 × 28); None otherwise. Each side at least 2."""
    n = len(names)
    if n < 4:
        return None
    grid = [_GRID.fullmatch(s.strip().lower()) for s in names]
    if all(grid):
        cells = [(int(m.group(1)), int(m.group(2))) for m in grid if m]
        r0, c0 = cells[0]
        cols = next((k for k, (r, _) in enumerate(cells) if r != r0), n)
        rows = n // cols
        expected = [(r0 + k // cols, c0 + k % cols) for k in range(n)]
        if r0 == c0 and r0 in (0, 1) and rows * cols == n and cells == expected \
                and min(rows, cols) >= 2:
            return rows, cols
        return None
    numbered = [_NUMBERED.fullmatch(s.strip().lower()) for s in names]
    side = math.isqrt(n)
    if all(numbered) and side * side == n:
        first = int(numbered[0].group(1)) if numbered[0] else 0
        if first in (0, 1) and all(m and int(m.group(1)) == first + k
                                   for k, m in enumerate(numbered)):
            return side, side
    return None
