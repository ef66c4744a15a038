"""Activation functions: one frozen ``Activation`` per function, carrying every form of it.

Each entry in ``ACTIVATIONS`` holds, side by side:

* the readable NumPy function and derivative (``apply`` / ``derivative``), used by the gradient
  check, the tests and anyone scripting the engine;
* *call builders* (``forward_calls`` / ``derivative_calls``) returning zero-argument callables
  that write into preallocated buffers. The trainer strings these together into a precompiled
  training step (see ``engine.program``); on playground-sized networks the cost of each NumPy
  call, not the arithmetic, limits speed, so every call passes its output buffer positionally.
  Their buffers use the engine's internal layout: one row per unit, one column per sample;
* its names and formula text (menu title, short title, equation symbol, f(z) and f′(z));
* its ONNX operator (or graph of operators) and the source of the same function for the
  standalone NumPy script;
* what it means for the data: the targets of the two classes when it is the output activation
  (0/1 for sigmoid, −1/+1 for tanh), the decision threshold between them, and the range of its
  outputs for colour levels.

Adding an activation is one entry in ``ACTIVATIONS`` (plus its tests): every consumer reads
these objects. The classic ones are defined here; ELU, softplus, SiLU and sine in
``engine.smooth_activations``, both GELUs in ``engine.gelu``; the record itself is
``engine.activation_types.Activation``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from types import MappingProxyType

import numpy as np

from engine.activation_types import (
    Activation,
    Call,
    DerivativeBuilder,
    ForwardBuilder,
    OnnxNode,
    OnnxOp,
)
from engine.calls import copyto, dot
from engine.gelu import GELU, GELU_TANH
from engine.smooth_activations import ELU, SILU, SINE, SOFTPLUS

__all__ = [
    "ACTIVATIONS",
    "LEAKY_SLOPE",
    "Activation",
    "Call",
    "DerivativeBuilder",
    "ForwardBuilder",
    "OnnxNode",
    "OnnxOp",
    "derivative_calls",
    "forward_calls",
    "get_activation",
]

LEAKY_SLOPE = 0.01
"""Slope of leaky ReLU for negative inputs (the common default)."""


def _no_calls(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    return []


# -- sigmoid -----------------------------------------------------------------------------------
def _sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) written through tanh, which never overflows (1/(1 + e^(−z)) does for z ≪ 0)."""
    return 0.5 + 0.5 * np.tanh(0.5 * z)


