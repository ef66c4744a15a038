"""The headless commands behind ``python main.py presets|train|export|share``.

``train --weights FILE`` starts from the weights of an NPZ, JSON, ONNX or safetensors export
(the network must have the same architecture); ``train --dataset KEY`` trains on a built-in
data set; ``train --stop-at-loss X --patience N`` stops early (``--epochs`` is the cap);
``export --format npz|json|onnx|py|csv|torch|safetensors`` writes the weights
(``--weights-beside``: a PyTorch script reads its weights from a safetensors file beside it).

Each command returns a process exit code and reports problems as one line on stderr, never a
traceback:

* 0 — done;
* 2 — bad input: a missing or corrupt file, an unknown preset, an invalid option;
* 3 — training diverged (NaN or Inf); the workspace is still written, rolled back to the last
  finite epoch, so nothing is lost;
* 130 — interrupted (Ctrl-C); ``train`` still writes the workspace at the last whole epoch.

Progress goes to stdout; if its reader goes away (``| head``), training carries on silently.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from engine.blas import limit_blas_threads
from engine.cli_data import CsvOptions, on_csv_data
from engine.cli_options import on_dataset, with_dropout, with_stop_options
from engine.cli_report import final_line, final_scores, progress_line
from engine.export import EXPORT_FORMATS, EXPORT_SUFFIXES, export_weights
from engine.fileio import WriteError, check_writable, write_failure
from engine.onnx_export import OnnxUnavailableError
from engine.presets import get_preset, load_presets
from engine.scenario import MAX_SEED, Scenario
from engine.scenario_text import decode, encode, looks_like_text
from engine.trainer import Trainer
from engine.training.stopping import StopWatch, describe, stop_reason

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130
PROGRESS_SECONDS = 10.0
"""Without ``--every``, a progress line at least this often (long runs stay visibly alive)."""
CHUNK_SECONDS = 0.25
"""Training runs in chunks of about this long, so a first Ctrl-C takes effect promptly."""


class CliError(Exception):
    """A user-facing problem: its message is printed as one line and the command exits 2."""


def list_presets(out: TextIO = sys.stdout) -> int:
    presets = load_presets()
    width = max(len(k) for k in presets)
    for key, s in presets.items():
        _write(out, f"{key:<{width}}  {s.description}\n")
    return EXIT_OK


def load_trainer(source: str) -> tuple[Trainer, bool]:
    """A trainer from a preset name, a scenario text (``bp1:…``) or a workspace file; True
    when it came from a workspace."""
    from engine.workspace import load_workspace

    if looks_like_text(source):
        return Trainer(scenario_from_text(source)), False
    path = Path(source)
    if source in load_presets():
        if _present(path):
            raise CliError(f"{source!r} is both a preset and a file in this folder; "
                           f"write ./{source} for the file")
        return Trainer(get_preset(source)), False
    if path.suffix.lower() == ".json" or _present(path):
        try:
            return load_workspace(path), True
        except ValueError as e:
            msg = str(e)
            raise CliError(msg if source in msg else f"{source}: {msg}") from None
    known = ", ".join(load_presets())
    raise CliError(f"{source!r} is neither a preset nor a workspace file (presets: {known})")


def scenario_from_text(text: str) -> Scenario:
    """The scenario a scenario text holds, or CliError with its one line."""
    try:
        return decode(text)
    except ValueError as e:
        raise CliError(str(e)) from None


def pick_source(source: str | None, scenario_text: str | None) -> str:
    """``train``'s run: PRESET_OR_WORKSPACE or ``--scenario-text TEXT`` (one of the two)."""
    if scenario_text is not None:
        if source is not None:
            raise CliError("give PRESET_OR_WORKSPACE or --scenario-text, not both")
        scenario_from_text(scenario_text)  # its own one line for a text that is not one
        return scenario_text
    if source is None:
        raise CliError("give a preset, a workspace or --scenario-text TEXT to train")
    return source


def share(source: str, out: TextIO = sys.stdout) -> int:
    """Print the scenario of a preset or workspace as a scenario text (not its weights)."""
    trainer, _ = load_trainer(source)
    try:
        text = encode(trainer.scenario)
    except ValueError as e:
        raise CliError(str(e)) from None
    _write(out, text + "\n")
    return EXIT_OK


