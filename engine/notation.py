"""How the inspector writes indices and numbers: superscript layers (W², δ¹), subscript units
(x₁), and numbers to a chosen number of significant digits (4 unless ``precision`` says
otherwise; FULL writes the shortest text that reads back to the exact double) with a true
minus sign."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from contextvars import ContextVar

FULL = 0
"""``precision(FULL)``: every number written exactly (Python's shortest round-trip repr)."""
DIGIT_CHOICES = (4, 6, 10, FULL)
"""The inspector's digits control."""
_DIGITS: ContextVar[int] = ContextVar("digits", default=4)


def check_digits(digits: object) -> int:
    """``digits`` if it is one of DIGIT_CHOICES, else ValueError saying which are."""
    if isinstance(digits, bool) or digits not in DIGIT_CHOICES:
        raise ValueError(f"digits: choose one of 4, 6, 10 or full, got {digits!r}")
    assert isinstance(digits, int)
    return digits


@contextlib.contextmanager
def precision(digits: int) -> Iterator[None]:
    """Write numbers with ``digits`` significant digits (FULL: exactly) inside the block."""
    check_digits(digits)
    token = _DIGITS.set(digits)
    try:
        yield
    finally:
        _DIGITS.reset(token)

_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sup(n: int) -> str:
    return str(n).translate(_SUP)


def sub(n: int) -> str:
    return str(n).translate(_SUB)


def fmt(v: float, digits: int | None = None) -> str:
    """A number as the inspector shows it: the chosen significant digits (4 by default, e.g.
    0.7311, −1.2e−05), or exactly with FULL."""
    v = float(v)
    if v == 0.0:
        return "0"
    n = _DIGITS.get() if digits is None else digits
    text = repr(v) if n == FULL else f"{v:.{n}g}"
    return text.replace("-", "−")


def bracketed(v: float) -> str:
    """A number as an operand: negatives in brackets, so 0.8802 × (−0.1916) reads clearly."""
    text = fmt(v)
    return f"({text})" if text.startswith("−") else text


def is_number(text: str) -> bool:
    """True for a finite number as Python writes them (no digit separators): how CSV cells
    and class names are told from words."""
    try:
        v = float(text)
    except ValueError:
        return False
    return math.isfinite(v) and "_" not in text
