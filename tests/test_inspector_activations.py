"""The inspector with the smooth activations: the forward phase states the formula, the
backward phase the derivative, and every chain-rule line (which evaluates f′ for one unit)
recomputes from its shown operands."""

from __future__ import annotations

import numpy as np
import pytest

from engine.activations import get_activation
from engine.explain import explain_phase, explain_weight
from engine.notation import AUTO, precision
from engine.trainer import Trainer
from tests.helpers import custom_scenario
from tests.test_checkable_digits import _checks, _every_parameter, recomputes

NEW = ["elu", "softplus", "silu", "gelu", "gelu_tanh", "sine"]


@pytest.mark.parametrize("key", NEW)
def test_formulas_are_shown_and_chain_lines_recompute(key):
    rng = np.random.default_rng(NEW.index(key))
    t = Trainer(custom_scenario(rng, [(3, key), (2, key)], key, "mse", task="regression"))
    t.train(2)
    acts = tuple(layer.activation for layer in t.spec.layers)
    stepper = t.begin_step()
    equations = []
    while not stepper.done:
        phase = stepper.advance()
        equations += explain_phase(stepper.trace, phase, acts, True).rules
    act = get_activation(key)
    assert f"a¹ = {act.symbol}(z¹)" in equations
    assert (act.formula in equations) == ("=" in act.formula)  # sin(z) needs no definition
    assert any(line.endswith(act.derivative_text(a="a¹", z="z¹")) for line in equations)
    n_lines = 0
    with precision(AUTO):
        for layer, i, j in _every_parameter(stepper.trace):
            chain = explain_weight(stepper.trace, layer, -1 if i is None else i, j)
            for line in chain.lines:
                assert recomputes(line), line
                n_lines += _checks(line) is not None
    assert n_lines > 20
