"""Stepping through training: the step modes, Step back, the traced sample and the selected
weight of one run.

Step back undoes the phases of the step in progress one by one (the engine's ``PhaseStepper``
rewinds them exactly), then whole steps from checkpoints: weights, optimiser state, epoch and
history, up to ``UNDO_STEPS`` of them.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from engine.gradcheck import GradCheckReport, gradient_check
from engine.trainer import Checkpoint, Divergence, Trainer
from session.commands import StepUnit

UNDO_STEPS = 100
"""How many whole steps Step back can undo."""


class StepControl:
    """The stepping state of one run; the trainer is passed in by the session that owns it."""

    def __init__(self) -> None:
        self.undo: deque[tuple[Checkpoint, str | None]] = deque(maxlen=UNDO_STEPS)
        """(state before a change, what the change was: None for a training step)."""
        self.traced_sample: int | None = None
        """Training-set position of the sample to trace; None traces the minibatch."""
        self.preview_trace = True
        """A traced sample's step is a preview (its update shown, then undone) unless the
        user chose to apply it."""
        self.selected_weight: tuple[int, int, int] | None = None
        """(layer 1-based, i, j) of the weight whose chain rule is explained; i = −1 for the
        bias of unit j."""
        self.expanded: frozenset[tuple[int, int]] = frozenset()
        """(layer 1-based, unit 0-based) of the δ's the chain rule also explains (terms the
        user clicked); cleared when another weight or bias is selected."""
        self._cursor = 0
        """Next sample for Step by Sample when none is traced."""

    def forget(self) -> None:
        """A new trainer: nothing to undo, nothing traced or selected."""
        self.undo.clear()
        self.traced_sample = None
        self.selected_weight = None
        self.expanded = frozenset()

    def remember(self, t: Trainer, change: str | None = None) -> None:
        """Keep the state before a change, so Step back can return to it; ``change`` says
        what it is when it is not a training step ("the weights of layer 1 set by hand")."""
        self.undo.append((t.checkpoint(), change))

    def step(self, t: Trainer, unit: StepUnit) -> Divergence | None:
        """Advance by one unit; returns the divergence it ran into, if any. A step that fails
        leaves no undo entry behind."""
        top = self.undo[-1] if self.undo else None
        try:
            return self._step(t, unit)
        except Exception:
            if self.undo and self.undo[-1] is not top:
                self.undo.pop()
            raise

    def can_step_back(self, t: Trainer) -> bool:
        stepper = t.current_step
        return bool(self.undo) or (stepper is not None and stepper.position > 0)

    def trace_indices(self) -> np.ndarray | None:
        return None if self.traced_sample is None else np.array([self.traced_sample])

    # -- steps -----------------------------------------------------------------------------
    def _step(self, t: Trainer, unit: StepUnit) -> Divergence | None:
        if unit is StepUnit.EPOCH:
            self.remember(t)
            return t.train(1).diverged
        if unit is StepUnit.PHASE:
            self._phase(t)
        elif t.active_step is not None:  # finishing the step in progress is this step
            t.active_step.run_to_end()
        else:
            self.remember(t)
            t.begin_step(self._single_sample(t) if unit is StepUnit.SAMPLE else None,
                         preview=self._previewing()).run_to_end()
        return t.diverged

    def _phase(self, t: Trainer) -> None:
        stepper = t.active_step
        if stepper is None:
            self.remember(t)
            stepper = t.begin_step(self.trace_indices(), preview=self._previewing())
        stepper.advance()

    def _previewing(self) -> bool:
        return self.traced_sample is not None and self.preview_trace

    def _single_sample(self, t: Trainer) -> np.ndarray:
        if self.traced_sample is not None:
            return np.array([self.traced_sample])
        index = self._cursor % t.n_train
        self._cursor += 1
        return np.array([index])

    def back(self, t: Trainer) -> tuple[bool, str | None]:
        """Undo the last phase of the step in progress, or else the last whole step. Returns
        whether anything changed and what to tell the user (None: the phase caption says it)."""
        stepper = t.current_step
        if stepper is not None and stepper.position > 0:
            stepper.back()
            if stepper.position == 0:
                # the step is undone completely: the state equals its checkpoint
                t.abandon_step()
                if self.undo:
                    self.undo.pop()
            return True, None
        if not self.undo:
            return False, "Nothing to step back to."
        checkpoint, change = self.undo.pop()
        try:
            t.restore(checkpoint)
        except ValueError as e:
            self.undo.clear()
            return False, f"Cannot step back further: {e}."
        more = len(self.undo)
        where = f"epoch {t.epoch:,}, batch {t.batch_index + 1} of {t.batches_per_epoch}"
        if change is not None:
            return True, f"Undid {change} (at {where}); {more} more can be undone."
        return True, f"Stepped back one whole step: {where}; {more} more can be undone."

    # -- what is traced and explained ----------------------------------------------------------
    def trace(self, t: Trainer, index: int | None) -> None:
        """Trace training sample ``index`` (None: the minibatch); ValueError if none such."""
        if index is not None and not 0 <= int(index) < t.n_train:
            raise ValueError(f"there is no training sample #{index + 1} (there are {t.n_train})")
        self.traced_sample = None if index is None else int(index)

    def select_weight(self, t: Trainer, layer: int, i: int, j: int) -> bool:
        """Select weight (layer 0-based, i, j); False for a weight the network does not have
        (a click on a diagram that has since been replaced)."""
        if not 0 <= layer < t.spec.depth:
            return False
        n_in, n_out = t.spec.shapes()[layer]
        if not (0 <= i < n_in and 0 <= j < n_out):
            return False
        self.selected_weight = (layer + 1, i, j)
        self.expanded = frozenset()
        return True

    def select_bias(self, t: Trainer, layer: int, j: int) -> bool:
        """Select bias (layer 0-based, unit j); False when the network has no such bias."""
        if not t.spec.use_bias or not 0 <= layer < t.spec.depth:
            return False
        if not 0 <= j < t.spec.shapes()[layer][1]:
            return False
        self.selected_weight = (layer + 1, -1, j)  # i = −1: the bias (explain_weight)
        self.expanded = frozenset()
        return True

    def expand_delta(self, t: Trainer, layer: int, unit: int) -> None:
        """Show (or hide again) how δ of ``unit`` in ``layer`` (1-based) came about in the
        selected chain rule."""
        if not (isinstance(layer, int) and isinstance(unit, int)
                and 1 <= layer <= t.spec.depth and 0 <= unit < t.spec.sizes[layer]):
            raise ValueError(f"there is no δ of unit {unit + 1} in layer {layer} "
                             f"(the network has {t.spec.depth} layers)")
        self.expanded = self.expanded ^ {(layer, unit)}

    def gradient_check(self, t: Trainer) -> GradCheckReport:
        """Gradient check on the traced sample, else the step in progress, else the next
        minibatch."""
        indices = self.trace_indices()
        if indices is None and t.active_step is not None:
            indices = t.active_step.trace.indices
        return gradient_check(t, indices)
