"""A training step for one batch size, precompiled into phases of NumPy calls.

Playground-sized networks are bound by the per-call cost of NumPy, so the step is built once
as a list of zero-argument calls on preallocated buffers (outputs passed positionally where
NumPy allows) and then replayed. The same lists serve two masters:

* the fast path runs every phase back to back, and
* the phase stepper runs them one phase at a time and copies out what each phase produced.

Because both execute the very same calls in the same order, stepping phase by phase gives
bit-for-bit the parameters an ordinary step gives.

Internal layout: features as rows, samples as columns. For layer l (1-based as in formulas):

* ``block`` — ([1 +] n₀ + K, B): [ones row]; inputs (n₀ rows); targets (K rows), so a single
  copy loads a minibatch's inputs and targets together. For wide inputs
  (``samples_as_rows``) the inputs are stored one sample per row instead, ``sample_rows``
  (B, [1 +] n₀), and the targets in their own (K, B) buffer: one gather of whole rows
  (``np.take``) and one of K-row columns then load a shuffled minibatch straight from the
  training set, where reordering n₀ + K columns would cost more than the step (see
  ``engine.training.epoch``). ``a[0]`` is then ``sample_rows``' transpose, F-contiguous, which
  ``np.dot`` hands BLAS as a transposed operand without copying (measured for 64 inputs: the
  two products 0.8 µs and the output error 0.7 µs sooner than on strided views of one
  buffer of inputs and targets);
* ``a[0]`` — the ones row and the inputs: ([1 +] n₀, B);
* ``y`` — the targets (K, B);
* ``z[l]`` — pre-activation (n_l, B), a row block of ``zstack``, laid out like the activations
  (its rows facing the ones rows stay 0), so that an activation whose derivative is written in
  z (SiLU, GELU, sine) gets f'(z) of a run of layers from one set of calls too;
* ``a[l]`` — activation ([1 +] n_l, B) with the ones row first; the output layer has none.
  The activations of layers 1..L are consecutive row blocks of one buffer, and so are their
  derivatives f'(z), so that f'(z) of a run of layers sharing an activation is one pair of
  calls (made at the start of the backward pass, since it depends on the forward pass only);
* ``delta[l]`` — ∂L/∂z (n_l, B), with the loss reduction (1/N for mean) already applied;
* ``grad.mats[l-1]`` — ∂L/∂W in the internal (n_l, [1 +] n_{l-1}) layout, db in column 0.

Dropout (``engine.dropout``; training steps only, never an evaluation): the masks of every
layer are drawn by one call at the start of forward 1; a hidden layer with dropout keeps f(z)
in the stack (its derivative is read off it) and passes on its own buffer ``a[l]`` =
f(z) ⊙ mask/(1 − p); in the backward pass δ[l] is multiplied by the same scaled mask.
Without dropout nothing of this exists: not a buffer, not a call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

import numpy as np

from engine.activations import derivative_calls, forward_calls, get_activation
from engine.calls import copyto, dot
from engine.dropout import DropoutMasks, MaskClock, has_dropout
from engine.losses import get_loss
from engine.network import NetworkSpec, Parameters
from engine.optimizers import Optimizer

Call = Callable[[], object]


class PhaseKind(StrEnum):
    """What a phase computes; the values are the words used in phase labels."""

    FORWARD = "forward"
    LOSS = "loss"
    BACKWARD = "backward"
    UPDATE = "update"


@dataclass(frozen=True)
class Phase:
    """One phase of a training step. ``layer`` is 1-based (as in z¹, δ²); 0 for loss/update."""

    kind: PhaseKind
    layer: int
    calls: tuple[Call, ...] = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        if self.kind in ("forward", "backward"):
            return f"{self.kind} {self.layer}"
        return self.kind


def activation_buffer(n: int, batch: int, ones_row: bool) -> np.ndarray:
    """An ([1 +] n, batch) activation buffer, its ones row (for the bias) filled."""
    buf = np.zeros((n + int(ones_row), batch))
    if ones_row:
        buf[0] = 1.0
    return buf


@dataclass
class ForwardPass:
    """Forward-pass buffers and calls. The activations of layers 1..L are row blocks of one
    buffer, ``stack``, so elementwise work over several layers can be a single call."""

    z: list[np.ndarray]
    a: list[np.ndarray]
    calls: list[list[Call]]
    stack: np.ndarray
    zstack: np.ndarray
    """The pre-activations, rows as in ``stack`` (0 facing its ones rows)."""
    rows: list[slice]
    """``rows[l]``: the rows of layer l's activation (ones row included) in ``stack``."""
    activated: dict[int, np.ndarray] = field(default_factory=dict)
    """Layers with dropout: f(zˡ) before the mask (n_l, B), rows of ``stack`` (which keeps
    f(z) for the derivatives); ``a[l]`` is then its own buffer holding f(zˡ) ⊙ mask/(1 − p),
    what the next layer reads."""


