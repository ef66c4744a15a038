"""Tests for engine.workspace and engine.fileio: exact round trips, refusal of every kind of bad
workspace with the offending field named, bad files, fuzzing, and atomic writes."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine.fileio as fileio
import engine.io.workspace as workspace
from engine.fileio import atomic_write_bytes, atomic_write_text, format_size, read_limited
from engine.history import COLUMNS, History
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from engine.scenario import scenario_to_dict
from engine.trainer import Trainer
from engine.workspace import (
    SCHEMA_VERSION,
    WORKSPACE_FORMAT,
    WorkspaceError,
    load_workspace,
    parse_workspace_bytes,
    save_workspace,
    trainer_from_dict,
    workspace_to_dict,
)
from tests.helpers import trained

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def bits(a: np.ndarray) -> np.ndarray:
    """The raw 64-bit patterns, so -0.0 vs 0.0 or a last-bit difference shows."""
    return np.ascontiguousarray(a, dtype=np.float64).view(np.int64)


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(bits(a), bits(b))


def flat_layers(layers: list[tuple[np.ndarray, np.ndarray | None]]) -> np.ndarray:
    parts = []
    for w, b in layers:
        parts.append(w.ravel())
        if b is not None:
            parts.append(b.ravel())
    return np.concatenate(parts)


def assert_same_run(a: Trainer, b: Trainer) -> None:
    """Everything a workspace stores is identical, bit for bit."""
    assert scenario_to_dict(a.scenario) == scenario_to_dict(b.scenario)
    assert same_bits(a.params.flat, b.params.flat)
    assert same_bits(flat_layers(a.params.as_list()), flat_layers(b.params.as_list()))
    assert same_bits(a.initial_params.flat, b.initial_params.flat)
    sa, sb = a.optimizer.state(), b.optimizer.state()
    assert sa["t"] == sb["t"]
    for key in ("velocity", "m", "v"):
        assert same_bits(sa[key], sb[key]), key
    assert (a.epoch, a.batch_index) == (b.epoch, b.batch_index)
    ha, hb = a.history.as_arrays(), b.history.as_arrays()
    assert a.history.stride == b.history.stride
    assert np.array_equal(ha["epoch"], hb["epoch"])
    for name in COLUMNS:
        assert np.array_equal(ha[name], hb[name], equal_nan=True), name
    la, lb = a.history.latest, b.history.latest
    assert (la is None) == (lb is None)
    if la is not None and lb is not None:
        assert la.epoch == lb.epoch
        got = np.array([lb.train_loss, lb.test_loss, lb.train_accuracy, lb.test_accuracy])
        want = np.array([la.train_loss, la.test_loss, la.train_accuracy, la.test_accuracy])
        assert np.array_equal(got, want, equal_nan=True)


def strict_json(text: str) -> Any:
    """Parse as standard JSON: a NaN or Infinity token is an error."""

    def refuse(token: str) -> None:
        raise AssertionError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def assert_one_line(e: pytest.ExceptionInfo[WorkspaceError]) -> str:
    msg = str(e.value)
    assert msg
    assert "\n" not in msg and "\r" not in msg
    assert "Traceback" not in msg
    return msg


@cache
def _good_json(key: str) -> str:
    steps = {"tf_default": 1, "softmax_spiral3": 2, "worked_example": 0}[key]
    return json.dumps(workspace_to_dict(trained(key, 2, steps)))


def good(key: str = "tf_default") -> dict[str, Any]:
    """A fresh, valid workspace dictionary (a new copy on every call)."""
    return json.loads(_good_json(key))


# ---------------------------------------------------------------------------------------------
# Exact round trips
# ---------------------------------------------------------------------------------------------

ROUND_TRIPS = [
    ("tf_default", 4, 0, {}),  # SGD, shuffled minibatches, epoch boundary
    ("tf_default", 3, 2, {}),  # mid-epoch
    ("softmax_spiral3", 2, 3, {}),  # Adam, three classes, mid-epoch
    ("worked_example", 5, 0, {}),  # custom data, explicit weights, sum reduction
    ("sine_regression", 2, 1, {}),  # regression: accuracy is NaN
    ("xor_221", 3, 0, {}),  # no test set: test loss is NaN
]


@pytest.mark.parametrize(("key", "epochs", "steps", "changes"), ROUND_TRIPS)
def test_round_trip_is_exact_and_training_continues_identically(
    tmp_path: Path, key: str, epochs: int, steps: int, changes: dict[str, Any]
) -> None:
    original = trained(key, epochs, steps, **changes)
    assert original.epoch == epochs
    assert original.batch_index == steps % original.batches_per_epoch
    path = tmp_path / "run.json"
    save_workspace(original, path)

    doc = strict_json(path.read_text(encoding="utf-8"))
    assert doc["format"] == WORKSPACE_FORMAT
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["saved_by"].startswith("Backprop Playground ")
    assert doc["scenario"] == scenario_to_dict(original.scenario)

    loaded = load_workspace(path)
    assert loaded is not original
    assert_same_run(original, loaded)
    assert workspace_to_dict(loaded) == workspace_to_dict(original)

    original.train(3)
    loaded.train(3)
    assert original.diverged is None and loaded.diverged is None
    assert_same_run(original, loaded)


def test_round_trip_momentum_without_biases(tmp_path: Path) -> None:
    """Momentum's velocity and a network without biases (b is null) both survive."""
    s = get_preset("tf_default")
    s = s.with_changes(model=replace(s.model, use_bias=False))
    original = Trainer(s)
    original.set_optimizer(OptimizerSpec(kind="momentum", learning_rate=0.01, momentum=0.8))
    original.train(2)
    original.train_step()
    assert np.any(original.optimizer.velocity != 0)
    save_workspace(original, tmp_path / "m.json")
    doc = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert all(layer["b"] is None for layer in doc["state"]["parameters"])
    loaded = load_workspace(tmp_path / "m.json")
    assert_same_run(original, loaded)
    original.train(3)
    loaded.train(3)
    assert_same_run(original, loaded)


