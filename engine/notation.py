"""How the inspector writes indices and numbers: superscript layers (W², δ¹), subscript units
(x₁), and numbers to a chosen number of significant digits with a true minus sign.

The default, AUTO, writes 4 significant digits, and each equation line written inside
``checkable`` takes more where 4 would not recompute: someone who evaluates the line's shown
operands by hand gets its shown result (issue 12 measured a wrong last digit in 20% of update
lines at a fixed 4 digits). FULL writes the shortest text that reads back to the exact double.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar

import numpy as np

FULL = 0
"""``precision(FULL)``: every number written exactly (Python's shortest round-trip repr)."""
AUTO = -1
"""``precision(AUTO)``, the default: at least MIN_DIGITS, more in a line that needs them to
recompute (``checkable``)."""
MIN_DIGITS = 4
DIGIT_CHOICES = (AUTO, 4, 6, 10, FULL)
"""The inspector's digits control."""
_DIGITS: ContextVar[int] = ContextVar("digits", default=AUTO)


def check_digits(digits: object) -> int:
    """``digits`` if it is one of DIGIT_CHOICES, else ValueError saying which are."""
    if isinstance(digits, bool) or digits not in DIGIT_CHOICES:
        raise ValueError(f"digits: choose one of auto, 4, 6, 10 or full, got {str(digits)[:40]!r}")
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
    if n == AUTO:
        n = MIN_DIGITS
    text = repr(v) if n == FULL else f"{v:.{n}g}"
    return text.replace("-", "−")


def _texts(values: object, digits: int) -> list[str]:
    return [fmt(v, digits) for v in np.asarray(values, dtype=np.float64).ravel()]


def _rounded(values: object, digits: int) -> np.ndarray | float:
    """``values`` as they read back from their text at ``digits`` significant digits."""
    a = np.asarray(values, dtype=np.float64)
    if digits == FULL:
        return a if a.ndim else float(a)
    shown = np.array([float(f"{v:.{digits}g}") for v in a.ravel()]).reshape(a.shape)
    return shown if a.ndim else float(shown)


_TIE = 1e-11
"""Relative distance within which a recomputed value counts as a rounding tie (by hand,
0.0101 + 0.0000050 rounds either way)."""


def digits_needed(operands: Sequence[object], compute: Callable[..., object], result: object,
                  differ: tuple[float, float] | None = None) -> tuple[int, int]:
    """(operand digits, result digits): the result takes MIN_DIGITS significant digits (more
    when ``differ`` = (before, after) would otherwise read alike although they differ) and the
    operands the fewest, no fewer, at which ``compute`` of the operands as written gives the
    result as written, elementwise (arrays of any shape); a result on a rounding tie takes a
    digit more. (FULL, FULL) when nothing short of every digit does."""
    for r in range(MIN_DIGITS, 18):
        if differ is not None and differ[0] != differ[1] and fmt(differ[0], r) == fmt(differ[1], r):
            continue
        want = _texts(result, r)
        for d in range(r, 18):
            try:
                with np.errstate(all="ignore"):
                    got = np.asarray(compute(*(_rounded(v, d) for v in operands)),
                                     dtype=np.float64)
            except (ArithmeticError, ValueError):
                continue
            if _texts(np.multiply(got, 1 + _TIE), r) == want == \
                    _texts(np.multiply(got, 1 - _TIE), r):  # not a tie a hand sum could round
                return d, r
        # no operand digits give this result's digits (a tie): try the result with more
    return FULL, FULL


@contextlib.contextmanager
def checkable(operands: Sequence[object], compute: Callable[..., object], result: object,
              differ: tuple[float, float] | None = None) -> Iterator[int | None]:
    """Write one equation line inside the block: with AUTO digits the operands take the
    digits ``digits_needed`` finds and the block receives the result's digits (write it
    ``fmt(result, digits)``), so the shown operands recompute to the shown result; a chosen
    number of digits is kept for both (the block receives None)."""
    if _DIGITS.get() != AUTO:
        yield None
        return
    operand_digits, result_digits = digits_needed(operands, compute, result, differ)
    token = _DIGITS.set(operand_digits)
    try:
        yield result_digits
    finally:
        _DIGITS.reset(token)


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
