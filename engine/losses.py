"""Loss functions, their reductions over the batch, and which output activations they accept.

Conventions (N samples in the batch, K output units, o the output, t the target):

* ``mse``  — mean squared error, ℓₙ = meanₖ (oₙₖ − tₙₖ)²: the notebooks' ``np.mean((o − t)**2)``.
* ``half_se`` — half squared error, ℓₙ = ½ Σₖ (oₙₖ − tₙₖ)²: TensorFlow Playground's convention.
* ``bce`` — binary cross-entropy, ℓₙ = −meanₖ [t log o + (1 − t) log(1 − o)], sigmoid outputs.
* ``cce`` — categorical cross-entropy, ℓₙ = −Σₖ t log o, softmax output.

The batch loss is ``mean`` (1/N Σₙ ℓₙ) or ``sum`` (Σₙ ℓₙ). Notebooks that add gradients over
the batch without dividing by N use ``sum``.

Cross-entropies are evaluated from the pre-activation z (log-sum-exp and softplus forms), so
there is no log(0) and no overflow however large the logits grow. Their output error is the
well-known δ = o − t, which is also what the notebooks write.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.activations import get_activation

REDUCTIONS = ("mean", "sum")


@dataclass(frozen=True)
class Loss:
    """One loss function: its name, formula, and the scale of its output error."""

    key: str
    title: str
    formula: str
    """The per-batch formula for display with mean reduction."""
    delta_formula: str
    """∂ℓ/∂o in a form the inspector shows, before the reduction's 1/N."""
    classification_only: bool = False


LOSSES: dict[str, Loss] = {
    loss.key: loss
    for loss in (
        Loss("mse", "Mean squared error", "L = mean((o − t)²)", "∂L/∂o = 2(o − t)/K"),
        Loss("half_se", "Half squared error", "L = mean(½ Σₖ (o − t)²)", "∂L/∂o = o − t"),
        Loss(
            "bce",
            "Binary cross-entropy",
            "L = −mean(t·log o + (1 − t)·log(1 − o))",
            "δ = o − t (with sigmoid output)",
            classification_only=True,
        ),
        Loss(
            "cce",
            "Categorical cross-entropy",
            "L = −mean(Σₖ t·log o)",
            "δ = o − t (with softmax output)",
            classification_only=True,
        ),
    )
}


def get_loss(key: str) -> Loss:
    """Look a loss up by key, with a message that lists the known ones."""
    try:
        return LOSSES[key]
    except KeyError:
        raise ValueError(f"unknown loss {key!r} (known: {', '.join(LOSSES)})") from None


def check_combination(loss: str, output_activation: str, output_units: int) -> None:
    """Refuse a loss/output pairing that has no meaning, with a message that says why."""
    get_loss(loss)
    if output_activation == "softmax":
        if output_units < 2:
            raise ValueError(
                "softmax on a single output unit always outputs 1; use sigmoid for one output "
                "or give the output layer two or more units"
            )
        if loss != "cce":
            raise ValueError(
                f"softmax output needs categorical cross-entropy (cce), not {loss!r}"
            )
    if loss == "bce" and output_activation != "sigmoid":
        raise ValueError(
            f"binary cross-entropy needs a sigmoid output layer, not {output_activation!r} "
            "(its outputs must lie strictly between 0 and 1)"
        )
    if loss == "cce" and output_activation != "softmax":
        raise ValueError(
            f"categorical cross-entropy needs a softmax output layer, not {output_activation!r}"
        )


def is_combined(loss: str) -> bool:
    """Whether the output error is simply o − t (cross-entropy with its matching activation)."""
    return loss in ("bce", "cce")


def error_scale(loss: str, reduction: str, batch: int, outputs: int) -> float:
    """The constant c in ∂L/∂o = c·(o − t) (or δ = c·(o − t) for cross-entropies)."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r} (known: mean, sum)")
    per_sample = {"mse": 2.0 / outputs, "half_se": 1.0, "bce": 1.0 / outputs, "cce": 1.0}[loss]
    return per_sample / batch if reduction == "mean" else per_sample


def _softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def per_sample_loss(loss: str, z: np.ndarray, o: np.ndarray, t: np.ndarray) -> np.ndarray:
    """ℓₙ for every sample. Arrays are (N, K): pre-activation z, output o, target t."""
    if loss == "mse":
        return np.mean((o - t) ** 2, axis=1)
    if loss == "half_se":
        return 0.5 * np.sum((o - t) ** 2, axis=1)
    if loss == "bce":
        # −[t log σ(z) + (1 − t) log(1 − σ(z))] = softplus(z) − t·z
        return np.mean(_softplus(z) - t * z, axis=1)
    if loss == "cce":
        m = np.max(z, axis=1, keepdims=True)
        logsumexp = (m + np.log(np.sum(np.exp(z - m), axis=1, keepdims=True)))[:, 0]
        return logsumexp - np.sum(t * z, axis=1)
    raise ValueError(f"unknown loss {loss!r}")


def batch_loss(loss: str, reduction: str, z: np.ndarray, o: np.ndarray, t: np.ndarray) -> float:
    """The reduced loss over a batch. Arrays are (N, K)."""
    values = per_sample_loss(loss, z, o, t)
    if reduction == "mean":
        return float(np.mean(values)) if values.size else float("nan")
    if reduction == "sum":
        return float(np.sum(values))
    raise ValueError(f"unknown reduction {reduction!r} (known: mean, sum)")


def output_error(
    loss: str, reduction: str, output_activation: str, z: np.ndarray, o: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """δ = ∂L/∂z for the output layer, readable form (N, K). Used as a reference."""
    n, k = o.shape
    c = error_scale(loss, reduction, n, k)
    if is_combined(loss):
        return c * (o - t)
    return c * (o - t) * get_activation(output_activation).derivative(z, o)
