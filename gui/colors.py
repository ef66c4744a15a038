"""One diverging, colour-blind-safe palette for everything signed: weights, biases, gradients,
activations and the decision map. Orange is negative (class 0), blue is positive (class 1),
a light grey sits at zero — TensorFlow Playground's colours (the orange a little darker, so that
an edge drawn in it is 3:1 against white). Multiclass data uses the Okabe–Ito qualitative palette.

Edges have their own scales (``edge_palette``): every level ≥ 3:1 against the diagram's
background (a mid grey at zero: width and dash carry magnitude and sign), and the gradient scale
set apart from the weight scale by lightness — darker than the weights on a light background,
lighter on a dark one — so the two stay ΔE00 ≥ 20 apart under protan, deutan and tritan vision
(``bench/palette_measures.py`` prints the figures; tests/test_palette_access.py checks them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

RGB = tuple[int, int, int]

# moved to the Qt-free presentation layer; re-exported for the views that import it here

NEGATIVE = (224, 112, 0)  # orange (WCAG luminance 0.27: 3.2:1 on white, 5:1 on near-black)
ZERO = (232, 234, 235)  # light grey (decision map, unit fills)
POSITIVE = (24, 128, 210)  # blue (luminance 0.20)
EDGE_ZERO = (124, 124, 124)  # mid grey: a near-zero edge is still ≥ 3:1 on white and on black
GRADIENT_NEGATIVE = (80, 20, 100)  # dark purple, for ∂L/∂w and Δw on a light background
GRADIENT_POSITIVE = (10, 70, 30)  # dark green
GRADIENT_NEGATIVE_ON_DARK = (230, 190, 255)  # light lavender, the same scale on a dark background
GRADIENT_POSITIVE_ON_DARK = (160, 240, 160)  # light green
CLASS_COLORS = [
    (230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178),
    (213, 94, 0), (204, 121, 167), (0, 0, 0), (136, 34, 85), (153, 153, 51),
]
"""Okabe–Ito's eight (distinguishable with any colour vision), then Paul Tol's wine and olive
so that ten classes (the digits) get ten colours; beyond ten they repeat."""


@dataclass(frozen=True)
class EdgePalette:
    """The diagram's edge colours for one background: the weight scale's ends, the gradient
    scale's ends and the grey at zero they both start from."""

    negative: RGB
    positive: RGB
    gradient_negative: RGB
    gradient_positive: RGB
    zero: RGB = EDGE_ZERO


def edge_palette(dark: bool) -> EdgePalette:
    """Edge colours for a light (white) or dark (near-black, black) diagram background: the
    weights are the same on both; the gradients are dark on light and light on dark, so that
    they differ from the weights in lightness and keep 3:1 against the background."""
    if dark:
        return EdgePalette(NEGATIVE, POSITIVE, GRADIENT_NEGATIVE_ON_DARK,
                           GRADIENT_POSITIVE_ON_DARK)
    return EdgePalette(NEGATIVE, POSITIVE, GRADIENT_NEGATIVE, GRADIENT_POSITIVE)


def signed_colormap() -> pg.ColorMap:
    """Orange → grey → blue over [−1, 1]."""
    return pg.ColorMap([0.0, 0.5, 1.0], [NEGATIVE, ZERO, POSITIVE])


def signed_lut(n: int = 256) -> np.ndarray:
    """(n, 4) uint8 lookup table of the signed palette, for ImageItem."""
    return signed_colormap().getLookupTable(0.0, 1.0, n, alpha=True)


def map_lut(n: int = 256, tint: float = 0.62) -> np.ndarray:
    """The signed palette washed towards white, for backgrounds under data points (so the
    points, drawn in the full colours, stand out as in TensorFlow Playground)."""
    lut = signed_lut(n).astype(np.float64)
    lut[:, :3] = 255.0 - (255.0 - lut[:, :3]) * tint
    return lut.astype(np.uint8)


def signed_color(value: float, scale: float, alpha: int = 255) -> QColor:
    """The palette colour of ``value`` with ±``scale`` at the ends."""
    t = 0.5 + 0.5 * float(np.clip(value / scale if scale > 0 else 0.0, -1.0, 1.0))
    lo, hi = (NEGATIVE, ZERO) if t < 0.5 else (ZERO, POSITIVE)
    f = t * 2 if t < 0.5 else t * 2 - 1
    r, g, b = (round(a + (c - a) * f) for a, c in zip(lo, hi, strict=True))
    return QColor(r, g, b, alpha)


def class_color(k: int) -> tuple[int, int, int]:
    return CLASS_COLORS[k % len(CLASS_COLORS)]
