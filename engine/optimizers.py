"""Optimisers and regularisation, applied to the flat parameter array in a few NumPy calls.

Hyperparameters live in full-length arrays that the update calls read, so a learning-rate
change between steps is a ``fill`` and needs no recompilation or reset.

* SGD:       θ ← θ − η·g
* Momentum:  v ← μ·v + g,  θ ← θ − η·v                       (PyTorch's form)
* Adam:      m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²,
             θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)   (PyTorch's form)
* RMSprop:   v ← αv + (1 − α)g²,  θ ← θ − η·g / (√v + ε)
             (torch.optim.RMSprop: α = 0.99, ε = 1e-8, no momentum, not centred)
* Adagrad:   s ← s + g²,  θ ← θ − η·g / (√s + ε)
             (torch.optim.Adagrad: no learning-rate decay, s starts at 0, ε = 1e-10)

RMSprop's running mean and Adagrad's running sum of g² are kept in ``v`` (the state Adam's
second moment uses), so checkpoints, undo and workspaces store them with no new field; the
step count ``t`` counts their steps too. Each optimiser's ε defaults to PyTorch's
(``DEFAULT_EPSILON``).

Regularisation adds to g before the update, on weights only (never biases):
L2 adds λ·w (the gradient of ½λ·Σw²), L1 adds λ·sign(w) (the gradient of λ·Σ|w|).

With TensorFlow Playground's rules (``tf_rules``) regularisation follows its ``updateWeights``
(nn.ts): the optimiser steps on the data gradient, then θ ← θ − (η·λ)·R'(θ_before) follows as
a second step; under L1, a weight that this second step carries across zero is set to 0 and
its link is *dead*: it gets no gradient and no update again (``alive``) until new weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import TypedDict

import numpy as np

Call = Callable[[], object]

OPTIMIZERS = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam",
              "rmsprop": "RMSprop", "adagrad": "Adagrad"}
DEFAULT_EPSILON = {"sgd": 1e-8, "momentum": 1e-8, "adam": 1e-8, "rmsprop": 1e-8,
                   "adagrad": 1e-10}
"""PyTorch's default ε of each optimiser (SGD and momentum use none)."""
OWN_DEFAULT = math.nan
"""``OptimizerSpec.epsilon``'s default: resolved to the kind's ``DEFAULT_EPSILON``."""
STATE_TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "sgd": (),
    "momentum": (("v", "velocity", "velocity"),),
    "adam": (("m", "m", "Adam's first moment"), ("v", "v", "Adam's second moment")),
    "rmsprop": (("v", "v", "RMSprop's running mean of g²"),),
    "adagrad": (("s", "v", "Adagrad's running sum of g²"),),
}
"""(symbol, key in ``OptimizerState``, meaning) of each optimiser's per-parameter state, as
the inspector shows it."""
REGULARIZATIONS = {"none": "None", "l1": "L1", "l2": "L2"}


class OptimizerState(TypedDict):
    """An optimiser's moving state: its step count and (P,) copies of its buffers; ``alive``
    is 1.0 for every parameter but the dead links of TensorFlow Playground's L1 rule."""

    t: int
    velocity: np.ndarray
    m: np.ndarray
    v: np.ndarray
    alive: np.ndarray


