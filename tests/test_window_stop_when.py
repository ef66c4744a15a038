"""The training panel's "Stop when" group in the window: a run stops by itself at the epoch
set there and the status bar says why; the new data sets are in the gallery."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLineEdit, QSpinBox

from engine.presets import get_preset
from engine.training.stopping import StopRule
from session import commands as c
from tests.gui_helpers import TIMEOUT, fresh_snapshot, trainer


def test_run_stops_by_itself_at_the_stop_epoch(qtbot, make_window):
    w = make_window("tf_default")
    group = w.findChild(QGroupBox, "stopWhen")
    epoch = w.findChild(QSpinBox, "stopEpoch")
    assert group is not None and group.accessibleName() and epoch.accessibleName()
    assert epoch.text() == "off"
    epoch.setValue(137)
    qtbot.waitUntil(lambda: w.rendered.scenario.train.stop == StopRule(epoch=137),
                    timeout=TIMEOUT)
    qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.client.running, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not w.client.running, timeout=TIMEOUT)  # by itself
    snap = fresh_snapshot(qtbot, w)
    assert snap.epoch == 137 and not snap.running
    assert trainer(w).epoch == 137
    qtbot.waitUntil(lambda: w.statusBar().currentMessage().startswith(
        "Stopped at epoch 137: the stop epoch 137 is reached"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: w.epoch_label.text() == "Epoch 137", timeout=TIMEOUT)


def test_the_group_shows_and_sends_the_whole_rule(qtbot, make_window):
    w = make_window("regression_plane")
    loss = w.findChild(QLineEdit, "stopLoss")
    patience = w.findChild(QSpinBox, "stopPatience")
    patience.setValue(40)
    loss.setText("0.005")
    loss.editingFinished.emit()
    qtbot.waitUntil(lambda: w.rendered.scenario.train.stop == StopRule(loss=0.005, patience=40),
                    timeout=TIMEOUT)
    loss.setText("")  # empty: off
    loss.editingFinished.emit()
    qtbot.waitUntil(lambda: w.rendered.scenario.train.stop == StopRule(patience=40),
                    timeout=TIMEOUT)
    qtbot.waitUntil(lambda: w.statusBar().currentMessage() ==
                    "A run now stops after 40 epochs without a better test loss.",
                    timeout=TIMEOUT)
    w.client.send(c.LoadScenario(get_preset("tf_default"), "fresh"))  # the boxes follow it
    qtbot.waitUntil(lambda: patience.text() == "off" and loss.text() == "", timeout=TIMEOUT)


def test_the_gallery_lists_the_new_data_sets(qtbot, make_window):
    w = make_window("tf_default")
    gallery = w.data_panel.gallery
    keys = [gallery.item(i).data(Qt.ItemDataRole.UserRole) for i in range(gallery.count())]
    assert {"moons", "checkerboard", "shifted"} <= set(keys)
    item = gallery.item(keys.index("shifted"))
    assert "not at random" in item.toolTip() and item.text() == "Shifted"
    gallery.setCurrentItem(item)
    qtbot.waitUntil(lambda: w.rendered.scenario.data.dataset == "shifted", timeout=TIMEOUT)
    t = trainer(w)
    assert t.dataset.x[t.train_idx, 0].max() < t.dataset.x[t.test_idx, 0].min()
