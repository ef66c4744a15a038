"""Dropout in the inspector (issue 13): the forward phase shows the mask as its own operand and
aˡ = f(zˡ) ⊙ mˡ / (1 − p); the backward δ has the mask factor; the chain rule writes a dropped
unit's δ as 0 and a kept one's with 1/(1 − p), and every line still recomputes — in both
layouts."""

from __future__ import annotations

import numpy as np
import pytest

from engine.explain import explain_phase, explain_weight
from engine.givens import phase_givens
from engine.layout import Layout, in_layout
from engine.notation import AUTO, FULL, fmt, precision
from engine.presets import get_preset
from engine.trace_display import phase_display
from engine.trainer import Trainer
from tests.test_chain_expansion import _evaluate, every_delta
from tests.test_checkable_digits import _checks, recomputes
from tests.test_dropout import with_dropout

ACTS = ("tanh", "tanh", "tanh")


def stepped(preset: str = "tf_default", rates: tuple[float, ...] = (0.5,),
            indices: np.ndarray | None = None) -> Trainer:
    t = Trainer(with_dropout(get_preset(preset), *rates))
    t.begin_step(indices)
    return t


def phases_of(t: Trainer, layout: Layout = Layout.ROWS):
    stepper = t.current_step
    assert stepper is not None
    acts = tuple(layer.activation for layer in t.spec.layers)
    out = {}
    with in_layout(layout):
        while not stepper.done:
            phase = stepper.advance()
            out[phase.label] = explain_phase(stepper.trace, phase, acts, t.spec.use_bias)
    return stepper.trace, out


@pytest.mark.parametrize("layout", list(Layout))
def test_the_forward_phase_shows_the_mask_and_the_equation(layout):
    t = stepped()
    trace, phases = phases_of(t, layout)
    e = phases["forward 1"]
    assert "a¹ = tanh(z¹) ⊙ m¹ / (1 − p)" in e.rules
    assert any("p = 0.5" in rule and "1/(1 − p) = 2" in rule for rule in e.rules)
    assert any(rule.startswith("m¹: this step's dropout mask") for rule in e.rules)
    ops = {op.name: op for op in e.operands}
    m = ops["m¹"]
    assert m.meaning == "dropout mask (1 = kept), scaled 1/(1−p)"
    expected = trace.mask[1].T if layout is Layout.COLUMNS else trace.mask[1]
    assert np.array_equal(m.values, expected)
    names = [op.name for op in e.operands]
    assert names.index("z¹") < names.index("m¹") < names.index("a¹")
    samples = tuple(f"#{int(k) + 1}" for k in trace.indices)
    labels = m.col_labels if layout is Layout.COLUMNS else m.row_labels
    assert labels == samples  # rows/columns named as every other operand's
    assert e.results == ("z¹", "a¹")  # the mask is given, not asked for
    assert "m³" not in {op.name for op in phases["forward 3"].operands}  # the output: none
    assert "⊙ m" not in " ".join(phases["forward 3"].rules)


@pytest.mark.parametrize("layout", list(Layout))
def test_the_backward_delta_has_the_mask_factor(layout):
    t = stepped()
    _trace, phases = phases_of(t, layout)
    e = phases["backward 1"]
    back = "W²ᵀ·δ²" if layout is Layout.COLUMNS else "δ²·W²ᵀ"
    assert e.rules[0].startswith(f"δ¹ = ({back}) ⊙ tanh′(z¹) ⊙ m¹ / (1 − p),")
    assert "tanh(z¹)" in e.rules[0]  # f′ written with the activation before the mask
    assert "m¹" in {op.name for op in e.operands}
    e3 = phases["backward 3"]
    assert "m³" not in {op.name for op in e3.operands}
    plain = Trainer(get_preset("tf_default"))
    plain.begin_step()
    _t, ph = phases_of(plain, layout)
    assert "⊙ m" not in ph["backward 1"].rules[0]  # unchanged without dropout


def test_one_samples_forward_line_recomputes_with_the_mask():
    for sample in range(4):
        t = stepped("xor_221", (0.5,), np.array([sample]))
        stepper = t.current_step
        with precision(AUTO):
            phase = stepper.advance()
            e = explain_phase(stepper.trace, phase, ("sigmoid", "sigmoid"), True)
        a_line = e.worked[1]
        assert a_line.startswith("a¹ = σ([") and "⊙ [" in a_line and "/ 0.5 = " in a_line
        inside, mask_part = a_line.split("σ(")[1].split(") ⊙ ")
        z = np.array(eval(inside.replace("−", "-")))
        mask_text, shown = mask_part.split(" / 0.5 = ")
        m = np.array(eval(mask_text))
        assert set(m) <= {0, 1} and np.array_equal(m, stepper.trace.mask[1][0])
        a = np.array(eval(shown.replace("−", "-")))
        np.testing.assert_allclose(1 / (1 + np.exp(-z)) * m / 0.5, a, rtol=5e-4, atol=5e-4)


