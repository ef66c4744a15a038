"""The inspector's digits control (issue 12): 4, 6, 10 or every digit, in the equations and
the tables; anything else is refused."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QTableWidget

from engine.notation import AUTO, FULL, fmt, precision
from engine.presets import get_preset
from session import commands as c
from session.events import Refused
from session.session import Session
from tests.gui_helpers import TIMEOUT, fresh_snapshot


def test_fmt_follows_the_chosen_precision():
    v = 0.123456789012345
    assert fmt(v) == "0.1235"
    with precision(6):
        assert fmt(v) == "0.123457"
        assert fmt(-v, 3) == "−0.123"  # an explicit choice wins
    with precision(FULL):
        assert fmt(v) == repr(v) and float(fmt(-v).replace("−", "-")) == -v
    assert fmt(v) == "0.1235"


def _loss_line(snap) -> str:
    return next(e for e in snap.trace.explanation.equations
                if e.startswith("L = ") and "Σ" not in e)


def test_the_session_writes_the_trace_with_the_chosen_digits():
    events: list[object] = []
    s = Session(get_preset("worked_example"), emit=events.append)
    for _ in range(3):  # forward 1, forward 2, loss
        s.handle(c.Step(c.StepUnit.PHASE))
    loss = s.trainer.current_step.trace.loss
    assert _loss_line(s.snapshot()) == f"L = {fmt(loss, 4)}"
    s.handle(c.SetDigits(10))
    assert _loss_line(s.snapshot()) == f"L = {fmt(loss, 10)}"
    s.handle(c.SetDigits(FULL))
    snap = s.snapshot()
    assert _loss_line(snap) == f"L = {loss!r}" and snap.digits == FULL
    s.handle(c.SetDigits(3))
    assert "digits: choose one of auto, 4, 6, 10 or full" in events[-1].text
    assert isinstance(events[-1], Refused) and s.digits == FULL


def _first_phase_in_the_inspector(qtbot, w) -> None:
    """Step by phase once and show the Inspector tab, once the trace has arrived."""
    picker = w.findChild(QComboBox, "granularityPicker")
    picker.setCurrentIndex(picker.findData("phase"))
    w.client.send(c.Step(c.StepUnit.PHASE))
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.trace is not None,
                    timeout=TIMEOUT)
    w.tabs.setCurrentIndex(1)


def test_the_digits_picker_rewrites_the_inspector(qtbot, make_window):
    w = make_window("worked_example")
    _first_phase_in_the_inspector(qtbot, w)
    digits = w.findChild(QComboBox, "digitsPicker")
    assert digits.currentData() == AUTO  # "checkable": 4, more where a line needs them
    digits.setCurrentIndex(digits.findData(10))
    digits.activated.emit(digits.currentIndex())
    qtbot.waitUntil(lambda: w.rendered.digits == 10, timeout=TIMEOUT)
    snap = fresh_snapshot(qtbot, w)
    z = next(o for o in snap.trace.explanation.operands if o.name == "z¹").values
    def newest_cell() -> str | None:
        tables = [t for t in w.inspector.findChildren(QTableWidget)
                  if t.objectName() == "operand:z¹"]  # old ones may await deletion
        item = tables[-1].item(0, 0) if tables else None
        return None if item is None else item.text()

    qtbot.waitUntil(lambda: newest_cell() == fmt(z[0, 0], 10), timeout=TIMEOUT)


def test_the_inspector_enlarges_and_zooms_for_the_back_of_the_room(qtbot, make_window):
    from PySide6.QtWidgets import QCheckBox

    w = make_window("worked_example")
    _first_phase_in_the_inspector(qtbot, w)
    qtbot.waitUntil(lambda: "font-size: 11.0pt" in w.inspector.equations.text(),
                    timeout=TIMEOUT)
    enlarge = w.findChild(QCheckBox, "inspectorEnlarge")
    enlarge.click()
    assert not w.output_view.isVisible()
    w.view_menu.zoom.zoom_in.trigger()
    w.view_menu.zoom.zoom_in.trigger()  # the window zoom (View › Zoom in): 125 %
    assert f"font-size: {11 * 1.25:.1f}pt" in w.inspector.equations.text()
    tables = [t for t in w.inspector.findChildren(QTableWidget)
              if t.objectName() == "operand:z¹"]  # the newest last (old ones await deletion)
    assert f"font-size: {9 * 1.25:.1f}pt" in tables[-1].styleSheet()
    w.view_menu.zoom.reset.trigger()
    assert "font-size: 11.0pt" in w.inspector.equations.text()
    enlarge.click()
    assert w.output_view.isVisible()