def forward_pass(spec: NetworkSpec, params: Parameters, a0: np.ndarray, batch: int,
                 dropout: DropoutMasks | None = None) -> ForwardPass:
    """Buffers z[l], a[l] and per-layer forward calls, starting from the input buffer a0;
    with ``dropout``, its masks are drawn first and applied after each such layer's
    activation."""
    bias = spec.use_bias
    sizes = spec.sizes
    depth = spec.depth
    rows = [slice(0, 0)]
    for l in range(1, depth + 1):
        start = rows[-1].stop
        rows.append(slice(start, start + sizes[l] + int(bias and l < depth)))
    stack = np.zeros((rows[-1].stop, batch))
    zstack = np.zeros_like(stack)
    z: list[np.ndarray] = [np.empty((0, batch))]  # index 0 unused: z starts at layer 1
    a = [a0]
    calls: list[list[Call]] = []
    activated: dict[int, np.ndarray] = {}
    for l in range(1, depth + 1):
        z.append(units_of(zstack[rows[l]], spec, l))
        a.append(stack[rows[l]])
        if bias and l < depth:
            a[l][0] = 1.0
        layer_calls: list[Call] = [product(params.mats[l - 1], a[l - 1], z[l])]
        if l == 1 and dropout is not None:
            layer_calls.insert(0, dropout.draw)
        layer_calls += forward_calls(
            spec.layers[l - 1].activation, z[l], units_of(a[l], spec, l),
            np.empty((sizes[l], batch))
        )
        if dropout is not None and l in dropout.scaled:
            activated[l] = units_of(a[l], spec, l)
            a[l] = activation_buffer(sizes[l], batch, bias)
            layer_calls.append(partial(np.multiply, activated[l], dropout.scaled[l],
                                       units_of(a[l], spec, l)))
        calls.append(layer_calls)
    return ForwardPass(z, a, calls, stack, zstack, rows, activated)


ROWS_LAYOUT_INPUTS = 16
"""Input width from which a step stores its minibatch one sample per row. Measured: below it,
``np.matmul`` on the strided views costs about 1 µs a product more than ``np.dot`` and the
per-epoch reorder of the training set is cheap; from 64 inputs the rows layout made epochs
10-25 % faster (no reorder; BLAS's dW product is faster on rows)."""


def samples_as_rows(spec: NetworkSpec) -> bool:
    """Whether step programs for ``spec`` lay their minibatch out one sample per row."""
    return spec.n_inputs >= ROWS_LAYOUT_INPUTS


