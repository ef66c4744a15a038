"""Loss functions: one frozen ``Loss`` per function, carrying every form of it.

Conventions (N samples in the batch, K output units, o the output, t the target):

* ``mse``  — mean squared error, ℓₙ = meanₖ (oₙₖ − tₙₖ)²: the notebooks' ``np.mean((o − t)**2)``.
* ``half_se`` — half squared error, ℓₙ = ½ Σₖ (oₙₖ − tₙₖ)²: TensorFlow Playground's convention.
* ``bce`` — binary cross-entropy, ℓₙ = −meanₖ [t log o + (1 − t) log(1 − o)], sigmoid outputs.
* ``cce`` — categorical cross-entropy, ℓₙ = −Σₖ t log o, softmax output.

The batch loss is ``mean`` (1/N Σₙ ℓₙ) or ``sum`` (Σₙ ℓₙ). Notebooks that add gradients over
the batch without dividing by N use ``sum``.

Each ``Loss`` holds its per-sample value (readable, arrays (N, K)), a call builder for the
precompiled evaluation (internal layout (K, N), see ``engine.program``), the constant of its
output error ∂ℓₙ/∂o = c·(o − t), its formula text for the inspector and the output activation
it pairs with. Cross-entropies are evaluated from the pre-activation z (log-sum-exp and
softplus forms), so there is no log(0) and no overflow however large the logits grow. Their
output error is the well-known δ = o − t, which is also what the notebooks write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType

import numpy as np

from engine.activations import get_activation
from engine.calls import dot, flat_view

Call = Callable[[], object]


@dataclass(frozen=True)
class LossTerms:
    """Calls that leave a set's raw loss terms in ``values``, and how to sum them.

    ``values`` is (K, N) or (N,): summed over a set of columns (squared first when
    ``squared``) they give that set's raw total, so one buffer serves several sets evaluated
    side by side. Sums are dot products (with themselves or with ones): one BLAS call each,
    far cheaper than ``np.sum``."""

    calls: list[Call]
    values: np.ndarray
    squared: bool = False


TermsBuilder = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None], LossTerms]

REDUCTIONS = ("mean", "sum")


@dataclass(frozen=True, kw_only=True)
class Loss:
    """One loss function in every form the playground needs (see the module docstring)."""

    key: str
    title: str
    mean_text: str
    """The inspector's formula with mean reduction; ``{o}`` stands for the output's name."""
    sum_text: str
    """The same with sum reduction."""
    delta_factor: str = ""
    """The constant written before (o − y) in the output error, e.g. ``2/K·``."""
    per_sample: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
    """ℓₙ from z, o, t, each (N, K); returns (N,)."""
    terms_builder: TermsBuilder
    """(z, o, y, z_max) → the raw loss terms (``LossTerms``); z, o, y (K, N). ``z_max`` (N,),
    when not None, holds z's column maxima before the calls run."""
    value_weight: float
    """Σₙ ℓₙ = value_weight (÷ K when ``per_output``) × the builder's total."""
    error_weight: float
    """∂ℓₙ/∂o (∂ℓₙ/∂z when combined) = error_weight (÷ K when ``per_output``) × (o − t)."""
    per_output: bool = False
    """Whether ℓₙ averages over the K outputs (so both weights are divided by K)."""
    requires_output: str | None = None
    """The output activation it needs; with it the output error is simply δ = c·(o − t)."""
    refusal: str = ""
    """Why another output activation is refused; ``{activation!r}`` is filled in."""
    classification_only: bool = False

    @property
    def combined(self) -> bool:
        """Whether δ = ∂ℓ/∂z is c·(o − t) (cross-entropy with its matching activation)."""
        return self.requires_output is not None

    def formula_text(self, reduction: str, output: str) -> str:
        """The batch loss for the inspector, e.g. ``L = mean(½ Σₖ (a² − y)²)``."""
        return (self.sum_text if reduction == "sum" else self.mean_text).format(o=output)

    def delta_text(self, output: str, scale: str) -> str:
        """The output error before any f′ factor, e.g. ``(1/N)·2/K·(a² − y)``."""
        return f"{scale}{self.delta_factor}({output} − y)"

    def sample_weight(self, outputs: int) -> float:
        """Σₙ ℓₙ per unit of the builder's total."""
        return self.value_weight / outputs if self.per_output else self.value_weight

    def error_scale(self, reduction: str, batch: int, outputs: int) -> float:
        """The constant c in ∂L/∂o = c·(o − t) (or δ = c·(o − t) for cross-entropies)."""
        if reduction not in REDUCTIONS:
            raise ValueError(f"unknown reduction {reduction!r} (known: mean, sum)")
        c = self.error_weight / outputs if self.per_output else self.error_weight
        return c / batch if reduction == "mean" else c

    def terms(self, z: np.ndarray, o: np.ndarray, y: np.ndarray,
              z_max: np.ndarray | None = None) -> LossTerms:
        """The calls leaving the raw loss terms of the samples in (K, N) buffers z, o, y.
        Scale a set's sum of them by ``sample_weight(K)`` for Σₙ ℓₙ. ``z_max`` (N,) is for an
        evaluation that computes z's column maxima anyway (its accuracy): filled by an earlier
        call, it is read, not recomputed, by a loss that needs them."""
        return self.terms_builder(z, o, y, z_max)

    def total_calls(self, z: np.ndarray, o: np.ndarray, y: np.ndarray, total: np.ndarray,
                    z_max: np.ndarray | None = None) -> list[Call]:
        """Calls that leave the sum of all the raw loss terms in the 0-d ``total``."""
        terms = self.terms(z, o, y, z_max)
        flat = flat_view(terms.values)
        return [*terms.calls, partial(dot, flat, flat if terms.squared else np.ones(flat.size),
                                      total)]

    def batch_value(self, reduction: str, z: np.ndarray, o: np.ndarray, t: np.ndarray) -> float:
        """The reduced loss over a batch. Arrays are (N, K)."""
        return reduce_losses(self.per_sample(z, o, t), reduction)


