"""A complete, named training scenario: data, features, architecture, loss, optimiser and
initialisation, as frozen dataclasses, with the rules that tie their fields together.

``validate`` checks the cross-field rules (features the data allows, an output and loss that
suit the task, seeds in range); ``fit_to_data`` adjusts a scenario to its data instead of
refusing it. Reading and writing scenarios as JSON is ``engine.io.scenario_json``; the usual
import path for both is ``engine.scenario``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from engine.activations import ACTIVATIONS
from engine.data.dataset import default_input_names
from engine.data.real import REAL_BY_KEY, load_real
from engine.datasets import DATASETS, Dataset, Task, from_arrays
from engine.features import available_features, feature_label, feature_problem
from engine.initializers import InitSpec
from engine.losses import LOSSES, check_combination
from engine.network import LayerSpec, NetworkSpec
from engine.optimizers import OptimizerSpec
from engine.training.stopping import StopRule

MAX_CUSTOM_SAMPLES = 100_000


@dataclass(frozen=True, eq=False)
class CustomData:
    """Data given explicitly (a textbook example, an imported CSV, a table typed in) instead
    of generated. Checked when first used (``from_arrays``'s rules, via ``dataset``).

    ``x`` and ``y`` may be given as nested sequences; they are kept as read-only float64
    arrays (8 bytes a number: a digits-sized CSV stays a few MB), which the data set shares.
    Two CustomData are equal when they hold the same numbers, task, names and domain.
    """

    x: np.ndarray
    """(n, d) raw inputs."""
    y: np.ndarray
    """(n,) labels 0..k-1 (classification) or targets (regression)."""
    task: Task
    domain: tuple[float, float, float, float] | None = None
    input_names: tuple[str, ...] = ()
    """The columns' names (a CSV header's); empty means x1, x2, …"""
    class_names: tuple[str, ...] = ()
    """The classes' names as the file wrote them; empty means 0 … k-1, all present."""

    def __post_init__(self) -> None:
        x = _read_only(self.x)
        if x.ndim == 1 and x.size == 0:
            x = x.reshape(0, 0)
        y = _read_only(self.y).reshape(-1)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "input_names", tuple(self.input_names))
        object.__setattr__(self, "class_names", tuple(self.class_names))

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, CustomData):
            return NotImplemented
        return (self.task == other.task and self.domain == other.domain
                and self.input_names == other.input_names
                and self.class_names == other.class_names
                and np.array_equal(self.x, other.x) and np.array_equal(self.y, other.y))

    def __hash__(self) -> int:
        return hash((self.task, self.x.shape, self.input_names, self.class_names))

    @cached_property
    def dataset(self) -> Dataset:
        """The data set, checked by ``from_arrays`` once per object (ValueError if not)."""
        ds = from_arrays(self.x, self.y, self.task,
                         input_names=self.input_names, class_names=self.class_names)
        return ds if self.domain is None else replace(ds, domain=self.domain)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the cached data set (it is rebuilt on first use)."""
        return {k: v for k, v in self.__dict__.items() if k != "dataset"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def shape(self) -> tuple[int, Task, int]:
        """(raw input width, task, number of classes)."""
        ds = self.dataset
        return ds.n_inputs, ds.task, ds.n_classes

    @cached_property
    def targets_range(self) -> tuple[float, float]:
        """(lowest, highest) target or label."""
        return (float(self.y.min()), float(self.y.max())) if self.y.size else (0.0, 0.0)


def _read_only(values: object) -> np.ndarray:
    """``values`` as a read-only float64 array, shared when it already is one."""
    a = np.asarray(values, dtype=np.float64)
    if a.flags.writeable or not a.flags.c_contiguous:
        a = np.array(a, dtype=np.float64, order="C")  # a copy nobody else can change
        a.flags.writeable = False
    return a


@dataclass(frozen=True)
class DataSpec:
    dataset: str = "circle"
    n_samples: int = 500
    noise: float = 0.0
    seed: int = 0
    train_fraction: float = 0.5
    features: tuple[str, ...] = ("x1", "x2")
    custom: CustomData | None = None
    standardize: bool = False
    """Feed the network each feature minus its mean, over its standard deviation (both of
    the training split), as scikit-learn's StandardScaler does; exports apply it inside, so
    exported models take the raw features."""


@dataclass(frozen=True)
class ModelSpec:
    hidden: tuple[LayerSpec, ...] = (LayerSpec(4, "tanh"), LayerSpec(2, "tanh"))
    output_activation: str = "tanh"
    use_bias: bool = True


@dataclass(frozen=True)
class TrainSpec:
    loss: str = "half_se"
    reduction: str = "mean"
    batch_size: int = 10
    shuffle: bool = True
    seed: int = 0
    """Seed of the per-epoch shuffle."""
    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)
    tf_rules: bool = False
    """TensorFlow Playground's training rules instead of this app's: L1 steps that cross zero
    clamp to 0 and kill the link, the last n mod B samples carry into the next epoch's first
    update, one fixed sample order (``shuffle`` is ignored), the train count rounds down, and
    regression gets a linear output. See the README's Conventions."""
    stop: StopRule = field(default_factory=StopRule)
    """When a run stops by itself (``engine.training.stopping``); off by default."""


