"""Input features: TensorFlow Playground's hand-made ones for 1 or 2 raw inputs, and the raw
columns themselves (keys x1, x2, … x1024) for any width.

Feeding x₁², sin(x₁) and friends lets a tiny network solve problems it could not solve from
raw coordinates alone, which is one of the lessons the playground exists to show. Features are
computed once per data set (not per step), so clarity beats speed here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.data.dataset import MAX_INPUTS


@dataclass(frozen=True)
class Feature:
    """One derived input column and how the GUI labels it."""

    key: str
    label: str
    needs_x2: bool
    """True if the feature uses the second raw input, so it is unavailable on 1-D data."""


FEATURES: dict[str, Feature] = {
    f.key: f
    for f in (
        Feature("x1", "x₁", needs_x2=False),
        Feature("x2", "x₂", needs_x2=True),
        Feature("x1_sq", "x₁²", needs_x2=False),
        Feature("x2_sq", "x₂²", needs_x2=True),
        Feature("x1_x2", "x₁x₂", needs_x2=True),
        Feature("sin_x1", "sin(x₁)", needs_x2=False),
        Feature("sin_x2", "sin(x₂)", needs_x2=True),
    )
}
"""Every feature, in the order the GUI shows them."""

_FORMULAS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": lambda x: x[:, 0],
    "x2": lambda x: x[:, 1],
    "x1_sq": lambda x: x[:, 0] * x[:, 0],
    "x2_sq": lambda x: x[:, 1] * x[:, 1],
    "x1_x2": lambda x: x[:, 0] * x[:, 1],
    "sin_x1": lambda x: np.sin(x[:, 0]),
    "sin_x2": lambda x: np.sin(x[:, 1]),
}


MAX_FEATURE_INPUTS = 2
"""Data with at most this many raw inputs gets the seven hand-made features; wider data feeds
its raw columns (x1 … xd, named from the file's header)."""

_RAW = re.compile(r"x([1-9][0-9]{0,3})")


def raw_key(index: int) -> str:
    """The feature key of raw input column ``index`` (0-based): x1, x2, …"""
    return f"x{index + 1}"


def raw_index(key: str) -> int | None:
    """The 0-based raw column a key like ``x12`` feeds, or None for a derived feature."""
    m = _RAW.fullmatch(key) if isinstance(key, str) else None
    return int(m.group(1)) - 1 if m else None


def is_feature_key(key: object) -> bool:
    """True for a key any data could have: one of FEATURES or a raw column x1 … x1024."""
    return isinstance(key, str) and (key in FEATURES or raw_index(key) is not None)


def _check_n_inputs(n_inputs: int) -> None:
    if isinstance(n_inputs, bool) or not isinstance(n_inputs, int) \
            or not 1 <= n_inputs <= MAX_INPUTS:
        raise ValueError(f"n_inputs must be 1 to {MAX_INPUTS}, got {n_inputs!r}")


def available_features(n_inputs: int) -> list[str]:
    """Feature keys that make sense for data with ``n_inputs`` raw inputs, in display order:
    TensorFlow Playground's seven for one or two inputs, the raw columns beyond that."""
    _check_n_inputs(n_inputs)
    if n_inputs > MAX_FEATURE_INPUTS:
        return [raw_key(i) for i in range(n_inputs)]
    return [k for k, f in FEATURES.items() if n_inputs == 2 or not f.needs_x2]


def feature_problem(key: object, n_inputs: int) -> str | None:
    """Why ``key`` cannot feed a network on data with ``n_inputs`` raw inputs, or None."""
    if not is_feature_key(key):
        return (f"unknown feature {key!r} (known: {', '.join(FEATURES)}, or x1 … x{n_inputs} for "
                "the raw columns)")
    assert isinstance(key, str)
    index = raw_index(key)
    if index is not None:
        if index == 1 and n_inputs == 1:
            return f"{key!r} needs a second input; this data is 1-D"
        if index >= n_inputs:
            return f"{key!r} needs {index + 1} inputs; this data has {n_inputs}"
        return None
    if n_inputs > MAX_FEATURE_INPUTS:
        return (f"{key!r} is one of TensorFlow Playground's features for 1 or 2 inputs; this "
                f"data has {n_inputs}, so the features are its raw columns x1 … x{n_inputs}")
    if FEATURES[key].needs_x2 and n_inputs < 2:
        return f"{key!r} needs a second input; this data is 1-D"
    return None


def validate_features(keys: Sequence[str], n_inputs: int) -> None:
    """Reject a feature selection the network could not be built from, saying why."""
    _check_n_inputs(n_inputs)
    if isinstance(keys, str):
        raise TypeError(f"features must be a list of keys, not the single string {keys!r}")
    keys = list(keys)
    if not keys:
        raise ValueError("select at least one input feature")
    seen: set[str] = set()
    for key in keys:
        problem = feature_problem(key, n_inputs)
        if problem is not None:
            raise ValueError(problem)
        if key in seen:
            raise ValueError(f"feature {key!r} is selected more than once")
        seen.add(key)


def feature_label(key: str, input_names: Sequence[str] = ()) -> str:
    """How views name a feature: the column's name from the file for a raw input that has
    one, x₁ … for the others (subscript digits), and the formula for a derived feature."""
    index = raw_index(key)
    if index is None:
        return FEATURES[key].label
    if index < len(input_names) and input_names[index] != key:
        return input_names[index]
    return "x" + str(index + 1).translate(_SUBSCRIPTS)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def compute_features(x: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    """Build the (n, len(keys)) float64 network input from raw (n, d) data, columns in order."""
    raw = np.asarray(x, dtype=np.float64)
    if raw.ndim != 2:
        raise ValueError(f"x must have shape (n, d), got {raw.shape}")
    validate_features(keys, raw.shape[1])
    indices = [raw_index(k) for k in keys]
    if all(i is not None for i in indices):
        return np.ascontiguousarray(raw[:, indices])  # type: ignore[index]
    out = np.empty((raw.shape[0], len(keys)), dtype=np.float64)
    for j, key in enumerate(keys):
        out[:, j] = _FORMULAS[key](raw)
    return out