def reduce_losses(values: np.ndarray, reduction: str) -> float:
    """The batch loss from the per-sample losses ℓₙ (N,): their mean or sum (NaN if empty)."""
    if reduction == "mean":
        return float(np.mean(values)) if values.size else float("nan")
    if reduction == "sum":
        return float(np.sum(values))
    raise ValueError(f"unknown reduction {reduction!r} (known: mean, sum)")



def _softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _squares_terms(z: np.ndarray, o: np.ndarray, y: np.ndarray,
                   z_max: np.ndarray | None = None) -> LossTerms:
    """(o − y)², kept as the difference: its sum is a dot product with itself."""
    diff = np.empty_like(z)
    return LossTerms([partial(np.subtract, o, y, diff)], diff, squared=True)


def _cce_per_sample(z: np.ndarray, t: np.ndarray) -> np.ndarray:
    """ℓₙ = log Σₖ e^(zₙₖ − mₙ) − Σₖ tₙₖ (zₙₖ − mₙ), mₙ the row maximum of z (N, K): two terms
    ≥ 0 (Σₖ tₙₖ = 1), so a confident prediction's tiny loss keeps its digits."""
    shifted = z - np.max(z, axis=1, keepdims=True)
    return np.log(np.sum(np.exp(shifted), axis=1)) - np.sum(t * shifted, axis=1)


def _bce_terms(z: np.ndarray, o: np.ndarray, y: np.ndarray,
               z_max: np.ndarray | None = None) -> LossTerms:
    """log(1 + e^z) − y·z = −[y log σ(z) + (1 − y) log(1 − σ(z))]."""
    t1, t2 = np.empty_like(z), np.empty_like(z)
    return LossTerms([partial(np.logaddexp, np.zeros_like(z), z, t1),
                      partial(np.multiply, y, z, t2), partial(np.subtract, t1, t2, t1)], t1)


def _cce_terms(z: np.ndarray, o: np.ndarray, y: np.ndarray,
               z_max: np.ndarray | None = None) -> LossTerms:
    """ℓₙ = log Σₖ e^(zₙₖ − mₙ) − Σₖ yₙₖ (zₙₖ − mₙ) per sample (N,), mₙ the column maximum
    (Σₖ yₙₖ = 1). Each sample's loss is formed before summing, from two terms ≥ 0, so a
    confident classifier's tiny loss is not lost to the cancellation of two large numbers."""
    shifted, work = np.empty_like(z), np.empty_like(z)
    n = z.shape[1]
    top = np.empty(n) if z_max is None else z_max
    logs, gaps = np.empty(n), np.empty(n)
    ones = np.ones(z.shape[0])  # column sums as a product (BLAS), cheaper than add.reduce
    maxima: list[Call] = [] if z_max is not None else [
        partial(np.maximum.reduce, z, 0, None, top)]
    return LossTerms([
        *maxima,
        partial(np.subtract, z, top, shifted), partial(np.exp, shifted, work),
        partial(dot, ones, work, logs), partial(np.log, logs, logs),
        partial(np.multiply, y, shifted, work), partial(dot, ones, work, gaps),
        partial(np.subtract, logs, gaps, logs),
    ], logs)


