"""Compared runs in the window: Pin run, the Unpin… menu, the ghosts in the loss plot and
their legend, what survives Reset, a preset change and a workspace round trip, and the loss
tab's layout at 1024×700 (pytest-qt)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton, QToolButton

from engine.pinned import MAX_PINNED
from session import commands as c
from session.events import FileDone
from tests.gui_helpers import TIMEOUT, fresh_snapshot, wait_event


def _train(qtbot, w, n: int) -> None:
    target = w.rendered.epoch + n
    w.send(c.TrainEpochs(n))
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.epoch == target,
                    timeout=TIMEOUT)


def _pin(qtbot, w) -> None:
    before = len(fresh_snapshot(qtbot, w).pinned)
    w.findChild(QPushButton, "pinRunButton").click()
    qtbot.waitUntil(lambda: len(w.rendered.pinned) == before + 1, timeout=TIMEOUT)


def _menu_action(w, name: str) -> QAction:
    button = w.findChild(QToolButton, "pinnedRunsMenu")
    (act,) = [a for a in button.menu().actions() if a.objectName() == name]
    return act


def _ghost_lines(w):
    """The ghosts' loss lines (not markers, not accuracy), in drawing order."""
    ghosts = w.pinned_runs.ghosts
    return [item for view, item in ghosts._items
            if view is w.loss_plot.plot_item and item.opts["pen"] is not None]


def test_a_pinned_run_is_drawn_as_a_labelled_ghost_and_can_be_unpinned(qtbot, make_window):
    w = make_window("tf_default")
    unpin = w.findChild(QToolButton, "pinnedRunsMenu")
    assert not unpin.isEnabled()
    _train(qtbot, w, 20)
    _pin(qtbot, w)
    snap = fresh_snapshot(qtbot, w)
    (line,) = _ghost_lines(w)
    x, y = line.getOriginalDataset()
    np.testing.assert_array_equal(x, snap.pinned[0].run.epochs)
    np.testing.assert_allclose(y, snap.pinned[0].run.train_loss)
    # drawn at the plot's resolution, in detail when zoomed (the plot's addItem resets both)
    assert line.opts["autoDownsample"] and line.opts["clipToView"]
    assert "same&nbsp;settings" in w.findChild(object, "pinnedLegend").text()
    assert unpin.isEnabled()

    w.reset_button.click()
    qtbot.waitUntil(lambda: w.rendered.epoch == 0 and bool(w.rendered.pinned), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "seed&nbsp;" in w.findChild(object, "pinnedLegend").text(),
                    timeout=TIMEOUT)
    # the x axis shows the ghost whole although the new run has not started
    (x0, x1), _ = w.loss_plot.plot_item.vb.viewRange()
    assert x0 <= 0 and x1 >= 20

    _menu_action(w, "unpinRun0").trigger()
    qtbot.waitUntil(lambda: not w.rendered.pinned, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not _ghost_lines(w), timeout=TIMEOUT)
    assert not unpin.isEnabled()


def test_pinned_runs_differ_by_dash_pattern_and_marker_and_survive_a_preset_change(
        qtbot, make_window):
    w = make_window("xor_221")
    _train(qtbot, w, 10)
    _pin(qtbot, w)
    w.send(c.edit(c.Section.OPTIMIZER, learning_rate=0.3))
    _train(qtbot, w, 10)
    _pin(qtbot, w)
    qtbot.waitUntil(lambda: len(_ghost_lines(w)) == 2, timeout=TIMEOUT)
    a, b = _ghost_lines(w)
    assert a.opts["pen"].dashPattern() != b.opts["pen"].dashPattern()
    markers = [item.opts["symbol"] for _, item in w.pinned_runs.ghosts._items
               if item.opts["pen"] is None and item.opts["symbol"] is not None]
    assert len(set(markers)) == 2
    legend = w.findChild(object, "pinnedLegend").text()
    assert "○" in legend and "△" in legend and "lr&nbsp;" in legend

    picker = w.preset_picker
    picker.setCurrentIndex(picker.findData("tf_default"))
    picker.activated.emit(picker.currentIndex())
    qtbot.waitUntil(lambda: w.rendered.scenario.key == "tf_default", timeout=TIMEOUT)
    assert len(fresh_snapshot(qtbot, w).pinned) == 2
    assert len(_ghost_lines(w)) == 2
    _menu_action(w, "unpinAllRuns").trigger()
    qtbot.waitUntil(lambda: not w.rendered.pinned, timeout=TIMEOUT)