@dataclass(frozen=True, eq=False)
class Scenario:
    """Equal scenarios have equal fields, the start weights compared number by number (so a
    scenario that crossed a process boundary equals the one it was copied from)."""

    key: str = "custom"
    title: str = "Custom"
    description: str = ""
    data: DataSpec = field(default_factory=DataSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    init: InitSpec = field(default_factory=InitSpec)
    train: TrainSpec = field(default_factory=TrainSpec)
    initial_weights: tuple[tuple[np.ndarray, np.ndarray | None], ...] | None = None
    """Explicit start weights (public (n_in, n_out) convention), used when init is 'explicit'."""
    input_scaling: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    """(means, standard deviations), one per feature, used instead of fitting them on the
    training split: an imported network's own, or the ones a run kept while points were
    added (its weights were trained on them). Only with ``data.standardize``."""

    def with_changes(self, **changes: Any) -> Scenario:
        """A copy with top-level fields replaced, validated again."""
        return validate(replace(self, **changes))

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, Scenario):
            return NotImplemented
        plain = ("key", "title", "description", "data", "model", "init", "train",
                 "input_scaling")
        return all(getattr(self, f) == getattr(other, f) for f in plain) and _same_weights(
            self.initial_weights, other.initial_weights)

    def __hash__(self) -> int:
        return hash((self.key, self.title, self.model, self.init, self.train))


def _same_weights(a: tuple[tuple[np.ndarray, np.ndarray | None], ...] | None,
                  b: tuple[tuple[np.ndarray, np.ndarray | None], ...] | None) -> bool:
    """Explicit start weights equal layer by layer (or both absent)."""
    if a is None or b is None:
        return a is b
    if len(a) != len(b):
        return False
    for (wa, ba), (wb, bb) in zip(a, b, strict=True):
        if not np.array_equal(wa, wb) or (ba is None) != (bb is None):
            return False
        if ba is not None and bb is not None and not np.array_equal(ba, bb):
            return False
    return True


def dataset_shape(data: DataSpec) -> tuple[int, str, int]:
    """(raw input width, task, number of classes) of the scenario's data."""
    if data.dataset == "custom":
        if data.custom is None:
            raise ValueError("data.custom: missing for dataset 'custom'")
        return data.custom.shape
    info = DATASETS[data.dataset]
    return info.n_inputs, info.task, info.n_classes


def input_names(data: DataSpec) -> tuple[str, ...]:
    """(d,) the raw input columns' names: a file's header, or x1, x2, …"""
    if data.dataset == "custom" and data.custom is not None:
        return data.custom.dataset.input_names
    if data.dataset in REAL_BY_KEY:
        return load_real(data.dataset).input_names
    return default_input_names(DATASETS[data.dataset].n_inputs)


def output_units(scenario: Scenario) -> int:
    """Output width: one unit, or one per class with softmax."""
    _, task, n_classes = dataset_shape(scenario.data)
    if scenario.model.output_activation == "softmax":
        return n_classes if task == "classification" else 1
    return 1


def network_spec(scenario: Scenario) -> NetworkSpec:
    """The network a Trainer builds for ``scenario``, known before building it (so shapes can
    be checked without generating data or drawing weights)."""
    m = scenario.model
    layers = (*m.hidden, LayerSpec(output_units(scenario), m.output_activation))
    return NetworkSpec(len(scenario.data.features), layers, m.use_bias)


MAX_SEED = 2**63 - 1
"""Largest seed a scenario accepts (NumPy's generators take any non-negative integer; this
keeps seeds within a signed 64-bit integer, which JSON readers everywhere can hold)."""


