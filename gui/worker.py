"""The only bridge between the window and the engine: a worker that trains in its own thread.

Pattern (measured in DESIGN-NOTES):

* ``TrainingWorker`` is a QObject moved to a QThread. While running it trains in chunks of about
  10 ms, re-armed by a 0 ms single-shot QTimer, and returns to its event loop between chunks,
  so commands (queued slots) apply in order between chunks with no locks. Only this thread ever
  touches the trainer.
* It publishes an immutable ``Snapshot`` at most every 33 ms (and at once after a command), with
  a generation number that changes when the model is rebuilt.
* ``WorkerClient`` lives in the GUI thread. Its signals are the commands; worker signals are
  connected only to its ``@Slot`` methods, never to lambdas (a lambda would run in the worker
  thread). It keeps only the newest snapshot and drops stale generations.
"""

from __future__ import annotations

import os
import time
from collections import deque

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from engine.csvdata import read_csv_dataset, scenario_for_csv
from engine.dataedit import add_point, remove_nearest
from engine.export import dataset_to_csv, export_weights, history_to_csv
from engine.fileio import atomic_write_text
from engine.gradcheck import gradient_check
from engine.importer import (
    apply_weights,
    check_compatible,
    read_weights,
    scenario_for_weights,
    with_start_weights,
)
from engine.optimizers import OptimizerSpec
from engine.scenario import Scenario
from engine.trainer import Checkpoint, Trainer
from engine.workspace import load_workspace, save_workspace
from gui.snapshot import DataView, Snapshot, build_snapshot, compute_maps, trace_info

CHUNK_SECONDS = 0.010
PUBLISH_INTERVAL = 1.0 / 36.0
MAPS_INTERVAL = 0.15
"""While running, the maps (the costliest part of a snapshot) are refreshed at most ~7×/s;
weights, losses and the counter still go out 30×/s."""
MAX_SEED = 2**31 - 1
UNDO_STEPS = 100
"""How many whole steps Step back can undo."""


def _named(path: str, error: Exception) -> str:
    """The error's one-line message, naming the file if it does not already."""
    name = os.path.basename(path)
    text = str(error)
    return text if name in text else f"{name}: {text}"


