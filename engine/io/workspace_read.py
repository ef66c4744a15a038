"""Reading a workspace's JSON values: every field checked and named before anything is built.

``read_workspace(doc)`` returns a :class:`LoadedWorkspace` (plain values and arrays) or raises
ValueError naming the field (``state.parameters[1].W: expected shape (4, 2), got (3, 2)``);
``LoadedWorkspace.build()`` makes the new Trainer. The file layout is described in
``engine.io.workspace``; the values are expected to be strict JSON already
(``engine.io.jsonread``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.history import ALL_COLUMNS, COLUMNS, History
from engine.io.formats import APP_NAME, WORKSPACE_FORMAT, WORKSPACE_SCHEMA_VERSION
from engine.io.metric_json import read_metric
from engine.io.validate import Fields, as_int, as_list, fail, kind, one_line, quote
from engine.io.workspace_pinned import read_pinned
from engine.network import NetworkSpec
from engine.pinned import PinnedRun
from engine.scenario import Scenario, network_spec, scenario_from_dict
from engine.trainer import Trainer

MAX_INT = 2**63 - 1
MAX_EPOCH = 2**53
"""Far beyond any real run, and small enough that epoch + 1 never overflows anything."""
_TOP_KEYS = ("format", "schema_version", "saved_by", "scenario", "state", "history", "pinned")
_STATE_KEYS = ("epoch", "batch_index", "initial_parameters", "parameters", "optimizer_state")
_OPTIMIZER_KEYS = ("t", "velocity", "m", "v", "alive")
_HISTORY_KEYS = ("stride", "epoch", *ALL_COLUMNS)

LayerArrays = list[tuple[np.ndarray, np.ndarray | None]]
"""[(W (n_in, n_out), b (n_out,) or None), …] per layer."""


class WorkspaceError(ValueError):
    """A workspace that cannot be saved or loaded; the message is one line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


@dataclass(frozen=True, eq=False)
class LoadedWorkspace:
    """A workspace's content, checked field by field but not yet a Trainer."""

    scenario: Scenario
    initial: LayerArrays
    current: LayerArrays
    optimizer_state: dict[str, Any]
    """{"t": int, "velocity", "m", "v": (n_parameters,) float64 in the flat order}."""
    epoch: int
    batch_index: int
    history: History
    pinned: tuple[PinnedRun, ...] = ()
    """The runs pinned for comparison (an older workspace has none)."""

    def build(self) -> Trainer:
        """The new Trainer; WorkspaceError when the scenario and the state disagree."""
        try:
            trainer = Trainer(self.scenario)
        except ValueError as e:
            msg = str(e)
            raise WorkspaceError(
                f"scenario.{msg}" if msg.startswith("initial_weights") else f"scenario: {msg}"
            ) from None
        if self.batch_index >= trainer.batches_per_epoch:
            raise WorkspaceError(
                f"state.batch_index: must be below {trainer.batches_per_epoch} (the batches per "
                f"epoch of this scenario), got {self.batch_index}"
            )
        trainer.restore_state(self.initial, self.current, self.optimizer_state, self.epoch,
                              self.batch_index, self.history)
        history = trainer.history
        if self.batch_index == 0 and (len(history) == 0 or history.epochs[-1] != self.epoch):
            # The history keeps every stride-th epoch; the latest measurement is of the current
            # parameters, so measure it again (bit-identical to what the trainer recorded).
            history.latest = trainer.evaluate()
        return trainer


def read_workspace(obj: Any) -> LoadedWorkspace:
    """Check every field of a workspace document (see the module docstring)."""
    if not isinstance(obj, Mapping):
        raise WorkspaceError(
            f"not a workspace: the document is {kind(obj)}, not an object with a 'format' field"
        )
    _check_header(obj)
    top = Fields(obj, "", known=_TOP_KEYS)
    if "saved_by" in obj:
        top.string("saved_by")
    for key in ("scenario", "state", "history"):
        top.raw(key)
    scenario = _read_scenario(obj["scenario"])
    spec = network_spec(scenario)
    if scenario.init.scheme == "explicit" and scenario.initial_weights is not None:
        _check_layers(scenario.initial_weights, "scenario.initial_weights", spec)

    state = top.sub("state", optional=False, known=_STATE_KEYS)
    epoch = state.integer("epoch", lo=0, hi=MAX_EPOCH)
    batch_index = state.integer("batch_index", lo=0, hi=MAX_INT)
    initial = _read_layers(state.raw("initial_parameters"), state.at("initial_parameters"), spec)
    current = _read_layers(state.raw("parameters"), state.at("parameters"), spec)
    optimizer = _read_optimizer_state(
        state.sub("optimizer_state", optional=False, known=_OPTIMIZER_KEYS), spec.n_parameters
    )
    history = _read_history(top.sub("history", optional=False, known=_HISTORY_KEYS), epoch)
    pinned = read_pinned(obj["pinned"]) if top.has("pinned") else ()
    return LoadedWorkspace(scenario, initial, current, optimizer, epoch, batch_index, history,
                           pinned)


