"""Loss conventions against hand formulas, and numerical stability at extreme logits."""

import numpy as np
import pytest

from engine.activations import ACTIVATIONS, derivative_calls, forward_calls, get_activation
from engine.losses import batch_loss, error_scale, output_error, per_sample_loss


def test_conventions_against_hand_formulas():
    o = np.array([[0.2, 0.9], [0.6, 0.1], [0.5, 0.5]])
    t = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert batch_loss("mse", "mean", o, o, t) == pytest.approx(np.mean((o - t) ** 2))
    assert batch_loss("half_se", "mean", o, o, t) == pytest.approx(
        np.mean(0.5 * np.sum((o - t) ** 2, axis=1)))
    assert batch_loss("half_se", "sum", o, o, t) == pytest.approx(0.5 * np.sum((o - t) ** 2))
    z = np.log(o / (1 - o))  # sigmoid⁻¹
    bce = -np.mean(t * np.log(o) + (1 - t) * np.log(1 - o))
    assert batch_loss("bce", "mean", z, o, t) == pytest.approx(bce, rel=1e-12)
    logits = np.array([[1.0, 2.0, 0.5]])
    p = np.exp(logits) / np.exp(logits).sum()
    onehot = np.array([[0.0, 1.0, 0.0]])
    assert batch_loss("cce", "mean", logits, p, onehot) == pytest.approx(-np.log(p[0, 1]))


def test_cross_entropies_stay_finite_for_huge_logits():
    z = np.array([[1000.0], [-1000.0], [800.0]])
    o = get_activation("sigmoid").apply(z)
    t = np.array([[1.0], [1.0], [0.0]])
    values = per_sample_loss("bce", z, o, t)
    assert np.all(np.isfinite(values))
    assert values[0] == pytest.approx(0.0, abs=1e-300)
    assert values[1] == pytest.approx(1000.0) and values[2] == pytest.approx(800.0)
    logits = np.array([[1e4, -1e4, 0.0]])
    p = get_activation("softmax").apply(logits)
    assert np.all(np.isfinite(p))
    assert per_sample_loss("cce", logits, p, np.array([[0.0, 1.0, 0.0]]))[0] == pytest.approx(2e4)


def test_sigmoid_has_no_overflow_warning():
    with np.errstate(all="raise"):
        get_activation("sigmoid").apply(np.array([-1e4, 0.0, 1e4]))


@pytest.mark.parametrize("key", [k for k, a in ACTIVATIONS.items() if not a.output_only])
def test_derivatives_match_finite_differences(key):
    act = get_activation(key)
    z = np.linspace(-3, 3, 13) + 0.01
    h = 1e-6
    numeric = (act.apply(z + h) - act.apply(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z, act.apply(z)), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("key", [k for k, a in ACTIVATIONS.items() if not a.output_only])
def test_precompiled_derivative_equals_the_readable_one(key):
    """The training step computes f'(z) from z and a = f(z) (most read a alone); that must give
    the readable derivative exactly, z = 0 and tiny negative z included (where ReLU's a is 0
    and leaky ReLU's a is negative)."""
    act = get_activation(key)
    z = np.concatenate([np.linspace(-4, 4, 17), [0.0, -1e-300, 1e-300, -0.0]]).reshape(3, 7)
    a, out = np.empty_like(z), np.full_like(z, np.nan)
    for call in forward_calls(key, z, a, np.empty_like(z)):
        call()
    calls = derivative_calls(key, z, a, out)
    for call in calls:
        call()
    expected = act.derivative(z, a)  # readable form; sigmoid's uses a, ReLU's uses z
    if key == "linear":
        assert calls == []  # the step copies the upstream error instead
    else:
        np.testing.assert_array_equal(out, expected)


def test_mse_error_scale_includes_two_over_outputs_and_reduction():
    assert error_scale("mse", "mean", 4, 2) == pytest.approx(2 / 2 / 4)
    assert error_scale("mse", "sum", 4, 2) == pytest.approx(1.0)
    assert error_scale("half_se", "sum", 4, 3) == 1.0
    z = np.array([[0.3], [-0.2]])
    o = np.tanh(z)
    t = np.array([[1.0], [-1.0]])
    expected = (o - t) * (1 - o**2) / 2
    np.testing.assert_allclose(output_error("half_se", "mean", "tanh", z, o, t), expected)