class TrainingWorker(QObject):
    """Owns the Trainer; every slot runs in the worker thread."""

    snapshotReady = Signal(object)
    notice = Signal(str)
    """Plain-language information for the status bar (e.g. "weights were re-initialised")."""
    failed = Signal(str)
    """A command was refused; the message says why. Nothing changed."""
    divergedSignal = Signal(str)
    runningChanged = Signal(bool)
    gradientChecked = Signal(object)
    scenarioInstalled = Signal(object, int)
    """(scenario in force, scenario requests handled so far): sent when a new trainer is in
    place (preset, file, CSV, adopted weights, edited data) or a change was refused."""
    fileDone = Signal(str, str)
    """(what, path) after a file was written or read successfully."""
    fileFailed = Signal(str, str)
    """(title, message): a file could not be read or written; nothing changed."""
    weightsMismatch = Signal(str, object)
    """(message, ImportedWeights): the file's architecture differs; the window may adopt it."""

    def __init__(self, scenario: Scenario) -> None:
        super().__init__()
        self._scenario = scenario
        self.trainer: Trainer | None = None
        self._data: DataView | None = None
        self._generation = 0
        self._running = False
        self._stop = False
        self._speed = 0.0  # epochs per second; 0 = as fast as possible
        self._timer: QTimer | None = None
        self._last_publish = 0.0
        self._maps = None
        self._maps_time = 0.0
        self._undo: deque[Checkpoint] = deque(maxlen=UNDO_STEPS)
        self._traced_sample: int | None = None
        self._selected_weight: tuple[int, int, int] | None = None
        self._sample_cursor = 0
        self._scenario_requests = 0
        self._rate_window: deque[tuple[float, int]] = deque(maxlen=30)
        self._paced_since = (0.0, 0)

    # -- lifecycle -----------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """Build the trainer in this thread and publish the first snapshot."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        try:
            self._install(Trainer(self._scenario))
        except ValueError as e:
            self.failed.emit(f"Could not build the network: {e}")

    @Slot()
    def shutdown(self) -> None:
        """Stop training and end the thread's event loop (the window waits for it)."""
        self._stop = True
        self._running = False
        if self._timer is not None:
            self._timer.stop()
        thread = QThread.currentThread()
        thread.quit()

    def request_stop(self) -> None:
        """Thread-safe hint, read between epochs, to end the current chunk early."""
        self._stop = True

    def _install(self, trainer: Trainer) -> None:
        self._undo.clear()
        self._traced_sample = None
        self._selected_weight = None
        self.trainer = trainer
        self._scenario = trainer.scenario
        self._data = DataView.from_trainer(trainer)
        self._generation += 1
        self._rate_window.clear()
        self.scenarioInstalled.emit(trainer.scenario, self._scenario_requests)
        self._publish(force=True)

    # -- files -----------------------------------------------------------------------------------
    @Slot(str)
    def save_workspace(self, path: str) -> None:
        if self.trainer is None:
            return
        self.pause()
        try:
            save_workspace(self.trainer, path)  # completes an open phase step first
        except (OSError, ValueError) as e:
            self.fileFailed.emit("Could not save the workspace", _named(path, e))
            return
        self.fileDone.emit("saved", path)
        self._publish(force=True)

    @Slot(str)
    def open_workspace(self, path: str) -> None:
        try:
            trainer = load_workspace(path)
        except ValueError as e:
            self.fileFailed.emit("Could not open the workspace", _named(path, e))
            return
        self.pause()
        self._install(trainer)
        self.fileDone.emit("opened", path)

    @Slot(str, str)
    def export(self, fmt: str, path: str) -> None:
        """Weights (npz, json, onnx, py, csv), or the data / loss history as CSV."""
        t = self.trainer
        if t is None:
            return
        self.pause()
        try:
            if fmt == "history_csv":
                atomic_write_text(path, history_to_csv(t))
            elif fmt == "dataset_csv":
                atomic_write_text(path, dataset_to_csv(t))
            else:
                export_weights(t, fmt, path)
        except (OSError, ValueError, ImportError) as e:
            self.fileFailed.emit("Could not export", _named(path, e))
            return
        self.fileDone.emit("exported", path)

    @Slot(str)
    def import_weights(self, path: str) -> None:
        t = self.trainer
        if t is None:
            return
        try:
            imported = read_weights(path)
        except ValueError as e:
            self.fileFailed.emit("Could not import the weights", _named(path, e))
            return
        self.pause()
        try:
            check_compatible(t.spec, t.scenario.data.features, imported)
        except ValueError as e:
            self.weightsMismatch.emit(str(e), imported)
            return
        self._undo.append(t.checkpoint())
        apply_weights(t, imported)
        self.fileDone.emit("imported", path)
        self._publish(force=True)

    @Slot(object)
    def adopt_weights(self, imported: object) -> None:
        """Take the file's architecture, then its weights (after the user agreed)."""
        t = self.trainer
        if t is None:
            return
        try:
            trainer = Trainer(with_start_weights(scenario_for_weights(t.scenario, imported),
                                                 imported))
        except ValueError as e:
            self.fileFailed.emit("Could not adopt the file's network", str(e))
            return
        self.pause()
        self._install(trainer)
        self.fileDone.emit("adopted", "")

    @Slot(str, object, str, float)
    def import_csv(self, path: str, label_column: object, task: str,
                   train_fraction: float) -> None:
        t = self.trainer
        if t is None:
            return
        try:
            data = read_csv_dataset(path, label_column=label_column, task=task,
                                    train_fraction=train_fraction)
            scenario, notes = scenario_for_csv(t.scenario, data)
            trainer = Trainer(scenario)
        except ValueError as e:
            self.fileFailed.emit("Could not import the data", _named(path, e))
            return
        self.pause()
        self._install(trainer)
        self.fileDone.emit("data", "; ".join(dict.fromkeys([*data.notes(), *notes])))

    @Slot(float, float, int)
    def add_point(self, x: float, y: float, label: int) -> None:
        self._edit_data(lambda s, ds: add_point(s, ds, (x, y), label), "added a point")

    @Slot(float, float)
    def remove_point(self, x: float, y: float) -> None:
        self._edit_data(lambda s, ds: remove_nearest(s, ds, (x, y)), "removed a point")

    def _edit_data(self, change, what: str) -> None:
        t = self.trainer
        if t is None:
            return
        was_running = self._running
        try:
            trainer = Trainer(change(t.scenario, t.dataset))
        except ValueError as e:
            self.failed.emit(str(e))
            return
        if trainer.spec == t.spec:
            trainer.set_parameters(t.params.as_list())  # same network: keep what it learned
        self.pause()
        self._install(trainer)
        self.notice.emit(f"Data edited ({what}); the weights were kept. Edited data has no "
                         "test set.")
        if was_running:
            self.run()

    # -- commands ------------------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        if self.trainer is None or self._running:
            return
        self._running = True
        self._paced_since = (time.perf_counter(), self.trainer.epoch)
        self.runningChanged.emit(True)
        self._schedule(0)

    @Slot()
    def pause(self) -> None:
        if not self._running:
            return
        self._running = False
        if self._timer is not None:
            self._timer.stop()
        self.runningChanged.emit(False)
        self._publish(force=True)

    @Slot()
    def step(self) -> None:
        """One whole epoch, then stop (pauses a run)."""
        if self.trainer is None:
            return
        self.pause()
        self._undo.append(self.trainer.checkpoint())
        report = self.trainer.train(1)
        if report.diverged is not None:
            self.divergedSignal.emit(str(report.diverged))
        self._publish(force=True)

    # -- stepping through backprop ---------------------------------------------------------------
    def _trace_indices(self) -> np.ndarray | None:
        return None if self._traced_sample is None else np.array([self._traced_sample])

    @Slot()
    def step_phase(self) -> None:
        """Run the next phase; the first phase starts a step on the traced samples."""
        t = self.trainer
        if t is None:
            return
        self.pause()
        stepper = t.active_step
        if stepper is None:
            self._undo.append(t.checkpoint())
            stepper = t.begin_step(self._trace_indices())
        stepper.advance()
        self._after_trace_step()

    @Slot()
    def step_sample(self) -> None:
        """One whole training step on a single sample: the traced one, else the next in turn."""
        t = self.trainer
        if t is None:
            return
        self.pause()
        if t.active_step is not None:  # finishing the step in progress is this step
            t.active_step.run_to_end()
            self._after_trace_step()
            return
        self._undo.append(t.checkpoint())
        if self._traced_sample is not None:
            index = self._traced_sample
        else:
            index = self._sample_cursor % t.n_train
            self._sample_cursor += 1
        t.begin_step(np.array([index])).run_to_end()
        self._after_trace_step()

    @Slot()
    def step_batch(self) -> None:
        """One whole training step on the epoch's next minibatch, fully traced."""
        t = self.trainer
        if t is None:
            return
        self.pause()
        if t.active_step is not None:  # finishing the step in progress is this batch's step
            t.active_step.run_to_end()
        else:
            self._undo.append(t.checkpoint())
            t.begin_step().run_to_end()
        self._after_trace_step()

    def _after_trace_step(self) -> None:
        t = self.trainer
        if t is not None and t.diverged is not None:
            self.divergedSignal.emit(str(t.diverged))
        self._publish(force=True)

    @Slot()
    def step_back(self) -> None:
        """Undo the last phase of the step in progress, or else the last whole step."""
        t = self.trainer
        if t is None:
            return
        self.pause()
        stepper = t.current_step
        if stepper is not None and stepper.position > 0:
            stepper.back()
            if stepper.position == 0:
                # the step is undone completely: the state equals its checkpoint
                t.abandon_step()
                if self._undo:
                    self._undo.pop()
        elif self._undo:
            try:
                t.restore(self._undo.pop())
            except ValueError as e:
                self._undo.clear()
                self.notice.emit(f"Cannot step back further: {e}.")
        else:
            self.notice.emit("Nothing to step back to.")
        self._publish(force=True)

    @Slot(object)
    def set_traced_sample(self, index: object) -> None:
        """Trace one training sample (its index) or, with None, the current minibatch."""
        t = self.trainer
        if t is None:
            return
        if index is not None and not 0 <= int(index) < t.n_train:
            self.failed.emit(f"there is no training sample #{index}")
            return
        self._traced_sample = None if index is None else int(index)
        self._publish(force=True)

    @Slot(float, float)
    def trace_sample_at(self, x: float, y: float) -> None:
        """Trace the training sample nearest to a point clicked in the output view."""
        if self.trainer is not None:
            self.set_traced_sample(self.trainer.nearest_sample(x, y))

    @Slot(int, int, int)
    def select_weight(self, layer: int, i: int, j: int) -> None:
        """Explain this weight's chain rule (layer 0-based, as the diagram reports it)."""
        t = self.trainer
        if t is None or not 0 <= layer < t.spec.depth:
            return  # a click on a diagram that has since been replaced
        n_in, n_out = t.spec.shapes()[layer]
        if not (0 <= i < n_in and 0 <= j < n_out):
            return
        self._selected_weight = (layer + 1, i, j)
        self._publish(force=True)

    @Slot()
    def gradient_check(self) -> None:
        t = self.trainer
        if t is None:
            return
        self.pause()
        indices = self._trace_indices()
        if indices is None and t.active_step is not None:
            indices = t.active_step.trace.indices
        report = gradient_check(t, indices)
        self.gradientChecked.emit(report)

    @Slot(int)
    def train_epochs(self, n: int) -> None:
        """Train exactly ``n`` epochs now (paused afterwards); used by --screenshot."""
        if self.trainer is None:
            return
        self.pause()
        report = self.trainer.train(n) if n > 0 else None
        if report is not None and report.diverged is not None:
            self.divergedSignal.emit(str(report.diverged))
        self._publish(force=True)

    @Slot(object)
    def reset(self, seed: object = None) -> None:
        """New initial weights with the given seed (None: the scenario's own start)."""
        if self.trainer is None:
            return
        self.pause()
        self.trainer.reset(None if seed is None else int(seed))
        self._undo.clear()
        self._generation += 1
        self._rate_window.clear()
        self._publish(force=True)

    @Slot(object)
    def load_scenario(self, scenario: Scenario) -> None:
        """Rebuild data and network for a new scenario; on error nothing changes."""
        was_running = self._running
        self._scenario_requests += 1
        try:
            trainer = Trainer(scenario)
        except ValueError as e:
            self._refused(str(e))
            return
        self.pause()
        self._install(trainer)
        if was_running:
            self.run()

    @Slot(object)
    def set_optimizer(self, spec: OptimizerSpec) -> None:
        """Optimiser, learning rate and regularisation change live: weights stay."""
        if self.trainer is None:
            return
        self._scenario_requests += 1
        try:
            self.trainer.set_optimizer(spec)
        except ValueError as e:
            self._refused(str(e))
            return
        self._scenario = self.trainer.scenario
        self._publish(force=True)

    @Slot(object)
    def set_training(self, changes: dict) -> None:
        """Batch size, shuffle, reduction: live, weights stay."""
        if self.trainer is None:
            return
        self._scenario_requests += 1
        batches = self.trainer.batches_per_epoch
        try:
            self.trainer.set_training(**changes)
        except (ValueError, TypeError) as e:
            self._refused(str(e))
            return
        if self.trainer.batches_per_epoch != batches:
            self._undo.clear()  # earlier steps were cut into other batches
        self._scenario = self.trainer.scenario
        self._publish(force=True)

    @Slot(int, int, int, float)
    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        self._edit(lambda t: t.set_weight(layer, i, j, value))

    @Slot(int, int, float)
    def set_bias(self, layer: int, j: int, value: float) -> None:
        self._edit(lambda t: t.set_bias(layer, j, value))

    def _refused(self, message: str) -> None:
        """A change was refused: say why, and tell the window which scenario is in force."""
        self.failed.emit(message)
        if self.trainer is not None:
            self.scenarioInstalled.emit(self.trainer.scenario, self._scenario_requests)

    def _edit(self, change) -> None:
        if self.trainer is None:
            return
        try:
            change(self.trainer)
        except ValueError as e:
            self.failed.emit(str(e))
            return
        self._publish(force=True)

    @Slot(float)
    def set_speed(self, epochs_per_second: float) -> None:
        """Throttle: 0 trains as fast as possible, otherwise about this many epochs a second."""
        self._speed = max(0.0, float(epochs_per_second))
        if self.trainer is not None:
            self._paced_since = (time.perf_counter(), self.trainer.epoch)

    @Slot()
    def publish(self) -> None:
        self._publish(force=True)

    # -- the training loop ---------------------------------------------------------------------
    def _schedule(self, delay_ms: int) -> None:
        if self._timer is not None and self._running and not self._stop:
            self._timer.start(delay_ms)

    @Slot()
    def _tick(self) -> None:
        trainer = self.trainer
        if not self._running or trainer is None or self._stop:
            return
        max_epochs = 1_000_000_000
        if self._speed > 0:
            start_time, start_epoch = self._paced_since
            due = int((time.perf_counter() - start_time) * self._speed) - (
                trainer.epoch - start_epoch)
            if due <= 0:
                wait = (trainer.epoch - start_epoch + 1) / self._speed - (
                    time.perf_counter() - start_time)
                self._schedule(max(1, min(100, int(wait * 1000))))
                return
            max_epochs = due
        # Train until the next frame is due (at most one chunk), so frames go out on time.
        budget = min(CHUNK_SECONDS, max(0.001, self._last_publish + PUBLISH_INTERVAL
                                        - time.perf_counter()))
        report = trainer.train(max_epochs, time_budget=budget)
        self._rate_window.append((time.perf_counter(), trainer.epoch))
        if report.diverged is not None:
            self._running = False
            self.runningChanged.emit(False)
            self.divergedSignal.emit(str(report.diverged))
            self._publish(force=True)
            return
        self._publish(force=False)
        self._schedule(0)

    def _epochs_per_second(self) -> float:
        if len(self._rate_window) < 2 or not self._running:
            return 0.0
        (t0, e0), (t1, e1) = self._rate_window[0], self._rate_window[-1]
        return (e1 - e0) / (t1 - t0) if t1 > t0 else 0.0

    def _publish(self, force: bool) -> None:
        now = time.perf_counter()
        if self.trainer is None or self._data is None:
            return
        if not force and now - self._last_publish < PUBLISH_INTERVAL:
            return
        self._last_publish = now
        if force or not self._running or self._maps is None or (
                now - self._maps_time >= MAPS_INTERVAL):
            self._maps = compute_maps(self.trainer, self._data)
            self._maps_time = now
        trace = None if self._running else trace_info(self.trainer, self._selected_weight)
        t = self.trainer
        # Idle, the numbers must describe the weights shown (edits, imports, undo); running,
        # the last epoch's record does and costs nothing.
        now = None if self._running else t.evaluate()
        snap = build_snapshot(
            t, self._generation, self._data, running=self._running, metrics=now,
            epochs_per_second=self._epochs_per_second(), maps=self._maps, trace=trace,
            traced_sample=self._traced_sample,
            can_step_back=bool(self._undo) or (t.current_step is not None
                                               and t.current_step.position > 0),
        )
        self.snapshotReady.emit(snap)


