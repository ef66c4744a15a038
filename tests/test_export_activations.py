"""The smooth activations (ELU, softplus, SiLU, GELU both ways, sine) in every export: ONNX
(checked, run by onnxruntime — or, for GELU, whose Erf onnxruntime has no float64 kernel for,
by onnx's reference evaluator with a float64 Erf — against the engine to 1e-12, and read back),
the standalone NumPy script (the engine's outputs to the last bit), and a graph whose
activation was tampered with is refused."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx.reference import ReferenceEvaluator
from onnx.reference.op_run import OpRun

from engine.export import export_weights
from engine.importer import WeightsError, apply_weights, read_weights
from engine.onnx_export import build_onnx_model
from engine.trainer import Trainer
from tests.helpers import custom_scenario

NEW = ["elu", "softplus", "silu", "gelu", "gelu_tanh", "sine"]


class Erf(OpRun):
    """Erf in float64: onnx's reference Erf computes in float32 (about 1e-8)."""

    op_domain = ""

    def _run(self, x):
        return (np.vectorize(math.erf, otypes=[np.float64])(x),)


def trainer(key: str, bias: bool = True) -> Trainer:
    rng = np.random.default_rng(NEW.index(key))
    # z spans both tails: large weights make |z| reach ~20 on these inputs
    t = Trainer(custom_scenario(rng, [(5, key), (3, "tanh"), (3, key)], key, "mse",
                                task="regression", n=40, use_bias=bias))
    t.train(3)
    t.params.flat[:] *= 4.0
    return t


@pytest.mark.parametrize("key", NEW)
@pytest.mark.parametrize("bias", [True, False])
def test_onnx_matches_the_engine(tmp_path, key, bias):
    t = trainer(key, bias)
    model = build_onnx_model(t)
    onnx.checker.check_model(model, full_check=True)
    features = t.split.raw_features
    expected = t.predict(t.dataset.x)
    try:
        session = ort.InferenceSession(model.SerializeToString(),
                                       providers=["CPUExecutionProvider"])
    except Exception as e:  # onnxruntime 1.32 has no float64 Erf kernel
        assert key == "gelu" and "Erf" in str(e), e
        out = ReferenceEvaluator(model, new_ops=[Erf]).run(None, {"features": features})[0]
    else:
        out = session.run(["output"], {"features": features})[0]
    assert out.dtype == np.float64 and out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("key", NEW)
def test_onnx_and_the_script_read_back_and_run_exactly(tmp_path, key):
    t = trainer(key)
    fresh = trainer(key)
    fresh.params.flat[:] = 0.0
    path = tmp_path / "w.onnx"
    export_weights(t, "onnx", path)
    apply_weights(fresh, read_weights(path))
    assert np.array_equal(fresh.params.flat, t.params.flat)

    script = tmp_path / "model.py"
    export_weights(t, "py", script)
    np.save(tmp_path / "x.npy", t.dataset.x)
    result = subprocess.run([sys.executable, str(script), "x.npy"], capture_output=True,
                            text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = np.array([[float(v) for v in line.split(",")]
                     for line in result.stdout.strip().splitlines()[1:]])
    np.testing.assert_array_equal(rows[:, t.dataset.n_inputs:], t.predict(t.dataset.x))


def _refused(tmp_path, t: Trainer, model, *words: str) -> None:
    path = tmp_path / "bad.onnx"
    path.write_bytes(model.SerializeToString())
    before = t.params.flat.copy()
    with pytest.raises(WeightsError) as e:
        apply_weights(t, read_weights(path))
    msg = str(e.value)
    assert "\n" not in msg and len(msg) <= 300, msg
    for w in words:
        assert w in msg, msg
    assert np.array_equal(t.params.flat, before)


def test_a_tampered_activation_graph_is_refused(tmp_path):
    t = trainer("elu")
    model = build_onnx_model(t)
    const = next(n for n in model.graph.node if n.op_type == "Constant")
    const.attribute[0].t.CopyFrom(onnx.numpy_helper.from_array(np.array(0.25), const.output[0]))
    _refused(tmp_path, t, model, "layer 1", "elu uses the constant 0.5", "0.25")

    model = build_onnx_model(t)
    tanh = next(n for n in model.graph.node if n.op_type == "Tanh" and "elu" in n.name)
    tanh.op_type = "Sigmoid"
    _refused(tmp_path, t, model, "layer 1: elu in ONNX is a graph of Relu, Sub", "found Sigmoid")

    model = build_onnx_model(t)  # Sub(z, t0) reading the wrong value
    sub = next(n for n in model.graph.node if n.op_type == "Sub")
    sub.input[0] = sub.input[1]
    _refused(tmp_path, t, model, "layer 1: elu's", "reads", "was expected")


def test_silu_metadata_over_a_gelu_tanh_graph_is_refused(tmp_path):
    """Both end in Mul: the nodes before it tell them apart."""
    t = trainer("gelu_tanh")
    model = build_onnx_model(t)
    for p in model.metadata_props:
        if p.key == "backprop_playground":
            p.value = p.value.replace("gelu_tanh", "silu")
    silu = trainer("silu")
    _refused(tmp_path, silu, model, "silu in ONNX is a graph of Sigmoid, Mul")
