"""Backprop through the smooth activations (ELU, softplus, SiLU, GELU both ways, sine) against
central finite differences, each in hidden and in output position; and a wrong derivative of
one of them is caught."""

import numpy as np
import pytest

from engine import activations
from engine.gradcheck import gradient_check
from engine.trainer import Trainer
from tests.helpers import custom_scenario

NEW = ["elu", "softplus", "silu", "gelu", "gelu_tanh", "sine"]


@pytest.mark.parametrize("key", NEW)
@pytest.mark.parametrize("bias", [True, False])
def test_hidden_layers_pass_the_gradient_check(key, bias):
    rng = np.random.default_rng(NEW.index(key) + 10 * bias)
    # two layers of the same activation (one set of derivative calls for both) and one other
    s = custom_scenario(rng, [(4, key), (3, key), (2, "tanh")], "sigmoid", "bce",
                        use_bias=bias)
    report = gradient_check(Trainer(s), np.arange(8))
    assert report.agrees and report.max_relative_error < 1e-6, report.summary()
    assert len(report.layers) == 4


@pytest.mark.parametrize("key", NEW)
@pytest.mark.parametrize(("loss", "task", "reduction"),
                         [("mse", "regression", "mean"), ("half_se", "classification", "sum")])
def test_output_layer_passes_the_gradient_check(key, loss, task, reduction):
    rng = np.random.default_rng(NEW.index(key) + 100)
    s = custom_scenario(rng, [(3, "tanh"), (2, key)], key, loss, task=task,
                        reduction=reduction)
    report = gradient_check(Trainer(s), np.arange(8))
    assert report.agrees and report.max_relative_error < 1e-6, report.summary()


@pytest.mark.parametrize("key", ["silu", "gelu"])
def test_a_wrong_derivative_read_from_z_is_caught(monkeypatch, key):
    real = activations.derivative_calls

    def broken(k, z, a, out):
        calls = real(k, z, a, out)
        if k == key:
            calls.append(lambda: np.add(out, 0.01 * z, out))
        return calls

    monkeypatch.setattr("engine.program.derivative_calls", broken)
    rng = np.random.default_rng(0)
    s = custom_scenario(rng, [(3, key)], "sigmoid", "bce")
    report = gradient_check(Trainer(s), np.arange(6))
    assert not report.agrees and not report.layers[0].agrees
    assert report.layers[1].agrees