@dataclass(frozen=True)
class OptimizerSpec:
    """Which optimiser, its learning rate and its other hyperparameters."""

    kind: str = "sgd"
    learning_rate: float = 0.03
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = OWN_DEFAULT
    """Adam's, RMSprop's and Adagrad's ε; left out, PyTorch's default for ``kind``."""
    regularization: str = "none"
    reg_rate: float = 0.0
    alpha: float = 0.99
    """RMSprop's smoothing constant (PyTorch's ``alpha``)."""

    def __post_init__(self) -> None:
        if self.kind not in OPTIMIZERS:
            raise ValueError(f"optimizer: unknown {self.kind!r} (known: {', '.join(OPTIMIZERS)})")
        if isinstance(self.epsilon, float) and math.isnan(self.epsilon):
            object.__setattr__(self, "epsilon", DEFAULT_EPSILON[self.kind])
        if self.regularization not in REGULARIZATIONS:
            raise ValueError(
                f"regularization: unknown {self.regularization!r} (known: none, l1, l2)"
            )
        _number("learning_rate", self.learning_rate, low=0.0, low_ok=False)
        _number("momentum", self.momentum, low=0.0, high=1.0)
        _number("beta1", self.beta1, low=0.0, high=1.0)
        _number("beta2", self.beta2, low=0.0, high=1.0)
        _number("epsilon", self.epsilon, low=0.0, low_ok=False)
        _number("reg_rate", self.reg_rate, low=0.0)
        _number("alpha", self.alpha, low=0.0, high=1.0)

    def with_kind(self, kind: str) -> OptimizerSpec:
        """This spec with another optimiser; an ε at the old one's default takes the new
        one's (choosing Adagrad in the window gives PyTorch's Adagrad, ε = 1e-10)."""
        own = self.epsilon == DEFAULT_EPSILON[self.kind]
        return replace(self, kind=kind, epsilon=OWN_DEFAULT if own else self.epsilon)


def _number(name: str, v: object, low: float, high: float | None = None,
            low_ok: bool = True) -> None:
    """Refuse a hyperparameter that is not a finite number in [low, high) (or (low, high))."""
    if not isinstance(v, int | float) or isinstance(v, bool) or not np.isfinite(v):
        raise ValueError(f"{name}: must be a finite number, got {v!r}")
    if v < low or (v == low and not low_ok) or (high is not None and v >= high):
        lo = f"≥ {low}" if low_ok else f"> {low}"
        hi = f" and < {high}" if high is not None else ""
        raise ValueError(f"{name}: must be {lo}{hi}, got {v}")


