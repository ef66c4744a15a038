"""The PyTorch hand-over (``export --format torch``): the generated file is imported from a
temporary folder and its Sequential, its training step and its epochs are compared with the
engine's, to 1e-12 in float64, for every loss, reduction, optimiser, regularisation, the
TF-rules variant, standardisation, minibatch orders and networks without biases.

The file's optimiser starts with fresh state (as after File › Import weights), so the engine
side is reset the same way (``set_parameters``) before the step is compared. The file
reproduces the engine's batch order itself (``batches(n, epoch)``, the same generator); the
tests check that it yields the engine's positions and then train both.
"""

from __future__ import annotations

import importlib.util
import itertools
import subprocess
import sys
import zlib
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from engine import torch_export
from engine.cli import CliError
from engine.cli import export as cli_export
from engine.export import ExportError, export_weights
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from engine.trainer import Trainer
from tests.helpers import custom_scenario, trained

TORCH_REASON = ("the PyTorch export's tests run the generated file, which needs torch "
                "(.venv/bin/pip install torch==2.13.0, the CPU build)")
TOL = 1e-12
_names = itertools.count()


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason=TORCH_REASON)


def variant(key: str, epochs: int, steps: int = 0, **train: object) -> Trainer:
    """Preset ``key`` with training settings changed, trained ``epochs`` epochs and ``steps``
    minibatches."""
    s = get_preset(key)
    t = Trainer(s.with_changes(train=replace(s.train, **train)))
    t.train(epochs)
    for _ in range(steps):
        t.train_step()
    return t


def custom(name: str) -> Trainer:
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    cases = {
        "leaky_no_bias": ([(5, "leaky_relu")], "tanh", "half_se", {"use_bias": False}),
        "sigmoid_mse_sum": ([(4, "relu")], "sigmoid", "mse", {"reduction": "sum"}),
        "softmax_sum": ([(4, "sigmoid")], "softmax", "cce",
                        {"n_classes": 3, "reduction": "sum", "batch_size": 5}),
        "smooth_activations": ([(4, "elu"), (3, "softplus"), (3, "silu"), (3, "gelu")],
                               "sigmoid", "bce", {}),
        "gelu_tanh": ([(5, "gelu_tanh")], "tanh", "half_se", {}),
        "sine": ([(4, "sine")], "sigmoid", "bce", {}),
    }
    hidden, out, loss, extra = cases[name]
    t = Trainer(custom_scenario(rng, hidden, out, loss, n=40, **extra))
    t.train(3)
    return t


def sgd(lr: float, reg: str = "none", rate: float = 0.0, kind: str = "sgd") -> OptimizerSpec:
    return OptimizerSpec(kind=kind, learning_rate=lr, regularization=reg, reg_rate=rate)


CASES = {
    "tf_default": lambda: trained("tf_default", 3),
    "tf_carry_l1": lambda: variant("tf_default", 2, batch_size=7,
                                   optimizer=sgd(0.1, "l1", 0.02)),
    "tf_momentum_l2": lambda: variant("tf_default", 2, 3, optimizer=sgd(0.05, "l2", 0.01,
                                                                       "momentum")),
    "tf_adam_l1_features": lambda: variant("tf_spiral_all_features", 2, batch_size=9,
                                           optimizer=sgd(0.01, "l1", 0.003, "adam")),
    "xor_full_batch_bce_mean": lambda: trained("xor_221", 20),
    "xor_bce_sum": lambda: trained("xor_241", 20),
    "single_neuron_mse": lambda: trained("single_neuron", 10),
    "spiral3_adam_mid_epoch": lambda: trained("softmax_spiral3", 2, steps=3),
    "iris_standardised": lambda: trained("iris", 3),
    "diabetes_standardised_regression": lambda: trained("diabetes", 2),
    "sine_mse_adam": lambda: trained("sine_regression", 2),
    "tf_rmsprop_l2": lambda: variant("tf_default", 2, 3, optimizer=sgd(0.01, "l2", 0.01,
                                                                      "rmsprop")),
    "tf_adagrad": lambda: variant("tf_default", 2, 3, optimizer=OptimizerSpec(
        kind="adagrad", learning_rate=0.05, epsilon=1e-10)),
    "momentum_l2_shuffled": lambda: variant("deep_tanh_spiral", 1, 2,
                                            optimizer=sgd(0.03, "l2", 0.001, "momentum")),
    "sgd_l1_sum_no_shuffle": lambda: variant("regression_plane", 2, loss="mse",
                                             reduction="sum", shuffle=False,
                                             optimizer=sgd(0.001, "l1", 0.01)),
    **{name: (lambda n=name: custom(n))
       for name in ("leaky_no_bias", "sigmoid_mse_sum", "softmax_sum", "smooth_activations",
                    "gelu_tanh", "sine")},
}


