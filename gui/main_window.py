"""The main window: wires controls to the training worker and snapshots to the views.

It owns the scenario the user is editing. A control change arrives as (kind, new scenario):
live kinds go to the worker as they are; a rebuild is first fitted to the data
(``engine.scenario.fit_to_data``), then sent as a new scenario, and the status bar says the
weights were re-initialised. A refused change puts the controls back and says why.
"""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.presets import DEFAULT_PRESET, get_preset, load_presets
from engine.scenario import Scenario, fit_to_data, output_units, scenario_to_dict
from gui.architecture import ArchitectureBar
from gui.controls import DataPanel, FeaturePanel, TrainingPanel, name
from gui.files import FileActions
from gui.inspector import InspectorPanel
from gui.loss_plot import LossPlot
from gui.network import NetworkView
from gui.output_view import OutputView
from gui.snapshot import Snapshot
from gui.worker import MAX_SEED, WorkerClient

LOSS_PLOT_INTERVAL = 0.25
"""Seconds between loss-plot redraws while training runs (it is always drawn when paused)."""
GRANULARITIES = [("Epoch", "epoch"), ("Batch", "batch"), ("Sample", "sample"),
                 ("Phase", "phase")]
SPEEDS = [("max", 0.0), ("1000/s", 1000.0), ("300/s", 300.0), ("100/s", 100.0),
          ("30/s", 30.0), ("10/s", 10.0), ("3/s", 3.0), ("1/s", 1.0)]


def _comparable(s: Scenario) -> dict:
    """A scenario as plain data, seeds left out (Reset moves to the next seed)."""
    d = scenario_to_dict(s)
    d["init"].pop("seed", None)
    d["train"].pop("seed", None)
    return d


