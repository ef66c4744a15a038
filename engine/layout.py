"""The two textbook layouts the inspector writes its equations in (issue 12).

* ``Layout.ROWS`` — samples as rows, as in the worked-example notebooks: z = X·W + b with X of
  shape (N, n_in) and W of shape (n_in, n_out); wˡᵢ,ⱼ joins unit i of layer l−1 to unit j.
* ``Layout.COLUMNS`` — samples as columns, as in Andrew Ng's course: z = W·X + b with X of shape
  (n_in, N) and W of shape (n_out, n_in); wˡⱼ,ᵢ joins unit i to unit j (row = to, column = from).

The engine always computes in rows; the columns layout is the same numbers transposed. Like
``engine.notation.precision``, the layout is chosen for a block (``in_layout``) and read by
everything that writes an equation or a weight's name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import replace
from enum import StrEnum

import numpy as np

from engine.notation import sub, sup
from engine.operands import Operand


class Layout(StrEnum):
    """How samples sit in the inspector's matrices (the value is its file/CLI name)."""

    ROWS = "rows"
    COLUMNS = "columns"

    @property
    def label(self) -> str:
        return ("samples as rows (X·W)" if self is Layout.ROWS
                else "samples as columns (W·X)")


_LAYOUT: ContextVar[Layout] = ContextVar("layout", default=Layout.ROWS)


def check_layout(value: object) -> Layout:
    """``value`` as a Layout ("rows" or "columns"), else ValueError saying which are."""
    try:
        return Layout(str(value))
    except ValueError:
        raise ValueError(f"layout: choose rows or columns, got {str(value)[:40]!r}") from None


@contextlib.contextmanager
def in_layout(layout: Layout) -> Iterator[None]:
    """Write equations, names and operands in ``layout`` inside the block."""
    token = _LAYOUT.set(check_layout(layout))
    try:
        yield
    finally:
        _LAYOUT.reset(token)


def current() -> Layout:
    return _LAYOUT.get()


def columns() -> bool:
    """True when samples are columns (W·X)."""
    return _LAYOUT.get() is Layout.COLUMNS


def weight_name(layer: int, i: int, j: int) -> str:
    """The weight from unit i of layer l−1 to unit j of layer l (``layer`` 1-based, i and j
    0-based): wˡᵢ,ⱼ in rows, wˡⱼ,ᵢ in columns; always with a comma (w²₁₁,₂ is unambiguous)."""
    first, second = (j, i) if columns() else (i, j)
    return f"w{sup(layer)}{sub(first + 1)},{sub(second + 1)}"


def next_weight_sum(layer: int, j: int) -> str:
    """Σₖ wˡ⁺¹ⱼ,ₖ·δˡ⁺¹ₖ (rows) or Σₖ wˡ⁺¹ₖ,ⱼ·δˡ⁺¹ₖ (columns): how δˡⱼ gathers the next layer's
    errors (``layer`` 1-based, j 0-based)."""
    s, u = sup(layer + 1), sub(j + 1)
    index = f"ₖ,{u}" if columns() else f"{u},ₖ"
    return f"Σₖ w{s}{index}·δ{s}ₖ"


def product(left: str, weights: str) -> str:
    """A layer's input times its weights: X·W¹ in rows, W¹·X in columns."""
    return f"{weights}·{left}" if columns() else f"{left}·{weights}"


def backprop_product(delta: str, weights: str) -> str:
    """The next layer's errors sent back through its weights: δ²·W²ᵀ (rows), W²ᵀ·δ² (columns)."""
    return f"{weights}ᵀ·{delta}" if columns() else f"{delta}·{weights}ᵀ"


def weight_gradient(inputs: str, delta: str) -> str:
    """dW from a layer's inputs and errors: Xᵀ·δ¹ (rows), δ¹·Xᵀ (columns)."""
    return f"{delta}·{inputs}ᵀ" if columns() else f"{inputs}ᵀ·{delta}"


ROW_VECTORS = frozenset({"ℓ"})
"""1-D operands indexed by sample: a row in either layout (every other 1-D operand, such as
a bias vector, is indexed by unit and becomes a column with samples as columns)."""


def shown(op: Operand) -> Operand:
    """The operand as the current layout writes it: in columns every matrix is transposed,
    (N, n) → (n, N) and W (n_in, n_out) → (n_out, n_in), and a unit-indexed vector (n,)
    becomes a column (n, 1); row and column labels swap with it."""
    if not columns():
        return op
    values = op.values
    if values.ndim == 2:
        return replace(op, values=values.T, row_labels=op.col_labels, col_labels=op.row_labels)
    if values.ndim == 1 and op.name not in ROW_VECTORS:
        return replace(op, values=values.reshape(-1, 1), row_labels=op.col_labels,
                       col_labels=())
    return op


def vector_text(values: np.ndarray, text: str) -> str:
    """A 1-D vector's text (``text``, e.g. "[0.1, 0.2]") as the layout writes it: a row in rows,
    a column (with ᵀ) in columns."""
    return f"{text}ᵀ" if columns() and np.asarray(values).ndim == 1 else text
