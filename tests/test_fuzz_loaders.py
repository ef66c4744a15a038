"""Fuzzing every loader (issue 10): workspaces, weights (NPZ, JSON, ONNX) and CSV files.

Valid files are mutated (byte flips, truncation, huge numbers, wrong types, deep nesting,
duplicate keys, long strings) and each result must be a success or the loader's own error (a
ValueError subclass) whose message is one line of at most 300 characters, within a generous
time bound, and an existing Trainer must never change. Derandomized, so CI sees the same
cases every run; a few seconds in all (FUZZ_EXAMPLES=400 in the environment searches harder).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.csvdata import CsvError, read_csv_dataset, scenario_for_csv
from engine.importer import WeightsError, apply_weights, parse_weights_bytes
from engine.onnx_export import weights_to_onnx_bytes
from engine.presets import get_preset
from engine.trainer import Trainer
from engine.weights_export import weights_to_json_text, weights_to_npz_bytes
from engine.workspace import (
    WorkspaceError,
    parse_workspace_bytes,
    trainer_from_dict,
    workspace_to_json,
)

FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None,
                database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
TIME_LIMIT = 8.0
"""Seconds for one load of a file of a few kilobytes: 4× the 2 s target for the largest files
(bench/loader_bounds.py measures those); generous, since CI shares two cores."""

WEIRD_VALUES: list[Any] = [None, True, -1, 0, 2**70, 1e308, -1e308, 1e-320, "x", "",
                           "<b>bold</b>\n", "é" * 5000, [], {}, [[[]]], {"a": {"b": 1}},
                           [0.5] * 300]
HUGE_NUMBERS = [b"1e308", b"-1e309", b"1e999", b"9" * 400, b"-0", b"1e-400", b"NaN",
                b"Infinity", b"123456789012345678901234567890"]


@cache
def _trainer_bytes() -> dict[str, bytes]:
    t = Trainer(get_preset("tf_default"))
    t.train(2)
    return {"workspace": workspace_to_json(t).encode(),
            "json": weights_to_json_text(t).encode(),
            "npz": weights_to_npz_bytes(t),
            "onnx": weights_to_onnx_bytes(t),
            "csv": b"x1,x2,label\n" + b"".join(
                f"{a:.3f},{b:.3f},{'ab'[int(a > b)]}\n".encode()
                for a, b in np.random.default_rng(1).uniform(-1, 1, (40, 2)).tolist())}


def _state(t: Trainer) -> tuple:
    return (t.params.flat.copy(), t.epoch, t.batch_index, len(t.history), t.scenario)


def _unchanged(t: Trainer, before: tuple) -> None:
    np.testing.assert_array_equal(t.params.flat, before[0])
    assert (t.epoch, t.batch_index, len(t.history), t.scenario) == before[1:]


def _load(kind: str, data: bytes, victim: Trainer) -> None:
    """Load ``data`` as ``kind`` the way the app does, up to using the result on ``victim``."""
    if kind == "workspace":
        trainer_from_dict(parse_workspace_bytes(data, "w.json"))
    elif kind == "csv":
        fd, path = tempfile.mkstemp(suffix=".csv")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            scenario_for_csv(victim.scenario, read_csv_dataset(path))
        finally:
            os.unlink(path)
    else:
        apply_weights(victim, parse_weights_bytes(data, f"w.{kind}"))


ERRORS: dict[str, type[ValueError]] = {"workspace": WorkspaceError, "csv": CsvError,
                                       "json": WeightsError, "npz": WeightsError,
                                       "onnx": WeightsError}


def _check(kind: str, data: bytes) -> None:
    victim = Trainer(get_preset("tf_default"))
    before = _state(victim)
    start = time.perf_counter()
    try:
        _load(kind, data, victim)
    except ERRORS[kind] as e:
        message = str(e)
        assert len(message) <= 300 and "\n" not in message and message.strip(), message
        _unchanged(victim, before)  # a refusal leaves the trainer as it was
    # Any other exception type fails the test by propagating.
    assert time.perf_counter() - start < TIME_LIMIT
    if kind in ("workspace", "csv"):
        _unchanged(victim, before)  # these loaders build new things; they never touch it


KINDS = st.sampled_from(["workspace", "json", "npz", "onnx", "csv"])


@FUZZ
@given(kind=KINDS, data=st.data())
def test_byte_flips_and_truncation(kind: str, data: st.DataObject) -> None:
    raw = bytearray(_trainer_bytes()[kind])
    for _ in range(data.draw(st.integers(0, 6), label="flips")):
        i = data.draw(st.integers(0, len(raw) - 1), label="at")
        raw[i] ^= data.draw(st.integers(1, 255), label="xor")
    cut = data.draw(st.integers(0, len(raw)), label="cut")
    _check(kind, bytes(raw[:cut] if data.draw(st.booleans(), label="truncate") else raw))


@FUZZ
@given(kind=KINDS, data=st.data())
def test_huge_numbers_in_place_of_numbers(kind: str, data: st.DataObject) -> None:
    raw = _trainer_bytes()[kind]
    if kind in ("npz", "onnx"):  # their numbers are binary: put the token into the metadata
        raw = raw.replace(b'"version": 1', b'"version": ' + data.draw(
            st.sampled_from(HUGE_NUMBERS), label="n"))
        _check(kind, raw)
        return
    starts = [i for i in range(1, len(raw)) if raw[i:i + 1].isdigit()
              and not raw[i - 1:i].isdigit() and raw[i - 1:i] not in (b".", b"e", b"-")]
    i = data.draw(st.sampled_from(starts), label="at")
    j = i
    while j < len(raw) and raw[j:j + 1] in b"0123456789.eE+-":
        j += 1
    _check(kind, raw[:i] + data.draw(st.sampled_from(HUGE_NUMBERS), label="n") + raw[j:])


def _paths(doc: Any, path: tuple = ()) -> list[tuple]:
    """Every place inside a JSON document (as key/index tuples), the root excluded."""
    out: list[tuple] = []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) \
        else ()
    for k, v in items:
        if isinstance(doc, list) and k > 3:
            break  # the first few entries of a list stand for all of them
        out.append((*path, k))
        out.extend(_paths(v, (*path, k)))
    return out


def _replace(doc: Any, path: tuple, make: Callable[[Any], Any]) -> None:
    for k in path[:-1]:
        doc = doc[k]
    doc[path[-1]] = make(doc[path[-1]])


def _deep(v: Any) -> Any:
    for _ in range(40):
        v = [v]
    return v


@FUZZ
@given(kind=st.sampled_from(["workspace", "json"]), data=st.data())
def test_wrong_types_deep_nesting_and_long_strings(kind: str, data: st.DataObject) -> None:
    doc = json.loads(_trainer_bytes()[kind])
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        path = data.draw(st.sampled_from(_paths(doc)), label="path")
        how = data.draw(st.sampled_from(["value", "deep", "long"]), label="how")
        weird = data.draw(st.sampled_from(WEIRD_VALUES), label="weird")
        _replace(doc, path, {"value": lambda v, w=weird: w, "deep": _deep,
                             "long": lambda v: (str(v)[:50] or "x") * 2000}[how])
    _check(kind, json.dumps(doc).encode())


@FUZZ
@given(kind=st.sampled_from(["workspace", "json", "csv"]), data=st.data())
def test_duplicate_keys_and_separators(kind: str, data: st.DataObject) -> None:
    raw = _trainer_bytes()[kind]
    if kind == "csv":
        extra = data.draw(st.sampled_from([b",", b";", b'"', b"\t", b"\n", b"#", b",,,,"]))
        i = data.draw(st.integers(0, len(raw)), label="at")
        _check(kind, raw[:i] + extra * data.draw(st.integers(1, 500)) + raw[i:])
        return
    starts = [i for i in range(len(raw)) if raw[i:i + 1] == b"{"]
    i = data.draw(st.sampled_from(starts), label="at") + 1
    key = data.draw(st.sampled_from([b'"format"', b'"W"', b'"state"', b'"x"']), label="key")
    _check(kind, raw[:i] + key + b": 1, " + key + b": 2, " + raw[i:])


@pytest.mark.parametrize("kind", ["workspace", "json", "npz", "onnx", "csv"])
def test_the_valid_files_load(kind: str) -> None:
    victim = Trainer(get_preset("tf_default"))
    _load(kind, _trainer_bytes()[kind], victim)