MSE = Loss(
    key="mse", title="Mean squared error",
    mean_text="L = mean(({o} − y)²)", sum_text="L = Σₙ(meanₖ ({o} − y)²)", delta_factor="2/K·",
    per_sample=lambda z, o, t: np.mean((o - t) ** 2, axis=1),
    terms_builder=_squares_terms, value_weight=1.0, error_weight=2.0, per_output=True,
)
HALF_SE = Loss(
    key="half_se", title="Half squared error",
    mean_text="L = mean(½ Σₖ ({o} − y)²)", sum_text="L = Σₙ(½ Σₖ ({o} − y)²)",
    per_sample=lambda z, o, t: 0.5 * np.sum((o - t) ** 2, axis=1),
    terms_builder=_squares_terms, value_weight=0.5, error_weight=1.0,
)
BCE = Loss(
    key="bce", title="Binary cross-entropy",
    mean_text="L = −mean(y·log {o} + (1 − y)·log(1 − {o}))",
    sum_text="L = −Σₙ(y·log {o} + (1 − y)·log(1 − {o}))",
    # −[t log σ(z) + (1 − t) log(1 − σ(z))] = softplus(z) − t·z
    per_sample=lambda z, o, t: np.mean(_softplus(z) - t * z, axis=1),
    terms_builder=_bce_terms, value_weight=1.0, error_weight=1.0, per_output=True,
    requires_output="sigmoid", classification_only=True,
    refusal=("binary cross-entropy needs a sigmoid output layer, not {activation!r} "
             "(its outputs must lie strictly between 0 and 1)"),
)
CCE = Loss(
    key="cce", title="Categorical cross-entropy",
    mean_text="L = −mean(Σₖ y·log {o})", sum_text="L = −Σₙ(Σₖ y·log {o})",
    per_sample=lambda z, o, t: _cce_per_sample(z, t),
    terms_builder=_cce_terms, value_weight=1.0, error_weight=1.0,
    requires_output="softmax", classification_only=True,
    refusal="categorical cross-entropy needs a softmax output layer, not {activation!r}",
)

LOSSES: Mapping[str, Loss] = MappingProxyType({x.key: x for x in (MSE, HALF_SE, BCE, CCE)})


def get_loss(key: str) -> Loss:
    """Look a loss up by key, with a message that lists the known ones."""
    try:
        return LOSSES[key]
    except KeyError:
        raise ValueError(f"unknown loss {key!r} (known: {', '.join(LOSSES)})") from None


def check_combination(loss: str, output_activation: str, output_units: int) -> None:
    """Refuse a loss/output pairing that has no meaning, with a message that says why."""
    chosen = get_loss(loss)
    act = get_activation(output_activation)
    if output_units < act.min_units:
        raise ValueError(act.few_units_refusal)
    if act.only_loss is not None and loss != act.only_loss:
        needed = get_loss(act.only_loss)
        raise ValueError(f"{act.key} output needs {needed.title.lower()} ({needed.key}), "
                         f"not {loss!r}")
    if chosen.requires_output is not None and output_activation != chosen.requires_output:
        raise ValueError(chosen.refusal.format(activation=output_activation))


def is_combined(loss: str) -> bool:
    """Whether the output error is simply o − t (cross-entropy with its matching activation)."""
    return get_loss(loss).combined


def error_scale(loss: str, reduction: str, batch: int, outputs: int) -> float:
    """The constant c in ∂L/∂o = c·(o − t) (or δ = c·(o − t) for cross-entropies)."""
    return get_loss(loss).error_scale(reduction, batch, outputs)


def per_sample_loss(loss: str, z: np.ndarray, o: np.ndarray, t: np.ndarray) -> np.ndarray:
    """ℓₙ for every sample. Arrays are (N, K): pre-activation z, output o, target t."""
    return get_loss(loss).per_sample(z, o, t)


def batch_loss(loss: str, reduction: str, z: np.ndarray, o: np.ndarray, t: np.ndarray) -> float:
    """The reduced loss over a batch. Arrays are (N, K)."""
    return get_loss(loss).batch_value(reduction, z, o, t)


def output_error(
    loss: str, reduction: str, output_activation: str, z: np.ndarray, o: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """δ = ∂L/∂z for the output layer, readable form (N, K). Used as a reference."""
    n, k = o.shape
    chosen = get_loss(loss)
    c = chosen.error_scale(reduction, n, k)
    if chosen.combined:
        return c * (o - t)
    return c * (o - t) * get_activation(output_activation).derivative(z, o)
