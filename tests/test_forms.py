"""Every form an activation or a loss carries agrees with the others: the standalone script's
source with the engine's function, the precompiled calls with the readable formulas, the
targets with the trainer's, and the inspector's text with what the engine computes."""

from __future__ import annotations

import numpy as np
import onnx
import pytest

from engine.activations import ACTIVATIONS, get_activation
from engine.datasets import from_arrays
from engine.explain import explain_phase
from engine.losses import LOSSES, check_combination, get_loss, per_sample_loss, reduce_losses
from engine.trainer import Trainer, make_targets
from tests.helpers import custom_scenario

Z = np.concatenate([np.linspace(-6, 6, 25), [0.0, -0.0, 1e-300, -1e-300, 40.0, -40.0]])


@pytest.mark.parametrize("key", list(ACTIVATIONS))
def test_script_source_is_the_engines_function_to_the_bit(key):
    act = get_activation(key)
    namespace: dict = {"np": np}
    exec(act.script, namespace)  # our own fixed source text
    z = Z.reshape(-1, 1) * np.array([[1.0, 0.5, -2.0]])
    np.testing.assert_array_equal(namespace[key](z), act.apply(z))


@pytest.mark.parametrize("key", list(ACTIVATIONS))
def test_precompiled_forward_matches_the_readable_function(key):
    act = get_activation(key)
    z = (Z.reshape(-1, 1) * np.array([[1.0, 0.5, -2.0]])).T.copy()  # (units, batch)
    a = np.full_like(z, np.nan)
    for call in act.forward_calls(z, a, np.empty_like(z)):
        call()
    expected = act.apply(z.T).T  # the readable form works on (batch, units)
    # sigmoid: the step uses 1/(1 + e^−z), the readable form 0.5 + 0.5·tanh(z/2)
    np.testing.assert_allclose(a, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("key", list(ACTIVATIONS))
def test_names_formulas_and_onnx_op_are_filled_in(key):
    act = get_activation(key)
    assert act.title and act.short_title and act.symbol and act.formula
    assert onnx.defs.has(act.onnx.op_type)
    assert act.output_only or act.derivative_text("a¹", "z¹").startswith(f"{act.symbol}′ = ")
    low, high = act.class_targets
    assert low < act.threshold < high


@pytest.mark.parametrize("key", [k for k, a in ACTIVATIONS.items() if a.levels is not None])
def test_bounded_outputs_stay_within_their_levels(key):
    act = get_activation(key)
    lo, hi = act.levels
    out = act.apply(np.stack([Z, -Z, Z * 10]).T)
    assert np.all((lo <= out) & (out <= hi))
    assert lo <= act.class_targets[0] and act.class_targets[1] <= hi


@pytest.mark.parametrize("key", [k for k, a in ACTIVATIONS.items() if not a.one_hot])
def test_the_trainers_targets_are_the_activations_class_targets(key):
    ds = from_arrays(np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 1, 1, 0]),
                     "classification")
    targets = make_targets(ds, key, 1)
    low, high = get_activation(key).class_targets
    np.testing.assert_array_equal(targets[:, 0], [low, high, high, low])


def test_one_hot_targets_for_softmax():
    ds = from_arrays(np.array([[0.0], [1.0], [2.0]]), np.array([2, 0, 1]), "classification")
    np.testing.assert_array_equal(make_targets(ds, "softmax", 3), np.eye(3)[[2, 0, 1]])


@pytest.mark.parametrize("key", list(LOSSES))
def test_precompiled_total_is_the_sum_of_per_sample_losses(key):
    rng = np.random.default_rng(3)
    loss = get_loss(key)
    k = 3 if key == "cce" else 2
    z = rng.normal(size=(7, k)) * 3
    o = get_activation(loss.requires_output or "tanh").apply(z)
    t = np.eye(k)[rng.integers(0, k, 7)] if key == "cce" else rng.integers(0, 2, (7, k)) * 1.0
    total = np.zeros(())
    for call in loss.total_calls(z.T.copy(), o.T.copy(), t.T.copy(), total):
        call()
    values = per_sample_loss(key, z, o, t)
    assert float(total) * loss.sample_weight(k) == pytest.approx(np.sum(values), rel=1e-13)
    assert reduce_losses(values, "sum") == float(np.sum(values))
    assert reduce_losses(values, "mean") == float(np.mean(values))


