"""The trainer: one scenario's data, network, optimiser, epoch loop and history.

It is the object the window's worker thread, the CLI and scripts drive. Everything that
changes the model goes through it, so its invariants hold in one place:

* ``epoch`` counts completed epochs; ``batch_index`` is the next minibatch within the epoch.
* History entry 0 is the untrained network; an entry is added after every epoch.
* A NaN or Inf in the loss or the parameters stops training, rolls the parameters back to the
  start of the failed epoch and reports it in ``diverged`` — training never goes on silently.
* Hyperparameters (learning rate, optimiser, regularisation, batch size) change between steps
  without touching the weights.

Its state is a few typed parts: the data split (``split``, engine.data.split), the compiled
epoch (``program``, engine.training.epoch), the rollback point (engine.training.rollback) and
the phase step in progress (engine.trace).
"""

from __future__ import annotations

import math
import operator
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from engine.datasets import Dataset
from engine.features import compute_features
from engine.history import History, Metrics
from engine.initializers import starting_parameters
from engine.network import Parameters, forward_pass, parameters_ok
from engine.optimizers import Optimizer, OptimizerSpec
from engine.program import StepProgram
from engine.scenario import Scenario, network_spec, validate
from engine.training.epoch import EpochProgram
from engine.training.rollback import (
    CHECKPOINT_SECONDS,
    Divergence,
    RollbackPoint,
    checked_saved_run,
    loss_cause,
    parameter_cause,
)
from engine.training.rollback import Checkpoint as Checkpoint  # re-exported (the undo point)
from engine.training.scenario_data import build_dataset, scenario_split
from engine.training.scenario_data import make_targets as make_targets  # re-exported
from engine.training.stepping import CheckpointsAndSteps

Layers = list[tuple[np.ndarray, np.ndarray | None]]


@dataclass(frozen=True)
class TrainReport:
    """What a call to ``train`` did."""

    epochs_run: int
    diverged: Divergence | None


