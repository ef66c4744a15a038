""""Check my work" in the window (pytest-qt): the inspector withholds a phase's results, takes
the student's answer in an editable grid, marks the wrong entries (colour and ✗) and names
them, shows the worked solution on request, and starts afresh with the next phase."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
)

from engine.notation import fmt
from gui.answer_panel import MARK_ROLE, AnswerBlock
from session import commands as c
from session.answer_slots import SlotState
from tests.gui_helpers import TIMEOUT, fresh_snapshot, trainer


def newest(w, cls, name):
    found = [x for x in w.inspector.findChildren(cls) if x.objectName() == name
             and not x.isHidden()]
    return found[-1] if found else None


def inspector_text(w) -> str:
    """What the inspector shows as text: its labels and its operand tables' cells."""
    parts = [lab.text() for lab in w.inspector.findChildren(QLabel) if not lab.isHidden()]
    for t in w.inspector.findChildren(QTableWidget):
        if t.objectName().startswith("operand:") and not t.isHidden():
            parts += [t.item(r, k).text() for r in range(t.rowCount())
                      for k in range(t.columnCount()) if t.item(r, k) is not None]
    return "\n".join(parts)


def rendered(w) -> bool:
    return w.rendered is not None and w.inspector._trace is w.rendered.trace


def slot_state(w, name):
    check = w.rendered.trace.check
    slot = None if check is None else check.slot(name)
    return None if slot is None else slot.state


def type_into(table: QTableWidget, values: np.ndarray) -> None:
    grid = np.atleast_2d(values)
    for r in range(table.rowCount()):
        for k in range(table.columnCount()):
            table.item(r, k).setText(fmt(float(grid[r, k])))


def test_check_my_work_hides_checks_marks_and_solves(qtbot, make_window):
    w = make_window("xor_221")
    picker = w.findChild(QComboBox, "granularityPicker")
    picker.setCurrentIndex(picker.findData("phase"))
    w.tabs.setCurrentIndex(1)
    toggle = w.findChild(QCheckBox, "checkMyWorkToggle")
    toggle.click()
    w.client.send(c.TraceSample(2))  # one sample (0, 1): the equations get worked numbers
    sn = fresh_snapshot(qtbot, w)
    assert sn.check_work and sn.traced_sample == 2
    w.client.send(c.Step(c.StepUnit.PHASE))
    qtbot.waitUntil(lambda: w.rendered.trace is not None and rendered(w)
                    and slot_state(w, "z¹") is SlotState.OPEN, timeout=TIMEOUT)
    step = trainer(w).current_step.trace
    z, a = step.z[1], step.a[1]
    text = inspector_text(w)
    for v in (*z.ravel(), *a.ravel()):
        assert fmt(float(v)) not in text
    assert newest(w, QTableWidget, "operand:z¹") is None
    assert "chain rule shows once" in w.inspector.chain.text()

    # the right z¹, typed as a student would (4 digits, Tab to the next cell, Enter), is
    # accepted
    z_table = newest(w, QTableWidget, "answer:z¹")
    assert z_table.rowCount() == 1 and z_table.columnCount() == 2
    assert z_table.horizontalHeaderItem(1).text() == "unit 2"
    z_table.setFocus()
    z_table.setCurrentCell(0, 0)  # a cell opens for typing when it becomes current
    if not isinstance(QApplication.focusWidget(), QLineEdit):
        z_table.editItem(z_table.item(0, 0))
    for k in range(2):
        editor = QApplication.focusWidget()
        assert isinstance(editor, QLineEdit)
        qtbot.keyClicks(editor, fmt(float(z[0, k])).replace("−", "-"))
        qtbot.keyClick(editor, Qt.Key.Key_Tab if k == 0 else Qt.Key.Key_Return)
    assert z_table.item(0, 0).text() == fmt(float(z[0, 0])).replace("−", "-")
    qtbot.waitUntil(lambda: slot_state(w, "z¹") is SlotState.CORRECT and rendered(w),
                    timeout=TIMEOUT)
    z_table = newest(w, QTableWidget, "answer:z¹")
    assert [z_table.item(0, k).data(MARK_ROLE) for k in range(2)] == ["right", "right"]

    # a wrong entry of a¹ is refused, named and marked (red, ✗ in its tooltip); Enter checks
    a_table = newest(w, QTableWidget, "answer:a¹")
    type_into(a_table, a)
    a_table.item(0, 1).setText(fmt(float(a[0, 1]) + 0.01))
    a_table.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: slot_state(w, "a¹") is SlotState.WRONG and rendered(w),
                    timeout=TIMEOUT)
    block: AnswerBlock = w.inspector.answers.blocks["a¹"]
    assert "Wrong (1): sample #3, unit 2" in block.verdict.text()
    wrong = block.table.item(0, 1)
    assert wrong.data(MARK_ROLE) == "wrong" and "✗" in wrong.toolTip()
    assert wrong.background().color().red() > wrong.background().color().green()
    assert block.table.item(0, 0).data(MARK_ROLE) == "right"
    assert fmt(float(a[0, 1])) not in inspector_text(w)

    # the window's single-key shortcuts do not step while the student types in a grid
    position = w.rendered.trace.position
    block.table.setFocus()
    qtbot.keyClick(block.table, Qt.Key.Key_Right)
    assert fresh_snapshot(qtbot, w).trace.position == position

    # Show solution: the worked lines and the real tables appear
    button = block.findChild(QPushButton, "showSolutionButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.trace.check.solved and rendered(w), timeout=TIMEOUT)
    worked = trainer(w).current_step.trace
    equations = w.inspector.equations.text()
    assert f"a¹ = σ({fmt_row(worked.z[1][0])}) = {fmt_row(worked.a[1][0])}" in equations
    a_shown = newest(w, QTableWidget, "operand:a¹")
    assert a_shown is not None and a_shown.item(0, 1).text() == fmt(float(a[0, 1]))
    assert not block.check_button.isEnabled()

    # the next phase starts afresh
    w.client.send(c.Step(c.StepUnit.PHASE))
    qtbot.waitUntil(lambda: slot_state(w, "z²") is SlotState.OPEN and rendered(w),
                    timeout=TIMEOUT)
    assert set(w.inspector.answers.blocks) == {"z²", "a²"}
    z2 = newest(w, QTableWidget, "answer:z²")
    assert z2.item(0, 0).text() == "" and z2.item(0, 0).data(MARK_ROLE) is None

    # off: everything shows as before
    toggle.click()
    qtbot.waitUntil(lambda: not w.rendered.check_work and rendered(w), timeout=TIMEOUT)
    assert w.inspector.answers.isHidden()
    assert newest(w, QTableWidget, "operand:z²") is not None


def fmt_row(values: np.ndarray) -> str:
    return "[" + ", ".join(fmt(float(v)) for v in values) + "]"
