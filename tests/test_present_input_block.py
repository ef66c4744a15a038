"""Wide inputs in the diagram's layout (Qt-free): the block and the bundle stay inside the
canvas, and hit-testing names the right input and weight for 64 and 784 inputs."""

from __future__ import annotations

import numpy as np
import pytest

from session.present.diagram import bundle_rows, edge_coloring
from session.present.input_block import BLOCK_INPUTS, BUNDLE_BUDGET, block_spec
from session.present.layout import Affine, TextRoom, compute_layout

ROOM = TextRoom(label_width=0.0, bias_text_width=80.0, bias_text=False, caption_height=14.0)
CASES = [((64, 32, 10), (8, 8)), ((784, 128, 10), None), ((784, 128, 64, 10), (28, 28)),
         ((64, 32, 10), None)]


def test_block_only_beyond_the_readable_count() -> None:
    assert block_spec(BLOCK_INPUTS, None) is None
    assert block_spec(BLOCK_INPUTS + 1, None) is not None
    assert block_spec(64, (8, 8)).image_shape == (8, 8)
    assert block_spec(64, (7, 8)).image_shape is None  # not that many pixels: a strip


def test_small_inputs_keep_the_old_layout() -> None:
    room = TextRoom(20.0, 80.0, True, 14.0)
    a = compute_layout((2, 4, 2, 1), 800, 470, 24, room)
    b = compute_layout((2, 4, 2, 1), 800, 470, 24, room, block_spec(2, None))
    assert a.block is None and b.block is None
    np.testing.assert_array_equal(a.edges, b.edges)
    np.testing.assert_array_equal(a.unit_xy, b.unit_xy)


@pytest.mark.parametrize(("sizes", "shape"), CASES)
@pytest.mark.parametrize(("width", "height"), [(480, 440), (800, 470), (320, 260)])
def test_everything_stays_on_the_canvas(sizes, shape, width, height) -> None:
    lay = compute_layout(sizes, width, height, 24, ROOM, block_spec(sizes[0], shape))
    b = lay.block
    assert b is not None and lay.bundle is not None
    if shape is not None:
        assert (b.rows, b.cols) == shape and b.image
    assert b.rows * b.cols >= sizes[0] and b.cell > 0
    assert b.x >= 0 and b.x + b.width <= width and b.y >= 0 and b.y + b.height <= height
    xy = lay.unit_xy
    assert (xy[:, 0] >= 0).all() and (xy[:, 0] <= width).all()
    assert (xy[:, 1] >= 0).all() and (xy[:, 1] <= lay.caption_y).all()
    assert (lay.edges[:, 0::2] >= 0).all() and (lay.edges[:, 0::2] <= width).all()
    assert (lay.edges[:, 1::2] >= 0).all() and (lay.edges[:, 1::2] <= height).all()
    assert list(np.diff(lay.col_x) > 0) == [True] * (len(sizes) - 1)
    # the bundle's drawing cost is bounded, whatever the number of inputs
    assert int(lay.edge_start[1]) == lay.bundle.groups * sizes[1] <= max(BUNDLE_BUDGET,
                                                                          sizes[1])
    assert len(lay.edges) == lay.edge_start[-1]


@pytest.mark.parametrize(("sizes", "shape"), CASES)
def test_hit_testing_names_each_input_and_weight(sizes, shape) -> None:
    lay = compute_layout(sizes, 480, 440, 24, ROOM, block_spec(sizes[0], shape))
    bundle = lay.bundle
    assert bundle is not None
    rng = np.random.default_rng(sum(sizes))
    n_in, n_out = sizes[0], sizes[1]
    for i, j in zip(rng.integers(n_in, size=60), rng.integers(n_out, size=60), strict=True):
        i, j = int(i), int(j)
        box = lay.unit_box(0, i)
        assert lay.unit_at(box.x + box.w / 2, box.y + box.h / 2) == (0, i)
        x0, y0, x1, y1 = bundle.bands[j]
        t = (i + 0.5) / n_in
        assert lay.edge_at(x0 + t * (x1 - x0), y0 + t * (y1 - y0)) == (0, i, j)
        # the sub-segment drawn for this weight lies on its band, around its place
        seg = lay.edges[lay.edge_index(0, i, j)]
        assert np.hypot(*(seg[:2] - (x0, y0))) <= t * np.hypot(x1 - x0, y1 - y0) + 1e-9
    # the hidden units still hit, and so do the next layer's edges
    assert lay.unit_at(*lay.unit_xy[lay.col_start[1]]) == (1, 0)
    x, y = lay.edge_pixel(1, 0, 0, Affine(1.0, 1.0, 0.0, 0.0))
    assert lay.edge_at(x, y) == (1, 0, 0)


def test_digits_weights_hit_at_whole_pixels() -> None:
    """With 64 inputs every weight has a pixel of its own on its band (the view's pointer)."""
    lay = compute_layout((64, 32, 10), 420, 560, 24, ROOM, block_spec(64, (8, 8)))
    to_widget = Affine(1.0, 1.0, 3.0, 5.0)
    for i in range(0, 64, 7):
        for j in range(0, 32, 5):
            px, py = lay.edge_pixel(0, i, j, to_widget)
            assert px == round(px) and py == round(py)
            assert lay.edge_at(*to_widget.to_canvas(px, py)) == (0, i, j)


def test_large_layers_compress_instead_of_clipping() -> None:
    lay = compute_layout((2, 128, 1), 800, 470, 24, TextRoom(20.0, 80.0, False, 14.0))
    assert lay.unit_xy[:, 1].max() + lay.thumb / 2 <= lay.caption_y
    assert lay.unit_xy[:, 1].min() - lay.thumb / 2 >= 0
    assert lay.bias_side <= lay.thumb


def test_bundle_rows_average_runs_of_inputs() -> None:
    w = np.arange(12.0).reshape(6, 2)
    np.testing.assert_array_equal(bundle_rows(w, np.array([0, 2, 4])),
                                  [[1, 2], [5, 6], [9, 10]])
    assert bundle_rows(w, np.arange(6)) is w or np.array_equal(bundle_rows(w, np.arange(6)), w)
    dead = np.array([[1, 0], [1, 1], [0, 0], [0, 1]], dtype=bool)
    np.testing.assert_array_equal(bundle_rows(dead, np.array([0, 2]), dead=True),
                                  [[True, False], [False, False]])
    coloring = edge_coloring([w, np.ones((2, 1))], 10.0, None, bundle_starts=np.array([0, 3]))
    assert len(coloring.levels) == 2 * 2 + 2  # two drawn rows of the first layer, then 2 × 1
    assert coloring.levels[0] < coloring.levels[2]  # mean of 0, 2, 4 < mean of 6, 8, 10
