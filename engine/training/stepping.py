"""Step-level control of a trainer, for the window: whole-step checkpoints to undo to, and
phase-by-phase steps (``engine.trace``) with at most one in progress.

``CheckpointsAndSteps`` is a base class of ``engine.trainer.Trainer``; it works on the
trainer's state declared below and starts every action from a whole step.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from engine.data.dataset import Dataset
from engine.data.split import DataSplit
from engine.dropout import MaskClock
from engine.features import feature_label
from engine.history import History
from engine.network import NetworkSpec, Parameters
from engine.optimizers import Optimizer
from engine.program import StepProgram
from engine.scenario import Scenario
from engine.trace import PhaseStepper, StepHooks
from engine.training.epoch import EpochProgram
from engine.training.rollback import Checkpoint, Divergence


class CheckpointsAndSteps:
    """Checkpoints and phase steps over the trainer's state (see ``Trainer``)."""

    scenario: Scenario
    dataset: Dataset
    split: DataSplit
    spec: NetworkSpec
    params: Parameters
    grad: Parameters
    optimizer: Optimizer
    program: EpochProgram
    history: History
    epoch: int
    batch_index: int
    diverged: Divergence | None
    _stepper: PhaseStepper | None = None

    def _load_batch(self, index: int) -> StepProgram:
        """Load minibatch ``index`` into its step program (the trainer's fast path)."""
        raise NotImplementedError

    def _after_step(self) -> None:
        """Count a finished minibatch step towards the epoch."""
        raise NotImplementedError

    def _checkpoint(self) -> None:
        """Refresh the rollback point to the current state."""
        raise NotImplementedError

    # -- whole steps ---------------------------------------------------------------------------
    def checkpoint(self) -> Checkpoint:
        """A copy of the state that training changes (for undoing whole steps)."""
        self.finish_step()
        return Checkpoint(self.params.flat.copy(), self.optimizer.state(), self.epoch,
                          self.batch_index, self.history.copy())

    def restore(self, cp: Checkpoint) -> None:
        """Go back exactly to a checkpoint taken from this trainer (same network)."""
        if cp.flat.shape != self.params.flat.shape:
            raise ValueError("that checkpoint belongs to a different network")
        if cp.batch_index >= self.program.n_batches:
            raise ValueError("that checkpoint was taken with another batch size")
        self.abandon_step()
        np.copyto(self.params.flat, cp.flat)
        self.optimizer.load_state(cp.optimizer_state)
        self.history = cp.history.copy()
        self._move_to(cp.epoch, cp.batch_index)

    def _move_to(self, epoch: int, batch_index: int) -> None:
        """Stand at a restored position: that epoch's sample order, and a fresh rollback point
        (the parameters and history are already in place)."""
        self.epoch = epoch
        self.batch_index = batch_index
        self.diverged = None
        if batch_index and self.program.prepare is not None:
            # this epoch's sample order; the parameters already include its first steps
            self.program.prepare(epoch)
        self._checkpoint()

    # -- phase steps ---------------------------------------------------------------------------
    def begin_step(self, sample_indices: np.ndarray | None = None,
                   preview: bool = False) -> PhaseStepper:
        """Start a phase-by-phase training step and return its ``PhaseStepper``.

        Without ``sample_indices`` the step is the next minibatch and counts towards the epoch,
        exactly as ``train_step`` would. With indices into the training set it is an extra
        step on just those samples (for tracing one chosen sample); with ``preview`` as well,
        its update is computed and shown, then undone, so the weights stay.
        """
        self.finish_step()
        train = self.scenario.train
        hooks: StepHooks | None = None
        if sample_indices is None:
            prog = self._load_batch(self.batch_index)
            indices = self.next_batch_indices()
            hooks = StepHooks(self._after_step,
                              partial(self._step_undone, (self.epoch, self.batch_index)))
        else:
            indices = np.asarray(sample_indices, dtype=np.int64).reshape(-1)
            n_train = self.split.n_train
            if indices.size == 0 or indices.min() < 0 or indices.max() >= n_train:
                raise ValueError(f"sample indices must lie in 0..{n_train - 1}")
            # dropout: an extra step's own masks, keyed by where the run stands
            clock = MaskClock(train.seed, self.epoch, self.batch_index, extra=True)
            prog = StepProgram(self.spec, self.params, self.grad, self.optimizer, train.loss,
                               train.reduction, indices.size, clock)
            prog.x_rows[:], prog.y[:] = self.split.train_columns(indices)
        self._stepper = PhaseStepper(prog, indices, self.params, self.grad, self.optimizer,
                                     train, hooks, preview=preview)
        names = self.dataset.input_names
        self._stepper.trace.feature_names = tuple(feature_label(k, names)
                                                  for k in self.scenario.data.features)
        titles = self.dataset.class_titles  # one output unit per class: name its columns
        if len(titles) == self.spec.sizes[-1] > 1:
            self._stepper.trace.output_names = titles
        scaling = self.split.scaling
        if scaling is not None:
            self._stepper.trace.x_raw = self.split.raw_features[self.split.train_idx[indices]]
            self._stepper.trace.scaling = scaling
        return self._stepper

    def _step_undone(self, began_at: tuple[int, int], stepper: PhaseStepper) -> None:
        """A regular step's update was undone: back to the position it began at."""
        if (self.epoch, self.batch_index) != began_at:
            self.epoch, self.batch_index = began_at
            self.history.truncate_after(self.epoch)
            self.diverged = None
            self._stepper = stepper

    def next_batch_indices(self) -> np.ndarray:
        """Training-set positions of the minibatch the next step will train on."""
        return self.program.order.batch_positions(self.epoch, self.batch_index)

    @property
    def current_step(self) -> PhaseStepper | None:
        """The phase stepper of the step in progress or just finished (None once another
        action has started from a whole step)."""
        return self._stepper

    @property
    def active_step(self) -> PhaseStepper | None:
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