class Trainer(CheckpointsAndSteps):
    """Trains one network on one scenario. Not thread-safe: drive it from one thread."""

    def __init__(self, scenario: Scenario, dataset: Dataset | None = None) -> None:
        self.scenario = validate(scenario)
        self.dataset = dataset if dataset is not None else build_dataset(self.scenario)
        self.split = scenario_split(self.scenario, self.dataset)
        """The train/test split in the engine's (features, samples) layout."""
        self._stepper = None
        self._build_network(initial=self._initial_parameters())

    # -- construction ------------------------------------------------------------------------
    def _initial_parameters(self, seed: int | None = None) -> Parameters:
        s = self.scenario
        return starting_parameters(network_spec(s), s.init, s.initial_weights, seed)

    def _build_network(self, initial: Parameters) -> None:
        self.spec = initial.spec
        self.params = initial
        self.initial_params = initial.copy()
        self.grad = Parameters(self.spec)
        self.optimizer = Optimizer(self.scenario.train.optimizer, self.params.flat,
                                   self.params.weight_mask, self.scenario.train.tf_rules)
        self.epoch = 0
        self.batch_index = 0
        self.history = History()
        self.diverged: Divergence | None = None
        self._stepper = None
        self._rollback = RollbackPoint(self.params.flat.size)
        self._compile()
        self.history.record(self.evaluate())

    def _compile(self) -> None:
        """(Re)build the epoch's programs for the current batch size and optimiser."""
        self.program = EpochProgram(self.spec, self.params, self.grad, self.optimizer,
                                    self.scenario.train, self.split, self.is_classification)
        """The compiled epoch (replaced whenever the batch size or optimiser kind changes)."""
        self._checkpoint()
        if self.batch_index and self.program.prepare is not None:
            self.program.prepare(self.epoch)  # mid-epoch recompiles keep this epoch's order

    # -- read-only views -----------------------------------------------------------------------
    @property
    def train_idx(self) -> np.ndarray:
        """(N_tr,) data-set indices of the training samples."""
        return self.split.train_idx

    @property
    def test_idx(self) -> np.ndarray:
        """(N_te,) data-set indices of the test samples."""
        return self.split.test_idx

    @property
    def n_train(self) -> int:
        return self.split.n_train

    @property
    def batch_size(self) -> int:
        """Effective minibatch size: the setting, capped at the training-set size."""
        return min(self.scenario.train.batch_size, self.n_train)

    @property
    def batches_per_epoch(self) -> int:
        return self.program.n_batches

    @property
    def learning_rate(self) -> float:
        return self.scenario.train.optimizer.learning_rate

    @property
    def is_classification(self) -> bool:
        return self.dataset.task == "classification"

    @property
    def dead_links(self) -> list[np.ndarray]:
        """Per layer, (n_in, n_out) True where a link is dead (TF rules, L1: a step carried
        its weight across zero; it stays 0 and untrained until new weights)."""
        alive = Parameters(self.spec, self.optimizer.alive)
        return [alive.weights(layer) == 0.0 for layer in range(self.spec.depth)]

    # -- training ------------------------------------------------------------------------------
    def train(self, max_epochs: int, time_budget: float | None = None,
              stop: Callable[[Metrics], bool] | None = None) -> TrainReport:
        """Train up to ``max_epochs`` whole epochs, or until ``time_budget`` seconds have passed
        (at least one epoch runs), or until ``stop`` (called with each epoch's Metrics, e.g. an
        ``engine.training.stopping.StopWatch``) says so. Stops early, with ``diverged`` set, on
        NaN, Inf or a weight beyond PARAMETER_LIMIT, back at the last good epoch. Interrupted
        (Ctrl-C), it goes back to the last whole epoch before the exception propagates: the
        state stays consistent."""
        try:
            return self._train(max_epochs, time_budget, stop)
        except BaseException:
            self._roll_back(self.epoch)
            raise

    def _train(self, max_epochs: int, time_budget: float | None,
               stop: Callable[[Metrics], bool] | None) -> TrainReport:
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
            latest = self.history.latest
            if max_epochs <= 0 or (stop is not None and latest is not None and stop(latest)):
                return TrainReport(1, None)
            self._checkpoint()  # now at an epoch boundary: a rollback can replay from here
        deadline = None if time_budget is None else time.perf_counter() + time_budget
        self.diverged = None
        program = self.program
        calls = program.epoch_calls
        prepare = program.prepare
        static = program.static
        forward = not static
        metrics, record, call = program.metrics, self.history.record, operator.call
        run = 0
        next_checkpoint = time.perf_counter() + CHECKPOINT_SECONDS
        with np.errstate(all="ignore"):
            if static:
                deque(map(call, program.static_forward), 0)
            while run < max_epochs:
                if prepare is not None:
                    prepare(self.epoch)
                deque(map(call, calls), 0)
                m = metrics(self.epoch + 1, forward)
                if not math.isfinite(m.train_loss):
                    # A NaN or Inf anywhere in the parameters reaches the loss too.
                    self._diverge(self.epoch + 1, loss_cause(m.train_loss), self.epoch)
                    return TrainReport(run, self.diverged)
                record(m)  # before the epoch count: an interrupt in between stays consistent
                self.epoch += 1
                run += 1
                now = time.perf_counter()
                if (stop is not None and stop(m)) or (deadline is not None and now >= deadline):
                    break
                if now >= next_checkpoint and parameters_ok(self.params.flat):
                    self._checkpoint()  # keeps any replay after a rollback short
                    next_checkpoint = now + CHECKPOINT_SECONDS
            if not parameters_ok(self.params.flat):
                self._diverge(self.epoch, parameter_cause(self.params), self.epoch - 1)
                return TrainReport(run, self.diverged)
        return TrainReport(run, None)

    def _checkpoint(self) -> None:
        """Remember the parameters, optimiser state and position to roll back to if training
        diverges or is interrupted."""
        self._rollback.mark(self.params.flat, self.optimizer.state(), self.epoch,
                            self.batch_index)

    def train_step(self) -> None:
        """Train on the next minibatch only; completes the epoch after its last batch."""
        if self._stepper is not None:
            self.finish_step()
        self.diverged = None
        with np.errstate(all="ignore"):
            prog = self._load_batch(self.batch_index)
            prog.run()
            self._after_step()

    def _load_batch(self, index: int) -> StepProgram:
        program = self.program
        if index == 0:
            self._checkpoint()
            if program.prepare is not None:
                program.prepare(self.epoch)
        prog, load = program.batches[index]
        if load is not None:
            load()
        return prog

    def _after_step(self) -> None:
        """Count a finished minibatch step; after the epoch's last, evaluate and record it."""
        self.batch_index += 1
        if self.batch_index == self.program.n_batches:
            m = self.program.metrics(self.epoch + 1)
            if not math.isfinite(m.train_loss):
                self._diverge(self.epoch + 1, loss_cause(m.train_loss))
                return
            self.epoch += 1
            self.batch_index = 0
            self.history.record(m)
        elif not parameters_ok(self.params.flat):
            self._diverge(self.epoch + 1, parameter_cause(self.params))

    def _diverge(self, epoch: int, cause: str, last_good: int | None = None) -> None:
        """Roll back to ``last_good`` (or the last checkpoint) and report."""
        self._roll_back(last_good)
        self.diverged = Divergence.seen(epoch, cause, self.epoch)

    def _roll_back(self, to_epoch: int | None) -> None:
        """Restore the last checkpoint (start of this training call or epoch), then, at an epoch
        boundary, replay whole epochs up to ``to_epoch`` (deterministic: the same state, without
        the evaluations), stopping before an epoch that takes a weight beyond the limit."""
        point, program = self._rollback, self.program
        assert point.optimizer_state is not None  # marked when the program was compiled
        np.copyto(self.params.flat, point.flat)
        self.optimizer.restore_checkpoint(point.optimizer_state)
        self.epoch = point.epoch
        self.batch_index = point.batch_index
        if self.batch_index and program.prepare is not None:
            program.prepare(self.epoch)  # the rolled-back point is mid-epoch: that epoch's order
        if to_epoch is not None and self.batch_index == 0 and to_epoch > self.epoch:
            with np.errstate(all="ignore"):
                good = program.replay(self.epoch, to_epoch, self.params.flat)
            if good < to_epoch:  # epoch good + 1 took a weight beyond the limit: stop before it
                return self._roll_back(good)
            self.epoch = to_epoch
        self.history.truncate_after(self.epoch)

    # -- evaluation and prediction -------------------------------------------------------------
    def evaluate(self, epoch: int | None = None) -> Metrics:
        """Per-sample mean loss and accuracy on the training and test sets, now."""
        with np.errstate(all="ignore"):
            return self.program.metrics(self.epoch if epoch is None else epoch)

    def forward(self, features: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Readable forward pass on feature rows (N, n_in): [(z, a), ...] per layer, (N, n_l)."""
        with np.errstate(all="ignore"):
            return forward_pass(self.params, features)

    def network_inputs(self, x_raw: np.ndarray) -> np.ndarray:
        """What the network reads (N, n₀) for raw inputs (N, d): the features, standardised
        by the training split's statistics when the scenario asks for it."""
        feats = compute_features(x_raw, self.scenario.data.features)
        scaling = self.split.scaling
        return scaling.apply(feats) if scaling is not None else feats

    def predict(self, x_raw: np.ndarray) -> np.ndarray:
        """Network output (N, K) for raw inputs (N, d), features (and standardisation)
        applied."""
        return self.forward(self.network_inputs(x_raw))[-1][1]

    def nearest_sample(self, x: float, y: float | None = None) -> int:
        """Index into the training set of the sample nearest a point of the input plane."""
        pts = self.dataset.x[self.train_idx]
        d = (pts[:, 0] - x) ** 2
        if pts.shape[1] > 1 and y is not None:
            d = d + (pts[:, 1] - y) ** 2
        return int(np.argmin(d))

    # -- changes -------------------------------------------------------------------------------
    def set_optimizer(self, spec: OptimizerSpec) -> None:
        """Change optimiser hyperparameters live; the weights and history stay."""
        self.abandon_step()
        self.scenario = replace(self.scenario, train=replace(self.scenario.train, optimizer=spec))
        if self.optimizer.update_spec(spec):
            self._compile()

    def set_learning_rate(self, lr: float) -> None:
        self.set_optimizer(replace(self.scenario.train.optimizer, learning_rate=lr))

    def set_training(self, *, loss: str | None = None, reduction: str | None = None,
                     batch_size: int | None = None, shuffle: bool | None = None,
                     seed: int | None = None) -> None:
        """Change loss, reduction, batch size, shuffle or shuffle seed without new weights.

        A change of batch size or order takes effect from the next epoch boundary: the current
        epoch is completed first so no sample is skipped or seen twice.
        """
        self.abandon_step()
        t = self.scenario.train
        train = replace(t, loss=t.loss if loss is None else loss,
                        reduction=t.reduction if reduction is None else reduction,
                        batch_size=t.batch_size if batch_size is None else batch_size,
                        shuffle=t.shuffle if shuffle is None else shuffle,
                        seed=t.seed if seed is None else seed)
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

    def restore_state(self, initial: Layers, current: Layers, optimizer_state: Mapping[str, object],
                      epoch: int, batch_index: int, history: History) -> None:
        """Put a saved run back exactly (for workspaces). Everything is validated before
        anything changes, so a bad file leaves this trainer as it was."""
        start, now = checked_saved_run(self.spec, self.scenario.train.optimizer,
                                       self.batches_per_epoch, initial, current,
                                       optimizer_state, epoch, batch_index)
        self.finish_step()
        self.initial_params = start
        np.copyto(self.params.flat, now.flat)
        self.optimizer.load_state(optimizer_state)
        self.history = history
        self._move_to(epoch, batch_index)

    def set_parameters(self, layers: Layers) -> None:
        """Replace all weights (validated first; nothing changes on error)."""
        self.abandon_step()
        self.params.set_all(layers)
        self.optimizer.reset_state()
        self._checkpoint()

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set one weight; a dead link whose weight is set lives again."""
        self.abandon_step()
        self.params.set_weight(layer, i, j, value)
        Parameters(self.spec, self.optimizer.alive).set_weight(layer, i, j, 1.0)
        self._checkpoint()

    def set_bias(self, layer: int, j: int, value: float) -> None:
        self.abandon_step()
        self.params.set_bias(layer, j, value)
        self._checkpoint()