def load(path: Path) -> ModuleType:
    """Import a generated file from its folder under a fresh module name."""
    spec = importlib.util.spec_from_file_location(f"exported_{next(_names)}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def exported(t: Trainer, tmp_path: Path, name: str = "model_torch.py",
             **options: bool) -> ModuleType:
    written = export_weights(t, "torch", tmp_path / name, **options)
    assert written[-1] == tmp_path / name
    return load(tmp_path / name)


def engine_layers(t: Trainer) -> list[tuple[np.ndarray, np.ndarray | None]]:
    return t.params.as_list()


def assert_same_parameters(model, t: Trainer) -> None:
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    for l, (w, b) in enumerate(engine_layers(t)):
        np.testing.assert_allclose(state[f"{2 * l}.weight"], w.T, rtol=0, atol=TOL)
        if b is None:
            assert f"{2 * l}.bias" not in state
        else:
            np.testing.assert_allclose(state[f"{2 * l}.bias"], b, rtol=0, atol=TOL)


@pytest.mark.parametrize("case", CASES)
def test_model_step_and_epoch_match_the_engine(torch, tmp_path, case):
    t = CASES[case]()
    t.set_parameters(engine_layers(t))  # fresh optimiser state, as the file starts with
    m = exported(t, tmp_path)

    # The data and the model: the engine's inputs exactly, its outputs to 1e-12.
    np.testing.assert_array_equal(m.training_data()[0], t.dataset.x[t.train_idx])
    inputs = m.network_inputs(m.training_data()[0])
    np.testing.assert_array_equal(inputs, t.split.x_train.T)
    model = m.build_model()
    assert all(p.dtype == torch.float64 for p in model.parameters())
    assert_same_parameters(model, t)
    out = model(torch.as_tensor(inputs)).detach().numpy()
    np.testing.assert_allclose(out, t.forward(t.split.x_train.T)[-1][1], rtol=0, atol=TOL)
    np.testing.assert_allclose(m.predict(t.dataset.x), t.predict(t.dataset.x), rtol=0, atol=TOL)

    # One step on the same minibatch.
    run = m.Training()
    assert (run.epoch, run.batch) == (t.epoch, t.batch_index)
    np.testing.assert_allclose(run.loss(), t.evaluate().train_loss, rtol=TOL, atol=TOL)
    rows = m.batches(t.n_train, t.epoch)[t.batch_index]
    np.testing.assert_array_equal(rows, t.program.order.batch_positions(t.epoch,
                                                                        t.batch_index))
    run.train_step()
    t.train_step()
    assert (run.epoch, run.batch) == (t.epoch, t.batch_index)
    assert_same_parameters(run.model, t)

    # The rest of this epoch and a whole next one: the loss the app records, and the weights.
    for _ in range(2):
        loss = run.run_epoch()
        t.train(1)
        assert run.epoch == t.epoch and t.diverged is None
        np.testing.assert_allclose(loss, t.history.latest.train_loss, rtol=TOL, atol=TOL)
        assert_same_parameters(run.model, t)
    if case == "tf_carry_l1":  # the L1 clamp was exercised: links died on both sides
        dead = [(a.numpy() == 0) for a in run.alive]
        assert any(d.any() for d in dead)
        for d, engine_dead in zip(dead, t.dead_links, strict=True):
            np.testing.assert_array_equal(d, engine_dead.T)


def test_weights_are_embedded_bit_for_bit(torch, tmp_path):
    t = trained("iris", 4)
    m = exported(t, tmp_path)
    assert m.WEIGHTS_FILE is None and m.DATA_FILE is None
    state = m.trained_state()
    for l, (w, b) in enumerate(engine_layers(t)):
        np.testing.assert_array_equal(state[f"{2 * l}.weight"].numpy(), w.T)
        np.testing.assert_array_equal(state[f"{2 * l}.bias"].numpy(), b)
    np.testing.assert_array_equal(m.MEAN, t.split.scaling.mean)
    np.testing.assert_array_equal(m.STD, t.split.scaling.scale)
    model = m.build_model()
    assert [type(x).__name__ for x in model] == ["Linear", "Tanh", "Linear", "Softmax"]
    probabilities = m.predict(t.dataset.x)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=0, atol=1e-14)