def validate(s: Scenario) -> Scenario:
    """Check the cross-field rules a single field cannot: returns ``s`` or raises ValueError."""
    d = s.data
    if d.dataset != "custom" and d.dataset not in DATASETS:
        raise ValueError(f"data.dataset: unknown {d.dataset!r} (known: {', '.join(DATASETS)})")
    n_inputs, task, n_classes = dataset_shape(d)
    if not d.features:
        raise ValueError("data.features: choose at least one input feature")
    for i, f in enumerate(d.features):
        problem = feature_problem(f, n_inputs)
        if problem is not None:
            raise ValueError(f"data.features[{i}]: {problem}")
    if not isinstance(d.standardize, bool):
        raise ValueError(f"data.standardize: must be true or false, got {d.standardize!r}")
    if len(set(d.features)) != len(d.features):
        raise ValueError("data.features: a feature is listed twice")
    m, t = s.model, s.train
    out_act = m.output_activation
    if task == "classification" and n_classes > 2 and out_act != "softmax":
        raise ValueError(
            f"model.output_activation: {n_classes}-class data needs a softmax output, "
            f"not {out_act!r}"
        )
    if task == "regression" and LOSSES[t.loss].classification_only:
        raise ValueError(f"train.loss: {t.loss!r} needs classification data; this is regression")
    if task == "regression" and out_act == "softmax":
        raise ValueError("model.output_activation: softmax needs classification data")
    try:
        check_combination(t.loss, out_act, output_units(s))
    except ValueError as e:
        raise ValueError(f"train.loss: {e}") from None
    if not isinstance(t.tf_rules, bool):
        raise ValueError(f"train.tf_rules: must be true or false, got {t.tf_rules!r}")
    if s.input_scaling is not None:
        means, stds = s.input_scaling
        if not d.standardize:
            raise ValueError("input_scaling: given, but data.standardize is off")
        if not len(means) == len(stds) == len(d.features):
            raise ValueError(f"input_scaling: {len(means)} means and {len(stds)} deviations "
                             f"for {len(d.features)} features")
        if not all(math.isfinite(v) for v in means) or not all(
                math.isfinite(v) and v > 0 for v in stds):
            raise ValueError("input_scaling: means must be finite and deviations positive")
    if s.init.scheme == "explicit" and s.initial_weights is None:
        raise ValueError("initial_weights: required when init.scheme is 'explicit'")
    for name, seed in (("data.seed", d.seed), ("init.seed", s.init.seed), ("train.seed", t.seed)):
        if not 0 <= seed <= MAX_SEED:
            raise ValueError(f"{name}: must be a whole number from 0 to {MAX_SEED}, got {seed}")
    return s


_OUTPUT_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
"""The targets a bounded output activation can reach (closed, as targets at the ends are
common: 0 and 1)."""


def _reaches_targets(activation: str, data: DataSpec) -> bool:
    """False when ``activation`` is bounded and the data's regression targets leave its
    range (a typed-in target of 1.5 under tanh could never be fitted). Generated data sets
    fit the outputs their presets use; a sigmoid needs targets known to lie in [0, 1]."""
    bounds = _OUTPUT_RANGES.get(activation)
    if bounds is None:
        return True
    if data.custom is not None:
        lo, hi = data.custom.targets_range
    elif data.dataset in REAL_BY_KEY:
        y = load_real(data.dataset).y
        lo, hi = float(y.min()), float(y.max())
    else:
        return activation != "sigmoid"
    return bounds[0] <= lo and hi <= bounds[1]


def fit_to_data(s: Scenario) -> tuple[Scenario, list[str]]:
    """Adjust features, output activation and loss so they suit the scenario's data.

    Used when the user switches data set or output activation: instead of refusing, pick the
    nearest sensible setting and say what changed (the returned notes).
    """
    n_inputs, task, n_classes = dataset_shape(s.data)
    notes: list[str] = []
    allowed = available_features(n_inputs)
    feats = tuple(f for f in s.data.features if f in allowed)
    if n_inputs == 2 and feats in ((), ("x1",)):
        feats = ("x1", "x2")
    if n_inputs > 2 and not feats:
        feats = tuple(allowed)  # new wide data: every column
    feats = feats or ("x1",)
    if feats != s.data.features:
        names = s.data.custom.input_names if s.data.custom is not None else ()
        shown = [feature_label(f, names) for f in feats]
        notes.append("input features set to " + (", ".join(shown) if len(shown) <= 8 else
                                                 f"all {len(shown)} columns"))
    out, loss = s.model.output_activation, s.train.loss
    if task == "regression":
        if out == "softmax" or s.train.tf_rules or not _reaches_targets(out, s.data):
            out = "linear"  # TF: regression is linear; a sigmoid only reaches 0..1, tanh ±1
        if LOSSES[loss].classification_only:
            loss = "half_se"
    elif n_classes > 2:
        out, loss = "softmax", "cce"
    elif out == "softmax":
        loss = "cce"
    elif loss == "cce" or (loss == "bce" and out != "sigmoid"):
        loss = "bce" if out == "sigmoid" else "half_se"
    if out != s.model.output_activation:
        notes.append(f"output activation set to {ACTIVATIONS[out].title}")
    if loss != s.train.loss:
        notes.append(f"loss set to {LOSSES[loss].title}")
    fitted = replace(
        s,
        data=replace(s.data, features=feats),
        model=replace(s.model, output_activation=out),
        train=replace(s.train, loss=loss),
    )
    if fitted.input_scaling is not None:  # a new network: fit the statistics anew
        fitted = replace(fitted, input_scaling=None)
        if fitted.data.standardize:
            notes.append("standardisation refitted on the training split")
    if fitted.init.scheme == "explicit" and fitted.initial_weights is not None:
        sizes = (len(feats), *(h.units for h in fitted.model.hidden), output_units(fitted))
        shapes = [(sizes[k], sizes[k + 1]) for k in range(len(sizes) - 1)]
        given = [np.shape(w) for w, _ in fitted.initial_weights]
        if given != shapes or (fitted.model.use_bias and any(
                b is None for _, b in fitted.initial_weights)):
            fitted = replace(fitted, init=replace(fitted.init, scheme="tf_playground"),
                             initial_weights=None)
            notes.append("start weights drawn anew: the preset's own weights no longer fit")
    return validate(fitted), notes