class Optimizer:
    """Update state for one flat parameter array (velocity, Adam moments, step count)."""

    def __init__(self, spec: OptimizerSpec, params: np.ndarray, weight_mask: np.ndarray,
                 tf_rules: bool = False) -> None:
        n = params.size
        self.spec = spec
        self.tf_rules = tf_rules
        self._params = params
        self._mask = weight_mask
        # Hyperparameters are 0-d arrays, filled in place on a change: a product with one is
        # cheaper than with a full (P,) copy (one memory stream fewer; 25 % on 100k parameters).
        self._lr = np.array(spec.learning_rate, dtype=np.float64)
        self._reg = weight_mask * spec.reg_rate
        self._lr_reg = weight_mask * (spec.learning_rate * spec.reg_rate)
        """(P,) η·λ on weights, 0 on biases: TF's regularisation step size, one product."""
        self.alive = np.ones(n)
        """(P,) 0.0 for a dead link (TF rules, L1), else 1.0; biases never die."""
        self._reg_step = np.empty(n)
        self._crossed = np.empty(n, dtype=bool)
        self._kept = np.empty(n, dtype=bool)
        self._zeros = np.zeros(n)
        self._tmp = np.empty(n)
        self._tmp2 = np.empty(n)
        self.velocity = np.zeros(n)
        self.m = np.zeros(n)
        self.v = np.zeros(n)
        self.t = 0
        self._b1 = np.array(spec.beta1, dtype=np.float64)
        self._b2 = np.array(spec.beta2, dtype=np.float64)
        self._1mb1 = np.array(1.0 - spec.beta1, dtype=np.float64)
        self._1mb2 = np.array(1.0 - spec.beta2, dtype=np.float64)
        self._mu = np.array(spec.momentum, dtype=np.float64)
        self._alpha = np.array(spec.alpha, dtype=np.float64)
        self._1malpha = np.array(1.0 - spec.alpha, dtype=np.float64)
        self._eps = np.array(spec.epsilon, dtype=np.float64)
        self._step_size = np.empty(())
        self._inv_bc2 = np.empty(())

    def update_spec(self, spec: OptimizerSpec) -> bool:
        """Apply new hyperparameters in place. Returns True when the call list must be rebuilt
        (a different optimiser or regularisation kind); a new optimiser starts with fresh state."""
        old = self.spec
        self.spec = spec
        self._lr.fill(spec.learning_rate)
        np.multiply(self._mask, spec.reg_rate, out=self._reg)
        np.multiply(self._mask, spec.learning_rate * spec.reg_rate, out=self._lr_reg)
        self._b1.fill(spec.beta1)
        self._b2.fill(spec.beta2)
        self._1mb1.fill(1.0 - spec.beta1)
        self._1mb2.fill(1.0 - spec.beta2)
        self._mu.fill(spec.momentum)
        self._alpha.fill(spec.alpha)
        self._1malpha.fill(1.0 - spec.alpha)
        self._eps.fill(spec.epsilon)
        if spec.kind != old.kind:
            self.reset_state()
        return spec.kind != old.kind or spec.regularization != old.regularization

    def reset_state(self) -> None:
        """Fresh moving state for new weights (every link alive again)."""
        self.velocity.fill(0.0)
        self.m.fill(0.0)
        self.v.fill(0.0)
        self.alive.fill(1.0)
        self.t = 0

    def regularization_calls(self, grad: np.ndarray) -> list[Call]:
        """Calls that add the regularisation gradient to ``grad`` (weights only); with TF rules,
        calls that drop the dead links' gradient and take R'(θ) before the update instead."""
        p, tmp, reg = self._params, self._tmp, self._reg
        kind = self.spec.regularization
        if self.tf_rules:
            calls: list[Call] = [partial(np.multiply, grad, self.alive, grad)]
            if kind == "l2":  # TF: (η·λ)·w, w before the step
                calls.append(partial(np.multiply, p, self._lr_reg, self._reg_step))
            elif kind == "l1":  # TF: (η·λ)·sign(w), sign(0) = 0
                calls += [partial(np.sign, p, self._reg_step),
                          partial(np.multiply, self._reg_step, self._lr_reg, self._reg_step)]
            return calls
        if kind == "l2":
            return [partial(np.multiply, p, reg, tmp), partial(np.add, grad, tmp, grad)]
        if kind == "l1":
            return [
                partial(np.sign, p, tmp),
                partial(np.multiply, tmp, reg, tmp),
                partial(np.add, grad, tmp, grad),
            ]
        return []

    def update_calls(self, grad: np.ndarray) -> list[Call]:
        """Calls that apply one update θ ← θ − step(g)."""
        p, tmp = self._params, self._tmp
        kind = self.spec.kind
        if kind == "sgd":
            return [partial(np.multiply, grad, self._lr, tmp), partial(np.subtract, p, tmp, p)]
        if kind == "momentum":
            vel = self.velocity
            return [
                partial(np.multiply, vel, self._mu, vel),
                partial(np.add, vel, grad, vel),
                partial(np.multiply, vel, self._lr, tmp),
                partial(np.subtract, p, tmp, p),
            ]
        m, v, tmp2 = self.m, self.v, self._tmp2
        if kind in ("rmsprop", "adagrad"):
            if kind == "rmsprop":  # v ← α·v + ((1 − α)·g)·g, as torch's mul_ and addcmul_
                average = [partial(np.multiply, v, self._alpha, v),
                           partial(np.multiply, grad, self._1malpha, tmp),
                           partial(np.multiply, tmp, grad, tmp)]
            else:  # s ← s + g·g
                average = [partial(np.multiply, grad, grad, tmp)]
            return [
                self._count, *average, partial(np.add, v, tmp, v),
                partial(np.sqrt, v, tmp), partial(np.add, tmp, self._eps, tmp),
                partial(np.multiply, grad, self._lr, tmp2),  # θ ← θ − (η·g) / (√v + ε)
                partial(np.divide, tmp2, tmp, tmp2), partial(np.subtract, p, tmp2, p),
            ]
        return [
            self._adam_tick,
            partial(np.multiply, m, self._b1, m),
            partial(np.multiply, grad, self._1mb1, tmp),
            partial(np.add, m, tmp, m),
            partial(np.multiply, v, self._b2, v),
            partial(np.square, grad, tmp),
            partial(np.multiply, tmp, self._1mb2, tmp),
            partial(np.add, v, tmp, v),
            partial(np.sqrt, v, tmp),
            partial(np.multiply, tmp, self._inv_bc2, tmp),
            partial(np.add, tmp, self._eps, tmp),
            partial(np.divide, m, tmp, tmp2),
            partial(np.multiply, tmp2, self._step_size, tmp2),
            partial(np.subtract, p, tmp2, p),
        ]

    def after_update_calls(self) -> list[Call]:
        """TF rules only: the regularisation step after the update (nn.ts updateWeights); under
        L1 a weight it carries across zero (θ′·θ″ < 0) becomes 0 and its link dead. Dead links
        stay at 0 (their gradient is dropped; this also stops momentum moving them)."""
        if not self.tf_rules:
            return []
        p, new, alive = self._params, self._tmp, self.alive
        kind = self.spec.regularization
        if kind == "none":
            return [partial(np.multiply, p, alive, p)]
        if kind == "l2":
            return [partial(np.subtract, p, self._reg_step, new),
                    partial(np.multiply, new, alive, p)]
        crossed, kept = self._crossed, self._kept
        return [
            partial(np.subtract, p, self._reg_step, new),
            partial(np.multiply, p, new, self._tmp2),
            partial(np.less, self._tmp2, self._zeros, crossed),
            partial(np.logical_not, crossed, kept),
            partial(np.multiply, alive, kept, alive),
            partial(np.multiply, new, alive, p),
        ]

    def _count(self) -> None:
        """Count a step (RMSprop, Adagrad: their rules do not use t)."""
        self.t += 1

    def _adam_tick(self) -> None:
        """Advance Adam's step count and refresh its bias corrections."""
        self.t += 1
        s = self.spec
        self._step_size.fill(s.learning_rate / (1.0 - s.beta1**self.t))
        self._inv_bc2.fill(1.0 / np.sqrt(1.0 - s.beta2**self.t))

    # -- persistence ---------------------------------------------------------------------------
    def state(self) -> OptimizerState:
        """The optimiser's moving state, for workspaces and step-back."""
        return {
            "t": self.t,
            "velocity": self.velocity.copy(),
            "m": self.m.copy(),
            "v": self.v.copy(),
            "alive": self.alive.copy(),
        }

    def restore_checkpoint(self, state: OptimizerState) -> None:
        """Put back a ``state()`` taken earlier from this optimiser (no validation needed)."""
        np.copyto(self.velocity, state["velocity"])
        np.copyto(self.m, state["m"])
        np.copyto(self.v, state["v"])
        np.copyto(self.alive, state["alive"])
        self.t = int(state["t"])

    def load_state(self, state: Mapping[str, object]) -> None:
        """Put back a state read from a file, after checking every value (nothing changes on
        error). Without ``alive`` (files of runs with no dead links) every link is alive."""
        n = self._params.size
        arrays = {}
        for key in ("velocity", "m", "v"):
            arr = np.asarray(state[key], dtype=np.float64)
            if arr.shape != (n,) or not np.all(np.isfinite(arr)):
                raise ValueError(f"optimizer_state.{key}: expected {n} finite numbers")
            arrays[key] = arr
        alive = np.asarray(state.get("alive", self._ones()), dtype=np.float64)
        if alive.shape != (n,) or not np.all((alive == 0.0) | (alive == 1.0)):
            raise ValueError(f"optimizer_state.alive: expected {n} values, each 0 or 1")
        if np.any((alive == 0.0) & (self._mask == 0.0)):
            raise ValueError("optimizer_state.alive: a bias cannot be a dead link")
        t = state["t"]
        if not isinstance(t, int) or isinstance(t, bool) or t < 0:
            raise ValueError(f"optimizer_state.t: expected a non-negative integer, got {t!r}")
        self.velocity[:] = arrays["velocity"]
        self.m[:] = arrays["m"]
        self.v[:] = arrays["v"]
        self.alive[:] = alive
        self.t = t

    def _ones(self) -> np.ndarray:
        return np.ones(self._params.size)
