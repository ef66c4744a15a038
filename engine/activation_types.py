"""What an activation function is to the playground: the ``Activation`` record that every
consumer reads (see ``engine.activations`` for the registry and the reasoning behind each form),
and the description of its ONNX form (``OnnxOp``: one operator, or a small graph of standard
operators when ONNX or onnxruntime has no float64 operator for it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Call = Callable[[], object]
ForwardBuilder = Callable[[np.ndarray, np.ndarray, np.ndarray], list[Call]]
"""(z, a, tmp) -> calls writing a = f(z); all (units, batch), tmp scratch shaped like z."""
DerivativeBuilder = Callable[[np.ndarray, np.ndarray, np.ndarray], list[Call]]
"""(z, a, out) -> calls writing out = f′(z); all (units, batch)."""

Z = "z"
"""The input of an activation's ONNX graph (the layer's pre-activation)."""


@dataclass(frozen=True)
class OnnxNode:
    """One node of an activation's ONNX graph. ``inputs`` name ``z`` (the pre-activation),
    ``t<k>`` (the output of the graph's node k) or are float constants (written as 0-d DOUBLE
    ``Constant`` nodes); node k writes ``t<k>``, the last node the layer's activation."""

    op_type: str
    inputs: tuple[str | float, ...]
    attributes: tuple[tuple[str, float | int | str], ...] = ()


@dataclass(frozen=True)
class OnnxOp:
    """An activation's ONNX form: ``op_type`` (with ``attributes``) applied to z, or, when
    ``graph`` is given, that graph of nodes, whose last node is ``op_type``."""

    op_type: str
    attributes: tuple[tuple[str, float | int | str], ...] = ()
    graph: tuple[OnnxNode, ...] = ()

    @classmethod
    def of(cls, *nodes: OnnxNode) -> OnnxOp:
        """A graph of nodes (see ``OnnxNode`` for how they refer to each other)."""
        return cls(nodes[-1].op_type, nodes[-1].attributes, tuple(nodes))

    @property
    def nodes(self) -> tuple[OnnxNode, ...]:
        """The nodes the exporter writes, in order (one for a single operator)."""
        return self.graph or (OnnxNode(self.op_type, (Z,), self.attributes),)

    def attribute_dict(self) -> dict[str, Any]:
        """The attributes as keyword arguments for ``onnx.helper.make_node``."""
        return dict(self.attributes)


@dataclass(frozen=True, kw_only=True)
class Activation:
    """One activation function in every form the playground needs (``engine.activations``)."""

    key: str
    title: str
    """For menus, e.g. ``Leaky ReLU``."""
    short_title: str
    """For narrow columns, e.g. ``LReLU``."""
    symbol: str
    """The function's name in equations, e.g. ``σ`` in ``a¹ = σ(z¹)``."""
    formula: str
    """f(z) written for display, e.g. ``σ(z) = 1 / (1 + e^(−z))``."""
    derivative_template: str
    """f′ written for display, with ``{a}`` and ``{z}`` standing for the layer's a and z."""
    function: Callable[[np.ndarray], np.ndarray]
    derivative_function: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    """f′(z, a); None where there is no elementwise derivative (softmax)."""
    forward_builder: ForwardBuilder
    derivative_builder: DerivativeBuilder
    onnx: OnnxOp
    script: str
    """Source of ``def <key>(z)`` for the standalone script: the same formula as ``function``
    (self-contained: it may import from the standard library inside the function)."""
    class_targets: tuple[float, float] = (0.0, 1.0)
    """The targets of class 0 and class 1 when this is the output activation."""
    levels: tuple[float, float] | None = None
    """The range of its outputs (for colour levels); None when unbounded."""
    output_only: bool = False
    one_hot: bool = False
    """Classes are one output unit each (one-hot targets) rather than two levels of one unit."""
    unit_derivative: bool = False
    """f′ = 1: the backward pass copies the upstream error instead of multiplying by f′."""
    min_units: int = 1
    few_units_refusal: str = ""
    """Why fewer than ``min_units`` output units make no sense."""
    only_loss: str | None = None
    """As an output layer, the one loss it pairs with (softmax: categorical cross-entropy)."""

    @property
    def threshold(self) -> float:
        """The output value between the two class targets: above it, class 1."""
        low, high = self.class_targets
        return (low + high) / 2.0

    @property
    def derivative_formula(self) -> str:
        """f′ with plain a and z, e.g. ``σ′ = a(1 − a)``."""
        return self.derivative_text("a", "z")

    def derivative_text(self, a: str, z: str) -> str:
        """f′ for the inspector with the layer's names, e.g. ``σ′ = a²(1 − a²)``."""
        return self.derivative_template.format(a=a, z=z)

    def apply(self, z: np.ndarray) -> np.ndarray:
        """Return f(z) as a new array."""
        return self.function(np.asarray(z, dtype=np.float64))

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Return f'(z) elementwise, given z and a = f(z). Not defined for softmax."""
        if self.derivative_function is None:
            raise ValueError(f"{self.key} has a Jacobian, not an elementwise derivative")
        return self.derivative_function(np.asarray(z, np.float64), np.asarray(a, np.float64))

    def forward_calls(self, z: np.ndarray, a: np.ndarray, tmp: np.ndarray) -> list[Call]:
        """Calls that write a = f(z), all (units, batch). ``tmp`` is scratch shaped like z."""
        return self.forward_builder(z, a, tmp)

    def derivative_calls(self, z: np.ndarray, a: np.ndarray, out: np.ndarray) -> list[Call]:
        """Calls that write out = f'(z) from the layer's z and a = f(z), all (units, batch).

        The training step makes one set of these calls for a whole run of layers whose rows
        sit next to each other in its z and a buffers (rows facing a bias's ones row hold z = 0
        and a = 1; what the calls write there is never read). Most derivatives are read off a
        alone (for ReLU and leaky ReLU, a > 0 exactly when z > 0); SiLU's, GELU's and sine's
        need z. Linear (f' = 1) and softmax (combined with its loss) have no derivative calls.
        Scratch buffers are allocated once, here, never per step.
        """
        return self.derivative_builder(z, a, out)
