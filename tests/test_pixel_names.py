"""Custom data whose columns are named like pixels is drawn as images (engine.data.pixels)."""

from __future__ import annotations

import pytest

from engine.data.pixels import image_shape_from_names


def grid(rows: int, cols: int, start: int = 0) -> list[str]:
    return [f"r{i}c{j}" for i in range(start, start + rows) for j in range(start, start + cols)]


@pytest.mark.parametrize(
    ("names", "shape"),
    [
        (grid(8, 8), (8, 8)),
        (grid(3, 5, start=1), (3, 5)),
        ([f"pixel{k}" for k in range(784)], (28, 28)),
        ([f"PX{k + 1}" for k in range(64)], (8, 8)),
        ([s.upper() for s in grid(2, 2)], (2, 2)),
        # not images: a column order other than row by row, a gap, a non-square count, too
        # few pixels, other names, a side of one
        ([f"r{i}c{j}" for j in range(8) for i in range(8)], None),
        (grid(8, 8)[:-1], None),
        ([f"pixel{k}" for k in range(10)], None),
        (["pixel0", "pixel1", "pixel3", "pixel2"], None),
        (grid(1, 1), None),
        (["sepal_length", "sepal_width", "petal_length", "petal_width"], None),
        (grid(1, 6), None),
        (grid(2, 3, start=2), None),
    ],
)
def test_image_shape_from_names(names, shape):
    assert image_shape_from_names(names) == shape
