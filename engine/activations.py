"""Activation functions, each with its derivative beside it.

Every activation exists in two forms:

* a readable NumPy function (``apply`` / ``derivative``) used by the gradient check, the
  tests and anyone scripting the engine, and
* a *call builder* that returns a list of zero-argument callables writing into preallocated
  buffers. The trainer strings these lists together into a precompiled training step (see
  ``engine.program``); on playground-sized networks the cost of each NumPy call, not the
  arithmetic, is what limits speed, so every call passes its output buffer positionally.

Buffers use the engine's internal layout: one row per unit, one column per sample.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

Call = Callable[[], object]

LEAKY_SLOPE = 0.01
"""Slope of leaky ReLU for negative inputs (the common default)."""


@dataclass(frozen=True)
class Activation:
    """One activation function: its name, formula text and derivative."""

    key: str
    title: str
    formula: str
    """The function written for display, e.g. ``σ(z) = 1 / (1 + e^(−z))``."""
    derivative_formula: str
    output_only: bool = False
    low_target: float = 0.0
    """The target value that stands for the negative class when this is the output activation."""

    def apply(self, z: np.ndarray) -> np.ndarray:
        """Return f(z) as a new array."""
        return _APPLY[self.key](np.asarray(z, dtype=np.float64))

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Return f'(z) elementwise, given z and a = f(z). Not defined for softmax."""
        if self.key == "softmax":
            raise ValueError("softmax has a Jacobian, not an elementwise derivative")
        return _DERIVATIVE[self.key](np.asarray(z, np.float64), np.asarray(a, np.float64))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) written through tanh, which never overflows (1/(1 + e^(−z)) does for z ≪ 0)."""
    return 0.5 + 0.5 * np.tanh(0.5 * z)


def _softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis (units), shifted by the maximum so exp never overflows."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


_APPLY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
    "linear": lambda z: z.copy(),
    "softmax": _softmax,
}

_DERIVATIVE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "sigmoid": lambda z, a: a * (1.0 - a),
    "tanh": lambda z, a: 1.0 - a * a,
    "relu": lambda z, a: (z > 0).astype(np.float64),
    "leaky_relu": lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE),
    "linear": lambda z, a: np.ones_like(z),
}

ACTIVATIONS: dict[str, Activation] = {
    a.key: a
    for a in (
        Activation("sigmoid", "Sigmoid", "σ(z) = 1 / (1 + e^(−z))", "σ′(z) = a·(1 − a)"),
        Activation("tanh", "Tanh", "tanh(z)", "tanh′(z) = 1 − a²", low_target=-1.0),
        Activation("relu", "ReLU", "ReLU(z) = max(0, z)", "ReLU′(z) = 1 if z > 0 else 0"),
        Activation(
            "leaky_relu",
            "Leaky ReLU",
            f"LReLU(z) = z if z > 0 else {LEAKY_SLOPE}·z",
            f"LReLU′(z) = 1 if z > 0 else {LEAKY_SLOPE}",
        ),
        Activation("linear", "Linear", "f(z) = z", "f′(z) = 1", low_target=-1.0),
        Activation(
            "softmax",
            "Softmax",
            "softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)",
            "(combined with cross-entropy: δ = a − y)",
            output_only=True,
        ),
    )
}


def get_activation(key: str) -> Activation:
    """Look an activation up by key, with a message that lists the known ones."""
    try:
        return ACTIVATIONS[key]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {key!r} (known: {known})") from None


# ---------------------------------------------------------------------------------------------
# Call builders for the precompiled training step. Shapes are (units, batch).
# ---------------------------------------------------------------------------------------------


def forward_calls(key: str, z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    """Calls that write a = f(z). ``tmp`` is a scratch buffer shaped like z."""
    if key == "sigmoid":
        one = np.ones_like(z)
        return [
            partial(np.negative, z, a),
            partial(np.exp, a, a),
            partial(np.add, a, one, a),
            partial(np.reciprocal, a, a),
        ]
    if key == "tanh":
        return [partial(np.tanh, z, a)]
    if key == "relu":
        zero = np.zeros_like(z)
        return [partial(np.maximum, z, zero, out=a)]
    if key == "leaky_relu":
        slope = np.full_like(z, LEAKY_SLOPE)
        return [partial(np.multiply, z, slope, tmp), partial(np.maximum, z, tmp, out=a)]
    if key == "linear":
        return [partial(np.copyto, a, z)]
    if key == "softmax":
        col = np.empty(z.shape[1])
        return [
            partial(np.maximum.reduce, z, 0, None, col),
            partial(np.subtract, z, col, a),
            partial(np.exp, a, a),
            partial(np.add.reduce, a, 0, None, col),
            partial(np.divide, a, col, a),
        ]
    raise ValueError(f"unknown activation {key!r}")


def derivative_calls(key: str, a: np.ndarray, out: np.ndarray) -> list[Call]:
    """Calls that write out = f'(z), computed from the activation a = f(z) alone.

    Every elementwise derivative here can be read off a (for ReLU and leaky ReLU, a > 0
    exactly when z > 0), so one pair of calls serves a whole run of layers whose activation
    rows sit next to each other in one buffer. Linear (f' = 1) and softmax (combined with its
    loss) have no derivative calls.
    """
    if key == "sigmoid":
        one = np.ones_like(a)
        return [partial(np.subtract, one, a, out), partial(np.multiply, out, a, out)]
    if key == "tanh":
        one = np.ones_like(a)
        return [partial(np.square, a, out), partial(np.subtract, one, out, out)]
    if key == "relu":
        return [partial(np.greater, a, np.zeros_like(a), out)]
    if key == "leaky_relu":
        # 1 where a > 0, else the slope: mask·(1 − slope) + slope (exactly 1.0 and 0.01).
        return [
            partial(np.greater, a, np.zeros_like(a), out),
            partial(np.multiply, out, np.full_like(a, 1.0 - LEAKY_SLOPE), out),
            partial(np.add, out, np.full_like(a, LEAKY_SLOPE), out),
        ]
    if key in ("linear", "softmax"):
        return []
    raise ValueError(f"unknown activation {key!r}")
