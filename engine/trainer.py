"""The trainer: one scenario's data, network, optimiser, epoch loop and history.

It is the object the window's worker thread, the CLI and scripts drive. Everything that
changes the model goes through it, so its invariants hold in one place:

* ``epoch`` counts completed epochs; ``batch_index`` is the next minibatch within the epoch.
* History entry 0 is the untrained network; an entry is added after every epoch.
* A NaN or Inf in the loss or the parameters stops training, rolls the parameters back to the
  start of the failed epoch and reports it in ``diverged`` — training never goes on silently.
* Hyperparameters (learning rate, optimiser, regularisation, batch size) change between steps
  without touching the weights.
"""

from __future__ import annotations

import math
import operator
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from engine.activations import get_activation
from engine.datasets import Dataset, from_arrays, generate, split
from engine.features import compute_features
from engine.history import History, Metrics
from engine.initializers import initialize
from engine.network import Parameters
from engine.optimizers import Optimizer, OptimizerSpec
from engine.program import EvalProgram, StepProgram
from engine.scenario import Scenario, network_spec, output_units, validate


@dataclass(frozen=True)
class Divergence:
    """Why training stopped: the epoch that failed and a plain-language cause."""

    epoch: int
    cause: str
    rolled_back_to: int
    """The epoch whose parameters were restored (the last checked finite state)."""

    def __str__(self) -> str:
        return f"training diverged in epoch {self.epoch}: {self.cause}"


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """Everything a training step changes, so it can be undone exactly (see ``restore``)."""

    flat: np.ndarray
    optimizer_state: dict[str, object]
    epoch: int
    batch_index: int
    history: History


@dataclass(frozen=True)
class TrainReport:
    """What a call to ``train`` did."""

    epochs_run: int
    diverged: Divergence | None


def make_targets(dataset: Dataset, output_activation: str, n_outputs: int) -> np.ndarray:
    """Targets (N, K) in the output activation's range: one-hot for softmax, {low, 1} for one
    classification output (−1/1 for tanh as in TensorFlow Playground, 0/1 for sigmoid), and the
    raw values for regression."""
    if dataset.task == "regression":
        return dataset.y.astype(np.float64).reshape(-1, 1)
    labels = dataset.y.astype(np.int64)
    act = get_activation(output_activation)
    if act.one_hot:
        return np.eye(n_outputs)[labels]
    low, high = act.class_targets
    return np.where(labels == 1, high, low).reshape(-1, 1)


def build_dataset(scenario: Scenario) -> Dataset:
    """Generate (or unpack) the scenario's data."""
    d = scenario.data
    if d.dataset == "custom":
        assert d.custom is not None
        ds = from_arrays(np.array(d.custom.x), np.array(d.custom.y), d.custom.task)
        if d.custom.domain is not None:
            ds = replace(ds, domain=d.custom.domain)
        return ds
    return generate(d.dataset, d.n_samples, d.noise, d.seed)


CHECKPOINT_SECONDS = 0.25
"""How often (at epoch boundaries) a long ``train`` call refreshes its rollback point, so that
a rollback replays at most about this much training."""