class MainWindow(QMainWindow):
    """Backprop Playground's window."""

    def __init__(self, preset: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Backprop Playground")
        self.scenario: Scenario = get_preset(preset or DEFAULT_PRESET)
        self.snapshot: Snapshot | None = None
        self._closing = False
        self._build_toolbar()
        self._build_body()
        self._build_shortcuts()
        self.files = FileActions(self)

        self.client = WorkerClient(self.scenario, self)
        self.client.snapshotArrived.connect(self._on_snapshot)
        self.client.failureArrived.connect(self._on_failure)
        self.client.noticeArrived.connect(self._on_notice)
        self.client.divergenceArrived.connect(self._on_divergence)
        self.client.runningChanged.connect(self._on_running)
        self.client.gradientCheckArrived.connect(self._on_gradient_report)
        self.client.scenarioArrived.connect(self._on_scenario_installed)
        self.files.connect_client(self.client)
        self._render_pending = False
        self._loss_drawn = 0.0
        self.frames_rendered = 0
        """Snapshots drawn so far (the responsiveness benchmark reads it)."""
        self._show_scenario()
        self.resize(1440, 900)

    # ------------------------------------------------------------------------------------------
    # Layout
    # ------------------------------------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = QWidget()
        bar.setObjectName("toolbar")
        h = QHBoxLayout(bar)
        h.setContentsMargins(8, 6, 8, 6)
        self.run_button = name(QPushButton("▶  Run"), "runButton", "Run or pause",
                               "Run / pause training (Space)")
        self.run_button.setCheckable(True)
        self.run_button.setMinimumWidth(96)
        self.step_button = name(QPushButton("Step ▸"), "stepButton", "Step",
                                "Advance by the chosen unit: one phase, sample, batch or epoch "
                                "(Right arrow or S)")
        self.step_back_button = name(QPushButton("◂ Back"), "stepBackButton", "Step back",
                                     "Undo the last phase, or the last whole step "
                                     "(Left arrow or B)")
        self.granularity = name(QComboBox(), "granularityPicker", "Step by",
                                "What one Step does: one phase of backprop, one training step "
                                "on one sample, one minibatch step, or a whole epoch")
        for text, key in GRANULARITIES:
            self.granularity.addItem(text, key)
        self.reset_button = name(QPushButton("Reset"), "resetButton", "Reset weights",
                                 "New initial weights with the next seed; same data (R)")
        self.epoch_label = name(QLabel(), "epochLabel", "Epoch counter", "Completed epochs")
        self.epoch_label.setMinimumWidth(150)
        self.epoch_label.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.speed = name(QComboBox(), "speed", "Training speed",
                          "Epochs per second: 'max' trains as fast as the machine allows")
        for text, value in SPEEDS:
            self.speed.addItem(text, value)
        self.preset_picker = name(QComboBox(), "presetPicker", "Preset",
                                  "Load a complete scenario: data, network and settings")
        for key, s in load_presets().items():
            self.preset_picker.addItem(s.title, key)
            self.preset_picker.setItemData(self.preset_picker.count() - 1, s.description,
                                           Qt.ItemDataRole.ToolTipRole)
        self.rate_label = QLabel()
        self.rate_label.setObjectName("rateLabel")
        h.addWidget(self.run_button)
        h.addWidget(QLabel("Step by"))
        h.addWidget(self.granularity)
        for w in (self.step_back_button, self.step_button, self.reset_button):
            h.addWidget(w)
        h.addSpacing(12)
        h.addWidget(self.epoch_label)
        h.addWidget(QLabel("Speed"))
        h.addWidget(self.speed)
        h.addWidget(self.rate_label)
        h.addStretch(1)
        h.addWidget(QLabel("Preset"))
        h.addWidget(self.preset_picker)
        self._toolbar = bar

        self.run_button.clicked.connect(self.toggle_run)
        self.step_button.clicked.connect(self.step)
        self.step_back_button.clicked.connect(self.step_back)
        self.granularity.currentIndexChanged.connect(self._on_granularity)
        self.reset_button.clicked.connect(self.reset)
        self.speed.currentIndexChanged.connect(self._on_speed)
        self.preset_picker.activated.connect(self._on_preset)

    def _build_body(self) -> None:
        self.data_panel = DataPanel()
        self.feature_panel = FeaturePanel()
        self.training_panel = TrainingPanel()
        side = QWidget()
        sv = QVBoxLayout(side)
        sv.setContentsMargins(4, 4, 4, 4)
        for panel in (self.data_panel, self.feature_panel, self.training_panel):
            sv.addWidget(panel)
            panel.changed.connect(self._on_change)
        sv.addStretch(1)
        self.data_panel.regenerateRequested.connect(self._regenerate)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(340)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.architecture = ArchitectureBar()
        self.architecture.changed.connect(self._on_change)
        self.network_view = NetworkView()
        self.network_view.geometryChanged.connect(self._align_architecture)
        self.network_view.weightEditRequested.connect(self.client_weight)
        self.network_view.biasEditRequested.connect(self.client_bias)
        self.network_view.unitHovered.connect(self._on_unit_hovered)
        self.network_view.weightSelected.connect(self._on_weight_selected)
        centre = QWidget()
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.addWidget(self.architecture)
        cv.addWidget(self.network_view, 1)

        self.output_view = OutputView()
        self.output_view.pointClicked.connect(self._on_point_clicked)
        self.loss_plot = LossPlot()
        self.inspector = InspectorPanel()
        self.inspector.traceTargetChanged.connect(self._on_trace_target)
        self.inspector.gradientCheckRequested.connect(self._on_gradient_check)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("bottomTabs")
        self.tabs.addTab(self.loss_plot, "Loss")
        self.tabs.addTab(self.inspector, "Inspector (backprop step)")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.output_view)
        right.addWidget(self.tabs)
        right.setSizes([470, 370])

        self.banner = name(QLabel(), "divergenceBanner", "Training problem")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background: #fde2e1; color: #7a1212; border: 1px solid #e0a0a0;"
            "padding: 6px; font-weight: 600;"
        )
        self.banner.hide()

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(centre)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setSizes([340, 620, 480])

        root = QWidget()
        v = QVBoxLayout(root)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self._toolbar)
        v.addWidget(self.banner)
        v.addWidget(split, 1)
        self.setCentralWidget(root)
        self.statusBar().showMessage("Press Run (Space) to train. Hover a unit or weight to see "
                                     "its numbers; click to edit it.")

    def _build_shortcuts(self) -> None:
        for keys, slot in (("Space", self._space), ("Right", self.step), ("S", self.step),
                           ("Left", self.step_back), ("B", self.step_back),
                           ("R", self.reset)):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(slot)

    # ------------------------------------------------------------------------------------------
    # Commands
    # ------------------------------------------------------------------------------------------
    @Slot()
    def _space(self) -> None:
        """Space runs or pauses, except on a focused check box or button, which it presses."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QAbstractButton) and focus is not self.run_button:
            focus.click()
            return
        self.toggle_run()

    @Slot()
    def toggle_run(self) -> None:
        if self.client.running:
            self.client.pauseRequested.emit()
        else:
            self.banner.hide()
            self.mark_dirty()
            self.client.runRequested.emit()
            self.statusBar().showMessage("Training… press Space or Pause to stop.", 4000)
            self._on_running(True)

    @Slot()
    def step(self) -> None:
        """Advance by the chosen unit (phase, sample, batch or epoch)."""
        self.banner.hide()
        self.mark_dirty()
        unit = self.granularity.currentData()
        if unit == "epoch":
            self.client.stepRequested.emit()
            return
        if self.tabs.currentWidget() is not self.inspector:
            self.tabs.setCurrentWidget(self.inspector)
        {"phase": self.client.phaseStepRequested, "sample": self.client.sampleStepRequested,
         "batch": self.client.batchStepRequested}[unit].emit()
        if unit != "phase":
            self.statusBar().showMessage(
                "The whole step ran; the Inspector shows its update. Press ◂ Back to walk "
                "back through its phases, or choose Step by: Phase to go forward one at a "
                "time.", 8000)

    @Slot()
    def step_back(self) -> None:
        self.banner.hide()
        self.client.stepBackRequested.emit()

    @Slot(int)
    def _on_granularity(self, _index: int) -> None:
        unit = self.granularity.currentData()
        self.statusBar().showMessage(
            {"phase": "Step runs one phase: forward layer by layer, loss, backward layer by "
                      "layer, update. The Inspector tab shows each with its numbers.",
             "sample": "Step trains one step on a single sample (the traced one, or the next).",
             "batch": "Step trains on the next minibatch and shows every number of it.",
             "epoch": "Step trains one whole epoch."}[unit], 8000)

    @Slot(object)
    def _on_trace_target(self, index: object) -> None:
        self.client.tracedSampleRequested.emit(index)

    @Slot(float, float, object)
    def _on_point_clicked(self, x: float, y: float, modifiers: object) -> None:
        """Trace the nearest sample, or (with "Click adds points") edit the data."""
        if not self.output_view.edit_points.isChecked():
            self.client.traceAtRequested.emit(x, y)
            self.statusBar().showMessage("Tracing the training sample nearest to your click.",
                                         5000)
            return
        mods = Qt.KeyboardModifier(modifiers) if modifiers is not None else Qt.KeyboardModifier(0)
        self.mark_dirty()
        if mods & Qt.KeyboardModifier.ControlModifier:
            self.client.removePointRequested.emit(x, y)
        else:
            label = 0 if mods & Qt.KeyboardModifier.ShiftModifier else 1
            self.client.addPointRequested.emit(x, y, label)

    @Slot(object)
    def _on_scenario_installed(self, scenario: object) -> None:
        """The worker built a new trainer (preset, file, CSV, data edit): show its settings."""
        self.scenario = scenario
        self._show_scenario()

    def mark_dirty(self) -> None:
        self.files.mark_dirty()

    @Slot(int, int, int)
    def _on_weight_selected(self, layer: int, i: int, j: int) -> None:
        self.client.weightSelectRequested.emit(layer, i, j)
        if self.snapshot is not None and self.snapshot.trace is not None:
            self.tabs.setCurrentWidget(self.inspector)
            self.statusBar().showMessage("The Inspector shows this weight's chain rule once "
                                         "its backward phase has run.", 6000)

    @Slot()
    def _on_gradient_check(self) -> None:
        self.statusBar().showMessage("Running the gradient check…", 3000)
        self.client.gradientCheckRequested.emit()

    @Slot(object)
    def _on_gradient_report(self, report: object) -> None:
        self.inspector.show_gradient_check(report)
        self.tabs.setCurrentWidget(self.inspector)
        self.statusBar().showMessage(report.summary().capitalize() + ".", 8000)

    @Slot()
    def reset(self) -> None:
        """New initial weights from the next seed (explicit weights: back to them)."""
        self.banner.hide()
        self.mark_dirty()
        s = self.scenario
        if s.init.scheme == "explicit":
            self.client.resetRequested.emit(None)
            self.statusBar().showMessage("Reset to the preset's own start weights.", 5000)
            return
        seed = (s.init.seed + 1) % MAX_SEED
        self.scenario = replace(s, init=replace(s.init, seed=seed))
        self.client.resetRequested.emit(seed)
        self._show_scenario()
        self.statusBar().showMessage(f"Reset: new initial weights (seed {seed}), same data.",
                                     5000)

    @Slot(int, int, int, float)
    def client_weight(self, layer: int, i: int, j: int, value: float) -> None:
        self.mark_dirty()
        self.client.weightRequested.emit(layer, i, j, value)
        self.statusBar().showMessage(f"Weight set to {value:g}.", 4000)

    @Slot(int, int, float)
    def client_bias(self, layer: int, j: int, value: float) -> None:
        self.mark_dirty()
        self.client.biasRequested.emit(layer, j, value)
        self.statusBar().showMessage(f"Bias set to {value:g}.", 4000)

    @Slot(int)
    def _on_speed(self, _index: int) -> None:
        self.client.speedRequested.emit(float(self.speed.currentData()))

    @Slot(int)
    def _on_preset(self, _index: int) -> None:
        key = self.preset_picker.currentData()
        self.load_scenario(get_preset(key), f"Loaded preset “{get_preset(key).title}”.")

    @Slot()
    def _regenerate(self) -> None:
        s = self.scenario
        self._on_change("rebuild", replace(s, data=replace(s.data, seed=s.data.seed + 1)))

    def load_scenario(self, scenario: Scenario, message: str) -> None:
        self.banner.hide()
        self.mark_dirty()
        self.scenario = scenario
        self.client.request_scenario(self.client.scenarioRequested, scenario)
        self._show_scenario()
        self.statusBar().showMessage(message, 6000)

    @Slot(str, object)
    def _on_change(self, kind: str, scenario: Scenario) -> None:
        """Apply a control change: live ones keep the weights, the rest rebuild."""
        if kind == "refused":  # the panel refused an entry; ``scenario`` says why
            self._refuse(str(scenario))
            return
        try:
            fitted, notes = fit_to_data(scenario)
        except ValueError as e:
            self._refuse(str(e))
            return
        self.mark_dirty()
        if kind == "optimizer":
            self.scenario = fitted
            self.client.request_scenario(self.client.optimizerRequested,
                                         fitted.train.optimizer)
            self.statusBar().showMessage("Applied live — the weights were kept.", 4000)
        elif kind == "training":
            changes = {k: getattr(fitted.train, k) for k in ("batch_size", "shuffle", "reduction")
                       if getattr(fitted.train, k) != getattr(self.scenario.train, k)}
            self.scenario = fitted
            if changes:
                self.client.request_scenario(self.client.trainingRequested, changes)
            self.statusBar().showMessage("Applied live — the weights were kept.", 4000)
        else:
            extra = f" ({'; '.join(notes)})" if notes else ""
            self.load_scenario(fitted, "Network rebuilt: the weights were re-initialised"
                                       f"{extra}.")
        self._show_scenario()

    def _refuse(self, message: str) -> None:
        self._show_scenario()
        self.statusBar().showMessage(f"Not applied: {message}", 8000)

    # ------------------------------------------------------------------------------------------
    # Display
    # ------------------------------------------------------------------------------------------
    def _show_scenario(self) -> None:
        s = self.scenario
        self.data_panel.show_scenario(s)
        self.feature_panel.show_scenario(s)
        self.training_panel.show_scenario(s)
        try:
            n_out = output_units(s)
        except ValueError:
            n_out = 1
        self.architecture.show_scenario(s, n_out)
        i = self.preset_picker.findData(s.key)
        self.preset_picker.blockSignals(True)
        if i >= 0:
            self.preset_picker.setCurrentIndex(i)
            # say so when the settings have moved away from the preset (seed changes aside)
            preset = load_presets()[s.key]
            edited = _comparable(s) != _comparable(preset)
            self.preset_picker.setItemText(i, preset.title + (" (edited)" if edited else ""))
        self.preset_picker.blockSignals(False)

    @Slot(object)
    def _on_snapshot(self, snap: Snapshot) -> None:
        """Keep the newest snapshot; render once per event-loop turn at most."""
        self.snapshot = snap
        if not self._render_pending:
            self._render_pending = True
            QTimer.singleShot(0, self._render)

    @Slot()
    def _render(self) -> None:
        self._render_pending = False
        snap = self.snapshot
        if snap is None or self._closing:
            return
        self.epoch_label.setText(f"Epoch {snap.epoch:,}")
        rate = snap.epochs_per_second
        self.rate_label.setText(f"{rate:,.0f} epochs/s" if snap.running and rate else "")
        self.network_view.set_snapshot(snap)
        self.network_view.set_trace(None if snap.trace is None else snap.trace.display)
        self.output_view.set_snapshot(snap)
        self.inspector.set_snapshot(snap)
        self.step_back_button.setEnabled(snap.can_step_back)
        now = time.monotonic()
        if not snap.running or now - self._loss_drawn >= LOSS_PLOT_INTERVAL:
            # the curves move slowly; redrawing their axes 30×/s would cost most of a frame
            self._loss_drawn = now
            self.loss_plot.set_snapshot(snap)
        self.frames_rendered += 1

    @Slot()
    def _align_architecture(self) -> None:
        offset = self.network_view.mapTo(self.architecture.parentWidget(),
                                         self.network_view.rect().topLeft()).x()
        centres = [c + offset - self.architecture.x() for c in self.network_view.column_centers()]
        self.architecture.set_column_centers(centres)

    @Slot(int, int)
    def _on_unit_hovered(self, column: int, unit: int) -> None:
        if column < 0:
            self.output_view.clear_unit_map()
        else:
            self.output_view.show_unit_map(column, unit)

    @Slot(bool)
    def _on_running(self, running: bool) -> None:
        self.run_button.setChecked(running)
        self.run_button.setText("❚❚  Pause" if running else "▶  Run")

    @Slot(str)
    def _on_failure(self, text: str) -> None:
        self._refuse(text)

    @Slot(str)
    def _on_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    @Slot(str)
    def _on_divergence(self, text: str) -> None:
        lr = self.scenario.train.optimizer.learning_rate
        self.banner.setText(
            f"Training stopped: {text}. The numbers grew too large (NaN/Inf). The weights were "
            "rolled back to the last finite state, which may already be huge. Try a lower "
            f"learning rate (now {lr:g}) and press Run, or Reset (R) for fresh weights."
        )
        self.banner.show()
        self._on_running(False)

    # ------------------------------------------------------------------------------------------
    # Shutdown
    # ------------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Offer to save unsaved work, then stop the worker and wait for its thread, so
        quitting mid-run never aborts."""
        if not self._closing and not self.files.may_close():
            event.ignore()
            return
        self._closing = True
        self.client.shutdown()
        super().closeEvent(event)