def test_round_trip_decimated_history_and_infinite_values(tmp_path: Path) -> None:
    """A history with stride > 1 (its latest entry not stored) and an infinite test loss."""
    original = trained("xor_221", 0)
    original.history = History(capacity=4)
    original.history.record(original.evaluate())
    original.train(11)
    assert original.history.stride > 1
    assert original.history.epochs[-1] != original.epoch
    save_workspace(original, tmp_path / "a.json")
    loaded = load_workspace(tmp_path / "a.json")
    assert_same_run(original, loaded)

    arrays = original.history.as_arrays()
    arrays["test_loss"][1] = math.inf
    arrays["train_loss"][2] = -math.inf
    latest = original.history.latest
    original.history = History.from_arrays(arrays["epoch"], arrays, original.history.stride)
    original.history.latest = latest
    save_workspace(original, tmp_path / "b.json")
    text = (tmp_path / "b.json").read_text(encoding="utf-8")
    strict_json(text)
    loaded = load_workspace(tmp_path / "b.json")
    assert loaded.history.column("test_loss")[1] == math.inf
    assert loaded.history.column("train_loss")[2] == -math.inf
    assert_same_run(original, loaded)


def test_saving_completes_an_unfinished_phase_step() -> None:
    t = trained("tf_default", 1)
    stepper = t.begin_step()
    stepper.advance()
    doc = workspace_to_dict(t)
    assert t.active_step is None
    assert doc["state"]["batch_index"] == 1
    assert_same_run(t, trainer_from_dict(doc))


def test_saving_refuses_non_finite_parameters(tmp_path: Path) -> None:
    t = trained("xor_221", 1)
    t.params.flat[3] = math.nan
    path = tmp_path / "nan.json"
    with pytest.raises(WorkspaceError, match=r"state\.parameters") as e:
        save_workspace(t, path)
    assert_one_line(e)
    assert not path.exists()
    assert os.listdir(tmp_path) == []


