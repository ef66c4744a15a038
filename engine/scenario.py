"""A complete, named training scenario: data, features, architecture, loss, optimiser and
initialisation. Presets are scenarios stored as JSON; workspaces embed one.

``scenario_from_dict`` validates everything a file can get wrong — types, ranges, known names,
shapes, finite values — and names the offending field (``model.hidden[1].activation: unknown
'relu6'``). Nothing is half-built: it either returns a whole Scenario or raises ValueError.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from engine.activations import ACTIVATIONS
from engine.datasets import DATASETS, from_arrays
from engine.features import FEATURES, available_features
from engine.initializers import INIT_SCHEMES, InitSpec
from engine.losses import LOSSES, REDUCTIONS, check_combination
from engine.network import MAX_HIDDEN_LAYERS, MAX_UNITS, LayerSpec, NetworkSpec
from engine.optimizers import OPTIMIZERS, REGULARIZATIONS, OptimizerSpec

MAX_CUSTOM_SAMPLES = 100_000


@dataclass(frozen=True)
class CustomData:
    """Data given explicitly (a textbook example or an imported CSV) instead of generated."""

    x: tuple[tuple[float, ...], ...]
    y: tuple[float, ...]
    task: str
    domain: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class DataSpec:
    dataset: str = "circle"
    n_samples: int = 500
    noise: float = 0.0
    seed: int = 0
    train_fraction: float = 0.5
    features: tuple[str, ...] = ("x1", "x2")
    custom: CustomData | None = None


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


@dataclass(frozen=True)
class Scenario:
    key: str = "custom"
    title: str = "Custom"
    description: str = ""
    data: DataSpec = field(default_factory=DataSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    init: InitSpec = field(default_factory=InitSpec)
    train: TrainSpec = field(default_factory=TrainSpec)
    initial_weights: tuple[tuple[np.ndarray, np.ndarray | None], ...] | None = None
    """Explicit start weights (public (n_in, n_out) convention), used when init is 'explicit'."""

    def with_changes(self, **changes: Any) -> Scenario:
        """A copy with top-level fields replaced, validated again."""
        return validate(replace(self, **changes))


def dataset_shape(data: DataSpec) -> tuple[int, str, int]:
    """(raw input width, task, number of classes) of the scenario's data."""
    if data.dataset == "custom":
        if data.custom is None:
            raise ValueError("data.custom: missing for dataset 'custom'")
        ds = from_arrays(np.array(data.custom.x), np.array(data.custom.y), data.custom.task)
        return ds.n_inputs, ds.task, ds.n_classes
    info = DATASETS[data.dataset]
    return info.n_inputs, info.task, info.n_classes


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
    allowed = available_features(n_inputs)
    for i, f in enumerate(d.features):
        if f not in FEATURES:
            raise ValueError(f"data.features[{i}]: unknown {f!r} (known: {', '.join(FEATURES)})")
        if f not in allowed:
            raise ValueError(f"data.features[{i}]: {f!r} needs a second input; this data is 1-D")
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
    if s.init.scheme == "explicit" and s.initial_weights is None:
        raise ValueError("initial_weights: required when init.scheme is 'explicit'")
    for name, seed in (("data.seed", d.seed), ("init.seed", s.init.seed), ("train.seed", t.seed)):
        if not 0 <= seed <= MAX_SEED:
            raise ValueError(f"{name}: must be a whole number from 0 to {MAX_SEED}, got {seed}")
    return s


