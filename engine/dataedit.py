"""Add and remove data points by hand (clicking in the output view, as in ConvNetJS).

An edited data set becomes custom data holding every point, all of them training points (a
hand-made set has no separate test set). The scenario changes; the caller rebuilds the trainer
and may keep the weights when the architecture stays the same.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from engine.datasets import Dataset
from engine.scenario import CustomData, Scenario, validate

MIN_POINTS = 2


def _as_custom(scenario: Scenario, x: np.ndarray, y: np.ndarray, ds: Dataset) -> Scenario:
    custom = CustomData(x, y, ds.task, ds.domain, ds.input_names,
                        ds.class_names if ds.task == "classification" else ())
    data = replace(scenario.data, dataset="custom", custom=custom, train_fraction=1.0)
    return validate(replace(scenario, data=data))


def _check_plane(ds: Dataset) -> None:
    if ds.n_inputs > 2:
        raise ValueError(f"points are added and removed by clicking on 1- or 2-input data; this "
                         f"data has {ds.n_inputs} inputs (edit its table instead)")


def add_point(scenario: Scenario, ds: Dataset, position: tuple[float, float],
              label: float) -> Scenario:
    """The scenario with one more point. ``position`` is (x₁, x₂) for 2-D data and (x₁, target)
    for 1-D regression (the target is then the second coordinate and ``label`` is ignored)."""
    if not all(np.isfinite(position)):
        raise ValueError("the point must have finite coordinates")
    _check_plane(ds)
    if ds.n_inputs == 1:
        if ds.task != "regression":
            raise ValueError("add points to 1-D data only for regression; this is a truth table")
        x = np.vstack([ds.x, [[position[0]]]])
        y = np.append(ds.y.astype(float), position[1])
    else:
        if ds.task == "regression":
            raise ValueError("adding points by clicking works for classification and 1-D "
                             "regression (a click gives no target value here)")
        if not 0 <= int(label) < ds.n_classes:
            raise ValueError(f"class {label} does not exist (classes 0..{ds.n_classes - 1})")
        x = np.vstack([ds.x, [list(position)]])
        y = np.append(ds.y, int(label))
    return _as_custom(scenario, x, y, ds)


def remove_nearest(scenario: Scenario, ds: Dataset, position: tuple[float, float]) -> Scenario:
    """The scenario without the point nearest ``position`` (same coordinates as add_point)."""
    _check_plane(ds)
    if ds.n_samples <= MIN_POINTS:
        raise ValueError(f"a data set needs at least {MIN_POINTS} points")
    second = ds.x[:, 1] if ds.n_inputs >= 2 else ds.y.astype(float)
    k = int(np.argmin((ds.x[:, 0] - position[0]) ** 2 + (second - position[1]) ** 2))
    keep = np.arange(ds.n_samples) != k
    y = ds.y[keep]
    if ds.task == "classification" and len(np.unique(y)) < ds.n_classes:
        raise ValueError(f"that is the last point of class {int(ds.y[k])}; every class needs "
                         "at least one point")
    return _as_custom(scenario, ds.x[keep], y, ds)
