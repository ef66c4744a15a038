"""One epoch of training, precompiled: the sample order, the minibatches and their calls, and
the evaluation programs.

Playground networks are bound by the per-call cost of NumPy (see ``engine.program``), so an
epoch becomes one flat tuple of zero-argument calls: per minibatch, one copy of its inputs and
targets (columns of this epoch's ordering of the training set) and the step's calls.

With TensorFlow Playground's rules (``TrainSpec.tf_rules``) the order is fixed (the split's
one shuffle, every epoch) and batching carries over as in its ``oneStep`` (playground.ts): an
update comes only after sample i with (i + 1) % B == 0, so the last n mod B samples of an epoch
wait and join the next epoch's first update. Since no update comes between them, that update
is one step on those r samples and the next B (mean over B + r, as TF divides by its count);
the first epoch, with nothing carried, has plain batches. Both have n // B steps.

With dropout, each minibatch's load also stands the mask clock (``engine.dropout``) at its
index and ``prepare`` at the epoch, so every step draws the masks of its own position.
"""

from __future__ import annotations

import math
import operator
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from engine.activations import get_activation
from engine.calls import copyto, flat_view
from engine.data.split import DataSplit
from engine.dropout import MaskClock, has_dropout
from engine.evaluation import EvalProgram
from engine.history import Metrics
from engine.network import NetworkSpec, Parameters, parameters_ok
from engine.optimizers import Optimizer
from engine.program import Call, StepProgram, samples_as_rows
from engine.scenario import TrainSpec


@dataclass(frozen=True)
class EpochOrder:
    """The order in which an epoch visits the training set: a fixed permutation per shuffle
    seed and epoch number, so a run repeats bit for bit and a saved run continues exactly."""

    n_train: int
    seed: int
    reshuffles: bool
    """Whether each epoch has its own order (shuffle on, and more than one batch)."""
    batch: int = 1
    carry: int = 0
    """TF rules: samples each epoch's end carries into the next epoch's first step."""

    def permutation(self, epoch: int) -> np.ndarray:
        """(N_tr,) the shuffled order of epoch ``epoch`` (whether or not it is used)."""
        return np.random.default_rng((self.seed, epoch)).permutation(self.n_train)

    def positions(self, epoch: int) -> np.ndarray:
        """(N_tr,) training-set positions of the epoch's samples, in training order."""
        return self.permutation(epoch) if self.reshuffles else np.arange(self.n_train)

    def batch_positions(self, epoch: int, index: int) -> np.ndarray:
        """Training-set positions of minibatch ``index`` of epoch ``epoch``."""
        start = index * self.batch
        own = self.positions(epoch)[start : start + self.batch]
        if self.carry and index == 0 and epoch > 0:
            return np.concatenate([np.arange(self.n_train - self.carry, self.n_train), own])
        return own


PERMUTATIONS_AHEAD = 32
"""Epoch orders drawn together. A generator made between two epochs of steps costs about
three times what it costs in a loop of them (measured 95 µs against 30 µs for digits' 1,258
samples: the steps' buffers push its code and objects out of the caches), about 5 % of a
digits epoch. Drawn 8 at a time an order cost 63 µs per epoch, 32 at a time 45 µs."""
AHEAD_BYTES = 1 << 19
"""Most memory the orders drawn ahead may take (large sets draw fewer at a time)."""


class OrdersAhead:
    """``EpochOrder.permutation`` of consecutive epochs, drawn several at a time: the same
    orders, bit for bit, since each epoch's generator is seeded by the epoch alone."""

    def __init__(self, order: EpochOrder) -> None:
        self._order = order
        count = AHEAD_BYTES // (np.dtype(np.intp).itemsize * max(order.n_train, 1))
        self._block = np.empty((max(1, min(PERMUTATIONS_AHEAD, count)), order.n_train),
                               dtype=np.intp)
        self._first = -len(self._block) - 1  # nothing drawn yet

    def __call__(self, epoch: int) -> np.ndarray:
        """(N_tr,) the order of epoch ``epoch`` (a row of the block: copy it to keep it)."""
        row = epoch - self._first
        if not 0 <= row < len(self._block):
            for i, out in enumerate(self._block):
                out[...] = self._order.permutation(epoch + i)
            self._first, row = epoch, 0
        return self._block[row]


