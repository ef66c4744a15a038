"""Long lists of fractions read by NumPy (engine.io.json_numbers): the same values as the
standard parser, the same refusals, and a fraction of the memory."""

import json
import random
import tracemalloc

import numpy as np
import pytest

from engine.io.json_numbers import MIN_LENGTH, extract
from engine.io.jsonread import JsonError, read_json
from engine.io.workspace import parse_workspace_bytes, trainer_from_dict, workspace_to_dict
from engine.presets import get_preset
from engine.trainer import Trainer


def numbers(n: int, seed: int = 0) -> list[float]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.random()
        if k < 0.4:
            out.append(rng.uniform(-1e3, 1e3))
        elif k < 0.7:
            out.append(rng.random() * 10.0 ** rng.randint(-320, 300))
        else:
            out.append(float(rng.randint(-10, 10)))
    return out


def test_values_equal_the_standard_parser_bit_for_bit():
    doc = {"a": numbers(500, 1), "rows": [numbers(70, 2), numbers(70, 3)], "short": [0.5, 1.5],
           "ints": list(range(100)), "s": "x", "nested": {"v": numbers(MIN_LENGTH, 4)}}
    text = json.dumps(doc, indent=1).encode()
    got = read_json(text, "f.json")
    assert isinstance(got["a"], np.ndarray) and got["a"].dtype == np.float64
    assert isinstance(got["nested"]["v"], np.ndarray)
    assert isinstance(got["short"], list) and isinstance(got["ints"], list)  # left as they are
    assert all(type(i) is int for i in got["ints"])
    for key in ("a",):
        assert np.array_equal(got[key], np.array(doc[key]))
    assert np.array_equal(np.array(got["rows"]), np.array(doc["rows"]))
    assert got["s"] == "x" and got["short"] == [0.5, 1.5]


def test_a_document_that_is_one_list():
    values = numbers(200)
    got = read_json(json.dumps(values).encode(), "f.json")
    assert np.array_equal(got, np.array(values))


@pytest.mark.parametrize("before", ['"plain"', '"with \\\\"', '"quote \\" inside"',
                                    '"two \\\\\\" more"'])
def test_a_list_inside_a_string_stays_a_string(before):
    inside = "[" + ", ".join(["0.5"] * 100) + "]"
    text = f'{{"a": {before}, "note": "{inside}", "w": {inside}}}'.encode()
    got = read_json(text, "f.json")
    assert got["note"] == inside and got["a"] == json.loads(text)["a"]
    assert isinstance(got["w"], np.ndarray) and got["w"].size == 100


@pytest.mark.parametrize("token", ["01", "+1", ".5", "1.", "1e", "--1", "0x10", "1 2", "NaN",
                                   "Infinity", "1e999", "-1e400"])
def test_bad_numbers_are_refused_as_before(token):
    values = ["0.25"] * 80
    values[37] = token
    text = ('{"w": [' + ", ".join(values) + "]}").encode()
    with pytest.raises(JsonError) as e:
        read_json(text, "f.json")
    message = str(e.value)
    assert message.startswith("f.json:") and len(message) <= 300
    if token in ("1e999", "-1e400", "NaN", "Infinity"):
        assert "w" in message and "[37]" in message  # named by its path


def test_duplicate_keys_are_still_refused():
    long = json.dumps(numbers(100))
    with pytest.raises(JsonError, match="appears twice"):
        read_json(f'{{"w": {long}, "w": {long}}}'.encode(), "f.json")


def test_extraction_leaves_documents_without_long_fraction_lists_alone():
    assert extract(json.dumps({"w": [0.5] * (MIN_LENGTH - 1), "i": [1] * 500}).encode()) is None


def test_a_workspace_with_a_long_history_round_trips():
    t = Trainer(get_preset("tf_default"))
    t.train(150)
    data = json.dumps(workspace_to_dict(t), allow_nan=False).encode()
    doc = parse_workspace_bytes(data, "ws.json")
    assert isinstance(doc["history"]["train_loss"], np.ndarray)  # the fast path was taken
    loaded = trainer_from_dict(doc)
    assert np.array_equal(loaded.history.column("train_loss"), t.history.column("train_loss"))
    assert np.array_equal(loaded.params.flat, t.params.flat)


def test_memory_is_a_small_multiple_of_the_file():
    """16 MiB of "0.5," used to take 12× its size as Python floats; as float64 it is 2× plus
    one chunk of text."""
    n = 1_000_000
    text = ('{"history": {"train_loss": [' + ",".join(["0.5"] * n) + "]}}").encode()
    tracemalloc.start()
    try:
        doc = read_json(text, "f.json")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert doc["history"]["train_loss"].shape == (n,)
    assert peak < 3.5 * len(text), f"peak {peak / len(text):.1f}× the file"


def _plain(v):
    """The document with arrays as lists, for comparison with the ordinary reading."""
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def _random_value(rng: random.Random, depth: int = 0):
    k = rng.random()
    if depth > 2 or k < 0.25:
        return rng.choice([0.5, -3, "a[0.5, 1.5]\"b", "\\", "x\\\\", True, None,
                           rng.uniform(-9, 9)])
    if k < 0.5:
        n = rng.choice([MIN_LENGTH - 1, MIN_LENGTH, 100])
        return [rng.choice([rng.uniform(-1, 1), rng.randint(-5, 5), 1e-300]) for _ in range(n)]
    if k < 0.75:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {f"k{i}": _random_value(rng, depth + 1) for i in range(rng.randint(0, 3))}