def test_failed_load_is_a_new_trainer_and_leaves_the_old_one_alone(tmp_path: Path) -> None:
    t = trained("tf_default", 2)
    before = t.params.flat.copy()
    bad = good()
    bad["state"]["epoch"] = -1
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(WorkspaceError):
        load_workspace(tmp_path / "bad.json")
    assert same_bits(t.params.flat, before)
    assert t.epoch == 2


# ---------------------------------------------------------------------------------------------
# Every class of bad workspace is refused, naming the field
# ---------------------------------------------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A corruption that sets ``a.b[1].c`` to ``value``."""

    def apply(doc: dict[str, Any]) -> None:
        keys = _parse_path(path)
        target = doc
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value

    return apply


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        keys = _parse_path(path)
        target = doc
        for k in keys[:-1]:
            target = target[k]
        del target[keys[-1]]

    return apply


def _parse_path(path: str) -> list[str | int]:
    keys: list[str | int] = []
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            keys.append(int(part[1:-1]))
        elif part:
            keys.append(part)
    return keys


def _pop_history_value(doc: dict[str, Any]) -> None:
    doc["history"]["test_loss"].pop()


def _swap_history_epochs(doc: dict[str, Any]) -> None:
    e = doc["history"]["epoch"]
    e[1], e[2] = e[2], e[1]


def _drop_layer(doc: dict[str, Any]) -> None:
    doc["state"]["parameters"].pop()


def _short_velocity(doc: dict[str, Any]) -> None:
    doc["state"]["optimizer_state"]["velocity"].pop()


def _w_three_rows(doc: dict[str, Any]) -> None:
    doc["state"]["parameters"][1]["W"] = [[0.1, 0.2]] * 3


def _ragged_w(doc: dict[str, Any]) -> None:
    doc["state"]["parameters"][0]["W"][1] = [0.5]


def _no_bias_network(doc: dict[str, Any]) -> None:
    doc["scenario"]["model"]["use_bias"] = False


def _softmax_bce(doc: dict[str, Any]) -> None:
    doc["scenario"]["model"]["output_activation"] = "softmax"
    doc["scenario"]["train"]["loss"] = "bce"


def _wrong_explicit_weights(doc: dict[str, Any]) -> None:
    doc["scenario"]["initial_weights"][0]["W"] = [[0.1, 0.2]] * 3


def _custom_y_short(doc: dict[str, Any]) -> None:
    doc["scenario"]["data"]["custom"]["y"].pop()


