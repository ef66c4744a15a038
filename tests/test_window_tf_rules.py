"""The training panel's "TensorFlow Playground rules" check box: it shows the scenario's
option, toggling it rebuilds the run with the option (same seed), and while it is on the
shuffle box is disabled and says why."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox

from tests.gui_helpers import TIMEOUT, fresh_snapshot, trainer


def test_tf_rules_toggle_sends_the_option_and_disables_shuffle(qtbot, make_window):
    w = make_window("xor_221")
    box = w.findChild(QCheckBox, "tfRulesToggle")
    shuffle = w.findChild(QCheckBox, "shuffle")
    assert box is not None and shuffle is not None
    assert "TensorFlow Playground" in box.accessibleName()
    assert "L1" in box.toolTip() and "order" in box.toolTip()
    assert not box.isChecked() and shuffle.isEnabled()
    seed = fresh_snapshot(qtbot, w).scenario.init.seed

    box.click()
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.scenario.train.tf_rules,
                    timeout=TIMEOUT)
    fresh_snapshot(qtbot, w)
    assert trainer(w).scenario.train.tf_rules
    assert trainer(w).scenario.init.seed == seed
    assert box.isChecked()
    assert not shuffle.isEnabled() and "fixed order" in shuffle.toolTip()
    assert not shuffle.isChecked()  # shown off: TF Playground never reshuffles

    box.click()
    qtbot.waitUntil(lambda: w.rendered is not None and not w.rendered.scenario.train.tf_rules,
                    timeout=TIMEOUT)
    fresh_snapshot(qtbot, w)
    assert not trainer(w).scenario.train.tf_rules
    assert shuffle.isEnabled() and "fixed order" not in shuffle.toolTip()
    assert shuffle.isChecked() == trainer(w).scenario.train.shuffle


def test_tf_presets_show_the_option_on(qtbot, make_window):
    w = make_window("tf_default")
    fresh_snapshot(qtbot, w)
    assert w.findChild(QCheckBox, "tfRulesToggle").isChecked()
    assert not w.findChild(QCheckBox, "shuffle").isEnabled()


def test_preset_picker_sets_the_tf_playground_group_apart(qtbot):
    """A separator line stands above the "TF Playground:" presets; every other item is a
    preset whose data is its key, in the presets' order."""
    from PySide6.QtCore import Qt

    from engine.presets import load_presets
    from gui.toolbar import ControlBar

    bar = ControlBar()
    qtbot.addWidget(bar)
    picker = bar.preset_picker
    assert picker.objectName() == "presetPicker"
    role = Qt.ItemDataRole.AccessibleDescriptionRole
    separators = [i for i in range(picker.count()) if picker.itemData(i, role) == "separator"]
    assert len(separators) == 1
    keys = [picker.itemData(i) for i in range(picker.count()) if i not in separators]
    presets = load_presets()
    assert keys == list(presets)
    first_tf = picker.itemText(separators[0] + 1)
    assert first_tf.startswith("TF Playground:")
    assert not picker.itemText(separators[0] - 1).startswith("TF Playground:")


def test_tf_rules_start_regression_with_1200_points(qtbot, make_window):
    """TensorFlow Playground draws its regression data with 1,200 points (500 to classify)."""
    from engine.datasets import DATASETS

    assert DATASETS["plane"].samples(tf_rules=True) == 1200
    assert DATASETS["plane"].samples(tf_rules=False) == DATASETS["plane"].default_samples
    assert DATASETS["circle"].samples(tf_rules=True) == DATASETS["circle"].default_samples
    w = make_window("tf_default")
    task = w.findChild(QComboBox, "problemType")
    task.setCurrentIndex(task.findData("regression"))
    qtbot.waitUntil(lambda: w.client.settled and w.rendered.scenario.data.dataset == "plane",
                    timeout=TIMEOUT)
    assert trainer(w).scenario.data.n_samples == 1200
