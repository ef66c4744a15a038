"""Workspaces: a whole training run in one JSON file, restored bit for bit.

A workspace holds the scenario (as in a preset), the exact parameters now and at the start,
the optimiser's moving state, the position in the epoch and the loss history::

    {"format": "backprop-playground-workspace", "schema_version": 1,
     "saved_by": "Backprop Playground 0.1.0",
     "scenario": {...engine.scenario.scenario_to_dict...},
     "state": {"epoch": 12, "batch_index": 0,
               "initial_parameters": [{"W": [[...]], "b": [...] | null}, ...],
               "parameters": [...same form...],
               "optimizer_state": {"t": 0, "velocity": [...], "m": [...], "v": [...]}},
     "history": {"stride": 1, "epoch": [...], "train_loss": [...], "test_loss": [...],
                 "train_accuracy": [...], "test_accuracy": [...]}}

Floats are written with Python's shortest round-tripping repr, so a loaded run continues
exactly as the saved one would have. JSON has no NaN: a history value that does not apply (no
test set, accuracy in regression) is written as null, and an infinite one (a test loss that
overflowed) as the string "Infinity" or "-Infinity"; nothing else may be non-finite.
``optimizer_state`` arrays are in the trainer's internal flat parameter order.

Loading checks everything before building anything and names the offending field
(``state.parameters[1].W: expected shape (4, 2), got (3, 2)``); every problem, from a missing
file to a wrong shape, is a one-line ``WorkspaceError``. A new Trainer is built, so a failed
load never touches the caller's trainer.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from engine import __version__
from engine.fileio import atomic_write_text, decode_text, read_limited
from engine.history import COLUMNS, History
from engine.network import NetworkSpec
from engine.scenario import Scenario, network_spec, scenario_from_dict, scenario_to_dict
from engine.trainer import Trainer

WORKSPACE_FORMAT = "backprop-playground-workspace"
SCHEMA_VERSION = 1
MAX_WORKSPACE_BYTES = 64 * 1024 * 1024
APP_NAME = "Backprop Playground"
APP_VERSION = __version__
"""Keep in step with pyproject.toml; only recorded in ``saved_by``, never checked."""

MAX_INT = 2**63 - 1
MAX_EPOCH = 2**53
"""Far beyond any real run, and small enough that epoch + 1 never overflows anything."""
_TOP_KEYS = ("format", "schema_version", "saved_by", "scenario", "state", "history")
_STATE_KEYS = ("epoch", "batch_index", "initial_parameters", "parameters", "optimizer_state")
_OPTIMIZER_KEYS = ("t", "velocity", "m", "v")
_HISTORY_KEYS = ("stride", "epoch", *COLUMNS)
_INFINITIES = {"Infinity": math.inf, "-Infinity": -math.inf}


class WorkspaceError(ValueError):
    """A workspace that cannot be saved or loaded; the message is one line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).splitlines()))


# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------


def workspace_to_dict(trainer: Trainer) -> dict[str, Any]:
    """The trainer's whole run as a JSON-ready dictionary.

    An unfinished phase step is completed first (as every other trainer action does), since
    half a step cannot be stored.
    """
    trainer.finish_step()
    state = trainer.optimizer.state()
    optimizer_state: dict[str, Any] = {"t": int(trainer.optimizer.t)}
    for key in ("velocity", "m", "v"):
        arr = np.asarray(state[key], dtype=np.float64)
        _require_finite(arr, f"state.optimizer_state.{key}")
        optimizer_state[key] = arr.tolist()
    layers = {}
    for name, params in (("initial_parameters", trainer.initial_params),
                         ("parameters", trainer.params)):
        _require_finite(params.flat, f"state.{name}")
        layers[name] = [
            {"W": w.tolist(), "b": None if b is None else b.tolist()}
            for w, b in params.as_list()
        ]
    arrays = trainer.history.as_arrays()
    history: dict[str, Any] = {
        "stride": int(trainer.history.stride),
        "epoch": [int(e) for e in arrays["epoch"]],
    }
    for name in COLUMNS:
        history[name] = [_encode_metric(v) for v in arrays[name].tolist()]
    return {
        "format": WORKSPACE_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "saved_by": f"{APP_NAME} {APP_VERSION}",
        "scenario": scenario_to_dict(trainer.scenario),
        "state": {
            "epoch": int(trainer.epoch),
            "batch_index": int(trainer.batch_index),
            "initial_parameters": layers["initial_parameters"],
            "parameters": layers["parameters"],
            "optimizer_state": optimizer_state,
        },
        "history": history,
    }


