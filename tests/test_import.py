"""Weights import: every kind of bad file is refused with a WeightsError that names the problem,
and a refused file never changes the trainer; good files load exactly, into the same
architecture or into a scenario that adopts the file's."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine.io.weights_file as weights_file
import engine.io.weights_npz as weights_npz
from engine.export import (
    export_weights,
    weights_metadata,
    weights_to_json_text,
    weights_to_npz_bytes,
)
from engine.importer import (
    ImportedWeights,
    WeightsError,
    apply_weights,
    parse_weights_bytes,
    read_weights,
    scenario_for_weights,
    with_start_weights,
)
from engine.onnx_export import build_onnx_model, weights_to_onnx_bytes
from engine.presets import get_preset
from engine.scenario import scenario_to_dict
from engine.trainer import Trainer
from engine.workspace import save_workspace
from tests.helpers import custom_scenario, run_cli, trained


@pytest.fixture(scope="module")
def source() -> Trainer:
    """The network whose exports the bad files are made from (2-2-1 sigmoid)."""
    return trained("xor_221", 30)


@pytest.fixture
def target() -> Trainer:
    """A trainer with the same architecture that must stay untouched by every bad file."""
    return Trainer(get_preset("xor_221"))


def refused(path: Path, trainer: Trainer, *words: str) -> str:
    """Reading and applying ``path`` fails with one line naming ``words``; trainer untouched."""
    before = trainer.params.flat.copy()
    epoch = trainer.epoch
    with pytest.raises(WeightsError) as e:
        apply_weights(trainer, read_weights(path))
    msg = str(e.value)
    assert "\n" not in msg and msg
    for w in words:
        assert w in msg, msg
    assert np.array_equal(trainer.params.flat, before)
    assert trainer.epoch == epoch
    return msg


def npz_bytes(arrays: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def good_arrays(t: Trainer) -> dict[str, Any]:
    with np.load(io.BytesIO(weights_to_npz_bytes(t)), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def good_doc(t: Trainer) -> dict[str, Any]:
    return json.loads(weights_to_json_text(t))


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data)
    else:
        path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------------
# Bad files
# ---------------------------------------------------------------------------------------------


def test_missing_empty_and_folder(tmp_path, target):
    refused(tmp_path / "nope.npz", target, "nope.npz", "no such file")
    refused(write(tmp_path, "empty.npz", b""), target, "empty.npz", "empty")
    refused(write(tmp_path, "blank.json", "  \n"), target, "empty")
    refused(tmp_path, target, "folder")


@pytest.mark.parametrize("fmt", ["npz", "json", "onnx"])
def test_truncated_files(tmp_path, source, target, fmt):
    good = {"npz": weights_to_npz_bytes, "json": lambda t: weights_to_json_text(t).encode(),
            "onnx": weights_to_onnx_bytes}[fmt](source)
    good = good.rstrip(b"\n")
    for cut in (1, 10, len(good) // 3, len(good) // 2, len(good) - 30, len(good) - 1):
        msg = refused(write(tmp_path, f"cut.{fmt}", good[:cut]), target, f"cut.{fmt}")
        assert any(w in msg for w in ("truncated", "damaged", "ends too early", "not a")), msg


def test_corrupt_npz_bytes(tmp_path, source, target):
    data = bytearray(weights_to_npz_bytes(source))
    # Flip bytes inside the first member's data: the zip CRC no longer matches.
    start = data.index(b"NUMPY") + 130
    for i in range(start, start + 8):
        data[i] ^= 0xFF
    refused(write(tmp_path, "bad.npz", bytes(data)), target, "bad.npz", "damaged")
    refused(write(tmp_path, "junk.npz", b"PK\x03\x04" + bytes(range(256)) * 3), target,
            "junk.npz")


def test_other_formats_are_named(tmp_path, source, target):
    png = b"\x89PNG\r\n\x1a\n" + bytes(100)
    refused(write(tmp_path, "weights.npz", png), target, "weights.npz", "PNG image")
    refused(write(tmp_path, "x.onnx", b"%PDF-1.7\n..."), target, "PDF")
    np.save(tmp_path / "one.npy", np.zeros((2, 2)))
    refused(tmp_path / "one.npy", target, ".npy")
    ws = tmp_path / "ws.json"
    save_workspace(source, ws)
    refused(ws, target, "ws.json", "workspace")
    refused(write(tmp_path, "other.json", '{"hello": 1}'), target, "not a Backprop Playground")
    refused(write(tmp_path, "list.json", "[1, 2]"), target, "expected an object")
    refused(write(tmp_path, "text.csv", "1,2,3\n4,5,6\n"), target, "not a weights file")
    refused(write(tmp_path, "latin1.json", b'{"a": "\xe9"}'), target, "UTF-8")
    # A real ONNX model that Backprop Playground did not write.
    node = onnx.helper.make_node("Relu", ["features"], ["output"])
    graph = onnx.helper.make_graph(
        [node], "g",
        [onnx.helper.make_tensor_value_info("features", onnx.TensorProto.DOUBLE, ["N", 2])],
        [onnx.helper.make_tensor_value_info("output", onnx.TensorProto.DOUBLE, ["N", 2])],
    )
    foreign = onnx.helper.make_model(graph).SerializeToString()
    refused(write(tmp_path, "foreign.onnx", foreign), target, "not an ONNX export from")


def test_newer_version_is_refused(tmp_path, source, target):
    doc = good_doc(source)
    doc["version"] = 2
    refused(write(tmp_path, "new.json", json.dumps(doc)), target, "newer version")


def test_wrong_shapes(tmp_path, source, target):
    arrays = good_arrays(source)
    arrays["layer_2/W"] = np.ones((3, 1))
    refused(write(tmp_path, "shape.npz", npz_bytes(arrays)), target,
            "layer 2 W: expected shape (2, 1), got (3, 1)")

    arrays = good_arrays(source)
    arrays["layer_1/W"] = np.ones((2, 3))  # the chain 2-3 then 2-1 does not connect
    refused(write(tmp_path, "chain.npz", npz_bytes(arrays)), target,
            "layer 1 W: expected shape (2, 2), got (2, 3)")

    arrays = good_arrays(source)
    arrays["layer_1/b"] = np.ones(5)
    refused(write(tmp_path, "bias.npz", npz_bytes(arrays)), target,
            "layer 1 b: expected shape (2,), got (5,)")

    arrays = good_arrays(source)
    del arrays["layer_2/b"]
    refused(write(tmp_path, "nobias.npz", npz_bytes(arrays)), target, "layer_2/b: missing")

    arrays = good_arrays(source)
    arrays["layer_3/W"] = np.ones((1, 1))
    refused(write(tmp_path, "extra.npz", npz_bytes(arrays)), target, "layer_3/W", "only 2")

    arrays = good_arrays(source)
    arrays["notes"] = np.ones(1)
    refused(write(tmp_path, "key.npz", npz_bytes(arrays)), target, "unexpected array 'notes'")

    arrays = good_arrays(source)
    del arrays["metadata"]
    refused(write(tmp_path, "nometa.npz", npz_bytes(arrays)), target, "metadata: missing")

    doc = good_doc(source)
    doc["layers"][1]["W"] = [[1.0], [2.0], [3.0]]
    refused(write(tmp_path, "shape.json", json.dumps(doc)), target,
            "layer 2 W: expected shape (2, 1), got (3, 1)")
    doc = good_doc(source)
    doc["layers"][0]["W"][1] = [1.0]
    refused(write(tmp_path, "ragged.json", json.dumps(doc)), target,
            "layers[0].W (layer 1): rows of different lengths")
    doc = good_doc(source)
    doc["layers"].append(doc["layers"][-1])
    refused(write(tmp_path, "count.json", json.dumps(doc)), target, "3 weight layers", "2-2-1")
    doc = good_doc(source)
    doc["architecture"] = [2, 3, 1]
    refused(write(tmp_path, "arch.json", json.dumps(doc)), target,
            "layer 1 W: expected shape (2, 3), got (2, 2)")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf(tmp_path, source, target, bad):
    word = "NaN" if np.isnan(bad) else "Inf"
    arrays = good_arrays(source)
    arrays["layer_2/W"] = arrays["layer_2/W"].copy()
    arrays["layer_2/W"][1, 0] = bad
    refused(write(tmp_path, "nan.npz", npz_bytes(arrays)), target, f"layer_2/W: contains {word}")

    doc = good_doc(source)
    doc["layers"][0]["b"][1] = bad
    text = json.dumps(doc)  # writes NaN / Infinity / -Infinity tokens
    refused(write(tmp_path, "nan.json", text), target, f"layers[0].b (layer 1): contains {word}")

    model = build_onnx_model(source)
    for init in model.graph.initializer:
        if init.name == "layer_1/W":
            arr = onnx.numpy_helper.to_array(init).copy()
            arr[0, 0] = bad
            init.CopyFrom(onnx.numpy_helper.from_array(arr, "layer_1/W"))
    refused(write(tmp_path, "nan.onnx", model.SerializeToString()), target,
            f"layer_1/W: contains {word}")


def test_json_overflow_is_inf(tmp_path, source, target):
    text = weights_to_json_text(source)
    w = repr(float(source.params.as_list()[0][0][0, 0]))
    assert w in text
    refused(write(tmp_path, "big.json", text.replace(w, "1e999", 1)), target, "contains Inf")
    refused(write(tmp_path, "bigint.json", text.replace(w, "9" * 500, 1)), target,
            "contains Inf")


def test_object_arrays_are_refused(tmp_path, source, target):
    arrays = good_arrays(source)
    arrays["layer_1/W"] = np.array([[1.0, "x"], [None, 2.0]], dtype=object)
    msg = refused(write(tmp_path, "objects.npz", npz_bytes(arrays)), target,
                  "layer_1/W", "Python objects")
    assert "refused" in msg
    arrays = good_arrays(source)
    arrays["metadata"] = np.array({"format": "backprop-playground-weights"}, dtype=object)
    refused(write(tmp_path, "objmeta.npz", npz_bytes(arrays)), target, "metadata",
            "Python objects")
    arrays = good_arrays(source)
    arrays["layer_1/b"] = np.array(["a", "b"])
    refused(write(tmp_path, "strings.npz", npz_bytes(arrays)), target, "layer_1/b",
            "expected numbers")


def test_absurdly_large_files_are_refused_before_reading(tmp_path, source, target, monkeypatch):
    path = tmp_path / "w.npz"
    export_weights(source, "npz", path)
    monkeypatch.setattr(weights_file, "MAX_WEIGHTS_BYTES", 100)
    refused(path, target, "w.npz", "too large", "100 bytes")
    monkeypatch.setattr(weights_file, "MAX_WEIGHTS_BYTES", 10**9)
    monkeypatch.setattr(weights_npz, "MAX_UNPACKED_BYTES", 500)
    refused(path, target, "unpack")


def test_lying_npy_header_is_refused(tmp_path, source, target):
    """A member whose header promises a huge array is refused before allocating it."""
    good = weights_to_npz_bytes(source)
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    header = members["layer_1/W.npy"]
    members["layer_1/W.npy"] = header.replace(b"(2, 2)", b"(99999999, 99999)", 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in members.items():
            z.writestr(n, data)
    refused(write(tmp_path, "lie.npz", buf.getvalue()), target, "layer_1/W",
            "more data than the file holds")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["layers"][0]["W"][0].__setitem__(1, "0.5"),
         ["layers[0].W[0][1] (layer 1): expected a number, got a string"]),
        (lambda d: d["layers"][1].__setitem__("b", 0.5), ["layers[1].b", "expected a list"]),
        (lambda d: d["layers"][1].__setitem__("W", [[True], [1.0]]),
         ["layers[1].W[0][0] (layer 2): expected a number, got a boolean"]),
        (lambda d: d.pop("layers"), ["layers: missing"]),
        (lambda d: d.__setitem__("layers", {}), ["layers: expected a non-empty list"]),
        (lambda d: d["layers"].__setitem__(0, [1, 2]), ["layers[0] (layer 1): expected an object"]),
        (lambda d: d.pop("format"), ["no 'format' field"]),
        (lambda d: d.__setitem__("use_bias", "yes"), ["use_bias: expected true or false"]),
        (lambda d: d.__setitem__("architecture", "2-2-1"), ["architecture: expected a list"]),
        (lambda d: d["architecture"].__setitem__(1, 2.0), ["architecture[1]: expected an int"]),
        (lambda d: d["architecture"].__setitem__(1, 0), ["architecture[1]: expected 1 to"]),
        (lambda d: d["activations"].__setitem__(0, "relu6"),
         ["activations[0]: unknown activation 'relu6'", "sigmoid"]),
        (lambda d: d["activations"].__setitem__(0, "softmax"), ["output layer only"]),
        (lambda d: d["activations"].pop(), ["activations: 1 names", "2 layers"]),
        (lambda d: d["features"].__setitem__(1, "x_3"), ["features[1]: unknown feature 'x_3'"]),
        (lambda d: d["features"].__setitem__(1, "x1"), ["listed twice"]),
        (lambda d: d["features"].pop(), ["1 features", "2 inputs"]),
        (lambda d: d.__setitem__("loss", "hinge"), ["loss: unknown 'hinge'"]),
        (lambda d: d.__setitem__("epoch", -1), ["epoch"]),
        (lambda d: d["layers"][0].__setitem__("b", None), ["layers[0].b: missing", "use_bias"]),
        (lambda d: d.__setitem__("convention", "z = W a + b"), ["convention"]),
    ],
)
def test_json_with_wrong_types_or_names(tmp_path, source, target, change, words):
    doc = good_doc(source)
    change(doc)
    refused(write(tmp_path, "w.json", json.dumps(doc)), target, "w.json", *words)


def test_onnx_graph_that_disagrees_with_its_metadata(tmp_path, source, target):
    model = build_onnx_model(source)
    for node in model.graph.node:
        if node.op_type == "Sigmoid":
            node.op_type = "Tanh"
            break
    refused(write(tmp_path, "act.onnx", model.SerializeToString()), target,
            "layer 1: the graph applies Tanh", "sigmoid")
    model = build_onnx_model(source)
    extra = onnx.helper.make_node("Relu", ["features"], ["unused"])
    model.graph.node.append(extra)
    refused(write(tmp_path, "extra.onnx", model.SerializeToString()), target,
            "not part of the layers")
    model = build_onnx_model(source)
    model.graph.output[0].name = "probabilities"
    refused(write(tmp_path, "out.onnx", model.SerializeToString()), target, "'output'")


# ---------------------------------------------------------------------------------------------
# Fuzzing: nothing but WeightsError, ever
# ---------------------------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from(["w.npz", "w.json", "w.onnx", "weights", "w.bin"])


def check_parse(data: bytes, name: str) -> None:
    try:
        result = parse_weights_bytes(data, name)
    except WeightsError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert isinstance(result, ImportedWeights)
    for w, b in result.layers:
        assert np.all(np.isfinite(w)) and (b is None or np.all(np.isfinite(b)))


@FUZZ
@given(data=st.binary(max_size=600), prefix=st.sampled_from(
    [b"", b"PK\x03\x04", b"PK\x05\x06", b"{", b"[", b"\x08\x08\x12", b"\x93NUMPY"]),
    name=NAMES)
def test_junk_bytes_raise_only_weights_error(data, prefix, name):
    check_parse(prefix + data, name)


GOOD: dict[str, bytes] = {}


def good_bytes(fmt: str) -> bytes:
    if not GOOD:
        t = trained("tf_default", 3)
        GOOD["npz"] = weights_to_npz_bytes(t)
        GOOD["json"] = weights_to_json_text(t).encode()
        GOOD["onnx"] = weights_to_onnx_bytes(t)
    return GOOD[fmt]


@FUZZ
@given(data=st.data(), fmt=st.sampled_from(["npz", "json", "onnx"]), name=NAMES)
def test_damaged_exports_raise_only_weights_error(data, fmt, name):
    raw = bytearray(good_bytes(fmt))
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        i = data.draw(st.integers(0, len(raw) - 1))
        if op == "flip":
            raw[i] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[i:]
        elif op == "insert":
            raw[i:i] = data.draw(st.binary(min_size=1, max_size=8))
        else:
            del raw[i:i + data.draw(st.integers(1, 16))]
        if not raw:
            break
    check_parse(bytes(raw), name)


json_scalars = (st.none() | st.booleans() | st.integers()
                | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=25,
)


@FUZZ
@given(value=json_values)
def test_junk_json_raises_only_weights_error(value):
    with pytest.raises(WeightsError):
        parse_weights_bytes(json.dumps(value).encode(), "w.json")


@FUZZ
@given(data=st.data())
def test_mutated_json_documents_raise_only_weights_error(data):
    doc = json.loads(good_bytes("json"))
    keys = ["format", "version", "architecture", "activations", "use_bias", "loss",
            "reduction", "features", "epoch", "convention", "layers"]
    for _ in range(data.draw(st.integers(1, 3))):
        key = data.draw(st.sampled_from(keys))
        where = data.draw(st.sampled_from(["top", "layer", "row"]))
        value = data.draw(json_values)
        if where == "top":
            doc[key] = value
        elif where == "layer" and isinstance(doc.get("layers"), list) and doc["layers"]:
            layer = doc["layers"][data.draw(st.integers(0, len(doc["layers"]) - 1))]
            if isinstance(layer, dict):
                layer[data.draw(st.sampled_from(["W", "b"]))] = value
        elif isinstance(doc.get("layers"), list) and doc["layers"]:
            layer = doc["layers"][0]
            if isinstance(layer, dict) and isinstance(layer.get("W"), list) and layer["W"]:
                layer["W"][0] = value
    check_parse(json.dumps(doc).encode(), "w.json")


# ---------------------------------------------------------------------------------------------
# Architecture mismatch, adopting the file's architecture, starting from a file
# ---------------------------------------------------------------------------------------------


def test_mismatch_names_the_layer_and_both_shapes(tmp_path, source):
    path = tmp_path / "xor.npz"
    export_weights(source, "npz", path)
    other = Trainer(get_preset("tf_default"))  # 2-4-2-1
    msg = refused(path, other, "layer 1: the file has W (2, 2), this network has W (2, 4)")
    assert "2-2-1" in msg and "2-4-2-1" in msg

    deeper = Trainer(replace(get_preset("xor_221")).with_changes(
        model=replace(get_preset("xor_221").model,
                      hidden=(*get_preset("xor_221").model.hidden,
                              get_preset("xor_221").model.hidden[0]))))
    refused(path, deeper, "layer 2: the file has W (2, 1), this network has W (2, 2)")

    s = get_preset("xor_221")
    no_bias = Trainer(s.with_changes(model=replace(s.model, use_bias=False)))
    refused(path, no_bias, "biases: the file has biases, this network has none")

    tanh = Trainer(s.with_changes(model=replace(s.model, output_activation="tanh"),
                                  train=replace(s.train, loss="half_se")))
    refused(path, tanh, "layer 2: the file uses sigmoid, this network uses tanh")
    before = tanh.params.flat.copy()
    apply_weights(tanh, read_weights(path), strict=False)  # same shapes: allowed when asked
    assert not np.array_equal(tanh.params.flat, before)

    swapped = Trainer(s.with_changes(data=replace(s.data, features=("x2", "x1"))))
    refused(path, swapped, "features: the file's network reads x1, x2, this one reads x2, x1")


def test_scenario_for_weights_adopts_the_architecture(tmp_path):
    rng = np.random.default_rng(7)
    exporter = Trainer(custom_scenario(rng, [(5, "leaky_relu"), (3, "relu")], "sigmoid", "bce",
                                       use_bias=False, features=("x1", "x2", "x1_x2", "x1_sq")))
    exporter.train(4)
    for fmt in ("npz", "json", "onnx"):
        path = tmp_path / f"w.{fmt}"
        export_weights(exporter, fmt, path)
        imported = read_weights(path)
        base = get_preset("tf_default")  # circle data, 2-4-2-1 tanh
        current = Trainer(base)
        before = current.params.flat.copy()
        refused(path, current, "layer 1")
        adopted = scenario_for_weights(base, imported)
        assert adopted.data.dataset == "circle"  # the data stays
        assert adopted.data.features == ("x1", "x2", "x1_x2", "x1_sq")
        assert [(h.units, h.activation) for h in adopted.model.hidden] == [
            (5, "leaky_relu"), (3, "relu")]
        assert adopted.model.output_activation == "sigmoid"
        assert adopted.model.use_bias is False and adopted.train.loss == "bce"
        rebuilt = Trainer(adopted)
        apply_weights(rebuilt, imported)
        assert np.array_equal(rebuilt.params.flat, exporter.params.flat)
        probe = np.random.default_rng(1).uniform(-6, 6, (50, 2))
        np.testing.assert_array_equal(rebuilt.predict(probe), exporter.predict(probe))
        assert np.array_equal(current.params.flat, before)  # the old trainer is untouched


def test_scenario_for_weights_refuses_what_cannot_fit(tmp_path):
    spiral = trained("softmax_spiral3", 1)  # 3 softmax outputs
    path = tmp_path / "spiral.json"
    export_weights(spiral, "json", path)
    imported = read_weights(path)
    with pytest.raises(WeightsError, match="3 outputs, this data"):
        scenario_for_weights(get_preset("tf_default"), imported)  # 2 classes
    with pytest.raises(WeightsError, match=r"does not suit this data.*softmax"):
        scenario_for_weights(get_preset("regression_plane"), imported)  # softmax, regression
    with pytest.raises(WeightsError, match=r"features\[1\]: the file's network cannot read "
                       r"this data: 'x2' needs a second input"):
        scenario_for_weights(get_preset("sine_regression"), imported)  # 1-D data

    plane = trained("tf_default", 1)
    export_weights(plane, "npz", tmp_path / "tf.npz")
    with pytest.raises(WeightsError, match="needs a second input"):
        scenario_for_weights(get_preset("sine_regression"), read_weights(tmp_path / "tf.npz"))

    # A loss the data cannot use is replaced (the architecture is not): tanh output, BCE
    # is impossible, so the file's half_se stays; regression data keeps a tanh output too.
    adopted = scenario_for_weights(get_preset("regression_plane"),
                                   read_weights(tmp_path / "tf.npz"))
    assert adopted.model.output_activation == "tanh" and adopted.train.loss == "half_se"


def test_with_start_weights_makes_the_file_the_start(tmp_path, source):
    path = tmp_path / "w.onnx"
    export_weights(source, "onnx", path)
    s = with_start_weights(get_preset("xor_221"), read_weights(path))
    t = Trainer(s)
    assert t.epoch == 0 and np.array_equal(t.params.flat, source.params.flat)
    t.train(3)
    t.reset()
    assert np.array_equal(t.params.flat, source.params.flat)
    doc = scenario_to_dict(s)
    assert doc["init"]["scheme"] == "explicit" and len(doc["initial_weights"]) == 2
    with pytest.raises(WeightsError, match="layer 1"):
        with_start_weights(get_preset("tf_default"), read_weights(path))


def test_metadata_is_what_the_exporter_wrote(source):
    imported = parse_weights_bytes(weights_to_npz_bytes(source), "w.npz")
    meta = weights_metadata(source)
    assert imported.epoch == meta["epoch"] == 30
    assert imported.reduction == meta["reduction"] and imported.loss == "bce"
    assert imported.describe() == "2-2-1, sigmoid/sigmoid, biases, features x1, x2"
    for w, _ in imported.layers:
        assert not w.flags.writeable


# ---------------------------------------------------------------------------------------------
# Command line: train --weights
# ---------------------------------------------------------------------------------------------


def test_cli_train_starts_from_a_weights_file(tmp_path, source):
    weights = tmp_path / "w.npz"
    export_weights(source, "npz", weights)
    out = tmp_path / "run.json"
    result = run_cli("train", "xor_221", "--weights", str(weights), "--epochs", "0", "--out",
                     str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    state = json.loads(out.read_text())["state"]
    assert state["epoch"] == 0
    for layer, (w, b) in zip(state["parameters"], source.params.as_list(), strict=True):
        assert np.array_equal(np.array(layer["W"]), w) and np.array_equal(np.array(layer["b"]), b)

    more = tmp_path / "more.json"
    result = run_cli("train", str(out), "--weights", str(weights), "--epochs", "4", "--out",
                     str(more), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(more.read_text())["state"]["epoch"] == 4


@pytest.mark.parametrize(
    ("preset", "make_file", "words"),
    [
        ("tf_default", "good", ["layer 1: the file has W (2, 2), this network has W (2, 4)"]),
        ("xor_221", "empty", ["w.npz", "empty"]),
        ("xor_221", "missing", ["nope.npz", "no such file"]),
        ("xor_221", "nan", ["layer_1/W: contains NaN"]),
    ],
)
def test_cli_train_refuses_bad_weights_with_exit_2(tmp_path, source, preset, make_file, words):
    path = tmp_path / "w.npz"
    if make_file == "good":
        export_weights(source, "npz", path)
    elif make_file == "empty":
        path.write_bytes(b"")
    elif make_file == "missing":
        path = tmp_path / "nope.npz"
    else:
        arrays = good_arrays(source)
        arrays["layer_1/W"] = np.full((2, 2), np.nan)
        path.write_bytes(npz_bytes(arrays))
    result = run_cli("train", preset, "--weights", str(path), "--epochs", "1", "--out",
                     "x.json", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    for w in words:
        assert w in lines[0]
    assert not (tmp_path / "x.json").exists()
