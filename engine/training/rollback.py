"""Going back: the undo copy of a whole step, the rollback point training returns to when it
diverges or is interrupted, and the plain-language report of a divergence."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.history import History
from engine.network import PARAMETER_LIMIT, NetworkSpec, Parameters, parameters_ok
from engine.optimizers import Optimizer, OptimizerSpec, OptimizerState

Layers = Sequence[tuple[np.ndarray, np.ndarray | None]]

CHECKPOINT_SECONDS = 0.25
"""How often (at epoch boundaries) a long ``train`` call refreshes its rollback point, so that
a rollback replays at most about this much training."""


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """Everything a training step changes, so it can be undone exactly (``Trainer.restore``)."""

    flat: np.ndarray
    """(P,) a copy of the flat parameters."""
    optimizer_state: OptimizerState
    epoch: int
    batch_index: int
    history: History


class RollbackPoint:
    """Where a diverged or interrupted training call goes back to: the parameters, optimiser
    state and position at the start of the call or of a recent epoch. Refreshed in place, so a
    long run does not allocate a copy at every checkpoint."""

    def __init__(self, n_parameters: int) -> None:
        self.flat = np.empty(n_parameters)
        """(P,) the flat parameters at this point."""
        self.optimizer_state: OptimizerState | None = None
        self.epoch = 0
        self.batch_index = 0

    def mark(self, flat: np.ndarray, optimizer_state: OptimizerState, epoch: int,
             batch_index: int) -> None:
        """Remember this state (``flat`` is copied into the point's own buffer)."""
        np.copyto(self.flat, flat)
        self.optimizer_state = optimizer_state
        self.epoch = epoch
        self.batch_index = batch_index


@dataclass(frozen=True)
class Divergence:
    """Why training stopped: the epoch that failed and a plain-language cause."""

    epoch: int
    cause: str
    rolled_back_to: int
    """The epoch whose parameters were restored (the last checked finite state)."""

    def __str__(self) -> str:
        return f"training diverged in epoch {self.epoch}: {self.cause}"

    @classmethod
    def seen(cls, epoch: int, cause: str, rolled_back_to: int) -> Divergence:
        """The report of a divergence seen in ``epoch``, after the rollback. A rollback that
        stopped earlier (a replayed epoch took a weight beyond PARAMETER_LIMIT, though the
        loss stayed finite until later) moves it to that epoch, with that cause."""
        if rolled_back_to + 1 < epoch:
            return cls(rolled_back_to + 1, f"the weights exceed ±{PARAMETER_LIMIT:g} (they have "
                       "diverged)", rolled_back_to)
        return cls(epoch, cause, rolled_back_to)


def loss_cause(loss: float) -> str:
    """The cause of a divergence seen in a non-finite training loss."""
    return "the training loss became " + ("NaN" if math.isnan(loss) else "Inf (it overflowed)")


def parameter_cause(params: Parameters) -> str:
    """The cause of a divergence seen in the parameters: the first layer affected."""
    for i, mat in enumerate(params.mats):
        bad = ~np.isfinite(mat)
        if bad.any():
            kind = "NaN" if np.isnan(mat[bad]).any() else "Inf"
            return f"the weights of layer {i + 1} became {kind}"
        if not parameters_ok(mat.ravel()):
            return (f"the weights of layer {i + 1} exceed ±{PARAMETER_LIMIT:g} (they have "
                    "diverged)")
    return "the parameters became non-finite"


def checked_saved_run(
    spec: NetworkSpec,
    optimizer: OptimizerSpec,
    n_batches: int,
    initial: Layers,
    current: Layers,
    optimizer_state: Mapping[str, object],
    epoch: int,
    batch_index: int,
) -> tuple[Parameters, Parameters]:
    """Check a saved run (a workspace's state) against this network and batching, before
    anything changes; returns its (initial, current) parameters. Raises ValueError naming the
    first bad field."""
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
        raise ValueError(f"state.epoch: expected a non-negative integer, got {epoch!r}")
    if (not isinstance(batch_index, int) or isinstance(batch_index, bool)
            or not 0 <= batch_index < n_batches):
        raise ValueError(f"state.batch_index: expected 0..{n_batches - 1}, got {batch_index!r}")
    start, now = Parameters(spec), Parameters(spec)
    for name, target, layers in (("initial_parameters", start, initial),
                                 ("parameters", now, current)):
        try:
            target.set_all(layers)
        except ValueError as e:
            raise ValueError(f"state.{name}: {e}") from None
    Optimizer(optimizer, now.flat, now.weight_mask).load_state(optimizer_state)
    return start, now