class FitScore:
    """R² = 1 − Σ(o − y)² / Σ(y − ȳ)² of one set of a regression evaluation (its columns
    ``columns``), read from the output and targets its last run left in its buffers (two
    NumPy calls: about 2 µs for a few hundred samples). ``targets`` (K, N_set) are the set's
    own, for Σ(y − ȳ)²: the buffers of a full-batch step are filled only later. NaN for an
    empty set or targets that do not vary."""

    def __init__(self, ev: EvalProgram, columns: slice, targets: np.ndarray) -> None:
        output, wanted = ev.a[-1][:, columns], ev.y[:, columns]
        self._residual = np.empty_like(output, order="C")
        self._flat = flat_view(self._residual)
        self._subtract = partial(np.subtract, output, wanted, self._residual)
        total = float(np.sum((targets - targets.mean()) ** 2)) if targets.size else 0.0
        self._inverse_total = 1.0 / total if total > 0.0 else math.nan

    def __call__(self) -> float:
        self._subtract()
        return 1.0 - float(np.dot(self._flat, self._flat)) * self._inverse_total


Batch = tuple[StepProgram, Call | None]
"""A minibatch's step program and the call that loads its data (None when the data never
moves: full batch, fixed order)."""
Loads = tuple[StepProgram, tuple[Call, ...]]
"""A minibatch's step program and the calls that load its data (replayed one by one)."""


def _run_all(calls: tuple[Call, ...]) -> None:
    """Run ``calls`` in order (a load of several calls, as one ``Batch`` call)."""
    for call in calls:
        call()


def _batches(loads: Sequence[Loads]) -> tuple[Batch, ...]:
    """Each minibatch's program and its load as one call (for stepping a minibatch at a time)."""
    return tuple((prog, calls[0] if len(calls) == 1 else partial(_run_all, calls))
                 for prog, calls in loads)


def _flat_calls(loads: Sequence[Loads]) -> tuple[Call, ...]:
    """Every minibatch's load and step calls in order: one whole epoch."""
    return tuple(c for prog, calls in loads for c in (*calls, *prog.calls))


