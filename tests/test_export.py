"""Weights export: NPZ, JSON, ONNX, the standalone NumPy script and CSV, plus the history and
data CSVs. Every format is read back or run and compared with the engine."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from engine.export import (
    EXPORT_FORMATS,
    ExportError,
    dataset_to_csv,
    export_weights,
    history_to_csv,
    weights_to_csv_text,
)
from engine.importer import WeightsError, apply_weights, read_weights
from engine.onnx_export import OnnxUnavailableError, build_onnx_model
from engine.trainer import Trainer
from tests.helpers import custom_scenario, run_cli, trained

PRESETS = ("tf_default", "softmax_spiral3", "sine_regression", "xor_221")


def custom(name: str) -> Trainer:
    """Architectures no preset covers: every activation, no biases, regression."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    cases = {
        "no_bias": ([(4, "tanh")], "sigmoid", "bce", {"use_bias": False}),
        "relu": ([(6, "relu"), (3, "relu")], "linear", "half_se", {}),
        "leaky_relu": ([(5, "leaky_relu")], "tanh", "half_se", {}),
        "linear": ([(3, "linear")], "linear", "mse", {"task": "regression"}),
        "sigmoid_softmax": ([(4, "sigmoid")], "softmax", "cce", {"n_classes": 3}),
        "deep_no_bias_features": (
            [(4, "leaky_relu"), (4, "relu"), (3, "tanh")], "linear", "mse",
            {"use_bias": False, "task": "regression",
             "features": ("x1", "x2", "x1_sq", "x2_sq", "x1_x2", "sin_x1", "sin_x2")},
        ),
    }
    hidden, out, loss, extra = cases[name]
    t = Trainer(custom_scenario(rng, hidden, out, loss, n=40, **extra))
    t.train(3)
    return t


CUSTOM = ("no_bias", "relu", "leaky_relu", "linear", "sigmoid_softmax", "deep_no_bias_features")


def make(case: str) -> Trainer:
    return trained(case) if case in PRESETS else custom(case)


# ---------------------------------------------------------------------------------------------
# NPZ and JSON
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["npz", "json", "onnx"])
@pytest.mark.parametrize("case", [*PRESETS, "no_bias", "deep_no_bias_features"])
def test_round_trip_is_bit_exact(tmp_path, fmt, case):
    t = make(case)
    path = tmp_path / f"w.{fmt}"
    export_weights(t, fmt, path)
    imported = read_weights(path)
    assert imported.source_format == fmt
    assert imported.sizes == t.spec.sizes and imported.use_bias == t.spec.use_bias
    assert imported.activations == tuple(layer.activation for layer in t.spec.layers)
    assert imported.features == t.scenario.data.features
    assert imported.loss == t.scenario.train.loss
    fresh = Trainer(t.scenario)
    assert not np.array_equal(fresh.params.flat, t.params.flat)
    apply_weights(fresh, imported)
    assert np.array_equal(fresh.params.flat, t.params.flat)
    np.testing.assert_array_equal(fresh.predict(t.dataset.x), t.predict(t.dataset.x))


def test_npz_is_plain_arrays_with_layer_keys_and_metadata(tmp_path):
    t = trained("tf_default")
    path = tmp_path / "w.npz"
    export_weights(t, "npz", path)
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == sorted(
            ["metadata"] + [f"layer_{l}/{p}" for l in (1, 2, 3) for p in ("W", "b")]
        )
        for l, (w, b) in enumerate(t.params.as_list(), start=1):
            assert f[f"layer_{l}/W"].dtype == np.float64
            np.testing.assert_array_equal(f[f"layer_{l}/W"], w)
            np.testing.assert_array_equal(f[f"layer_{l}/b"], b)
        meta = json.loads(str(f["metadata"]))
    assert meta["architecture"] == [2, 4, 2, 1]
    assert meta["activations"] == ["tanh", "tanh", "tanh"]
    assert meta["features"] == ["x1", "x2"] and meta["use_bias"] is True
    assert meta["epoch"] == 5


def test_json_is_readable_and_exact(tmp_path):
    t = custom("no_bias")
    path = tmp_path / "w.json"
    export_weights(t, "json", path)
    doc = json.loads(path.read_text())
    assert doc["format"] == "backprop-playground-weights" and doc["use_bias"] is False
    for layer, (w, _) in zip(doc["layers"], t.params.as_list(), strict=True):
        assert layer["b"] is None
        assert np.array_equal(np.array(layer["W"]), w)


