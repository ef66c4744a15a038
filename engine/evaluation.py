"""The evaluation after every epoch: loss and accuracy of the current network on the training
and test sets, precompiled like a training step (``engine.program``).

Both sets go through one forward pass when they can: their columns side by side, (n₀, N_tr +
N_te), so each product, activation and loss call runs once for all the samples rather than
once per set, and only the sums are per set (measured on digits: about 40 µs of a 1.4 ms
epoch). A full-batch run in a fixed order evaluates its training set on the step's own
buffers instead (``step``), and its test set on its own.
"""

from __future__ import annotations

import operator
from collections import deque
from collections.abc import Sequence
from functools import partial
from itertools import pairwise
from typing import NamedTuple

import numpy as np

from engine.accuracy_count import AccuracyCount
from engine.calls import dot, flat_view
from engine.losses import LossTerms, get_loss
from engine.network import NetworkSpec, Parameters
from engine.program import Call, StepProgram, activation_buffer, forward_pass


class SetScore(NamedTuple):
    """One set's figures: the mean loss per sample and the accuracy (NaN: an empty set, or
    regression's accuracy)."""

    loss: float
    accuracy: float


class EvalProgram:
    """Loss and accuracy of the current network on fixed sets of samples, side by side.

    ``x_rows`` (n₀, N), ``y_rows`` (K, N) and ``labels`` (N,) hold the sets' columns in order,
    ``sizes`` their counts (default: one set of N). Precompiled: a forward pass, then each
    set's summed loss and count of right predictions written into 0-d buffers.
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
        sizes: Sequence[int] | None = None,
    ) -> None:
        """With ``step`` (a full-batch step program on the same samples), reuse its buffers:
        its forward pass is this evaluation's forward pass."""
        bias = int(spec.use_bias)
        n = x_rows.shape[1]
        self.n = n
        starts = np.cumsum([0, *(sizes if sizes is not None else [n])])
        if starts[-1] != n:
            raise ValueError(f"set sizes {list(sizes or [])} do not add up to {n} samples")
        self.sets = tuple(slice(int(a), int(b)) for a, b in pairwise(starts))
        """Each set's columns."""
        self.logits_only = step is None and loss == "cce"
        """Softmax with cross-entropy: the loss (a log-sum-exp) and the argmax need only the
        output layer's z, so ``a[-1]`` is never computed (a quarter of a digits evaluation)."""
        if step is None:
            a0 = activation_buffer(spec.n_inputs, n, bool(bias))
            a0[bias:] = x_rows
            fwd = forward_pass(spec, params, a0, n)
            self.z, self.a = fwd.z, fwd.a
            self.y = np.ascontiguousarray(y_rows)
            layers = fwd.calls
            if self.logits_only:  # the output layer's product only: no softmax
                layers = [*layers[:-1], layers[-1][:1]]
            self.forward_calls: tuple[Call, ...] = tuple(c for layer in layers for c in layer)
        else:
            self.z, self.a, self.y = step.z, step.a, step.y
            self.forward_calls = tuple(c for p in step.phases if p.kind == "forward"
                                       for c in p.calls)
        chosen = get_loss(loss)
        self._weight = chosen.sample_weight(y_rows.shape[0])
        self._loss_sums = [np.zeros(()) for _ in self.sets]
        counted = labels is not None and n > 0
        # Softmax and cross-entropy: the loss and the accuracy both need z's column maxima.
        z_max = np.empty(n) if counted and self.logits_only and self.y.shape[0] > 1 else None
        tail: list[Call] = [] if z_max is None else [
            partial(np.maximum.reduce, self.z[-1], 0, None, z_max)]
        tail += self._sum_calls(chosen.terms(self.z[-1], self.a[-1], self.y, z_max))
        self.accuracy: AccuracyCount | None = None
        """Counts the right predictions (classification with samples; None otherwise)."""
        if labels is not None and n > 0:
            output = self.z[-1] if self.logits_only else self.a[-1]  # same argmax
            self.accuracy = AccuracyCount(output, labels, threshold, z_max, self.sets)
            tail += self.accuracy.calls
        self.tail_calls: tuple[Call, ...] = tuple(tail)
        """Loss and accuracy from whatever the forward buffers hold."""
        self.calls: tuple[Call, ...] = self.forward_calls + self.tail_calls

    def _sum_calls(self, terms: LossTerms) -> list[Call]:
        """The loss terms' calls, then each set's sum of them into its 0-d buffer."""
        values, calls = terms.values, list(terms.calls)
        if values.ndim == 2 and values.shape[0] > 1:
            if len(self.sets) == 1 and values.flags.c_contiguous:  # one dot over everything
                flat = flat_view(values)
                other = flat if terms.squared else np.ones(flat.size)
                return [*calls, partial(dot, flat, other, self._loss_sums[0])]
            if terms.squared:
                calls.append(partial(np.multiply, values, values, values))
            per_sample = np.empty(values.shape[1])
            calls.append(partial(dot, np.ones(values.shape[0]), values, per_sample))
            values, squared = per_sample, False
        else:
            values, squared = flat_view(values), terms.squared
        for s, total in zip(self.sets, self._loss_sums, strict=True):
            part = values[s]
            calls.append(partial(dot, part, part if squared else np.ones(part.size), total))
        return calls

    def run(self, forward: bool = True) -> tuple[SetScore, ...]:
        """Each set's score; NaN for an empty set.

        ``forward=False`` skips the forward pass when the buffers already hold it for the
        current parameters (the trainer's full-batch fast path)."""
        if self.n == 0:
            return tuple(SetScore(float("nan"), float("nan")) for _ in self.sets)
        deque(map(operator.call, self.calls if forward else self.tail_calls), 0)
        counts = None if self.accuracy is None else self.accuracy.counts()
        scores = []
        for i, s in enumerate(self.sets):
            size = s.stop - s.start
            if size == 0:
                scores.append(SetScore(float("nan"), float("nan")))
                continue
            loss = float(self._loss_sums[i]) * self._weight / size
            scores.append(SetScore(loss, float("nan") if counts is None else counts[i] / size))
        return tuple(scores)