def _present(path: Path) -> bool:
    """Whether something is at ``path``; when we may not even look, say yes and let the
    reader report the real problem (permission denied) in its one line."""
    try:
        return path.exists()
    except OSError:
        return True


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
    data: CsvOptions | None = None,
    dataset: str | None = None,
    stop_loss: float | None = None,
    patience: int | None = None,
    dropout: str | None = None,
    optimizer: str | None = None,
) -> int:
    """Train headless, print progress, then write the trained workspace.

    With ``weights`` (an NPZ, JSON, ONNX or safetensors export) the run starts at epoch 0 from
    the file's weights, with the preset's or workspace's settings; the architecture must match. With
    ``data`` the preset's or workspace's settings train from epoch 0 on a CSV file's data;
    with ``dataset`` on that built-in data set. The stop rule saved in the source, with
    ``stop_loss`` and ``patience`` set into it, may end the run before ``epochs``.
    ``dropout`` ("0.2", or "0.2,0.1" per hidden layer) sets the hidden layers' dropout rates.
    ``optimizer`` switches the optimiser (``OptimizerSpec.with_kind``: its own default ε).
    """
    from engine.workspace import save_workspace

    limit_blas_threads()
    if epochs < 0:
        raise CliError(f"--epochs must be 0 or more, got {epochs}")
    if every is not None and every < 1:
        raise CliError(f"--every must be 1 or more, got {every}")
    _check_out(out_path)  # before training, not after it
    if dataset is not None and data is not None:
        raise CliError("--dataset and --data both choose the data: give one")
    trainer, from_workspace = load_trainer(source)
    if data is not None:
        try:
            trainer = on_csv_data(trainer, data, lambda line: _write(out, line + "\n"))
        except ValueError as e:  # CsvError and the scenario's checks: one line, exit 2
            raise CliError(str(e)) from None
        from_workspace = False  # a new run on new data
    try:
        if dataset is not None:
            trainer = on_dataset(trainer, dataset, lambda line: _write(out, line + "\n"))
            from_workspace = False
        if dropout is not None:
            trainer = with_dropout(trainer, dropout, from_workspace)
        if seed is not None:
            trainer = _reseeded(trainer, source, seed, from_workspace, batch_size, out)
        if weights is not None:
            trainer = _start_from_weights(trainer, weights)
        if optimizer is not None and optimizer != trainer.optimizer.spec.kind:
            trainer.set_optimizer(trainer.optimizer.spec.with_kind(optimizer))
        if lr is not None:
            trainer.set_learning_rate(lr)
        if batch_size is not None:
            trainer.set_training(batch_size=batch_size)
        with_stop_options(trainer, stop_loss, patience)
    except ValueError as e:
        raise CliError(str(e)) from None
    rule = trainer.scenario.train.stop
    watch = StopWatch(rule, trainer.history) if rule.active else None
    if rule.active:
        _write(out, f"will stop {describe(rule)} (or after {epochs} "
                    "epochs)\n")
        met = stop_reason(rule, trainer.history)
        if met is not None:
            _write(out, f"already met: {met.reason}; nothing to train\n")
            epochs = 0

    timed = every is None  # without --every, also a line at least every PROGRESS_SECONDS
    every = every or max(1, epochs // 10)
    _progress(out, trainer, epochs, 0, 0.0)
    start = last_line = time.perf_counter()
    done = 0
    next_line = every
    code = EXIT_OK
    with _CtrlC() as ctrl_c:
        try:
            while done < epochs and not ctrl_c.pressed:
                # Short chunks: a first Ctrl-C is noticed within about CHUNK_SECONDS.
                report = trainer.train(min(next_line, epochs) - done, time_budget=CHUNK_SECONDS,
                                       stop=watch)
                done += report.epochs_run
                now = time.perf_counter()
                if watch is not None and watch.stopped is not None and report.diverged is None:
                    _progress(out, trainer, epochs, done, now - start)
                    _write(out, f"{watch.stopped}.\n")
                    break
                if report.diverged is not None:
                    _progress(out, trainer, epochs, done, now - start)
                    sys.stderr.write(
                        f"error: {report.diverged}. Try a lower learning rate (now "
                        f"{trainer.learning_rate:g}); the workspace keeps the last good "
                        f"epoch ({trainer.epoch}).\n"
                    )
                    code = EXIT_DIVERGED
                    break
                if done >= next_line or done == epochs or (timed and
                                                           now - last_line >= PROGRESS_SECONDS):
                    _progress(out, trainer, epochs, done, now - start)
                    last_line = now
                    while next_line <= done:
                        next_line += every
        except KeyboardInterrupt:  # a second Ctrl-C: the trainer is back at a whole epoch
            pass
        if ctrl_c.pressed:
            sys.stderr.write(f"interrupted: writing the workspace at epoch {trainer.epoch}\n")
            code = EXIT_INTERRUPTED
        ctrl_c.ignore()  # nothing may cut the save short
        try:
            save_workspace(trainer, out_path)
        except (OSError, ValueError) as e:
            raise CliError(write_failure(out_path, e)) from None
    _final(out, trainer)
    for line in final_scores(trainer):
        _write(out, line + "\n")
    _write(out, f"wrote {out_path} (epoch {trainer.epoch})\n")
    return code


class _CtrlC:
    """Ctrl-C during ``train``: the first press stops at the end of the current epoch, the
    second stops at once (the trainer goes back to its last whole epoch), later presses are
    ignored until the workspace is saved. Only the main thread can own signal handlers; in
    any other thread this does nothing and Ctrl-C keeps its usual meaning."""

    def __init__(self) -> None:
        self.pressed = False
        self._previous: object = None
        self._active = threading.current_thread() is threading.main_thread()

    def __enter__(self) -> _CtrlC:
        if self._active:
            self._previous = signal.signal(signal.SIGINT, self._on_sigint)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._active:
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]

    def ignore(self) -> None:
        if self._active:
            signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _on_sigint(self, signum: int, frame: object) -> None:
        if not self.pressed:
            self.pressed = True
            sys.stderr.write("stopping after this epoch (Ctrl-C again to stop at once)\n")
            sys.stderr.flush()
            return
        self.ignore()  # the rollback and the save must run to the end
        raise KeyboardInterrupt