def test_rename_and_the_workspace_keeps_the_pinned_runs(qtbot, make_window, tmp_path,
                                                        monkeypatch):
    w = make_window("xor_221")
    _train(qtbot, w, 5)
    _pin(qtbot, w)
    monkeypatch.setattr(w.pinned_runs.bar, "ask_name", lambda current: "baseline")
    _menu_action(w, "renamePinned0").trigger()
    qtbot.waitUntil(lambda: w.rendered.pinned and w.rendered.pinned[0].label == "baseline",
                    timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "baseline" in w.findChild(object, "pinnedLegend").text(),
                    timeout=TIMEOUT)
    path = str(tmp_path / "pinned.json")
    wait_event(qtbot, w, FileDone, lambda: w.files.save_to(path))
    _menu_action(w, "unpinAllRuns").trigger()
    qtbot.waitUntil(lambda: not w.rendered.pinned, timeout=TIMEOUT)
    wait_event(qtbot, w, FileDone, lambda: w.files.open_path(path))
    qtbot.waitUntil(lambda: [p.label for p in w.rendered.pinned] == ["baseline"],
                    timeout=TIMEOUT)


def test_six_pinned_runs_keep_the_loss_tab_readable_at_1024_by_700(qtbot, make_window):
    w = make_window("tf_default")
    w.resize(1024, 700)
    _train(qtbot, w, 3)
    for i in range(MAX_PINNED):
        w.send(c.PinRun(f"a fairly long name for run {i}"))
    qtbot.waitUntil(lambda: len(w.rendered.pinned) == MAX_PINNED, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: len(_ghost_lines(w)) == MAX_PINNED, timeout=TIMEOUT)
    pin = w.findChild(QPushButton, "pinRunButton")
    assert not pin.isEnabled() and "unpin one first" in pin.toolTip()
    qtbot.waitUntil(lambda: w.loss_plot.plot_widget.height() >= 100, timeout=TIMEOUT)
    tab = w.loss_plot
    for widget in (pin, w.findChild(QToolButton, "pinnedRunsMenu"),
                   w.findChild(object, "pinnedLegend")):
        top_left = widget.mapTo(tab, widget.rect().topLeft())
        bottom_right = widget.mapTo(tab, widget.rect().bottomRight())
        assert tab.rect().contains(top_left) and tab.rect().contains(bottom_right)
    legend = w.findChild(object, "pinnedLegend")
    assert legend.height() <= 3 * legend.fontMetrics().lineSpacing() + 2
    assert all(f"run {i}" in legend.toolTip() for i in range(MAX_PINNED))


def test_the_hover_read_out_names_the_pinned_runs_values(qtbot, make_window):
    from PySide6.QtCore import QPointF

    w = make_window("xor_221")
    _train(qtbot, w, 12)
    _pin(qtbot, w)
    w.send(c.edit(c.Section.OPTIMIZER, learning_rate=0.7))
    _train(qtbot, w, 12)  # the current run goes on from epoch 12 to 24
    snap = fresh_snapshot(qtbot, w)
    qtbot.waitUntil(lambda: len(_ghost_lines(w)) == 1, timeout=TIMEOUT)
    w.loss_plot.set_snapshot(snap)
    vb = w.loss_plot.plot_item.vb
    (_, _), (y0, y1) = vb.viewRange()
    w.loss_plot.hover_at_scene_pos(vb.mapViewToScene(QPointF(5.2, (y0 + y1) / 2)))
    text = w.loss_plot.hover_text.textItem.toPlainText()
    run = snap.pinned[0].run
    assert text.startswith("epoch 5")
    assert f"○ pinned loss {run.train_loss[5]:.4f} · acc" in text
    w.loss_plot.hover_at_scene_pos(vb.mapViewToScene(QPointF(20.0, (y0 + y1) / 2)))
    assert "○" not in w.loss_plot.hover_text.textItem.toPlainText()  # after the ghost's end
