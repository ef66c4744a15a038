"""The main window end to end: controls, worker thread, snapshots and shutdown (pytest-qt).

Synchronisation is by waiting for conditions or signals, never by sleeping. To check that
something did *not* happen (a paused run stays paused), the test asks the worker to publish:
commands run in order in the worker thread, so that snapshot reflects every earlier command.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QToolButton

from gui.main_window import MainWindow
from tests.gui_helpers import TIMEOUT, fresh_snapshot, trainer

ROOT = Path(__file__).resolve().parent.parent


def test_named_controls_exist(make_window):
    w = make_window()
    for object_name, kind in [
        ("runButton", QPushButton), ("stepButton", QPushButton), ("resetButton", QPushButton),
        ("epochLabel", QLabel), ("presetPicker", QComboBox), ("learningRate", QComboBox),
    ]:
        widget = w.findChild(kind, object_name)
        assert widget is not None, object_name
        assert widget.accessibleName(), object_name
    for object_name in ("networkView", "lossPlot", "outputView", "batchSize"):
        widget = w.findChild(object, object_name)
        assert widget is not None and widget.accessibleName(), object_name
    assert "Space" in w.run_button.toolTip() and "R" in w.reset_button.toolTip()


def test_run_advances_and_loss_falls_then_pause_stops(qtbot, make_window):
    w = make_window("tf_default")
    start_loss = w.rendered.metrics.train_loss
    qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.epoch >= 60, timeout=TIMEOUT)
    assert w.epoch_label.text().startswith("Epoch")
    qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.client.running, timeout=TIMEOUT)
    paused = fresh_snapshot(qtbot, w)
    assert paused.metrics.train_loss < 0.5 * start_loss
    again = fresh_snapshot(qtbot, w)
    assert again.epoch == paused.epoch and not again.running
    qtbot.waitUntil(lambda: w.epoch_label.text() == f"Epoch {paused.epoch:,}", timeout=TIMEOUT)


def test_step_advances_exactly_one_epoch(qtbot, make_window):
    w = make_window("xor_221")
    before = fresh_snapshot(qtbot, w).epoch
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.epoch == before + 1, timeout=TIMEOUT)
    assert fresh_snapshot(qtbot, w).epoch == before + 1
    qtbot.keyClick(w, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: w.rendered.epoch == before + 2, timeout=TIMEOUT)


def test_reset_returns_to_epoch_zero_with_new_weights(qtbot, make_window):
    w = make_window("tf_default")
    first = w.rendered.weights[0].copy()
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.epoch == 1, timeout=TIMEOUT)
    generation = w.rendered.generation
    qtbot.mouseClick(w.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.generation > generation, timeout=TIMEOUT)
    snap = w.rendered
    assert snap.epoch == 0 and len(snap.history["epoch"]) == 1
    assert not np.array_equal(first, snap.weights[0])
    assert w.findChild(object, "seed").value() == snap_seed(w)


def snap_seed(w: MainWindow) -> int:
    return trainer(w).scenario.init.seed


def test_space_runs_and_pauses(qtbot, make_window):
    w = make_window("xor_221")
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.client.running and w.rendered.epoch > 10, timeout=TIMEOUT)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not w.client.running, timeout=TIMEOUT)


def test_editing_a_weight_in_the_diagram_changes_the_engine(qtbot, make_window):
    w = make_window("xor_221")
    view = w.network_view
    view.begin_edit_weight(0, 1, 0)
    editor = view.findChild(object, "valueEditor")
    assert editor is not None and editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, "0.25")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.rendered.weights[0][1, 0] == 0.25, timeout=TIMEOUT)
    fresh_snapshot(qtbot, w)
    assert trainer(w).params.weights(0)[1, 0] == 0.25
    view.begin_edit_bias(1, 0)
    editor = view.findChild(object, "valueEditor")
    editor.selectAll()
    qtbot.keyClicks(editor, "-1.5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.rendered.biases[1][0] == -1.5, timeout=TIMEOUT)


def test_architecture_change_rebuilds_diagram_and_engine(qtbot, make_window):
    w = make_window("tf_default")
    assert w.rendered.sizes == (2, 4, 2, 1)
    add_layer = w.findChild(QToolButton, "addLayerButton")
    qtbot.mouseClick(add_layer, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.sizes == (2, 4, 2, 2, 1), timeout=TIMEOUT)
    assert trainer(w).spec.sizes == (2, 4, 2, 2, 1)
    assert len(w.network_view.column_centers()) == 5
    add_unit = w.findChild(QToolButton, "addUnit1")
    qtbot.mouseClick(add_unit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.sizes == (2, 5, 2, 2, 1), timeout=TIMEOUT)
    act = w.findChild(QComboBox, "activation2")
    act.setCurrentIndex(act.findData("relu"))
    qtbot.waitUntil(lambda: w.rendered.activations[1] == "relu", timeout=TIMEOUT)
    assert trainer(w).spec.layers[1].activation == "relu"
    assert "re-initialised" in w.statusBar().currentMessage()
    feature = w.findChild(object, "feature_x1_sq")
    feature.setChecked(True)
    qtbot.waitUntil(lambda: w.rendered.sizes[0] == 3, timeout=TIMEOUT)
    assert w.rendered.data.feature_keys == ("x1", "x2", "x1_sq")


def test_learning_rate_change_applies_without_reset(qtbot, make_window):
    w = make_window("tf_default")
    w.step()
    w.step()
    qtbot.waitUntil(lambda: w.rendered.epoch == 2, timeout=TIMEOUT)
    weights = w.rendered.weights[0].copy()
    generation = w.rendered.generation
    lr = w.findChild(QComboBox, "learningRate")
    lr.setCurrentIndex(lr.findText("0.3"))
    lr.activated.emit(lr.currentIndex())
    qtbot.waitUntil(lambda: w.rendered.learning_rate == 0.3, timeout=TIMEOUT)
    snap = w.rendered
    assert snap.epoch == 2 and snap.generation == generation
    assert np.array_equal(snap.weights[0], weights)
    assert trainer(w).learning_rate == 0.3


def test_divergent_setting_pauses_with_a_message(qtbot, make_window):
    w = make_window("regression_plane")
    lr = w.findChild(QComboBox, "learningRate")
    lr.setEditText("100000")
    lr.lineEdit().editingFinished.emit()
    qtbot.waitUntil(lambda: w.rendered.learning_rate == 100000, timeout=TIMEOUT)
    qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.banner.isVisible(), timeout=TIMEOUT)
    assert "lower learning rate" in w.banner.text()
    qtbot.waitUntil(lambda: not w.client.running, timeout=TIMEOUT)
    snap = fresh_snapshot(qtbot, w)
    assert not snap.running and np.all(np.isfinite(snap.weights[0]))
    # the window stays usable: a sane rate trains again
    lr.setCurrentIndex(lr.findText("0.01"))
    lr.activated.emit(lr.currentIndex())
    epoch = snap.epoch
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.epoch == epoch + 1, timeout=TIMEOUT)


def test_bad_value_is_refused_and_nothing_changes(qtbot, make_window):
    w = make_window("tf_default")
    before = fresh_snapshot(qtbot, w)
    lr = w.findChild(QComboBox, "learningRate")
    lr.setEditText("0")
    lr.lineEdit().editingFinished.emit()
    after = fresh_snapshot(qtbot, w)
    assert after.learning_rate == before.learning_rate == 0.03
    assert lr.currentText() == "0.03"


def test_preset_picker_loads_a_scenario(qtbot, make_window):
    w = make_window("tf_default")
    picker = w.findChild(QComboBox, "presetPicker")
    picker.setCurrentIndex(picker.findData("softmax_spiral3"))
    picker.activated.emit(picker.currentIndex())
    qtbot.waitUntil(lambda: w.rendered.sizes == (2, 16, 16, 3), timeout=TIMEOUT)
    assert w.rendered.data.n_classes == 3


def test_closing_mid_run_leaves_no_thread_running(qtbot, make_window):
    w = make_window("deep_tanh_spiral")
    qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.epoch > 3, timeout=TIMEOUT)
    w.close()
    assert not w.client.is_alive()


def test_screenshot_command_writes_a_real_picture(tmp_path):
    out = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--screenshot", str(out), "--preset",
         "xor_221", "--epochs", "50"],
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1440, 900)
    colours = {image.pixel(x, y) for x in range(0, 1440, 37) for y in range(0, 900, 29)}
    assert len(colours) > 20


def test_screenshot_with_unknown_preset_is_a_clean_error(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--screenshot", str(tmp_path / "x.png"),
         "--preset", "nope"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert result.returncode == 2 and "nope" in result.stderr and "Traceback" not in result.stderr


def test_a_reply_to_an_older_change_does_not_undo_a_newer_one(qtbot, make_window):
    w = make_window("tf_default")
    feature = w.findChild(object, "feature_x1_sq")
    feature.setChecked(True)  # rebuild
    lr = w.findChild(QComboBox, "learningRate")
    lr.setCurrentIndex(lr.findText("0.3"))  # live change, sent before the rebuild's reply
    lr.activated.emit(lr.currentIndex())
    qtbot.waitUntil(lambda: w.rendered.sizes[0] == 3 and w.rendered.learning_rate == 0.3,
                    timeout=TIMEOUT)
    fresh_snapshot(qtbot, w)
    assert w.scenario.train.optimizer.learning_rate == 0.3 and lr.currentText() == "0.3"
    assert trainer(w).learning_rate == 0.3


def test_architecture_edits_on_a_preset_with_explicit_weights(qtbot, make_window):
    w = make_window("worked_example")
    qtbot.mouseClick(w.findChild(QToolButton, "addUnit1"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.sizes == (2, 3, 1), timeout=TIMEOUT)
    assert "drawn anew" in w.statusBar().currentMessage()
    assert w.scenario.model.hidden[0].units == 3 == trainer(w).spec.sizes[1]


def test_the_preset_picker_says_when_settings_were_edited(qtbot, make_window):
    w = make_window("tf_default")
    picker = w.findChild(QComboBox, "presetPicker")
    assert picker.currentText() == "TensorFlow Playground default"
    w.reset()  # a new seed is not an edit
    fresh_snapshot(qtbot, w)
    assert picker.currentText() == "TensorFlow Playground default"
    lr = w.findChild(QComboBox, "learningRate")
    lr.setCurrentIndex(lr.findText("0.3"))
    lr.activated.emit(lr.currentIndex())
    qtbot.waitUntil(lambda: picker.currentText() == "TensorFlow Playground default (edited)",
                    timeout=TIMEOUT)
    picker.activated.emit(picker.currentIndex())  # reloading the preset clears it
    qtbot.waitUntil(lambda: w.rendered.learning_rate == 0.03, timeout=TIMEOUT)
    assert picker.currentText() == "TensorFlow Playground default"


def test_narrow_layer_columns_show_short_activation_names(qtbot, make_window):
    """Eight hidden layers leave ~60 px a column: "Sigmoid" would be cut to "Sigr"."""
    w = make_window("vanishing_gradients")
    w.resize(1440, 900)
    box = w.architecture.boxes[0]
    qtbot.waitUntil(lambda: box.activation.currentText() == "σ", timeout=TIMEOUT)
    assert box.activation.itemData(box.activation.currentIndex(),
                                   Qt.ItemDataRole.ToolTipRole) == "Sigmoid"
    wide = make_window("tf_default")
    wide.resize(1440, 900)
    qtbot.waitUntil(lambda: wide.architecture.boxes[0].activation.currentText() == "Tanh",
                    timeout=TIMEOUT)
