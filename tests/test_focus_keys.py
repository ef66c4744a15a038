"""Shortcuts that respect focus (issue 15): Space, the arrows and R act on the focused control
that uses them (a combo, a slider, the gallery, a tab bar) instead of running, stepping or
resetting; with nothing that uses them focused they still run and step; and Tab goes round the
whole window and back to its start, in every mode (no keyboard trap)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QSlider, QWidget

from session import commands as c
from tests.gui_helpers import TIMEOUT, fresh_snapshot

K = Qt.Key


def _focus(qtbot, w, widget: QWidget) -> None:
    w.activateWindow()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=TIMEOUT)


def test_space_opens_a_focused_combo_instead_of_running(qtbot, make_window):
    w = make_window("xor_221")
    speed = w.findChild(QComboBox, "speed")
    _focus(qtbot, w, speed)
    qtbot.keyClick(speed, K.Key_Space)
    qtbot.waitUntil(speed.view().isVisible, timeout=TIMEOUT)
    assert not fresh_snapshot(qtbot, w).running
    speed.hidePopup()


def test_letters_in_a_combo_and_arrows_on_a_slider_are_theirs(qtbot, make_window):
    w = make_window("tf_default")  # its noise slider is enabled
    before = fresh_snapshot(qtbot, w)
    granularity = w.findChild(QComboBox, "granularityPicker")
    _focus(qtbot, w, granularity)
    qtbot.keyClick(granularity, K.Key_R)  # type-ahead, not Reset
    noise = w.findChild(QSlider, "noise")
    _focus(qtbot, w, noise)
    value = noise.value()
    qtbot.keyClick(noise, K.Key_Right)  # moves the slider, not a step
    qtbot.waitUntil(lambda: noise.value() != value, timeout=TIMEOUT)
    after = fresh_snapshot(qtbot, w)
    assert after.epoch == before.epoch  # no step (the noise change regenerates the data)
    assert w.findChild(QComboBox, "granularityPicker").currentIndex() >= 0


def test_with_nothing_that_uses_them_the_keys_still_step(qtbot, make_window):
    w = make_window("xor_221")
    _focus(qtbot, w, w)  # the window itself, as after leaving a field with Escape
    epoch = fresh_snapshot(qtbot, w).epoch
    qtbot.keyClick(w, K.Key_Right)
    qtbot.waitUntil(lambda: w.rendered.epoch == epoch + 1, timeout=TIMEOUT)


def _tab_round(qtbot, w, start: QWidget, limit: int = 400) -> list[QWidget]:
    """Press Tab until the focus comes back to ``start``; the widgets visited."""
    _focus(qtbot, w, start)
    seen: list[QWidget] = []
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), K.Key_Tab)
        now = QApplication.focusWidget()
        if now is start:
            return seen
        seen.append(now)
    names = [x.objectName() or type(x).__name__ for x in seen[-12:]]
    raise AssertionError(f"Tab never came back to the start; last stops: {names}")


@pytest.mark.parametrize("mode", ["idle", "phase", "check work"])
def test_tab_goes_round_the_whole_window_and_back(qtbot, make_window, mode):
    w = make_window("xor_221")
    if mode != "idle":
        if mode == "check work":
            w.client.send(c.SetCheckWork(True))
        for _ in range(3):
            w.client.send(c.Step(c.StepUnit.PHASE))
        qtbot.waitUntil(lambda: w.rendered.trace is not None and w.rendered.trace.position == 3,
                        timeout=TIMEOUT)
        w.tabs.setCurrentIndex(1)  # the inspector, with its tables
    seen = _tab_round(qtbot, w, w.run_button)
    names = {x.objectName() for x in seen}
    assert {"networkCanvas", "presetPicker", "stepButton"} <= names
    assert not any(x.objectName().startswith("operand:") for x in seen)  # read-only tables
    # every stop is visited once per round: nothing loops within itself
    assert len(seen) == len(set(map(id, seen))), [x.objectName() for x in seen]


def test_typing_r_in_a_combo_does_not_reset(qtbot, make_window):
    w = make_window("xor_221")
    before = fresh_snapshot(qtbot, w)
    combo = w.findChild(QComboBox, "granularityPicker")  # no item starts with R
    _focus(qtbot, w, combo)
    qtbot.keyClick(combo, K.Key_R)  # type-ahead in the combo, not Reset
    after = fresh_snapshot(qtbot, w)
    assert [a.tolist() for a in after.weights] == [a.tolist() for a in before.weights]
    _focus(qtbot, w, w)
    qtbot.keyClick(w, K.Key_R)  # with the window focused, R resets: new weights
    qtbot.waitUntil(lambda: [a.tolist() for a in w.rendered.weights]
                    != [a.tolist() for a in before.weights], timeout=TIMEOUT)
