"""The one owner of a run: its trainer and everything a user does to it.

A ``Session`` handles typed commands in the order they arrive (``handle``), trains in chunks
while a run plays (``train_chunk``), and describes itself in immutable snapshots
(``snapshot``). What it has to tell besides snapshots goes out as events through the ``emit``
callable it was given. It never imports Qt: the window's worker thread paces it, tests drive
it directly.

Any failure inside a command, of any exception type, becomes one ``Refused`` line and leaves
the run as it was.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from engine.dataedit import add_point, remove_nearest
from engine.datasets import Dataset
from engine.layout import Layout
from engine.map_axes import default_map_axes
from engine.map_plane import PCA_FROM_INPUTS, PcaPlane, Projection, pca_plane
from engine.maps import CurveMaps, PlaneMaps
from engine.metrics import Scores, scores
from engine.notation import AUTO
from engine.scenario import Scenario
from engine.trainer import Divergence, Trainer
from session import check_work, files, hand_edits, inspecting, pinned, stop_rules, tracing
from session import commands as c
from session.edits import EditKind, plan_edit
from session.events import (
    Diverged,
    Event,
    Notice,
    Refused,
    RunningChanged,
)
from session.messages import one_line
from session.pacing import Due, Pacer
from session.snapshot import DataView, FileState, Snapshot, TraceInfo, build_snapshot, compute_maps
from session.stepping import StepControl

WINDOW_SEEDS = 2**31 - 1
"""Reset moves through seeds below this, so a seed always fits the window's seed box (a 32-bit
spin box; the engine itself takes seeds up to 2⁶³ − 1)."""
MAPS_INTERVAL = 0.15
"""While running, the maps (the costliest part of a snapshot) are refreshed at most ~7×/s;
weights, losses and the counter go out with every snapshot."""
MAPS_SHARE = 0.05
"""…and at most this share of the time goes into them (a big network's maps cost more)."""

CANCEL_SLICE = 0.1
"""Seconds of training between checks of the cancel flag in long commands."""

log = logging.getLogger(__name__)


class CancelFlag(Protocol):
    """A threading.Event or a multiprocessing Event."""

    def set(self) -> None: ...
    def is_set(self) -> bool: ...


class Session:
    """One run: a trainer, its step and undo state, its pacing and its file."""

    def __init__(self, scenario: Scenario, emit: Callable[[Event], None] | None = None,
                 clock: Callable[[], float] = time.perf_counter,
                 cancel: CancelFlag | None = None) -> None:
        self._emit = emit or (lambda event: None)
        self._clock = clock
        self.trainer: Trainer | None = None
        self.generation = 0
        self.running = False
        self.handled = 0
        """Commands handled so far (snapshots carry it)."""
        self.file = FileState()
        self.stepping = StepControl()
        self.check_work = check_work.CheckWork()
        self.pinned = pinned.PinnedRuns()
        self.pacer = Pacer()
        self._data: DataView | None = None
        self._maps: PlaneMaps | CurveMaps | None = None
        self._maps_time = 0.0
        self._maps_cost = 0.0
        self._scores: Scores | None = None
        """Refreshed with the maps (a forward pass over the data: same cost class, same
        budget, and the table and the map then describe the same weights)."""
        self.map_axes: tuple[int, int] = (0, 1)
        self.map_projection = Projection.COLUMNS
        self._pca: tuple[DataView, PcaPlane] | None = None
        """The PCA plane of the data it was computed for (computed once per data)."""
        self.digits = AUTO
        """Significant digits of the inspector's numbers (engine.notation.DIGIT_CHOICES)."""
        self.layout = Layout.ROWS
        """The inspector's textbook layout (samples as rows or as columns)."""
        """The raw input columns the decision map is drawn over (``SetMapAxes``)."""
        self._cancel: CancelFlag = threading.Event() if cancel is None else cancel
        """Set from another thread or process (``cancel``) to end long commands."""
        self._handlers: dict[type, Callable[[Any], None]] = self._handler_table()
        try:
            self.install(Trainer(scenario))
        except Exception as e:
            self.emit(Refused(f"Could not build the network: {one_line(e)}"))

    # -- for commands and their helpers ----------------------------------------------------
    @property
    def scenario(self) -> Scenario | None:
        """The scenario in force (None only if the first one could not be built)."""
        return None if self.trainer is None else self.trainer.scenario

    def emit(self, event: Event) -> None:
        self._emit(event)

    def require_trainer(self) -> Trainer:
        if self.trainer is None:
            raise RuntimeError("there is no network yet")
        return self.trainer

    def install(self, trainer: Trainer) -> None:
        """Make ``trainer`` the run's (a preset, a file, CSV data, adopted weights)."""
        self.stepping.forget()
        self.trainer = trainer
        old = self._data
        self._data = DataView.from_trainer(trainer)
        if old is None or old.input_names != self._data.input_names:
            # other columns: the choice no longer names them; start on the liveliest two,
            # or on the PCA plane for many inputs (two of 64 pixels say little)
            self.map_axes = default_map_axes(self._data.x_train)
            self.map_projection = (Projection.PCA if self._data.n_inputs >= PCA_FROM_INPUTS
                                   else Projection.COLUMNS)
        self._new_generation()

    def _new_generation(self) -> None:
        self.generation += 1
        self._maps = None
        self.pacer.clear()
        if self.trainer is not None:
            self.pacer.start(self._clock(), self.trainer.epoch)

    def map_pca(self) -> PcaPlane | None:
        """The PCA plane the map is drawn over, or None (two columns, or too few inputs)."""
        data, t = self._data, self.trainer
        if (self.map_projection is not Projection.PCA or data is None or t is None
                or data.n_inputs < 3):
            return None
        if self._pca is None or self._pca[0] is not data:
            self._pca = (data, pca_plane(data.x_train, data.x_test,
                                         t.scenario.data.standardize))
        return self._pca[1]

    def refresh_maps(self) -> None:
        """Draw the maps anew in the next snapshot (their plane changed)."""
        self._maps = None

    def mark_dirty(self) -> None:
        if not self.file.dirty:
            self.file = FileState(self.file.path, dirty=True)

    def cancel(self) -> None:
        """Thread-safe: end a long command (training many epochs) at the next chunk and refuse
        further training; used when the window closes."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def pause(self) -> None:
        if self.running:
            self.running = False
            self.emit(RunningChanged(False))

    # -- commands --------------------------------------------------------------------------
    def handle(self, command: c.Command) -> None:
        """Carry out one command; a failure is reported as ``Refused`` and changes nothing."""
        self.handled += 1
        handler = self._handlers.get(type(command))
        if handler is None:
            self.emit(Refused(f"unknown command {type(command).__name__}"))
            return
        if self.trainer is None and not isinstance(command, (c.LoadScenario, c.OpenWorkspace,
                                                             c.Publish)):
            return
        try:
            handler(command)
        except Exception as e:  # any failure is one line for the user, never a traceback
            log.debug("command %r failed", command, exc_info=True)
            self.emit(Refused(one_line(e)))

    def _handler_table(self) -> dict[type, Callable[[Any], None]]:
        return {
            c.Run: self._run, c.Pause: lambda cmd: self.pause(), c.Step: self._step,
            c.StepBack: self._step_back, c.TrainEpochs: self._train_epochs,
            c.Reset: self._reset, c.SetSpeed: self._set_speed, c.Publish: lambda cmd: None,
            c.LoadScenario: self._load_scenario, c.EditScenario: self._edit_scenario,
            c.RegenerateData: self._regenerate,
            c.SetWeight: lambda cmd: hand_edits.set_weight(self, cmd),
            c.SetBias: lambda cmd: hand_edits.set_bias(self, cmd), c.AddPoint: self._add_point,
            c.RemovePoint: self._remove_point,
            c.TraceSample: lambda cmd: tracing.trace_sample(self, cmd),
            c.TraceNearest: lambda cmd: tracing.trace_nearest(self, cmd),
            c.SetTracePreview: lambda cmd: tracing.set_trace_preview(self, cmd),
            c.SaveWorkspace: lambda cmd: files.save(self, cmd),
            c.OpenWorkspace: lambda cmd: files.open_workspace(self, cmd),
            c.Export: lambda cmd: files.export(self, cmd),
            c.ImportWeights: lambda cmd: files.import_weights(self, cmd),
            c.AdoptWeights: lambda cmd: files.adopt_weights(self, cmd),
            c.ImportCsv: lambda cmd: files.import_csv(self, cmd),
            c.ReplaceData: lambda cmd: hand_edits.replace_data(self, cmd),
            c.SetLayer: lambda cmd: hand_edits.set_layer(self, cmd),
            c.SetMapAxes: lambda cmd: tracing.set_map_axes(self, cmd),
            **check_work.handlers(self),
            **inspecting.handlers(self),
            **pinned.handlers(self),
            **stop_rules.handlers(self),
        }

    def _run(self, cmd: c.Run) -> None:
        t = self.require_trainer()
        if self.running:
            return
        self.running = True
        self.mark_dirty()
        self.pacer.clear()  # the rate is measured from this run on
        self.pacer.start(self._clock(), t.epoch)
        self.emit(RunningChanged(True))

    def _diverged(self, divergence: Divergence | None) -> None:
        if divergence is not None:
            self.pause()
            self.emit(Diverged(str(divergence), self.require_trainer().learning_rate))

    def _step(self, cmd: c.Step) -> None:
        t = self.require_trainer()
        self.pause()
        self.check_work.reset()
        divergence = self.stepping.step(t, cmd.unit)
        self.mark_dirty()
        self._diverged(divergence)

    def _step_back(self, cmd: c.StepBack) -> None:
        self.pause()
        self.check_work.reset()
        changed, notice = self.stepping.back(self.require_trainer())
        if changed:
            self.mark_dirty()
        if notice is not None:
            self.emit(Notice(notice))

    def _train_epochs(self, cmd: c.TrainEpochs) -> None:
        """Train in slices of ~0.1 s, so that ``cancel`` ends even a huge request quickly."""
        t = self.require_trainer()
        self.pause()
        remaining = cmd.epochs
        if remaining > 0:
            self.mark_dirty()
        while remaining > 0 and not self.cancelled:
            report = t.train(remaining, time_budget=CANCEL_SLICE)
            remaining -= report.epochs_run
            if report.diverged is not None:
                self._diverged(report.diverged)
                return

    def _reset(self, cmd: c.Reset) -> None:
        """New initial weights from the next seed (explicit weights: back to them)."""
        t = self.require_trainer()
        self.pause()
        if t.scenario.init.scheme == "explicit":
            t.reset(None)
            message = "Reset to the preset's own start weights."
        else:
            seed = (t.scenario.init.seed + 1) % WINDOW_SEEDS
            t.reset(seed)
            message = f"Reset: new initial weights (seed {seed}), same data."
        self.stepping.undo.clear()
        self.mark_dirty()
        self._new_generation()
        self.emit(Notice(message))

    def _set_speed(self, cmd: c.SetSpeed) -> None:
        self.pacer.set_speed(cmd.epochs_per_second, self._clock(), self.require_trainer().epoch)

    # -- the scenario ----------------------------------------------------------------------
    def _replace_trainer(self, trainer: Trainer, notice: str) -> None:
        """A rebuilt run with new data or network; a running run keeps running."""
        self.install(trainer)
        self.mark_dirty()
        if notice:
            self.emit(Notice(notice))

    def _load_scenario(self, cmd: c.LoadScenario) -> None:
        trainer = Trainer(cmd.scenario)  # may raise: nothing has changed yet
        self._replace_trainer(trainer, cmd.message)
        # untitled; unsaved when runs pinned before are kept with it (closing would lose them)
        self.file = FileState(None, dirty=len(self.pinned) > 0)

    def _edit_scenario(self, cmd: c.EditScenario) -> None:
        t = self.require_trainer()
        plan = plan_edit(t.scenario, cmd.changes)
        if plan.kind is EditKind.NONE:
            return
        if plan.kind is EditKind.OPTIMIZER:
            t.set_optimizer(plan.scenario.train.optimizer)
        elif plan.kind is EditKind.TRAINING:
            batches = t.batches_per_epoch
            t.set_training(**plan.training_changes)
            if t.batches_per_epoch != batches:
                self.stepping.undo.clear()  # earlier steps were cut into other batches
        else:
            extra = f" ({'; '.join(plan.notes)})" if plan.notes else ""
            self._replace_trainer(Trainer(plan.scenario),
                                  f"Network rebuilt: the weights were re-initialised{extra}.")
            return
        self.mark_dirty()
        self.emit(Notice("Applied live — the weights were kept."))

    def _regenerate(self, cmd: c.RegenerateData) -> None:
        s = self.require_trainer().scenario
        self._edit_scenario(c.edit(c.Section.DATA, seed=s.data.seed + 1))

    def _edit_data(self, change: Callable[[Scenario, Dataset], Scenario], what: str) -> None:
        t = self.require_trainer()
        edited = change(t.scenario, t.dataset)
        if t.split.scaling is not None:  # the kept weights were trained on these statistics
            edited = replace(edited, input_scaling=t.split.scaling.as_tuples())
        trainer = Trainer(edited)
        if trainer.spec == t.spec:
            trainer.set_parameters(t.params.as_list())  # same network: keep what it learned
        self._replace_trainer(trainer, f"Data edited ({what}); the weights were kept. Edited "
                                       "data has no test set.")

    def _add_point(self, cmd: c.AddPoint) -> None:
        self._edit_data(lambda s, ds: add_point(s, ds, (cmd.x, cmd.y), cmd.label),
                        "added a point")

    def _remove_point(self, cmd: c.RemovePoint) -> None:
        self._edit_data(lambda s, ds: remove_nearest(s, ds, (cmd.x, cmd.y)), "removed a point")

    # -- training while running --------------------------------------------------------------
    def train_chunk(self, budget_s: float) -> float | None:
        """Train while running, for at most about ``budget_s`` seconds. Returns the seconds to
        wait before the next chunk (0: at once), or None when the run is not playing."""
        t = self.trainer
        if not self.running or t is None or self.cancelled:
            return None
        due: Due = self.pacer.due(self._clock(), t.epoch)
        if due.epochs <= 0:
            return due.wait_s
        report = stop_rules.train(self, t, due.epochs, budget_s)  # pauses at a stop rule
        self.pacer.record(self._clock(), t.epoch)
        if report.diverged is not None:
            self._diverged(report.diverged)
            return None
        return 0.0 if self.running else None

    # -- what the views see ------------------------------------------------------------------
    def explained(self, t: Trainer) -> TraceInfo | None:
        """The trace as the inspector writes it (``inspecting.explained``)."""
        return inspecting.explained(self, t)

    def snapshot(self) -> Snapshot | None:
        """An immutable picture of the run (None before a network exists)."""
        t, data = self.trainer, self._data
        if t is None or data is None:
            return None
        now = self._clock()
        interval = max(MAPS_INTERVAL, self._maps_cost / MAPS_SHARE)
        if not self.running or self._maps is None or now - self._maps_time >= interval:
            self._maps = compute_maps(t, data, axes=self.map_axes, pca=self.map_pca())
            self._scores = scores(t)
            self._maps_time = self._clock()
            self._maps_cost = self._maps_time - now
        # Idle, the numbers must describe the weights shown (edits, imports, undo); running,
        # the last epoch's record does and costs nothing.
        snap = self.check_work.snapshot(build_snapshot(
            t, self.generation, data, running=self.running,
            metrics=None if self.running else t.evaluate(),
            epochs_per_second=self.pacer.epochs_per_second() if self.running else 0.0,
            maps=self._maps,
            trace=None if self.running else inspecting.on_screen(self, t),
            traced_sample=self.stepping.traced_sample, digits=self.digits,
            layout=self.layout,
            trace_preview=self.stepping.preview_trace,
            can_step_back=self.stepping.can_step_back(t),
            handled=self.handled, file=self.file, model_scores=self._scores,
        ), t)
        return replace(snap, pinned=self.pinned.shown(t.scenario))