def _sigmoid_forward(z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    one = np.ones_like(z)
    return [partial(np.negative, z, a), partial(np.exp, a, a), partial(np.add, a, one, a),
            partial(np.reciprocal, a, a)]


def _sigmoid_derivative(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    one = np.ones_like(a)
    return [partial(np.subtract, one, a, out), partial(np.multiply, out, a, out)]


SIGMOID = Activation(
    key="sigmoid", title="Sigmoid", short_title="σ", symbol="σ",
    formula="σ(z) = 1 / (1 + e^(−z))", derivative_template="σ′ = {a}(1 − {a})",
    function=_sigmoid, derivative_function=lambda z, a: a * (1.0 - a),
    forward_builder=_sigmoid_forward, derivative_builder=_sigmoid_derivative,
    onnx=OnnxOp("Sigmoid"),
    script="def sigmoid(z):\n    return 0.5 + 0.5 * np.tanh(0.5 * z)\n",
    class_targets=(0.0, 1.0), levels=(0.0, 1.0),
)


# -- tanh --------------------------------------------------------------------------------------
def _tanh_derivative(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    one = np.ones_like(a)
    return [partial(np.square, a, out), partial(np.subtract, one, out, out)]


TANH = Activation(
    key="tanh", title="Tanh", short_title="tanh", symbol="tanh",
    formula="tanh(z)", derivative_template="tanh′ = 1 − ({a})²",
    function=np.tanh, derivative_function=lambda z, a: 1.0 - a * a,
    forward_builder=lambda z, a, tmp: [partial(np.tanh, z, a)],
    derivative_builder=_tanh_derivative,
    onnx=OnnxOp("Tanh"),
    script="def tanh(z):\n    return np.tanh(z)\n",
    class_targets=(-1.0, 1.0), levels=(-1.0, 1.0),
)


# -- ReLU --------------------------------------------------------------------------------------
def _relu_forward(z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    return [partial(np.maximum, z, np.zeros_like(z), out=a)]


def _relu_derivative(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    """ReLU′ = 1 where z > 0, else 0, read off a = max(z, 0) ≥ 0 as sign(a): a float-to-float
    call, about 2.4× cheaper than a comparison that casts its booleans to float."""
    return [partial(np.sign, a, out)]


RELU = Activation(
    key="relu", title="ReLU", short_title="ReLU", symbol="ReLU",
    formula="ReLU(z) = max(0, z)", derivative_template="ReLU′ = 1 if {z} > 0 else 0",
    function=lambda z: np.maximum(z, 0.0),
    derivative_function=lambda z, a: (z > 0).astype(np.float64),
    forward_builder=_relu_forward,
    derivative_builder=_relu_derivative,
    onnx=OnnxOp("Relu"),
    script="def relu(z):\n    return np.maximum(z, 0.0)\n",
    class_targets=(0.0, 1.0),
)


# -- leaky ReLU --------------------------------------------------------------------------------
def _leaky_forward(z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    slope = np.full_like(z, LEAKY_SLOPE)
    return [partial(np.multiply, z, slope, tmp), partial(np.maximum, z, tmp, out=a)]


def _leaky_derivative(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    # 1 where a > 0, else the slope: mask·(1 − slope) + slope (exactly 1.0 and 0.01).
    return [partial(np.greater, a, np.zeros_like(a), out),
            partial(np.multiply, out, np.full_like(a, 1.0 - LEAKY_SLOPE), out),
            partial(np.add, out, np.full_like(a, LEAKY_SLOPE), out)]


LEAKY_RELU = Activation(
    key="leaky_relu", title="Leaky ReLU", short_title="LReLU", symbol="LReLU",
    formula=f"LReLU(z) = z if z > 0 else {LEAKY_SLOPE}·z",
    derivative_template=f"LReLU′ = 1 if {{z}} > 0 else {LEAKY_SLOPE}",
    function=lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
    derivative_function=lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE),
    forward_builder=_leaky_forward, derivative_builder=_leaky_derivative,
    onnx=OnnxOp("LeakyRelu", (("alpha", LEAKY_SLOPE),)),
    script=f"def leaky_relu(z):\n    return np.where(z > 0, z, {LEAKY_SLOPE!r} * z)\n",
    class_targets=(0.0, 1.0),
)


# -- linear ------------------------------------------------------------------------------------
LINEAR = Activation(
    key="linear", title="Linear", short_title="lin", symbol="id",
    formula="f(z) = z", derivative_template="id′ = 1",
    function=lambda z: z.copy(), derivative_function=lambda z, a: np.ones_like(z),
    forward_builder=lambda z, a, tmp: [partial(copyto, a, z)], derivative_builder=_no_calls,
    onnx=OnnxOp("Identity"),
    script="def linear(z):\n    return z.copy()\n",
    class_targets=(-1.0, 1.0), unit_derivative=True,
)


# -- softmax -----------------------------------------------------------------------------------
def _softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis (units), shifted by the maximum so exp never overflows."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


SPREAD_COLUMNS = 256
"""Batches up to this many samples spread each column's maximum and sum down its rows by a
BLAS product before the subtraction and division: NumPy's broadcasting costs about 0.6 µs a
call more than same-shape operands on a 10 × 32 batch, the products about 0.3 µs. For
evaluations over thousands of samples the broadcast is cheaper (measured on 10 × 1797)."""


def _softmax_forward(z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    """The column sums are a product with a row of ones (BLAS): about half the cost of
    ``np.add.reduce`` over 10 × 32. A small batch spreads the column maxima and sums over
    ``tmp`` (K, B) first (``SPREAD_COLUMNS``)."""
    k, n = z.shape
    col = np.empty(n)  # one number per sample: units are rows here
    if n > SPREAD_COLUMNS:
        return [partial(np.maximum.reduce, z, 0, None, col), partial(np.subtract, z, col, a),
                partial(np.exp, a, a), partial(dot, np.ones(k), a, col),
                partial(np.divide, a, col, a)]
    row = col.reshape(1, n)  # a view: the maxima the first call writes
    return [partial(np.maximum.reduce, z, 0, None, col),
            partial(dot, np.ones((k, 1)), row, tmp),  # each column's maximum in every row
            partial(np.subtract, z, tmp, a), partial(np.exp, a, a),
            partial(dot, np.ones((k, k)), a, tmp),  # each column's sum in every row
            partial(np.divide, a, tmp, a)]


SOFTMAX = Activation(
    key="softmax", title="Softmax", short_title="soft", symbol="softmax",
    formula="softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)", derivative_template="",
    function=_softmax, derivative_function=None,
    forward_builder=_softmax_forward, derivative_builder=_no_calls,
    onnx=OnnxOp("Softmax", (("axis", -1),)),
    script=("def softmax(z):\n    e = np.exp(z - np.max(z, axis=-1, keepdims=True))\n"
            "    return e / np.sum(e, axis=-1, keepdims=True)\n"),
    class_targets=(0.0, 1.0), levels=(0.0, 1.0), output_only=True, one_hot=True,
    min_units=2, only_loss="cce",
    few_units_refusal=("softmax on a single output unit always outputs 1; use sigmoid for one "
                       "output or give the output layer two or more units"),
)


ACTIVATIONS: Mapping[str, Activation] = MappingProxyType(
    {a.key: a for a in (SIGMOID, TANH, RELU, LEAKY_RELU, ELU, SOFTPLUS, SILU, GELU, GELU_TANH,
                        SINE, LINEAR, SOFTMAX)}
)


def get_activation(key: str) -> Activation:
    """Look an activation up by key, with a message that lists the known ones."""
    try:
        return ACTIVATIONS[key]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {key!r} (known: {known})") from None


def forward_calls(key: str, z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    """``get_activation(key).forward_calls``: a = f(z), buffers (units, batch)."""
    return get_activation(key).forward_calls(z, a, tmp)


def derivative_calls(key: str, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    """``get_activation(key).derivative_calls``: out = f'(z) from z and a, (units, batch)."""
    return get_activation(key).derivative_calls(z, a, out)
