"""The Run menu (issue 15): every training control with its key, reachable by F10."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from tests.gui_helpers import TIMEOUT, fresh_snapshot


def test_the_run_menu_runs_the_controls_and_shows_their_keys(qtbot, make_window):
    w = make_window("xor_221")
    menu = w.run_menu.menu
    texts = [a.text() for a in menu.actions() if a.text()]
    assert any(t.endswith("\tSpace") for t in texts)
    assert any(t.startswith("&Step\t") for t in texts)
    epoch = fresh_snapshot(qtbot, w).epoch
    w.findChild(QAction, "stepAction").trigger()
    qtbot.waitUntil(lambda: w.rendered.epoch == epoch + 1, timeout=TIMEOUT)
    w.findChild(QAction, "stepByPhaseAction").trigger()
    assert w.granularity.currentData() == "phase"
    w.granularity.setCurrentIndex(w.granularity.findData("batch"))
    assert w.findChild(QAction, "stepByBatchAction").isChecked()  # follows the combo
    w.activateWindow()
    qtbot.keyClick(w, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: w.menuBar().activeAction() is not None, timeout=TIMEOUT)
    assert w.menuBar().activeAction().text() == "&File"