def _read(text: bytes, ordinary: bool, monkeypatch):
    if ordinary:
        monkeypatch.setattr("engine.io.jsonread.extract", lambda data: None)
    try:
        return "ok", _plain(read_json(text, "f.json"))
    except JsonError as e:
        return "error", str(e)
    finally:
        monkeypatch.undo()


def test_fuzz_the_fast_reading_agrees_with_the_ordinary_one(monkeypatch):
    """Random documents (long lists, strings holding brackets, quotes and backslashes), then
    one random byte changed, inserted or dropped: both readings give the same document or the
    same message."""
    rng = random.Random(1234)
    alphabet = b'0123456789.,-+eE[]{}":\\ \nab'
    for _ in range(300):
        text = bytearray(json.dumps(_random_value(rng)).encode())
        if rng.random() < 0.7 and text:
            i = rng.randrange(len(text))
            op = rng.random()
            if op < 0.4:
                text[i] = rng.choice(alphabet)
            elif op < 0.7:
                text.insert(i, rng.choice(alphabet))
            else:
                del text[i]
        data = bytes(text)
        assert _read(data, False, monkeypatch) == _read(data, True, monkeypatch), data[:200]


def _outcome(load, data: bytes, ordinary: bool, monkeypatch):
    if ordinary:
        monkeypatch.setattr("engine.io.jsonread.extract", lambda data: None)
    try:
        return "ok", load(data)
    except ValueError as e:  # every loader's error is a ValueError with one line
        return type(e).__name__, str(e)
    finally:
        monkeypatch.undo()


def _places(doc, path=()):
    """Every field and list entry of a document, as key paths."""
    if isinstance(doc, dict):
        items = doc.items()
    elif isinstance(doc, list):
        items = enumerate(doc[:3])
    else:
        return
    for key, value in items:
        yield (*path, key)
        yield from _places(value, (*path, key))


def test_a_long_fraction_list_in_any_field_is_judged_as_before(monkeypatch):
    """Put a long list of fractions in place of each field of a real workspace and weights
    file: the fast reading loads the same or refuses with the same message (it once said
    "the truth value of an array is ambiguous" for a weights file's layers)."""
    from engine.io.weights_json import read_json_weights
    from engine.weights_export import weights_to_json_text

    t = Trainer(get_preset("tf_default"))
    t.train(100)
    cases = [(workspace_to_dict(t),
              lambda d: trainer_from_dict(parse_workspace_bytes(d, "w.json")).params.flat.tolist()),
             (json.loads(weights_to_json_text(t)),
              lambda d: repr(read_json_weights(d, "w.json"))[:300])]
    fractions = [0.5] * (MIN_LENGTH + 5) + [1.5]
    for base, load in cases:
        for path in _places(base):
            doc = json.loads(json.dumps(base))
            node = doc
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = fractions
            data = json.dumps(doc).encode()
            fast, ordinary = (_outcome(load, data, o, monkeypatch) for o in (False, True))
            if fast[0] == ordinary[0] == "ok":
                continue
            assert fast == ordinary, path


FRACTIONS = ", ".join(["0.5"] * 69 + ["1.5"])
INTEGERS = ", ".join(["1"] * 69)


@pytest.mark.parametrize("bad", ["true", "null", '"abc"', "{}", "[1]"])
def test_a_bad_entry_in_a_row_after_an_array_row_is_named(bad, monkeypatch):
    """Rows read as arrays beside rows left as lists (all integers): a bad entry in a later
    row is still found and named, as the ordinary reading names it."""
    from engine.io.validate import number_array

    def load(data):
        return number_array(read_json(data, "f.json")["x"], "x", ndim=2).tolist()

    data = f'{{"x": [[{FRACTIONS}], [{INTEGERS}, {bad}]]}}'.encode()
    fast, ordinary = (_outcome(load, data, o, monkeypatch) for o in (False, True))
    assert fast == ordinary
    assert fast[0] != "ok" and "x[1][69]" in fast[1]


def test_an_array_counts_as_a_level_of_nesting(monkeypatch):
    data = b"[" * 33 + b"[" + FRACTIONS.encode() + b"]" + b"]" * 33
    fast, ordinary = (_outcome(lambda d: read_json(d, "f.json"), data, o, monkeypatch)
                      for o in (False, True))
    assert fast == ordinary and "nested too deeply" in fast[1]


def test_other_fields_get_the_list_back_as_written(monkeypatch):
    """A list of epochs with one fraction: integers stay exact, and the message names the
    fraction (as the ordinary reading does), not the first entry."""
    from engine.io.validate import as_list, as_values, quote

    doc = read_json(f'{{"e": [{INTEGERS}, 2.5, 12345678901234567891, -0]}}'.encode(), "f.json")
    assert isinstance(doc["e"], np.ndarray)
    listed = as_list(doc["e"], "e")
    assert listed[:69] == [1] * 69 and all(type(v) is int for v in listed[:69])
    assert listed[70] == 12345678901234567891 and type(listed[71]) is int
    assert quote(as_values(doc["e"], "e")[69]) == "2.5"  # no np.float64(…) in messages
