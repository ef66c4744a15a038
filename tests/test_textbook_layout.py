"""The inspector's two textbook layouts (issue 12): samples as rows (X·W, the notebooks) and
samples as columns (W·X, Andrew Ng's course). The columns layout shows exactly the transposes of
the rows layout, rewrites every equation and the chain rule, and names weights (to, from)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox, QTableWidget

from engine.explain import explain_phase, explain_weight, fmt_array
from engine.layout import Layout, check_layout, in_layout, weight_name
from engine.notation import precision, sub, sup
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from engine.trainer import Trainer
from session import commands as c
from session.events import Refused
from session.session import Session
from tests.gui_helpers import TIMEOUT, fresh_snapshot
from tests.helpers import custom_scenario


def _every_phase(trainer: Trainer):
    """(phase, rows explanation, columns explanation) for every phase of one step."""
    stepper = trainer.begin_step(None)
    acts = tuple(layer.activation for layer in trainer.spec.layers)
    out = []
    while not stepper.done:
        phase = stepper.advance()
        pair = []
        for layout in Layout:
            with in_layout(layout):
                pair.append(explain_phase(stepper.trace, phase, acts, trainer.spec.use_bias))
        out.append((phase, *pair))
    return stepper, out


def _deep(seed: int, kind: str = "momentum", batch: int = 5) -> Trainer:
    rng = np.random.default_rng(seed)
    s = custom_scenario(rng, [(3, "tanh"), (4, "relu"), (2, "sigmoid")], "sigmoid", "bce",
                        batch_size=batch,
                        optimizer=OptimizerSpec(kind=kind, learning_rate=0.05))
    return Trainer(s)


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_the_columns_layout_shows_exactly_the_transposes(kind):
    _stepper, phases = _every_phase(_deep(1, kind))
    for phase, rows, cols in phases:
        assert [o.name for o in rows.operands] == [o.name for o in cols.operands]
        for r, k in zip(rows.operands, cols.operands, strict=True):
            if r.values.ndim == 2:
                np.testing.assert_array_equal(k.values, r.values.T)
                assert k.shape_text == "×".join(map(str, r.values.shape[::-1]))
                assert k.row_labels == r.col_labels and k.col_labels == r.row_labels
            elif r.name == "ℓ":  # one loss per sample: a row either way
                np.testing.assert_array_equal(k.values, r.values)
            else:  # a unit-indexed vector (a bias) becomes a column
                np.testing.assert_array_equal(k.values, r.values.reshape(-1, 1))
                assert k.row_labels == r.col_labels
        assert rows.results == cols.results, phase.label


def test_the_columns_layout_rewrites_every_equation():
    _stepper, phases = _every_phase(_deep(2))
    text = {(p.kind, p.layer): (" | ".join(r.rules), " | ".join(k.rules))
            for p, r, k in phases}
    rows, cols = text[("forward", 1)]
    assert "z¹ = X·W¹ + b¹" in rows and "z¹ = W¹·X + b¹" in cols
    rows, cols = text[("forward", 3)]
    assert "z³ = a²·W³ + b³" in rows and "z³ = W³·a²" in cols
    rows, cols = text[("backward", 2)]
    assert "δ² = (δ³·W³ᵀ) ⊙" in rows and "δ² = (W³ᵀ·δ³) ⊙" in cols
    assert "dW² = a¹ᵀ·δ²" in rows and "dW² = δ²·a¹ᵀ" in cols
    _, cols = text[("backward", 1)]
    assert "dW¹ = δ¹·Xᵀ" in cols


def test_one_samples_worked_numbers_follow_the_layout():
    t = Trainer(get_preset("xor_221"))
    stepper = t.begin_step(np.array([2]))
    phase = stepper.advance()  # forward 1 on one sample
    acts = tuple(layer.activation for layer in t.spec.layers)
    tr = stepper.trace
    w = tr.params_before[0][0]
    with in_layout(Layout.COLUMNS), precision(6):
        e = explain_phase(tr, phase, acts, t.spec.use_bias)
        z_line = next(line for line in e.worked if line.startswith("z¹ = "))
        # W first, written (n_out, n_in); the sample and the result as columns
        assert z_line.startswith(f"z¹ = {fmt_array(w.T)}·{fmt_array(tr.x[0])}ᵀ")
        assert z_line.endswith(f"= {fmt_array(tr.z[1][0])}ᵀ")


def test_the_chain_rule_in_columns_names_weights_to_from_and_sums_to_the_gradient():
    t = _deep(3)
    stepper = t.begin_step(None)
    stepper.run_to_end()
    tr = stepper.trace
    layer, i, j = 2, 2, 1  # from unit 3 of layer 1 to unit 2 of layer 2
    with in_layout(Layout.ROWS):
        rows = explain_weight(tr, layer, i, j)
    with in_layout(Layout.COLUMNS):
        cols = explain_weight(tr, layer, i, j)
        assert weight_name(layer, i, j) == f"w{sup(2)}{sub(2)},{sub(3)}"
    assert rows.lines[0].startswith("∂L/∂w²₃,₂ = Σₙ a¹₃·δ²₂ = ")
    assert cols.lines[0].startswith("∂L/∂w²₂,₃ = Σₙ δ²₂·a¹₃ = ")
    assert rows.gradient == cols.gradient == float(tr.dW[layer][i, j])
    # each term is written (δ, a) in columns: the same products
    terms = cols.lines[0].split(" = ")[2].split(" + ")
    assert len(terms) == len(tr.indices)
    # δ²₂ gathers layer 3's errors through w³ₖ,₂ (to k, from 2) in columns
    assert any("Σₖ w³ₖ,₂·δ³ₖ" in line for line in cols.lines)
    assert any("Σₖ w³₂,ₖ·δ³ₖ" in line for line in rows.lines)
    # and the update line names the weight the same way
    assert any(line.startswith("v ← μ·v + ∂L/∂w²₂,₃") for line in cols.lines)


def test_the_session_switches_layout_and_refuses_an_unknown_one():
    events: list[object] = []
    s = Session(get_preset("xor_221"), emit=events.append)
    s.handle(c.Step(c.StepUnit.PHASE))
    rows = {o.name: o.values for o in s.snapshot().trace.explanation.operands}
    s.handle(c.SetLayout("columns"))
    snap = s.snapshot()
    assert snap.layout is Layout.COLUMNS
    cols = {o.name: o.values for o in snap.trace.explanation.operands}
    np.testing.assert_array_equal(cols["W¹"], rows["W¹"].T)
    np.testing.assert_array_equal(cols["X"], rows["X"].T)
    s.handle(c.SetLayout("diagonal"))
    assert isinstance(events[-1], Refused)
    assert "layout: choose rows or columns" in events[-1].text
    assert s.layout is Layout.COLUMNS
    with pytest.raises(ValueError):
        check_layout(None)


def test_the_layout_picker_transposes_the_inspector_tables(qtbot, make_window):
    w = make_window("xor_221")
    picker = w.findChild(QComboBox, "granularityPicker")
    picker.setCurrentIndex(picker.findData("phase"))
    w.client.send(c.Step(c.StepUnit.PHASE))
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.trace is not None,
                    timeout=TIMEOUT)
    w.tabs.setCurrentIndex(1)
    layout = w.findChild(QComboBox, "layoutPicker")
    assert layout.currentData() == "rows"
    layout.setCurrentIndex(layout.findData("columns"))
    layout.activated.emit(layout.currentIndex())
    qtbot.waitUntil(lambda: w.rendered.layout is Layout.COLUMNS, timeout=TIMEOUT)
    snap = fresh_snapshot(qtbot, w)
    n_out, n_in = next(o for o in snap.trace.explanation.operands if o.name == "W¹").values.shape

    def newest_weights() -> QTableWidget | None:
        tables = [t for t in w.inspector.findChildren(QTableWidget)
                  if t.objectName() == "operand:W¹" and t.isVisible()]
        return tables[-1] if tables else None

    def transposed() -> bool:
        t = newest_weights()
        return (t is not None and t.rowCount() == n_out and t.columnCount() == n_in
                and t.verticalHeaderItem(0).text() == "to 1"
                and t.horizontalHeaderItem(0).text() == "from 1")

    qtbot.waitUntil(transposed, timeout=TIMEOUT)
    assert "z¹ = W¹·X + b¹" in w.inspector.equations.text()
    # the diagram's hover names the weight as the inspector does: (to, from)
    from gui.network.tooltips import edge_tooltip

    assert edge_tooltip(snap, None, 0, 1, 0).startswith("Weight w¹₁,₂ (x₂ → ")