# (base preset, corruption, substrings the message must contain)
CORRUPTIONS: list[tuple[str, Callable[[dict[str, Any]], None], tuple[str, ...]]] = [
    # header
    ("tf_default", _delete("format"), ("format: missing", "not a Backprop Playground")),
    ("tf_default", _set("format", "something-else"), ("format:", "something-else")),
    ("tf_default", _set("format", 7), ("format:",)),
    ("tf_default", _delete("schema_version"), ("schema_version: missing",)),
    ("tf_default", _set("schema_version", 99), ("schema_version", "99", "reads schema version 1")),
    ("tf_default", _set("schema_version", 0), ("schema_version",)),
    ("tf_default", _set("schema_version", "1"), ("schema_version: expected an integer",)),
    ("tf_default", _set("schema_version", True), ("schema_version: expected an integer",)),
    ("tf_default", _set("schema_version", 1.0), ("schema_version: expected an integer",)),
    ("tf_default", _set("saved_by", 3), ("saved_by",)),
    ("tf_default", _set("extra", {}), ("extra: unknown field",)),
    ("tf_default", _delete("scenario"), ("scenario: missing",)),
    ("tf_default", _delete("state"), ("state: missing",)),
    ("tf_default", _delete("history"), ("history: missing",)),
    ("tf_default", _set("state", []), ("state: expected an object",)),
    # scenario (messages come from engine.scenario, prefixed with "scenario.")
    ("tf_default", _set("scenario", "circle"), ("scenario: expected an object",)),
    ("tf_default", _set("scenario.model.hidden[0].activation", "relu6"),
     ("scenario.model.hidden[0].activation", "relu6")),
    ("tf_default", _set("scenario.model.hidden[1].units", 0), ("scenario.model.hidden[1].units",)),
    ("tf_default", _set("scenario.model.hidden[0].units", True),
     ("scenario.model.hidden[0].units", "integer")),
    ("tf_default", _set("scenario.model.output_activation", "softmax2"),
     ("scenario.model.output_activation", "softmax2")),
    ("tf_default", _set("scenario.train.optimizer.learning_rate", "0.03"),
     ("scenario.train.optimizer.learning_rate", "number")),
    ("tf_default", _set("scenario.train.optimizer.learning_rate", -1.0),
     ("scenario.train.optimizer.learning_rate",)),
    ("tf_default", _set("scenario.train.optimizer.kind", "lbfgs"),
     ("scenario.train.optimizer.kind", "lbfgs")),
    ("tf_default", _set("scenario.train.batch_size", 2.5), ("scenario.train.batch_size",)),
    ("tf_default", _set("scenario.train.shuffle", 1), ("scenario.train.shuffle",)),
    ("tf_default", _set("scenario.data.dataset", "swiss_roll"),
     ("scenario.data.dataset", "swiss_roll")),
    ("tf_default", _set("scenario.data.features[1]", "x3"),
     ("scenario.data.features[1]", "x3")),
    ("tf_default", _set("scenario.data.features[0]", 1), ("scenario.data.features[0]",)),
    ("tf_default", _set("scenario.data.noise", float("nan")), ("scenario.data.noise",)),
    ("tf_default", _softmax_bce, ("scenario.train.loss",)),
    ("tf_default", _set("scenario.train.loss", "cce"), ("scenario.train.loss",)),
    ("worked_example", _wrong_explicit_weights,
     ("scenario.initial_weights[0].W: expected shape (2, 2), got (3, 2)",)),
    ("worked_example", _custom_y_short, ("scenario.data.custom.y",)),
    # state
    ("tf_default", _set("state.epoch", -1), ("state.epoch", "at least 0")),
    ("tf_default", _set("state.epoch", 2.0), ("state.epoch: expected an integer",)),
    ("tf_default", _set("state.epoch", True), ("state.epoch: expected an integer",)),
    ("tf_default", _set("state.epoch", 2**63 - 1), ("state.epoch: must be at most",)),
    ("tf_default", _set("state.epoch", 1), ("history.epoch[2]", "after the saved epoch")),
    ("tf_default", _set("state.batch_index", 25), ("state.batch_index", "25")),
    ("tf_default", _set("state.batch_index", -1), ("state.batch_index",)),
    ("tf_default", _set("state.batch_index", False), ("state.batch_index: expected an integer",)),
    ("tf_default", _delete("state.parameters"), ("state.parameters: missing",)),
    ("tf_default", _set("state.mood", 1), ("state.mood: unknown field",)),
    ("tf_default", _drop_layer, ("state.parameters: expected 3 layers",)),
    ("tf_default", _w_three_rows,
     ("state.parameters[1].W: expected shape (4, 2), got (3, 2)",)),
    ("tf_default", _ragged_w, ("state.parameters[0].W[1]: has length 1", "(2, 4)")),
    ("tf_default", _set("state.parameters[0].W[1][0]", "0.5"),
     ("state.parameters[0].W[1][0]: expected a number, got a string",)),
    ("tf_default", _set("state.parameters[2].W", 0.5), ("state.parameters[2].W: expected a list",)),
    ("tf_default", _set("state.initial_parameters[0].W[0][1]", float("inf")),
     ("state.initial_parameters[0].W[0][1]", "finite")),
    ("tf_default", _set("state.parameters[0].b", [0.1, 0.2]),
     ("state.parameters[0].b: expected shape (4,), got (2,)",)),
    ("tf_default", _delete("state.parameters[1].b"), ("state.parameters[1].b: missing",)),
    ("tf_default", _set("state.parameters[1].bias", [0.0, 0.0]),
     ("state.parameters[1].bias: unknown field",)),
    ("tf_default", _no_bias_network, ("state.initial_parameters[0].b", "no biases")),
    ("tf_default", _short_velocity, ("state.optimizer_state.velocity",)),
    ("tf_default", _set("state.optimizer_state.t", -3), ("state.optimizer_state.t",)),
    ("tf_default", _delete("state.optimizer_state.m"), ("state.optimizer_state.m: missing",)),
    ("tf_default", _set("state.optimizer_state.v[4]", -0.5), ("state.optimizer_state.v[4]",)),
    ("tf_default", _set("state.optimizer_state", None), ("state.optimizer_state: expected",)),
    # history
    ("tf_default", _pop_history_value, ("history.test_loss", "entries")),
    ("tf_default", _swap_history_epochs, ("history.epoch[2]", "increase")),
    ("tf_default", _set("history.epoch[0]", -1), ("history.epoch[0]",)),
    ("tf_default", _set("history.epoch[1]", True), ("history.epoch[1]: expected an integer",)),
    ("tf_default", _set("history.epoch", "0,1,2"), ("history.epoch: expected a list",)),
    ("tf_default", _set("history.train_accuracy[1]", 1.5), ("history.train_accuracy[1]",)),
    ("tf_default", _set("history.train_accuracy[1]", "Infinity"),
     ("history.train_accuracy[1]",)),
    ("tf_default", _set("history.train_loss[0]", "0.5"), ("history.train_loss[0]",)),
    ("tf_default", _set("history.train_loss[0]", False), ("history.train_loss[0]",)),
    ("tf_default", _set("history.stride", 3), ("history.stride", "power of two")),
    ("tf_default", _set("history.stride", 0), ("history.stride",)),
    ("tf_default", _delete("history.stride"), ("history.stride: missing",)),
    ("tf_default", _set("history.notes", []), ("history.notes: unknown field",)),
]