def workspace_to_json(trainer: Trainer) -> str:
    """The workspace as text; ``allow_nan=False`` makes a stray NaN an error, never a file."""
    try:
        return json.dumps(workspace_to_dict(trainer), indent=1, allow_nan=False) + "\n"
    except ValueError as e:
        if isinstance(e, WorkspaceError):
            raise
        raise WorkspaceError(f"cannot save: {e}") from None


def save_workspace(trainer: Trainer, path: str | os.PathLike[str]) -> None:
    """Write the workspace atomically as UTF-8: the old file survives any failure.

    Raises WorkspaceError when the run cannot be represented, OSError when writing fails.
    """
    atomic_write_text(path, workspace_to_json(trainer))


def _require_finite(arr: np.ndarray, path: str) -> None:
    if not np.all(np.isfinite(arr)):
        raise WorkspaceError(f"{path}: contains NaN or Inf; such a network cannot be saved")


def _encode_metric(v: float) -> float | str | None:
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_workspace(path: str | os.PathLike[str]) -> Trainer:
    """A new Trainer from a workspace file; WorkspaceError with a one-line message otherwise."""
    name = os.fspath(path)
    try:
        data = read_limited(name, MAX_WORKSPACE_BYTES)
    except ValueError as e:
        raise WorkspaceError(str(e)) from None
    return trainer_from_dict(parse_workspace_bytes(data, name))


def parse_workspace_bytes(data: bytes, name: str = "workspace") -> Any:
    """Decode and parse a workspace file's bytes into JSON values, refusing NaN and Infinity."""
    try:
        text = decode_text(data, name)
    except ValueError as e:
        raise WorkspaceError(f"{e}; is it a workspace?") from None
    if not text.strip():
        raise WorkspaceError(f"{name}: the file is empty")
    try:
        return json.loads(
            text, parse_constant=_BadNumber, parse_float=_parse_float, parse_int=_parse_int
        )
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise WorkspaceError(f"{name}: the file ends too early (truncated?)") from None
        raise WorkspaceError(
            f"{name}: not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}"
        ) from None
    except RecursionError:
        raise WorkspaceError(f"{name}: not a workspace (JSON nested too deeply)") from None
    except ValueError as e:
        raise WorkspaceError(f"{name}: not valid JSON: {e}") from None


class _BadNumber:
    """Stands in for a number JSON must not hold (NaN, Infinity, 1e999, a 500-digit integer)
    until the whole document is parsed, so the error can name the field it is in."""

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= 24 else f"{text[:20]}…"


def _parse_float(text: str) -> float | _BadNumber:
    v = float(text)
    return v if math.isfinite(v) else _BadNumber(text)


def _parse_int(text: str) -> int | _BadNumber:
    return int(text) if len(text) <= 24 else _BadNumber(text)


def trainer_from_dict(obj: Any) -> Trainer:
    """A new Trainer from parsed workspace JSON, after checking every field."""
    try:
        return _trainer_from_dict(obj)
    except WorkspaceError:
        raise
    except ValueError as e:
        raise WorkspaceError(str(e)) from None


