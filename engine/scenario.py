"""A complete, named training scenario: data, features, architecture, loss, optimiser and
initialisation. Presets are scenarios stored as JSON; workspaces embed one.

The usual import path for scenarios. The dataclasses and their cross-field rules live in
``engine.scenario_spec``; reading and writing them as JSON in ``engine.io.scenario_json``.
"""

from __future__ import annotations

from engine.initializers import InitSpec
from engine.io.scenario_json import (
    scenario_from_dict,
    scenario_to_dict,
    weights_from_json,
    weights_to_json,
)
from engine.network import LayerSpec
from engine.scenario_spec import (
    MAX_CUSTOM_SAMPLES,
    MAX_SEED,
    CustomData,
    DataSpec,
    ModelSpec,
    Scenario,
    TrainSpec,
    dataset_shape,
    fit_to_data,
    input_names,
    network_spec,
    output_units,
    validate,
)

__all__ = [
    "MAX_CUSTOM_SAMPLES",
    "MAX_SEED",
    "CustomData",
    "DataSpec",
    "InitSpec",
    "LayerSpec",
    "ModelSpec",
    "Scenario",
    "TrainSpec",
    "dataset_shape",
    "fit_to_data",
    "input_names",
    "network_spec",
    "output_units",
    "scenario_from_dict",
    "scenario_to_dict",
    "validate",
    "weights_from_json",
    "weights_to_json",
]
