"""Check backpropagation against central finite differences, for every parameter.

The numerical side is independent of the fast path: it evaluates the objective
J(θ) = L(batch) + regularisation penalty with a plain readable forward pass, nudging each
parameter by ±ε. The analytic side is the trainer's own backward phases plus the
regularisation gradient, exactly what an update would use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from engine.activations import get_activation
from engine.losses import batch_loss
from engine.network import Parameters
from engine.program import StepProgram

if TYPE_CHECKING:
    from engine.trainer import Trainer


@dataclass(frozen=True)
class LayerCheck:
    """Agreement for one layer: relative error ‖g_bp − g_num‖ / (‖g_bp‖ + ‖g_num‖)."""

    layer: int  # 1-based
    relative_error: float
    n_parameters: int


@dataclass(frozen=True)
class WorstParameter:
    layer: int  # 1-based
    name: str  # e.g. "W[0][1]" or "b[2]"
    backprop: float
    numerical: float
    relative_error: float


@dataclass(frozen=True)
class GradCheckReport:
    layers: tuple[LayerCheck, ...]
    worst: WorstParameter
    epsilon: float
    n_samples: int

    @property
    def max_relative_error(self) -> float:
        return max(c.relative_error for c in self.layers)

    def summary(self) -> str:
        """One plain-language sentence for the window and the CLI."""
        err = self.max_relative_error
        if err < 1e-6:
            return f"backprop agrees with numerical differentiation to {err:.0e}"
        return (
            f"backprop and numerical differentiation differ by up to {err:.1e} "
            f"(worst: layer {self.worst.layer} {self.worst.name})"
        )


def objective(trainer: Trainer, params: Parameters, x: np.ndarray, y: np.ndarray) -> float:
    """J = batch loss (training reduction) + regularisation penalty, by a readable forward."""
    spec = params.spec
    a = x
    z = x
    for i, layer in enumerate(spec.layers):
        w, b = params.weights(i), params.biases(i)
        z = a @ w + (0.0 if b is None else b)
        a = get_activation(layer.activation).apply(z)
    t = trainer.scenario.train
    value = batch_loss(t.loss, t.reduction, z, a, y)
    opt = t.optimizer
    weights = params.flat * params.weight_mask
    if opt.regularization == "l2":
        value += 0.5 * opt.reg_rate * float(np.sum(weights**2))
    elif opt.regularization == "l1":
        value += opt.reg_rate * float(np.sum(np.abs(weights)))
    return value


def backprop_gradient(trainer: Trainer, indices: np.ndarray) -> np.ndarray:
    """∂J/∂θ (flat) from the trainer's own backward phases, regularisation included."""
    t = trainer.scenario.train
    grad = Parameters(trainer.spec)
    prog = StepProgram(trainer.spec, trainer.params, grad, trainer.optimizer, t.loss,
                       t.reduction, indices.size)
    prog.x_rows[:] = trainer._x_train[:, indices]
    prog.y[:] = trainer._y_train[:, indices]
    with np.errstate(all="ignore"):
        for phase in prog.phases:
            if phase.kind != "update":
                for call in phase.calls:
                    call()
    g = grad.flat.copy()
    opt = t.optimizer
    if opt.regularization == "l2":
        g += opt.reg_rate * trainer.params.flat * trainer.params.weight_mask
    elif opt.regularization == "l1":
        g += opt.reg_rate * np.sign(trainer.params.flat) * trainer.params.weight_mask
    return g


def gradient_check(
    trainer: Trainer, indices: np.ndarray | None = None, epsilon: float = 1e-6
) -> GradCheckReport:
    """Compare backprop with central differences on the given training samples (default: the
    minibatch the next step trains on, at most 64 samples)."""
    if indices is None:
        indices = trainer.next_batch_indices()[:64]
    indices = np.asarray(indices, dtype=np.int64)
    x = trainer._x_train[:, indices].T.copy()
    y = trainer._y_train[:, indices].T.copy()
    analytic = backprop_gradient(trainer, indices)
    probe = trainer.params.copy()
    numeric = np.empty_like(analytic)
    with np.errstate(all="ignore"):
        for i in range(probe.flat.size):
            keep = probe.flat[i]
            probe.flat[i] = keep + epsilon
            up = objective(trainer, probe, x, y)
            probe.flat[i] = keep - epsilon
            down = objective(trainer, probe, x, y)
            probe.flat[i] = keep
            numeric[i] = (up - down) / (2.0 * epsilon)

    layers = []
    offset = 0
    worst = None
    bias = trainer.spec.use_bias
    for li, mat in enumerate(trainer.params.mats):
        n = mat.size
        a, g = analytic[offset : offset + n], numeric[offset : offset + n]
        layers.append(LayerCheck(li + 1, _relative(a, g), n))
        elementwise = np.abs(a - g) / np.maximum(np.abs(a) + np.abs(g), 1e-12)
        k = int(np.argmax(elementwise))
        if worst is None or elementwise[k] > worst.relative_error:
            j, i = divmod(k, mat.shape[1])
            name = f"b[{j}]" if bias and i == 0 else f"W[{i - int(bias)}][{j}]"
            worst = WorstParameter(li + 1, name, float(a[k]), float(g[k]), float(elementwise[k]))
        offset += n
    assert worst is not None
    return GradCheckReport(tuple(layers), worst, epsilon, int(indices.size))


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0.0 else float(np.linalg.norm(a - b) / denom)
