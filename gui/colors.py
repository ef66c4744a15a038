"""One diverging, colour-blind-safe palette for everything signed: weights, biases, gradients,
activations and the decision map. Orange is negative (class 0), blue is positive (class 1),
a light grey sits at zero — TensorFlow Playground's colours, which stay distinct under the
common colour-vision deficiencies. Multiclass data uses the Okabe–Ito qualitative palette.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

# moved to the Qt-free presentation layer; re-exported for the views that import it here

NEGATIVE = (245, 147, 34)  # orange
ZERO = (232, 234, 235)  # light grey
POSITIVE = (8, 119, 189)  # blue
GRADIENT_NEGATIVE = (123, 50, 148)  # purple, for ∂L/∂w and Δw (a scale distinct from weights)
GRADIENT_POSITIVE = (0, 136, 55)  # green (PRGn: distinct under colour-vision deficiencies)
CLASS_COLORS = [
    (230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178),
    (213, 94, 0), (204, 121, 167), (0, 0, 0), (136, 34, 85), (153, 153, 51),
]
"""Okabe–Ito's eight (distinguishable with any colour vision), then Paul Tol's wine and olive
so that ten classes (the digits) get ten colours; beyond ten they repeat."""


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