@pytest.mark.parametrize(
    ("base", "corrupt", "expected"),
    CORRUPTIONS,
    ids=[f"{i:02d}-{'-'.join(c[2])[:40]}" for i, c in enumerate(CORRUPTIONS)],
)
def test_bad_workspace_is_refused_naming_the_field(
    base: str, corrupt: Callable[[dict[str, Any]], None], expected: tuple[str, ...]
) -> None:
    doc = good(base)
    trainer_from_dict(doc)  # the uncorrupted document loads
    corrupt(doc)
    with pytest.raises(WorkspaceError) as e:
        trainer_from_dict(doc)
    msg = assert_one_line(e)
    for part in expected:
        assert part in msg, (part, msg)


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-2e400"])
@pytest.mark.parametrize(
    "where",
    [
        "state.parameters[0].W[1][0]",
        "state.optimizer_state.m[3]",
        "scenario.train.optimizer.learning_rate",
        "history.test_loss[1]",
    ],
)
def test_non_finite_token_in_the_text_is_refused(tmp_path: Path, token: str, where: str) -> None:
    doc = good()
    marker = 98765.4321
    _set(where, marker)(doc)
    text = json.dumps(doc)
    assert text.count(repr(marker)) == 1
    path = tmp_path / "w.json"
    path.write_text(text.replace(repr(marker), token), encoding="utf-8")
    with pytest.raises(WorkspaceError) as e:
        load_workspace(path)
    msg = assert_one_line(e)
    assert where in msg and token in msg, msg


def test_scenario_file_opened_as_a_workspace_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "preset.json"
    path.write_text(json.dumps(scenario_to_dict(get_preset("xor_221"))), encoding="utf-8")
    with pytest.raises(WorkspaceError) as e:
        load_workspace(path)
    assert "scenario or preset" in assert_one_line(e)


def test_huge_integer_is_refused_naming_the_field(tmp_path: Path) -> None:
    text = json.dumps(good()).replace('"epoch": 2,', '"epoch": ' + "9" * 5000 + ",", 1)
    path = tmp_path / "big.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as e:
        load_workspace(path)
    assert "state.epoch" in assert_one_line(e)


# ---------------------------------------------------------------------------------------------
# Bad files
# ---------------------------------------------------------------------------------------------


