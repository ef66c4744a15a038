"""How the inspector writes indices and numbers: superscript layers (W², δ¹), subscript units
(x₁), and numbers to 4 significant digits with a true minus sign."""

from __future__ import annotations

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sup(n: int) -> str:
    return str(n).translate(_SUP)


def sub(n: int) -> str:
    return str(n).translate(_SUB)


def fmt(v: float, digits: int = 4) -> str:
    """A number as the inspector shows it: 4 significant digits, e.g. 0.7311, −1.2e-05."""
    v = float(v)
    if v == 0.0:
        return "0"
    text = f"{v:.{digits}g}"
    return text.replace("-", "−")