class EpochProgram:
    """The step programs, minibatches and evaluations for one batch size and optimiser.

    Rebuilt whenever either changes; reads and writes the trainer's own parameter, gradient
    and optimiser buffers.
    """

    def __init__(self, spec: NetworkSpec, params: Parameters, grad: Parameters,
                 optimizer: Optimizer, train: TrainSpec, data: DataSplit,
                 classification: bool) -> None:
        n = data.n_train
        batch = min(train.batch_size, n)
        tf = train.tf_rules
        carry = n % batch if tf else 0
        self.clock = MaskClock(train.seed) if has_dropout(spec) else None
        """Dropout only: the position (epoch, minibatch) the step programs draw masks for."""
        progs: dict[int, StepProgram] = {}
        for size in ({batch, batch + carry} if tf else {batch, n % batch} - {0}):
            progs[size] = StepProgram(spec, params, grad, optimizer, train.loss, train.reduction,
                                      size, self.clock)
        self.programs = progs
        """The step program for each batch size in use (the last batch may be smaller)."""
        threshold = get_activation(spec.layers[-1].activation).threshold
        labels_tr = data.labels_train if classification else None
        labels_te = data.labels_test if classification else None
        # dropout: a step's forward pass drops units, so it cannot serve as the evaluation
        static = n <= batch and (tf or not train.shuffle) and self.clock is None
        self.evaluations: tuple[EvalProgram, ...]
        """The training set's evaluation then the test set's, or one of both side by side."""
        if static:
            self.evaluations = (
                EvalProgram(spec, params, data.x_train, data.y_train, labels_tr, train.loss,
                            threshold, step=progs[n]),
                EvalProgram(spec, params, data.x_test, data.y_test, labels_te, train.loss,
                            threshold))
        else:
            labels = (None if labels_tr is None or labels_te is None
                      else np.concatenate([labels_tr, labels_te]))
            self.evaluations = (EvalProgram(
                spec, params, np.hstack([data.x_train, data.x_test]),
                np.hstack([data.y_train, data.y_test]), labels, train.loss, threshold,
                sizes=(n, data.x_test.shape[1])),)
        sets = [(ev, columns) for ev in self.evaluations for columns in ev.sets]
        self.fit_scores = None if classification else tuple(
            FitScore(ev, columns, targets)
            for (ev, columns), targets in zip(sets, (data.y_train, data.y_test), strict=True))
        """Regression: each set's R² from its evaluation's buffers (None: classification)."""
        reshuffles = train.shuffle and not tf and n - carry > batch
        loads = self._loads(spec, data, progs, batch, carry, reshuffles)
        self.batch_size = batch
        self.order = EpochOrder(n, train.seed, reshuffles, batch, carry)
        self._orders = OrdersAhead(self.order)
        self.static = static
        """Full batch in a fixed order: the data never moves, and the forward pass that
        evaluates epoch k is the forward pass of step k + 1. So an epoch is backward, update,
        forward, and the evaluation reuses that forward (a run starts with one forward,
        ``static_forward``, so that the buffers match the parameters)."""
        self.static_forward: tuple[Call, ...] = ()
        self.batches: Sequence[Batch]
        if static:
            prog, calls = loads[0]
            _run_all(calls)
            self.batches = ((prog, None),)
            self.static_forward = tuple(c for p in prog.phases if p.kind == "forward"
                                        for c in p.calls)
            rest = tuple(c for p in prog.phases if p.kind != "forward" for c in p.calls)
            self.epoch_calls: Sequence[Call] = rest + self.static_forward
        else:
            self.batches = _batches(loads)
            self.epoch_calls = _flat_calls(loads)
        self.n_batches = len(self.batches)
        """Minibatches per epoch (a plain attribute: the step loop reads it every step)."""
        self.prepare: Callable[[int], None] | None = (
            self.shuffle if self.order.reshuffles else None)
        """What runs before an epoch (or a step into one) with its number: the shuffle, the
        carry-over switch of TF rules, or nothing (None: the order and batches never change)."""
        if carry:
            self._carry_over(progs[batch + carry], loads)
        if self.clock is not None:
            self.prepare = partial(_prepare_at, self.prepare, self.clock)

    def _loads(self, spec: NetworkSpec, data: DataSplit, progs: dict[int, StepProgram],
               batch: int, carry: int, reshuffles: bool) -> list[Loads]:
        """Each minibatch's step program and the calls that load its data, from ``xy``: the
        training set in the steps' layout (``engine.program``).

        * Narrow inputs: ``xy`` is inputs over targets (n₀ + K, N), ``shuffle`` puts it in the
          epoch's order (``xy_epoch``) and a load copies consecutive columns.
        * Wide inputs (rows layout): ``xy`` is one sample per row ([1,] inputs) and
          ``targets`` (K, N) the targets; a load copies consecutive rows and columns (fixed
          order) or gathers the epoch's straight into the step's buffers (``positions``,
          filled by ``shuffle``): nothing is reordered.
        """
        n = data.n_train
        self.rows_layout = samples_as_rows(spec)
        self.positions = np.arange(n)
        """(N_tr,) training-set positions in this epoch's order (rows layout)."""
        self.targets = np.ascontiguousarray(data.y_train)
        """(K, N_tr) the training targets (rows layout; the columns layout has them in xy)."""
        if self.rows_layout:
            ones = np.ones((n, int(spec.use_bias)))
            self.xy = np.ascontiguousarray(np.hstack([ones, data.x_train.T]))
        else:
            self.xy = np.ascontiguousarray(np.vstack([data.x_train, data.y_train]))
        self.xy_epoch = self.xy if self.rows_layout else self.xy.copy()
        loads: list[Loads] = []
        for start in range(0, n - carry, batch):
            stop = min(start + batch, n)
            prog = progs[stop - start]
            calls: tuple[Call, ...]
            if prog.data_rows is not None:
                calls = (partial(copyto, prog.data_rows, self.xy_epoch[:, start:stop]),)
            elif reshuffles:  # mode "wrap" writes straight into ``out`` (the positions are valid)
                assert prog.sample_rows is not None
                at = self.positions[start:stop]
                calls = (partial(self.xy.take, at, 0, prog.sample_rows, "wrap"),
                         partial(self.targets.take, at, 1, prog.y, "wrap"))
            else:
                assert prog.sample_rows is not None
                calls = (partial(copyto, prog.sample_rows, self.xy[start:stop]),
                         partial(copyto, prog.y, self.targets[:, start:stop]))
            loads.append((prog, self._located(calls, len(loads))))
        return loads

    def _located(self, calls: tuple[Call, ...], index: int) -> tuple[Call, ...]:
        """With dropout, the load's ``calls`` and one that moves the mask clock to minibatch
        ``index``."""
        if self.clock is None:
            return calls
        return (*calls, partial(setattr, self.clock, "index", index))

    def _carry_over(self, first: StepProgram, loads: list[Loads]) -> None:
        """TF rules with n mod B = r > 0: from the second epoch on, the first step trains on
        the last r samples and the first B (``batches`` and ``epoch_calls`` are switched in
        place by ``prepare``: the same objects serve every epoch)."""
        n, carry, batch = self.order.n_train, self.order.carry, self.batch_size
        calls: tuple[Call, ...]
        if first.data_rows is None:
            assert first.sample_rows is not None
            rows = np.ascontiguousarray(np.vstack([self.xy[n - carry :], self.xy[:batch]]))
            targets = np.ascontiguousarray(np.hstack([self.targets[:, n - carry :],
                                                      self.targets[:, :batch]]))
            calls = (partial(copyto, first.sample_rows, rows),
                     partial(copyto, first.y, targets))
        else:
            cols = np.ascontiguousarray(np.hstack([self.xy[:, n - carry :], self.xy[:, :batch]]))
            calls = (partial(copyto, first.data_rows, cols),)
        later: list[Loads] = [(first, self._located(calls, 0)), *loads[1:]]
        self._calls_by_epoch: tuple[tuple[Call, ...], ...] = tuple(
            _flat_calls(variant) for variant in (loads, later))
        self._batches_by_epoch: tuple[tuple[Batch, ...], ...] = (
            _batches(loads), _batches(later))
        self._variant = 0
        self._calls_now: list[Call] = list(self._calls_by_epoch[0])
        self._batches_now: list[Batch] = list(self._batches_by_epoch[0])
        self.epoch_calls, self.batches = self._calls_now, self._batches_now
        self.prepare = self._switch_carry

    def _switch_carry(self, epoch: int) -> None:
        """Stand at epoch ``epoch``: the first epoch's batches, or those with the carry."""
        variant = int(epoch > 0)
        if variant != self._variant:
            self._variant = variant
            self._calls_now[:] = self._calls_by_epoch[variant]
            self._batches_now[:] = self._batches_by_epoch[variant]

    def shuffle(self, epoch: int) -> None:
        """Make the minibatch loads follow epoch ``epoch``'s order."""
        if self.rows_layout:
            np.copyto(self.positions, self._orders(epoch))
        else:
            np.take(self.xy, self._orders(epoch), 1, self.xy_epoch, "wrap")

    def metrics(self, epoch: int, forward: bool = True) -> Metrics:
        """Loss and accuracy on both sets now (``forward=False``: the buffers already hold the
        training set's forward pass for the current parameters)."""
        scores = [score for i, ev in enumerate(self.evaluations)
                  for score in ev.run(forward or i > 0)]
        (tr_loss, tr_acc), (te_loss, te_acc) = scores
        if self.fit_scores is None:
            return Metrics(epoch, tr_loss, te_loss, tr_acc, te_acc)
        r2_train, r2_test = self.fit_scores
        return Metrics(epoch, tr_loss, te_loss, tr_acc, te_acc, r2_train(), r2_test())

    def replay(self, first: int, stop: int, flat: np.ndarray | None = None) -> int:
        """Train whole epochs ``first`` .. ``stop - 1`` again, without evaluating (a rollback
        replays the epochs since its checkpoint: same calls, same order, same state). With the
        (P,) parameters ``flat``, stop after the first epoch that leaves them beyond the limit
        (``parameters_ok``). Returns the number of epochs whose result was good: ``stop``, or
        the epoch before the one that went beyond."""
        if self.static:
            deque(map(operator.call, self.static_forward), 0)
        prepare = self.prepare
        for epoch in range(first, stop):
            if prepare is not None:
                prepare(epoch)
            deque(map(operator.call, self.epoch_calls), 0)
            if flat is not None and not parameters_ok(flat):
                return epoch
        return stop


def _prepare_at(prepare: Callable[[int], None] | None, clock: MaskClock, epoch: int) -> None:
    """The epoch's own preparation (if any), and the mask clock at the epoch."""
    if prepare is not None:
        prepare(epoch)
    clock.epoch = epoch
