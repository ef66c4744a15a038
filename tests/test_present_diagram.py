"""What the diagram's edges show and how they are bucketed for drawing, without Qt."""

from __future__ import annotations

import numpy as np
import pytest

from engine.trace_display import EdgeQuantity, TraceDisplay, UnitQuantity
from session.present.diagram import (
    NO_EDGES,
    edge_buckets,
    edge_coloring,
    trace_fits,
)
from session.present.levels import EDGE_LEVELS

WEIGHTS = [np.array([[1.0, -0.5], [0.0, 0.25]]), np.array([[2.0], [-2.0]])]  # sizes 2, 2, 1


def display(edge_kind: EdgeQuantity = EdgeQuantity.WEIGHT,
            edge_values: tuple = (None, None),
            unit_values: tuple = (np.zeros(2), np.zeros(2), np.zeros(1))) -> TraceDisplay:
    return TraceDisplay(
        phase="p", active_column=1, unit_values=unit_values, unit_kind=UnitQuantity.ACTIVATION,
        pre_activation=(None, None, None), edge_values=edge_values, edge_kind=edge_kind,
        prediction=None, target=None, loss=None, n_samples=1, caption="",
    )


def test_weights_are_coloured_on_the_shared_scale() -> None:
    c = edge_coloring(WEIGHTS, 2.0, None)
    assert c.quantity is EdgeQuantity.WEIGHT and not c.gradient_palette
    assert c.levels.tolist() == [4, -2, 0, 1, 8, -8]  # weights[0].ravel(), then weights[1]
    assert c.magnitude.tolist() == [1.0, 0.5, 0.0, 0.25, 2.0, 2.0]
    assert c.muted is None and c.faded is None and c.scale == 2.0


def test_gradients_use_their_own_scale_and_mute_layers_not_computed() -> None:
    grad = np.array([[0.1], [-0.05]])
    c = edge_coloring(WEIGHTS, 2.0, display(EdgeQuantity.GRADIENT, (None, grad)))
    assert c.gradient_palette and c.layer_peaks == (None, 0.1)
    assert c.muted is not None and c.muted.tolist() == [True] * 4 + [False] * 2
    assert c.levels.tolist() == [0, 0, 0, 0, EDGE_LEVELS, -EDGE_LEVELS // 2]
    assert c.magnitude.tolist() == [0.0] * 4 + [1.0, 0.5]  # relative to the layer's peak
    assert edge_coloring(WEIGHTS, 2.0, None).layer_peaks == ()


@pytest.mark.parametrize("kind", [EdgeQuantity.GRADIENT, EdgeQuantity.CHANGE])
def test_each_layer_is_coloured_and_sized_on_its_own_scale(kind: EdgeQuantity) -> None:
    """A layer whose ∂L/∂w (or Δw) is 100× smaller than the next one's gets the same colour
    steps for the same pattern, and its strongest edges are as likely to be drawn wide."""
    rng = np.random.default_rng(3)
    weights = [rng.normal(size=(20, 20)), rng.normal(size=(20, 20))]
    big = rng.normal(size=(20, 20))
    c = edge_coloring(weights, 1.0, display(kind, (big / 100, big),
                                            (np.zeros(20), np.zeros(20), np.zeros(20))))
    first, second = c.levels[:400], c.levels[400:]
    assert np.array_equal(first, second) and np.abs(first).max() == EDGE_LEVELS
    peak = float(np.abs(big).max())
    assert c.layer_peaks[1] == peak and c.layer_peaks[0] == pytest.approx(peak / 100)
    np.testing.assert_allclose(c.magnitude[:400], c.magnitude[400:])
    wide = np.concatenate([b.indices for b in edge_buckets(c.levels, c.magnitude,
                                                           wide_limit=100) if b.wide])
    assert abs(int((wide < 400).sum()) - int((wide >= 400).sum())) <= 2  # shared fairly


def test_zero_nan_and_one_edge_layers_on_their_own_scale() -> None:
    """An all-zero layer and an all-NaN layer draw grey without spoiling the others; a layer
    of one edge is saturated; NaN among finite values is grey."""
    weights = [np.ones((2, 2)), np.ones((2, 1)), np.ones((1, 1))]
    edges = (np.zeros((2, 2)), np.array([[np.nan], [-3e-9]]), np.array([[2e-7]]))
    c = edge_coloring(weights, 1.0, display(EdgeQuantity.GRADIENT, edges,
                                            (np.zeros(2), np.zeros(2), np.zeros(1),
                                             np.zeros(1))))
    assert c.levels.tolist() == [0, 0, 0, 0, 0, -EDGE_LEVELS, EDGE_LEVELS]
    assert c.layer_peaks[0] == 0.0 and c.layer_peaks[1:] == (3e-9, 2e-7)
    assert np.isfinite(c.magnitude[[0, 1, 2, 3, 5, 6]]).all()
    nan_layer = edge_coloring(weights, 1.0, display(
        EdgeQuantity.CHANGE, (np.full((2, 2), np.nan), None, np.array([[-1.0]])),
        (np.zeros(2), np.zeros(2), np.zeros(1), np.zeros(1))))
    assert nan_layer.levels.tolist() == [0] * 6 + [-EDGE_LEVELS]
    assert np.isnan(nan_layer.layer_peaks[0]) and nan_layer.layer_peaks[1] is None


def test_edges_into_columns_not_computed_are_faded() -> None:
    c = edge_coloring(WEIGHTS, 2.0, display(unit_values=(np.zeros(2), np.zeros(2), None)))
    assert c.faded is not None and c.faded.tolist() == [False] * 4 + [True] * 2
    assert edge_coloring(WEIGHTS, 2.0, display()).faded is None


def test_buckets_cover_every_edge_once_and_only_the_strongest_are_wide() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=1000)
    levels = np.clip(np.rint(values * 4), -8, 8).astype(np.int64)
    buckets = edge_buckets(levels, np.abs(values), wide_limit=50)
    seen = np.concatenate([b.indices for b in buckets])
    assert sorted(seen.tolist()) == list(range(1000))
    wide = np.concatenate([b.indices for b in buckets if b.wide])
    assert len(wide) <= 50 and np.abs(values[wide]).min() >= np.sort(np.abs(values))[-50]
    for b in buckets:
        assert (levels[b.indices] == b.level).all()
    assert len({(b.level, b.wide) for b in buckets}) == len(buckets)  # one pen each


