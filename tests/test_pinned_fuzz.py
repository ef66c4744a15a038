"""Fuzzing the new inputs: a workspace's ``pinned`` list and scenario texts. Whatever the
bytes, the loader answers with a scenario or workspace, or with its own one-line error."""

from __future__ import annotations

import json
import os
import string
import time
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.pinned import pin
from engine.presets import get_preset
from engine.scenario_text import ScenarioTextError, decode, encode
from engine.trainer import Trainer
from engine.workspace import (
    WorkspaceError,
    parse_workspace_bytes,
    trainer_from_dict,
    workspace_to_json,
)

FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")), deadline=None,
                database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
WEIRD: list[Any] = [None, True, -1, 2**70, 1e308, "x", "", "é" * 5000, [], {}, [[[]]],
                    [0.5] * 300, {"a": {"b": 1}}]


@cache
def _workspace() -> bytes:
    t = Trainer(get_preset("xor_221"))
    t.train(3)
    runs = [pin(t.scenario, t.history, "first"), pin(t.scenario, t.history)]
    return workspace_to_json(t, runs).encode()


def _one_line(message: str) -> None:
    assert message.strip() and "\n" not in message and len(message) <= 300, message


def _load(data: bytes) -> None:
    start = time.perf_counter()
    try:
        doc = parse_workspace_bytes(data, "w.json")
        trainer_from_dict(doc)
    except WorkspaceError as e:
        _one_line(str(e))
    assert time.perf_counter() - start < 8.0


@FUZZ
@given(data=st.data())
def test_byte_flips_in_the_pinned_list(data: st.DataObject) -> None:
    raw = bytearray(_workspace())
    start = raw.index(b'"pinned"')
    for _ in range(data.draw(st.integers(1, 6), label="flips")):
        i = data.draw(st.integers(start, len(raw) - 1), label="at")
        raw[i] ^= data.draw(st.integers(1, 255), label="xor")
    _load(bytes(raw))


@FUZZ
@given(data=st.data())
def test_weird_values_anywhere_in_the_pinned_list(data: st.DataObject) -> None:
    doc = json.loads(_workspace())
    node: Any = doc
    key: Any = "pinned"
    while True:  # walk down to a random value inside "pinned"
        child = node[key]
        keys = list(child) if isinstance(child, dict) else list(range(len(child))) \
            if isinstance(child, list) else []
        if not keys or data.draw(st.booleans(), label="stop"):
            break
        node, key = child, data.draw(st.sampled_from(keys), label="key")
    node[key] = data.draw(st.sampled_from(WEIRD), label="value")
    _load(json.dumps(doc).encode())


@cache
def _text() -> str:
    return encode(get_preset("xor_241"))


@FUZZ
@given(data=st.data())
def test_scenario_texts_changed_cut_or_extended(data: st.DataObject) -> None:
    text = list(_text())
    for _ in range(data.draw(st.integers(0, 4), label="changes")):
        i = data.draw(st.integers(0, len(text) - 1), label="at")
        text[i] = data.draw(st.sampled_from(string.printable + "é€"), label="char")
    out = "".join(text)
    cut = data.draw(st.integers(0, len(out)), label="cut")
    if data.draw(st.booleans(), label="truncate"):
        out = out[:cut]
    try:
        decode(out)
    except ScenarioTextError as e:
        _one_line(str(e))