# ---------------------------------------------------------------------------------------------
# Dictionaries (JSON) in and out
# ---------------------------------------------------------------------------------------------


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """A JSON-ready dictionary; ``scenario_from_dict`` reads it back to an equal Scenario."""
    data = asdict(s.data)
    data["features"] = list(s.data.features)
    if s.data.custom is not None:
        c = s.data.custom
        data["custom"] = {
            "x": [list(r) for r in c.x],
            "y": list(c.y),
            "task": c.task,
            "domain": list(c.domain) if c.domain else None,
        }
    else:
        data.pop("custom")
    out: dict[str, Any] = {
        "key": s.key,
        "title": s.title,
        "description": s.description,
        "data": data,
        "model": {
            "hidden": [{"units": h.units, "activation": h.activation} for h in s.model.hidden],
            "output_activation": s.model.output_activation,
            "use_bias": s.model.use_bias,
        },
        "init": asdict(s.init),
        "train": {
            "loss": s.train.loss,
            "reduction": s.train.reduction,
            "batch_size": s.train.batch_size,
            "shuffle": s.train.shuffle,
            "seed": s.train.seed,
            "optimizer": asdict(s.train.optimizer),
        },
    }
    if s.initial_weights is not None:
        out["initial_weights"] = weights_to_json(s.initial_weights)
    return out


def weights_to_json(layers: Sequence[tuple[np.ndarray, np.ndarray | None]]) -> list[dict]:
    """[{"W": [[...]], "b": [...]}, ...] with floats written exactly (repr round-trips)."""
    return [
        {"W": np.asarray(w).tolist(), "b": None if b is None else np.asarray(b).tolist()}
        for w, b in layers
    ]


class _Reader:
    """Reads typed fields out of nested JSON, naming the path of anything wrong."""

    def __init__(self, obj: Any, path: str) -> None:
        self.path = path
        if not isinstance(obj, Mapping):
            raise ValueError(f"{path or 'document'}: expected an object, got {_kind(obj)}")
        self.obj = obj

    def _p(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.obj and self.obj[key] is not None

    def raw(self, key: str, default: Any = ...) -> Any:
        if key not in self.obj:
            if default is ...:
                raise ValueError(f"{self._p(key)}: missing")
            return default
        return self.obj[key]

    def sub(self, key: str, default_empty: bool = True) -> _Reader:
        if key not in self.obj and default_empty:
            return _Reader({}, self._p(key))
        return _Reader(self.raw(key), self._p(key))

    def str(self, key: str, default: Any = ..., choices: Mapping | None = None) -> str:
        v = self.raw(key, default)
        if not isinstance(v, str):
            raise ValueError(f"{self._p(key)}: expected a string, got {_kind(v)}")
        if choices is not None and v not in choices:
            raise ValueError(f"{self._p(key)}: unknown {v!r} (known: {', '.join(choices)})")
        return v

    def bool(self, key: str, default: Any = ...) -> bool:
        v = self.raw(key, default)
        if not isinstance(v, bool):
            raise ValueError(f"{self._p(key)}: expected true or false, got {_kind(v)}")
        return v

    def int(
        self, key: str, default: Any = ..., lo: int | None = None, hi: int | None = None
    ) -> int:
        v = self.raw(key, default)
        if not isinstance(v, int) or isinstance(v, bool):
            raise ValueError(f"{self._p(key)}: expected an integer, got {_kind(v)}")
        _range(self._p(key), v, lo, hi)
        return v

    def float(
        self, key: str, default: Any = ..., lo: float | None = None, hi: float | None = None,
        optional: bool = False,
    ) -> float | None:
        v = self.raw(key, default)
        if v is None and optional:
            return None
        if not isinstance(v, int | float) or isinstance(v, bool):
            raise ValueError(f"{self._p(key)}: expected a number, got {_kind(v)}")
        if not np.isfinite(v):
            raise ValueError(f"{self._p(key)}: must be finite, got {v}")
        _range(self._p(key), v, lo, hi)
        return float(v)

    def list(self, key: str, default: Any = ...) -> list:
        v = self.raw(key, default)
        if not isinstance(v, list):
            raise ValueError(f"{self._p(key)}: expected a list, got {_kind(v)}")
        return v


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "an object"}.get(type(v), type(v).__name__)


def _range(path: str, v: float, lo: float | None, hi: float | None) -> None:
    if lo is not None and v < lo:
        raise ValueError(f"{path}: must be at least {lo}, got {v}")
    if hi is not None and v > hi:
        raise ValueError(f"{path}: must be at most {hi}, got {v}")


