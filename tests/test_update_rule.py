"""The update phase shows the optimiser that ran (issue 12): for SGD, momentum and Adam with
no, L1 or L2 regularisation, the clicked weight's update is written term by term; the terms
give the engine's new value, and the displayed operands give the displayed result."""

from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np
import pytest

from engine.explain import explain_phase, explain_weight
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from engine.trainer import Trainer
from engine.update_rule import parameter_update, update_lines

NUMBER = r"\(?[−-]?[\d.]+(?:e[−-]?\d+)?\)?"


def _num(text: str) -> float:
    return float(text.strip("()").replace("−", "-"))


def trained_step(kind: str, reg: str, tf_rules: bool = False):
    """A trainer after three steps, and the trace of a fourth run phase by phase."""
    s = get_preset("tf_default")
    opt = OptimizerSpec(kind=kind, learning_rate=0.05 if kind in ("sgd", "momentum") else 0.01,
                        regularization=reg, reg_rate=0.03 if reg != "none" else 0.0)
    t = Trainer(replace(s, train=replace(s.train, optimizer=opt, tf_rules=tf_rules)))
    for _ in range(3):  # a moving state that is not zero
        t.train_step()
    stepper = t.begin_step()
    stepper.run_to_end()
    return t, stepper.trace, stepper.phases[-1]


def expected_after(u, spec: OptimizerSpec) -> tuple[float, float]:
    """(g, θ after) from the textbook rules, computed here from the update's own numbers."""
    reg = spec.regularization if u.is_weight else "none"
    g = u.gradient
    if reg == "l2":
        g += spec.reg_rate * u.before
    elif reg == "l1":
        g += spec.reg_rate * float(np.sign(u.before))
    eta = spec.learning_rate
    if spec.kind == "sgd":
        return g, u.before - eta * g
    if spec.kind == "momentum":
        v = spec.momentum * u.velocity[0] + g
        return g, u.before - eta * v
    if spec.kind in ("rmsprop", "adagrad"):
        a = spec.alpha if spec.kind == "rmsprop" else 1.0
        v = a * u.v[0] + (1 - a if spec.kind == "rmsprop" else 1.0) * g * g
        assert u.v[1] == pytest.approx(v, rel=1e-12, abs=1e-300)
        return g, u.before - eta * g / (math.sqrt(v) + spec.epsilon)
    m = spec.beta1 * u.m[0] + (1 - spec.beta1) * g
    v = spec.beta2 * u.v[0] + (1 - spec.beta2) * g * g
    m_hat, v_hat = m / (1 - spec.beta1**u.t), v / (1 - spec.beta2**u.t)
    return g, u.before - eta * m_hat / (math.sqrt(v_hat) + spec.epsilon)


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam", "rmsprop", "adagrad"])
@pytest.mark.parametrize("reg", ["none", "l1", "l2"])
def test_the_written_update_is_the_engines_and_recomputes_from_its_operands(kind, reg):
    t, trace, _ = trained_step(kind, reg)
    spec = t.optimizer.spec
    for layer, i, j in ((1, 0, 0), (1, 1, 3), (2, 2, 1), (3, 0, 0), (2, None, 1)):
        u = parameter_update(trace, layer, i, j)
        g, after = expected_after(u, spec)
        assert u.used == pytest.approx(g, rel=1e-12, abs=1e-15)
        assert u.after == pytest.approx(after, rel=1e-12, abs=1e-15)
        lines = update_lines(u, spec, False)
        final = lines[-1]
        shown_after = _num(final.rsplit("= ", 1)[1])
        if kind in ("adam", "rmsprop", "adagrad"):
            m = re.search(rf"= ({NUMBER}) − ({NUMBER}) × ({NUMBER}) / \(({NUMBER}) \+ "
                          rf"({NUMBER})\) = ({NUMBER})$", final)
            assert m, final
            a, eta, mh, sv, eps, res = map(_num, m.groups())
            recomputed = a - eta * mh / (sv + eps)
        else:
            m = re.search(rf"= ({NUMBER}) − ({NUMBER}) × ({NUMBER}) = ({NUMBER})$", final)
            assert m, final
            a, eta, x, res = map(_num, m.groups())
            recomputed = a - eta * x
        # the shown operands give the shown result to the shown digits (4 significant)
        assert recomputed == pytest.approx(res, rel=2e-3, abs=5e-4 * abs(a) + 1e-9), lines
        assert res == pytest.approx(u.after, rel=6e-4)
        assert shown_after == res
        if reg != "none" and i is not None:
            assert lines[0].startswith("g = ∂L/∂w")  # the regularisation term is written out
        if kind == "momentum":
            assert any(line.startswith("v ← μ·v + ") for line in lines)
        if kind == "adam":
            assert f"step t = {u.t}" in lines and u.t == 4
        if kind == "rmsprop":
            assert lines[-2].startswith("v ← α·v + (1 − α)·") and "/ (√v + ε)" in final
        if kind == "adagrad":
            assert lines[-2].startswith("s ← s + ") and "/ (√s + ε)" in final


@pytest.mark.parametrize("reg", ["l1", "l2"])
def test_tf_playground_regularisation_is_its_own_step_after_the_optimiser(reg):
    t, trace, _ = trained_step("sgd", reg, tf_rules=True)
    spec = t.optimizer.spec
    u = parameter_update(trace, 1, 0, 0)
    lines = update_lines(u, spec, True)
    assert not lines[0].startswith("g =")  # TF steps on the data gradient first
    assert lines[-1].startswith("then w¹₁,₁ ← w¹₁,₁′ − η·λ·")
    r = u.before if reg == "l2" else float(np.sign(u.before))
    first = u.before - spec.learning_rate * u.gradient
    expected = first - spec.learning_rate * spec.reg_rate * r
    if reg == "l1" and first * expected < 0:
        expected = 0.0
    assert u.after == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_the_update_phase_states_the_rule_that_ran_and_its_state():
    t, trace, update = trained_step("adam", "l2")
    acts = tuple(layer.activation for layer in t.spec.layers)
    text = explain_phase(trace, update, acts, True)
    joined = " ".join(text.equations)
    assert "g = dW + λ·W" in joined and "m ← β₁·m + (1 − β₁)·g" in joined
    assert "W ← W − η·dW" not in joined
    assert "η = 0.01" in joined and "λ = 0.03" in joined and "β₁ = 0.9" in joined
    names = [o.name for o in text.operands]
    assert "m (W¹)" in names and "v (W¹)" in names
    from engine.network import Parameters

    m1 = next(o for o in text.operands if o.name == "m (W¹)").values
    np.testing.assert_array_equal(m1, Parameters(t.spec, t.optimizer.m.copy()).weights(0))
    assert "t = 4" in text.note
    _, sgd_trace, sgd_update = trained_step("sgd", "none")
    plain = explain_phase(sgd_trace, sgd_update, acts, True)
    assert plain.equations[0] == "W ← W − η·dW"
    assert not any(o.name.startswith(("m (", "v (")) for o in plain.operands)


def test_the_clicked_weights_chain_rule_ends_with_its_real_update():
    _, trace, _ = trained_step("momentum", "l1")
    chain = explain_weight(trace, 2, 1, 0)
    assert any(line.startswith("g = ∂L/∂w²₂,₁ + λ·sign(w²₂,₁)") for line in chain.lines)
    assert any(line.startswith("v ← μ·v + g = 0.9 × ") for line in chain.lines)
    assert chain.lines[-1].endswith(f"= {_fmt(chain.after)}")


def _fmt(v: float) -> str:
    from engine.notation import fmt

    return fmt(v)
