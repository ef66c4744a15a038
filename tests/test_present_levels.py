"""Colour levels for the diagram, without Qt: scales, steps, palettes, unit frames, thumbnails."""

from __future__ import annotations

import numpy as np
import pytest

from session.present.levels import (
    EDGE_LEVELS,
    SCALE_FLOOR,
    activation_levels,
    diverging_rgb,
    layer_peaks,
    parameter_scale,
    peak_color_scale,
    peak_scale,
    signed_steps,
    thumbnail_fractions,
    unit_fractions,
)

GREY, ORANGE, BLUE = (232, 234, 235), (245, 147, 34), (8, 119, 189)


def test_activation_levels_use_the_range_or_the_peak() -> None:
    assert activation_levels("sigmoid") == (0.0, 1.0)
    assert activation_levels("softmax", np.array([5.0])) == (0.0, 1.0)
    assert activation_levels("tanh") == (-1.0, 1.0)
    assert activation_levels("relu", np.array([0.5, -2.0])) == (-2.0, 2.0)
    assert activation_levels("linear") == (-1.0, 1.0)
    assert activation_levels("relu", np.zeros(3)) == (-1.0, 1.0)
    assert activation_levels("relu", np.array([np.inf])) == (-1.0, 1.0)


def test_parameter_scale_is_the_largest_finite_magnitude_floored() -> None:
    assert parameter_scale([np.array([0.5, -3.0]), np.array([np.nan, np.inf, 1.0])]) == 3.0
    assert parameter_scale([np.zeros((2, 2))]) == SCALE_FLOOR
    assert parameter_scale([]) == SCALE_FLOOR


def test_peak_scale_is_one_when_nothing_is_finite_or_nonzero() -> None:
    assert peak_scale([np.array([0.02, -0.05])]) == 0.05
    assert peak_scale([np.zeros(3)]) == 1.0
    assert peak_scale([np.array([np.nan])]) == 1.0


def test_layer_peaks_are_each_layers_own_largest_finite_magnitude() -> None:
    """One peak per layer: a layer 100× smaller gets a 100× smaller peak; None (not
    computed) stays None, a layer with nothing finite is NaN, an all-zero one 0."""
    rng = np.random.default_rng(1)
    big = rng.normal(size=(3, 4))
    peaks = layer_peaks([big / 100, None, big, np.array([[np.nan, -np.inf]]), np.zeros((2, 2)),
                         np.array([[np.nan, -0.5, np.inf]]), np.array([[-7e-9]])])
    assert peaks[0] == pytest.approx(peaks[2] / 100) and peaks[2] == np.abs(big).max()
    assert peaks[1] is None and np.isnan(peaks[3]) and peaks[4] == 0.0
    assert peaks[5:] == (0.5, 7e-9)  # inf is not a scale; one edge is its own peak
    assert layer_peaks([]) == ()
    assert [peak_color_scale(p) for p in peaks] == [peaks[0], 1.0, peaks[2], 1.0, 1.0, 0.5,
                                                    7e-9]


def test_signed_steps_clip_round_and_send_nan_to_grey() -> None:
    v = np.array([-10.0, -1.0, -0.5, 0.0, 0.06, 1.0, np.nan, np.inf])
    steps = signed_steps(v, 1.0, EDGE_LEVELS)
    assert steps.dtype == np.int64
    assert steps.tolist() == [-8, -8, -4, 0, 0, 8, 0, 8]


def test_diverging_rgb_runs_from_the_negative_end_through_zero() -> None:
    assert diverging_rgb(0.0, GREY, ORANGE, BLUE) == GREY
    assert diverging_rgb(-1.0, GREY, ORANGE, BLUE) == ORANGE
    assert diverging_rgb(5.0, GREY, ORANGE, BLUE) == BLUE
    assert diverging_rgb(float("nan"), GREY, ORANGE, BLUE) == GREY
    half = diverging_rgb(0.5, GREY, ORANGE, BLUE)
    assert all(min(g, b) <= h <= max(g, b) for g, h, b in zip(GREY, half, BLUE, strict=True))


def test_unit_fractions_for_errors_inputs_and_layers() -> None:
    maps = np.array([[[1.0, -2.0]], [[0.5, 0.25]]])  # two units, their values on the plane
    err = unit_fractions(np.array([-0.1, 0.05, np.nan]), error=True, error_scale=0.1,
                         column_maps=maps, activation=None)
    assert err.tolist() == [-1.0, 0.5, 0.0]
    inputs = unit_fractions(np.array([1.0, -1.0]), error=False, error_scale=1.0,
                            column_maps=maps, activation=None)
    assert inputs.tolist() == [0.5, -1.0]  # each feature against its own peak (2, 0.5)
    sig = unit_fractions(np.array([0.0, 0.75, 1.0]), error=False, error_scale=1.0,
                         column_maps=maps, activation="sigmoid")
    assert sig.tolist() == [-1.0, 0.5, 1.0]


def test_thumbnail_fractions_lie_in_zero_one_and_nan_draws_the_negative_end() -> None:
    inputs = np.array([[[-2.0, 0.0, 2.0]], [[0.0, 0.0, 0.0]]])
    t = thumbnail_fractions(inputs, None)
    assert t.dtype == np.float32 and t.shape == inputs.shape
    assert t[0].ravel().tolist() == [0.0, 0.5, 1.0]
    assert t[1].ravel().tolist() == [0.5, 0.5, 0.5]  # a zero feature sits at the middle
    with np.errstate(all="raise"):
        layer = thumbnail_fractions(np.array([[[np.nan, 0.0, 1.0, 9.0]]]), "tanh")
    assert layer.ravel().tolist() == [0.0, 0.5, 1.0, 1.0]


@pytest.mark.parametrize("activation", ["relu", "linear"])
def test_unbounded_thumbnails_are_symmetric_about_zero(activation: str) -> None:
    t = thumbnail_fractions(np.array([[[-1.0, 0.0, 4.0]]]), activation)
    assert t.ravel().tolist() == [0.375, 0.5, 1.0]


def test_tf_rules_fix_the_colour_scale_and_widths() -> None:
    """TensorFlow Playground: weights and biases colour on a fixed −1…1 (clamped), and edges
    are 1–10 px over |w| 0–5 (clamped), whatever the largest weight."""
    from session.present.levels import tf_edge_widths, weight_color_scale

    big = [np.array([[4.0, -0.5]]), np.array([0.2])]
    assert weight_color_scale(big, True) == 1.0
    assert weight_color_scale(big, False) == 4.0
    np.testing.assert_allclose(tf_edge_widths(np.array([0.0, -2.5, 5.0, 9.0, np.nan])),
                               [1.0, 5.5, 10.0, 10.0, 1.0])
