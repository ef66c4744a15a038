"""Scenarios to and from JSON values (presets, and the scenario inside a workspace).

``scenario_from_dict`` validates everything a file can get wrong — types, ranges, known names,
shapes, finite values — and names the offending field (``model.hidden[1].activation: unknown
'relu6'``). Nothing is half-built: it either returns a whole Scenario or raises ValueError.
``scenario_to_dict`` writes what it reads back to an equal Scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from typing import Any, TypeVar, cast

import numpy as np

from engine.activations import ACTIVATIONS
from engine.data.dataset import MAX_CLASSES, MAX_INPUTS, MAX_NAME
from engine.datasets import DATASETS, TASKS, Task
from engine.initializers import INIT_SCHEMES, InitSpec
from engine.io.validate import Fields, as_list, as_name, as_str, fail
from engine.losses import LOSSES, REDUCTIONS
from engine.network import MAX_HIDDEN_LAYERS, MAX_UNITS, LayerSpec
from engine.optimizers import DEFAULT_EPSILON, OPTIMIZERS, REGULARIZATIONS, OptimizerSpec
from engine.scenario_spec import (
    MAX_CUSTOM_SAMPLES,
    MAX_SEED,
    CustomData,
    DataSpec,
    ModelSpec,
    Scenario,
    TrainSpec,
    validate,
)
from engine.training.stopping import MAX_STOP_EPOCH, StopRule

Layers = tuple[tuple[np.ndarray, np.ndarray | None], ...]
"""((W, b), …) per layer: W (n_in, n_out) float64, b (n_out,) or None without biases."""

_T = TypeVar("_T")


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def scenario_to_dict(s: Scenario) -> dict[str, Any]:
    """A JSON-ready dictionary; ``scenario_from_dict`` reads it back to an equal Scenario."""
    data = asdict(replace(s.data, custom=None))
    data["features"] = list(s.data.features)
    if not s.data.standardize:
        data.pop("standardize")  # files from before it existed read the same
    if s.data.custom is not None:
        c = s.data.custom
        data["custom"] = {
            "x": c.x.tolist(),
            "y": c.y.tolist(),
            "task": c.task,
            "domain": list(c.domain) if c.domain else None,
        }
        if c.input_names:
            data["custom"]["input_names"] = list(c.input_names)
        if c.class_names:
            data["custom"]["class_names"] = list(c.class_names)
    else:
        data.pop("custom")
    out: dict[str, Any] = {
        "key": s.key,
        "title": s.title,
        "description": s.description,
        "data": data,
        "model": {
            "hidden": [_hidden_layer(h) for h in s.model.hidden],
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
    if s.train.tf_rules:  # written only when on: files without it keep today's rules
        out["train"]["tf_rules"] = True
    if s.train.stop.active:  # written only when set: files without it never stop by themselves
        out["train"]["stop"] = asdict(s.train.stop)
    if s.initial_weights is not None:
        out["initial_weights"] = weights_to_json(s.initial_weights)
    if s.input_scaling is not None:
        out["input_scaling"] = {"mean": list(s.input_scaling[0]), "std": list(s.input_scaling[1])}
    return out


def _hidden_layer(h: LayerSpec) -> dict[str, Any]:
    """One hidden layer; ``dropout`` only when on (files without it read as no dropout)."""
    out: dict[str, Any] = {"units": h.units, "activation": h.activation}
    if h.dropout > 0.0:
        out["dropout"] = h.dropout
    return out


def weights_to_json(layers: Sequence[tuple[np.ndarray, np.ndarray | None]]) -> list[dict]:
    """[{"W": [[...]], "b": [...]}, ...] with floats written exactly (repr round-trips)."""
    return [
        {"W": np.asarray(w).tolist(), "b": None if b is None else np.asarray(b).tolist()}
        for w, b in layers
    ]


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def scenario_from_dict(obj: Any, path: str = "") -> Scenario:
    """Build and validate a Scenario from parsed JSON, naming any offending field; ``path``
    is where the scenario sits in a larger document (``scenario`` in a workspace)."""
    r = Fields(obj, path)
    data = _data(r.sub("data"))
    model = _model(r.sub("model"))
    init = _init(r.sub("init"))
    train = _train(r.sub("train"))
    weights = None
    if r.has("initial_weights"):
        weights = weights_from_json(r.raw("initial_weights"), r.at("initial_weights"))
    scenario = Scenario(
        key=r.string("key", "custom"),
        title=r.string("title", "Custom"),
        description=r.string("description", ""),
        data=data,
        model=model,
        init=init,
        train=train,
        initial_weights=weights,
        input_scaling=_input_scaling(r.sub("input_scaling")) if r.has("input_scaling") else None,
    )
    try:
        return validate(scenario)
    except ValueError as e:
        raise ValueError(f"{path}.{e}" if path else str(e)) from None


def _data(d: Fields) -> DataSpec:
    dataset = d.string("dataset", "circle")
    if dataset != "custom":
        as_name(dataset, d.at("dataset"), DATASETS)
    features = d.items("features", ["x1", "x2"])
    for i, f in enumerate(features):
        as_str(f, f"{d.at('features')}[{i}]")
    return DataSpec(
        dataset=dataset,
        n_samples=d.integer("n_samples", 500, lo=1, hi=MAX_CUSTOM_SAMPLES),
        noise=d.number("noise", 0.0, lo=0.0, hi=10.0),
        seed=d.integer("seed", 0, lo=0, hi=MAX_SEED),
        train_fraction=d.number("train_fraction", 0.5, lo=0.01, hi=1.0),
        features=tuple(features),
        custom=_custom(d.sub("custom", optional=False)) if dataset == "custom" else None,
        standardize=d.boolean("standardize", False),
    )


def _custom(c: Fields) -> CustomData:
    task = cast(Task, c.name("task", TASKS))
    x = c.array("x", ndim=2)
    if not 1 <= x.shape[1] <= MAX_INPUTS or not 1 <= x.shape[0] <= MAX_CUSTOM_SAMPLES:
        fail(c.at("x"), f"expected 1 to {MAX_CUSTOM_SAMPLES} rows of 1 to {MAX_INPUTS} numbers")
    y = c.array("y", shape=(x.shape[0],))
    domain = None
    if c.has("domain"):
        lo_x, hi_x, lo_y, hi_y = (float(v) for v in c.array("domain", shape=(4,)))
        domain = (lo_x, hi_x, lo_y, hi_y)
    input_names = _names(c, "input_names", MAX_INPUTS)
    class_names = _names(c, "class_names", MAX_CLASSES)
    custom = CustomData(x, y, task, domain,
                        input_names, class_names)
    try:
        _ = custom.dataset
    except ValueError as e:
        fail(c.path, str(e))
    return custom


def _input_scaling(n: Fields) -> tuple[tuple[float, ...], tuple[float, ...]]:
    mean = n.array("mean", ndim=1)
    std = n.array("std", shape=mean.shape)
    return tuple(mean.tolist()), tuple(std.tolist())


def _names(c: Fields, key: str, most: int) -> tuple[str, ...]:
    """An optional list of at most ``most`` short names (strings)."""
    names = c.items(key, [])
    if len(names) > most:
        fail(c.at(key), f"at most {most} names, got {len(names)}")
    for i, v in enumerate(names):
        if len(as_str(v, f"{c.at(key)}[{i}]")) > MAX_NAME:
            fail(f"{c.at(key)}[{i}]", f"a name has at most {MAX_NAME} characters")
    return tuple(names)


def _model(m: Fields) -> ModelSpec:
    hidden_list = m.items("hidden", [])
    if len(hidden_list) > MAX_HIDDEN_LAYERS:
        fail(m.at("hidden"), f"at most {MAX_HIDDEN_LAYERS} hidden layers")
    hidden = []
    for i, h in enumerate(hidden_list):
        hr = Fields(h, f"{m.at('hidden')}[{i}]")
        act = hr.name("activation", ACTIVATIONS)
        if ACTIVATIONS[act].output_only:
            fail(hr.at("activation"), f"{act} is allowed on the output layer only")
        dropout = hr.number("dropout", 0.0, lo=0.0)
        if dropout >= 1.0:
            fail(hr.at("dropout"), f"must be below 1 (the share of units dropped), got "
                                   f"{dropout:g}")
        hidden.append(LayerSpec(hr.integer("units", lo=1, hi=MAX_UNITS), act, dropout))
    if m.has("output_dropout") and m.raw("output_dropout") != 0:
        fail(m.at("output_dropout"), "the output layer cannot have dropout; it is for hidden "
                                     "layers only (model.hidden[i].dropout)")
    return ModelSpec(
        hidden=tuple(hidden),
        output_activation=m.name("output_activation", ACTIVATIONS, "tanh"),
        use_bias=m.boolean("use_bias", True),
    )


def _init(i: Fields) -> InitSpec:
    return _built(i.path, "init.", lambda: InitSpec(
        scheme=i.name("scheme", INIT_SCHEMES, "tf_playground"),
        low=i.number("low", -0.5),
        high=i.number("high", 0.5),
        std=i.number("std", 0.1, lo=0.0),
        value=i.number("value", 0.0),
        bias=i.optional_number("bias"),
        seed=i.integer("seed", 0, lo=0, hi=MAX_SEED),
    ))


def _train(t: Fields) -> TrainSpec:
    o = t.sub("optimizer")
    kind = o.name("kind", OPTIMIZERS, "sgd")
    optimizer = _built(o.path, "", lambda: OptimizerSpec(
        kind=kind,
        learning_rate=o.number("learning_rate", 0.03),
        momentum=o.number("momentum", 0.9),
        beta1=o.number("beta1", 0.9),
        beta2=o.number("beta2", 0.999),
        epsilon=o.number("epsilon", DEFAULT_EPSILON[kind]),
        regularization=o.name("regularization", REGULARIZATIONS, "none"),
        reg_rate=o.number("reg_rate", 0.0),
        alpha=o.number("alpha", 0.99),
    ))
    return TrainSpec(
        loss=t.name("loss", LOSSES, "half_se"),
        reduction=t.name("reduction", REDUCTIONS, "mean"),
        batch_size=t.integer("batch_size", 10, lo=1, hi=MAX_CUSTOM_SAMPLES),
        shuffle=t.boolean("shuffle", True),
        seed=t.integer("seed", 0, lo=0, hi=MAX_SEED),
        optimizer=optimizer,
        tf_rules=t.boolean("tf_rules", False),
        stop=_stop(t.sub("stop", known=("epoch", "loss", "patience"))),
    )


def _stop(r: Fields) -> StopRule:
    return _built(r.path, "train.stop.", lambda: StopRule(
        epoch=r.integer("epoch", 0, lo=0, hi=MAX_STOP_EPOCH),
        loss=r.number("loss", 0.0, lo=0.0),
        patience=r.integer("patience", 0, lo=0, hi=MAX_STOP_EPOCH),
    ))


def _built(path: str, own_prefix: str, build: Callable[[], _T]) -> _T:
    """``build()``, with the message of a refusal by the spec's own checks (which name the
    field as ``own_prefix`` + name, e.g. ``init.low``) re-rooted at ``path``."""
    try:
        return build()
    except ValueError as e:
        msg = str(e)
        if msg.startswith(path):
            raise
        raise ValueError(f"{path}.{msg.removeprefix(own_prefix)}") from None


def weights_from_json(obj: Any, path: str) -> Layers:
    """Read [{"W": [[...]], "b": [...] | null}, ...]; shapes are checked against the network
    later, when the trainer knows the architecture."""
    layers = as_list(obj, path, "a non-empty list of layers")
    if not layers:
        fail(path, "expected a non-empty list of layers, got an empty list")
    out = []
    for i, layer in enumerate(layers):
        lr = Fields(layer, f"{path}[{i}]")
        w = lr.array("W", ndim=2)
        if 0 in w.shape:
            fail(lr.at("W"), "expected a non-empty matrix")
        b = lr.array("b", shape=(w.shape[1],)) if lr.has("b") else None
        out.append((w, b))
    return tuple(out)
