"""Shortcuts that respect focus (issue 15): Space, the arrows and R act on the focused control
that uses them (a combo, a slider, the gallery, a tab bar) instead of running, stepping or
resetting; with nothing that uses them focused they still run and step; and Tab goes round the
whole window and back to its start, in every mode (no keyboard trap)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QSlider

from session import commands as c
from tests.gui_helpers import TIMEOUT, focus_on, fresh_snapshot, tab_round

K = Qt.Key


def test_space_opens_a_focused_combo_instead_of_running(qtbot, make_window):
    w = make_window("xor_221")
    speed = w.findChild(QComboBox, "speed")
    focus_on(qtbot, w, speed)
    qtbot.keyClick(speed, K.Key_Space)
    qtbot.waitUntil(speed.view().isVisible, timeout=TIMEOUT)
    assert not fresh_snapshot(qtbot, w).running
    speed.hidePopup()


def test_letters_in_a_combo_and_arrows_on_a_slider_are_theirs(qtbot, make_window):
    w = make_window("tf_default")  # its noise slider is enabled
    before = fresh_snapshot(qtbot, w)
    granularity = w.findChild(QComboBox, "granularityPicker")
    focus_on(qtbot, w, granularity)
    qtbot.keyClick(granularity, K.Key_R)  # type-ahead, not Reset
    noise = w.findChild(QSlider, "noise")
    focus_on(qtbot, w, noise)
    value = noise.value()
    qtbot.keyClick(noise, K.Key_Right)  # moves the slider, not a step
    qtbot.waitUntil(lambda: noise.value() != value, timeout=TIMEOUT)
    after = fresh_snapshot(qtbot, w)
    assert after.epoch == before.epoch  # no step (the noise change regenerates the data)
    assert w.findChild(QComboBox, "granularityPicker").currentIndex() >= 0


def test_with_nothing_that_uses_them_the_keys_still_step(qtbot, make_window):
    w = make_window("xor_221")
    focus_on(qtbot, w, w)  # the window itself, as after leaving a field with Escape
    epoch = fresh_snapshot(qtbot, w).epoch
    qtbot.keyClick(w, K.Key_Right)
    qtbot.waitUntil(lambda: w.rendered.epoch == epoch + 1, timeout=TIMEOUT)


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
    seen = tab_round(qtbot, w, w.run_button)
    names = {x.objectName() for x in seen}
    assert {"networkCanvas", "presetPicker", "stepButton"} <= names
    assert not any(x.objectName().startswith("operand:") for x in seen)  # read-only tables
    # every stop is visited once per round: nothing loops within itself
    assert len(seen) == len(set(map(id, seen))), [x.objectName() for x in seen]


def test_typing_r_in_a_combo_does_not_reset(qtbot, make_window):
    w = make_window("xor_221")
    before = fresh_snapshot(qtbot, w)
    combo = w.findChild(QComboBox, "granularityPicker")  # no item starts with R
    focus_on(qtbot, w, combo)
    qtbot.keyClick(combo, K.Key_R)  # type-ahead in the combo, not Reset
    after = fresh_snapshot(qtbot, w)
    assert [a.tolist() for a in after.weights] == [a.tolist() for a in before.weights]
    focus_on(qtbot, w, w)
    qtbot.keyClick(w, K.Key_R)  # with the window focused, R resets: new weights
    qtbot.waitUntil(lambda: [a.tolist() for a in w.rendered.weights]
                    != [a.tolist() for a in before.weights], timeout=TIMEOUT)
