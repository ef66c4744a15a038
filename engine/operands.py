"""The matrices the inspector shows: each named as in the equations, with its meaning and a
name for every row and column (samples by their training-set number, a weight's rows and
columns by the units they join)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from engine.notation import sub, sup
from engine.trace import StepTrace


@dataclass(frozen=True)
class Operand:
    """One matrix the inspector shows, named as in the equations, with its shape."""

    name: str
    values: np.ndarray
    meaning: str
    row_labels: tuple[str, ...] = ()
    """One per row: "#12" for a sample (its training-set number), "from 3" for a weight's
    input unit; empty when the rows need no name (a single row)."""
    col_labels: tuple[str, ...] = ()
    """One per column: "to 2" for a weight's unit, "unit 2", "x₂" for a feature."""

    @property
    def shape_text(self) -> str:
        return "×".join(str(d) for d in self.values.shape) or "scalar"



_SUPERSCRIPT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def _of_output_layer(name: str, trace: StepTrace) -> bool:
    """Whether operand ``name`` is indexed by the output layer's units: ŷ, y, or a quantity
    whose superscript is the output layer's number (a², δ², W² …: their columns)."""
    if name in ("ŷ", "y"):
        return True
    found = _SUPERSCRIPT.search(name)
    return (found is not None and trace.network is not None
            and found.group() == sup(trace.network.depth))


def labelled(op: Operand, trace: StepTrace) -> Operand:
    """The operand with names for its rows and columns (see ``Operand.row_labels``); the
    output layer's columns are named by class when there is one unit per class."""
    values = op.values
    samples = tuple(f"#{int(k) + 1}" for k in trace.indices)
    n = len(samples)
    name = op.name
    width = values.shape[-1] if values.ndim else 0
    classes = (trace.output_names if len(trace.output_names) == width
               and _of_output_layer(name, trace) else ())
    if "W" in name and values.ndim == 2:  # W, dW, ΔW, W (new), m (W), v (W): (n_in, n_out)
        return replace(op, row_labels=tuple(f"from {i + 1}" for i in range(values.shape[0])),
                       col_labels=tuple(f"to {classes[j]}" if classes else f"to {j + 1}"
                                        for j in range(width)))
    feature = name in ("X", "x", "μ", "σ")

    def column(j: int) -> str:
        if classes:
            return classes[j]
        if not feature:
            return f"unit {j + 1}"
        names = trace.feature_names
        return names[j] if len(names) == width else f"x{sub(j + 1)}"

    if values.ndim == 2 and values.shape[0] == n:  # samples as rows
        return replace(op, row_labels=samples, col_labels=tuple(map(column, range(width))))
    if values.ndim == 1:
        if name == "ℓ" and values.size == n:
            return replace(op, col_labels=samples)
        return replace(op, col_labels=tuple(map(column, range(width))))
    return op


def input_name(trace: StepTrace, i: int) -> str:
    """What network input i (0-based) is called: its feature's name ("x₁", "sin(x₁)", a
    column's name), or xᵢ when the trace does not know it."""
    names = trace.feature_names
    return names[i] if i < len(names) else f"x{sub(i + 1)}"


DeltaRef = tuple[int, int]
"""(layer 1-based, unit 0-based) of one δ: what a chain-rule term expands to."""


@dataclass(frozen=True)
class ChainLine:
    """One line of a chain rule as pieces of text, some of them a δ that can be expanded
    (clicked) to show how it came about; ``indent`` counts the expansions it sits in."""

    parts: tuple[tuple[str, DeltaRef | None], ...]
    indent: int = 0

    @property
    def text(self) -> str:
        return "".join(piece for piece, _ in self.parts)

    @staticmethod
    def plain(text: str, indent: int = 0) -> ChainLine:
        return ChainLine(((text, None),), indent)


@dataclass(frozen=True)
class WeightChain:
    """The chain rule for one weight wˡᵢⱼ, every term from the trace (0-based i, j)."""

    layer: int
    i: int
    j: int
    inputs: np.ndarray  # aˡ⁻¹ᵢ per sample
    errors: np.ndarray  # δˡⱼ per sample
    products: np.ndarray  # aˡ⁻¹ᵢ·δˡⱼ per sample
    gradient: float  # ∂L/∂wˡᵢⱼ = Σ products (the trace's dW)
    before: float
    after: float | None
    learning_rate: float
    lines: tuple[str, ...]
    """Each line's text (``parts`` with its expandable terms)."""
    parts: tuple[ChainLine, ...] = ()
