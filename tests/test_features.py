"""Tests for engine.features: formulas, column order, 1-D availability and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.features import (
    FEATURES,
    available_features,
    compute_features,
    feature_label,
    validate_features,
)

ALL_KEYS = ["x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2"]
X2D = np.array([[0.0, 0.0], [1.0, -2.0], [-3.0, 0.5], [math.pi / 2, 4.0]])


def test_registry_order_labels_and_needs_x2() -> None:
    assert list(FEATURES) == ALL_KEYS
    assert [f.label for f in FEATURES.values()] == [
        "x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin(x₁)", "sin(x₂)",
    ]  # fmt: skip
    assert [k for k, f in FEATURES.items() if f.needs_x2] == ["x2", "x2_sq", "x1_x2", "sin_x2"]
    for key, feature in FEATURES.items():
        assert feature.key == key


def test_available_features() -> None:
    assert available_features(2) == ALL_KEYS
    assert available_features(1) == ["x1", "x1_sq", "sin_x1"]


@pytest.mark.parametrize("n_inputs", [0, 1025, True])
def test_available_features_bad_input_count(n_inputs: int) -> None:
    with pytest.raises(ValueError, match="n_inputs"):
        available_features(n_inputs)


def test_values_against_hand_formulas() -> None:
    out = compute_features(X2D, ALL_KEYS)
    for row, (a, b) in zip(out, X2D, strict=True):
        expected = [a, b, a * a, b * b, a * b, math.sin(a), math.sin(b)]
        np.testing.assert_allclose(row, expected, rtol=0, atol=1e-15)


def test_known_values() -> None:
    out = compute_features(np.array([[3.0, -2.0]]), ALL_KEYS)
    np.testing.assert_allclose(out[0], [3, -2, 9, 4, -6, math.sin(3), math.sin(-2)])
    assert compute_features(np.array([[math.pi / 2, 0.0]]), ["sin_x1"])[0, 0] == 1.0


def test_column_order_follows_keys() -> None:
    keys = ["sin_x2", "x1", "x1_x2"]
    out = compute_features(X2D, keys)
    full = compute_features(X2D, ALL_KEYS)
    for j, key in enumerate(keys):
        np.testing.assert_array_equal(out[:, j], full[:, ALL_KEYS.index(key)])


def test_output_layout() -> None:
    x = np.asfortranarray(np.arange(10.0).reshape(5, 2))
    x.flags.writeable = False  # Dataset arrays are read-only; features must not need to write
    out = compute_features(x, ["x2", "x1_sq"])
    assert out.shape == (5, 2)
    assert out.dtype == np.float64
    assert out.flags.c_contiguous and out.flags.writeable
    assert not np.shares_memory(out, x)


def test_integer_input_is_promoted() -> None:
    out = compute_features(np.array([[2, 3]]), ["x1_x2", "x1"])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[6.0, 2.0]])


def test_one_dimensional_data() -> None:
    x = np.array([[0.5], [-2.0]])
    out = compute_features(x, available_features(1))
    np.testing.assert_allclose(out, np.column_stack([x[:, 0], x[:, 0] ** 2, np.sin(x[:, 0])]))


def test_validate_accepts_every_available_subset() -> None:
    validate_features(ALL_KEYS, 2)
    validate_features(["x1"], 1)
    validate_features(("sin_x1", "x1_sq"), 1)


@pytest.mark.parametrize(
    ("keys", "n_inputs", "message"),
    [
        (["x1", "x3"], 2, "'x3' needs 3 inputs; this data has 2"),
        (["x1", "x_3"], 2, "unknown feature 'x_3'"),
        (["x1", "x1_sq"], 3, "'x1_sq' is one of TensorFlow Playground's features for 1 or 2"),
        ([], 2, "at least one"),
        (["x1", "x1_sq", "x1"], 2, "'x1' is selected more than once"),
        (["x1", "x2"], 1, "'x2' needs a second input"),
        (["x1_x2"], 1, "'x1_x2' needs a second input"),
        (["x1"], 1025, "n_inputs"),
    ],
)
def test_validate_errors(keys: list[str], n_inputs: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_features(keys, n_inputs)


def test_single_string_is_not_a_key_list() -> None:
    # A str is a Sequence of characters; accepting it would report "unknown feature 'x'".
    with pytest.raises(TypeError, match="single string"):
        validate_features("x1", 2)  # type: ignore[arg-type]


def test_unknown_feature_message_lists_known_keys() -> None:
    with pytest.raises(ValueError) as err:
        validate_features(["cos_x1"], 2)
    for key in ALL_KEYS:
        assert key in str(err.value)


def test_compute_validates_keys_against_data() -> None:
    with pytest.raises(ValueError, match="'sin_x2' needs a second input"):
        compute_features(np.zeros((3, 1)), ["sin_x2"])
    with pytest.raises(ValueError, match="unknown feature"):
        compute_features(X2D, ["x1", "bogus"])


def test_wide_data_feeds_its_raw_columns_in_the_order_chosen() -> None:
    x = np.arange(12.0).reshape(3, 4)
    assert available_features(4) == ["x1", "x2", "x3", "x4"]
    np.testing.assert_array_equal(compute_features(x, ["x3", "x1"]), x[:, [2, 0]])
    assert feature_label("x3", ("a", "b", "petal width", "d")) == "petal width"
    assert feature_label("x12") == "x₁₂"
    assert feature_label("x1_sq", ("a",)) == "x₁²"


@pytest.mark.parametrize("shape", [(4,), (2, 2, 2)])
def test_compute_rejects_bad_shapes(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="shape"):
        compute_features(np.zeros(shape), ["x1"])
