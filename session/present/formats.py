"""Numbers and parameter names as the network diagram writes and reads them."""

from __future__ import annotations

import math

from engine.layout import Layout, in_layout, weight_name
from engine.notation import sub, sup

MAX_EDITOR_CHARS = 64
"""The longest text the inline editor accepts."""


def format_value(v: float | None) -> str:
    """A parameter or gradient for people: 4 decimals, or scientific when that would show 0."""
    if v is None:
        return "—"
    v = float(v)
    if not math.isfinite(v):
        text = str(v)
    elif v == 0.0:
        text = "0"
    elif 1e-3 <= abs(v) < 1e4:
        text = f"{v:.4f}"
    else:
        text = f"{v:.3e}"
    return "−" + text[1:] if text.startswith("-") else text


def short_value(v: float) -> str:
    """Two decimals, a real minus sign, and no "−0.00"."""
    if not math.isfinite(v):
        return str(v)
    return ("0.00" if abs(v) < 0.005 else f"{v:.2f}").replace("-", "−")


def parse_finite(text: str) -> float | None:
    """The finite float typed in ``text`` (also "−0.5" with a real minus), else None."""
    t = text.strip().replace("−", "-")
    if not t or "_" in t or len(t) > MAX_EDITOR_CHARS:
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def weight_symbol(layer: int, i: int, j: int, layout: Layout = Layout.ROWS) -> str:
    """w with the layer as superscript (W¹ feeds hidden layer 1) and 1-based subscripts in the
    inspector's ``layout`` (``engine.layout.weight_name``: from, to with samples as rows; to,
    from with samples as columns)."""
    with in_layout(layout):
        return weight_name(layer + 1, i, j)


def bias_symbol(layer: int, j: int) -> str:
    """b with the layer as superscript and the 1-based unit as subscript."""
    return f"b{sup(layer + 1)}{sub(j + 1)}"
