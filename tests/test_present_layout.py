"""The diagram's geometry and hit tests, without Qt."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from session.present.layout import (
    EDGE_PICK_PX,
    Affine,
    TextRoom,
    compute_layout,
    phase_regions,
)

ROOM = TextRoom(label_width=20.0, bias_text_width=60.0, bias_text=True, caption_height=14.0)
IDENTITY = Affine(1.0, 1.0, 0.0, 0.0)


@pytest.mark.parametrize("sizes", [(2, 4, 2, 1), (3, 1), (6, 32, 32, 1), (1, 1, 1)])
def test_layout_places_every_unit_and_edge(sizes: tuple[int, ...]) -> None:
    lay = compute_layout(sizes, 800.0, 450.0, 32, ROOM)
    assert len(lay.unit_xy) == sum(sizes)
    assert len(lay.edges) == sum(a * b for a, b in itertools.pairwise(sizes))
    assert lay.edge_start[-1] == len(lay.edges)
    assert 4.0 <= lay.thumb <= 48.0
    assert float(lay.pitch).is_integer()  # level edges stay on pixel rows
    assert (lay.unit_xy[:, 1] - lay.thumb / 2 >= 0).all()
    assert (lay.unit_xy[:, 1] + lay.thumb / 2 <= lay.caption_y).all()
    # an edge leaves its unit's right side and enters the next unit's left side
    x0, y0, x1, y1 = lay.edges[lay.edge_index(0, 0, sizes[1] - 1)]
    a, b = lay.unit_box(0, 0), lay.unit_box(1, sizes[1] - 1)
    assert (x0, y0) == pytest.approx((a.x + a.w, a.y + a.h / 2))
    assert (x1, y1) == pytest.approx((b.x, b.y + b.h / 2))


def test_every_unit_hit_tests_to_itself() -> None:
    lay = compute_layout((2, 4, 2, 1), 800.0, 450.0, 32, ROOM)
    for c, j, (x, y) in zip(lay.unit_col, lay.unit_idx, lay.unit_xy, strict=True):
        assert lay.unit_at(x, y) == (c, j)
    assert lay.unit_at(1.0, 1.0) is None


def test_every_edge_has_a_pixel_that_picks_it() -> None:
    sizes = (2, 4, 2, 1)
    lay = compute_layout(sizes, 800.0, 450.0, 32, ROOM)
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        for i in range(n_in):
            for j in range(n_out):
                x, y = lay.edge_pixel(layer, i, j, IDENTITY)
                assert lay.edge_at(x, y) == (layer, i, j)
    # far from every edge, and inside a unit's column, nothing is picked
    assert lay.edge_at(float(lay.col_x[1]), 2.0) is None
    x, y = lay.unit_xy[0]
    assert lay.edge_at(x - EDGE_PICK_PX - lay.thumb, y) is None


def test_edge_pixel_is_a_whole_widget_pixel_under_any_affine() -> None:
    lay = compute_layout((2, 3, 2), 400.0, 300.0, 16, ROOM)
    to_widget = Affine(2.0, 2.0, 30.5, 5.25)
    for i in range(3):
        for j in range(2):
            wx, wy = lay.edge_pixel(1, i, j, to_widget)
            assert wx.is_integer() and wy.is_integer()
            assert lay.edge_at((wx - 30.5) / 2.0, (wy - 5.25) / 2.0) == (1, i, j)


def test_narrow_canvases_drop_the_numbers_under_units() -> None:
    small = compute_layout((2, 8, 8, 1), 800.0, 200.0, 32, ROOM)
    assert not small.show_bias_text
    roomy = compute_layout((2, 2, 1), 800.0, 450.0, 32, ROOM)
    assert roomy.show_bias_text


def test_phase_regions_band_the_active_column_and_veil_the_rest() -> None:
    lay = compute_layout((2, 3, 1), 600.0, 400.0, 32, ROOM)
    right = np.full(3, -np.inf)
    regions = phase_regions(lay, right, 1, {2})
    (band,) = regions.bands
    assert band.x < lay.col_x[1] - lay.thumb / 2 and band.x + band.w > lay.col_x[1] + lay.thumb / 2
    (veil,) = regions.veils
    assert veil.x >= band.x + band.w and veil.x + veil.w == lay.width
    none = phase_regions(lay, right, -1, set())
    assert none.bands == [] and none.veils == []
