"""ELU, softplus, SiLU and sine: the smooth activations beside the classic ones (GELU is in
``engine.gelu``), each in every form ``engine.activation_types.Activation`` carries.

Their definitions are PyTorch's (``torch.nn.functional``), in float64 to within an ulp or two
(tests/test_torch_activations.py compares them):

* ELU (α = 1): z for z > 0, e^z − 1 (``expm1``) otherwise; ELU′ = e^min(z, 0) — computed from
  z, which stays accurate where a + 1 would lose the digits of a tiny e^z;
* softplus (β = 1): log(1 + e^z), written ``logaddexp(z, 0)`` = max(z, 0) + log1p(e^−|z|),
  which never overflows; softplus′ = σ(z) = 1 − e^−a, read off a (``-expm1(-a)``, accurate at
  both ends). PyTorch's ``threshold=20`` is *not* replicated: above z = 20 PyTorch returns z
  itself (and 1 as the derivative), a jump of up to 2.1e−9 at z = 20 that a gradient check
  straddling it would see; here softplus stays smooth, differing from PyTorch there by less
  than 2.1e−9 (1e−10 relative), and by nothing once e^−z is below half an ulp of z (z ≳ 37);
* SiLU (swish): z·σ(z) = z / (1 + e^−z) as PyTorch computes it (e^−z overflows to inf for
  z < −709, giving −0, as in PyTorch); SiLU′ = σ(z)·(1 + z·(1 − σ(z))), PyTorch's form;
* sine: sin(z), sin′ = cos(z) (SIREN-style networks; class targets −1/+1 like tanh).

Their ONNX forms use standard operators only, with a small graph where onnxruntime has no
float64 kernel for the single operator (``Elu`` and ``Softplus`` have float kernels only):
ELU's e^m − 1 is written tanh(m/2)·(e^m + 1), the same number without the cancellation.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from engine.activation_types import Activation, Call, OnnxNode, OnnxOp, Z


def _full(like: np.ndarray, value: float) -> np.ndarray:
    """A constant operand for the precompiled calls (full size: NumPy's fastest path)."""
    return np.full_like(like, value)


# -- ELU ---------------------------------------------------------------------------------------
def _elu(z: np.ndarray) -> np.ndarray:
    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))


def _elu_forward(z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    # max(z, e^min(z,0) − 1): z where z > 0 (e^0 − 1 = 0), else e^z − 1 (which is ≥ z).
    return [partial(np.minimum, z, _full(z, 0.0), out=tmp), partial(np.expm1, tmp, tmp),
            partial(np.maximum, z, tmp, out=a)]


def _elu_derivative(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    return [partial(np.minimum, z, _full(z, 0.0), out=out), partial(np.exp, out, out)]


ELU = Activation(
    key="elu", title="ELU", short_title="ELU", symbol="ELU",
    formula="ELU(z) = z if z > 0 else e^z − 1",
    derivative_template="ELU′ = 1 if {z} > 0 else e^({z})",
    function=_elu, derivative_function=lambda z, a: np.exp(np.minimum(z, 0.0)),
    forward_builder=_elu_forward, derivative_builder=_elu_derivative,
    onnx=OnnxOp.of(
        OnnxNode("Relu", (Z,)),                 # t0 = max(z, 0)
        OnnxNode("Sub", (Z, "t0")),             # t1 = m = min(z, 0), exactly
        OnnxNode("Mul", ("t1", 0.5)),
        OnnxNode("Tanh", ("t2",)),
        OnnxNode("Exp", ("t1",)),
        OnnxNode("Add", ("t4", 1.0)),
        OnnxNode("Mul", ("t3", "t5")),          # t6 = tanh(m/2)·(e^m + 1) = e^m − 1
        OnnxNode("Add", ("t0", "t6")),
    ),
    script=("def elu(z):\n"
            "    return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))\n"),
    class_targets=(0.0, 1.0),
)


# -- softplus ----------------------------------------------------------------------------------
def _softplus_derivative(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    return [partial(np.negative, a, out), partial(np.expm1, out, out),
            partial(np.negative, out, out)]


SOFTPLUS = Activation(
    key="softplus", title="Softplus", short_title="S+", symbol="softplus",
    formula="softplus(z) = log(1 + e^z)",
    derivative_template="softplus′ = σ({z}) = 1 − e^(−{a})",
    function=lambda z: np.logaddexp(z, 0.0),
    derivative_function=lambda z, a: -np.expm1(-a),
    forward_builder=lambda z, a, tmp: [partial(np.logaddexp, z, _full(z, 0.0), a)],
    derivative_builder=_softplus_derivative,
    onnx=OnnxOp.of(
        OnnxNode("Relu", (Z,)),                 # t0 = max(z, 0)
        OnnxNode("Abs", (Z,)),
        OnnxNode("Neg", ("t1",)),
        OnnxNode("Exp", ("t2",)),               # t3 = e^−|z| (never overflows)
        OnnxNode("Add", ("t3", 1.0)),
        OnnxNode("Log", ("t4",)),
        OnnxNode("Add", ("t0", "t5")),
    ),
    script=("def softplus(z):\n"
            "    return np.logaddexp(z, 0.0)  # log(1 + e^z) without overflow\n"),
    class_targets=(0.0, 1.0),
)


# -- SiLU --------------------------------------------------------------------------------------
def _silu(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # e^−z is inf for z < −709: z / inf = −0
        return z / (1.0 + np.exp(-z))


def _silu_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        s = 1.0 / (1.0 + np.exp(-z))
    return s * (1.0 + z * (1.0 - s))


def _silu_forward(z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
    return [partial(np.negative, z, tmp), partial(np.exp, tmp, tmp),
            partial(np.add, tmp, _full(z, 1.0), tmp), partial(np.divide, z, tmp, a)]


def _silu_derivative(z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
    s, one = np.empty_like(z), _full(z, 1.0)
    return [partial(np.negative, z, s), partial(np.exp, s, s), partial(np.add, s, one, s),
            partial(np.reciprocal, s, s),                                    # s = σ(z)
            partial(np.subtract, one, s, out), partial(np.multiply, out, z, out),
            partial(np.add, out, one, out), partial(np.multiply, out, s, out)]


SILU = Activation(
    key="silu", title="SiLU (swish)", short_title="SiLU", symbol="SiLU",
    formula="SiLU(z) = z·σ(z) = z / (1 + e^(−z))",
    derivative_template="SiLU′ = σ({z})·(1 + {z}·(1 − σ({z})))",
    function=_silu, derivative_function=_silu_prime,
    forward_builder=_silu_forward, derivative_builder=_silu_derivative,
    onnx=OnnxOp.of(OnnxNode("Sigmoid", (Z,)), OnnxNode("Mul", (Z, "t0"))),
    script=("def silu(z):\n"
            "    with np.errstate(over=\"ignore\"):  # e^-z is inf for z < -709: z / inf = -0\n"
            "        return z / (1.0 + np.exp(-z))\n"),
    class_targets=(0.0, 1.0),
)


# -- sine --------------------------------------------------------------------------------------
SINE = Activation(
    key="sine", title="Sine", short_title="sin", symbol="sin",
    formula="sin(z)", derivative_template="sin′ = cos({z})",
    function=np.sin, derivative_function=lambda z, a: np.cos(z),
    forward_builder=lambda z, a, tmp: [partial(np.sin, z, a)],
    derivative_builder=lambda z, a, out: [partial(np.cos, z, out)],
    onnx=OnnxOp("Sin"),
    script="def sine(z):\n    return np.sin(z)\n",
    class_targets=(-1.0, 1.0), levels=(-1.0, 1.0),
)
