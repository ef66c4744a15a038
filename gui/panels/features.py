"""The input-feature panel: which of TensorFlow Playground's seven features feed the network
(data with one or two inputs), or which raw columns do (wider data), and standardisation."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QWidget

from engine.features import FEATURES, MAX_FEATURE_INPUTS, available_features, feature_label
from engine.scenario import Scenario, dataset_shape, input_names
from gui.panels.widgets import EditSender, name
from session.commands import Section, edit


class FeaturePanel(EditSender, QGroupBox):
    """Which input features feed the network (TensorFlow Playground's seven)."""

    commandRequested = Signal(object)
    """An ``EditScenario`` of the features."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Input features", parent)
        self._scenario: Scenario | None = None
        grid = QGridLayout(self)
        self.boxes: dict[str, QCheckBox] = {}
        for k, (key, feature) in enumerate(FEATURES.items()):
            box = name(QCheckBox(feature.label), f"feature_{key}", f"Feature {feature.label}",
                       f"Feed {feature.label} to the network. Changing features rebuilds the "
                       "network with new weights.")
            box.toggled.connect(self._on_toggle)
            grid.addWidget(box, k // 2, k % 2)
            self.boxes[key] = box
        self.columns = name(QLabel(), "rawColumnsLabel", "Input columns")
        self.columns.setWordWrap(True)
        self.columns.setTextFormat(Qt.TextFormat.PlainText)  # names come from files
        self.columns.hide()
        grid.addWidget(self.columns, 4, 0, 1, 2)
        self.standardize = name(
            QCheckBox("Standardise inputs"), "standardizeToggle", "Standardise inputs",
            "Feed each input minus its mean, divided by its standard deviation (both measured "
            "on the training split). Exports apply it inside, so they take raw inputs.")
        self.standardize.toggled.connect(self._on_standardize)
        grid.addWidget(self.standardize, 5, 0, 1, 2)

    def show_scenario(self, s: Scenario) -> None:
        self._scenario = s
        n_inputs = dataset_shape(s.data)[0]
        wide = n_inputs > MAX_FEATURE_INPUTS
        allowed = available_features(n_inputs)
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(key in s.data.features)
            box.setEnabled(key in allowed)
            box.setVisible(not wide)
            box.blockSignals(False)
        self.columns.setVisible(wide)
        if wide:
            names = input_names(s.data)
            labels = [feature_label(k, names) for k in s.data.features]
            shown = ", ".join(labels[:6]) + (f", … {labels[-1]}" if len(labels) > 6 else "")
            self.columns.setText(f"{len(labels)} raw columns: {shown}")
            self.columns.setToolTip(html.escape(", ".join(labels)))
        self.standardize.blockSignals(True)
        self.standardize.setChecked(s.data.standardize)
        self.standardize.blockSignals(False)

    @Slot(bool)
    def _on_standardize(self, on: bool) -> None:
        if self._scenario is not None:
            self.send_edit(edit(Section.DATA, standardize=on))

    @Slot(bool)
    def _on_toggle(self, _on: bool) -> None:
        if self._scenario is None:
            return
        chosen = tuple(k for k, box in self.boxes.items() if box.isChecked())
        if not chosen:
            self.show_scenario(self._scenario)  # at least one feature stays on
            return
        self.send_edit(edit(Section.DATA, features=chosen))
