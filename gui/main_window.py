"""The main window: layout, and wiring of controls to commands and of snapshots to views.

The session (in the worker thread) owns the run and its scenario. Controls send typed
commands (``session.commands``); the window renders the newest snapshot and shows its scenario
once every command sent has been handled, so a reply to an older change never overwrites a
newer one. Events go to the status bar, the banner and the File menu.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication

from engine.map_plane import Projection
from engine.presets import DEFAULT_PRESET, get_preset, load_presets
from engine.scenario import Scenario, output_units
from gui.editors import EditorActions
from gui.files import FileActions
from gui.pinned_runs import PinnedRuns
from gui.recording import Recorder
from gui.run_menu import RunMenu
from gui.share_text import ShareScenario
from gui.shortcuts import install_leave_text_field, install_shortcuts, space_action
from gui.view_menu import ViewMenu
from gui.window_layout import WindowLayout
from gui.window_names import name_window
from gui.worker import WorkerClient
from session import commands as c
from session.edits import edited_from
from session.events import (
    Diverged,
    Event,
    FileDone,
    FileFailed,
    GradientChecked,
    Notice,
    Refused,
    RunningChanged,
    WeightsMismatch,
)
from session.snapshot import Snapshot

LOSS_PLOT_INTERVAL = 0.25
"""Seconds between loss-plot redraws while training runs (it is always drawn when paused)."""


class MainWindow(WindowLayout):
    """Backprop Playground's window."""

    frameRendered = Signal(object)
    """A snapshot has just been drawn (the Recorder grabs frames on it)."""

    def __init__(self, preset: str | None = None, workspace: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Backprop Playground")
        start = get_preset(preset or DEFAULT_PRESET)
        self.snapshot: Snapshot | None = None
        """The newest snapshot received."""
        self.rendered: Snapshot | None = None
        """The snapshot the views show (set once its deferred render has run)."""
        self._shown_scenario: Scenario | None = None
        self._reshow = False
        """True while controls may show their own prediction of pending edits."""
        self._closing = False
        self._render_pending = False
        self._loss_drawn = 0.0
        self.frames_rendered = 0
        """Snapshots drawn so far (the responsiveness benchmark reads it)."""
        self._build_layout()
        self._wire_controls()
        self._build_shortcuts()
        self.client = WorkerClient(start, self)
        self.files = FileActions(self, self.client)
        self.editors = EditorActions(self, self.client, self.files.may_discard)
        self.share = ShareScenario(self, self.client, self.editors.menu, self.files,
                                   self.load_scenario)
        self.pinned_runs = PinnedRuns(self, self.loss_plot, self.send, self.client)
        self.run_menu = RunMenu(self, self.toggle_run, self.step, self.step_back, self.reset,
                                self.granularity)
        self.view_menu = ViewMenu(self, self.inspector_dock)
        self.recorder = Recorder(self)
        name_window(self)
        self.send(c.SetSpeed(float(self.speed.currentData())))
        if workspace is not None:
            self.send(c.OpenWorkspace(workspace))
        self.client.snapshotArrived.connect(self._on_snapshot)
        self.client.eventArrived.connect(self._on_event)
        self._show_scenario(start)
        self._fit_to_screen(1440, 900)

    def _wire_controls(self) -> None:
        bar = self.controls
        self.run_button, self.step_button = bar.run_button, bar.step_button
        self.step_back_button, self.granularity = bar.step_back_button, bar.granularity
        self.reset_button, self.epoch_label = bar.reset_button, bar.epoch_label
        self.speed, self.preset_picker = bar.speed, bar.preset_picker
        bar.run_button.clicked.connect(self.toggle_run)
        bar.step_button.clicked.connect(self.step)
        bar.step_back_button.clicked.connect(self.step_back)
        bar.granularity.currentIndexChanged.connect(self._on_granularity)
        bar.reset_button.clicked.connect(self.reset)
        bar.speed.currentIndexChanged.connect(self._on_speed)
        bar.preset_picker.activated.connect(self._on_preset)
        for panel in (self.data_panel, self.feature_panel, self.training_panel,
                      self.architecture):
            panel.commandRequested.connect(self._on_edit)
        self.training_panel.refused.connect(self._refuse)
        self.network_view.geometryChanged.connect(self._align_architecture)
        self.network_view.weightEditRequested.connect(self.client_weight)
        self.network_view.biasEditRequested.connect(self.client_bias)
        self.network_view.unitHovered.connect(self._on_unit_hovered)
        self.network_view.weightSelected.connect(self._on_weight_selected)
        self.network_view.unitSelected.connect(self._on_unit_selected)
        self.output_view.pointClicked.connect(self._on_point_clicked)
        self.output_view.edit_points.toggled.connect(self._on_edit_points)
        self.output_view.axesChosen.connect(lambda x, y: self.send(c.SetMapAxes(x, y)))
        self.output_view.pcaChosen.connect(lambda: self.send(c.SetMapAxes(
            *self.output_view.axes_chooser.axes, projection=Projection.PCA)))
        self.inspector.traceTargetChanged.connect(self._on_trace_target)
        self.inspector.tracePreviewChanged.connect(lambda on: self.send(c.SetTracePreview(on)))
        self.inspector.digitsChanged.connect(lambda n: self.send(c.SetDigits(n)))
        self.inspector.layoutChanged.connect(lambda name: self.send(c.SetLayout(name)))
        self.inspector.deltaExpandRequested.connect(
            lambda layer, unit: self.send(c.ExpandDelta(layer, unit)))
        self.inspector.enlargeToggled.connect(lambda on: self.output_view.setVisible(not on))
        self.inspector.gradientCheckRequested.connect(self._on_gradient_check)
        self.inspector.checkWorkToggled.connect(lambda on: self.send(c.SetCheckWork(on)))
        self.inspector.answers.answerChecked.connect(
            lambda name, cells: self.send(c.CheckAnswer(name, cells)))
        self.inspector.answers.solutionRequested.connect(
            lambda name: self.send(c.ShowSolution(name)))

    def _build_shortcuts(self) -> None:
        install_shortcuts(self, {
            "Space": space_action(self.toggle_run, self.run_button), "Right": self.step,
            "S": self.step, "Left": self.step_back, "B": self.step_back, "R": self.reset})
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # where focus goes when a field is left
        self._leave_field = install_leave_text_field(self)

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Open at ``width`` × ``height``, or smaller on a smaller screen (a projector)."""
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            width, height = min(width, screen.width()), min(height, screen.height())
        self.resize(width, height)

    @property
    def scenario(self) -> Scenario | None:
        """The scenario in force, as the newest snapshot reports it (the session owns it)."""
        return None if self.snapshot is None else self.snapshot.scenario

    def send(self, command: c.Command) -> None:
        self.client.send(command)

    # ------------------------------------------------------------------------------------------
    # Commands
    # ------------------------------------------------------------------------------------------
    @Slot()
    def toggle_run(self) -> None:
        if self.client.running:
            self.send(c.Pause())
        else:
            self.banner.hide()
            self.send(c.Run())
            self.statusBar().showMessage("Training… press Space or Pause to stop.", 4000)
            self.controls.show_running(True)

    @Slot()
    def step(self) -> None:
        """Advance by the chosen unit (phase, sample, batch or epoch)."""
        self.banner.hide()
        unit = self.controls.unit()
        self.send(c.Step(unit))
        if unit is c.StepUnit.EPOCH:
            return
        self.inspector_dock.show_panel()
        if unit is not c.StepUnit.PHASE:
            self.statusBar().showMessage(
                "The whole step ran; the Inspector shows its update. Press ◂ Back to walk "
                "back through its phases, or choose Step by: Phase to go forward one at a "
                "time.", 8000)

    @Slot()
    def step_back(self) -> None:
        self.banner.hide()
        self.send(c.StepBack())

    @Slot()
    def reset(self) -> None:
        self.banner.hide()
        self.send(c.Reset())

    @Slot(int)
    def _on_granularity(self, _index: int) -> None:
        self.statusBar().showMessage(self.controls.unit_hint(), 8000)

    @Slot(object)
    def _on_trace_target(self, index: object) -> None:
        self.send(c.TraceSample(None if index is None else int(index)))  # the session says how

    @Slot(float, float, object)
    def _on_point_clicked(self, x: float, y: float, modifiers: object) -> None:
        """Trace the nearest sample, or (with "Add points") edit the data."""
        if not self.output_view.edit_points.isChecked():
            self.send(c.TraceNearest(x, y))  # the session says which sample, and how
            return
        mods = Qt.KeyboardModifier(modifiers) if modifiers is not None else Qt.KeyboardModifier(0)
        if mods & Qt.KeyboardModifier.ControlModifier:
            self.send(c.RemovePoint(x, y))
        else:
            self.send(c.AddPoint(x, y, 0 if mods & Qt.KeyboardModifier.ShiftModifier else 1))

    @Slot(bool)
    def _on_edit_points(self, on: bool) -> None:
        """Say what the first added point will do before it does it."""
        snap = self.snapshot
        if on and snap is not None and snap.scenario.data.dataset != "custom":
            self.statusBar().showMessage(
                "Add points: the first point makes this data your own. Every point then "
                "trains (no test set) and the loss history starts again; the weights are kept.",
                12000)

    @Slot(int, int, int)
    def _on_unit_selected(self, column: int, unit: int) -> None:
        """A click on a unit of a layer selects its bias for the chain rule (inputs have
        none)."""
        if column >= 1 and self.snapshot is not None and self.snapshot.use_bias:
            self.send(c.SelectBias(column - 1, unit))
            if self.snapshot.trace is not None:
                self.inspector_dock.show_panel()

    def _on_weight_selected(self, layer: int, i: int, j: int) -> None:
        self.send(c.SelectWeight(layer, i, j))
        trace = None if self.snapshot is None else self.snapshot.trace
        if trace is not None:
            self.inspector_dock.show_panel()
            if f"backward {layer + 1}" not in trace.phases[:trace.position]:
                self.statusBar().showMessage("The Inspector shows this weight's chain rule once "
                                             "its backward phase has run.", 6000)

    @Slot()
    def _on_gradient_check(self) -> None:
        self.statusBar().showMessage("Running the gradient check…", 3000)
        self.send(c.GradientCheck())

    @Slot(int, int, int, float)
    def client_weight(self, layer: int, i: int, j: int, value: float) -> None:
        self.send(c.SetWeight(layer, i, j, value))
        self.statusBar().showMessage(f"Weight set to {value:g}.", 4000)

    @Slot(int, int, float)
    def client_bias(self, layer: int, j: int, value: float) -> None:
        self.send(c.SetBias(layer, j, value))
        self.statusBar().showMessage(f"Bias set to {value:g}.", 4000)

    @Slot(int)
    def _on_speed(self, _index: int) -> None:
        self.send(c.SetSpeed(float(self.speed.currentData())))

    @Slot(int)
    def _on_preset(self, _index: int) -> None:
        preset = get_preset(self.preset_picker.currentData())
        if not self.files.may_discard():
            if self.scenario is not None:  # the picker shows the run's own preset again
                self._show_scenario(self.scenario)
            return
        self.load_scenario(preset, f"Loaded preset “{preset.title}”: {preset.description}")

    def load_scenario(self, scenario: Scenario, message: str) -> None:
        self.banner.hide()
        self.send(c.LoadScenario(scenario, message))

    @Slot(object)
    def _on_edit(self, command: c.Command) -> None:
        """A panel's scenario edit: the session applies it live or rebuilds. The panel shows
        its own prediction until the session's scenario is shown again."""
        self._reshow = True
        self.send(command)

    @Slot(str)
    def _refuse(self, message: str) -> None:
        """Say why; the controls show the scenario in force once every command has run."""
        self._reshow = True
        if self.client.settled and self.scenario is not None:
            self._show_scenario(self.scenario)
        self.statusBar().showMessage(f"Not applied: {message}", 8000)

    # ------------------------------------------------------------------------------------------
    # Events and display
    # ------------------------------------------------------------------------------------------
    @Slot(object)
    def _on_event(self, event: Event) -> None:
        if isinstance(event, Notice):
            self.statusBar().showMessage(event.text, 6000)
        elif isinstance(event, Refused):
            self._refuse(event.text)
        elif isinstance(event, Diverged):
            self._on_divergence(event)
        elif isinstance(event, RunningChanged):
            self.controls.show_running(event.running)
            if not event.running and self.statusBar().currentMessage().startswith("Training…"):
                self.statusBar().showMessage("Paused.", 4000)
        elif isinstance(event, GradientChecked):
            self.inspector.show_gradient_check(event.report)
            self.inspector_dock.show_panel()
            self.statusBar().showMessage(
                event.report.summary().capitalize() + ".", 8000)
        elif isinstance(event, (FileDone, FileFailed, WeightsMismatch)):
            self.files.on_event(event)

    def _show_scenario(self, s: Scenario) -> None:
        self._shown_scenario, self._reshow = s, False
        self.data_panel.show_scenario(s)
        self.feature_panel.show_scenario(s)
        self.training_panel.show_scenario(s)
        try:
            n_out = output_units(s)
        except ValueError:
            n_out = 1
        self.architecture.show_scenario(s, n_out)
        presets = load_presets()
        self.controls.show_preset(s.key, s.key in presets and edited_from(s, presets[s.key]))

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
        # (by value: from the training process every snapshot brings a fresh copy)
        if self.client.settled and (self._reshow or snap.scenario != self._shown_scenario):
            self._show_scenario(snap.scenario)
        if snap.file != self.files.file:
            self.files.show_file(snap.file)
        self.epoch_label.setText(f"Epoch {snap.epoch:,}")
        rate = snap.epochs_per_second
        self.controls.rate_label.setText(f"{rate:,.0f} epochs/s" if snap.running and rate
                                         else "")
        self.network_view.set_snapshot(snap)
        self.network_view.set_trace(None if snap.trace is None else snap.trace.display)
        self.output_view.set_snapshot(snap)
        self.inspector.set_snapshot(snap)
        self.show_image_tab(self.image_views.applies(snap))
        self.image_views.set_snapshot(snap)
        self.metrics_view.set_snapshot(snap)
        self.step_back_button.setEnabled(snap.can_step_back)
        now = time.monotonic()
        if not snap.running or now - self._loss_drawn >= LOSS_PLOT_INTERVAL:
            # the curves move slowly; redrawing their axes 30×/s would cost most of a frame
            self._loss_drawn = now
            self.loss_plot.set_snapshot(snap)
        self.rendered = snap
        self.frames_rendered += 1
        self.frameRendered.emit(snap)

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

    def _on_divergence(self, event: Diverged) -> None:
        self.banner.show_divergence(event)
        self.controls.show_running(False)

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
        self.inspector_dock.attach()  # no inspector window left behind
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._leave_field)
        self.client.shutdown()
        super().closeEvent(event)