def test_export_refuses_non_finite_weights_for_every_format(tmp_path):
    t = trained("xor_221")
    t.params.flat[1] = np.nan  # what a bug elsewhere could leave behind
    for fmt in EXPORT_FORMATS:
        path = tmp_path / f"w.{fmt}"
        with pytest.raises(ExportError, match="NaN or Inf"):
            export_weights(t, fmt, path)
        assert not path.exists()
    with pytest.raises(ValueError, match="unknown export format"):
        export_weights(t, "pdf", tmp_path / "w.pdf")


# ---------------------------------------------------------------------------------------------
# ONNX
# ---------------------------------------------------------------------------------------------


def run_onnx(path: Path, features: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["output"], {"features": features})[0]


@pytest.mark.parametrize("case", [*PRESETS, *CUSTOM])
def test_onnx_passes_the_checker_and_matches_the_engine(tmp_path, case):
    t = make(case)
    path = tmp_path / "w.onnx"
    export_weights(t, "onnx", path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    out = run_onnx(path, t.split.raw_features)
    assert out.dtype == np.float64
    expected = t.predict(t.dataset.x)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-6)
    if all(layer.activation != "leaky_relu" for layer in t.spec.layers):
        # Float64 end to end; only LeakyRelu's alpha is a float32 attribute in ONNX.
        np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)


def test_onnx_graph_layout_and_documentation():
    t = custom("deep_no_bias_features")
    model = build_onnx_model(t)
    graph = model.graph
    (inp,) = graph.input
    (out,) = graph.output
    assert inp.name == "features" and out.name == "output"
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.DOUBLE
    dims = inp.type.tensor_type.shape.dim
    assert dims[0].dim_param == "N" and not dims[0].HasField("dim_value")
    assert dims[1].dim_value == 7
    assert out.type.tensor_type.shape.dim[0].dim_param == "N"
    assert [n.op_type for n in graph.node] == [
        "MatMul", "LeakyRelu", "MatMul", "Relu", "MatMul", "Tanh", "MatMul", "Identity",
    ]
    leaky = graph.node[1]
    assert onnx.helper.get_attribute_value(leaky.attribute[0]) == pytest.approx(0.01)
    assert sorted(i.name for i in graph.initializer) == [f"layer_{l}/W" for l in (1, 2, 3, 4)]
    props = {p.key: p.value for p in model.metadata_props}
    assert props["features"] == "x1,x2,x1_sq,x2_sq,x1_x2,sin_x1,sin_x2"
    assert props["activations"] == "leaky_relu,relu,tanh,linear"
    assert json.loads(props["backprop_playground"])["architecture"] == [7, 4, 4, 3, 1]
    assert "FEATURES" in model.doc_string and "x1_sq = x₁²" in model.doc_string

    softmax = build_onnx_model(trained("softmax_spiral3"))
    ops = [n.op_type for n in softmax.graph.node]
    assert ops == ["MatMul", "Add", "Relu", "MatMul", "Add", "Relu", "MatMul", "Add", "Softmax"]
    axis = softmax.graph.node[-1].attribute[0]
    assert axis.name == "axis" and onnx.helper.get_attribute_value(axis) == -1


def test_onnx_batch_dimension_is_dynamic(tmp_path):
    t = trained("tf_default")
    path = tmp_path / "w.onnx"
    export_weights(t, "onnx", path)
    for n in (1, 7, 250):
        feats = t.split.features[:n]
        out = run_onnx(path, feats)
        assert out.shape == (n, 1)
        np.testing.assert_allclose(out, t.forward(feats)[-1][1], rtol=0, atol=1e-12)


def test_missing_onnx_package_gives_install_instructions(tmp_path, monkeypatch):
    t = trained("xor_221")
    good = tmp_path / "good.onnx"
    export_weights(t, "onnx", good)
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    path = tmp_path / "w.onnx"
    with pytest.raises(OnnxUnavailableError, match=r'pip install -e "\.\[onnx\]"'):
        export_weights(t, "onnx", path)
    assert not path.exists()
    with pytest.raises(WeightsError, match=r'pip install -e "\.\[onnx\]"'):
        read_weights(good)

    from engine import cli

    ws = tmp_path / "ws.json"
    from engine.workspace import save_workspace

    save_workspace(t, ws)
    with pytest.raises(cli.CliError, match="pip install"):
        cli.export(str(ws), "onnx", str(path))