def test_muted_edges_form_one_bucket_and_faded_ones_their_own() -> None:
    levels = np.array([8, 8, -3, 0])
    muted = np.array([False, False, True, True])
    faded = np.array([True, False, False, False])
    buckets = edge_buckets(levels, np.abs(levels).astype(float), muted, faded)
    by_kind = {(b.muted, b.faded, b.wide, b.level): b.indices.tolist() for b in buckets}
    assert by_kind == {(True, False, False, 0): [2, 3], (False, False, True, 8): [1],
                       (False, True, True, 8): [0]}
    assert edge_buckets(np.zeros(0, np.int64), np.zeros(0)) == []


def test_trace_fits_only_its_own_network() -> None:
    assert trace_fits(display(), (2, 2, 1))
    assert not trace_fits(display(), (2, 3, 1))
    assert not trace_fits(display(), (2, 2))
    wrong = display(EdgeQuantity.GRADIENT, (None, np.zeros((3, 1))))
    assert not trace_fits(wrong, (2, 2, 1))
    assert NO_EDGES.levels.size == 0


def test_dead_links_form_their_own_bucket_in_every_mode() -> None:
    """Dead links (TF rules, L1) get one level-0 'dead' bucket, whatever their value, and a
    mask that does not fit the weights is ignored."""
    from session.present.diagram import edge_coloring

    weights = [np.array([[0.0, 0.5], [-0.3, 0.0]]), np.array([[0.2], [0.0]])]
    dead = [np.array([[True, False], [False, False]]), np.array([[False], [True]])]
    c = edge_coloring(weights, 1.0, None, dead)
    assert c.dead is not None and c.dead.tolist() == [True, False, False, False, False, True]
    buckets = edge_buckets(c.levels, c.magnitude, c.muted, c.faded, dead=c.dead)
    dead_buckets = [b for b in buckets if b.dead]
    assert len(dead_buckets) == 1 and dead_buckets[0].level == 0
    assert sorted(dead_buckets[0].indices.tolist()) == [0, 5]
    assert not any(b.dead for b in edge_buckets(c.levels, c.magnitude))
    assert edge_coloring(weights, 1.0, None, dead[:1]).dead is None
    assert edge_coloring(weights, 1.0, None, ()).dead is None


def test_tf_widths_bucket_wide_edges_by_whole_pixels() -> None:
    """With TF Playground's widths, an edge's width follows |w| (1–10 px over 0–5), not its
    colour step, which saturates at |w| = 1 on the fixed scale."""
    from session.present.diagram import edge_coloring

    weights = [np.array([[1.0, 5.0, -2.5, 0.01]])]
    c = edge_coloring(weights, 1.0, None, (), tf_widths=True)
    assert c.widths is not None and c.levels.tolist() == [8, 8, -8, 0]
    buckets = edge_buckets(c.levels, c.magnitude, widths=c.widths)
    width_of = {int(i): b.width for b in buckets for i in b.indices}
    assert width_of == {0: 3, 1: 10, 2: 6, 3: None}  # 1 + 9·|w|/5, rounded; 1 px is thin
    assert edge_coloring(weights, 1.0, None).widths is None
