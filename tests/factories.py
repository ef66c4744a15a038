"""Build real snapshots from presets for widget tests (no worker thread needed)."""

from __future__ import annotations

from engine.trainer import Trainer
from session.snapshot import DataView, Snapshot, build_snapshot
from tests.helpers import trained


def make_trainer(preset: str = "tf_default", epochs: int = 5) -> Trainer:
    return trained(preset, epochs)


def make_snapshot(preset: str = "tf_default", epochs: int = 5, generation: int = 0,
                  running: bool = False) -> Snapshot:
    trainer = make_trainer(preset, epochs)
    return build_snapshot(trainer, generation, DataView.from_trainer(trainer), running=running)