def _good_bytes() -> bytes:
    return _good_json("tf_default").encode("utf-8")


BAD_FILES: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty", lambda: b"", "empty"),
    ("whitespace", lambda: b"  \n\t ", "empty"),
    ("truncated", lambda: _good_bytes()[: len(_good_bytes()) // 2], "truncated"),
    ("one-byte-cut", lambda: _good_bytes()[:-1], "truncated"),
    ("random-bytes", lambda: np.random.default_rng(7).bytes(4096), "UTF-8"),
    ("non-utf8", lambda: b'{"format": "backprop-playground-workspace\xff"}', "UTF-8"),
    ("nul-bytes", lambda: b"\x00" * 64, "not valid JSON"),
    ("json-list", lambda: b"[1, 2, 3]", "a list"),
    ("json-number", lambda: b"42", "an integer"),
    ("json-null", lambda: b"null", "null"),
    ("json-string", lambda: b'"workspace"', "a string"),
    ("trailing-junk", lambda: _good_bytes() + b"}", "not valid JSON"),
    ("deep-nesting", lambda: b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    ("html", lambda: b"<html><body>404</body></html>", "not valid JSON"),
]


@pytest.mark.parametrize(("content", "expected"), [c[1:] for c in BAD_FILES],
                         ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_refused_with_one_line(
    tmp_path: Path, content: Callable[[], bytes], expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content())
    with pytest.raises(WorkspaceError) as e:
        load_workspace(path)
    msg = assert_one_line(e)
    assert expected in msg, msg


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + _good_bytes())
    assert load_workspace(path).epoch == 2


def test_directory_missing_and_oversized_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(WorkspaceError) as e:
        load_workspace(tmp_path)
    assert str(tmp_path) in assert_one_line(e) and "folder" in str(e.value)

    missing = tmp_path / "nope" / "missing.json"
    with pytest.raises(WorkspaceError) as e:
        load_workspace(missing)
    assert str(missing) in assert_one_line(e) and "no such file" in str(e.value)

    path = tmp_path / "ok.json"
    path.write_bytes(_good_bytes())
    monkeypatch.setattr(workspace, "MAX_WORKSPACE_BYTES", 2048)
    with pytest.raises(WorkspaceError) as e:
        load_workspace(path)
    msg = assert_one_line(e)
    assert "too large" in msg and "2 KiB" in msg and format_size(path.stat().st_size) in msg
    monkeypatch.setattr(workspace, "MAX_WORKSPACE_BYTES", len(_good_bytes()))
    assert load_workspace(path).epoch == 2


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission problems (simulated: the tests may run as root) become one line."""
    path = tmp_path / "locked.json"
    path.write_bytes(_good_bytes())

    def denied(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(fileio, "open", denied, raising=False)
    with pytest.raises(WorkspaceError) as e:
        load_workspace(path)
    msg = assert_one_line(e)
    assert "permission denied" in msg and str(path) in msg


# ---------------------------------------------------------------------------------------------
# Fuzzing: nothing but WorkspaceError, and success only for a valid workspace
# ---------------------------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=25,
)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@FUZZ
@given(value=json_values)
def test_arbitrary_json_is_refused_cleanly(value: Any) -> None:
    with pytest.raises(WorkspaceError) as e:
        trainer_from_dict(value)
    assert_one_line(e)
    text = json.dumps(value)  # may contain NaN / Infinity tokens
    with pytest.raises(WorkspaceError) as e:
        trainer_from_dict(parse_workspace_bytes(text.encode("utf-8")))
    assert_one_line(e)


def _all_paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in a JSON document, as key/index tuples (the root excluded)."""
    out = []
    if isinstance(obj, dict):
        items: Any = obj.items()
    elif isinstance(obj, list):
        items = enumerate(obj)
    else:
        return out
    for k, v in items:
        out.append((*prefix, k))
        out.extend(_all_paths(v, (*prefix, k)))
    return out


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for k in path[:-1]:
        doc = doc[k]
    return doc


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for k in path:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else k)
    return out


@cache
def _paths(key: str) -> tuple[tuple[Any, ...], ...]:
    return tuple(_all_paths(good(key)))


def _mutate(data: st.DataObject, doc: dict[str, Any], key: str) -> None:
    paths = [p for p in _paths(key) if _exists(doc, p)]
    path = data.draw(st.sampled_from(paths))
    parent = _parent(doc, path)
    op = data.draw(st.sampled_from(["replace", "delete", "add", "number"]))
    if op == "replace":
        parent[path[-1]] = data.draw(json_values)
    elif op == "delete":
        del parent[path[-1]]
    elif op == "add" and isinstance(parent, dict):
        parent[data.draw(st.text(max_size=8))] = data.draw(json_values)
    elif op == "add":
        parent.insert(path[-1], data.draw(json_values))
    else:
        parent[path[-1]] = data.draw(st.integers(-3, 3) | st.floats(-1e3, 1e3))


def _exists(doc: Any, path: tuple[Any, ...]) -> bool:
    for k in path:
        in_dict = isinstance(doc, dict) and isinstance(k, str) and k in doc
        in_list = isinstance(doc, list) and isinstance(k, int) and k < len(doc)
        if not (in_dict or in_list):
            return False
        doc = doc[k]
    return True


def _check_valid(t: Trainer) -> None:
    """What any successfully loaded trainer must satisfy."""
    assert np.all(np.isfinite(t.params.flat)) and np.all(np.isfinite(t.initial_params.flat))
    assert t.epoch >= 0 and 0 <= t.batch_index < t.batches_per_epoch
    epochs = t.history.epochs
    assert np.all(np.diff(epochs) > 0) and (epochs.size == 0 or epochs[-1] <= t.epoch)
    doc = workspace_to_dict(t)
    strict_json(json.dumps(doc, allow_nan=False))
    again = trainer_from_dict(doc)
    assert workspace_to_dict(again) == doc
    assert_same_run(t, again)


@FUZZ
@given(data=st.data(), key=st.sampled_from(["tf_default", "worked_example", "softmax_spiral3"]))
def test_random_mutations_load_only_when_valid(data: st.DataObject, key: str) -> None:
    doc = good(key)
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(data, doc, key)
    try:
        t = trainer_from_dict(doc)
    except WorkspaceError as e:
        assert "\n" not in str(e) and str(e)
        return
    _check_valid(t)


REQUIRED_ROOTS = ("format", "schema_version", "scenario", "state", "history")


@FUZZ
@given(data=st.data(), key=st.sampled_from(["tf_default", "worked_example"]))
def test_mutations_that_must_fail_name_their_field(data: st.DataObject, key: str) -> None:
    """Deleting a required field, or putting a non-number where state or history needs a
    number, is always refused, and the message names exactly that field."""
    doc = good(key)
    paths = _paths(key)
    if data.draw(st.booleans()):
        candidates = [
            p for p in paths
            if (len(p) == 1 and p[0] in REQUIRED_ROOTS)
            or (p[0] in ("state", "history") and isinstance(p[-1], str))
        ]
        path = data.draw(st.sampled_from(candidates))
        del _parent(doc, path)[path[-1]]
        expected = f"{_dotted(path)}: missing"
    else:
        candidates = [
            p for p in paths
            if p[0] in ("state", "history") and isinstance(p[-1], int)
            and isinstance(_parent(doc, p)[p[-1]], float)
        ]
        path = data.draw(st.sampled_from(candidates))
        bad = data.draw(
            st.booleans()
            | st.text(max_size=5).filter(lambda s: s not in ("Infinity", "-Infinity"))
            | st.lists(st.integers(), max_size=2)
            | st.dictionaries(st.text(max_size=3), st.none(), max_size=2)
            | st.sampled_from([math.nan, math.inf, -math.inf])
        )
        _parent(doc, path)[path[-1]] = bad
        expected = _dotted(path)
    with pytest.raises(WorkspaceError) as e:
        trainer_from_dict(doc)
    msg = assert_one_line(e)
    assert expected in msg, (expected, msg)


# ---------------------------------------------------------------------------------------------
# Atomic writes and bounded reads
# ---------------------------------------------------------------------------------------------


def _saved_pair(tmp_path: Path) -> tuple[Path, bytes, Trainer]:
    """A saved workspace, its bytes, and a trainer that has moved on since."""
    t = trained("xor_221", 1)
    path = tmp_path / "run.json"
    save_workspace(t, path)
    t.train(5)
    return path, path.read_bytes(), t


@pytest.mark.parametrize("where", ["replace", "fsync", "write"])
@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_save_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, exc: BaseException
) -> None:
    path, before, t = _saved_pair(tmp_path)
    calls = []

    def boom(*args: Any, **kwargs: Any) -> None:
        calls.append(args)
        raise exc

    if where == "write":
        real_fdopen = os.fdopen

        class HalfWriter:
            """Writes half the data to the real file, then fails like a full disk."""

            def __init__(self, f: Any) -> None:
                self.f = f

            def __enter__(self) -> HalfWriter:
                return self

            def __exit__(self, *a: object) -> None:
                self.f.close()

            def write(self, data: bytes) -> None:
                self.f.write(data[: len(data) // 2])
                self.f.flush()
                boom()

        monkeypatch.setattr(fileio.os, "fdopen", lambda *a, **k: HalfWriter(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(fileio.os, where, boom)
    with pytest.raises(type(exc)):
        save_workspace(t, path)
    monkeypatch.undo()
    assert calls, "the failure was injected"
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["run.json"]
    assert load_workspace(path).epoch == 1


def test_atomic_write_replaces_and_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    atomic_write_text(path, "first ü\n")
    assert path.read_bytes() == "first ü\n".encode()
    if os.name == "posix":
        path.chmod(0o640)
    atomic_write_bytes(path, b"second")
    assert path.read_bytes() == b"second"
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o640
    assert os.listdir(tmp_path) == ["f.txt"]


def test_atomic_write_into_a_missing_folder_raises_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        atomic_write_text(tmp_path / "no" / "f.txt", "x")
    assert os.listdir(tmp_path) == []


def test_a_folder_one_may_not_look_into_is_a_one_line_write_error(tmp_path, monkeypatch):
    """Path.is_dir raises PermissionError (not False) under a folder without search rights."""
    from engine.fileio import WriteError, check_writable

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "is_dir", denied)
    with pytest.raises(WriteError) as e:
        check_writable(tmp_path / "locked" / "w.json")
    assert str(e.value) == f"cannot write {tmp_path / 'locked' / 'w.json'}: Permission denied"


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges elsewhere")
def test_atomic_write_goes_through_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_read_limited(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 3000)
    assert read_limited(path, 3000) == b"x" * 3000
    with pytest.raises(ValueError, match=r"too large \(2\.9 KiB; the limit is 1 KiB\)") as e:
        read_limited(path, 1024)
    assert str(path) in str(e.value)
    with pytest.raises(ValueError, match="no such file"):
        read_limited(tmp_path / "missing", 10)
    with pytest.raises(ValueError, match="folder"):
        read_limited(tmp_path, 10)


def test_read_limited_never_reads_more_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that grows after its size was checked is still refused (bounded read)."""
    path = tmp_path / "grows.bin"
    path.write_bytes(b"y" * 10)
    real_stat = os.stat

    def small_stat(p: Any, *a: Any, **k: Any) -> os.stat_result:
        st_ = real_stat(p, *a, **k)
        return os.stat_result((st_.st_mode, *st_[1:6], 5, *st_[7:]))

    monkeypatch.setattr(fileio.os, "stat", small_stat)
    with pytest.raises(ValueError, match="too large"):
        read_limited(path, 8)


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 bytes"), (1, "1 byte"), (1023, "1023 bytes"), (1024, "1 KiB"), (1536, "1.5 KiB"),
     (64 * 1024 * 1024, "64 MiB"), (5 * 1024**3 + 1, "5 GiB")],
)
def test_format_size(n: int, text: str) -> None:
    assert format_size(n) == text
