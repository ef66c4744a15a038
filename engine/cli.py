"""The headless commands behind ``python main.py presets|train|export``.

``train --weights FILE`` starts from the weights of an NPZ, JSON or ONNX export (the network
must have the same architecture); ``export --format npz|json|onnx|py|csv`` writes the weights.

Each command returns a process exit code and reports problems as one line on stderr, never a
traceback:

* 0 — done;
* 2 — bad input: a missing or corrupt file, an unknown preset, an invalid option;
* 3 — training diverged (NaN or Inf); the workspace is still written, rolled back to the last
  finite epoch, so nothing is lost.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from engine.blas import limit_blas_threads
from engine.export import EXPORT_FORMATS, export_weights
from engine.onnx_export import OnnxUnavailableError
from engine.presets import get_preset, load_presets
from engine.trainer import Trainer

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3


class CliError(Exception):
    """A user-facing problem: its message is printed as one line and the command exits 2."""


def list_presets(out: TextIO = sys.stdout) -> int:
    presets = load_presets()
    width = max(len(k) for k in presets)
    for key, s in presets.items():
        out.write(f"{key:<{width}}  {s.description}\n")
    return EXIT_OK


def load_trainer(source: str) -> tuple[Trainer, bool]:
    """A trainer from a preset name or a workspace file; True when it came from a workspace."""
    from engine.workspace import load_workspace

    if source in load_presets():
        return Trainer(get_preset(source)), False
    path = Path(source)
    if path.suffix.lower() == ".json" or path.exists():
        try:
            return load_workspace(path), True
        except ValueError as e:
            msg = str(e)
            raise CliError(msg if source in msg else f"{source}: {msg}") from None
    known = ", ".join(load_presets())
    raise CliError(f"{source!r} is neither a preset nor a workspace file (presets: {known})")


def train(
    source: str,
    epochs: int,
    out_path: str,
    seed: int | None = None,
    lr: float | None = None,
    batch_size: int | None = None,
    every: int | None = None,
    out: TextIO = sys.stdout,
    weights: str | None = None,
) -> int:
    """Train headless, print progress, then write the trained workspace.

    With ``weights`` (an NPZ, JSON or ONNX export) the run starts at epoch 0 from the file's
    weights, with the preset's or workspace's settings; the architecture must match.
    """
    from engine.workspace import save_workspace

    limit_blas_threads()
    if epochs < 0:
        raise CliError(f"--epochs must be 0 or more, got {epochs}")
    out_dir = Path(out_path).resolve().parent
    if not out_dir.is_dir():
        raise CliError(f"cannot write {out_path}: the folder {out_dir} does not exist")
    trainer, from_workspace = load_trainer(source)
    try:
        if seed is not None:
            if from_workspace:
                raise CliError("--seed applies to presets; a workspace continues its own run")
            if seed < 0:
                raise CliError(f"--seed must be 0 or more, got {seed}")
            s = trainer.scenario
            scenario = replace(
                s,
                init=replace(s.init, seed=seed) if s.init.scheme != "explicit" else s.init,
                train=replace(s.train, seed=seed),
            )
            trainer = Trainer(scenario)
        if weights is not None:
            trainer = _start_from_weights(trainer, weights)
        if lr is not None:
            trainer.set_learning_rate(lr)
        if batch_size is not None:
            trainer.set_training(batch_size=batch_size)
    except ValueError as e:
        raise CliError(str(e)) from None

    if every is not None and every < 1:
        raise CliError(f"--every must be 1 or more, got {every}")
    every = every or max(1, epochs // 10)
    _progress(out, trainer, epochs, 0, 0.0)
    start = time.perf_counter()
    done = 0
    code = EXIT_OK
    while done < epochs:
        report = trainer.train(min(every, epochs - done))
        done += report.epochs_run
        _progress(out, trainer, epochs, done, time.perf_counter() - start)
        if report.diverged is not None:
            sys.stderr.write(
                f"error: {report.diverged}. Try a lower learning rate (now "
                f"{trainer.learning_rate:g}); the workspace keeps the last finite epoch.\n"
            )
            code = EXIT_DIVERGED
            break
    try:
        save_workspace(trainer, out_path)
    except (OSError, ValueError) as e:
        raise CliError(f"cannot write {out_path}: {e}") from None
    out.write(f"wrote {out_path} (epoch {trainer.epoch})\n")
    return code


def _start_from_weights(trainer: Trainer, path: str) -> Trainer:
    """A new trainer on the same scenario whose start weights (epoch 0) are the file's."""
    from engine.importer import WeightsError, read_weights, with_start_weights

    try:
        imported = read_weights(path)
        scenario = with_start_weights(trainer.scenario, imported)
        return Trainer(scenario, dataset=trainer.dataset)
    except WeightsError as e:
        msg = str(e)
        raise CliError(msg if path in msg else f"{path}: {msg}") from None


def _progress(out: TextIO, trainer: Trainer, total: int, done: int, elapsed: float) -> None:
    m = trainer.history.latest
    if m is None:
        return
    parts = [f"epoch {trainer.epoch:>{len(str(total)) + 2}}", f"train loss {m.train_loss:.6g}"]
    if m.test_loss == m.test_loss:  # not NaN
        parts.append(f"test loss {m.test_loss:.6g}")
    if m.train_accuracy == m.train_accuracy:
        parts.append(f"train acc {100 * m.train_accuracy:.1f}%")
    if m.test_accuracy == m.test_accuracy:
        parts.append(f"test acc {100 * m.test_accuracy:.1f}%")
    if done and elapsed > 0:
        parts.append(f"{done / elapsed:,.0f} epochs/s")
    out.write("  ".join(parts) + "\n")
    out.flush()


def export(source: str, fmt: str, out_path: str, out: TextIO = sys.stdout) -> int:
    """Write the weights of a workspace (or a preset's start weights) to a file."""
    if fmt not in EXPORT_FORMATS:
        raise CliError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    trainer, _ = load_trainer(source)
    try:
        export_weights(trainer, fmt, out_path)
    except OnnxUnavailableError as e:
        raise CliError(str(e)) from None
    except (OSError, ValueError) as e:
        raise CliError(f"cannot write {out_path}: {e}") from None
    out.write(f"wrote {out_path}\n")
    return EXIT_OK
