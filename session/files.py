"""File commands of a session: workspaces, weight export and import, CSV data.

Each either succeeds completely and reports ``FileDone`` or reports ``FileFailed`` with one
line naming the file and leaves the run as it was. The current file follows the run: saving
or opening a workspace makes it the run's file; a CSV import or adopted weights start an
untitled run, so Save asks for a new name instead of overwriting another run's file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Protocol, TypeVar

from engine.csvdata import read_csv_dataset, scenario_for_csv
from engine.export import dataset_to_csv, export_weights, history_to_csv
from engine.fileio import atomic_write_text
from engine.importer import (
    ImportedWeights,
    apply_weights,
    check_compatible,
    read_weights,
    scenario_for_weights,
    with_start_weights,
)
from engine.trainer import Trainer
from engine.workspace import load_workspace_pinned, save_workspace
from session.commands import (
    AdoptWeights,
    Export,
    ExportKind,
    ImportCsv,
    ImportWeights,
    OpenWorkspace,
    SaveWorkspace,
)
from session.events import Event, FileAction, FileDone, FileFailed, WeightsMismatch
from session.messages import naming_file, one_line
from session.pinned import PinnedRuns
from session.snapshot import FileState
from session.stepping import StepControl


class Session(Protocol):
    """What file commands need of the session that owns the run."""

    file: FileState
    stepping: StepControl
    pinned: PinnedRuns

    def require_trainer(self) -> Trainer: ...
    def pause(self) -> None: ...
    def install(self, trainer: Trainer) -> None: ...
    def mark_dirty(self) -> None: ...
    def emit(self, event: Event) -> None: ...


T = TypeVar("T")
C = TypeVar("C")


class _Failed(Exception):
    """A file step failed and has been reported."""


def _attempt(s: Session, title: str, path: str, action: Callable[[], T]) -> T:
    """``action()``; a failure of any kind is reported as FileFailed(title, one line naming
    the file) and raises _Failed so the command stops with nothing changed."""
    try:
        return action()
    except Exception as e:
        s.emit(FileFailed(title, naming_file(path, e) if path else one_line(e)))
        raise _Failed from e


def reporting_failures(handler: Callable[[Session, C], None]) -> Callable[[Session, C], None]:
    """A file command whose reported failures end it quietly."""

    def run(s: Session, cmd: C) -> None:
        with contextlib.suppress(_Failed):
            handler(s, cmd)

    run.__doc__ = handler.__doc__
    return run


@reporting_failures
def save(s: Session, cmd: SaveWorkspace) -> None:
    t = s.require_trainer()
    s.pause()
    # save_workspace completes an open phase step first
    _attempt(s, "Could not save the workspace", cmd.path,
             lambda: save_workspace(t, cmd.path, s.pinned.runs))
    s.file = FileState(cmd.path, dirty=False)
    s.emit(FileDone(FileAction.SAVED, cmd.path))


@reporting_failures
def open_workspace(s: Session, cmd: OpenWorkspace) -> None:
    trainer, pinned = _attempt(s, "Could not open the workspace", cmd.path,
                               lambda: load_workspace_pinned(cmd.path))
    s.pause()
    s.install(trainer)
    s.pinned.replace_all(pinned)  # the file's pinned runs (none in an older workspace)
    s.file = FileState(cmd.path, dirty=False)
    s.emit(FileDone(FileAction.OPENED, cmd.path))


def _write_export(t: Trainer, cmd: Export) -> str:
    """Write the export; returns a note naming the files written beside it (or "")."""
    if cmd.kind is ExportKind.HISTORY_CSV:
        atomic_write_text(cmd.path, history_to_csv(t))
    elif cmd.kind is ExportKind.DATASET_CSV:
        atomic_write_text(cmd.path, dataset_to_csv(t))
    else:
        written = export_weights(t, cmd.kind.value, cmd.path,
                                 weights_beside=cmd.weights_beside)
        if len(written) > 1:
            return f"with {' and '.join(p.name for p in written[:-1])} beside it"
    return ""


@reporting_failures
def export(s: Session, cmd: Export) -> None:
    """Weights (npz, json, onnx, py, csv, torch, safetensors), or the data / loss history as
    CSV."""
    t = s.require_trainer()
    s.pause()
    detail = _attempt(s, "Could not export", cmd.path, lambda: _write_export(t, cmd))
    s.emit(FileDone(FileAction.EXPORTED, cmd.path, detail))


@reporting_failures
def import_weights(s: Session, cmd: ImportWeights) -> None:
    t = s.require_trainer()
    imported = _attempt(s, "Could not import the weights", cmd.path,
                        lambda: read_weights(cmd.path))
    s.pause()
    try:
        check_compatible(t.spec, t.scenario.data.features, imported)
    except ValueError as e:
        s.emit(WeightsMismatch(one_line(e), imported))
        return
    s.stepping.remember(t, f"the weights imported from {os.path.basename(cmd.path)}")
    apply_weights(t, imported)
    s.mark_dirty()
    s.emit(FileDone(FileAction.IMPORTED, cmd.path))


@reporting_failures
def adopt_weights(s: Session, cmd: AdoptWeights) -> None:
    t = s.require_trainer()
    imported = cmd.imported
    if not isinstance(imported, ImportedWeights):
        raise TypeError("AdoptWeights needs the ImportedWeights of a WeightsMismatch")
    trainer = _attempt(s, "Could not adopt the file's network", "", lambda: Trainer(
        with_start_weights(scenario_for_weights(t.scenario, imported), imported)))
    s.pause()
    s.install(trainer)
    s.file = FileState(None, dirty=True)
    s.emit(FileDone(FileAction.ADOPTED, ""))


@reporting_failures
def import_csv(s: Session, cmd: ImportCsv) -> None:
    t = s.require_trainer()
    data = _attempt(s, "Could not import the data", cmd.path, lambda: read_csv_dataset(
        cmd.path, label_column=cmd.label_column, task=cmd.task,
        train_fraction=cmd.train_fraction, input_columns=cmd.input_columns,
        skip_bad_lines=cmd.skip_bad_lines))
    scenario, notes = _attempt(s, "Could not import the data", cmd.path,
                               lambda: scenario_for_csv(t.scenario, data))
    trainer = _attempt(s, "Could not import the data", cmd.path, lambda: Trainer(scenario))
    s.pause()
    s.install(trainer)
    s.file = FileState(None, dirty=True)
    s.emit(FileDone(FileAction.DATA, cmd.path,
                    "; ".join(dict.fromkeys([*data.notes(), *notes]))))