def finite_matrix(obj: Any, path: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A float64 array from nested lists of numbers, refusing ragged, non-numeric or NaN data."""
    def check(v: Any, p: str, depth: int) -> None:
        if depth == 0:
            if not isinstance(v, int | float) or isinstance(v, bool):
                raise ValueError(f"{p}: expected a number, got {_kind(v)}")
            return
        if not isinstance(v, list):
            raise ValueError(f"{p}: expected a list, got {_kind(v)}")

    ndim = len(shape) if shape is not None else _depth(obj)
    _walk(obj, path, ndim, check)
    try:
        arr = np.array(obj, dtype=np.float64)
    except (ValueError, TypeError):
        raise ValueError(f"{path}: rows of different lengths") from None
    if arr.ndim != ndim:
        raise ValueError(f"{path}: rows of different lengths")
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{path}: expected shape {shape}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{path}: contains NaN or Inf")
    return arr


def _depth(obj: Any) -> int:
    d = 0
    while isinstance(obj, list):
        d += 1
        if not obj:
            break
        obj = obj[0]
    return d


def _walk(obj: Any, path: str, depth: int, check: Any) -> None:
    check(obj, path, depth)
    if depth:
        for i, v in enumerate(obj):
            _walk(v, f"{path}[{i}]", depth - 1, check)


def scenario_from_dict(obj: Any, path: str = "") -> Scenario:
    """Build and validate a Scenario from parsed JSON, naming any offending field."""
    r = _Reader(obj, path)
    d = r.sub("data")
    dataset = d.str("dataset", "circle")
    if dataset != "custom" and dataset not in DATASETS:
        raise ValueError(f"{d._p('dataset')}: unknown {dataset!r} (known: {', '.join(DATASETS)})")
    custom = None
    if dataset == "custom":
        c = d.sub("custom", default_empty=False)
        task = c.str("task", choices={"classification": 1, "regression": 1})
        x = finite_matrix(c.raw("x"), c._p("x"), None)
        if x.ndim != 2 or x.shape[1] not in (1, 2) or not 1 <= x.shape[0] <= MAX_CUSTOM_SAMPLES:
            raise ValueError(
                f"{c._p('x')}: expected 1 to {MAX_CUSTOM_SAMPLES} rows of 1 or 2 numbers"
            )
        y = finite_matrix(c.raw("y"), c._p("y"), (x.shape[0],))
        domain = None
        if c.has("domain"):
            dom = finite_matrix(c.raw("domain"), c._p("domain"), (4,))
            domain = tuple(float(v) for v in dom)
        try:
            from_arrays(x, y, task)
        except ValueError as e:
            raise ValueError(f"{c.path}: {e}") from None
        custom = CustomData(tuple(tuple(row) for row in x.tolist()), tuple(y.tolist()), task,
                            domain)
    feats = d.list("features", ["x1", "x2"])
    for i, f in enumerate(feats):
        if not isinstance(f, str):
            raise ValueError(f"{d._p('features')}[{i}]: expected a string, got {_kind(f)}")
    data = DataSpec(
        dataset=dataset,
        n_samples=d.int("n_samples", 500, lo=1, hi=MAX_CUSTOM_SAMPLES),
        noise=d.float("noise", 0.0, lo=0.0, hi=10.0),
        seed=d.int("seed", 0, lo=0, hi=MAX_SEED),
        train_fraction=d.float("train_fraction", 0.5, lo=0.01, hi=1.0),
        features=tuple(feats),
        custom=custom,
    )

    m = r.sub("model")
    hidden = []
    hidden_list = m.list("hidden", [])
    if len(hidden_list) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"{m._p('hidden')}: at most {MAX_HIDDEN_LAYERS} hidden layers")
    for i, h in enumerate(hidden_list):
        hr = _Reader(h, f"{m._p('hidden')}[{i}]")
        act = hr.str("activation", choices=ACTIVATIONS)
        if ACTIVATIONS[act].output_only:
            raise ValueError(f"{hr._p('activation')}: {act} is allowed on the output layer only")
        hidden.append(LayerSpec(hr.int("units", lo=1, hi=MAX_UNITS), act))
    model = ModelSpec(
        hidden=tuple(hidden),
        output_activation=m.str("output_activation", "tanh", choices=ACTIVATIONS),
        use_bias=m.bool("use_bias", True),
    )

    ir = r.sub("init")
    try:
        init = InitSpec(
            scheme=ir.str("scheme", "tf_playground", choices=INIT_SCHEMES),
            low=ir.float("low", -0.5),
            high=ir.float("high", 0.5),
            std=ir.float("std", 0.1, lo=0.0),
            value=ir.float("value", 0.0),
            bias=ir.float("bias", None, optional=True),
            seed=ir.int("seed", 0, lo=0, hi=MAX_SEED),
        )
    except ValueError as e:
        msg = str(e)
        field = msg.removeprefix("init.")
        raise ValueError(msg if msg.startswith(ir.path) else f"{ir.path}.{field}") from None

    t = r.sub("train")
    o = t.sub("optimizer")
    try:
        opt = OptimizerSpec(
            kind=o.str("kind", "sgd", choices=OPTIMIZERS),
            learning_rate=o.float("learning_rate", 0.03),
            momentum=o.float("momentum", 0.9),
            beta1=o.float("beta1", 0.9),
            beta2=o.float("beta2", 0.999),
            epsilon=o.float("epsilon", 1e-8),
            regularization=o.str("regularization", "none", choices=REGULARIZATIONS),
            reg_rate=o.float("reg_rate", 0.0),
        )
    except ValueError as e:
        msg = str(e)
        raise ValueError(msg if msg.startswith(o.path) else f"{o.path}.{msg}") from None
    train = TrainSpec(
        loss=t.str("loss", "half_se", choices=LOSSES),
        reduction=t.str("reduction", "mean", choices=dict.fromkeys(REDUCTIONS)),
        batch_size=t.int("batch_size", 10, lo=1, hi=MAX_CUSTOM_SAMPLES),
        shuffle=t.bool("shuffle", True),
        seed=t.int("seed", 0, lo=0, hi=MAX_SEED),
        optimizer=opt,
    )

    weights = None
    if r.has("initial_weights"):
        weights = weights_from_json(r.raw("initial_weights"), r._p("initial_weights"))

    scenario = Scenario(
        key=r.str("key", "custom"),
        title=r.str("title", "Custom"),
        description=r.str("description", ""),
        data=data,
        model=model,
        init=init,
        train=train,
        initial_weights=weights,
    )
    try:
        return validate(scenario)
    except ValueError as e:
        raise ValueError(f"{path}.{e}" if path else str(e)) from None


def weights_from_json(obj: Any, path: str) -> tuple[tuple[np.ndarray, np.ndarray | None], ...]:
    """Read [{"W": [[...]], "b": [...] | null}, ...]; shapes are checked against the network
    later, when the trainer knows the architecture."""
    if not isinstance(obj, list) or not obj:
        raise ValueError(f"{path}: expected a non-empty list of layers, got {_kind(obj)}")
    layers = []
    for i, layer in enumerate(obj):
        lr = _Reader(layer, f"{path}[{i}]")
        w = finite_matrix(lr.raw("W"), lr._p("W"), None)
        if w.ndim != 2 or 0 in w.shape:
            raise ValueError(f"{lr._p('W')}: expected a non-empty matrix")
        b = None
        if lr.has("b"):
            b = finite_matrix(lr.raw("b"), lr._p("b"), (w.shape[1],))
        layers.append((w, b))
    return tuple(layers)


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
    feats = feats or ("x1",)
    if feats != s.data.features:
        notes.append("input features set to " + ", ".join(FEATURES[f].label for f in feats))
    out, loss = s.model.output_activation, s.train.loss
    if task == "regression":
        if out in ("softmax", "sigmoid"):
            out = "linear"
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
