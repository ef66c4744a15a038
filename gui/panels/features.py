"""The input-feature panel: which of TensorFlow Playground's seven features feed the network."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QWidget

from engine.datasets import DATASETS
from engine.features import FEATURES, available_features
from engine.scenario import Scenario
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

    def show_scenario(self, s: Scenario) -> None:
        self._scenario = s
        n_inputs = 1 if s.data.dataset != "custom" and DATASETS[s.data.dataset].n_inputs == 1 \
            else 2
        if s.data.dataset == "custom" and s.data.custom is not None:
            n_inputs = len(s.data.custom.x[0])
        allowed = available_features(n_inputs)
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(key in s.data.features)
            box.setEnabled(key in allowed)
            box.blockSignals(False)

    @Slot(bool)
    def _on_toggle(self, _on: bool) -> None:
        if self._scenario is None:
            return
        chosen = tuple(k for k, box in self.boxes.items() if box.isChecked())
        if not chosen:
            self.show_scenario(self._scenario)  # at least one feature stays on
            return
        self.send_edit(edit(Section.DATA, features=chosen))
