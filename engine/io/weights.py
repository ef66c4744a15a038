"""Weights read from a file, and putting them to use.

:class:`ImportedWeights` is what every reader (``engine.io.weights_file.read_weights``: NPZ,
JSON, ONNX or safetensors) returns; :class:`WeightsError` is every refusal, one line naming
the file.

``apply_weights(trainer, imported)`` loads the weights into a trainer whose network has the
same architecture and otherwise names the first layer that differs::

    layer 1: the file has W (2, 8), this network has W (2, 4)

``scenario_for_weights(scenario, imported)`` adopts the file's architecture (features, hidden
layers, activations, biases) into a copy of a scenario, so a caller can rebuild the network
around the file's weights; ``with_start_weights(scenario, imported)`` makes the file's weights
a scenario's explicit start weights. Nothing here changes a trainer unless everything is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from engine.data.scaling import Scaling
from engine.features import feature_problem
from engine.io.validate import one_line
from engine.network import LayerSpec, NetworkSpec
from engine.scenario import (
    ModelSpec,
    Scenario,
    dataset_shape,
    fit_to_data,
    network_spec,
    output_units,
    validate,
)

if TYPE_CHECKING:
    from engine.trainer import Trainer

Layers = tuple[tuple[np.ndarray, np.ndarray | None], ...]
"""((W, b), …) per layer: W (n_in, n_out) float64, b (n_out,) or None without biases."""


class WeightsError(ValueError):
    """A weights file that cannot be read or does not fit; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


@dataclass(frozen=True, eq=False)
class ImportedWeights:
    """A network read from a file: weights in the public (n_in, n_out) convention."""

    layers: Layers
    """((W, b), …) per layer, W (n_in, n_out) float64, b (n_out,) or None without biases."""
    activations: tuple[str, ...]
    """One per layer, the output activation last."""
    sizes: tuple[int, ...]
    """Units per layer, inputs (features) first: e.g. (2, 4, 2, 1)."""
    use_bias: bool
    features: tuple[str, ...]
    """The input features the network reads, in order (e.g. ("x1", "x2", "x1_sq"))."""
    loss: str | None
    """The loss the weights were trained with, when the file says."""
    source_format: str
    """"npz", "json", "onnx" or "safetensors"."""
    reduction: str | None = None
    epoch: int | None = None
    scaling: Scaling | None = None
    """The file's ``normalization``: the network reads (features − mean) / std."""

    @property
    def standardized(self) -> bool:
        return self.scaling is not None

    @property
    def hidden(self) -> tuple[LayerSpec, ...]:
        """The hidden layers as LayerSpecs (as in ModelSpec.hidden)."""
        return tuple(LayerSpec(n, a) for n, a in zip(self.sizes[1:-1], self.activations[:-1],
                                                    strict=True))

    @property
    def output_activation(self) -> str:
        return self.activations[-1]

    @property
    def shapes(self) -> list[tuple[int, int]]:
        return [(self.sizes[i], self.sizes[i + 1]) for i in range(len(self.sizes) - 1)]

    def describe(self) -> str:
        """A short summary for a dialog: '2-4-2-1, tanh/tanh/tanh, biases, features x1, x2'."""
        return (f"{'-'.join(map(str, self.sizes))}, {'/'.join(self.activations)}, "
                f"{'biases' if self.use_bias else 'no biases'}, features "
                f"{', '.join(self.features)}")


# ---------------------------------------------------------------------------------------------
# Using imported weights
# ---------------------------------------------------------------------------------------------


def check_compatible(
    spec: NetworkSpec, features: tuple[str, ...], imported: ImportedWeights, strict: bool = True
) -> None:
    """Raise WeightsError naming the first difference between the file's network and ``spec``.

    Shapes and biases must always match; with ``strict`` the activations and the input
    features must match too (the same shapes with other activations or features would compute
    something else).
    """
    ours = spec.shapes()
    theirs = imported.shapes
    for l in range(1, max(len(ours), len(theirs)) + 1):
        a = f"W {theirs[l - 1]}" if l <= len(theirs) else "no such layer"
        b = f"W {ours[l - 1]}" if l <= len(ours) else "no such layer"
        if a != b:
            raise WeightsError(f"layer {l}: the file has {a}, this network has {b} (the file's "
                               f"network is {'-'.join(map(str, imported.sizes))}, this one "
                               f"{'-'.join(map(str, spec.sizes))})")
    if imported.use_bias != spec.use_bias:
        have = ("the file has biases, this network has none" if imported.use_bias
                else "the file has no biases, this network has them")
        raise WeightsError(f"biases: {have}")
    if not strict:
        return
    for l, (theirs_act, layer) in enumerate(zip(imported.activations, spec.layers, strict=True),
                                            start=1):
        if theirs_act != layer.activation:
            raise WeightsError(f"layer {l}: the file uses {theirs_act}, this network uses "
                               f"{layer.activation}")
    if tuple(features) != imported.features:
        raise WeightsError(f"features: the file's network reads {', '.join(imported.features)}, "
                           f"this one reads {', '.join(features)}")


