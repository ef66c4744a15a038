"""Check backpropagation against central finite differences, for every parameter.

The numerical side is independent of the fast path: it evaluates the objective
J(θ) = L(batch) + regularisation penalty with a plain readable forward pass, nudging each
parameter by ±ε. The analytic side is the trainer's own backward phases plus the
regularisation gradient, exactly what an update would use.

Central differences have a noise floor: J itself is only known to a few ulps, so each
numerical derivative carries an error of about ε_machine·|J|/ε (≈ 1e-10 for J ≈ 0.5 and
ε = 1e-6). Where gradients are tiny — the first layers of a deep sigmoid net, which is the
point of the vanishing-gradients preset — that floor, not backprop, dominates the relative
error. So each layer also reports the floor, and a layer whose difference lies within it
counts as agreeing, with the summary saying how far finite differences can see there.

Dropout: a training step differentiates the network with that step's masks, so the check
holds the masks fixed on both sides — the masks the next step will draw (its first samples
when the check takes fewer), or an extra step's for other samples — and checks exactly the
function the step differentiates. (Fresh masks at every ±ε would check nothing.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from engine.dropout import MaskClock, has_dropout, step_masks
from engine.layout import weight_name
from engine.losses import batch_loss
from engine.network import Parameters, forward_pass
from engine.notation import sub, sup
from engine.program import StepProgram

if TYPE_CHECKING:
    from engine.trainer import Trainer


TOLERANCE = 1e-6
"""A layer agrees when its relative error is below this, or its difference is noise."""

NOISE_MARGIN = 4.0
"""How many noise floors a difference may reach and still count as noise (measured: actual
differences are 0.2–0.5 floors on the presets)."""


@dataclass(frozen=True)
class LayerCheck:
    """Agreement for one layer: relative error ‖g_bp − g_num‖ / (‖g_bp‖ + ‖g_num‖)."""

    layer: int  # 1-based
    relative_error: float
    n_parameters: int
    difference: float = 0.0
    """‖g_bp − g_num‖ over the layer's parameters."""
    noise: float = 0.0
    """The finite differences' own error over the layer: √n · ε_machine·|J| / ε."""

    @property
    def precise(self) -> bool:
        """Agrees to the tolerance in relative terms."""
        return self.relative_error < TOLERANCE

    @property
    def agrees(self) -> bool:
        """Agrees to the tolerance, or differs by no more than finite differences' noise."""
        return self.precise or self.difference <= NOISE_MARGIN * self.noise


@dataclass(frozen=True)
class WorstParameter:
    layer: int  # 1-based
    name: str  # as the inspector writes it, 1-based: "w¹₁,₂" or "b²₃"
    backprop: float
    numerical: float
    relative_error: float


@dataclass(frozen=True)
class GradCheckReport:
    layers: tuple[LayerCheck, ...]
    worst: WorstParameter
    """The parameter that agrees least, taken from the layers that do not agree if any."""
    epsilon: float
    n_samples: int
    skipped: int = 0
    """Weights left out because they sit within ε of L1's corner at 0 (no derivative there)."""
    dropout: bool = False
    """True when the network has dropout: both sides used the step's masks, held fixed."""

    @property
    def max_relative_error(self) -> float:
        return max(c.relative_error for c in self.layers)

    @property
    def agrees(self) -> bool:
        return all(c.agrees for c in self.layers)

    def summary(self) -> str:
        """One plain-language sentence for the window and the CLI."""
        text = self._verdict()
        if self.dropout:
            text += " (with this step's dropout masks held fixed)"
        if self.skipped:
            text += (f" ({self.skipped} weight{'s' * (self.skipped != 1)} within ε of zero "
                     "left out: L1's |w| has a corner there)")
        return text

    def _verdict(self) -> str:
        err = self.max_relative_error
        if err < TOLERANCE:
            return f"backprop agrees with numerical differentiation to {err:.0e}"
        if not self.agrees:
            err = max(c.relative_error for c in self.layers if not c.agrees)
            return (
                f"backprop and numerical differentiation differ by up to {err:.1e} "
                f"(worst: {self.worst.name}, in layer {self.worst.layer})"
            )
        precise = [c for c in self.layers if c.precise]
        faint = [c.layer for c in self.layers if not c.precise]
        noise = max(c.difference for c in self.layers if not c.precise)
        where = _layer_list(faint)
        lead = (f"backprop agrees with numerical differentiation to "
                f"{max(c.relative_error for c in precise):.0e} in "
                f"{_layer_list([c.layer for c in precise])}; in {where}"
                if precise else f"backprop agrees with numerical differentiation; in {where}")
        return (f"{lead} the gradients are too small for finite differences to check closely: "
                f"the two differ by {noise:.0e}, within the finite differences' own noise")


def objective(trainer: Trainer, params: Parameters, x: np.ndarray, y: np.ndarray,
              masks: Masks | None = None) -> float:
    """J = batch loss (training reduction) + regularisation penalty, by a readable forward
    (with dropout: the given masks, {layer: (N, n_l) mask × 1/(1 − p)})."""
    z, a = forward_pass(params, x, masks)[-1]
    t = trainer.scenario.train
    value = batch_loss(t.loss, t.reduction, z, a, y)
    opt = t.optimizer
    weights = params.flat * params.weight_mask
    if opt.regularization == "l2":
        value += 0.5 * opt.reg_rate * float(np.sum(weights**2))
    elif opt.regularization == "l1":
        value += opt.reg_rate * float(np.sum(np.abs(weights)))
    return value


