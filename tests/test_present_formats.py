"""How the diagram writes numbers and parameter names, and reads typed values, without Qt."""

from __future__ import annotations

from session.present.formats import (
    MAX_EDITOR_CHARS,
    bias_symbol,
    format_value,
    parse_finite,
    short_value,
    weight_symbol,
)


def test_short_value_has_two_decimals_and_no_negative_zero() -> None:
    assert short_value(0.123) == "0.12"
    assert short_value(-0.004) == "0.00"
    assert short_value(-1.5) == "−1.50"
    assert short_value(float("inf")) == "inf"


def test_parse_finite_accepts_real_minus_and_refuses_the_rest() -> None:
    assert parse_finite(" −0.5 ") == -0.5
    assert parse_finite("1e3") == 1000.0
    for bad in ("", "nan", "inf", "1_0", "abc", "1" * (MAX_EDITOR_CHARS + 1)):
        assert parse_finite(bad) is None


def test_format_value_extremes() -> None:
    assert format_value(float("nan")) == "nan"
    assert format_value(-float("inf")) == "−inf"
    assert format_value(12345.0) == "1.234e+04"


def test_parameter_symbols_are_one_based_with_a_comma_for_two_digit_indices() -> None:
    assert weight_symbol(0, 1, 0) == "w¹₂,₁"
    assert weight_symbol(1, 9, 0) == "w²₁₀,₁"
    assert bias_symbol(1, 1) == "b²₂"
