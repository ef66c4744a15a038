"""GELU, exact (``gelu``) and with PyTorch's tanh approximation (``gelu_tanh``), and the erf
the exact one needs.

Both follow PyTorch's float64 CPU formulas operation for operation (``F.gelu`` with
``approximate='none'`` and ``'tanh'``, and their backward), so they agree with it to an ulp or
two (tests/test_torch_activations.py):

* GELU(z) = z·Φ(z) = z·½·(1 + erf(z/√2)); GELU′ = Φ(z) + z·φ(z), φ(z) = e^(−z²/2)/√(2π);
* GELU≈(z) = ½z·(1 + tanh(√(2/π)·(z + 0.044715·z³))); GELU≈′ = ½(1 + t) +
  ½z·(1 − t²)·√(2/π)·(1 + 3·0.044715·z²) with t that tanh.

Like PyTorch's, 1 + erf(z/√2) cancels for z ≪ 0: GELU(−10) is −0 rather than −7.6e−23, an
error below 1e−16·|z| everywhere (what matters next to z's own rounding).

**erf.** NumPy has none, so ``erf`` applies the C library's (``math.erf``, < 1 ulp from the
true value, measured against mpmath) to each element through one Python call. That costs
about 50 ns an element against about 1 ns for ``np.tanh`` (measured: 2 µs for a 4×10 layer,
100 µs for 8×250, 2.3 ms for 32×1258), so GELU trains more slowly than tanh on wide layers or
large full batches; on playground-sized minibatches the per-call overhead of the other
activations is of the same order. It is also the one activation whose calls allocate (a
Python list of the layer's values per call). A NumPy polynomial erf of the same accuracy would
take some 30 NumPy calls, slower than this up to about a thousand elements a layer.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from engine.activation_types import Activation, Call, OnnxNode, OnnxOp, Z
from engine.calls import flat_view

SQRT1_2 = 0.7071067811865476
"""1/√2 (C's M_SQRT1_2), as PyTorch's kAlpha."""
M_2_SQRTPI = 1.1283791670955126
"""2/√π (C's M_2_SQRTPI)."""
PDF_SCALE = M_2_SQRTPI * SQRT1_2 * 0.5
"""1/√(2π), computed as PyTorch computes it (its kBeta in the exact GELU's backward)."""
TANH_SCALE = 1.4142135623730951 * M_2_SQRTPI * 0.5
"""√(2/π) = √2·(2/√π)·½, as PyTorch computes it (kBeta of the tanh approximation)."""
KAPPA = 0.044715
"""The cubic coefficient of the tanh approximation."""


def erf(x: np.ndarray) -> np.ndarray:
    """The error function elementwise, as float64 (``math.erf`` on each element)."""
    x = np.asarray(x, dtype=np.float64)
    return np.array(list(map(math.erf, x.ravel().tolist())), dtype=np.float64).reshape(x.shape)



def erf_call(src: np.ndarray, dst: np.ndarray) -> Call:
    """A call writing erf(src) into dst (same shape, contiguous; may be the same buffer)."""
    s, d = flat_view(src), flat_view(dst)

    def call() -> None:
        d[:] = list(map(math.erf, s.tolist()))

    return call


# -- exact GELU --------------------------------------------------------------------------------
def _gelu(z: np.ndarray) -> np.ndarray:
    return z * 0.5 * (1.0 + erf(z * SQRT1_2))


def _gelu_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    cdf = 0.5 * (1.0 + erf(z * SQRT1_2))
    pdf = PDF_SCALE * np.exp(z * z * -0.5)
    return cdf + z * pdf


def _gelu_forward(z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    return [partial(np.multiply, z, np.full_like(z, SQRT1_2), tmp), erf_call(tmp, tmp),
            partial(np.add, tmp, np.full_like(z, 1.0), tmp),
            partial(np.multiply, z, np.full_like(z, 0.5), a), partial(np.multiply, a, tmp, a)]


def _gelu_derivative(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    cdf, half = np.empty_like(z), np.full_like(z, 0.5)
    return [partial(np.multiply, z, np.full_like(z, SQRT1_2), cdf), erf_call(cdf, cdf),
            partial(np.add, cdf, np.full_like(z, 1.0), cdf), partial(np.multiply, cdf, half, cdf),
            partial(np.multiply, z, z, out), partial(np.multiply, out, np.full_like(z, -0.5), out),
            partial(np.exp, out, out), partial(np.multiply, out, np.full_like(z, PDF_SCALE), out),
            partial(np.multiply, out, z, out), partial(np.add, cdf, out, out)]


GELU = Activation(
    key="gelu", title="GELU", short_title="GELU", symbol="GELU",
    formula="GELU(z) = z·Φ(z) = ½z·(1 + erf(z/√2))",
    derivative_template="GELU′ = Φ({z}) + {z}·φ({z}),   φ(z) = e^(−z²/2) / √(2π)",
    function=_gelu, derivative_function=_gelu_prime,
    forward_builder=_gelu_forward, derivative_builder=_gelu_derivative,
    onnx=OnnxOp.of(
        OnnxNode("Mul", (Z, SQRT1_2)), OnnxNode("Erf", ("t0",)), OnnxNode("Add", ("t1", 1.0)),
        OnnxNode("Mul", (Z, 0.5)), OnnxNode("Mul", ("t3", "t2")),
    ),
    script=("def gelu(z):\n"
            "    import math  # NumPy has no erf: the C library's, element by element\n"
            f"    scaled = (z * {SQRT1_2!r}).ravel().tolist()\n"
            "    erf = np.array(list(map(math.erf, scaled))).reshape(z.shape)\n"
            "    return z * 0.5 * (1.0 + erf)\n"),
    class_targets=(0.0, 1.0),
)


# -- GELU, tanh approximation ------------------------------------------------------------------
def _gelu_tanh(z: np.ndarray) -> np.ndarray:
    inner = TANH_SCALE * (z + KAPPA * (z * z * z))
    return z * 0.5 * (1.0 + np.tanh(inner))


def _gelu_tanh_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    square = z * z
    t = np.tanh(TANH_SCALE * (z + KAPPA * (square * z)))
    right = (1.0 - t * t) * z * 0.5 * (TANH_SCALE * (1.0 + 3.0 * KAPPA * square))
    return (1.0 + t) * 0.5 + right


def _gelu_tanh_forward(z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    return [partial(np.multiply, z, z, tmp), partial(np.multiply, tmp, z, tmp),
            partial(np.multiply, tmp, np.full_like(z, KAPPA), tmp), partial(np.add, z, tmp, tmp),
            partial(np.multiply, tmp, np.full_like(z, TANH_SCALE), tmp),
            partial(np.tanh, tmp, tmp), partial(np.add, tmp, np.full_like(z, 1.0), tmp),
            partial(np.multiply, z, np.full_like(z, 0.5), a), partial(np.multiply, a, tmp, a)]


def _gelu_tanh_derivative(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    square, t = np.empty_like(z), np.empty_like(z)
    one, half, scale = np.full_like(z, 1.0), np.full_like(z, 0.5), np.full_like(z, TANH_SCALE)
    return [
        partial(np.multiply, z, z, square), partial(np.multiply, square, z, t),
        partial(np.multiply, t, np.full_like(z, KAPPA), t), partial(np.add, z, t, t),
        partial(np.multiply, t, scale, t), partial(np.tanh, t, t),            # t = tanh(inner)
        partial(np.multiply, t, t, out), partial(np.subtract, one, out, out),  # 1 − t²
        partial(np.multiply, out, z, out), partial(np.multiply, out, half, out),
        partial(np.multiply, square, np.full_like(z, 3.0 * KAPPA), square),
        partial(np.add, square, one, square), partial(np.multiply, square, scale, square),
        partial(np.multiply, out, square, out),                                # the right part
        partial(np.add, t, one, t), partial(np.multiply, t, half, t), partial(np.add, t, out, out),
    ]


GELU_TANH = Activation(
    key="gelu_tanh", title="GELU (tanh approx.)", short_title="GELU≈", symbol="GELU≈",
    formula="GELU≈(z) = ½z·(1 + tanh(√(2/π)·(z + 0.044715·z³)))",
    derivative_template=("GELU≈′ = ½(1 + t) + ½{z}·(1 − t²)·√(2/π)·(1 + 3·0.044715·{z}²),   "
                         "t = tanh(√(2/π)·({z} + 0.044715·{z}³))"),
    function=_gelu_tanh, derivative_function=_gelu_tanh_prime,
    forward_builder=_gelu_tanh_forward, derivative_builder=_gelu_tanh_derivative,
    onnx=OnnxOp.of(
        OnnxNode("Mul", (Z, Z)), OnnxNode("Mul", ("t0", Z)), OnnxNode("Mul", ("t1", KAPPA)),
        OnnxNode("Add", (Z, "t2")), OnnxNode("Mul", ("t3", TANH_SCALE)),
        OnnxNode("Tanh", ("t4",)), OnnxNode("Add", ("t5", 1.0)), OnnxNode("Mul", (Z, 0.5)),
        OnnxNode("Mul", ("t7", "t6")),
    ),
    script=("def gelu_tanh(z):\n"
            f"    inner = {TANH_SCALE!r} * (z + {KAPPA!r} * (z * z * z))\n"
            "    return z * 0.5 * (1.0 + np.tanh(inner))\n"),
    class_targets=(0.0, 1.0),
)
