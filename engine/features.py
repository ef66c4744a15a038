"""Hand-made input features, as in TensorFlow Playground's left-hand column.

Feeding x₁², sin(x₁) and friends lets a tiny network solve problems it could not solve from
raw coordinates alone, which is one of the lessons the playground exists to show. Features are
computed once per data set (not per step), so clarity beats speed here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


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


def _check_n_inputs(n_inputs: int) -> None:
    if isinstance(n_inputs, bool) or n_inputs not in (1, 2):
        raise ValueError(f"n_inputs must be 1 or 2, got {n_inputs!r}")


def available_features(n_inputs: int) -> list[str]:
    """Feature keys that make sense for data with ``n_inputs`` raw inputs, in display order."""
    _check_n_inputs(n_inputs)
    return [k for k, f in FEATURES.items() if n_inputs == 2 or not f.needs_x2]


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
        feature = FEATURES.get(key)
        if feature is None:
            raise ValueError(f"unknown feature {key!r}; known features: {', '.join(FEATURES)}")
        if key in seen:
            raise ValueError(f"feature {key!r} is selected more than once")
        seen.add(key)
        if feature.needs_x2 and n_inputs < 2:
            raise ValueError(f"feature {key!r} needs a second input, but the data has only x1")


def compute_features(x: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    """Build the (n, len(keys)) float64 network input from raw (n, d) data, columns in order."""
    raw = np.asarray(x, dtype=np.float64)
    if raw.ndim != 2 or raw.shape[1] not in (1, 2):
        raise ValueError(f"x must have shape (n, 1) or (n, 2), got {raw.shape}")
    validate_features(keys, raw.shape[1])
    out = np.empty((raw.shape[0], len(keys)), dtype=np.float64)
    for j, key in enumerate(keys):
        out[:, j] = _FORMULAS[key](raw)
    return out
