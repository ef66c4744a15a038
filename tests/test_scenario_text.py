"""Scenario texts (engine/scenario_text.py): every preset survives the round trip, the text
is short, and anything that is not a whole text of this version is refused in one line."""

from __future__ import annotations

import base64
import json
import zlib

import numpy as np
import pytest

from engine.presets import get_preset, load_presets
from engine.scenario import Scenario, scenario_from_dict, scenario_to_dict
from engine.scenario_text import (
    MAX_DECODED_BYTES,
    MAX_SHARED_VALUES,
    PREFIX,
    ScenarioTextError,
    compact,
    decode,
    encode,
)
from tests.helpers import custom_scenario

TF_DEFAULT_MOST = 400


def _pack(raw: bytes, prefix: str = PREFIX) -> str:
    return prefix + base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


@pytest.mark.parametrize("key", list(load_presets()))
def test_every_preset_survives_the_round_trip(key: str) -> None:
    s = get_preset(key)
    text = encode(s)
    assert text.startswith("bp1:") and text.isascii() and " " not in text
    assert decode(text) == s
    assert decode("\n".join(text[i:i + 60] for i in range(0, len(text), 60))) == s


def test_the_default_scenario_is_a_short_text() -> None:
    text = encode(get_preset("tf_default"))
    print(f"tf_default as text: {len(text)} characters")
    assert len(text) < TF_DEFAULT_MOST
    full = json.dumps(scenario_to_dict(get_preset("tf_default")), separators=(",", ":"))
    assert len(text) < len(full) / 2  # defaults left out, then compressed


def test_compact_leaves_out_only_what_the_reader_fills_in_alike() -> None:
    s = get_preset("tf_default")
    d = compact(s)
    assert "optimizer" not in d["train"] and d["train"]["tf_rules"] is True
    assert d["model"]["hidden"] == scenario_to_dict(s)["model"]["hidden"]
    assert scenario_from_dict(d) == s


def test_small_custom_data_travels_in_the_text_and_big_data_is_refused() -> None:
    rng = np.random.default_rng(3)
    small = custom_scenario(rng, [(3, "tanh")], "sigmoid", "bce", n=40)
    assert decode(encode(small)) == small
    n = MAX_SHARED_VALUES // 3 + 1  # x has 2 columns, y one: 3 numbers a row
    big = custom_scenario(rng, [(3, "tanh")], "sigmoid", "bce", n=n)
    with pytest.raises(ScenarioTextError, match=r"^the data is too big to share as text "
                       r"\(2,001 numbers; at most 2,000\): save a workspace file"):
        encode(big)


@pytest.mark.parametrize(("text", "message"), [
    ("", r"^the scenario text is empty"),
    ("   \n ", r"^the scenario text is empty"),
    ("hello world", r"^not a scenario text: it should start with 'bp1:'"),
    ("bp2:eNoDAAAAAAE", r"^this scenario text is version 2 \(bp2:\)"),
    ("bp1:", r"^the scenario text is cut short"),
    ("bp1:abc$def", r"^the scenario text holds '\$', which base64url does not use"),
    ("bp1:abcde", r"^the scenario text is cut short"),
    ("bp1:AAAAAAAA", r"^the scenario text is damaged"),
    ("x" * 100_001, r"^the scenario text is too long"),
])
def test_garbage_is_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(ScenarioTextError, match=message) as err:
        decode(text)
    assert "\n" not in str(err.value) and len(str(err.value)) <= 300


def test_a_truncated_text_is_refused_at_every_length() -> None:
    text = encode(get_preset("xor_221"))
    for cut in range(len(PREFIX), len(text)):
        with pytest.raises(ScenarioTextError) as err:
            decode(text[:cut])
        assert "\n" not in str(err.value)


def test_a_zip_bomb_is_refused_without_inflating_it_all(monkeypatch) -> None:
    bomb = zlib.compress(b"[" + b"0," * (50 * 1024 * 1024) + b"0]", 9)
    text = PREFIX + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
    assert len(text) < 200_000
    seen: list[int] = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self) -> None:
            self._d = real()

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out = self._d.decompress(data, max_length)
            seen.append(len(out))
            return out

        def __getattr__(self, name: str) -> object:
            return getattr(self._d, name)

    monkeypatch.setattr(zlib, "decompressobj", Counting)
    monkeypatch.setattr("engine.scenario_text.MAX_TEXT_CHARS", len(text))
    with pytest.raises(ScenarioTextError, match=r"unpacks to more than 64 KB: refused"):
        decode(text)
    assert sum(seen) <= MAX_DECODED_BYTES


def test_json_that_is_no_scenario_is_refused_by_the_readers() -> None:
    with pytest.raises(ScenarioTextError, match=r"^scenario text: the text ends too early"):
        decode(_pack(b'{"data": '))
    with pytest.raises(ScenarioTextError, match=r"^scenario text: model\.hidden\[0\]\."
                       r"activation \(hidden layer 1\): unknown 'relu6'"):
        decode(_pack(b'{"model": {"hidden": [{"units": 2, "activation": "relu6"}]}}'))
    with pytest.raises(ScenarioTextError, match=r"^scenario text: .*NaN"):
        decode(_pack(b'{"data": {"noise": NaN}}'))
    with pytest.raises(ScenarioTextError, match=r"extra data after its end"):
        decode(PREFIX + base64.urlsafe_b64encode(zlib.compress(b"{}") + b"xyz").decode())


def test_a_minimal_text_reads_with_the_readers_defaults() -> None:
    assert decode(_pack(b"{}")) == scenario_from_dict({})
    assert isinstance(decode(_pack(b"{}")), Scenario)
