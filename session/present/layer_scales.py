"""The legend's words for per-layer colour scales: while edges show ∂L/∂w or Δw each layer is
coloured on its own scale (``levels.layer_peaks``), so colours no longer compare layers and the
legend must give each layer's scale as a number. Qt-free; the widget picks the longest variant
that fits its width."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from engine.notation import fmt, sup
from engine.trace_display import EdgeQuantity

NBSP = "\u00a0"
"""Joins the words of one layer's entry, so a wrapped line breaks only between entries."""
SEPARATOR = f"{NBSP}· "
"""Between entries; a wrapped line breaks after the dot, never before it."""


def compact_number(v: float, digits: int = 2) -> str:
    """``v`` ≥ 0 in ``digits`` significant digits with a short exponent and a real minus:
    0.0051, 0.21, 12, 6.9e−8, 1.2e3; "0" for zero, "NaN" when not finite."""
    if not math.isfinite(v):
        return "NaN"
    if v == 0.0:
        return "0"
    text = f"{v:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


@dataclass(frozen=True)
class LayerScaleText:
    """One line naming each computed layer's scale, in ``variants`` from the plainest to the
    shortest (the widget shows the first that fits), and a ``tooltip`` saying it in full."""

    variants: tuple[str, ...]
    tooltip: str


def _entry(name: str, peak: float, digits: int) -> str:
    value = compact_number(peak, digits)
    return f"{name}{NBSP}{'' if value == 'NaN' else '±'}{value}"


def layer_scale_text(quantity: EdgeQuantity, peaks: Sequence[float | None]
                     ) -> LayerScaleText | None:
    """The legend line for edges showing ``quantity`` (∂L/∂w or Δw) coloured per layer with
    ``peaks`` (one per weight layer, None for layers not computed yet, which are left out);
    None when edges show weights or no layer is computed yet."""
    if quantity is EdgeQuantity.WEIGHT:
        return None
    shown = [(layer, p) for layer, p in enumerate(peaks) if p is not None]
    if not shown:
        return None
    def joined(digits: int, long: bool) -> str:
        return SEPARATOR.join(
            _entry(f"layer{NBSP}{layer + 1}" if long else f"W{sup(layer + 1)}", p, digits)
            for layer, p in shown)
    q = str(quantity)
    variants = (
        f"{q} colours scaled per layer: {joined(2, True)}",
        f"{q} scaled per layer: {joined(2, False)}",
        f"{q} per layer: {joined(1, False)}",
    )
    lines = [
        f"layer {layer + 1} (W{sup(layer + 1)}): "
        + ("no finite value" if not math.isfinite(p) else f"±{fmt(p, 4)}")
        for layer, p in shown
    ]
    # (a bundle of wide inputs draws each band as a mean: its peak is the largest mean drawn)
    tooltip = (
        f"Each layer's {q} is coloured and sized on its own scale: its edges saturate at ± "
        f"the largest |{q}| the layer draws, so a layer whose values are 100× smaller still "
        "shows its pattern.\nCompare layers by these numbers, not by colour:\n"
        + "\n".join(lines) + f"\nHover an edge for its true {q}."
    )
    return LayerScaleText(variants, tooltip)
