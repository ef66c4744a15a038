"""The complete chain rule (issue 12): for any weight or bias the whole product from the loss
down — each term of a δ's sum expands its own δ, down to the output's ∂L/∂ŷ · f′(z) — and
every line, evaluated from its own text, gives its shown result; the first line gives the
engine's gradient, for every weight and bias of a 3-hidden-layer network."""

from __future__ import annotations

import numpy as np
import pytest

from engine.explain import explain_weight
from engine.notation import FULL, precision
from engine.trainer import Trainer
from session import commands as c
from session.events import Refused
from session.session import Session
from tests.gui_helpers import TIMEOUT
from tests.helpers import custom_scenario


def deep() -> Trainer:
    rng = np.random.default_rng(7)
    s = custom_scenario(rng, [(3, "tanh"), (2, "sigmoid"), (3, "relu")], "sigmoid", "bce",
                        batch_size=3)
    return Trainer(s)


def every_delta(t: Trainer) -> frozenset[tuple[int, int]]:
    return frozenset((layer, k) for layer in range(1, t.spec.depth + 1)
                     for k in range(t.spec.sizes[layer]))


def _value(text: str) -> float:
    return float(text.strip().strip("()").replace("−", "-"))


def _evaluate(line: str) -> tuple[float, float] | None:
    """(value of the numbers part, shown result) of "… = numbers = result"; None for a line
    without both."""
    body = line.split("   (")[0]
    parts = body.split(" = ")
    if len(parts) < 3 or "←" in body:
        return None
    expr = parts[-2].replace("−", "-").replace("×", "*")
    if any(ch.isalpha() for ch in expr.replace("e-", "").replace("e+", "")):
        return None
    return eval(expr, {"__builtins__": {}}), _value(parts[-1])


def test_every_weight_and_bias_expands_to_the_loss_and_sums_to_the_engine():
    t = deep()
    stepper = t.begin_step(None)
    trace = stepper.run_to_end()
    everything = every_delta(t)
    n_checked = 0
    with precision(FULL):
        for layer in range(1, t.spec.depth + 1):
            w, b = trace.params_before[layer - 1]
            cells = [(i, j) for i in range(w.shape[0]) for j in range(w.shape[1])]
            cells += [(-1, j) for j in range(b.size)]
            for i, j in cells:
                chain = explain_weight(trace, layer, i, j, expanded=everything)
                first = _evaluate(chain.lines[0])
                assert first is not None, chain.lines[0]
                engine = trace.dW[layer][i, j] if i >= 0 else trace.db[layer][j]
                assert first[0] == pytest.approx(engine, rel=1e-9, abs=1e-15)
                assert first[1] == engine  # shown exactly with every digit
                for line in chain.lines[1:]:
                    got = _evaluate(line)
                    if got is not None:
                        assert got[0] == pytest.approx(got[1], rel=1e-9, abs=1e-15), line
                        n_checked += 1
                # expanded all the way down: every later layer's δ is explained in it
                for deeper in range(layer + 1, t.spec.depth + 1):
                    assert any(line.startswith(f"how δ{'¹²³⁴⁵'[deeper - 1]}")
                               for line in chain.lines), (layer, i, j, deeper)
                assert any(line.lstrip().startswith(f"δ{'¹²³⁴⁵'[t.spec.depth - 1]}")
                           and "ŷ" in line for line in chain.lines)
    assert n_checked > 100


def test_each_term_links_its_own_delta_and_expansions_nest():
    t = deep()
    trace = t.begin_step(None).run_to_end()
    chain = explain_weight(trace, 1, 0, 1)
    refs = {ref for line in chain.parts for _, ref in line.parts if ref is not None}
    assert refs == {(2, 0), (2, 1)}  # δ¹₂ gathers layer 2's two errors
    assert not any("how δ" in text for text in chain.lines)
    one = explain_weight(trace, 1, 0, 1, expanded=frozenset({(2, 1)}))
    heading = next(k for k, line in enumerate(one.parts) if line.text == "how δ²₂ came about:")
    assert one.parts[heading].indent == 1
    below = one.parts[heading + 1]
    assert below.indent == 1 and below.text.startswith("δ²₂ = σ′(z²₂) · Σₖ w³₂,ₖ·δ³ₖ")
    assert {ref for _, ref in below.parts if ref is not None} == {(3, 0), (3, 1), (3, 2)}
    nested = explain_weight(trace, 1, 0, 1, expanded=frozenset({(2, 1), (3, 2)}))
    inner = next(line for line in nested.parts if line.text == "how δ³₃ came about:")
    assert inner.indent == 2
    # an expansion the selected chain does not reach is not shown
    unrelated = explain_weight(trace, 1, 0, 1, expanded=frozenset({(3, 2)}))
    assert unrelated.lines == chain.lines


def test_the_session_expands_folds_and_refuses():
    events: list[object] = []
    t = deep()
    s = Session(t.scenario, emit=events.append)
    for _ in range(2 * s.trainer.spec.depth + 1):
        s.handle(c.Step(c.StepUnit.PHASE))
    s.handle(c.SelectWeight(0, 0, 1))
    s.handle(c.ExpandDelta(2, 1))
    lines = s.snapshot().trace.chain.lines
    assert "how δ²₂ came about:" in lines
    s.handle(c.ExpandDelta(2, 1))  # folds it again
    assert "how δ²₂ came about:" not in s.snapshot().trace.chain.lines
    s.handle(c.ExpandDelta(9, 0))
    assert isinstance(events[-1], Refused) and "there is no δ of unit 1 in layer 9" in \
        events[-1].text
    s.handle(c.ExpandDelta(2, 1))
    s.handle(c.SelectWeight(0, 1, 1))  # another weight starts folded
    assert s.stepping.expanded == frozenset()


def test_clicking_a_term_in_the_inspector_expands_it(qtbot, make_window):
    from PySide6.QtWidgets import QComboBox

    w = make_window("tf_default")
    picker = w.findChild(QComboBox, "granularityPicker")
    picker.setCurrentIndex(picker.findData("phase"))
    depth = w.rendered.depth
    for _ in range(2 * depth + 1):  # forward, loss and the whole backward pass
        w.client.send(c.Step(c.StepUnit.PHASE))
    w.client.send(c.SelectWeight(0, 0, 0))
    qtbot.waitUntil(lambda: w.rendered.trace is not None and w.rendered.trace.chain is not None
                    and w.rendered.trace.position == 2 * depth + 1, timeout=TIMEOUT)
    w.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: 'href="delta:2:0"' in w.inspector.chain.text(), timeout=TIMEOUT)
    w.inspector.chain.linkActivated.emit("delta:2:0")
    qtbot.waitUntil(lambda: "how δ²₁ came about:" in w.inspector.chain.text(), timeout=TIMEOUT)
    w.inspector.chain.linkActivated.emit("https://example.com")  # not ours: ignored
    w.inspector.chain.linkActivated.emit("delta:2:0")
    qtbot.waitUntil(lambda: "how δ²₁ came about:" not in w.inspector.chain.text(),
                    timeout=TIMEOUT)
