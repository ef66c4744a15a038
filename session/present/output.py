"""What the output view shows, decided without Qt: where 1-D class points sit and whether
the map can be discretized."""

from __future__ import annotations

import numpy as np

from engine.activations import get_activation
from session.snapshot import Snapshot


def class_heights(labels: np.ndarray, output_activation: str) -> np.ndarray:
    """Where 1-D class points sit on the output axis: the engine's own targets for the two
    classes (0/1 for sigmoid and ReLU, −1/1 for tanh and linear), (N,) for labels (N,)."""
    low, high = get_activation(output_activation).class_targets
    return np.where(labels == 1, high, low)


def can_discretize(snap: Snapshot) -> bool:
    """Discretize applies to plane maps of classification (any problem with TF's rules)."""
    d = snap.data
    return d.n_inputs >= 2 and (d.task == "classification" or snap.scenario.train.tf_rules)