def _check_header(obj: Mapping[str, Any]) -> None:
    """Is this a workspace at all, and one this version can read?"""
    fmt = obj.get("format")
    if fmt != WORKSPACE_FORMAT:
        hint = ""
        if "format" not in obj and ("model" in obj or "data" in obj):
            hint = " (it looks like a scenario or preset file)"
        got = "missing" if "format" not in obj else f"got {quote(fmt)}"
        raise WorkspaceError(
            f"format: {got}, expected {WORKSPACE_FORMAT!r}; this is not a {APP_NAME} "
            f"workspace{hint}"
        )
    version = as_int(Fields(obj).raw("schema_version"), "schema_version", lo=1)
    if version > WORKSPACE_SCHEMA_VERSION:
        raise WorkspaceError(
            f"schema_version: this workspace has schema version {version}, but this version of "
            f"{APP_NAME} reads schema version {WORKSPACE_SCHEMA_VERSION} only; open it with a "
            "newer version"
        )


def _read_scenario(raw: Any) -> Scenario:
    try:
        return scenario_from_dict(raw, path="scenario")
    except ValueError as e:
        msg = str(e)
        raise WorkspaceError(msg if msg.startswith("scenario") else f"scenario: {msg}") from None


def _read_layers(raw: Any, path: str, spec: NetworkSpec) -> LayerArrays:
    """[{"W": ..., "b": ...}, ...] checked against the network's shapes."""
    layers_raw = as_list(raw, path, "a list of layers")
    if len(layers_raw) != spec.depth:
        fail(path, f"expected {spec.depth} layers for a {'-'.join(map(str, spec.sizes))} "
                   f"network, got {len(layers_raw)}")
    layers: LayerArrays = []
    for i, (layer, (n_in, n_out)) in enumerate(zip(layers_raw, spec.shapes(), strict=True)):
        fields = Fields(layer, f"{path}[{i}]", known=("W", "b"))
        w = fields.array("W", shape=(n_in, n_out))
        b: np.ndarray | None = None
        if spec.use_bias:
            if not fields.has("b"):
                fail(fields.at("b"), "missing (the network has biases)")
            b = fields.array("b", shape=(n_out,))
        elif fields.has("b"):
            fail(fields.at("b"), "expected null (the network has no biases)")
        layers.append((w, b))
    return layers


def _check_layers(
    layers: Sequence[tuple[np.ndarray, np.ndarray | None]], path: str, spec: NetworkSpec
) -> None:
    """Shapes of already-parsed layers (the scenario's explicit start weights)."""
    if len(layers) != spec.depth:
        fail(path, f"expected {spec.depth} layers, got {len(layers)}")
    for i, ((w, b), (n_in, n_out)) in enumerate(zip(layers, spec.shapes(), strict=True)):
        if w.shape != (n_in, n_out):
            fail(f"{path}[{i}].W", f"expected shape {(n_in, n_out)}, got {w.shape}")
        if spec.use_bias and b is None:
            fail(f"{path}[{i}].b", "missing (the network has biases)")


def _read_optimizer_state(fields: Fields, n: int) -> dict[str, Any]:
    out: dict[str, Any] = {"t": fields.integer("t", lo=0, hi=MAX_INT)}
    for key in ("velocity", "m", "v"):
        out[key] = fields.array(key, shape=(n,))
    if fields.has("alive"):  # TF rules' dead links: 0.0 dead, 1.0 alive
        out["alive"] = fields.array("alive", shape=(n,))
    negative = np.flatnonzero(out["v"] < 0)
    if negative.size:
        fail(f"{fields.at('v')}[{negative[0]}]",
             f"must not be negative (a mean of squares), got {out['v'][negative[0]]!r}")
    return out


def _read_history(fields: Fields, epoch: int) -> History:
    stride = fields.integer("stride", lo=1, hi=MAX_INT)
    if stride & (stride - 1):
        fail(fields.at("stride"), f"must be a power of two, got {stride}")
    epochs_raw = fields.items("epoch")
    capacity = History().capacity
    if len(epochs_raw) > capacity:
        fail(fields.at("epoch"), f"at most {capacity} entries, got {len(epochs_raw)}")
    epochs: list[int] = []
    for i, e in enumerate(epochs_raw):
        p = f"{fields.at('epoch')}[{i}]"
        as_int(e, p)
        if e < 0:
            fail(p, f"must not be negative, got {e}")
        if epochs and e <= epochs[-1]:
            fail(p, f"epochs must increase, got {e} after {epochs[-1]}")
        if e > epoch:
            fail(p, f"{e} is after the saved epoch (state.epoch = {epoch})")
        epochs.append(e)
    columns: dict[str, np.ndarray] = {}
    for name in ALL_COLUMNS:
        if name not in COLUMNS and not fields.has(name):
            continue  # R², written for regression only (and absent from older files)
        p = fields.at(name)
        values = fields.values(name)
        if len(values) != len(epochs):
            fail(p, f"has {len(values)} entries but history.epoch has {len(epochs)}")
        column = np.empty(len(values))
        for i, v in enumerate(values):
            column[i] = read_metric(v, f"{p}[{i}]", accuracy=name.endswith("accuracy"))
        columns[name] = column
    return History.from_arrays(np.array(epochs, dtype=np.int64), columns, stride, capacity)