def test_pairings_are_read_from_the_objects():
    for loss in LOSSES.values():
        assert loss.combined == (loss.requires_output is not None)
        if loss.requires_output is not None:
            check_combination(loss.key, loss.requires_output, 3)
            with pytest.raises(ValueError, match=loss.title.lower()):
                check_combination(loss.key, "tanh", 3)
    with pytest.raises(ValueError, match="single output unit"):
        check_combination("cce", "softmax", 1)


def test_inspector_text_comes_from_the_objects():
    rng = np.random.default_rng(5)
    t = Trainer(custom_scenario(rng, [(2, "leaky_relu")], "tanh", "mse", reduction="sum"))
    stepper = t.begin_step(np.array([0, 1]))
    acts = ("leaky_relu", "tanh")
    equations = []
    while not stepper.done:
        phase = stepper.advance()
        equations += explain_phase(stepper.trace, phase, acts, True).equations
    assert "a¹ = LReLU(z¹)" in equations and "ŷ = a² = tanh(z²)" in equations
    assert "L = Σₙ(meanₖ (ŷ − y)²)" in equations
    assert "δ² = 2/K·(ŷ − y) ⊙ tanh′(z²)" in equations
    assert "δ¹ = (δ²·W²ᵀ) ⊙ LReLU′(z¹),   LReLU′ = 1 if z¹ > 0 else 0.01" in equations


@pytest.mark.parametrize("shared_max", [False, True])
def test_cross_entropy_keeps_the_digits_of_a_confident_prediction(shared_max):
    """ℓ = log(1 + 2e⁻³⁰) ≈ 1.87e-13 for logits (30, 0, 0) and class 0. Adding the maximum 30
    back before subtracting z_y = 30 rounds at 30's spacing (3.6e-15): a 2 % error."""
    z = np.array([[30.0, 0.0, 0.0], [0.0, 30.0, 0.0]])
    t = np.eye(3)[[0, 1]]
    truth = np.log1p(2 * np.exp(-30.0))
    cce = get_loss("cce")
    assert cce.per_sample(z, z, t) == pytest.approx([truth, truth], rel=1e-3)
    total = np.zeros(())
    z_max = np.max(z, axis=1) if shared_max else None
    for call in cce.total_calls(z.T.copy(), z.T.copy(), t.T.copy(), total, z_max):
        call()
    assert float(total) == pytest.approx(2 * truth, rel=1e-3)


@pytest.mark.parametrize("batch", [1, 32, 256, 257, 1500])
def test_compiled_softmax_matches_the_readable_one_either_side_of_the_spread(batch):
    """Small batches spread the column maxima and sums by a product (engine.activations
    SPREAD_COLUMNS), large ones broadcast them: both are softmax, and far logits stay finite."""
    from engine.activations import SPREAD_COLUMNS

    assert 32 <= SPREAD_COLUMNS < 1500
    rng = np.random.default_rng(batch)
    z = rng.normal(size=(10, batch)) * 4
    z[:, 0] = [900.0, -900.0, 0.0, 899.0, *([-5.0] * 6)]  # exp of these unshifted overflows
    a, tmp = np.full_like(z, np.nan), np.full_like(z, np.nan)
    for call in get_activation("softmax").forward_calls(z, a, tmp):
        call()
    np.testing.assert_allclose(a, get_activation("softmax").apply(z.T).T, rtol=1e-13,
                               atol=1e-300)
    np.testing.assert_allclose(a.sum(axis=0), 1.0, rtol=1e-14)