def check_scaling(ours: Scaling | None, theirs: Scaling | None) -> None:
    """Raise WeightsError when the file's network reads its inputs standardised differently
    from this run (then its weights would compute something else here)."""
    if ours is None and theirs is None:
        return
    if theirs is None:
        raise WeightsError("standardisation: the file's network reads raw features, this run "
                           "standardises them")
    if ours is None:
        raise WeightsError("standardisation: the file's network reads standardised features, "
                           "this run reads them raw")
    if not theirs.matches(ours):
        raise WeightsError("standardisation: the file's network was trained with other means "
                           "and deviations (another training split or data)")


def apply_weights(trainer: Trainer, imported: ImportedWeights, strict: bool = True) -> None:
    """Load the file's weights into ``trainer`` (same architecture only).

    Raises WeightsError, leaving the trainer untouched, when the architecture differs (see
    ``check_compatible``); otherwise replaces every weight and bias at once and resets the
    optimiser's moving state (``Trainer.set_parameters``). Epoch and history are kept.
    """
    check_compatible(trainer.spec, tuple(trainer.scenario.data.features), imported, strict)
    if strict:
        check_scaling(trainer.split.scaling, imported.scaling)
    try:
        trainer.set_parameters([(w.copy(), None if b is None else b.copy())
                                for w, b in imported.layers])
    except ValueError as e:
        raise WeightsError(str(e)) from None


def with_start_weights(scenario: Scenario, imported: ImportedWeights,
                       strict: bool = True) -> Scenario:
    """A copy of ``scenario`` whose explicit start weights are the file's, so a new Trainer
    starts (and resets) from them. The scenario's network must match the file's."""
    check_compatible(network_spec(scenario), tuple(scenario.data.features), imported, strict)
    weights = tuple((w.copy(), None if b is None else b.copy()) for w, b in imported.layers)
    return validate(replace(scenario, init=replace(scenario.init, scheme="explicit"),
                            initial_weights=weights))


def scenario_for_weights(scenario: Scenario, imported: ImportedWeights) -> Scenario:
    """A copy of ``scenario`` with the file's architecture: its input features, hidden layers,
    activations, output activation and biases (and its loss, when known and suitable).

    The data stays. Raises WeightsError when the file's network cannot work on this data: a
    feature that needs a second input on 1-D data, or an output layer of the wrong width (3
    softmax units for 2 classes) or kind (softmax for regression). Explicit start weights of the
    old architecture are dropped (the init scheme becomes tf_playground). The result is a plain
    scenario: build a Trainer from it, then ``apply_weights``.
    """
    n_inputs, task, n_classes = dataset_shape(scenario.data)
    for i, f in enumerate(imported.features):
        problem = feature_problem(f, n_inputs)
        if problem is not None:
            raise WeightsError(f"features[{i}]: the file's network cannot read this data: "
                               f"{problem}")
    init = scenario.init
    if init.scheme == "explicit":
        init = replace(init, scheme="tf_playground")
    train = scenario.train
    if imported.loss is not None:
        train = replace(train, loss=imported.loss)
    if imported.reduction is not None:
        train = replace(train, reduction=imported.reduction)
    candidate = replace(
        scenario,
        data=replace(scenario.data, features=imported.features,
                     standardize=imported.standardized),
        input_scaling=imported.scaling.as_tuples() if imported.scaling is not None else None,
        model=ModelSpec(imported.hidden, imported.output_activation, imported.use_bias),
        init=init,
        train=train,
        initial_weights=None,
    )
    try:
        result = validate(candidate)
    except ValueError as first:
        # Perhaps only the loss does not suit this data: let fit_to_data pick one, but never
        # let it change the architecture.
        try:
            result, _ = fit_to_data(candidate)
        except ValueError:
            raise WeightsError(f"the file's network does not suit this data: {first}") from None
        out = imported.output_activation
        if result.model.output_activation != out:
            what = "regression" if task == "regression" else f"{n_classes} classes"
            raise WeightsError(f"the file's network does not suit this data: its output "
                               f"activation {out} cannot be used for {what}") from None
        if result.data.features != candidate.data.features or result.model != candidate.model:
            raise WeightsError(f"the file's network does not suit this data: {first}") from None
        result = replace(result, input_scaling=candidate.input_scaling)
    n_out = output_units(result)
    if n_out != imported.sizes[-1]:
        what = f"{n_classes} classes" if task == "classification" else "regression"
        raise WeightsError(f"layer {len(imported.sizes) - 1}: the file has "
                           f"{imported.sizes[-1]} outputs, this data ({what}) needs {n_out}")
    check_compatible(network_spec(result), tuple(result.data.features), imported)
    return result