def test_the_chain_rule_writes_dropped_and_kept_units_and_every_line_recomputes():
    t = Trainer(with_dropout(get_preset("tf_default"), 0.5, 0.3))
    trace = t.begin_step().run_to_end()
    everything = every_delta(t)
    dropped = kept = checked = 0
    with precision(FULL):
        for layer in (1, 2):
            for j in range(t.spec.sizes[layer]):
                chain = explain_weight(trace, layer, 0, j, expanded=everything)
                first = _evaluate(chain.lines[0])
                assert first is not None
                assert first[0] == pytest.approx(trace.dW[layer][0, j], rel=1e-9, abs=1e-15)
                own = [line for line in chain.lines
                       if line.startswith(f"δ{'¹²'[layer - 1]}{'₁₂₃₄'[j]} = ")]
                assert len(own) == len(trace.indices)
                for n, line in enumerate(own):
                    if trace.mask[layer][n, j] == 0.0:
                        assert " = 0: dropout dropped unit" in line
                        assert trace.delta[layer][n, j] == 0.0
                        dropped += 1
                    else:
                        scale = fmt(1 / (1 - (0.5, 0.3)[layer - 1]))  # 2.0, 1.4285…
                        assert f"m{'¹²'[layer - 1]}{'₁₂₃₄'[j]}/(1 − p) · Σₖ" in line
                        assert f" × {scale} × (" in line
                        kept += 1
                for line in chain.lines[1:]:
                    got = _evaluate(line)
                    if got is not None:
                        assert got[0] == pytest.approx(got[1], rel=1e-9, abs=1e-15), line
                        checked += 1
    assert dropped and kept and checked > 20


def test_every_dropout_chain_line_recomputes_at_checkable_digits():
    for layout in Layout:
        t = Trainer(with_dropout(get_preset("tf_default"), 0.3, 0.1))
        trace = t.begin_step().run_to_end()
        n_lines = 0
        with precision(AUTO), in_layout(layout):
            for layer, (w, _b) in enumerate(trace.params_before, start=1):
                for i in range(-1, w.shape[0]):
                    for j in range(w.shape[1]):
                        for line in explain_weight(trace, layer, i, j).lines:
                            assert recomputes(line), line
                            n_lines += _checks(line) is not None
        assert n_lines > 50


def test_the_backward_givens_hold_the_activation_before_the_mask():
    t = stepped()
    stepper = t.current_step
    while not stepper.done:
        phase = stepper.advance()
        if phase.label == "backward 1":
            givens = {op.name: op.values for op in phase_givens(stepper.trace, phase, ACTS)}
            assert np.array_equal(givens["tanh(z¹)"], stepper.trace.undropped[1])
            assert "a¹" not in givens


def test_the_diagram_caption_names_the_dropped_units():
    t = stepped("tf_default", (0.5,), np.array([3]))
    stepper = t.current_step
    stepper.advance()
    display = phase_display(stepper.trace, stepper.position, stepper.phases, t.spec.depth)
    dropped = [j + 1 for j in np.flatnonzero(stepper.trace.mask[1][0] == 0.0)]
    assert "dropout dropped" in display.caption
    for j in dropped:
        assert str(j) in display.caption.split("dropout dropped")[1]
    np.testing.assert_array_equal(display.unit_values[1], stepper.trace.a[1][0])
    batch = stepped("tf_default", (0.5,))
    batch.current_step.advance()
    d = phase_display(batch.current_step.trace, 1, batch.current_step.phases, 3)
    assert "dropout kept" in d.caption and "% of its units" in d.caption


def test_the_session_shows_the_mask_operand():
    from session import commands as c
    from session.session import Session

    s = Session(with_dropout(get_preset("tf_default"), 0.2), emit=lambda e: None)
    s.handle(c.Step(c.StepUnit.PHASE))
    info = s.snapshot().trace
    assert info is not None and info.explanation is not None
    assert "m¹" in {op.name for op in info.explanation.operands}
    assert "a¹ = tanh(z¹) ⊙ m¹ / (1 − p)" in info.explanation.rules


def test_check_my_work_gives_the_mask_and_asks_for_the_dropped_activations():
    from session import commands as c
    from session.answer_slots import SlotState
    from session.session import Session
    from tests.test_check_work import cells, snap, truth

    s = Session(with_dropout(get_preset("xor_221"), 0.5), emit=lambda e: None)
    s.handle(c.SetCheckWork(True))
    s.handle(c.Step(c.StepUnit.PHASE))
    sn = snap(s)
    assert [op.name for op in sn.trace.explanation.operands] == ["X", "W¹", "b¹", "m¹"]
    a = truth(s, "a¹")
    assert np.any(a == 0.0)  # dropped units: 0 whatever σ(z) was
    s.handle(c.CheckAnswer("z¹", cells(truth(s, "z¹"))))
    undropped = np.where(a == 0.0, 0.5, a)  # σ(z) > 0: forgetting the mask is wrong
    s.handle(c.CheckAnswer("a¹", cells(undropped)))
    assert snap(s).trace.check.slot("a¹").state is SlotState.WRONG
    s.handle(c.CheckAnswer("a¹", cells(a)))
    assert snap(s).trace.check.solved
