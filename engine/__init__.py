"""Backprop Playground's engine: a pure-NumPy, float64 neural-network trainer whose every
intermediate is visible. It never imports Qt; scripts, the CLI and the window all use it.

The public API is documented in the README ("Scripting the engine").
"""

__version__ = "0.1.0"

from engine.activations import ACTIVATIONS, Activation, get_activation
from engine.datasets import DATASETS, Dataset, from_arrays, generate, split
from engine.features import FEATURES, available_features, compute_features
from engine.gradcheck import GradCheckReport, gradient_check
from engine.history import History, Metrics
from engine.initializers import INIT_SCHEMES, InitSpec, initialize
from engine.losses import LOSSES, REDUCTIONS, Loss, get_loss
from engine.network import LayerSpec, NetworkSpec, Parameters
from engine.optimizers import OPTIMIZERS, REGULARIZATIONS, OptimizerSpec
from engine.scenario import (
    CustomData,
    DataSpec,
    ModelSpec,
    Scenario,
    TrainSpec,
    scenario_from_dict,
    scenario_to_dict,
)
from engine.trace import PhaseStepper, StepTrace
from engine.trainer import Divergence, Trainer, TrainReport

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "FEATURES",
    "INIT_SCHEMES",
    "LOSSES",
    "OPTIMIZERS",
    "REDUCTIONS",
    "REGULARIZATIONS",
    "Activation",
    "CustomData",
    "DataSpec",
    "Dataset",
    "Divergence",
    "GradCheckReport",
    "History",
    "InitSpec",
    "LayerSpec",
    "Loss",
    "Metrics",
    "ModelSpec",
    "NetworkSpec",
    "OptimizerSpec",
    "Parameters",
    "PhaseStepper",
    "Scenario",
    "StepTrace",
    "TrainReport",
    "TrainSpec",
    "Trainer",
    "available_features",
    "compute_features",
    "from_arrays",
    "generate",
    "get_activation",
    "get_loss",
    "gradient_check",
    "initialize",
    "scenario_from_dict",
    "scenario_to_dict",
    "split",
]
