"""The training panel: learning rate, optimiser, loss, regularisation, initialisation, seed,
and when a run stops (``gui.panels.stop_when``)."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from engine.initializers import INIT_SCHEMES
from engine.losses import LOSSES
from engine.optimizers import OPTIMIZERS, REGULARIZATIONS
from engine.scenario import Scenario
from gui.panels.optimizer_fields import OptimizerFields
from gui.panels.stop_when import StopWhenGroup
from gui.panels.widgets import (
    EditSender,
    combo_number,
    name,
    number_combo,
    set_combo_number,
    side_combo,
)
from session.commands import EditScenario, FieldChange, Section, edit
from session.session import WINDOW_SEEDS

TF_RULES_TIP = (
    "Train by TensorFlow Playground's rules: an L1 step that would carry a weight across zero "
    "sets it to 0 and the link dies (drawn dashed); the last short batch carries into the next "
    "epoch; one fixed sample order (no shuffle); the train count rounds down; regression gets "
    "a linear output. Switching restarts with the same seed.")

LEARNING_RATES = ["0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1",
                  "3", "10"]
REG_RATES = ["0", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]


class TrainingPanel(EditSender, QGroupBox):
    """Learning rate, optimiser, loss, regularisation, initialisation and seed."""

    commandRequested = Signal(object)
    """An ``EditScenario`` of the training settings."""
    refused = Signal(str)
    """An entry that is not a usable value; the panel shows the value in force again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Training", parent)
        self._scenario: Scenario | None = None
        form = QFormLayout(self)
        self.lr = number_combo(LEARNING_RATES, "learningRate", "Learning rate",
                               "Step size η of each update. Applies live, without a reset.")
        form.addRow("Learning rate", self.lr)
        self.optimizer = name(side_combo(), "optimizer", "Optimizer",
                              "How gradients become updates. Applies live.")
        for key, title in OPTIMIZERS.items():
            self.optimizer.addItem(title, key)
        form.addRow("Optimizer", self.optimizer)
        self.hyper = OptimizerFields(form)
        self.loss = name(side_combo(), "loss", "Loss function",
                         "What training minimises. Changing it re-initialises the weights.")
        for key, loss in LOSSES.items():
            self.loss.addItem(loss.title, key)
        form.addRow("Loss", self.loss)
        self.reduction = name(side_combo(), "reduction", "Batch reduction",
                              "Mean divides gradients by the batch size; sum (as many "
                              "notebooks do) adds them up. Applies live.")
        self.reduction.addItem("mean over batch", "mean")
        self.reduction.addItem("sum over batch", "sum")
        form.addRow("Reduction", self.reduction)
        self.regularization = name(side_combo(), "regularization", "Regularization",
                                   "Penalty on large weights (never biases). Applies live.")
        for key, title in REGULARIZATIONS.items():
            self.regularization.addItem(title, key)
        form.addRow("Regularization", self.regularization)
        self.reg_rate = number_combo(REG_RATES, "regRate", "Regularization rate",
                                     "Strength λ of the penalty. Applies live.")
        form.addRow("Reg. rate", self.reg_rate)
        self.init = name(side_combo(), "initScheme", "Initialization",
                         "How the starting weights are drawn. Changing it re-initialises.")
        for key, text in INIT_SCHEMES.items():
            if key != "explicit":
                self.init.addItem(text.split(":")[0], key)
        self.init.addItem("Explicit (preset's weights)", "explicit")
        form.addRow("Init", self.init)
        self.seed = name(QSpinBox(), "seed", "Seed",
                         "Seed of the starting weights and of the shuffle order: the same "
                         "seed repeats a run exactly. Reset moves to the next seed.")
        self.seed.setRange(0, WINDOW_SEEDS)
        self.seed.setKeyboardTracking(False)
        form.addRow("Seed", self.seed)
        self.tf_rules = name(QCheckBox("TensorFlow Playground rules"), "tfRulesToggle",
                             "TensorFlow Playground rules", TF_RULES_TIP)
        form.addRow(self.tf_rules)
        self.stop_when = StopWhenGroup()
        form.addRow(self.stop_when)
        self.stop_when.commandRequested.connect(self.commandRequested)
        self.stop_when.refused.connect(self.refused)

        self.lr.activated.connect(self._on_optimizer)
        self.lr.lineEdit().editingFinished.connect(self._on_optimizer)
        self.reg_rate.activated.connect(self._on_optimizer)
        self.reg_rate.lineEdit().editingFinished.connect(self._on_optimizer)
        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        for combo in self.hyper.combos.values():
            combo.activated.connect(self._on_optimizer)
            combo.lineEdit().editingFinished.connect(self._on_optimizer)
        self.regularization.currentIndexChanged.connect(self._on_optimizer)
        self.reduction.currentIndexChanged.connect(self._on_reduction)
        self.loss.currentIndexChanged.connect(self._on_rebuild)
        self.init.currentIndexChanged.connect(self._on_rebuild)
        self.seed.valueChanged.connect(self._on_rebuild)
        self.tf_rules.toggled.connect(self._on_tf_rules)

    def show_scenario(self, s: Scenario) -> None:
        self._scenario = s
        widgets = (self.lr, self.optimizer, self.loss, self.reduction, self.regularization,
                   self.reg_rate, self.init, self.seed, self.tf_rules)
        for w in widgets:
            w.blockSignals(True)
        o = s.train.optimizer
        set_combo_number(self.lr, o.learning_rate)
        self.optimizer.setCurrentIndex(self.optimizer.findData(o.kind))
        self.hyper.show(o)
        self.loss.setCurrentIndex(self.loss.findData(s.train.loss))
        self.reduction.setCurrentIndex(self.reduction.findData(s.train.reduction))
        self.regularization.setCurrentIndex(self.regularization.findData(o.regularization))
        set_combo_number(self.reg_rate, o.reg_rate)
        self.reg_rate.setEnabled(o.regularization != "none")
        self.init.setCurrentIndex(self.init.findData(s.init.scheme))
        self.seed.setValue(s.init.seed)
        self.seed.setEnabled(s.init.scheme != "explicit")
        self.tf_rules.setChecked(s.train.tf_rules)
        for w in widgets:
            w.blockSignals(False)
        self.stop_when.show_scenario(s)

    @Slot()
    def _on_optimizer(self, *_args: object) -> None:
        if self._scenario is None:
            return
        s = self._scenario
        lr = combo_number(self.lr)
        rate = combo_number(self.reg_rate)
        kind = self.optimizer.currentData()
        o = s.train.optimizer
        hyper = self.hyper.changed(o, kind)
        problem = ("the learning rate must be a number above 0" if lr is None or lr <= 0
                   else "the regularisation rate must be a number of at least 0" if rate is None
                   else f"the {OPTIMIZERS[kind]} settings must be numbers" if hyper is None
                   else None)
        if problem is not None:
            self.show_scenario(s)  # not a usable number: show the value in force again
            self.refused.emit(problem)
            return
        assert hyper is not None
        chosen: dict[str, object] = {"learning_rate": lr, "kind": kind,
                                     "regularization": self.regularization.currentData(),
                                     "reg_rate": rate, **hyper}
        changes = {k: v for k, v in chosen.items() if getattr(o, k) != v}
        if changes:
            self.send_edit(edit(Section.OPTIMIZER, **changes))

    @Slot(int)
    def _on_reduction(self, _index: int) -> None:
        if self._scenario is not None:
            self.send_edit(edit(Section.TRAIN,
                                            reduction=self.reduction.currentData()))

    @Slot(bool)
    def _on_tf_rules(self, on: bool) -> None:
        """A rebuild (session.edits: not a live field): the rules change the split and the
        output, so the run restarts from the same seed."""
        if self._scenario is not None and self._scenario.train.tf_rules != on:
            self.send_edit(edit(Section.TRAIN, tf_rules=on))

    @Slot()
    def _on_rebuild(self, *_args: object) -> None:
        if self._scenario is None:
            return
        s, seed = self._scenario, self.seed.value()
        chosen = (FieldChange(Section.INIT, "scheme", self.init.currentData()),
                  FieldChange(Section.INIT, "seed", seed),
                  FieldChange(Section.TRAIN, "loss", self.loss.currentData()),
                  FieldChange(Section.TRAIN, "seed", seed))
        # only what the user changed: an unchanged seed box must not undo a Reset in flight
        changes = tuple(ch for ch in chosen
                        if getattr(getattr(s, ch.section.value), ch.field) != ch.value)
        if changes:
            self.send_edit(EditScenario(changes))