# ---------------------------------------------------------------------------------------------
# Standalone NumPy script
# ---------------------------------------------------------------------------------------------


def run_script(script: Path, *args: str, stdin: str | None = None):
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          cwd=script.parent, input=stdin, timeout=120)


def parse_output(stdout: str, n_inputs: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    lines = stdout.strip().splitlines()
    rows = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    return lines[0].split(","), rows[:, :n_inputs], rows[:, n_inputs:]


@pytest.mark.parametrize("case", ["tf_default", "softmax_spiral3", "sine_regression",
                                  "deep_no_bias_features", "leaky_relu"])
def test_standalone_script_reproduces_the_engine(tmp_path, case):
    t = make(case)
    script = tmp_path / "model.py"
    export_weights(t, "py", script)
    d = t.dataset.n_inputs

    # No argument: the embedded training inputs.
    result = run_script(script)
    assert result.returncode == 0, result.stderr
    header, x, y = parse_output(result.stdout, d)
    assert header[:d] == ["x1", "x2"][:d]
    train_x = t.dataset.x[t.train_idx]
    np.testing.assert_array_equal(x, train_x)
    np.testing.assert_allclose(y, t.predict(train_x), rtol=0, atol=1e-12)

    # The whole data set as CSV (dataset_to_csv's header names the columns; label and split
    # are ignored), as .npy, and on standard input.
    data_csv = tmp_path / "data.csv"
    data_csv.write_text(dataset_to_csv(t))
    np.save(tmp_path / "data.npy", t.dataset.x)
    plain = "\n".join(",".join(repr(float(v)) for v in row) for row in t.dataset.x)
    expected = t.predict(t.dataset.x)
    for args, stdin in (([str(data_csv)], None), (["data.npy"], None), (["-"], plain)):
        result = run_script(script, *args, stdin=stdin)
        assert result.returncode == 0, result.stderr
        _, x, y = parse_output(result.stdout, d)
        np.testing.assert_array_equal(x, t.dataset.x)
        np.testing.assert_allclose(y, expected, rtol=0, atol=1e-12)


def test_standalone_script_needs_only_numpy_and_reports_bad_input(tmp_path):
    t = trained("softmax_spiral3")
    script = tmp_path / "model.py"
    export_weights(t, "py", script)
    source = script.read_text()
    tree = ast.parse(source)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported == {"csv", "io", "os", "sys", "numpy"}  # the standard library and NumPy
    assert "pickle" not in source.replace("allow_pickle=False", "")
    assert "eval(" not in source and "exec(" not in source
    assert "p0, p1, p2" in source and "relu" in source

    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2\n0.5,1\n0.25,abc\n")
    result = run_script(script, str(bad))
    assert result.returncode == 2
    assert "line 3" in result.stderr and "Traceback" not in result.stderr
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("1,2,3\n")
    result = run_script(script, str(wrong))
    assert result.returncode == 2 and "line 1: 3 values, expected 2" in result.stderr


    # `python model.py data.csv | head -1`: the reader goes away; no traceback, exit 0.
    big = tmp_path / "big.csv"
    big.write_text("\n".join(f"{i % 7 * 0.5},{i % 5 * 0.25}" for i in range(200_000)))
    proc = subprocess.Popen([sys.executable, str(script), str(big)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0 and "Traceback" not in err, err
    assert run_script(script, "--help").stdout.count("INPUTS.csv") >= 1

    # Importable: predict() works on a single sample too.
    probe = tmp_path / "probe.py"
    probe.write_text("import model\nprint(repr(model.predict([0.5, -1.0]).tolist()))\n")
    result = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    got = np.array(ast.literal_eval(result.stdout.strip()))
    np.testing.assert_allclose(got, t.predict(np.array([[0.5, -1.0]])), rtol=0, atol=1e-12)


# ---------------------------------------------------------------------------------------------
# CSV: weights, history, data
# ---------------------------------------------------------------------------------------------


def parse_weight_blocks(text: str) -> dict[str, np.ndarray]:
    blocks: dict[str, list[list[float]]] = {}
    current = None
    for line in text.splitlines():
        if line.startswith("# layer "):
            _, _, l, part, _dims = line.split(" ", 4)
            current = f"{l}{part}"
            blocks[current] = []
        elif line.startswith("#") or not line.strip():
            current = None if not line.strip() else current
        else:
            assert current is not None, line
            blocks[current].append([float(v) for v in line.split(",")])
    return {k: np.array(v) for k, v in blocks.items()}


@pytest.mark.parametrize("case", ["tf_default", "no_bias"])
def test_weights_csv_has_labelled_blocks_that_read_back_exactly(tmp_path, case):
    t = make(case)
    path = tmp_path / "w.csv"
    export_weights(t, "csv", path)
    text = path.read_text()
    assert text == weights_to_csv_text(t)
    labels = [line for line in text.splitlines() if line.startswith("# layer")]
    expected_labels = []
    for l, (w, b) in enumerate(t.params.as_list(), start=1):
        expected_labels.append(f"# layer {l} W ({w.shape[0]}x{w.shape[1]})")
        if b is not None:
            expected_labels.append(f"# layer {l} b ({b.shape[0]})")
    assert labels == expected_labels
    assert all("," not in line for line in text.splitlines() if line.startswith("#"))
    blocks = parse_weight_blocks(text)
    for l, (w, b) in enumerate(t.params.as_list(), start=1):
        assert np.array_equal(blocks[f"{l}W"], w)
        if b is not None:
            assert np.array_equal(blocks[f"{l}b"][0], b)
        else:
            assert f"{l}b" not in blocks


def test_history_csv_has_every_entry_and_empty_cells_for_nan():
    t = trained("xor_221", epochs=12)  # no test set: test columns are NaN
    lines = history_to_csv(t).splitlines()
    assert lines[0] == "epoch,train_loss,test_loss,train_accuracy,test_accuracy"
    arrays = t.history.as_arrays()
    assert len(lines) == 1 + len(arrays["epoch"]) == 14
    for k, line in enumerate(lines[1:]):
        cells = line.split(",")
        assert int(cells[0]) == arrays["epoch"][k]
        assert float(cells[1]) == arrays["train_loss"][k]
        assert cells[2] == "" and cells[4] == ""
        assert float(cells[3]) == arrays["train_accuracy"][k]

    reg = trained("sine_regression", epochs=2)  # regression: accuracy columns empty
    row = history_to_csv(reg).splitlines()[1].split(",")
    assert row[1] and row[2] and row[3] == "" and row[4] == ""


def test_dataset_csv_lists_every_sample_with_its_split():
    t = trained("tf_default", epochs=0)
    lines = dataset_to_csv(t).splitlines()
    assert lines[0] == "x1,x2,label,split"
    rows = [line.split(",") for line in lines[1:]]
    assert len(rows) == t.dataset.n_samples
    x = np.array([[float(r[0]), float(r[1])] for r in rows])
    assert np.array_equal(x, t.dataset.x)
    assert [int(r[2]) for r in rows] == t.dataset.y.tolist()
    train = sorted(i for i, r in enumerate(rows) if r[3] == "train")
    assert train == sorted(t.train_idx.tolist())
    assert all(r[3] in ("train", "test") for r in rows)
    assert dataset_to_csv(trained("sine_regression", 0)).splitlines()[0] == "x1,target,split"


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------


def test_cli_exports_every_format(tmp_path):
    ws = tmp_path / "ws.json"
    assert run_cli("train", "xor_221", "--epochs", "20", "--out", str(ws),
                   cwd=tmp_path).returncode == 0
    from engine.workspace import load_workspace

    t = load_workspace(ws)
    for fmt in EXPORT_FORMATS:
        out = tmp_path / f"w.{fmt}"
        result = run_cli("export", str(ws), "--format", fmt, "--out", str(out), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 0
    np.testing.assert_allclose(run_onnx(tmp_path / "w.onnx", t.split.features),
                               t.predict(t.dataset.x), rtol=0, atol=1e-12)
    assert (tmp_path / "w.csv").read_text() == weights_to_csv_text(t)
    result = run_script(tmp_path / "w.py")
    assert result.returncode == 0, result.stderr
    _, _, y = parse_output(result.stdout, 2)
    np.testing.assert_allclose(y, t.predict(t.dataset.x[t.train_idx]), rtol=0, atol=1e-12)

    result = run_cli("export", str(ws), "--format", "xlsx", "--out", "w.xlsx", cwd=tmp_path)
    assert result.returncode == 2 and "npz, json, onnx, py, csv" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    help_text = run_cli("export", "--help", cwd=tmp_path).stdout
    for fmt in EXPORT_FORMATS:
        assert fmt in help_text