def _trainer_from_dict(obj: Any) -> Trainer:
    _check_json_values(obj)
    if not isinstance(obj, Mapping):
        raise WorkspaceError(
            f"not a workspace: the document is {_kind(obj)}, not an object with a 'format' field"
        )
    _check_header(obj)
    _no_unknown_keys(obj, "", _TOP_KEYS)
    if "saved_by" in obj and not isinstance(obj["saved_by"], str):
        raise WorkspaceError(f"saved_by: expected a string, got {_kind(obj['saved_by'])}")

    for key in ("scenario", "state", "history"):
        if key not in obj:
            raise WorkspaceError(f"{key}: missing")
    scenario = _read_scenario(obj["scenario"])
    spec = network_spec(scenario)
    if scenario.init.scheme == "explicit" and scenario.initial_weights is not None:
        _check_layers(scenario.initial_weights, "scenario.initial_weights", spec)

    state = _mapping(obj["state"], "state")
    _no_unknown_keys(state, "state", _STATE_KEYS)
    epoch = _int(state, "epoch", "state", hi=MAX_EPOCH)
    batch_index = _int(state, "batch_index", "state")
    initial = _read_layers(_get(state, "initial_parameters", "state"),
                           "state.initial_parameters", spec)
    current = _read_layers(_get(state, "parameters", "state"), "state.parameters", spec)
    optimizer_state = _read_optimizer_state(
        _get(state, "optimizer_state", "state"), spec.n_parameters
    )
    history = _read_history(_get(obj, "history", ""), epoch)

    try:
        trainer = Trainer(scenario)
    except ValueError as e:
        msg = str(e)
        raise WorkspaceError(
            f"scenario.{msg}" if msg.startswith("initial_weights") else f"scenario: {msg}"
        ) from None
    if batch_index >= trainer.batches_per_epoch:
        raise WorkspaceError(
            f"state.batch_index: must be below {trainer.batches_per_epoch} (the batches per "
            f"epoch of this scenario), got {batch_index}"
        )
    trainer.restore_state(initial, current, optimizer_state, epoch, batch_index, history)
    if batch_index == 0 and (len(history) == 0 or history.epochs[-1] != epoch):
        # The history keeps every stride-th epoch; the latest measurement is of the current
        # parameters, so measure it again (bit-identical to what the trainer recorded).
        trainer.history.latest = trainer.evaluate()
    return trainer


def _check_header(obj: Mapping[str, Any]) -> None:
    """Is this a workspace at all, and one this version can read?"""
    fmt = obj.get("format")
    if fmt != WORKSPACE_FORMAT:
        hint = ""
        if "format" not in obj and ("model" in obj or "data" in obj):
            hint = " (it looks like a scenario or preset file)"
        got = "missing" if "format" not in obj else f"got {_short(fmt)}"
        raise WorkspaceError(
            f"format: {got}, expected {WORKSPACE_FORMAT!r}; this is not a Backprop Playground "
            f"workspace{hint}"
        )
    version = obj.get("schema_version")
    if "schema_version" not in obj:
        raise WorkspaceError("schema_version: missing")
    if not isinstance(version, int) or isinstance(version, bool):
        raise WorkspaceError(f"schema_version: expected an integer, got {_kind(version)}")
    if version < 1:
        raise WorkspaceError(f"schema_version: must be at least 1, got {version}")
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"schema_version: this workspace has schema version {version}, but this version of "
            f"{APP_NAME} reads schema version {SCHEMA_VERSION} only; open it with a newer version"
        )


def _read_scenario(raw: Any) -> Scenario:
    try:
        return scenario_from_dict(raw, path="scenario")
    except ValueError as e:
        msg = str(e)
        raise WorkspaceError(msg if msg.startswith("scenario") else f"scenario: {msg}") from None


def _read_layers(raw: Any, path: str, spec: NetworkSpec) -> list[tuple[np.ndarray, Any]]:
    """[{"W": ..., "b": ...}, ...] checked against the network's shapes."""
    if not isinstance(raw, list):
        raise WorkspaceError(f"{path}: expected a list of layers, got {_kind(raw)}")
    if len(raw) != spec.depth:
        raise WorkspaceError(
            f"{path}: expected {spec.depth} layers for a {'-'.join(map(str, spec.sizes))} "
            f"network, got {len(raw)}"
        )
    layers = []
    for i, (layer, (n_in, n_out)) in enumerate(zip(raw, spec.shapes(), strict=True)):
        p = f"{path}[{i}]"
        obj = _mapping(layer, p)
        _no_unknown_keys(obj, p, ("W", "b"))
        w = _array(_get(obj, "W", p), f"{p}.W", (n_in, n_out))
        b_raw = obj.get("b")
        if spec.use_bias:
            if b_raw is None:
                raise WorkspaceError(f"{p}.b: missing (the network has biases)")
            b: np.ndarray | None = _array(b_raw, f"{p}.b", (n_out,))
        else:
            if b_raw is not None:
                raise WorkspaceError(f"{p}.b: expected null (the network has no biases)")
            b = None
        layers.append((w, b))
    return layers


