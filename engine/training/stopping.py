"""When a run stops by itself: at an epoch, at a target loss, or when the test loss has not
improved for a while (early stopping).

A ``StopRule`` is part of the training settings (``TrainSpec.stop``; saved in presets and
workspaces). ``stop_reason`` decides from a ``History`` alone (a pure function); a
``StopWatch`` makes the same decision epoch by epoch while training runs (``Trainer.train``'s
``stop``), in constant time per epoch, so a run stops at exactly the epoch the rule names.

Early stopping watches the test loss, or the training loss when there is no test set. It
only stops: the weights stay those of the last epoch (as TensorFlow Playground users expect
of a pause), and the reason names the best epoch and its loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.history import History, Metrics

MAX_STOP_EPOCH = 10**9
"""Largest stop epoch or patience a rule takes (a billion epochs: never reached by hand)."""


@dataclass(frozen=True)
class StopRule:
    """Stop conditions; 0 turns each off (the default rule never stops a run)."""

    epoch: int = 0
    """Stop once this many epochs are done."""
    loss: float = 0.0
    """Stop once the training loss (mean per sample) is at or below this."""
    patience: int = 0
    """Stop once the test loss (the training loss without a test set) has not reached a new
    lowest value for this many epochs."""

    def __post_init__(self) -> None:
        for name in ("epoch", "patience"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_STOP_EPOCH:
                raise ValueError(f"train.stop.{name}: must be a whole number from 0 (off) to "
                                 f"{MAX_STOP_EPOCH}, got {v!r}")
        v = self.loss
        if isinstance(v, bool) or not isinstance(v, int | float) or not (
                math.isfinite(v) and v >= 0):
            raise ValueError(f"train.stop.loss: must be a number of at least 0 (0: off), "
                             f"got {v!r}")
        object.__setattr__(self, "loss", float(v))

    @property
    def active(self) -> bool:
        return bool(self.epoch or self.loss or self.patience)

    def epochs_left(self, epoch: int) -> int | None:
        """Epochs until the stop epoch (0 once reached), or None without one."""
        return max(self.epoch - epoch, 0) if self.epoch else None


def describe(rule: StopRule) -> str:
    """When the rule stops a run, in words ('at epoch 300, or after 50 epochs without a
    better test loss'); '' for a rule that never does."""
    parts = []
    if rule.epoch:
        parts.append(f"at epoch {rule.epoch}")
    if rule.loss:
        parts.append(f"at a training loss of {rule.loss:g} or less")
    if rule.patience:
        parts.append(f"after {rule.patience} epochs without a better test loss")
    return ", or ".join(parts)


@dataclass(frozen=True)
class Stopped:
    """Why a run stopped at ``epoch``; ``best_epoch`` and ``best_loss`` for early stopping."""

    epoch: int
    reason: str
    best_epoch: int | None = None
    best_loss: float | None = None

    def __str__(self) -> str:
        return f"Stopped at epoch {self.epoch}: {self.reason}"


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def watched_loss(m: Metrics) -> tuple[str, float]:
    """("test" or "training", the loss early stopping watches in ``m``)."""
    if math.isnan(m.test_loss):
        return "training", m.train_loss
    return "test", m.test_loss


def decide(rule: StopRule, m: Metrics, best_epoch: int, best_loss: float) -> Stopped | None:
    """The decision at the epoch ``m`` measured, given the lowest watched loss so far and the
    epoch it was reached (``m`` included). The stop epoch comes first, then the target loss,
    then early stopping."""
    if rule.epoch and m.epoch >= rule.epoch:
        return Stopped(m.epoch, f"the stop epoch {rule.epoch} is reached")
    if rule.loss and m.train_loss <= rule.loss:
        return Stopped(m.epoch, f"the training loss {_fmt(m.train_loss)} is at or below the "
                                f"target {_fmt(rule.loss)}")
    if rule.patience and m.epoch - best_epoch >= rule.patience:
        which, _ = watched_loss(m)
        return Stopped(m.epoch, f"the {which} loss has not improved for {rule.patience} epochs "
                                f"(best {_fmt(best_loss)} at epoch {best_epoch})",
                       best_epoch, best_loss)
    return None


def best_so_far(history: History) -> tuple[int, float]:
    """(epoch, value) of the lowest watched loss in the history (the first of equals), and
    the latest measurement; (0, inf) for an empty history."""
    latest = history.latest
    if latest is None:
        return 0, math.inf
    column = "train_loss" if math.isnan(latest.test_loss) else "test_loss"
    best_epoch, best = 0, math.inf
    for epoch, value in zip(history.epochs.tolist(), history.column(column).tolist(),
                            strict=True):
        if value < best:
            best_epoch, best = epoch, value
    _, now = watched_loss(latest)
    if now < best:
        best_epoch, best = latest.epoch, now
    return best_epoch, best


def stop_reason(rule: StopRule, history: History) -> Stopped | None:
    """Whether the run whose record is ``history`` has met ``rule`` at its latest epoch."""
    if not rule.active or history.latest is None:
        return None
    return decide(rule, history.latest, *best_so_far(history))


class StopWatch:
    """The same decision as ``stop_reason``, made after every epoch while training: call it
    with each epoch's Metrics; True means stop (``stopped`` says why)."""

    def __init__(self, rule: StopRule, history: History) -> None:
        self.rule = rule
        self.best_epoch, self.best_loss = best_so_far(history)
        self.stopped: Stopped | None = None

    def __call__(self, m: Metrics) -> bool:
        _, loss = watched_loss(m)
        if loss < self.best_loss:
            self.best_epoch, self.best_loss = m.epoch, loss
        self.stopped = decide(self.rule, m, self.best_epoch, self.best_loss)
        return self.stopped is not None
