"""A scenario's data as the trainer holds it: the generated (or given) data set, its targets
in the output activation's range, and the train/test split in the engine's layout."""

from __future__ import annotations

import numpy as np

from engine.activations import get_activation
from engine.data.scaling import Scaling
from engine.data.split import DataSplit, split_by
from engine.datasets import DATASETS, Dataset, generate, split
from engine.features import compute_features
from engine.scenario import Scenario, output_units


def make_targets(dataset: Dataset, output_activation: str, n_outputs: int) -> np.ndarray:
    """Targets (N, K) in the output activation's range: one-hot for softmax, {low, 1} for one
    classification output (−1/1 for tanh as in TensorFlow Playground, 0/1 for sigmoid), and the
    raw values for regression."""
    if dataset.task == "regression":
        return dataset.y.astype(np.float64).reshape(-1, 1)
    labels = dataset.y.astype(np.int64)
    act = get_activation(output_activation)
    if act.one_hot:
        return np.eye(n_outputs)[labels]
    low, high = act.class_targets
    return np.where(labels == 1, high, low).reshape(-1, 1)


def build_dataset(scenario: Scenario) -> Dataset:
    """Generate (or unpack) the scenario's data."""
    d = scenario.data
    if d.dataset == "custom":
        assert d.custom is not None
        return d.custom.dataset
    return generate(d.dataset, d.n_samples, d.noise, d.seed)


def _fixed(s: Scenario) -> Scaling | None:
    """The scenario's own standardisation statistics, when it carries them."""
    if s.input_scaling is None:
        return None
    means, stds = s.input_scaling
    return Scaling(np.array(means), np.array(stds))


def scenario_split(scenario: Scenario, dataset: Dataset) -> DataSplit:
    """Features, targets and the train/test split (the training count rounded down under
    TensorFlow Playground's rules, as its ``Math.floor`` does; to nearest otherwise). A data
    set with a ``split_column`` (the shifted test) is split by that input, not at random."""
    s = scenario
    targets = make_targets(dataset, s.model.output_activation, output_units(s))
    info = DATASETS.get(s.data.dataset)
    column = None if info is None else info.split_column
    if column is None:
        train_idx, test_idx = split(dataset.n_samples, s.data.train_fraction, s.data.seed,
                                    round_down=s.train.tf_rules)
    else:
        train_idx, test_idx = split_by(dataset.x[:, column], s.data.train_fraction,
                                       s.data.seed, round_down=s.train.tf_rules)
    return DataSplit.of(compute_features(dataset.x, s.data.features), targets, dataset.y,
                        train_idx, test_idx, standardize=s.data.standardize,
                        fixed=_fixed(s))
