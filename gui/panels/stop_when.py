"""The training panel's "Stop when" group: a run stops by itself at an epoch, at a target
training loss, or when the test loss has not improved for some epochs (early stopping).

Each box is 0 ("off") when unused; any change sends the whole rule as one ``SetStopRule``,
which applies live (the weights stay). The session checks the rule while a run plays and
says in the status bar why it stopped.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit, QSpinBox, QWidget

from engine.scenario import Scenario
from engine.training.stopping import StopRule
from gui.panels.widgets import name
from session.commands import SetStopRule

MAX_BOX = 10_000_000
"""Largest stop epoch or patience the boxes take (the engine takes more)."""


def _spin(object_name: str, accessible: str, tip: str, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, MAX_BOX)
    box.setSpecialValueText("off")
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)
    box.setMinimumWidth(72)  # narrower than its longest value: the side panel fits 1024 px
    name(box, object_name, accessible, tip)
    return box


class StopWhenGroup(QGroupBox):
    """Three compact rows: stop epoch, target loss, patience (``stopWhen``)."""

    commandRequested = Signal(object)
    """A ``SetStopRule``."""
    refused = Signal(str)
    """A target loss that is not a number of at least 0."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Stop when", parent)
        name(self, "stopWhen", "Stop when",
             "A run (Run) stops by itself when any condition set here is met; Step always "
             "steps. The status bar says why it stopped.")
        self._rule = StopRule()
        form = QFormLayout(self)
        form.setContentsMargins(6, 2, 6, 4)
        form.setVerticalSpacing(2)
        self.epoch = _spin("stopEpoch", "Stop at epoch",
                           "Stop once this many epochs are done (off: never).")
        form.addRow("Epoch", self.epoch)
        self.loss = name(QLineEdit(), "stopLoss", "Stop at training loss",
                         "Stop once the training loss (mean per sample) is at or below this "
                         "number (empty: off).")
        self.loss.setPlaceholderText("off")
        self.loss.setMinimumWidth(72)
        validator = QDoubleValidator(0.0, 1e6, 12, self.loss)
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        self.loss.setValidator(validator)
        form.addRow("Loss ≤", self.loss)
        self.patience = _spin(
            "stopPatience", "Early stopping patience",
            "Early stopping: stop once the test loss (the training loss when there is no test "
            "set) has not reached a new low for this many epochs. The weights stay those of "
            "the last epoch; the status bar names the best epoch.", " epochs")
        form.addRow("No gain for", self.patience)
        self.epoch.valueChanged.connect(self._changed)
        self.patience.valueChanged.connect(self._changed)
        self.loss.editingFinished.connect(self._changed)

    def show_scenario(self, s: Scenario) -> None:
        rule = s.train.stop
        self._rule = rule
        for box in (self.epoch, self.patience, self.loss):
            box.blockSignals(True)
        self.epoch.setValue(min(rule.epoch, MAX_BOX))
        self.patience.setValue(min(rule.patience, MAX_BOX))
        if not self.loss.hasFocus() or self._typed() != rule.loss:
            self.loss.setText(f"{rule.loss:g}" if rule.loss else "")
        for box in (self.epoch, self.patience, self.loss):
            box.blockSignals(False)

    def _typed(self) -> float | None:
        """The target loss typed in: 0 for empty, None when it is not a usable number."""
        text = self.loss.text().strip()
        if not text:
            return 0.0
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            return None
        return value if math.isfinite(value) and value >= 0 else None

    @Slot()
    def _changed(self, *_args: object) -> None:
        loss = self._typed()
        if loss is None:
            self.loss.setText(f"{self._rule.loss:g}" if self._rule.loss else "")
            self.refused.emit("the target loss must be a number of at least 0 (empty: off)")
            return
        rule = StopRule(self.epoch.value(), loss, self.patience.value())
        if rule != self._rule:
            self._rule = rule
            self.commandRequested.emit(SetStopRule(rule))