class WorkerClient(QObject):
    """GUI-thread handle on the worker: command signals out, newest snapshot in."""

    runRequested = Signal()
    pauseRequested = Signal()
    stepRequested = Signal()
    trainEpochsRequested = Signal(int)
    resetRequested = Signal(object)
    scenarioRequested = Signal(object)
    optimizerRequested = Signal(object)
    trainingRequested = Signal(object)
    weightRequested = Signal(int, int, int, float)
    biasRequested = Signal(int, int, float)
    speedRequested = Signal(float)
    publishRequested = Signal()
    shutdownRequested = Signal()
    phaseStepRequested = Signal()
    sampleStepRequested = Signal()
    batchStepRequested = Signal()
    stepBackRequested = Signal()
    tracedSampleRequested = Signal(object)
    traceAtRequested = Signal(float, float)
    weightSelectRequested = Signal(int, int, int)
    gradientCheckRequested = Signal()
    saveRequested = Signal(str)
    openRequested = Signal(str)
    exportRequested = Signal(str, str)
    importWeightsRequested = Signal(str)
    adoptWeightsRequested = Signal(object)
    importCsvRequested = Signal(str, object, str, float)
    addPointRequested = Signal(float, float, int)
    removePointRequested = Signal(float, float)

    snapshotArrived = Signal(object)
    """Re-emitted in the GUI thread with the newest snapshot of the current generation."""
    noticeArrived = Signal(str)
    failureArrived = Signal(str)
    divergenceArrived = Signal(str)
    runningChanged = Signal(bool)
    gradientCheckArrived = Signal(object)
    scenarioArrived = Signal(object)
    """The scenario in force, once the worker has handled every scenario change sent."""
    fileDoneArrived = Signal(str, str)
    fileFailedArrived = Signal(str, str)
    weightsMismatchArrived = Signal(str, object)

    def __init__(self, scenario: Scenario, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("trainingThread")
        self.worker = TrainingWorker(scenario)
        self.worker.moveToThread(self.thread)
        self.latest: Snapshot | None = None
        self._generation = -1
        self.scenario_requests = 0
        """Scenario changes sent to the worker (see ``request_scenario``)."""
        self.running = False
        w = self.worker
        self.thread.started.connect(w.start)
        for signal, slot in (
            (self.runRequested, w.run), (self.pauseRequested, w.pause),
            (self.stepRequested, w.step), (self.resetRequested, w.reset),
            (self.trainEpochsRequested, w.train_epochs),
            (self.scenarioRequested, w.load_scenario),
            (self.optimizerRequested, w.set_optimizer), (self.trainingRequested, w.set_training),
            (self.weightRequested, w.set_weight), (self.biasRequested, w.set_bias),
            (self.speedRequested, w.set_speed), (self.publishRequested, w.publish),
            (self.shutdownRequested, w.shutdown),
            (self.phaseStepRequested, w.step_phase), (self.sampleStepRequested, w.step_sample),
            (self.batchStepRequested, w.step_batch), (self.stepBackRequested, w.step_back),
            (self.tracedSampleRequested, w.set_traced_sample),
            (self.traceAtRequested, w.trace_sample_at),
            (self.weightSelectRequested, w.select_weight),
            (self.gradientCheckRequested, w.gradient_check),
            (self.saveRequested, w.save_workspace), (self.openRequested, w.open_workspace),
            (self.exportRequested, w.export), (self.importWeightsRequested, w.import_weights),
            (self.adoptWeightsRequested, w.adopt_weights),
            (self.importCsvRequested, w.import_csv), (self.addPointRequested, w.add_point),
            (self.removePointRequested, w.remove_point),
        ):
            signal.connect(slot)
        w.snapshotReady.connect(self._on_snapshot)
        w.notice.connect(self._on_notice)
        w.failed.connect(self._on_failure)
        w.divergedSignal.connect(self._on_divergence)
        w.runningChanged.connect(self._on_running)
        w.gradientChecked.connect(self._on_gradient_check)
        w.scenarioInstalled.connect(self._on_scenario)
        w.fileDone.connect(self._on_file_done)
        w.fileFailed.connect(self._on_file_failed)
        w.weightsMismatch.connect(self._on_mismatch)
        self.thread.start()

    @Slot(object)
    def _on_snapshot(self, snap: Snapshot) -> None:
        if snap.generation < self._generation:
            return  # queued before a reset: stale
        self._generation = snap.generation
        self.latest = snap
        self.snapshotArrived.emit(snap)

    @Slot(str)
    def _on_notice(self, text: str) -> None:
        self.noticeArrived.emit(text)

    @Slot(str)
    def _on_failure(self, text: str) -> None:
        self.failureArrived.emit(text)

    @Slot(str)
    def _on_divergence(self, text: str) -> None:
        self.divergenceArrived.emit(text)

    @Slot(object, int)
    def _on_scenario(self, scenario: object, handled: int) -> None:
        if handled == self.scenario_requests:  # else a newer change is still on its way
            self.scenarioArrived.emit(scenario)

    @Slot(str, str)
    def _on_file_done(self, what: str, path: str) -> None:
        self.fileDoneArrived.emit(what, path)

    @Slot(str, str)
    def _on_file_failed(self, title: str, message: str) -> None:
        self.fileFailedArrived.emit(title, message)

    @Slot(str, object)
    def _on_mismatch(self, message: str, imported: object) -> None:
        self.weightsMismatchArrived.emit(message, imported)

    @Slot(object)
    def _on_gradient_check(self, report: object) -> None:
        self.gradientCheckArrived.emit(report)

    @Slot(bool)
    def _on_running(self, running: bool) -> None:
        self.running = running
        self.runningChanged.emit(running)

    def request_scenario(self, signal: Signal, payload: object) -> None:
        """Send a scenario change (new scenario, optimiser or training settings), counted so
        that a reply to an older change cannot overwrite a newer one in the window."""
        self.scenario_requests += 1
        signal.emit(payload)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the worker and wait for its thread; True when it ended in time."""
        if not self.thread.isRunning():
            return True
        self.worker.request_stop()
        self.shutdownRequested.emit()
        return self.thread.wait(timeout_ms)