Masks = dict[int, np.ndarray]
"""{layer (1-based): (N, n_l) dropout mask × 1/(1 − p)} for the checked samples."""


def step_masks_for(trainer: Trainer, indices: np.ndarray) -> Masks | None:
    """The dropout masks a step on ``indices`` uses (None without dropout): the next regular
    step's when ``indices`` are its first samples, else an extra step's on them."""
    if not has_dropout(trainer.spec):
        return None
    seed = trainer.scenario.train.seed
    upcoming = trainer.next_batch_indices()
    if np.array_equal(upcoming[: indices.size], indices):
        clock = MaskClock(seed, trainer.epoch, trainer.batch_index)
        full = step_masks(trainer.spec, clock, upcoming.size)
        return {l: m[: indices.size] for l, m in full.items()}
    clock = MaskClock(seed, trainer.epoch, trainer.batch_index, extra=True)
    return step_masks(trainer.spec, clock, indices.size)


def backprop_gradient(trainer: Trainer, indices: np.ndarray,
                      masks: Masks | None = None) -> np.ndarray:
    """∂J/∂θ (flat) from the trainer's own backward phases, regularisation included (with
    dropout: the given masks held fixed, else an extra step's own)."""
    t = trainer.scenario.train
    grad = Parameters(trainer.spec)
    prog = StepProgram(trainer.spec, trainer.params, grad, trainer.optimizer, t.loss,
                       t.reduction, indices.size,
                       MaskClock(t.seed, trainer.epoch, trainer.batch_index, extra=True))
    if prog.dropout is not None and masks is not None:
        prog.dropout.fix(masks)
    prog.x_rows[:], prog.y[:] = trainer.split.train_columns(indices)
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
    x, y = (rows.T.copy() for rows in trainer.split.train_columns(indices))
    masks = step_masks_for(trainer, indices)
    analytic = (backprop_gradient(trainer, indices) if masks is None  # the two-argument form
                else backprop_gradient(trainer, indices, masks))
    probe = trainer.params.copy()
    numeric = np.empty_like(analytic)
    with np.errstate(all="ignore"):
        value = objective(trainer, probe, x, y, masks)
        floor = np.finfo(np.float64).eps * abs(value) / epsilon
        for i in range(probe.flat.size):
            keep = probe.flat[i]
            probe.flat[i] = keep + epsilon
            up = objective(trainer, probe, x, y, masks)
            probe.flat[i] = keep - epsilon
            down = objective(trainer, probe, x, y, masks)
            probe.flat[i] = keep
            numeric[i] = (up - down) / (2.0 * epsilon)
    # |w| has no derivative at 0: a weight within ε of it straddles the corner, and the
    # central difference there measures the corner, not backprop. Leave such weights out.
    corner = np.zeros(analytic.size, dtype=bool)
    if trainer.scenario.train.optimizer.regularization == "l1":
        corner = trainer.params.weight_mask.astype(bool) & (np.abs(probe.flat) <= epsilon)
        numeric[corner] = analytic[corner]

    layers, worsts = [], []
    offset = 0
    bias = trainer.spec.use_bias
    for li, mat in enumerate(trainer.params.mats):
        n = mat.size
        a, g = analytic[offset : offset + n], numeric[offset : offset + n]
        layers.append(LayerCheck(li + 1, _relative(a, g), n, float(np.linalg.norm(a - g)),
                                 float(floor * np.sqrt(n))))
        elementwise = np.abs(a - g) / np.maximum(np.abs(a) + np.abs(g), 1e-12)
        k = int(np.argmax(elementwise))
        j, i = divmod(k, mat.shape[1])
        layer = sup(li + 1)
        name = (f"b{layer}{sub(j + 1)}" if bias and i == 0
                else weight_name(li + 1, i - int(bias), j))
        worsts.append(WorstParameter(li + 1, name, float(a[k]), float(g[k]),
                                     float(elementwise[k])))
        offset += n
    # Blame a layer that disagrees, never one whose tiny gradients are merely at the noise floor.
    candidates = [w for w, c in zip(worsts, layers, strict=True) if not c.agrees] or worsts
    worst = max(candidates, key=lambda w: w.relative_error)
    return GradCheckReport(tuple(layers), worst, epsilon, int(indices.size), int(corner.sum()),
                           masks is not None)


def _layer_list(layers: list[int]) -> str:
    """"layer 3", "layers 1–4" or "layers 1, 3 and 5"."""
    if len(layers) == 1:
        return f"layer {layers[0]}"
    if layers == list(range(layers[0], layers[-1] + 1)):
        return f"layers {layers[0]}–{layers[-1]}"
    return "layers " + ", ".join(map(str, layers[:-1])) + f" and {layers[-1]}"


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0.0 else float(np.linalg.norm(a - b) / denom)
