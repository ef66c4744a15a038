"""Backprop against central finite differences on randomised architectures."""

import itertools

import numpy as np
import pytest

from engine import activations
from engine.gradcheck import gradient_check
from engine.optimizers import OptimizerSpec
from engine.trainer import Trainer
from tests.helpers import custom_scenario

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
# (loss, output activation, classes, task)
HEADS = [
    ("mse", "sigmoid", 2, "classification"),
    ("mse", "tanh", 2, "classification"),
    ("mse", "linear", 0, "regression"),
    ("mse", "relu", 2, "classification"),
    ("half_se", "leaky_relu", 0, "regression"),
    ("half_se", "tanh", 2, "classification"),
    ("bce", "sigmoid", 2, "classification"),
    ("cce", "softmax", 3, "classification"),
    ("cce", "softmax", 2, "classification"),
]
CASES = [
    (head, reduction, bias, seed)
    for seed, (head, reduction, bias) in enumerate(
        itertools.product(HEADS, ["mean", "sum"], [True, False])
    )
]


@pytest.mark.parametrize(("head", "reduction", "bias", "seed"), CASES)
def test_backprop_matches_finite_differences(head, reduction, bias, seed):
    loss, out, classes, task = head
    rng = np.random.default_rng(seed)
    depth = int(rng.integers(0, 4))
    hidden = [(int(rng.integers(1, 6)), HIDDEN[(seed + i) % len(HIDDEN)]) for i in range(depth)]
    reg = ["none", "l1", "l2"][seed % 3]
    s = custom_scenario(
        rng, hidden, out, loss, reduction=reduction, use_bias=bias, n_classes=classes or 2,
        task=task, optimizer=OptimizerSpec(regularization=reg, reg_rate=0.01 * (reg != "none")),
    )
    report = gradient_check(Trainer(s), np.arange(6))
    assert report.max_relative_error < 1e-6, (hidden, report)
    assert len(report.layers) == depth + 1


def test_every_hidden_activation_is_covered():
    covered = {HIDDEN[(seed + i) % len(HIDDEN)] for seed in range(len(CASES)) for i in range(3)}
    assert covered == set(HIDDEN)


def test_a_wrong_derivative_is_caught(monkeypatch):
    """The check can fail: corrupt tanh's derivative and the check must notice."""
    real = activations.derivative_calls

    def broken(key, z, a, out):
        calls = real(key, z, a, out)
        if key == "tanh":
            calls.append(lambda: np.multiply(out, 1.5, out))
        return calls

    monkeypatch.setattr("engine.program.derivative_calls", broken)
    rng = np.random.default_rng(0)
    s = custom_scenario(rng, [(3, "tanh")], "sigmoid", "bce")
    report = gradient_check(Trainer(s), np.arange(6))
    assert report.max_relative_error > 1e-3
    assert report.layers[0].relative_error > 1e-3  # the hidden layer is the wrong one
    assert report.layers[1].relative_error < 1e-6
    assert "differ" in report.summary()


def test_tiny_vanishing_gradients_are_not_called_wrong():
    """In a deep sigmoid net the first layers' gradients (~1e-8) sit near the noise floor of
    central differences: that must read as agreement within the noise, not as a failure,
    while a real error in those same layers is still caught."""
    from engine.presets import get_preset

    t = Trainer(get_preset("vanishing_gradients"))
    report = gradient_check(t)
    assert report.max_relative_error > 1e-6  # the raw relative error of the first layers
    assert report.agrees and report.layers[-1].precise and not report.layers[0].precise
    assert report.layers[0].difference <= 4 * report.layers[0].noise
    summary = report.summary()
    assert summary.startswith("backprop agrees") and "layers 1–" in summary
    assert "within the finite differences' own noise" in summary


def test_a_wrong_derivative_in_tiny_gradients_is_still_caught(monkeypatch):
    from engine.presets import get_preset

    real = activations.derivative_calls

    def broken(key, z, a, out):
        return [*real(key, z, a, out), lambda: np.multiply(out, 1.5, out)]

    monkeypatch.setattr("engine.program.derivative_calls", broken)
    report = gradient_check(Trainer(get_preset("vanishing_gradients")))
    assert not report.agrees and not report.layers[0].agrees
    assert "differ" in report.summary()


def test_summary_reads_plainly():
    rng = np.random.default_rng(1)
    s = custom_scenario(rng, [(3, "tanh")], "sigmoid", "bce")
    summary = gradient_check(Trainer(s), np.arange(4)).summary()
    assert summary.startswith("backprop agrees with numerical differentiation to")


def test_a_failing_check_blames_the_layer_that_disagrees(monkeypatch):
    """A 1e-4 error in the last layer of the vanishing-gradients net must be blamed on that
    layer, not on layer 1, whose large relative error is only finite differences' noise."""
    import engine.gradcheck as gc
    from engine.presets import get_preset

    real = gc.backprop_gradient

    def off_in_last_layer(trainer, indices):
        g = real(trainer, indices)
        g[-trainer.params.mats[-1].size:] *= 1.0001
        return g

    monkeypatch.setattr(gc, "backprop_gradient", off_in_last_layer)
    report = gradient_check(Trainer(get_preset("vanishing_gradients")))
    assert [c.layer for c in report.layers if not c.agrees] == [9]
    assert report.worst.layer == 9
    assert "differ by up to 5.0e-05 (worst: w⁹" in report.summary()
    assert report.summary().endswith(", in layer 9)")


def test_weights_at_l1_corner_are_left_out_not_called_wrong():
    """|w| has no derivative at 0: a weight within ε of zero makes the central difference
    measure the corner. Such weights are left out and the summary says so."""
    from dataclasses import replace

    from engine.presets import get_preset

    s = get_preset("tf_default")
    opt = replace(s.train.optimizer, regularization="l1", reg_rate=0.01)
    t = Trainer(replace(s, train=replace(s.train, optimizer=opt)))
    t.set_weight(1, 0, 0, 2e-7)  # right at the corner
    report = gradient_check(t)
    assert report.skipped == 1 and report.agrees
    assert report.max_relative_error < 1e-6
    assert "1 weight within ε of zero left out" in report.summary()