def _check_out(out_path: str) -> None:
    try:
        check_writable(out_path)
    except WriteError as e:
        raise CliError(str(e)) from None


def _reseeded(trainer: Trainer, source: str, seed: int, from_workspace: bool,
              batch_size: int | None, out: TextIO) -> Trainer:
    """The preset with new start weights and shuffle order drawn from ``seed``."""
    if from_workspace:
        raise CliError("--seed applies to presets; a workspace continues its own run")
    if not 0 <= seed <= MAX_SEED:
        raise CliError(f"--seed must be a whole number from 0 to {MAX_SEED}, got {seed}")
    s = trainer.scenario
    fixed = s.init.scheme == "explicit"
    shuffles = s.train.shuffle and (batch_size or s.train.batch_size) < trainer.n_train
    if fixed and not shuffles:
        why = ("shuffling is off" if not s.train.shuffle
               else "it trains on the whole set in one batch")
        raise CliError(f"--seed has no effect on {source}: its start weights are fixed and "
                       f"{why}")
    if fixed:
        _write(out, f"note: {source} keeps its fixed start weights; --seed sets the shuffle "
                    "order only\n")
    return Trainer(replace(s, init=s.init if fixed else replace(s.init, seed=seed),
                           train=replace(s.train, seed=seed)))


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


def csv_options(args: object) -> CsvOptions | None:
    """The ``--data`` options of parsed arguments; None without ``--data`` (the other data
    options are refused then, rather than silently ignored)."""
    path = getattr(args, "data", None)
    given = [f"--{n.replace('_', '-')}" for n in ("label", "inputs", "task")
             if getattr(args, n, None) is not None]
    if getattr(args, "skip_bad_lines", False):
        given.append("--skip-bad-lines")
    if path is None:
        if given:
            verb = "applies" if len(given) == 1 else "apply"
            raise CliError(f"{', '.join(given)} only {verb} with --data FILE.csv")
        return None
    return CsvOptions(path, getattr(args, "label", None), getattr(args, "inputs", None),
                      getattr(args, "task", None), bool(getattr(args, "skip_bad_lines", False)))


def _progress(out: TextIO, trainer: Trainer, total: int, done: int, elapsed: float) -> None:
    line = progress_line(trainer, total, done, elapsed)
    if line is not None:
        _write(out, line + "\n")


def _final(out: TextIO, trainer: Trainer) -> None:
    line = final_line(trainer)
    if line is not None:
        _write(out, line + "\n")


def _write(out: TextIO, text: str) -> None:
    """Write and flush; if the reader of stdout has gone (``| head``), go on silently."""
    try:
        out.write(text)
        out.flush()
    except BrokenPipeError:
        if out is sys.stdout:  # send the rest (and the exit-time flush) to nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)


def export(source: str, fmt: str, out_path: str, out: TextIO = sys.stdout,
           weights_beside: bool = False) -> int:
    """Write the weights of a workspace (or a preset's start weights) to a file (a PyTorch
    export may write files beside it; ``weights_beside``: its weights in NAME.safetensors)."""
    if fmt not in EXPORT_FORMATS:
        raise CliError(f"--format must be one of {', '.join(EXPORT_FORMATS)}, got {fmt!r}")
    if weights_beside and fmt != "torch":
        raise CliError("--weights-beside applies to --format torch only")
    _check_out(out_path)
    trainer, _ = load_trainer(source)
    try:
        written = export_weights(trainer, fmt, out_path, weights_beside=weights_beside)
    except OnnxUnavailableError as e:
        raise CliError(str(e)) from None
    except (OSError, ValueError) as e:
        raise CliError(write_failure(out_path, e)) from None
    for path in written[:-1]:
        _write(out, f"wrote {path} (read by {Path(out_path).name})\n")
    _write(out, f"wrote {out_path}\n")
    suffix, usual = Path(out_path).suffix.lower(), EXPORT_SUFFIXES[fmt]
    if suffix != usual:
        sys.stderr.write(f"note: {out_path} holds {fmt} data"
                         f"{f' despite its {suffix} ending' if suffix else ''}; "
                         f"other programs may expect {usual}\n")
    return EXIT_OK
