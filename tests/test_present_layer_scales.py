"""The legend's words for per-layer ∂L/∂w and Δw colour scales, without Qt."""

from __future__ import annotations

import math

import pytest

from engine.trace_display import EdgeQuantity
from session.present.layer_scales import NBSP, SEPARATOR, compact_number, layer_scale_text


@pytest.mark.parametrize(("value", "digits", "text"), [
    (0.0051, 2, "0.0051"), (0.21, 2, "0.21"), (12.0, 2, "12"), (6.9e-8, 2, "6.9e−8"),
    (1234.0, 2, "1.2e3"), (6.9e-8, 1, "7e−8"), (0.017, 1, "0.02"), (0.0, 2, "0"),
    (math.nan, 2, "NaN"), (math.inf, 1, "NaN"),
])
def test_compact_numbers(value: float, digits: int, text: str) -> None:
    assert compact_number(value, digits) == text


def test_each_computed_layer_is_named_with_its_scale_longest_variant_first() -> None:
    peaks = (0.0031, None, 0.21)
    text = layer_scale_text(EdgeQuantity.GRADIENT, peaks)
    assert text is not None
    plain = [v.replace(NBSP, " ") for v in text.variants]
    assert plain[0] == "∂L/∂w colours scaled per layer: layer 1 ±0.0031 · layer 3 ±0.21"
    assert plain[1] == "∂L/∂w scaled per layer: W¹ ±0.0031 · W³ ±0.21"
    assert plain[2] == "∂L/∂w per layer: W¹ ±0.003 · W³ ±0.2"
    assert [len(v) for v in text.variants] == sorted(len(v) for v in text.variants)[::-1]
    assert all(v.count(SEPARATOR) == 1 for v in text.variants)  # entries break only here
    assert "layer 1 (W¹): ±0.0031\nlayer 3 (W³): ±0.21\n" in text.tooltip
    assert "layer 2" not in text.tooltip  # not computed yet
    assert "true ∂L/∂w" in text.tooltip


def test_changes_zero_and_nan_layers_and_nothing_to_say() -> None:
    text = layer_scale_text(EdgeQuantity.CHANGE, (0.0, math.nan, 2e-5))
    assert text is not None
    assert text.variants[1].replace(NBSP, " ") == "Δw scaled per layer: W¹ ±0 · W² NaN · W³ ±2e−5"
    assert "layer 2 (W²): no finite value" in text.tooltip
    assert layer_scale_text(EdgeQuantity.WEIGHT, (0.1, 0.2)) is None
    assert layer_scale_text(EdgeQuantity.GRADIENT, (None, None)) is None
    assert layer_scale_text(EdgeQuantity.GRADIENT, ()) is None
