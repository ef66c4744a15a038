"""Zoom for a projector (issue 15): View › Zoom in / Zoom out / Actual size and their keys
scale the window's font, the diagram's text and thumbnails and the plots' axis text, Ctrl+0
restores them, Ctrl+plus means the window zoom wherever focus is (one action per key), and the
zoom is remembered."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from gui.zoom import ZOOM_STEPS, parse_zoom
from tests.gui_helpers import TIMEOUT
from tests.helpers import run_cli

K, CTRL = Qt.Key, Qt.KeyboardModifier.ControlModifier


def measures(w) -> tuple[float, int, float, float]:
    """(window font pt, diagram label px, thumbnail side, loss plot tick font pt)."""
    ticks = [item for view in w.findChildren(pg.GraphicsView) for item in view.scene().items()
             if isinstance(item, pg.AxisItem)]
    assert ticks
    tick = ticks[0].style["tickFont"]
    return (w.font().pointSizeF(), w.network_view._scene.decor.label_font.pixelSize(),
            w.network_view._scene.layout.thumb, tick.pointSizeF() if tick else 0.0)


def settled(qtbot, w):
    QApplication.processEvents()
    qtbot.waitUntil(lambda: w.network_view._scene.layout is not None, timeout=TIMEOUT)
    return measures(w)


def test_the_view_menu_has_the_zoom_items_with_their_keys(make_window):
    w = make_window("xor_221")
    names = [a.objectName() for a in w.view_menu.menu.actions()]
    assert {"zoomInAction", "zoomOutAction", "zoomResetAction"} <= set(names)
    zoom = w.view_menu.zoom
    assert [k.toString() for k in zoom.zoom_in.shortcuts()] == ["Ctrl++", "Ctrl+="]
    assert zoom.zoom_out.shortcut().toString() == "Ctrl+-"
    assert zoom.reset.shortcut().toString() == "Ctrl+0"
    assert all("&" in a.text() for a in (zoom.zoom_in, zoom.zoom_out, zoom.reset))


def test_zoom_grows_text_diagram_thumbnails_and_plots_and_ctrl_0_restores(qtbot, make_window):
    w = make_window("xor_221")
    w.resize(1920, 1080)
    before = settled(qtbot, w)
    assert before[2] <= 48  # today's cap at 100 %
    counter = w.epoch_label.font().pointSizeF()
    gallery = w.data_panel.gallery
    cell, icon = gallery.gridSize(), gallery.iconSize()
    assert counter > 1.5 * w.font().pointSizeF()  # the epoch counter is big …
    zoom = w.view_menu.zoom
    zoom.zoom_in.trigger()
    assert zoom.percent == 110
    for _ in range(4):  # 125, 150, 175, 200
        QTest.keyClick(w, K.Key_Plus, CTRL)
    assert zoom.percent == 200
    after = settled(qtbot, w)
    assert after[0] == 2 * before[0] and after[1] == 2 * before[1]
    assert after[2] > 48 and after[2] > before[2]  # thumbnails grow past the old cap
    assert after[3] == 2 * before[0]  # the plots' ticks in the zoomed font
    assert w.epoch_label.font().pointSizeF() == pytest.approx(2 * counter)  # … and grows too
    # the data-set pictures grow, and their captions still fit in one cell
    assert gallery.gridSize().height() >= 2 * cell.height() - 1
    assert gallery.iconSize().width() >= 2 * icon.width() - 1
    assert gallery.gridSize().width() > gallery.fontMetrics().horizontalAdvance("Checkers")
    QTest.keyClick(w, K.Key_Minus, CTRL)
    assert zoom.percent == 175
    QTest.keyClick(w, K.Key_0, CTRL)
    assert zoom.percent == 100
    qtbot.waitUntil(lambda: measures(w)[:2] == before[:2], timeout=TIMEOUT)
    qtbot.waitUntil(lambda: measures(w)[2] == before[2], timeout=TIMEOUT)
    assert gallery.gridSize() == cell and gallery.iconSize() == icon


def test_zoom_stops_at_its_ends(make_window):
    w = make_window("xor_221")
    zoom = w.view_menu.zoom
    for _ in range(len(ZOOM_STEPS) + 2):
        zoom.zoom_out.trigger()
    assert zoom.percent == ZOOM_STEPS[0] and not zoom.zoom_out.isEnabled()
    zoom.set_percent(ZOOM_STEPS[-1])
    assert not zoom.zoom_in.isEnabled()


def test_ctrl_plus_zooms_the_window_with_focus_in_the_inspector(qtbot, make_window):
    w = make_window("worked_example")
    w.tabs.setCurrentWidget(w.inspector)
    digits = w.inspector.findChild(QComboBox, "digitsPicker")
    w.activateWindow()
    digits.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is digits, timeout=TIMEOUT)
    QTest.keyClick(digits, K.Key_Equal, CTRL)
    QTest.keyClick(digits, K.Key_Plus, CTRL)
    assert w.view_menu.zoom.percent == 125
    assert w.inspector.zoom == 1.25  # the inspector's text follows the window zoom
    QTest.keyClick(digits, K.Key_0, CTRL)
    assert w.view_menu.zoom.percent == 100 and w.inspector.zoom == 1.0


def test_each_zoom_key_has_exactly_one_action(make_window):
    """Two shortcuts for one key in a window are ambiguous, and Qt then runs neither."""
    w = make_window("xor_221")
    owners: dict[str, int] = {}
    for action in w.findChildren(QAction):
        for key in action.shortcuts():
            owners[key.toString()] = owners.get(key.toString(), 0) + 1
    for shortcut in w.findChildren(QShortcut):
        for key in shortcut.keys():  # noqa: SIM118 (a QShortcut, not a dict)
            owners[key.toString()] = owners.get(key.toString(), 0) + 1
    for keys in ("Ctrl++", "Ctrl+=", "Ctrl+-", "Ctrl+0"):
        assert owners.get(QKeySequence(keys).toString()) == 1, keys


def _wheel(widget: QWidget, delta: int, modifiers) -> None:
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                        QPoint(0, delta), Qt.MouseButton.NoButton, modifiers,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_ctrl_wheel_zooms_the_window_and_the_plain_wheel_stays_the_plots(make_window):
    w = make_window("xor_221")
    zoom = w.view_menu.zoom
    target = w.network_view.findChild(pg.GraphicsView).viewport()
    _wheel(target, 120, CTRL)
    assert zoom.percent == 110
    _wheel(target, 60, CTRL)  # half a notch (a touchpad): nothing yet …
    assert zoom.percent == 110
    _wheel(target, 60, CTRL)  # … a whole one
    assert zoom.percent == 125
    _wheel(target, -240, CTRL)
    assert zoom.percent == 100
    plot = w.loss_plot.findChild(pg.GraphicsView)
    _wheel(plot.viewport(), 120, Qt.KeyboardModifier.NoModifier)
    assert zoom.percent == 100


def test_the_zoom_is_remembered_for_the_next_window(make_window):
    first = make_window("xor_221")
    first.view_menu.zoom.set_percent(150)
    second = make_window("xor_221")
    assert second.view_menu.zoom.percent == 150
    assert second.font().pointSizeF() == first.font().pointSizeF()


def test_zoom_arguments_are_checked():
    assert parse_zoom("150") == 150 and parse_zoom("75%") == 75
    assert parse_zoom("301") is None and parse_zoom("big") is None
    result = run_cli("--zoom", "big", "--screenshot", "/tmp/never.png")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--zoom" in lines[0] and "Traceback" not in result.stderr
