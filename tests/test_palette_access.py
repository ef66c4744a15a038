"""Issue 15's palette rules, measured with gui.color_science: every edge colour level is at
least 3:1 against the diagram background it is meant for, and the weight scale's ends stay
ΔE00 ≥ 20 from the gradient scale's under normal vision and simulated protan, deutan and
tritan vision."""

from __future__ import annotations

import pytest

from gui.color_science import (
    DISTINCT_DELTA_E,
    GRAPHICS_CONTRAST,
    Deficiency,
    contrast,
    delta_e,
    simulate,
)
from gui.colors import EdgePalette, edge_palette
from session.present.levels import EDGE_LEVELS, RGB, diverging_rgb

BACKGROUNDS = [((255, 255, 255), False), ((32, 33, 36), True), ((0, 0, 0), True)]
VISIONS = [None, Deficiency.PROTAN, Deficiency.DEUTAN, Deficiency.TRITAN]


def _levels(zero: RGB, negative: RGB, positive: RGB) -> list[RGB]:
    return [diverging_rgb(q / EDGE_LEVELS, zero, negative, positive)
            for q in range(-EDGE_LEVELS, EDGE_LEVELS + 1)]


@pytest.mark.parametrize(("background", "dark"), BACKGROUNDS)
def test_every_edge_level_is_3_to_1_against_its_background(background: RGB, dark: bool) -> None:
    pal = edge_palette(dark)
    for ends in ((pal.negative, pal.positive), (pal.gradient_negative, pal.gradient_positive)):
        for rgb in _levels(pal.zero, *ends):
            assert contrast(rgb, background) >= GRAPHICS_CONTRAST, (rgb, background)


def _seen(rgb: RGB, vision: Deficiency | None) -> RGB:
    return rgb if vision is None else simulate(rgb, vision)


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("vision", VISIONS)
def test_weight_and_gradient_ends_stay_apart(dark: bool, vision: Deficiency | None) -> None:
    pal: EdgePalette = edge_palette(dark)
    for w in (pal.negative, pal.positive):
        for g in (pal.gradient_negative, pal.gradient_positive):
            assert delta_e(_seen(w, vision), _seen(g, vision)) >= DISTINCT_DELTA_E, (w, g)


@pytest.mark.parametrize("dark", [False, True])
def test_weights_keep_orange_negative_and_blue_positive(dark: bool) -> None:
    pal = edge_palette(dark)
    r, g, b = pal.negative
    assert r > g > b  # orange
    r, g, b = pal.positive
    assert b > g > r  # blue


def test_gradients_differ_from_weights_by_lightness() -> None:
    """Darker than the weights on a light background, lighter on a dark one."""
    from gui.color_science import luminance

    for dark in (False, True):
        pal = edge_palette(dark)
        weights = [luminance(c) for c in (pal.negative, pal.positive)]
        grads = [luminance(c) for c in (pal.gradient_negative, pal.gradient_positive)]
        if dark:
            assert min(grads) > max(weights)
        else:
            assert max(grads) < min(weights)
