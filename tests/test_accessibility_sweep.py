"""What a screen reader and a keyboard meet (issue 15), swept over the whole window in each
mode: every Tab stop has a name; combos (which Qt on Linux names by their value) have a label
tied to them; views nobody can operate are not Tab stops; tooltips are descriptions; the epoch
counter, the banner and the phase caption expose their text as their value; every menu item has
its own Alt-letter; Return presses a focused button."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from gui.accessibility import plain
from gui.window_layout import INSPECTOR_TAB
from session import commands as c
from session.events import Diverged
from tests.gui_helpers import TIMEOUT, fresh_snapshot, tab_round

K = Qt.Key
MODES = ["idle", "phase", "check work", "metrics"]


def _iface(widget: QWidget):
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None, widget.objectName()
    return iface


def _labels(widget: QWidget) -> list[str]:
    return [r[0].text(QAccessible.Text.Name)
            for r in _iface(widget).relations(QAccessible.RelationFlag.Label)]


def _enter_mode(qtbot, w, mode: str) -> None:
    if mode in ("phase", "check work"):
        if mode == "check work":
            w.client.send(c.SetCheckWork(True))
        for _ in range(3):
            w.client.send(c.Step(c.StepUnit.PHASE))
        qtbot.waitUntil(lambda: w.rendered.trace is not None and w.rendered.trace.position == 3,
                        timeout=TIMEOUT)
        w.tabs.setCurrentIndex(INSPECTOR_TAB)
    if mode == "metrics":
        w.tabs.setCurrentIndex(w.tabs.indexOf(w.metrics_view))
    qtbot.waitUntil(lambda: w.tabs.currentWidget().isVisible(), timeout=TIMEOUT)


def _tab_stops(qtbot, w) -> list[QWidget]:
    """Every widget Tab reaches, once round the window from the Run button."""
    return [w.run_button, *tab_round(qtbot, w, w.run_button)]


def _what_is_wrong(widget: QWidget) -> str | None:
    iface = _iface(widget)
    name = iface.text(QAccessible.Text.Name).strip()
    if isinstance(widget, pg.PlotWidget | pg.GraphicsLayoutWidget):
        return "a plot is a Tab stop (it cannot be operated by keys)"
    if not name:
        return "no accessible name"
    if isinstance(widget, QComboBox) and not _labels(widget):
        return f"combo named only by its value {name!r}: no label tied to it"
    if isinstance(widget, QLineEdit | QAbstractSpinBox) and not (
            widget.accessibleName() or _labels(widget)):
        return "text field without a label or a name"
    return None


@pytest.mark.parametrize("mode", MODES)
def test_every_tab_stop_is_named_and_no_view_is_a_dead_stop(qtbot, make_window, mode):
    w = make_window("xor_221")
    _enter_mode(qtbot, w, mode)
    stops = _tab_stops(qtbot, w)
    assert len(stops) > 30
    wrong = {f"{type(x).__name__} {x.objectName()!r}": problem for x in stops
             if (problem := _what_is_wrong(x)) is not None}
    assert not wrong, wrong
    names = {x.objectName() for x in stops}
    assert {"networkCanvas", "granularityPicker", "presetPicker", "learningRate"} <= names


@pytest.mark.parametrize("mode", ["idle", "phase"])
def test_every_visible_combo_has_a_label_and_tooltips_are_descriptions(qtbot, make_window,
                                                                      mode):
    w = make_window("tf_default")
    _enter_mode(qtbot, w, mode)
    combos = [x for x in w.findChildren(QComboBox) if x.isVisible()]
    assert len(combos) >= 15
    unlabelled = [x.objectName() for x in combos if not _labels(x)]
    assert not unlabelled
    assert _labels(w.findChild(QComboBox, "activation1")) == ["Activation of hidden layer 1"]
    assert "Step by" in _labels(w.findChild(QComboBox, "granularityPicker"))
    undescribed = [x.objectName() or type(x).__name__ for x in w.findChildren(QWidget)
                   if x.isVisible() and x.toolTip()
                   and _iface(x).text(QAccessible.Text.Description) != plain(x.toolTip())]
    assert not undescribed


def test_a_changed_tooltip_changes_the_description(qtbot, make_window):
    w = make_window("xor_221")
    picker = w.findChild(QComboBox, "presetPicker")
    picker.setToolTip("<b>Spiral</b> three arms")
    assert picker.accessibleDescription() == "Spiral three arms"
    picker.setAccessibleDescription("its own words")  # a description of its own stays
    picker.setToolTip("another tip")
    assert picker.accessibleDescription() == "its own words"


def test_epoch_counter_banner_and_phase_caption_expose_their_text_as_value(qtbot, make_window):
    w = make_window("xor_221")
    w.client.send(c.Step(c.StepUnit.EPOCH))
    w.client.send(c.Step(c.StepUnit.EPOCH))
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.epoch == 2, timeout=TIMEOUT)
    counter = _iface(w.epoch_label)
    qtbot.waitUntil(lambda: "2" in counter.text(QAccessible.Text.Value), timeout=TIMEOUT)
    assert counter.text(QAccessible.Text.Name) == "Epoch counter"
    assert counter.text(QAccessible.Text.Value) == plain(w.epoch_label.text())

    w._on_event(Diverged("training diverged in epoch 3: the loss became inf", 10.0))
    banner = _iface(w.banner)
    assert banner.text(QAccessible.Text.Name) == "Training problem"
    assert "learning rate (now 10)" in banner.text(QAccessible.Text.Value)

    w.client.send(c.Step(c.StepUnit.PHASE))
    caption = w.findChild(QLabel, "traceCaption")
    qtbot.waitUntil(lambda: caption.isVisible() and caption.text() != "", timeout=TIMEOUT)
    value = _iface(caption).text(QAccessible.Text.Value)
    assert value and value == plain(caption.text())
    assert _iface(caption).text(QAccessible.Text.Name) == "Phase caption"


def _menus(w) -> list[QMenu]:
    found, todo = [], [a.menu() for a in w.menuBar().actions() if a.menu() is not None]
    while todo:
        menu = todo.pop()
        found.append(menu)
        todo += [a.menu() for a in menu.actions() if a.menu() is not None]
    return found


def _letter(text: str) -> str | None:
    at = text.replace("&&", "").find("&")
    return None if at < 0 else text.replace("&&", "")[at + 1].lower()


def test_every_menu_item_has_its_own_alt_letter(qtbot, make_window):
    w = make_window("xor_221")
    bar = [_letter(a.text()) for a in w.menuBar().actions()]
    assert None not in bar and len(bar) == len(set(bar)), bar
    menus = _menus(w)
    assert {"&File", "&Edit", "&Run", "&View"} <= {m.title() for m in menus}
    for menu in menus:
        items = [a for a in menu.actions() if not a.isSeparator() and a.isVisible()]
        letters = [_letter(a.text()) for a in items]
        missing = [a.text() for a, k in zip(items, letters, strict=True) if k is None]
        assert not missing, (menu.title(), missing)
        assert len(letters) == len(set(letters)), (menu.title(), [a.text() for a in items])


def test_alt_letters_in_the_window_are_unique(qtbot, make_window):
    """The menu bar's and the labels' Alt-letters reach one thing each."""
    w = make_window("xor_221")
    texts = [a.text() for a in w.menuBar().actions()]
    texts += [x.text() for x in w.findChildren(QLabel) if x.buddy() is not None]
    texts += [x.text() for x in w.findChildren(QAbstractButton)]
    letters = [k for k in map(_letter, texts) if k is not None]
    assert len(letters) >= 7 and len(letters) == len(set(letters)), texts


def test_return_presses_a_focused_button(qtbot, make_window):
    w = make_window("xor_221")
    w.controls.granularity.setCurrentIndex(w.controls.granularity.findData(c.StepUnit.EPOCH))
    w.controls.granularity.activated.emit(w.controls.granularity.currentIndex())
    epoch = fresh_snapshot(qtbot, w).epoch
    step = w.findChild(QPushButton, "stepButton")
    w.activateWindow()
    step.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(step.hasFocus, timeout=TIMEOUT)
    qtbot.keyClick(step, K.Key_Return)
    qtbot.waitUntil(lambda: w.rendered.epoch == epoch + 1, timeout=TIMEOUT)

    hidden = len(fresh_snapshot(qtbot, w).scenario.model.hidden)
    add = w.findChild(QToolButton, "addLayerButton")
    add.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(add.hasFocus, timeout=TIMEOUT)
    qtbot.keyClick(add, K.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    qtbot.waitUntil(lambda: len(w.rendered.scenario.model.hidden) == hidden + 1,
                    timeout=TIMEOUT)