def product(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> Call:
    """A call writing the matrix product a·b into ``out``: ``np.dot`` on contiguous operands
    (its call is the cheapest), ``np.matmul`` when one is a strided view (it passes the stride
    to BLAS, where ``np.dot`` would copy the operand first). ``out`` goes positionally: a
    partial with keywords builds a dict on every call (about 0.1 µs)."""
    def plain(m: np.ndarray) -> bool:
        return bool(m.flags.c_contiguous or m.flags.f_contiguous)

    if plain(a) and plain(b):
        return partial(dot, a, b, out)
    return partial(np.matmul, a, b, out)


def _derivative_calls(
    acts: list[str], upto: int, fwd: ForwardPass, out: np.ndarray
) -> list[Call]:
    """Calls that write f'(z) of layers 1..upto into ``out`` (laid out like ``fwd.stack``):
    one set of calls per run of adjacent layers that share an activation."""
    calls: list[Call] = []
    first = 1
    for l in range(1, upto + 1):
        if l == upto or acts[l] != acts[l - 1]:
            block = slice(fwd.rows[first].start, fwd.rows[l].stop)
            calls += derivative_calls(acts[l - 1], fwd.zstack[block], fwd.stack[block],
                                      out[block])
            first = l + 1
    return calls


def units_of(a: np.ndarray, spec: NetworkSpec, layer: int) -> np.ndarray:
    """The unit rows of activation buffer ``a`` (layer 0 = inputs), without the ones row."""
    has_ones = spec.use_bias and layer < spec.depth
    return a[1:] if has_ones else a


class StepProgram:
    """Buffers and phases of one training step on batches of ``batch`` samples."""

    def __init__(
        self,
        spec: NetworkSpec,
        params: Parameters,
        grad: Parameters,
        optimizer: Optimizer,
        loss: str,
        reduction: str,
        batch: int,
        clock: MaskClock | None = None,
    ) -> None:
        """``clock`` says which step dropout masks belong to (``engine.dropout``); a network
        with dropout and no clock draws as at epoch 0, minibatch 0, seed 0."""
        self.batch = batch
        self.spec = spec
        bias = int(spec.use_bias)
        sizes = spec.sizes
        depth = spec.depth
        acts = [layer.activation for layer in spec.layers]
        n_in, k = sizes[0], sizes[-1]

        self.rows_layout = samples_as_rows(spec)
        """Whether the inputs are stored one sample per row (``sample_rows``)."""
        self.sample_rows: np.ndarray | None = None
        """Rows layout: the inputs, (B, [1 +] n₀), one sample per row (None otherwise)."""
        self.data_rows: np.ndarray | None = None
        """Columns layout: inputs then targets (n₀ + K, B), loaded by one copy (None
        otherwise)."""
        if self.rows_layout:
            self.sample_rows = np.zeros((batch, bias + n_in))
            a0 = self.sample_rows.T
            self.y = np.zeros((k, batch))
        else:
            block = np.zeros((bias + n_in + k, batch))
            a0, self.y, self.data_rows = block[: bias + n_in], block[bias + n_in :], block[bias:]
        if bias:
            a0[0] = 1.0
        self.x_rows = a0[bias:]
        """The inputs (n₀, B), without the ones row."""
        self.dropout: DropoutMasks | None = None
        """The step's dropout masks (None without dropout: no buffers, no calls)."""
        if has_dropout(spec):
            self.dropout = DropoutMasks(spec, batch, clock if clock is not None
                                        else MaskClock(0))
        fwd = forward_pass(spec, params, a0, batch, self.dropout)
        self.z, self.a = fwd.z, fwd.a
        self.activated = fwd.activated
        """Layers with dropout: f(zˡ) (n_l, B) before the mask."""
        self.delta = [np.empty((0, batch))] + [np.empty((sizes[l], batch))
                                               for l in range(1, depth + 1)]
        # Backpropagated error before the activation derivative, with room for the bias row.
        upstream = [np.empty((bias + sizes[l], batch)) for l in range(depth + 1)]
        # f'(z) of every layer, laid out like the activations; filled at the start of the
        # backward pass (it depends only on the forward pass) in one go per run of layers.
        deriv = np.empty_like(fwd.stack)
        chosen = get_loss(loss)
        combined = chosen.combined

        phases = [Phase(PhaseKind.FORWARD, l, tuple(fwd.calls[l - 1])) for l in range(1, depth + 1)]
        phases.append(Phase(PhaseKind.LOSS, 0, ()))
        scale = chosen.error_scale(reduction, batch, k)
        for l in range(depth, 0, -1):
            d = self.delta[l]
            f_prime = units_of(deriv[fwd.rows[l]], spec, l)
            plain = get_activation(acts[l - 1]).unit_derivative
            if l == depth:
                calls: list[Call] = _derivative_calls(acts, depth - combined, fwd, deriv)
                calls.append(partial(np.subtract, self.a[l], self.y, d))
                if scale != 1.0:
                    calls.append(partial(np.multiply, d, np.full(d.shape, scale), d))
                if not (combined or plain):
                    calls.append(partial(np.multiply, d, f_prime, d))
            else:
                up = upstream[l]
                calls = [partial(dot, params.mats[l].T, self.delta[l + 1], up)]
                mask = None if self.dropout is None else self.dropout.scaled.get(l)
                if plain:
                    calls.append(partial(copyto, d, up[bias:]) if mask is None
                                 else partial(np.multiply, up[bias:], mask, d))
                else:
                    calls.append(partial(np.multiply, up[bias:], f_prime, d))
                    if mask is not None:  # δ = (δ⁺·W) ⊙ f′(z) ⊙ m/(1 − p)
                        calls.append(partial(np.multiply, d, mask, d))
            calls.append(product(d, self.a[l - 1].T, grad.mats[l - 1]))
            phases.append(Phase(PhaseKind.BACKWARD, l, tuple(calls)))

        update = (optimizer.regularization_calls(grad.flat) + optimizer.update_calls(grad.flat)
                  + optimizer.after_update_calls())
        phases.append(Phase(PhaseKind.UPDATE, 0, tuple(update)))
        self.phases: tuple[Phase, ...] = tuple(phases)
        self.calls: tuple[Call, ...] = tuple(c for p in phases for c in p.calls)
        """Every phase's calls in order: one whole training step."""

    def run(self) -> None:
        """Run one whole training step on whatever is in the input and target buffers."""
        for call in self.calls:
            call()

