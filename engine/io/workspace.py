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
                 "train_accuracy": [...], "test_accuracy": [...],
                 "train_r2": [...], "test_r2": [...]},   (R²: regression only, optional)
     "pinned": [...runs pinned for comparison; optional, see engine.io.workspace_pinned...]}

Floats are written with Python's shortest round-tripping repr, so a loaded run continues
exactly as the saved one would have. JSON has no NaN: a history value that does not apply (no
test set, accuracy in regression) is written as null, and an infinite one (a test loss that
overflowed) as the string "Infinity" or "-Infinity"; nothing else may be non-finite.
``optimizer_state`` arrays are in the trainer's internal flat parameter order; its optional
``alive`` (1 alive, 0 dead) holds TF Playground rules' dead links, written only if there are any.

Loading checks everything before building anything and names the offending field
(``state.parameters[1].W: expected shape (4, 2), got (3, 2)``); every problem, from a missing
file to a wrong shape, is a one-line ``WorkspaceError``. A new Trainer is built, so a failed
load never touches the caller's trainer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from engine import __version__
from engine.fileio import atomic_write_text, read_limited
from engine.history import COLUMNS, R2_COLUMNS
from engine.io.formats import APP_NAME, WORKSPACE_FORMAT, WORKSPACE_SCHEMA_VERSION
from engine.io.jsonread import check_json_values, read_json
from engine.io.metric_json import encode_metric
from engine.io.validate import unexpected
from engine.io.workspace_pinned import pinned_to_json
from engine.io.workspace_read import WorkspaceError, read_workspace
from engine.pinned import PinnedRun
from engine.scenario import scenario_to_dict
from engine.trainer import Trainer

T = TypeVar("T")
SCHEMA_VERSION = WORKSPACE_SCHEMA_VERSION
MAX_WORKSPACE_BYTES = 64 * 1024 * 1024
APP_VERSION = __version__
"""Keep in step with pyproject.toml; only recorded in ``saved_by``, never checked."""

# ---------------------------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------------------------


def workspace_to_dict(trainer: Trainer, pinned: Sequence[PinnedRun] = ()) -> dict[str, Any]:
    """The trainer's whole run as a JSON-ready dictionary, with the runs ``pinned`` for
    comparison (``engine.io.workspace_pinned``; written only when there are some).

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
    if not np.all(state["alive"] == 1.0):  # TF rules' dead links; absent means none
        optimizer_state["alive"] = state["alive"].tolist()
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
        history[name] = [encode_metric(v) for v in arrays[name].tolist()]
    for name in R2_COLUMNS:  # regression only: classification files stay as they were
        if np.isfinite(arrays[name]).any():
            history[name] = [encode_metric(v) for v in arrays[name].tolist()]
    out = {
        "format": WORKSPACE_FORMAT,
        "schema_version": WORKSPACE_SCHEMA_VERSION,
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
    if pinned:
        out["pinned"] = pinned_to_json(pinned)
    return out


def workspace_to_json(trainer: Trainer, pinned: Sequence[PinnedRun] = ()) -> str:
    """The workspace as text; ``allow_nan=False`` makes a stray NaN an error, never a file."""
    try:
        return json.dumps(workspace_to_dict(trainer, pinned), indent=1, allow_nan=False) + "\n"
    except ValueError as e:
        if isinstance(e, WorkspaceError):
            raise
        raise WorkspaceError(f"cannot save: {e}") from None


def save_workspace(trainer: Trainer, path: str | os.PathLike[str],
                   pinned: Sequence[PinnedRun] = ()) -> None:
    """Write the workspace atomically as UTF-8: the old file survives any failure.

    Raises WorkspaceError when the run cannot be represented, OSError when writing fails.
    """
    atomic_write_text(path, workspace_to_json(trainer, pinned))


def _require_finite(arr: np.ndarray, path: str) -> None:
    if not np.all(np.isfinite(arr)):
        raise WorkspaceError(f"{path}: contains NaN or Inf; such a network cannot be saved")


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_workspace(path: str | os.PathLike[str]) -> Trainer:
    """A new Trainer from a workspace file; WorkspaceError with a one-line message otherwise."""
    return load_workspace_pinned(path)[0]


def load_workspace_pinned(path: str | os.PathLike[str]
                          ) -> tuple[Trainer, tuple[PinnedRun, ...]]:
    """A new Trainer and the runs pinned with it from a workspace file (``load_workspace``)."""
    name = os.fspath(path)
    try:
        data = read_limited(name, MAX_WORKSPACE_BYTES)
    except ValueError as e:
        raise WorkspaceError(str(e)) from None
    return _guarded(name, lambda: _build_pinned(parse_workspace_bytes(data, name)))


def parse_workspace_bytes(data: bytes, name: str = "workspace") -> Any:
    """Decode and parse a workspace file's bytes into JSON values with the strict reader
    (engine.io.jsonread: no NaN or Infinity, no duplicate keys)."""
    try:
        return read_json(data, name, "workspace")
    except ValueError as e:
        raise WorkspaceError(str(e)) from None
    except Exception as e:  # MemoryError, RecursionError: never a crash
        raise WorkspaceError(f"{name}: cannot read this file ({unexpected(e)})") from None


def trainer_from_dict(obj: Any) -> Trainer:
    """A new Trainer from parsed workspace JSON, after checking every field."""
    try:
        check_json_values(obj)
    except ValueError as e:
        raise WorkspaceError(str(e)) from None
    return _guarded("workspace", lambda: _build(obj))


def _guarded(name: str, load: Callable[[], T]) -> T:
    """``load()``, with any failure that is not already a WorkspaceError made one."""
    try:
        return load()
    except WorkspaceError:
        raise
    except Exception as e:  # MemoryError, OverflowError deep in NumPy: never a crash
        raise WorkspaceError(f"{name}: cannot load this workspace ({unexpected(e)})") from None


def _build(obj: Any) -> Trainer:
    """A Trainer from JSON values already known to be strict JSON."""
    return _build_pinned(obj)[0]


def _build_pinned(obj: Any) -> tuple[Trainer, tuple[PinnedRun, ...]]:
    """A Trainer and the pinned runs from JSON values already known to be strict JSON."""
    try:
        loaded = read_workspace(obj)
        return loaded.build(), loaded.pinned
    except WorkspaceError:
        raise
    except ValueError as e:
        raise WorkspaceError(str(e)) from None
