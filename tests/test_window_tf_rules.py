"""The training panel's "TensorFlow Playground rules" check box: it shows the scenario's
option, toggling it rebuilds the run with the option (same seed), and while it is on the
shuffle box is disabled and says why."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

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
