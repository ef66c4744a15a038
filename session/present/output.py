"""What the output view shows, decided without Qt: where 1-D class points sit, where samples
sit on the plane the map shows, and whether the map can be discretized."""

from __future__ import annotations

import numpy as np

from engine.activations import get_activation
from engine.map_plane import PcaPlane
from engine.maps import PlaneMaps
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


def plane_xy(snap: Snapshot, test: bool = False) -> np.ndarray:
    """Where the training (or ``test``) samples sit on the plane the map shows, (N, 2): on
    the PCA plane their projections, else the two chosen raw columns (N ≥ 0)."""
    maps, d = snap.maps, snap.data
    x = d.x_test if test else d.x_train
    if isinstance(maps, PlaneMaps) and maps.pca is not None:
        return maps.pca.test_xy if test else maps.pca.train_xy
    axes = maps.axes if isinstance(maps, PlaneMaps) else (0, 1)
    return np.asarray(x)[:, list(axes)] if len(x) else np.zeros((0, 2))


def pca_titles(pca: PcaPlane) -> tuple[str, str]:
    """The PCA plane's axis titles: "PC 1 (34 % of the variance)", "PC 2 (…)"."""
    first, second = pca.variance
    return f"PC 1 ({first:.0%} of the variance)", f"PC 2 ({second:.0%} of the variance)"


def same_plane(a: PcaPlane | None, b: PcaPlane | None) -> bool:
    """Whether two snapshots' PCA planes are one: compared by value, as each snapshot that
    crosses from the training process arrives as a new object."""
    if a is None or b is None:
        return a is b
    return a is b or (a.domain == b.domain and a.variance == b.variance
                      and np.array_equal(a.readers, b.readers))
