"""One epoch of training, precompiled: the sample order, the minibatches and their calls, and
the evaluation programs.

Playground networks are bound by the per-call cost of NumPy (see ``engine.program``), so an
epoch becomes one flat tuple of zero-argument calls: per minibatch, one copy of its inputs and
targets (columns of this epoch's ordering of the training set) and the step's calls.
"""

from __future__ import annotations

import operator
from collections import deque
from dataclasses import dataclass
from functools import partial

import numpy as np

from engine.activations import get_activation
from engine.data.split import DataSplit
from engine.history import Metrics
from engine.network import NetworkSpec, Parameters, parameters_ok
from engine.optimizers import Optimizer
from engine.program import Call, EvalProgram, StepProgram
from engine.scenario import TrainSpec


@dataclass(frozen=True)
class EpochOrder:
    """The order in which an epoch visits the training set: a fixed permutation per shuffle
    seed and epoch number, so a run repeats bit for bit and a saved run continues exactly."""

    n_train: int
    seed: int
    reshuffles: bool
    """Whether each epoch has its own order (shuffle on, and more than one batch)."""

    def permutation(self, epoch: int) -> np.ndarray:
        """(N_tr,) the shuffled order of epoch ``epoch`` (whether or not it is used)."""
        return np.random.default_rng((self.seed, epoch)).permutation(self.n_train)

    def positions(self, epoch: int) -> np.ndarray:
        """(N_tr,) training-set positions of the epoch's samples, in training order."""
        return self.permutation(epoch) if self.reshuffles else np.arange(self.n_train)


Batch = tuple[StepProgram, Call | None]
"""A minibatch's step program and the call that loads its data (None when the data never
moves: full batch, fixed order)."""


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
        progs: dict[int, StepProgram] = {}
        for size in {batch, n % batch} - {0}:
            progs[size] = StepProgram(spec, params, grad, optimizer, train.loss, train.reduction,
                                      size)
        self.programs = progs
        """The step program for each batch size in use (the last batch may be smaller)."""
        threshold = get_activation(spec.layers[-1].activation).threshold
        labels_tr = data.labels_train if classification else None
        labels_te = data.labels_test if classification else None
        static = n <= batch and not train.shuffle
        self.eval_train = EvalProgram(spec, params, data.x_train, data.y_train, labels_tr,
                                      train.loss, threshold, step=progs[n] if static else None)
        self.eval_test = EvalProgram(spec, params, data.x_test, data.y_test, labels_te,
                                     train.loss, threshold)
        # The training set, inputs over targets, and this epoch's ordering of it.
        self.xy = np.ascontiguousarray(np.vstack([data.x_train, data.y_train]))
        self.xy_epoch = self.xy.copy()
        loads: list[tuple[StepProgram, Call]] = []
        for start in range(0, n, batch):
            stop = min(start + batch, n)
            prog = progs[stop - start]
            loads.append((prog, partial(np.copyto, prog.data_rows, self.xy_epoch[:, start:stop])))
        self.batch_size = batch
        self.order = EpochOrder(n, train.seed, train.shuffle and len(loads) > 1)
        self.static = static
        """Full batch in a fixed order: the data never moves, and the forward pass that
        evaluates epoch k is the forward pass of step k + 1. So an epoch is backward, update,
        forward, and the evaluation reuses that forward (a run starts with one forward,
        ``static_forward``, so that the buffers match the parameters)."""
        self.static_forward: tuple[Call, ...] = ()
        self.batches: tuple[Batch, ...]
        if static:
            prog, load = loads[0]
            load()
            self.batches = ((prog, None),)
            self.static_forward = tuple(c for p in prog.phases if p.kind == "forward"
                                        for c in p.calls)
            rest = tuple(c for p in prog.phases if p.kind != "forward" for c in p.calls)
            self.epoch_calls: tuple[Call, ...] = rest + self.static_forward
        else:
            self.batches = tuple(loads)
            self.epoch_calls = tuple(c for prog, load in loads for c in (load, *prog.calls))
        self.n_batches = len(self.batches)
        """Minibatches per epoch (a plain attribute: the step loop reads it every step)."""

    def shuffle(self, epoch: int) -> None:
        """Put the training set in epoch ``epoch``'s order."""
        np.take(self.xy, self.order.permutation(epoch), axis=1, out=self.xy_epoch)

    def metrics(self, epoch: int, forward: bool = True) -> Metrics:
        """Loss and accuracy on both sets now (``forward=False``: the buffers already hold the
        training set's forward pass for the current parameters)."""
        tr_loss, tr_acc = self.eval_train.run(forward)
        te_loss, te_acc = self.eval_test.run()
        return Metrics(epoch, tr_loss, te_loss, tr_acc, te_acc)

    def replay(self, first: int, stop: int, flat: np.ndarray | None = None) -> int:
        """Train whole epochs ``first`` .. ``stop - 1`` again, without evaluating (a rollback
        replays the epochs since its checkpoint: same calls, same order, same state). With the
        (P,) parameters ``flat``, stop after the first epoch that leaves them beyond the limit
        (``parameters_ok``). Returns the number of epochs whose result was good: ``stop``, or
        the epoch before the one that went beyond."""
        if self.static:
            deque(map(operator.call, self.static_forward), 0)
        for epoch in range(first, stop):
            if self.order.reshuffles:
                self.shuffle(epoch)
            deque(map(operator.call, self.epoch_calls), 0)
            if flat is not None and not parameters_ok(flat):
                return epoch
        return stop