class Trainer:
    """Trains one network on one scenario. Not thread-safe: drive it from one thread."""

    def __init__(self, scenario: Scenario, dataset: Dataset | None = None) -> None:
        self.scenario = validate(scenario)
        self.dataset = dataset if dataset is not None else build_dataset(self.scenario)
        self._build_data()
        self._build_network(initial=self._initial_parameters())
        self.diverged: Divergence | None = None

    # ------------------------------------------------------------------------------------------
    # Construction
    # ------------------------------------------------------------------------------------------
    def _build_data(self) -> None:
        s = self.scenario
        ds = self.dataset
        self.features = compute_features(ds.x, s.data.features)
        k = output_units(s)
        self.targets = make_targets(ds, s.model.output_activation, k)
        self.train_idx, self.test_idx = split(ds.n_samples, s.data.train_fraction, s.data.seed)
        self._x_train = np.ascontiguousarray(self.features[self.train_idx].T)
        self._y_train = np.ascontiguousarray(self.targets[self.train_idx].T)
        self._x_test = np.ascontiguousarray(self.features[self.test_idx].T)
        self._y_test = np.ascontiguousarray(self.targets[self.test_idx].T)
        self.labels_train = ds.y[self.train_idx]
        self.labels_test = ds.y[self.test_idx]

    def _initial_parameters(self, seed: int | None = None) -> Parameters:
        spec = network_spec(self.scenario)
        s = self.scenario
        if s.init.scheme == "explicit" and seed is None:
            assert s.initial_weights is not None
            params = Parameters(spec)
            try:
                params.set_all(s.initial_weights)
            except ValueError as e:
                raise ValueError(f"initial_weights: {e}") from None
            return params
        init = s.init if s.init.scheme != "explicit" else replace(s.init, scheme="tf_playground")
        return initialize(spec, init, seed)

    def _build_network(self, initial: Parameters) -> None:
        self.spec = initial.spec
        self.params = initial
        self.initial_params = initial.copy()
        self.grad = Parameters(self.spec)
        self.optimizer = Optimizer(
            self.scenario.train.optimizer, self.params.flat, self.params.weight_mask
        )
        self.epoch = 0
        self.batch_index = 0
        self.history = History()
        self.diverged = None
        self._stepper = None
        self._compile()
        self.history.record(self.evaluate())

    def _compile(self) -> None:
        """(Re)build the step and evaluation programs for the current batch size and optimiser.

        An epoch becomes one flat list of calls: per minibatch, one copy of its inputs and
        targets (columns of this epoch's ordering of the training set) and the step's calls.
        """
        t = self.scenario.train
        n = self.n_train
        batch = self.batch_size
        progs: dict[int, StepProgram] = {}
        for size in {batch, n % batch} - {0}:
            progs[size] = StepProgram(
                self.spec, self.params, self.grad, self.optimizer, t.loss, t.reduction, size
            )
        self._programs = progs
        threshold = get_activation(self.spec.layers[-1].activation).threshold
        labels_tr = self.labels_train if self.is_classification else None
        labels_te = self.labels_test if self.is_classification else None
        static = n <= batch and not t.shuffle
        self._eval_train = EvalProgram(self.spec, self.params, self._x_train, self._y_train,
                                       labels_tr, t.loss, threshold,
                                       step=progs[n] if static else None)
        self._eval_test = EvalProgram(self.spec, self.params, self._x_test, self._y_test,
                                      labels_te, t.loss, threshold)
        # The training set, inputs over targets, and this epoch's ordering of it.
        self._xy = np.ascontiguousarray(np.vstack([self._x_train, self._y_train]))
        self._xy_epoch = self._xy.copy()
        self._batches: list[tuple[StepProgram, Callable[[], object]]] = []
        for start in range(0, n, batch):
            stop = min(start + batch, n)
            prog = progs[stop - start]
            load = partial(np.copyto, prog.data_rows, self._xy_epoch[:, start:stop])
            self._batches.append((prog, load))
        self._static = static
        if static:
            # Full batch, fixed order: the data never moves, and the forward pass that
            # evaluates epoch k is the forward pass of step k + 1. So an epoch is backward,
            # update, forward — and the evaluation reuses that forward (train() runs one
            # forward first, so the buffers always match the parameters when it starts).
            prog, load = self._batches[0]
            load()
            forward = tuple(c for p in prog.phases if p.kind == "forward" for c in p.calls)
            rest = tuple(c for p in prog.phases if p.kind != "forward" for c in p.calls)
            self._epoch_calls = rest + forward
            self._static_forward = forward
        else:
            self._epoch_calls = tuple(c for prog, load in self._batches for c in (load,
                                                                                  *prog.calls))
        self._epoch_start = self.params.flat.copy()
        self._checkpoint()
        if self.batch_index and self._reshuffles:
            self._shuffle()  # mid-epoch recompiles keep this epoch's sample order

    # ------------------------------------------------------------------------------------------
    # Read-only views
    # ------------------------------------------------------------------------------------------
    @property
    def n_train(self) -> int:
        return int(self.train_idx.size)

    @property
    def batch_size(self) -> int:
        """Effective minibatch size: the setting, capped at the training-set size."""
        return min(self.scenario.train.batch_size, self.n_train)

    @property
    def batches_per_epoch(self) -> int:
        return len(self._batches)

    @property
    def _reshuffles(self) -> bool:
        """Whether each epoch has its own sample order (shuffle on, and more than one batch)."""
        return self.scenario.train.shuffle and len(self._batches) > 1

    @property
    def learning_rate(self) -> float:
        return self.scenario.train.optimizer.learning_rate

    @property
    def is_classification(self) -> bool:
        return self.dataset.task == "classification"

    # ------------------------------------------------------------------------------------------
    # Training
    # ------------------------------------------------------------------------------------------
    def train(self, max_epochs: int, time_budget: float | None = None) -> TrainReport:
        """Train up to ``max_epochs`` whole epochs, or until ``time_budget`` seconds have passed
        (at least one epoch runs). Stops early, with ``diverged`` set, on NaN or Inf, back at
        the last epoch whose loss was finite. Interrupted (Ctrl-C), it goes back to the last
        whole epoch before the exception propagates, so the state is always consistent."""
        try:
            return self._train(max_epochs, time_budget)
        except BaseException:
            self._roll_back(self.epoch)
            raise

    def _train(self, max_epochs: int, time_budget: float | None) -> TrainReport:
        self.finish_step()
        # Whatever changed since the last checkpoint (edited weights, a traced extra step)
        # is part of the state to come back to: never roll back, or replay, from before it.
        self._checkpoint()
        if self.batch_index:
            while self.batch_index and self.diverged is None:
                self.train_step()
            if self.diverged is not None:
                return TrainReport(0, self.diverged)
            max_epochs -= 1
            if max_epochs <= 0:
                return TrainReport(1, None)
            self._checkpoint()  # now at an epoch boundary: a rollback can replay from here
        deadline = None if time_budget is None else time.perf_counter() + time_budget
        self.diverged = None
        calls = self._epoch_calls
        shuffle = self._reshuffles
        static = self._static
        record, call = self.history.record, operator.call
        run = 0
        next_checkpoint = time.perf_counter() + CHECKPOINT_SECONDS
        with np.errstate(all="ignore"):
            if static:
                deque(map(call, self._static_forward), 0)
            while run < max_epochs:
                if shuffle:
                    self._shuffle()
                deque(map(call, calls), 0)
                m = self._metrics(self.epoch + 1, forward=not static)
                if not math.isfinite(m.train_loss):
                    # A NaN or Inf anywhere in the parameters reaches the loss too.
                    self._diverge(self.epoch + 1, self._loss_cause(m.train_loss), self.epoch)
                    return TrainReport(run, self.diverged)
                record(m)  # before the epoch count: an interrupt in between stays consistent
                self.epoch += 1
                run += 1
                now = time.perf_counter()
                if deadline is not None and now >= deadline:
                    break
                if now >= next_checkpoint and math.isfinite(float(np.sum(self.params.flat))):
                    self._checkpoint()  # keeps any replay after a rollback short
                    next_checkpoint = now + CHECKPOINT_SECONDS
            if not math.isfinite(float(np.sum(self.params.flat))):
                self._diverge(self.epoch, self._param_cause(), self.epoch - 1)
                return TrainReport(run, self.diverged)
        return TrainReport(run, None)

    def _checkpoint(self) -> None:
        """Remember the parameters, optimiser state and position to roll back to if training
        diverges or is interrupted."""
        np.copyto(self._epoch_start, self.params.flat)
        self._checkpoint_optimizer = self.optimizer.state()
        self._checkpoint_epoch = self.epoch
        self._checkpoint_batch = self.batch_index

    def _shuffle(self) -> None:
        """Put the training set in this epoch's order (a fixed permutation per seed and epoch,
        so a run repeats bit for bit and a saved run continues exactly)."""
        np.take(self._xy, self._permutation(), axis=1, out=self._xy_epoch)

    def _permutation(self) -> np.ndarray:
        """This epoch's sample order: fixed by the shuffle seed and the epoch number."""
        return np.random.default_rng((self.scenario.train.seed, self.epoch)).permutation(
            self.n_train)

    def train_step(self) -> None:
        """Train on the next minibatch only; completes the epoch after its last batch."""
        self.finish_step()
        self.diverged = None
        with np.errstate(all="ignore"):
            prog = self._load_batch(self.batch_index)
            prog.run()
            self._after_step()

    def _load_batch(self, index: int) -> StepProgram:
        if index == 0:
            self._checkpoint()
            if self._reshuffles:
                self._shuffle()
        prog, load = self._batches[index]
        if not self._static:
            load()
        return prog

    def _after_step(self) -> None:
        self.batch_index += 1
        if self.batch_index == len(self._batches):
            m = self._metrics(self.epoch + 1)
            if not math.isfinite(m.train_loss):
                self._diverge(self.epoch + 1, self._loss_cause(m.train_loss))
                return
            self.epoch += 1
            self.batch_index = 0
            self.history.record(m)
        elif not math.isfinite(float(np.sum(self.params.flat))):
            self._diverge(self.epoch + 1, self._param_cause())

    @staticmethod
    def _loss_cause(loss: float) -> str:
        return "the training loss became " + ("NaN" if math.isnan(loss) else "Inf (it overflowed)")

    def _param_cause(self) -> str:
        for i, mat in enumerate(self.params.mats):
            bad = ~np.isfinite(mat)
            if bad.any():
                kind = "NaN" if np.isnan(mat[bad]).any() else "Inf"
                return f"the weights of layer {i + 1} became {kind}"
        return "the parameters became non-finite"

    def _diverge(self, epoch: int, cause: str, last_good: int | None = None) -> None:
        """Roll back to ``last_good`` (or the last checkpoint) and report."""
        self._roll_back(last_good)
        self.diverged = Divergence(epoch, cause, self.epoch)

    def _roll_back(self, to_epoch: int | None) -> None:
        """Restore the last checkpoint (start of this training call or epoch), then, when it
        is an epoch boundary, replay whole epochs up to ``to_epoch``. Training is
        deterministic (same calls, same per-epoch order), so the replay lands on exactly the
        state those epochs had; only the evaluations are skipped (the history has them)."""
        np.copyto(self.params.flat, self._epoch_start)
        self.optimizer.restore_checkpoint(self._checkpoint_optimizer)
        self.epoch = self._checkpoint_epoch
        self.batch_index = self._checkpoint_batch
        if self.batch_index and self._reshuffles:
            self._shuffle()  # the rolled-back point is mid-epoch: restore that epoch's order
        if to_epoch is not None and self.batch_index == 0 and to_epoch > self.epoch:
            shuffle = self._reshuffles
            with np.errstate(all="ignore"):
                if self._static:
                    deque(map(operator.call, self._static_forward), 0)
                while self.epoch < to_epoch:
                    if shuffle:
                        self._shuffle()
                    deque(map(operator.call, self._epoch_calls), 0)
                    self.epoch += 1
        self.history.truncate_after(self.epoch)

    # ------------------------------------------------------------------------------------------
    # Evaluation and prediction
    # ------------------------------------------------------------------------------------------
    def evaluate(self, epoch: int | None = None) -> Metrics:
        """Per-sample mean loss and accuracy on the training and test sets, now."""
        with np.errstate(all="ignore"):
            return self._metrics(self.epoch if epoch is None else epoch)

    def _metrics(self, epoch: int, forward: bool = True) -> Metrics:
        tr_loss, tr_acc = self._eval_train.run(forward)
        te_loss, te_acc = self._eval_test.run()
        return Metrics(epoch, tr_loss, te_loss, tr_acc, te_acc)

    def forward(self, features: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Readable forward pass on feature rows (N, n_in): [(z, a), ...] per layer, (N, n_l)."""
        out = []
        a = np.asarray(features, dtype=np.float64)
        with np.errstate(all="ignore"):
            for i, layer in enumerate(self.spec.layers):
                w, b = self.params.weights(i), self.params.biases(i)
                z = a @ w if b is None else a @ w + b
                a = get_activation(layer.activation).apply(z)
                out.append((z, a))
        return out

    def predict(self, x_raw: np.ndarray) -> np.ndarray:
        """Network output (N, K) for raw inputs (N, d), features applied."""
        return self.forward(compute_features(x_raw, self.scenario.data.features))[-1][1]

    # ------------------------------------------------------------------------------------------
    # Changes
    # ------------------------------------------------------------------------------------------
    def set_optimizer(self, spec: OptimizerSpec) -> None:
        """Change optimiser hyperparameters live; the weights and history stay."""
        self.abandon_step()
        self.scenario = replace(self.scenario, train=replace(self.scenario.train, optimizer=spec))
        if self.optimizer.update_spec(spec):
            self._compile()

    def set_learning_rate(self, lr: float) -> None:
        self.set_optimizer(replace(self.scenario.train.optimizer, learning_rate=lr))

    def set_training(self, **changes: object) -> None:
        """Change batch size, shuffle, reduction, loss or shuffle seed without new weights.

        A change of batch size or order takes effect from the next epoch boundary: the current
        epoch is completed first so no sample is skipped or seen twice.
        """
        self.abandon_step()
        train = replace(self.scenario.train, **changes)
        new = validate(replace(self.scenario, train=train))
        if isinstance(train.batch_size, bool) or train.batch_size < 1:
            raise ValueError(f"batch_size: must be a positive integer, got {train.batch_size!r}")
        before = self.checkpoint() if self.batch_index else None
        while self.batch_index:
            self.train_step()
            if self.diverged is not None:
                cause = self.diverged
                assert before is not None
                self.restore(before)  # as it was: the change is refused, nothing else moves
                raise ValueError(
                    f"train: the current epoch must finish before this change, and finishing "
                    f"it diverged ({cause}); lower the learning rate or reset first"
                )
        self.scenario = new
        self._compile()

    def reset(self, seed: int | None = None) -> None:
        """New initial weights (same data, same settings); epoch 0 and empty history.

        With no seed the scenario's own start is used again; a seed draws fresh weights.
        """
        self._stepper = None
        params = self._initial_parameters(seed)
        if seed is not None and self.scenario.init.scheme != "explicit":
            self.scenario = replace(self.scenario, init=replace(self.scenario.init, seed=seed))
        self._build_network(params)

    def restore_state(
        self,
        initial: list[tuple[np.ndarray, np.ndarray | None]],
        current: list[tuple[np.ndarray, np.ndarray | None]],
        optimizer_state: dict[str, object],
        epoch: int,
        batch_index: int,
        history: History,
    ) -> None:
        """Put a saved run back exactly (for workspaces). Everything is validated before
        anything changes, so a bad file leaves this trainer as it was."""
        if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
            raise ValueError(f"state.epoch: expected a non-negative integer, got {epoch!r}")
        if (not isinstance(batch_index, int) or isinstance(batch_index, bool)
                or not 0 <= batch_index < self.batches_per_epoch):
            raise ValueError(
                f"state.batch_index: expected 0..{self.batches_per_epoch - 1}, got {batch_index!r}"
            )
        start, now = Parameters(self.spec), Parameters(self.spec)
        for name, target, layers in (("initial_parameters", start, initial),
                                     ("parameters", now, current)):
            try:
                target.set_all(layers)
            except ValueError as e:
                raise ValueError(f"state.{name}: {e}") from None
        probe = Optimizer(self.scenario.train.optimizer, now.flat, now.weight_mask)
        probe.load_state(optimizer_state)
        self.finish_step()
        self.initial_params = start
        np.copyto(self.params.flat, now.flat)
        self.optimizer.load_state(optimizer_state)
        self.history = history
        self.epoch = epoch
        self.batch_index = 0
        self.diverged = None
        self.batch_index = batch_index
        if batch_index and self._reshuffles:
            # this epoch's sample order; the saved parameters already include its first steps
            self._shuffle()
        self._checkpoint()

    def checkpoint(self) -> Checkpoint:
        """A copy of the state that training changes (for undoing whole steps)."""
        self.finish_step()
        return Checkpoint(self.params.flat.copy(), self.optimizer.state(), self.epoch,
                          self.batch_index, self.history.copy())

    def restore(self, cp: Checkpoint) -> None:
        """Go back exactly to a checkpoint taken from this trainer (same network)."""
        if cp.flat.shape != self.params.flat.shape:
            raise ValueError("that checkpoint belongs to a different network")
        if cp.batch_index >= self.batches_per_epoch:
            raise ValueError("that checkpoint was taken with another batch size")
        self.abandon_step()
        np.copyto(self.params.flat, cp.flat)
        self.optimizer.load_state(cp.optimizer_state)
        self.history = cp.history.copy()
        self.epoch = cp.epoch
        self.batch_index = cp.batch_index
        self.diverged = None
        if cp.batch_index and self._reshuffles:
            self._shuffle()
        self._checkpoint()

    def nearest_sample(self, x: float, y: float | None = None) -> int:
        """Index into the training set of the sample nearest a point of the input plane."""
        pts = self.dataset.x[self.train_idx]
        d = (pts[:, 0] - x) ** 2
        if pts.shape[1] > 1 and y is not None:
            d = d + (pts[:, 1] - y) ** 2
        return int(np.argmin(d))

    def set_parameters(self, layers: list[tuple[np.ndarray, np.ndarray | None]]) -> None:
        """Replace all weights (validated first; nothing changes on error)."""
        self.abandon_step()
        self.params.set_all(layers)
        self.optimizer.reset_state()
        self._checkpoint()

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        self.abandon_step()
        self.params.set_weight(layer, i, j, value)
        self._checkpoint()

    def set_bias(self, layer: int, j: int, value: float) -> None:
        self.abandon_step()
        self.params.set_bias(layer, j, value)
        self._checkpoint()

    # ------------------------------------------------------------------------------------------
    # Phase stepping (see engine.trace)
    # ------------------------------------------------------------------------------------------
    def begin_step(self, sample_indices: np.ndarray | None = None):
        """Start a phase-by-phase training step and return its ``PhaseStepper``.

        Without ``sample_indices`` the step is the next minibatch and counts towards the epoch,
        exactly as ``train_step`` would. With indices into the training set it is an extra
        step on just those samples (for tracing one chosen sample).
        """
        from engine.trace import PhaseStepper

        self.finish_step()
        if sample_indices is None:
            prog = self._load_batch(self.batch_index)
            start = self.batch_index * self.batch_size
            order = self._epoch_order()
            indices = order[start : start + prog.batch]
            regular = True
        else:
            indices = np.asarray(sample_indices, dtype=np.int64).reshape(-1)
            if indices.size == 0 or indices.min() < 0 or indices.max() >= self.n_train:
                raise ValueError(f"sample indices must lie in 0..{self.n_train - 1}")
            t = self.scenario.train
            prog = StepProgram(self.spec, self.params, self.grad, self.optimizer, t.loss,
                               t.reduction, indices.size)
            prog.x_rows[:] = self._x_train[:, indices]
            prog.y[:] = self._y_train[:, indices]
            regular = False
        self._stepper = PhaseStepper(self, prog, indices, regular)
        return self._stepper

    def next_batch_indices(self) -> np.ndarray:
        """Training-set positions of the minibatch the next step will train on."""
        start = self.batch_index * self.batch_size
        return self._epoch_order()[start : start + self.batch_size]

    def _epoch_order(self) -> np.ndarray:
        """Positions in the training set of this epoch's samples, in training order."""
        return self._permutation() if self._reshuffles else np.arange(self.n_train)

    @property
    def current_step(self):
        """The phase stepper of the step in progress or just finished (None once another
        action has started from a whole step)."""
        return self._stepper

    @property
    def active_step(self):
        """The unfinished phase stepper, if any."""
        return self._stepper if self._stepper is not None and not self._stepper.done else None

    def finish_step(self) -> None:
        """Complete an unfinished phase step, so every other action starts from a whole step."""
        stepper = self.active_step
        if stepper is not None:
            stepper.run_to_end()
        self._stepper = None

    def abandon_step(self) -> None:
        """Drop an unfinished phase step that has not updated anything yet."""
        stepper = self.active_step
        if stepper is not None:
            stepper.rewind()
        self._stepper = None