def test_weights_and_data_beside_the_script(torch, tmp_path, monkeypatch):
    monkeypatch.setattr(torch_export, "MAX_EMBEDDED_DATA_CHARS", 100)
    t = trained("softmax_spiral3", 2)
    t.set_parameters(engine_layers(t))
    written = export_weights(t, "torch", tmp_path / "net.py", weights_beside=True)
    assert [p.name for p in written] == ["net.safetensors", "net_data.npz", "net.py"]
    text = (tmp_path / "net.py").read_text()
    assert "STATE = None" in text and "X_RAW = Y = None" in text
    m = load(tmp_path / "net.py")
    assert (m.WEIGHTS_FILE, m.DATA_FILE) == ("net.safetensors", "net_data.npz")
    assert_same_parameters(m.build_model(), t)
    run = m.Training()
    loss = run.run_epoch()
    t.train(1)
    np.testing.assert_allclose(loss, t.history.latest.train_loss, rtol=TOL, atol=TOL)
    assert_same_parameters(run.model, t)


def test_too_many_weights_to_embed_go_beside(torch, tmp_path, monkeypatch):
    monkeypatch.setattr(torch_export, "MAX_EMBEDDED_WEIGHT_CHARS", 100)
    t = trained("xor_241", 3)
    written = export_weights(t, "torch", tmp_path / "big.py")
    assert [p.name for p in written] == ["big.safetensors", "big.py"]
    assert_same_parameters(load(tmp_path / "big.py").build_model(), t)


def test_running_the_file_trains_and_prints_the_apps_loss(torch, tmp_path):
    t = trained("tf_default", 3)
    t.set_parameters(engine_layers(t))
    export_weights(t, "torch", tmp_path / "model_torch.py")
    saved = tmp_path / "after.safetensors"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([sys.executable, str(tmp_path / "model_torch.py"), "2", "--save",
                             str(saved)], capture_output=True, text=True, cwd=elsewhere,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("start (epoch 3)") and lines[-1] == f"wrote {saved}"
    printed = [float(line.split("train loss ")[1]) for line in lines[:-1]]
    history = [t.history.latest.train_loss]
    for _ in range(2):
        t.train(1)
        history.append(t.history.latest.train_loss)
    np.testing.assert_allclose(printed, history, rtol=1e-12)

    from engine.importer import apply_weights, read_weights

    back = read_weights(saved)  # the app reads what the file saved
    assert back.epoch == 5 and back.source_format == "safetensors"
    for (w, b), (w2, b2) in zip(back.layers, engine_layers(t), strict=True):
        np.testing.assert_allclose(w, w2, rtol=0, atol=TOL)
        np.testing.assert_allclose(b, b2, rtol=0, atol=TOL)
    apply_weights(t, back)

    bad = subprocess.run([sys.executable, str(tmp_path / "model_torch.py"), "many"],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_unknown_activation_is_refused_in_one_line(tmp_path, monkeypatch):
    # Activations added to the engine later (elu, gelu, …) have no entry until someone maps
    # them: removing a known one from the table stands in for them.
    monkeypatch.delitem(torch_export.TORCH_MODULES, "tanh")
    t = trained("tf_default", 1)
    with pytest.raises(ExportError) as e:
        export_weights(t, "torch", tmp_path / "m.py")
    message = str(e.value)
    assert "\n" not in message and "tanh" in message and "layer 1" in message
    assert not (tmp_path / "m.py").exists()
    with pytest.raises(CliError, match="tanh activation"):
        cli_export("tf_default", "torch", str(tmp_path / "m.py"))
    export_weights(t, "safetensors", tmp_path / "m.safetensors")  # needs no module


def test_every_torch_refusal_names_what_is_missing(monkeypatch):
    t = trained("xor_221", 1)
    assert torch_export.torch_problem(t) is None
    monkeypatch.setattr(torch_export, "TORCH_LOSSES", ("mse",))
    assert "bce loss" in (torch_export.torch_problem(t) or "")


def test_writing_the_script_needs_no_torch(tmp_path):
    code = ("import sys; from tests.helpers import trained; from engine.export import "
            "export_weights; export_weights(trained('xor_221', 1), 'torch', sys.argv[1]); "
            "assert 'torch' not in sys.modules, 'torch was imported'")
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "m.py")], cwd=root,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    compile((tmp_path / "m.py").read_text(), "m.py", "exec")  # valid Python
