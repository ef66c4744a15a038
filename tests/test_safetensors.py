"""safetensors export and import: PyTorch's state_dict layout for the exported Sequential
(``0.weight`` (n_out, n_in), ``0.bias``, ``2.weight`` …), the app's metadata as strings in
``__metadata__``, a bit-exact round trip, and every bad file refused in one line with the
network untouched — through the engine, the session, the command line and the window."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors import safe_open
from safetensors.numpy import load_file, save

from engine.export import export_weights
from engine.importer import WeightsError, apply_weights, parse_weights_bytes, read_weights
from engine.io import weights_safetensors
from engine.safetensors_export import safetensors_metadata, weights_to_safetensors_bytes
from engine.trainer import Trainer
from session import commands as c
from session.events import FileAction, FileDone, FileFailed, WeightsMismatch
from tests.gui_helpers import TIMEOUT, fresh_snapshot, wait_event
from tests.helpers import custom_scenario, run_cli, trained
from tests.test_session import make

TORCH_REASON = ("loading into torch.nn.Sequential needs torch "
                "(.venv/bin/pip install torch==2.13.0, the CPU build)")


def no_bias() -> Trainer:
    t = Trainer(custom_scenario(np.random.default_rng(5), [(4, "leaky_relu"), (3, "relu")],
                                "linear", "mse", use_bias=False, task="regression", n=30))
    t.train(2)
    return t


CASES = {"tf_default": lambda: trained("tf_default", 3), "iris": lambda: trained("iris", 2),
         "softmax_spiral3": lambda: trained("softmax_spiral3", 2), "no_bias": no_bias}


@pytest.mark.parametrize("case", CASES)
def test_round_trip_is_bit_exact(tmp_path, case):
    t = CASES[case]()
    path = tmp_path / "w.safetensors"
    assert export_weights(t, "safetensors", path) == [path]
    back = read_weights(path)
    assert back.source_format == "safetensors" and back.epoch == t.epoch
    assert back.activations == tuple(layer.activation for layer in t.spec.layers)
    assert back.features == tuple(t.scenario.data.features) and back.sizes == t.spec.sizes
    assert (back.loss, back.reduction) == (t.scenario.train.loss, t.scenario.train.reduction)
    assert (back.scaling is None) == (t.split.scaling is None)
    if back.scaling is not None:
        assert back.scaling.matches(t.split.scaling)
        np.testing.assert_array_equal(back.scaling.mean, t.split.scaling.mean)
    for (w, b), (w2, b2) in zip(back.layers, t.params.as_list(), strict=True):
        np.testing.assert_array_equal(w, w2)
        assert (b is None) == (b2 is None) and (b is None or np.array_equal(b, b2))
    other = CASES[case]()
    other.reset(seed=99)
    apply_weights(other, back)
    np.testing.assert_array_equal(other.params.flat, t.params.flat)


def test_the_file_is_a_sequential_state_dict_with_string_metadata(tmp_path):
    t = trained("iris", 2)
    path = tmp_path / "w.safetensors"
    export_weights(t, "safetensors", path)
    arrays = load_file(str(path))
    assert sorted(arrays) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    assert arrays["0.weight"].shape == (8, 4) and arrays["2.weight"].shape == (3, 8)
    assert all(a.dtype == np.float64 for a in arrays.values())
    np.testing.assert_array_equal(arrays["2.weight"], t.params.weights(1).T)
    with safe_open(str(path), "np") as f:
        meta = f.metadata()
    assert meta["format"] == "backprop-playground-weights" and meta["loss"] == "cce"
    assert json.loads(meta["architecture"]) == [4, 8, 3]
    assert json.loads(meta["activations"]) == ["tanh", "softmax"]
    assert json.loads(meta["features"]) == ["x1", "x2", "x3", "x4"]
    assert json.loads(meta["input_names"])[0] == "sepal_length"
    assert json.loads(meta["normalization"])["std"] == t.split.scaling.scale.tolist()
    assert "'0.weight' (n_out, n_in)" in meta["layout"].replace("<2(l-1)>", "0")


def test_load_state_dict_into_the_exported_sequential(tmp_path):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    from safetensors.torch import load_file as torch_load

    from tests.test_torch_export import load

    t = trained("softmax_spiral3", 3)
    export_weights(t, "safetensors", tmp_path / "w.safetensors")
    other = trained("softmax_spiral3", 0)  # other weights: the file's must replace them
    export_weights(other, "torch", tmp_path / "m.py")
    model = load(tmp_path / "m.py").build_model()
    model.load_state_dict(torch_load(str(tmp_path / "w.safetensors")))
    out = model(torch.as_tensor(t.split.x_train.T)).detach().numpy()
    np.testing.assert_allclose(out, t.forward(t.split.x_train.T)[-1][1], rtol=0, atol=1e-12)


# -- refusals --------------------------------------------------------------------------------


def good(trainer: Trainer | None = None) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    t = trainer or trained("tf_default", 1)
    arrays = load_file_bytes(weights_to_safetensors_bytes(t))
    return arrays, safetensors_metadata(t)


def load_file_bytes(data: bytes) -> dict[str, np.ndarray]:
    from safetensors.numpy import load

    return dict(load(data))


def refused(data: bytes, *words: str) -> str:
    with pytest.raises(WeightsError) as e:
        parse_weights_bytes(data, "w.safetensors")
    message = str(e.value)
    assert message.startswith("w.safetensors: ") and "\n" not in message, message
    assert len(message) <= 300 and "Traceback" not in message
    for word in words:
        assert word in message, message
    return message


def with_header(header: dict, body: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + body


@pytest.mark.parametrize(("change", "words"), [
    (lambda a, m: a.update({"0.weight": a["0.weight"].T.copy()}), ["'0.weight'", "(4, 2)"]),
    (lambda a, m: a.update({"2.bias": np.zeros(3)}), ["'2.bias'", "(2,)"]),
    (lambda a, m: a.update({"0.weight": np.full((4, 2), np.nan)}), ["NaN"]),
    (lambda a, m: a.update({"4.bias": np.full(1, np.inf)}), ["Inf"]),
    (lambda a, m: a.pop("2.weight"), ["'2.weight'", "missing"]),
    (lambda a, m: a.update({"1.weight": np.zeros((4, 4))}), ["activation"]),
    (lambda a, m: a.update({"6.weight": np.zeros((1, 1))}), ["only 3 layers"]),
    (lambda a, m: a.update({"fc1.weight": np.zeros((1, 1))}), ["unexpected tensor"]),
    (lambda a, m: a.update({"0.weight": np.zeros((4, 2), np.int64)}), ["floating-point"]),
    (lambda a, m: m.pop("format"), ["not a Backprop Playground weights file"]),
    (lambda a, m: m.update({"format": "something-else"}), ["something-else"]),
    (lambda a, m: m.update({"architecture": "[2, 4"}), ["architecture", "truncated"]),
    (lambda a, m: m.update({"architecture": "[2, 5, 2, 1]"}), ["expected shape (5"]),
    (lambda a, m: m.update({"activations": '["tanh", "swish", "tanh"]'}), ["swish"]),
    (lambda a, m: m.update({"version": "99"}), ["newer version"]),
    (lambda a, m: m.update({"features": '["x1", "x1"]'}), ["features", "twice"]),
    (lambda a, m: m.update({"normalization": '{"mean": [0, 0], "std": [1, 0]}'}),
     ["normalization", "positive"]),
])
def test_bad_tensors_and_metadata_are_refused_in_one_line(change, words):
    arrays, meta = good()
    change(arrays, meta)
    refused(save(arrays, metadata=meta), *words)


def test_headers_are_checked_before_any_tensor_is_made(monkeypatch):
    import safetensors.numpy

    def never(data):
        raise AssertionError("tensors were made before the header was checked")

    arrays, meta = good()
    no_meta = save(arrays)
    arrays["0.weight"] = np.zeros((300, 300))
    wrong_shape = save(arrays, metadata=meta)
    monkeypatch.setattr(safetensors.numpy, "load", never)
    refused(wrong_shape, "expected shape (4, 2)")
    refused(no_meta, "no __metadata__")
    refused(struct.pack("<Q", 10**8) + b"{" + b" " * 20, "header", "limit")
    refused(struct.pack("<Q", 1000) + b'{"__metadata__": {}}', "truncated")
    refused(with_header({"__metadata__": meta, "0.weight": {
        "dtype": "F64", "shape": [4, 2], "data_offsets": [0, 10**9]}}), "'0.weight'", "outside")
    refused(with_header({"__metadata__": meta, "0.weight": {"dtype": "F64", "shape": [4, 2]}}),
            "data_offsets")
    refused(with_header({"__metadata__": {"format": 3}}), "__metadata__", "strings")
    refused(with_header({"__metadata__": meta, "0.weight": [1]}), "expected dtype, shape")
    refused(with_header({"__metadata__": meta} | {f"{i}.weight": {} for i in range(0, 80, 2)}),
            "40 tensors")
    refused(b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\": 1, \"a\": 2}  ", "twice")


def test_truncated_files_are_refused(tmp_path):
    data = weights_to_safetensors_bytes(trained("xor_241", 2))
    for cut in (3, 8, 9, len(data) // 2, len(data) - 1):
        refused(data[:cut])


def test_float32_state_dicts_are_read(tmp_path):
    arrays, meta = good()
    low = {k: v.astype(np.float32) for k, v in arrays.items()}
    back = parse_weights_bytes(save(low, metadata=meta), "w.safetensors")
    np.testing.assert_array_equal(back.layers[0][0], low["0.weight"].T.astype(np.float64))


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_files_raise_only_weights_error(data):
    raw = bytearray(GOOD_BYTES)
    for _ in range(data.draw(st.integers(1, 6), label="flips")):
        i = data.draw(st.integers(0, len(raw) - 1), label="at")
        raw[i] ^= data.draw(st.integers(1, 255), label="xor")
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[:data.draw(st.integers(0, len(raw)), label="cut")]
    try:
        parse_weights_bytes(bytes(raw), "w.safetensors")
    except WeightsError as e:
        assert "\n" not in str(e) and len(str(e)) <= 300


GOOD_BYTES = weights_to_safetensors_bytes(trained("xor_241", 1))


# -- the session, the command line and the window -----------------------------------------------


def test_session_imports_safetensors_and_refuses_bad_ones_unchanged(tmp_path):
    donor, _ = make("xor_241")
    donor.handle(c.TrainEpochs(20))
    path = str(tmp_path / "donor.safetensors")
    donor.handle(c.Export(c.ExportKind.SAFETENSORS, path))
    s, rec = make("xor_241")
    s.handle(c.ImportWeights(path))
    assert rec.of(FileDone)[-1] == FileDone(FileAction.IMPORTED, path)
    np.testing.assert_array_equal(s.require_trainer().params.flat,
                                  donor.require_trainer().params.flat)
    before = s.require_trainer().params.flat.copy()
    bad = tmp_path / "bad.safetensors"
    arrays, meta = good(trained("xor_241", 1))
    arrays["0.weight"][0, 0] = np.nan
    bad.write_bytes(save(arrays, metadata=meta))
    s.handle(c.ImportWeights(str(bad)))
    assert "NaN" in rec.of(FileFailed)[-1].message
    np.testing.assert_array_equal(s.require_trainer().params.flat, before)
    other, rec2 = make("xor_221")  # 2-2-1: the file's 2-4-1 does not fit
    other.handle(c.ImportWeights(path))
    assert "layer 1" in rec2.of(WeightsMismatch)[-1].message


def test_session_torch_export_names_the_file_beside_it(tmp_path):
    s, rec = make("xor_221")
    path = str(tmp_path / "net.py")
    s.handle(c.Export(c.ExportKind.TORCH, path, weights_beside=True))
    assert rec.of(FileDone)[-1] == FileDone(FileAction.EXPORTED, path,
                                            "with net.safetensors beside it")
    assert (tmp_path / "net.safetensors").stat().st_size > 50


def test_cli_exports_safetensors_and_trains_from_it(tmp_path):
    result = run_cli("export", "xor_241", "--format", "safetensors", "--out", "w.safetensors",
                     cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    result = run_cli("train", "xor_241", "--epochs", "2", "--weights", "w.safetensors",
                     "--out", "run.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run_cli("train", "xor_221", "--epochs", "2", "--weights", "w.safetensors",
                     "--out", "run.json", cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    result = run_cli("export", "xor_241", "--format", "torch", "--weights-beside", "--out",
                     "m.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith("m.safetensors (read by m.py)")
    result = run_cli("export", "xor_241", "--format", "npz", "--weights-beside", "--out",
                     "w.npz", cwd=tmp_path)
    assert result.returncode == 2 and "torch only" in result.stderr


def test_window_exports_and_imports_safetensors(make_window, qtbot, tmp_path):
    w = make_window("xor_241")
    names = {a.objectName() for a in w.findChildren(type(w.menuBar().actions()[0]))}
    assert {"exportWeights_torch", "exportWeights_safetensors",
            "exportWeights_torchBeside"} <= names
    path = str(tmp_path / "w.safetensors")
    event = wait_event(qtbot, w, FileDone, lambda: w.files.export_to("safetensors", path))
    assert event.action is FileAction.EXPORTED
    script = str(tmp_path / "w.py")
    event = wait_event(qtbot, w, FileDone,
                       lambda: w.files.export_to("torch", script, weights_beside=True))
    assert event.detail == "with w.safetensors beside it"
    qtbot.waitUntil(lambda: "w.safetensors beside it" in w.statusBar().currentMessage(),
                    timeout=TIMEOUT)
    other = make_window("xor_241")
    event = wait_event(qtbot, other, FileDone, lambda: other.files.import_weights(path))
    assert event.action is FileAction.IMPORTED
    snap = fresh_snapshot(qtbot, other)
    for got, want in zip(snap.weights, fresh_snapshot(qtbot, w).weights, strict=True):
        np.testing.assert_array_equal(got, want)


def test_reader_constants_bound_the_header():
    assert weights_safetensors.MAX_HEADER_BYTES <= 16 * 1024 * 1024
    assert weights_safetensors.looks_like_safetensors(GOOD_BYTES)
    assert not weights_safetensors.looks_like_safetensors(b'{"format": "x", "layers": []}')