def _check_layers(
    layers: Sequence[tuple[np.ndarray, np.ndarray | None]], path: str, spec: NetworkSpec
) -> None:
    """Shapes of already-parsed layers (the scenario's explicit start weights)."""
    if len(layers) != spec.depth:
        raise WorkspaceError(f"{path}: expected {spec.depth} layers, got {len(layers)}")
    for i, ((w, b), (n_in, n_out)) in enumerate(zip(layers, spec.shapes(), strict=True)):
        if w.shape != (n_in, n_out):
            raise WorkspaceError(
                f"{path}[{i}].W: expected shape {(n_in, n_out)}, got {w.shape}"
            )
        if spec.use_bias and b is None:
            raise WorkspaceError(f"{path}[{i}].b: missing (the network has biases)")


def _read_optimizer_state(raw: Any, n: int) -> dict[str, Any]:
    path = "state.optimizer_state"
    obj = _mapping(raw, path)
    _no_unknown_keys(obj, path, _OPTIMIZER_KEYS)
    out: dict[str, Any] = {"t": _int(obj, "t", path)}
    for key in ("velocity", "m", "v"):
        out[key] = _array(_get(obj, key, path), f"{path}.{key}", (n,))
    negative = np.flatnonzero(out["v"] < 0)
    if negative.size:
        raise WorkspaceError(
            f"{path}.v[{negative[0]}]: must not be negative (a mean of squares), "
            f"got {out['v'][negative[0]]!r}"
        )
    return out


def _read_history(raw: Any, epoch: int) -> History:
    obj = _mapping(raw, "history")
    _no_unknown_keys(obj, "history", _HISTORY_KEYS)
    stride = _int(obj, "stride", "history", lo=1)
    if stride & (stride - 1):
        raise WorkspaceError(f"history.stride: must be a power of two, got {stride}")
    epochs_raw = _get(obj, "epoch", "history")
    if not isinstance(epochs_raw, list):
        raise WorkspaceError(f"history.epoch: expected a list, got {_kind(epochs_raw)}")
    capacity = History().capacity
    if len(epochs_raw) > capacity:
        raise WorkspaceError(
            f"history.epoch: at most {capacity} entries, got {len(epochs_raw)}"
        )
    epochs = []
    for i, e in enumerate(epochs_raw):
        p = f"history.epoch[{i}]"
        if not isinstance(e, int) or isinstance(e, bool):
            raise WorkspaceError(f"{p}: expected an integer, got {_kind(e)}")
        if e < 0:
            raise WorkspaceError(f"{p}: must not be negative, got {e}")
        if epochs and e <= epochs[-1]:
            raise WorkspaceError(f"{p}: epochs must increase, got {e} after {epochs[-1]}")
        if e > epoch:
            raise WorkspaceError(f"{p}: {e} is after the saved epoch (state.epoch = {epoch})")
        epochs.append(e)
    columns: dict[str, np.ndarray] = {}
    for name in COLUMNS:
        p = f"history.{name}"
        values = _get(obj, name, "history")
        if not isinstance(values, list):
            raise WorkspaceError(f"{p}: expected a list, got {_kind(values)}")
        if len(values) != len(epochs):
            raise WorkspaceError(
                f"{p}: has {len(values)} entries but history.epoch has {len(epochs)}"
            )
        column = np.empty(len(values))
        for i, v in enumerate(values):
            column[i] = _metric(v, f"{p}[{i}]", accuracy=name.endswith("accuracy"))
        columns[name] = column
    return History.from_arrays(np.array(epochs, dtype=np.int64), columns, stride, capacity)


def _metric(v: Any, path: str, accuracy: bool) -> float:
    """A history value: a number, null for 'does not apply' (NaN), or a signed Infinity."""
    if v is None:
        return math.nan
    if isinstance(v, str) and v in _INFINITIES and not accuracy:
        return _INFINITIES[v]
    if not isinstance(v, int | float) or isinstance(v, bool):
        raise WorkspaceError(f"{path}: expected a number or null, got {_kind(v)}")
    if accuracy and not 0.0 <= v <= 1.0:
        raise WorkspaceError(f"{path}: an accuracy must lie in 0..1, got {v!r}")
    return float(v)


# ---------------------------------------------------------------------------------------------
# Small readers
# ---------------------------------------------------------------------------------------------


