"""The bar across the top: Run/Pause, Step by, Back, Step, Reset, the epoch counter, the speed
throttle and the preset picker. It only lays out and names the controls; the window wires them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QComboBox, QHBoxLayout, QPushButton, QWidget

from engine.presets import load_presets
from gui.accessibility import buddy_label
from gui.counter_label import CounterLabel
from gui.panels import name
from session.commands import StepUnit

GRANULARITIES = [("Epoch", StepUnit.EPOCH), ("Batch", StepUnit.BATCH),
                 ("Sample", StepUnit.SAMPLE), ("Phase", StepUnit.PHASE)]
SPEEDS = [("max", 0.0), ("1000/s", 1000.0), ("300/s", 300.0), ("100/s", 100.0),
          ("30/s", 30.0), ("10/s", 10.0), ("3/s", 3.0), ("1/s", 1.0)]
DEFAULT_SPEED = 30.0
"""Epochs per second of the first Run: slow enough to watch the curves form (TensorFlow
Playground's default converges in about 100 epochs); "max" is the first entry."""
RATE_INTERVAL = 0.5
"""Seconds between two readings of the training rate in the status bar (readable, and
announced no more often than that)."""

EPOCH_SCALE = 1.6
"""The epoch counter's text size over the bar's (15 pt at the usual 9.4 pt)."""

TF_GROUP = "TF Playground:"
"""Title prefix of the presets that reproduce TensorFlow Playground scenes (one group)."""


UNIT_HINTS = {
    StepUnit.PHASE: "Step runs one phase: forward layer by layer, loss, backward layer by "
                    "layer, update. The Inspector tab shows each with its numbers.",
    StepUnit.SAMPLE: "Step trains one step on a single sample (the traced one, or the next).",
    StepUnit.BATCH: "Step trains on the next minibatch and shows every number of it.",
    StepUnit.EPOCH: "Step trains one whole epoch.",
}
"""What the status bar says when Step by changes."""


class ControlBar(QWidget):
    """The run controls (objectNames: runButton, stepButton, stepBackButton,
    granularityPicker, resetButton, epochLabel, speed, presetPicker, rateLabel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolbar")
        # two rows (run controls; speed and preset) side by side, or stacked when narrow
        self._rows = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._rows.setContentsMargins(8, 6, 8, 6)
        h, self.second_row = QHBoxLayout(), QHBoxLayout()
        self._rows.addLayout(h)
        self._rows.addLayout(self.second_row, 1)
        self.run_button = name(QPushButton("▶  Run"), "runButton", "Run or pause",
                               "Run / pause training (Space)")
        self.run_button.setCheckable(True)
        self.run_button.setMinimumWidth(88)
        self.step_button = name(QPushButton("Step ▸"), "stepButton", "Step",
                                "Advance by the chosen unit: one phase, sample, batch or epoch "
                                "(Right arrow or S)")
        self.step_back_button = name(QPushButton("◂ Back"), "stepBackButton", "Step back",
                                     "Undo the last phase, or the last whole step "
                                     "(Left arrow or B)")
        self.granularity = name(QComboBox(), "granularityPicker", "Step by",
                                "What one Step does: one phase of backprop, one training step "
                                "on one sample, one minibatch step, or a whole epoch")
        for text, unit in GRANULARITIES:
            self.granularity.addItem(text, unit)
        self.reset_button = name(QPushButton("Reset"), "resetButton", "Reset weights",
                                 "New initial weights with the next seed; same data (R)")
        self.epoch_label = name(CounterLabel("Epoch 0,000"), "epochLabel", "Epoch counter",
                                "Completed epochs")
        self._size_epoch_label()
        self.speed = name(QComboBox(), "speed", "Training speed",
                          "Epochs per second: 'max' trains as fast as the machine allows")
        for text, value in SPEEDS:
            self.speed.addItem(text, value)
        self.speed.setCurrentIndex(self.speed.findData(DEFAULT_SPEED))
        self.preset_picker = name(QComboBox(), "presetPicker", "Preset",
                                  "Load a complete scenario: data, network and settings")
        grouped = False
        for key, s in load_presets().items():
            if s.title.startswith(TF_GROUP) and not grouped:  # a line above the TF group
                self.preset_picker.insertSeparator(self.preset_picker.count())
                grouped = True
            self.preset_picker.addItem(s.title, key)
            self.preset_picker.setItemData(self.preset_picker.count() - 1, s.description,
                                           Qt.ItemDataRole.ToolTipRole)
        self.preset_picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.preset_picker.setMinimumContentsLength(11)  # full titles in the list and tooltip
        self.rate_label = CounterLabel("00,000 epochs/s", min_interval=RATE_INTERVAL)
        self.rate_label.setObjectName("rateLabel")
        self.rate_label.setAccessibleName("Training rate")
        """Shown in the status bar (the window places it), so it never widens the toolbar."""
        h.addWidget(self.run_button)
        h.addWidget(buddy_label("Step b&y", self.granularity))
        h.addWidget(self.granularity)
        for w in (self.step_back_button, self.step_button, self.reset_button):
            h.addWidget(w)
        h.addSpacing(12)
        h.addWidget(self.epoch_label)
        h.addStretch(1)  # stacked, the run controls stay together at the left
        row = self.second_row
        row.addWidget(buddy_label("Spee&d", self.speed))
        row.addWidget(self.speed)
        row.addStretch(1)
        row.addWidget(buddy_label("Pre&set", self.preset_picker))
        row.addWidget(self.preset_picker, 3)  # takes the room there is, up to its longest title
        longest = max(self.preset_picker.fontMetrics().horizontalAdvance(s.title + " (edited)")
                      for s in load_presets().values())
        self.preset_picker.setMaximumWidth(longest + 48)

    def _one_row_width(self) -> int:
        margins = self._rows.contentsMargins()
        return (self._rows.itemAt(0).minimumSize().width() + self._rows.spacing()
                + self._rows.itemAt(1).minimumSize().width() + margins.left() + margins.right())

    def minimumSizeHint(self) -> QSize:
        """As narrow as its wider row: below one row's width the rows stack (a projector's
        1280×800 at 150 %), so the window need not scroll sideways."""
        margins = self._rows.contentsMargins()
        width = max(self._rows.itemAt(k).minimumSize().width() for k in (0, 1))
        return QSize(width + margins.left() + margins.right(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        stacked = event.size().width() < self._one_row_width()
        direction = (QBoxLayout.Direction.TopToBottom if stacked
                     else QBoxLayout.Direction.LeftToRight)
        if self._rows.direction() != direction:
            self._rows.setDirection(direction)
            self.updateGeometry()  # one row or two: the window gives the bar its new height
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # the window zoom: the counter grows too
            self._size_epoch_label()
        super().changeEvent(event)

    def _size_epoch_label(self) -> None:
        """The epoch counter, large enough to read from the back: 1.6 × the bar's text."""
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * EPOCH_SCALE)
        font.setWeight(QFont.Weight.DemiBold)
        self.epoch_label.setFont(font)

    def is_stacked(self) -> bool:
        return self._rows.direction() == QBoxLayout.Direction.TopToBottom

    def unit(self) -> StepUnit:
        """What one Step does now."""
        return StepUnit(self.granularity.currentData())

    def unit_hint(self) -> str:
        return UNIT_HINTS[self.unit()]

    def show_running(self, running: bool) -> None:
        self.run_button.setChecked(running)
        self.run_button.setText("❚❚  Pause" if running else "▶  Run")

    def show_preset(self, key: str, edited: bool) -> None:
        """Select the run's preset in the picker, marked "(edited)" when settings moved; none
        when the run is no preset's (its own data, say)."""
        i = self.preset_picker.findData(key)
        self.preset_picker.blockSignals(True)
        if i < 0:
            self.preset_picker.setCurrentIndex(-1)
            self.preset_picker.setToolTip("Load a complete scenario: data, network and settings")
            self.preset_picker.blockSignals(False)
            return
        self.preset_picker.setCurrentIndex(i)
        preset = load_presets()[key]
        self.preset_picker.setItemText(i, preset.title + (" (edited)" if edited else ""))
        self.preset_picker.setToolTip(f"{preset.title}: {preset.description}")
        self.preset_picker.blockSignals(False)
