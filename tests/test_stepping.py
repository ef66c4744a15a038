"""Stepping through backprop in the window: phases, step back, inspector numbers (pytest-qt)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton

from engine.explain import fmt
from engine.presets import get_preset
from engine.trainer import Trainer
from gui.main_window import MainWindow
from session.commands import SelectWeight, TraceNearest
from tests.gui_helpers import TIMEOUT, fresh_snapshot, trainer


@pytest.fixture
def window(make_window):
    return make_window


def set_unit(w: MainWindow, unit: str) -> None:
    picker = w.findChild(QComboBox, "granularityPicker")
    picker.setCurrentIndex(picker.findData(unit))


def press_step(qtbot, w: MainWindow) -> None:
    """Press Step and wait until the window has rendered the snapshot taken after it."""
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    sent = w.client.sent
    qtbot.waitUntil(lambda: w.rendered.handled >= sent and w.inspector._trace is w.rendered.trace,
                    timeout=TIMEOUT)


def test_phase_mode_visits_every_phase_and_updates_like_an_ordinary_step(qtbot, window):
    w = window("tf_default")
    reference = Trainer(get_preset("tf_default"))
    reference.train_step()
    set_unit(w, "phase")
    seen = []
    for _ in range(len(reference.spec.layers) * 2 + 2):
        press_step(qtbot, w)
        trace = w.rendered.trace
        seen.append(trace.phases[trace.position - 1])
        assert w.inspector.title.text() == trace.explanation.title
    assert seen == ["forward 1", "forward 2", "forward 3", "loss", "backward 3", "backward 2",
                    "backward 1", "update"]
    assert w.rendered.trace.done
    for got, (want, _b) in zip(w.rendered.weights, reference.params.as_list(), strict=True):
        np.testing.assert_array_equal(got, want)
    assert w.rendered.batch_index == reference.batch_index == 1


def test_step_back_restores_exact_parameters_and_phase(qtbot, window):
    w = window("xor_221")
    set_unit(w, "phase")
    start = [np.array(x) for x in w.rendered.weights]
    for _ in range(6):
        press_step(qtbot, w)
    assert w.rendered.trace.done and w.rendered.epoch == 1
    changed = [np.array(x) for x in w.rendered.weights]
    assert not np.array_equal(changed[0], start[0])
    qtbot.mouseClick(w.step_back_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.trace is not None and w.rendered.trace.position == 5,
                    timeout=TIMEOUT)
    for got, want in zip(w.rendered.weights, start, strict=True):
        np.testing.assert_array_equal(got, want)
    assert w.rendered.epoch == 0
    assert w.rendered.trace.phases[4] == "backward 1"
    for _ in range(5):
        w.step_back()
    qtbot.waitUntil(lambda: w.rendered.trace is None, timeout=TIMEOUT)
    # whole steps: three batch steps, then back two of them
    set_unit(w, "batch")
    states = [np.array(w.rendered.weights[0])]
    for _ in range(3):
        press_step(qtbot, w)
        states.append(np.array(w.rendered.weights[0]))
    w.step_back()  # undoes the update of the step on screen
    qtbot.waitUntil(lambda: np.array_equal(w.rendered.weights[0], states[2]), timeout=TIMEOUT)
    for _ in range(6):  # the remaining phases of that step, then the previous whole step
        w.step_back()
    qtbot.waitUntil(lambda: np.array_equal(w.rendered.weights[0], states[1]), timeout=TIMEOUT)
    assert fresh_snapshot(qtbot, w).epoch == 1


def test_inspector_numbers_are_the_engine_trace(qtbot, window):
    w = window("softmax_spiral3")
    set_unit(w, "phase")
    reference = Trainer(get_preset("softmax_spiral3"))
    ref_trace = reference.begin_step().run_to_end()
    names = {"forward 1": ("z¹", ref_trace.z[1]), "forward 2": ("a²", ref_trace.a[2]),
             "backward 3": ("dW³", ref_trace.dW[3]), "backward 1": ("δ¹", ref_trace.delta[1])}
    for _ in range(8):
        press_step(qtbot, w)
        label = w.rendered.trace.phases[w.rendered.trace.position - 1]
        if label in names:
            name, expected = names[label]
            shown = {op.name: op.values for op in w.inspector.operands}
            np.testing.assert_array_equal(shown[name], expected)
            table = w.inspector.findChild(object, f"operand:{name}")
            assert table.item(0, 0).text() == fmt(expected[0, 0])


def test_worked_example_inspector_shows_the_published_gradients(qtbot, window):
    w = window("worked_example")
    set_unit(w, "phase")
    texts = []
    for _ in range(5):
        press_step(qtbot, w)
        texts.append(w.inspector.equations.text())
        texts += [w.inspector.findChild(object, f"operand:{n}").item(0, 0).text()
                  for n in ("dW²", "db²", "dW¹") if w.inspector.findChild(object, f"operand:{n}")]
    joined = " ".join(texts)
    for published in ("0.6144", "0.6267", "0.002744", "1.918", "0.959"):
        assert published in joined, published


def test_switching_granularity_and_running_mid_step_stay_consistent(qtbot, window):
    w = window("tf_default")
    set_unit(w, "phase")
    press_step(qtbot, w)
    press_step(qtbot, w)
    set_unit(w, "batch")
    press_step(qtbot, w)  # completes the step in progress: that was the batch
    reference = Trainer(get_preset("tf_default"))
    reference.train_step()
    snap = fresh_snapshot(qtbot, w)
    np.testing.assert_array_equal(snap.weights[0], reference.params.weights(0))
    set_unit(w, "phase")
    press_step(qtbot, w)
    qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.epoch >= 3, timeout=TIMEOUT)
    w.toggle_run()
    qtbot.waitUntil(lambda: not w.client.running, timeout=TIMEOUT)
    snap = fresh_snapshot(qtbot, w)
    assert snap.trace is None
    reference.train(snap.epoch)  # the same whole epochs, the half-stepped batch included
    assert snap.batch_index == reference.batch_index == 0
    np.testing.assert_array_equal(trainer(w).params.flat, reference.params.flat)


def test_tracing_a_chosen_sample_and_the_chain_rule(qtbot, window):
    w = window("xor_221")
    picker = w.findChild(QComboBox, "traceSamplePicker")
    assert picker.count() == 5  # the minibatch + four samples
    picker.setCurrentIndex(picker.findData(2))
    picker.activated.emit(picker.currentIndex())
    qtbot.waitUntil(lambda: w.rendered.traced_sample == 2, timeout=TIMEOUT)
    set_unit(w, "sample")
    press_step(qtbot, w)
    assert w.rendered.trace.indices == (2,)
    w.client.send(SelectWeight(0, 1, 0))
    qtbot.waitUntil(lambda: w.rendered.trace.chain is not None, timeout=TIMEOUT)
    assert "∂L/∂w¹₂,₁" in w.inspector.chain.text()
    w.client.send(TraceNearest(0.9, 0.1))  # nearest: (1, 0)
    qtbot.waitUntil(lambda: w.rendered.traced_sample is not None
                    and tuple(w.rendered.data.x_train[w.rendered.traced_sample]) == (1.0, 0.0),
                    timeout=TIMEOUT)


def test_gradient_check_button_reports_agreement(qtbot, window):
    w = window("tf_default")
    button = w.findChild(QPushButton, "gradientCheckButton")
    assert button is not None and button.accessibleName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    result = w.findChild(QLabel, "gradientCheckResult")
    qtbot.waitUntil(lambda: "agrees with numerical differentiation" in result.text(),
                    timeout=TIMEOUT)
    rows = w.inspector.gradient_check_rows
    assert [r[0] for r in rows] == ["1", "2", "3"] and all(r[-1].startswith("yes") for r in rows)


def test_new_controls_are_named(window):
    w = window("xor_221")
    for object_name in ("granularityPicker", "stepBackButton", "inspectorPanel",
                        "gradientCheckButton", "traceSamplePicker"):
        widget = w.findChild(object, object_name)
        assert widget is not None and widget.accessibleName(), object_name


def test_gradient_check_is_a_table_cleared_by_the_next_step(qtbot):
    """Real columns under headers, one row per layer; the next phase (or another trace)
    takes it away, while more snapshots of the checked state keep it."""
    from gui.inspector import CHECK_COLUMNS, InspectorPanel
    from session import commands as c
    from session.events import GradientChecked
    from session.session import Session

    panel = InspectorPanel()
    qtbot.addWidget(panel)
    panel.resize(520, 600)
    panel.show()
    events: list = []
    session = Session(get_preset("tf_default"), emit=events.append)
    session.handle(c.Step(c.StepUnit.PHASE))
    panel.set_snapshot(session.snapshot())
    session.handle(c.GradientCheck())
    (checked,) = [e for e in events if isinstance(e, GradientChecked)]
    panel.show_gradient_check(checked.report)
    panel.set_snapshot(session.snapshot())  # the state it checked, published after the event
    panel.set_snapshot(session.snapshot())
    table = panel.check_table
    headers = [table.horizontalHeaderItem(k).text() for k in range(table.columnCount())]
    assert headers == [name for name, _tip in CHECK_COLUMNS]
    assert {"layer", "relative error", "noise floor", "agrees"} <= set(headers)
    rows = panel.gradient_check_rows
    assert [r[0] for r in rows] == ["1", "2", "3"] and table.isVisible()
    for row, layer in zip(rows, checked.report.layers, strict=True):
        assert float(row[2]) == pytest.approx(layer.relative_error, rel=0.1)
        assert float(row[4]) == pytest.approx(layer.noise, rel=0.1)
    assert "Gradient check" in panel.check_result.text()
    session.handle(c.Step(c.StepUnit.PHASE))
    panel.set_snapshot(session.snapshot())
    assert panel.gradient_check_rows == [] and not table.isVisible()
    assert panel.check_result.text() == "" and panel.check_worst.text() == ""


def test_clicking_a_unit_explains_its_bias(qtbot, window):
    w = window("worked_example")
    set_unit(w, "phase")
    for _ in range(6):  # through the update
        press_step(qtbot, w)
    w.network_view.unitSelected.emit(1, 0)  # layer 1, unit 1
    qtbot.waitUntil(lambda: w.rendered.trace is not None and w.rendered.trace.chain is not None
                    and w.rendered.trace.chain.i == -1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "selected bias" in w.inspector.chain.text(), timeout=TIMEOUT)
    assert "∂L/∂b¹₁ = Σₙ δ¹₁" in w.inspector.chain.text()