def _check_json_values(obj: Any) -> None:
    """Refuse anything JSON cannot hold exactly: NaN, Infinity, out-of-range numbers,
    non-string keys or non-JSON types, naming where it is."""
    stack: list[tuple[Any, str]] = [(obj, "")]
    while stack:
        v, path = stack.pop()
        if isinstance(v, Mapping):
            for k, x in v.items():
                if not isinstance(k, str):
                    raise WorkspaceError(f"{path or 'document'}: a key is not a string: {k!r}")
                stack.append((x, _join(path, k)))
        elif isinstance(v, list):
            stack.extend((x, f"{path}[{i}]") for i, x in enumerate(v))
        elif v is None or isinstance(v, str | bool):
            continue
        elif isinstance(v, int):
            if not -MAX_INT - 1 <= v <= MAX_INT:
                raise WorkspaceError(f"{path or 'document'}: integer out of range")
        elif isinstance(v, float):
            if not math.isfinite(v):
                raise WorkspaceError(
                    f"{path or 'document'}: {v} is not allowed (numbers must be finite)"
                )
        elif isinstance(v, _BadNumber):
            raise WorkspaceError(
                f"{path or 'document'}: {v.text} is not allowed (numbers must be finite and "
                "fit a 64-bit float or integer)"
            )
        else:
            raise WorkspaceError(f"{path or 'document'}: not a JSON value ({type(v).__name__})")


def _join(path: str, key: str) -> str:
    if key.isidentifier():
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "a list", dict: "an object"}
    return names.get(type(v), type(v).__name__)


def _short(v: Any) -> str:
    """A value for a message: strings quoted and cut, other things by kind."""
    if isinstance(v, str):
        return repr(v if len(v) <= 60 else v[:57] + "...")
    return _kind(v)


def _mapping(v: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(v, Mapping):
        raise WorkspaceError(f"{path}: expected an object, got {_kind(v)}")
    return v


def _get(obj: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in obj:
        raise WorkspaceError(f"{_join(path, key)}: missing")
    return obj[key]


def _no_unknown_keys(obj: Mapping[str, Any], path: str, known: Sequence[str]) -> None:
    for key in obj:
        if key not in known:
            raise WorkspaceError(
                f"{_join(path, key)}: unknown field (known: {', '.join(known)})"
            )


def _int(
    obj: Mapping[str, Any], key: str, path: str, lo: int = 0, hi: int = MAX_INT
) -> int:
    v = _get(obj, key, path)
    p = _join(path, key)
    if not isinstance(v, int) or isinstance(v, bool):
        raise WorkspaceError(f"{p}: expected an integer, got {_kind(v)}")
    if v < lo:
        raise WorkspaceError(f"{p}: must be at least {lo}, got {v}")
    if v > hi:
        raise WorkspaceError(f"{p}: must be at most {hi}, got {v}")
    return v


def _array(obj: Any, path: str, shape: tuple[int, ...]) -> np.ndarray:
    """A finite float64 array of exactly ``shape`` from nested lists of numbers."""
    _check_nested_numbers(obj, path, len(shape))
    try:
        arr = np.array(obj, dtype=np.float64)
    except (ValueError, TypeError):
        arr = None
    if arr is None or arr.ndim != len(shape):
        for i, row in enumerate(obj):
            if len(row) != len(obj[0]):
                raise WorkspaceError(
                    f"{path}[{i}]: has length {len(row)} but {path}[0] has length {len(obj[0])}; "
                    f"expected shape {shape}"
                )
        raise WorkspaceError(f"{path}: expected shape {shape}, got ragged rows")
    if arr.shape != shape:
        raise WorkspaceError(f"{path}: expected shape {shape}, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise WorkspaceError(f"{path}: contains NaN or Inf")
    return arr


def _check_nested_numbers(obj: Any, path: str, depth: int) -> None:
    if depth == 0:
        if not isinstance(obj, int | float) or isinstance(obj, bool):
            raise WorkspaceError(f"{path}: expected a number, got {_kind(obj)}")
        return
    if not isinstance(obj, list):
        raise WorkspaceError(f"{path}: expected a list, got {_kind(obj)}")
    if depth == 1:
        for i, v in enumerate(obj):
            if not isinstance(v, int | float) or isinstance(v, bool):
                raise WorkspaceError(f"{path}[{i}]: expected a number, got {_kind(v)}")
        return
    for i, v in enumerate(obj):
        _check_nested_numbers(v, f"{path}[{i}]", depth - 1)
