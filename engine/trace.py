"""Step through one training step a phase at a time and keep every intermediate.

Phases, in order, for a network with L weight layers:
``forward 1 … forward L``, ``loss``, ``backward L … backward 1``, ``update``.

The stepper replays the trainer's own precompiled phase calls, so the parameters after the
update phase are bit-for-bit those of an ordinary training step. After each phase it copies
what that phase produced into a ``StepTrace``, in the notebooks' (samples, units) layout:

=================  ==================  =============================================
field              shape               meaning
=================  ==================  =============================================
``x``              (N, n₀)             the inputs (features) of the traced samples
``y``              (N, K)              their targets
``z[l]``           (N, n_l)            pre-activation of layer l (1-based; z[0] unused)
``a[l]``           (N, n_l)            activation of layer l; a[0] is x
``loss``           float               the batch loss with the training reduction
``sample_loss``    (N,)                each sample's loss ℓₙ
``delta[l]``       (N, n_l)            δ = ∂L/∂z of layer l, reduction (1/N) included
``dW[l]``          (n_{l−1}, n_l)      ∂L/∂W of layer l (data term; no regularisation)
``db[l]``          (n_l,)              ∂L/∂b of layer l (None without biases)
``params_before``  [(W, b), …]         parameters when the step began
``params_after``   [(W, b), …]         parameters after the update
``mask[l]``        (N, n_l)            dropout layers: 1.0 kept, 0.0 dropped this step
``undropped[l]``   (N, n_l)            dropout layers: f(zˡ) before the mask
=================  ==================  =============================================

With dropout, ``a[l]`` is what layer l passes on: f(zˡ) ⊙ mask[l] / (1 − p).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from engine.data.scaling import Scaling
from engine.losses import per_sample_loss, reduce_losses
from engine.network import NetworkSpec, Parameters
from engine.optimizers import Optimizer, OptimizerSpec, OptimizerState
from engine.program import Phase, StepProgram, units_of
from engine.scenario import TrainSpec

Layers = list[tuple[np.ndarray, np.ndarray | None]]


@dataclass
class StepTrace:
    """Every number of one training step, filled in as its phases run (see module doc)."""

    indices: np.ndarray
    x: np.ndarray
    y: np.ndarray
    params_before: Layers
    reduction: str
    loss_name: str
    learning_rate: float
    z: dict[int, np.ndarray] = field(default_factory=dict)
    a: dict[int, np.ndarray] = field(default_factory=dict)
    delta: dict[int, np.ndarray] = field(default_factory=dict)
    dW: dict[int, np.ndarray] = field(default_factory=dict)
    db: dict[int, np.ndarray | None] = field(default_factory=dict)
    mask: dict[int, np.ndarray] = field(default_factory=dict)
    """Layers with dropout: (N, n_l) 1.0 where a unit was kept in this step, 0.0 where
    dropped (``a[l]`` = ``undropped[l]`` ⊙ mask / (1 − p))."""
    undropped: dict[int, np.ndarray] = field(default_factory=dict)
    """Layers with dropout: (N, n_l) f(zˡ) before the mask (its derivative is f′(zˡ))."""
    loss: float | None = None
    sample_loss: np.ndarray | None = None
    params_after: Layers | None = None
    x_raw: np.ndarray | None = None
    """(B, n₀) the features before standardisation, when the inputs are standardised."""
    scaling: Scaling | None = None
    """The standardisation that made ``x`` from ``x_raw``."""
    network: NetworkSpec | None = None
    optimizer: OptimizerSpec | None = None
    """The optimiser that ran the update (its kind, η, λ, μ, β's)."""
    tf_rules: bool = False
    state_before: OptimizerState | None = None
    """The optimiser's moving state (velocity, m, v, t) before the step."""
    state_after: OptimizerState | None = None
    grad_used: np.ndarray | None = None
    """(P,) flat: the gradient the optimiser stepped on (L1/L2 added, dead links zeroed)."""
    feature_names: tuple[str, ...] = ()
    """(n₀,) what each input xᵢ is, as the window names it: "x₁", "sin(x₁)", a CSV column's
    name; empty when unknown."""
    output_names: tuple[str, ...] = ()
    """(K,) what each output unit stands for when there is one per class: the class's name as
    the file wrote it ("setosa"), or "class 2" for an unnamed class; empty otherwise."""
    preview: bool = False
    """True for a preview: the update is computed and shown, then undone (weights stay)."""
    extra: bool = False
    """True for an extra step on chosen samples (not the epoch's next minibatch)."""


@dataclass(frozen=True)
class StepHooks:
    """How a regular step (the epoch's next minibatch) keeps its trainer's count of steps."""

    completed: Callable[[], None]
    """Called once the update has run: the step counts towards the epoch."""
    undone: Callable[[PhaseStepper], None]
    """Called with the stepper once its update is undone: the epoch position goes back to
    where the step began, and the step is the trainer's current one again."""


class PhaseStepper:
    """Runs one training step phase by phase; ``back`` undoes phases, the update included.

    It works on the buffers it is given (the trainer's parameters, gradient and optimiser)
    and reports to the trainer only through ``hooks``; an extra step (a traced sample) has
    none and never counts towards the epoch.
    """

    def __init__(
        self,
        program: StepProgram,
        indices: np.ndarray,
        params: Parameters,
        grad: Parameters,
        optimizer: Optimizer,
        train: TrainSpec,
        hooks: StepHooks | None = None,
        preview: bool = False,
    ) -> None:
        self._prog = program
        self._params = params
        self._grad = grad
        self._optimizer = optimizer
        self._hooks = hooks
        self.phases: tuple[Phase, ...] = program.phases
        self.position = 0
        """How many phases have run; ``phases[position]`` is the next one."""
        self._flat_before = params.flat.copy()
        self._opt_before = optimizer.state()
        self.trace = StepTrace(
            indices=indices.copy(),
            x=program.x_rows.T.copy(),
            y=program.y.T.copy(),
            params_before=params.as_list(),
            reduction=train.reduction,
            loss_name=train.loss,
            learning_rate=train.optimizer.learning_rate,
        )
        self.trace.a[0] = self.trace.x
        self.trace.network = params.spec
        self.trace.optimizer = optimizer.spec
        self.trace.tf_rules = optimizer.tf_rules
        self.trace.state_before = self._opt_before
        self.trace.extra = hooks is None
        self.trace.preview = preview and hooks is None  # a regular step always counts

    @property
    def done(self) -> bool:
        return self.position == len(self.phases)

    @property
    def regular(self) -> bool:
        """True when this step is the epoch's next minibatch (not an extra traced sample)."""
        return self._hooks is not None

    @property
    def next_phase(self) -> Phase | None:
        return None if self.done else self.phases[self.position]

    @property
    def last_phase(self) -> Phase | None:
        return self.phases[self.position - 1] if self.position else None

    def advance(self) -> Phase:
        """Run the next phase and record what it produced."""
        if self.done:
            raise RuntimeError("this step is complete; start a new one")
        phase = self.phases[self.position]
        with np.errstate(all="ignore"):
            for call in phase.calls:
                call()
            self._record(phase)
            if phase.kind == "update" and self.trace.preview:
                # shown, not kept: the parameters and optimiser state as before the step
                np.copyto(self._params.flat, self._flat_before)
                self._optimizer.restore_checkpoint(self._opt_before)
        self.position += 1
        if self.done and self._hooks is not None:
            self._hooks.completed()
        return phase

    def run_to_end(self) -> StepTrace:
        while not self.done:
            self.advance()
        return self.trace

    def back(self) -> Phase | None:
        """Undo the last phase. Undoing the update restores parameters, optimiser state, epoch
        and history exactly. Returns the phase undone, or None at the start."""
        if self.position == 0:
            return None
        phase = self.phases[self.position - 1]
        if phase.kind == "update":
            self._restore()
            self.trace.params_after = None
            self.trace.state_after = self.trace.grad_used = None
            # The epoch's evaluation may share (and have overwritten) the step's buffers;
            # replaying the earlier phases on the restored parameters rebuilds them exactly.
            with np.errstate(all="ignore"):
                for earlier in self.phases[: self.position - 1]:
                    for call in earlier.calls:
                        call()
        elif phase.kind == "loss":
            self.trace.loss = None
            self.trace.sample_loss = None
        else:
            store = ((self.trace.z, self.trace.a, self.trace.mask, self.trace.undropped)
                     if phase.kind == "forward" else
                     (self.trace.delta, self.trace.dW, self.trace.db))
            for d in store:
                d.pop(phase.layer, None)
        self.position -= 1
        return phase

    def rewind(self) -> None:
        """Undo every phase run so far."""
        while self.position:
            self.back()

    def _restore(self) -> None:
        np.copyto(self._params.flat, self._flat_before)
        self._optimizer.load_state(self._opt_before)
        if self._hooks is not None:
            self._hooks.undone(self)

    def _record(self, phase: Phase) -> None:
        p, tr = self._prog, self.trace
        l = phase.layer
        if phase.kind == "forward":
            tr.z[l] = p.z[l].T.copy()
            tr.a[l] = units_of(p.a[l], p.spec, l).T.copy()
            if p.dropout is not None and l in p.activated:
                tr.mask[l] = p.dropout.kept(l)
                tr.undropped[l] = p.activated[l].T.copy()
        elif phase.kind == "loss":
            depth = len(p.z) - 1
            values = per_sample_loss(tr.loss_name, p.z[depth].T, p.a[depth].T, p.y.T)
            tr.sample_loss = values
            tr.loss = reduce_losses(values, tr.reduction)
        elif phase.kind == "backward":
            tr.delta[l] = p.delta[l].T.copy()
            tr.dW[l] = self._grad.weights(l - 1)
            tr.db[l] = self._grad.biases(l - 1)
        else:
            tr.params_after = self._params.as_list()
            tr.state_after = self._optimizer.state()
            tr.grad_used = self._grad.flat.copy()

