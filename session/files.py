"""File commands of a session: workspaces, weight export and import, CSV data.

Each either succeeds completely and reports ``FileDone`` or reports ``FileFailed`` with one
line naming the file and leaves the run as it was. The current file follows the run: saving
or opening a workspace makes it the run's file; a CSV import or adopted weights start an
untitled run, so Save asks for a new name instead of overwriting another run's file.
"""

from __future__ import annotations

from typing import Protocol

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
from engine.workspace import load_workspace, save_workspace
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
from session.snapshot import FileState
from session.stepping import StepControl


class Session(Protocol):
    """What file commands need of the session that owns the run."""

    file: FileState
    stepping: StepControl

    def require_trainer(self) -> Trainer: ...
    def pause(self) -> None: ...
    def install(self, trainer: Trainer) -> None: ...
    def mark_dirty(self) -> None: ...
    def emit(self, event: Event) -> None: ...


def save(s: Session, cmd: SaveWorkspace) -> None:
    t = s.require_trainer()
    s.pause()
    try:
        save_workspace(t, cmd.path)  # completes an open phase step first
    except Exception as e:
        s.emit(FileFailed("Could not save the workspace", naming_file(cmd.path, e)))
        return
    s.file = FileState(cmd.path, dirty=False)
    s.emit(FileDone(FileAction.SAVED, cmd.path))


def open_workspace(s: Session, cmd: OpenWorkspace) -> None:
    try:
        trainer = load_workspace(cmd.path)
    except Exception as e:
        s.emit(FileFailed("Could not open the workspace", naming_file(cmd.path, e)))
        return
    s.pause()
    s.install(trainer)
    s.file = FileState(cmd.path, dirty=False)
    s.emit(FileDone(FileAction.OPENED, cmd.path))


def export(s: Session, cmd: Export) -> None:
    """Weights (npz, json, onnx, py, csv), or the data / loss history as CSV."""
    t = s.require_trainer()
    s.pause()
    try:
        if cmd.kind is ExportKind.HISTORY_CSV:
            atomic_write_text(cmd.path, history_to_csv(t))
        elif cmd.kind is ExportKind.DATASET_CSV:
            atomic_write_text(cmd.path, dataset_to_csv(t))
        else:
            export_weights(t, cmd.kind.value, cmd.path)
    except Exception as e:
        s.emit(FileFailed("Could not export", naming_file(cmd.path, e)))
        return
    s.emit(FileDone(FileAction.EXPORTED, cmd.path))


def import_weights(s: Session, cmd: ImportWeights) -> None:
    t = s.require_trainer()
    try:
        imported = read_weights(cmd.path)
    except Exception as e:
        s.emit(FileFailed("Could not import the weights", naming_file(cmd.path, e)))
        return
    s.pause()
    try:
        check_compatible(t.spec, t.scenario.data.features, imported)
    except ValueError as e:
        s.emit(WeightsMismatch(one_line(e), imported))
        return
    s.stepping.remember(t)
    apply_weights(t, imported)
    s.mark_dirty()
    s.emit(FileDone(FileAction.IMPORTED, cmd.path))


def adopt_weights(s: Session, cmd: AdoptWeights) -> None:
    t = s.require_trainer()
    if not isinstance(cmd.imported, ImportedWeights):
        raise TypeError("AdoptWeights needs the ImportedWeights of a WeightsMismatch")
    try:
        trainer = Trainer(with_start_weights(scenario_for_weights(t.scenario, cmd.imported),
                                             cmd.imported))
    except Exception as e:
        s.emit(FileFailed("Could not adopt the file's network", one_line(e)))
        return
    s.pause()
    s.install(trainer)
    s.file = FileState(None, dirty=True)
    s.emit(FileDone(FileAction.ADOPTED, ""))


def import_csv(s: Session, cmd: ImportCsv) -> None:
    t = s.require_trainer()
    try:
        data = read_csv_dataset(cmd.path, label_column=cmd.label_column, task=cmd.task,
                                train_fraction=cmd.train_fraction)
        scenario, notes = scenario_for_csv(t.scenario, data)
        trainer = Trainer(scenario)
    except Exception as e:
        s.emit(FileFailed("Could not import the data", naming_file(cmd.path, e)))
        return
    s.pause()
    s.install(trainer)
    s.file = FileState(None, dirty=True)
    s.emit(FileDone(FileAction.DATA, cmd.path,
                    "; ".join(dict.fromkeys([*data.notes(), *notes]))))
