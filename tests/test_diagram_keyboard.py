"""The diagram by keyboard alone (issue 15): Tab focus, arrows move layer by layer and unit by
unit, Enter edits a weight, Space shows its chain rule; the window's single-key shortcuts give
way while the diagram has the focus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from gui.network.keyboard import step
from session import commands as c
from tests.gui_helpers import TIMEOUT, fresh_snapshot, trainer

K = Qt.Key


def test_the_cursor_walks_layer_by_layer_and_unit_by_unit():
    sizes = (2, 4, 1)
    at = step(sizes, None, K.Key_Right)
    assert at == ("unit", 0, 0)
    at = step(sizes, at, K.Key_Down)
    assert at == ("unit", 0, 1)
    at = step(sizes, at, K.Key_Right)  # the first edge leaving x₂
    assert at == ("edge", 0, 1, 0)
    at = step(sizes, at, K.Key_Down)
    assert at == ("edge", 0, 1, 1)
    assert step(sizes, at, K.Key_End) == ("edge", 0, 1, 3)
    assert step(sizes, ("edge", 0, 1, 3), K.Key_Down) == ("edge", 0, 1, 3)  # stays in range
    at = step(sizes, at, K.Key_Right)  # the unit that edge enters
    assert at == ("unit", 1, 1)
    assert step(sizes, at, K.Key_Left) == ("edge", 0, 0, 1)  # the first edge entering it
    assert step(sizes, ("unit", 2, 0), K.Key_Right) == ("unit", 2, 0)  # the output: the end
    assert step(sizes, ("unit", 0, 0), K.Key_Left) == ("unit", 0, 0)
    assert step(sizes, ("unit", 1, 0), K.Key_Up) == ("unit", 1, 0)


def _focus_diagram(qtbot, w):
    canvas = w.network_view.findChild(object, "networkCanvas")
    assert canvas.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a Tab stop
    w.activateWindow()
    canvas.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(canvas.hasFocus, timeout=TIMEOUT)
    return canvas


def test_keys_alone_edit_a_weight_and_show_its_chain_rule(qtbot, make_window):
    w = make_window("xor_221")
    canvas = _focus_diagram(qtbot, w)
    view = w.network_view
    qtbot.waitUntil(lambda: view.hovered() == ("unit", 0, 0), timeout=TIMEOUT)
    assert canvas.accessibleName().startswith("Network diagram: ")
    epoch = w.rendered.epoch
    qtbot.keyClick(canvas, K.Key_Down)
    qtbot.keyClick(canvas, K.Key_Right)  # edge x₂ → unit 1 of layer 1
    assert view.hovered() == ("edge", 0, 1, 0)
    assert "Weight w¹₂,₁" in canvas.accessibleName()
    assert canvas.accessibleDescription() == view.tooltip_text()
    qtbot.keyClick(canvas, K.Key_Return)  # edit it
    editor = view.editor()
    qtbot.waitUntil(editor.isVisible, timeout=TIMEOUT)
    editor.setText("0.625")
    qtbot.keyClick(editor, K.Key_Return)
    qtbot.waitUntil(lambda: float(w.rendered.weights[0][1, 0]) == 0.625, timeout=TIMEOUT)
    assert fresh_snapshot(qtbot, w).epoch == epoch  # the Right arrow did not step an epoch
    # phase by phase to the end of the backward pass, then Space on the edge: its chain rule
    picker = w.findChild(QComboBox, "granularityPicker")
    picker.setCurrentIndex(picker.findData("phase"))
    for _ in range(2 * trainer(w).spec.depth + 1):
        w.client.send(c.Step(c.StepUnit.PHASE))
    qtbot.waitUntil(lambda: w.rendered.trace is not None and w.rendered.trace.position == 5,
                    timeout=TIMEOUT)
    canvas = _focus_diagram(qtbot, w)
    view.keys.move_to(("edge", 0, 1, 0))
    qtbot.keyClick(canvas, K.Key_Space)
    qtbot.waitUntil(lambda: w.rendered.trace.chain is not None, timeout=TIMEOUT)
    assert w.rendered.trace.chain.lines[0].startswith("∂L/∂w¹₂,₁ = ")
    assert not fresh_snapshot(qtbot, w).running  # Space did not start training
