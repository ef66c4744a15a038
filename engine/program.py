"""A training step for one batch size, precompiled into phases of NumPy calls.

Playground-sized networks are bound by the per-call cost of NumPy, so the step is built once
as a list of zero-argument calls on preallocated buffers (outputs passed positionally where
NumPy allows) and then replayed. The same lists serve two masters:

* the fast path runs every phase back to back, and
* the phase stepper runs them one phase at a time and copies out what each phase produced.

Because both execute the very same calls in the same order, stepping phase by phase gives
bit-for-bit the parameters an ordinary step gives.

Internal layout: features as rows, samples as columns. For layer l (1-based as in formulas):

* ``block`` — one buffer holding [ones row]; inputs (n₀ rows); targets (K rows), so a single
  copy loads a minibatch's inputs and targets together;
* ``a[0]`` — the ones row and the inputs: ([1 +] n₀, B);
* ``y`` — the targets (K, B);
* ``z[l]`` — pre-activation (n_l, B);
* ``a[l]`` — activation ([1 +] n_l, B) with the ones row first; the output layer has none;
* ``delta[l]`` — ∂L/∂z (n_l, B), with the loss reduction (1/N for mean) already applied;
* ``grad.mats[l-1]`` — ∂L/∂W in the internal (n_l, [1 +] n_{l-1}) layout, db in column 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from engine.activations import backward_calls, forward_calls
from engine.losses import error_scale, is_combined
from engine.network import NetworkSpec, Parameters
from engine.optimizers import Optimizer

Call = Callable[[], object]


@dataclass(frozen=True)
class Phase:
    """One phase of a training step. ``layer`` is 1-based (as in z¹, δ²); 0 for loss/update."""

    kind: str  # "forward" | "loss" | "backward" | "update"
    layer: int
    calls: tuple[Call, ...] = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        if self.kind in ("forward", "backward"):
            return f"{self.kind} {self.layer}"
        return self.kind


def _activation_buffer(n: int, batch: int, ones_row: bool) -> np.ndarray:
    buf = np.zeros((n + int(ones_row), batch))
    if ones_row:
        buf[0] = 1.0
    return buf


def _forward(
    spec: NetworkSpec, params: Parameters, a0: np.ndarray, batch: int
) -> tuple[list[np.ndarray], list[np.ndarray], list[list[Call]]]:
    """Buffers z[l], a[l] and per-layer forward calls, starting from the input buffer a0."""
    bias = spec.use_bias
    sizes = spec.sizes
    depth = spec.depth
    z: list[np.ndarray] = [np.empty((0, batch))]  # index 0 unused: z starts at layer 1
    a = [a0]
    calls: list[list[Call]] = []
    for l in range(1, depth + 1):
        z.append(np.empty((sizes[l], batch)))
        a.append(_activation_buffer(sizes[l], batch, bias and l < depth))
        units = a[l][1:] if bias and l < depth else a[l]
        layer_calls: list[Call] = [partial(np.dot, params.mats[l - 1], a[l - 1], z[l])]
        layer_calls += forward_calls(
            spec.layers[l - 1].activation, z[l], units, np.empty((sizes[l], batch))
        )
        calls.append(layer_calls)
    return z, a, calls


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
    ) -> None:
        self.batch = batch
        self.spec = spec
        bias = int(spec.use_bias)
        sizes = spec.sizes
        depth = spec.depth
        acts = [layer.activation for layer in spec.layers]
        n_in, k = sizes[0], sizes[-1]

        self.block = np.zeros((bias + n_in + k, batch))
        if bias:
            self.block[0] = 1.0
        self.data_rows = self.block[bias:]
        """Inputs then targets: the rows one copy fills per minibatch."""
        self.x_rows = self.block[bias : bias + n_in]
        self.y = self.block[bias + n_in :]
        self.z, self.a, forward = _forward(spec, params, self.block[: bias + n_in], batch)
        self.delta = [np.empty((0, batch))] + [np.empty((sizes[l], batch))
                                               for l in range(1, depth + 1)]
        # Backpropagated error before the activation derivative, with room for the bias row.
        upstream = [np.empty((bias + sizes[l], batch)) for l in range(depth + 1)]
        tmp = [np.empty((sizes[l], batch)) for l in range(depth + 1)]

        phases = [Phase("forward", l, tuple(forward[l - 1])) for l in range(1, depth + 1)]
        phases.append(Phase("loss", 0, ()))
        scale = error_scale(loss, reduction, batch, k)
        for l in range(depth, 0, -1):
            d = self.delta[l]
            if l == depth:
                calls: list[Call] = [partial(np.subtract, self.a[l], self.y, d)]
                if scale != 1.0:
                    calls.append(partial(np.multiply, d, np.full(d.shape, scale), d))
                if not is_combined(loss):
                    calls += backward_calls(acts[l - 1], self.z[l], self.a[l], d, d, tmp[l])
            else:
                up = upstream[l]
                calls = [partial(np.dot, params.mats[l].T, self.delta[l + 1], up)]
                calls += backward_calls(acts[l - 1], self.z[l], units_of(self.a[l], spec, l),
                                        up[bias:], d, tmp[l])
            calls.append(partial(np.dot, d, self.a[l - 1].T, grad.mats[l - 1]))
            phases.append(Phase("backward", l, tuple(calls)))

        update = optimizer.regularization_calls(grad.flat) + optimizer.update_calls(grad.flat)
        phases.append(Phase("update", 0, tuple(update)))
        self.phases: tuple[Phase, ...] = tuple(phases)
        self.calls: tuple[Call, ...] = tuple(c for p in phases for c in p.calls)
        """Every phase's calls in order: one whole training step."""

    def run(self) -> None:
        """Run one whole training step on whatever is in the input and target buffers."""
        for call in self.calls:
            call()


