"""The optimiser's own settings in the training panel: μ, β₁, β₂, α and ε, each shown for the
optimisers that use it and applied live (pytest-qt)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from session.events import Refused
from tests.gui_helpers import TIMEOUT, fresh_snapshot, trainer, wait_event

SHOWN = {
    "sgd": set(),
    "momentum": {"momentumValue"},
    "adam": {"beta1Value", "beta2Value", "epsilonValue"},
    "rmsprop": {"alphaValue", "epsilonValue"},
    "adagrad": {"epsilonValue"},
}
NAMES = ("momentumValue", "beta1Value", "beta2Value", "alphaValue", "epsilonValue")


def choose_optimizer(qtbot, w, kind: str) -> None:
    picker = w.findChild(QComboBox, "optimizer")
    picker.setCurrentIndex(picker.findData(kind))
    fresh_snapshot(qtbot, w)


def enter(qtbot, combo: QComboBox, text: str) -> None:
    """Type ``text`` into an editable combo and press Return, as a user does."""
    combo.lineEdit().setFocus()
    qtbot.waitUntil(combo.lineEdit().hasFocus, timeout=TIMEOUT)
    combo.lineEdit().selectAll()
    qtbot.keyClicks(combo.lineEdit(), text)
    qtbot.keyClick(combo.lineEdit(), Qt.Key.Key_Return)


def test_each_optimizer_shows_only_its_own_settings(qtbot, make_window):
    w = make_window("tf_default")
    panel = w.findChild(QComboBox, "optimizer").parentWidget()
    for kind, shown in SHOWN.items():
        choose_optimizer(qtbot, w, kind)
        visible = {n for n in NAMES if w.findChild(QComboBox, n).isVisibleTo(panel)}
        assert visible == shown, kind
        assert trainer(w).scenario.train.optimizer.kind == kind


def test_a_switch_shows_the_new_optimizers_own_epsilon(qtbot, make_window):
    w = make_window("tf_default")
    choose_optimizer(qtbot, w, "adagrad")
    assert w.findChild(QComboBox, "epsilonValue").currentText() == "1e-10"
    choose_optimizer(qtbot, w, "adam")
    assert w.findChild(QComboBox, "epsilonValue").currentText() == "1e-08"
    assert trainer(w).scenario.train.optimizer.epsilon == 1e-8


def test_typed_settings_apply_live_to_the_running_optimizer(qtbot, make_window):
    w = make_window("tf_default")
    choose_optimizer(qtbot, w, "adam")
    before = trainer(w).params.flat.copy()
    enter(qtbot, w.findChild(QComboBox, "beta2Value"), "0.99")
    enter(qtbot, w.findChild(QComboBox, "epsilonValue"), "1e-6")
    fresh_snapshot(qtbot, w)
    t = trainer(w)
    spec = t.scenario.train.optimizer
    assert (spec.beta2, spec.epsilon, spec.beta1) == (0.99, 1e-6, 0.9)
    assert t.optimizer.spec == spec  # the engine's optimiser uses them, not only the scenario
    assert (t.params.flat == before).all()  # live: the weights stay
    assert w.findChild(QComboBox, "epsilonValue").currentText() == "1e-06"


def test_changing_the_learning_rate_leaves_untouched_settings_exact(qtbot, make_window):
    """An untouched entry shows its value rounded (%g); it must not be sent back rounded."""
    w = make_window("tf_default")
    choose_optimizer(qtbot, w, "momentum")
    enter(qtbot, w.findChild(QComboBox, "momentumValue"), "0.123456789")
    fresh_snapshot(qtbot, w)
    assert trainer(w).scenario.train.optimizer.momentum == 0.123456789
    enter(qtbot, w.findChild(QComboBox, "learningRate"), "0.1")
    fresh_snapshot(qtbot, w)
    spec = trainer(w).scenario.train.optimizer
    assert (spec.learning_rate, spec.momentum) == (0.1, 0.123456789)


def test_an_impossible_setting_is_refused_in_one_line_and_the_old_value_returns(
        qtbot, make_window):
    w = make_window("tf_default")
    choose_optimizer(qtbot, w, "momentum")
    combo = w.findChild(QComboBox, "momentumValue")
    event = wait_event(qtbot, w, Refused, lambda: enter(qtbot, combo, "1.5"))
    assert "momentum" in event.text and "\n" not in event.text and len(event.text) <= 300
    fresh_snapshot(qtbot, w)
    assert trainer(w).scenario.train.optimizer.momentum == 0.9
    qtbot.waitUntil(lambda: combo.currentText() == "0.9", timeout=TIMEOUT)