class EvalProgram:
    """Loss and accuracy of the current network on a fixed set of samples (train or test).

    Precompiled like the training step: a forward pass, then the summed loss and the count of
    correct predictions written into 0-d buffers.
    """

    def __init__(
        self,
        spec: NetworkSpec,
        params: Parameters,
        x_rows: np.ndarray,
        y_rows: np.ndarray,
        labels: np.ndarray | None,
        loss: str,
        threshold: float,
        step: StepProgram | None = None,
    ) -> None:
        """With ``step`` (a full-batch step program on the same samples), reuse its buffers:
        its forward pass is this evaluation's forward pass."""
        bias = int(spec.use_bias)
        n = x_rows.shape[1]
        self.n = n
        if step is None:
            a0 = _activation_buffer(spec.n_inputs, n, bool(bias))
            a0[bias:] = x_rows
            self.z, self.a, forward = _forward(spec, params, a0, n)
            self.y = np.ascontiguousarray(y_rows)
            self.forward_calls: tuple[Call, ...] = tuple(c for layer in forward for c in layer)
        else:
            self.z, self.a, self.y = step.z, step.a, step.y
            self.forward_calls = tuple(c for p in step.phases if p.kind == "forward"
                                       for c in p.calls)
        self.loss_sum = np.zeros(())
        self.correct = np.zeros((), dtype=np.int64)
        per_output = 1.0 / y_rows.shape[0]
        per_sample = {"mse": per_output, "half_se": 0.5, "bce": per_output, "cce": 1.0}[loss]
        self._scale = per_sample / max(n, 1)
        tail = self._loss_calls(loss, self.z[-1], self.a[-1], self.y)
        self.has_accuracy = labels is not None and n > 0
        if self.has_accuracy:
            assert labels is not None
            tail += self._accuracy_calls(self.a[-1], labels, threshold)
        self.tail_calls: tuple[Call, ...] = tuple(tail)
        """Loss and accuracy from whatever the forward buffers hold."""
        self.calls: tuple[Call, ...] = self.forward_calls + self.tail_calls

    def _loss_calls(self, loss: str, z: np.ndarray, o: np.ndarray, y: np.ndarray) -> list[Call]:
        t1, t2 = np.empty_like(z), np.empty_like(z)
        out = self.loss_sum
        if loss in ("mse", "half_se"):
            return [partial(np.subtract, o, y, t1), partial(np.square, t1, t1),
                    partial(np.sum, t1, out=out)]
        if loss == "bce":  # −[y log σ(z) + (1 − y) log(1 − σ(z))] = log(1 + e^z) − y·z
            zero = np.zeros_like(z)
            return [partial(np.logaddexp, zero, z, t1), partial(np.multiply, y, z, t2),
                    partial(np.subtract, t1, t2, t1), partial(np.sum, t1, out=out)]
        # cce: Σₙ [logsumexp(zₙ) − Σₖ yₙₖ zₙₖ]
        col, col2 = np.empty(z.shape[1]), np.empty(z.shape[1])
        return [
            partial(np.max, z, axis=0, out=col), partial(np.subtract, z, col, t1),
            partial(np.exp, t1, t1), partial(np.sum, t1, axis=0, out=col2),
            partial(np.log, col2, col2), partial(np.add, col2, col, col2),
            partial(np.multiply, y, z, t1), partial(np.sum, t1, axis=0, out=col),
            partial(np.subtract, col2, col, col2), partial(np.sum, col2, out=out),
        ]

    def _accuracy_calls(self, o: np.ndarray, labels: np.ndarray, threshold: float) -> list[Call]:
        hits = np.empty(o.shape[1], dtype=bool)
        if o.shape[0] > 1:
            predicted = np.empty(o.shape[1], dtype=np.intp)
            truth = labels.astype(np.intp)
            return [partial(np.argmax, o, axis=0, out=predicted),
                    partial(np.equal, predicted, truth, hits),
                    partial(np.sum, hits, out=self.correct)]
        truth = labels.astype(bool)
        thr = np.full(o.shape[1], threshold)
        return [partial(np.greater, o[0], thr, hits), partial(np.equal, hits, truth, hits),
                partial(np.sum, hits, out=self.correct)]

    def run(self, forward: bool = True) -> tuple[float, float]:
        """(mean loss per sample, accuracy or NaN); NaN loss for an empty set.

        ``forward=False`` skips the forward pass when the buffers already hold it for the
        current parameters (the trainer's full-batch fast path)."""
        if self.n == 0:
            return float("nan"), float("nan")
        for call in self.calls if forward else self.tail_calls:
            call()
        loss = float(self.loss_sum) * self._scale
        acc = int(self.correct) / self.n if self.has_accuracy else float("nan")
        return loss, acc
