"""Training speed of the engine against a notebook-style NumPy network and PyTorch eager.

What it measures
----------------
Epochs per second of four implementations doing exactly the same work per epoch:

1. **engine** — ``engine.trainer.Trainer.train`` (precompiled NumPy call lists on
   preallocated buffers);
2. **baseline** — a straightforward NumPy implementation written the way notebooks do it:
   samples as rows, ``a = act(np.dot(a, W) + b)``, explicit deltas, fresh arrays everywhere;
3. **torch_f64** and **torch_f32** — PyTorch CPU eager in float64 and float32, tensors with
   ``requires_grad``, ``loss.backward()`` and ``torch.optim.SGD`` (both skipped with a note
   when ``import torch`` fails).

All start from the engine's initial parameters, train on the engine's training set in the
engine's batch order (``np.random.default_rng((train_seed, epoch)).permutation(n_train)``
when shuffling with more than one batch), and after every epoch evaluate the loss and
accuracy on the whole training set and on the test set (one forward pass each), as the engine
does. The implementations live in ``speed_impls.py``, the workloads in ``speed_workloads.py``:

* ``a`` — ``tf_default``: circle, 250 training points, 2-4-2-1 tanh, half squared error,
  SGD 0.03, batch 10, shuffled;
* ``b`` — ``deep_tanh_spiral``: spiral, 250 training points, 6 features, six hidden layers
  of 8 tanh units, tanh output, half squared error, SGD 0.03, batch 10, shuffled;
* ``c`` — ``xor_221``: the 4-row XOR table, 2-2-1 sigmoid, binary cross-entropy, full batch,
  no shuffling;
* ``digits`` — synthetic 8×8 "digits" (pixels 0..16 as the UCI set, scaled to [0, 1]), 1797
  rows, 1258 training, 64-32-10 ReLU/softmax, categorical cross-entropy, He start, SGD 0.1,
  batch 32, shuffled;
* ``mnist`` — synthetic 28×28 images (pixels 0..255, scaled), 2500 rows, 1750 training,
  784-128-10 ReLU/softmax, categorical cross-entropy, SGD 0.1, batch 64, shuffled;
* ``wide128``, ``wide256``, ``wide512`` — tf_default's circle data and start with one tanh
  hidden layer of 128/256/512 units, SGD 0.01, batch 10, shuffled.

Every workload is a scenario and the engine side a ``Trainer`` built from it; ``digits`` and
``mnist`` hold their synthetic images as custom data, every pixel a raw input.

Each workload runs several rounds; a round times every implementation once on a fresh model
(construction is not timed), with the order rotated from round to round so that drift in the
machine's speed falls on all of them alike. Reported: the median epochs/s of each
implementation and the median over rounds of the per-round ratios engine/baseline,
engine/torch_f64 and engine/torch_f32, checked against the targets: engine ≥ 3× baseline on
a and b, ≥ 2.5× on c, ≥ 2.3× on digits, ≥ 1× on the others; engine ≥ 10× torch_f64 on a, b
and c, ≥ 1× on the others; engine ≥ torch_f32 / 1.25 on mnist (float32 is otherwise reported
without a target). BLAS (and torch) are held to one thread throughout.

A correctness check (float64 only) follows each workload: the final parameters of the
baseline and of torch_f64 must equal the engine's (max absolute difference and difference
relative to the largest parameter are printed; the tolerance is 1e-9 relative), and so must
the final training loss. The check uses the timed runs, except on ``b``: its training is
chaotic (rounding differences grow about tenfold per epoch after epoch ~50, so after 150
epochs equal code gives different weights), and it is checked on a separate run of 40
epochs; the timed runs' difference is printed for information.

How to run
----------
From the repository root::

    .venv/bin/python bench/engine_speed.py            # all workloads, no torch
    .venv/bin/python bench/engine_speed.py --quick    # fewer epochs and rounds
    .venv/bin/python bench/engine_speed.py --workload a --workload mnist

PyTorch is not a project dependency; to include it, use a separate virtual environment::

    python3 -m venv /tmp/benchvenv
    /tmp/benchvenv/bin/pip install torch numpy threadpoolctl
    /tmp/benchvenv/bin/python bench/engine_speed.py

The default run takes about 2 minutes with torch (``--quick``: about 20 s).

The script always exits 0: it reports, it does not gate.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Runs from a checkout as `python bench/engine_speed.py`, installed or not (e.g. in a torch venv).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from speed_impls import TORCH_MISSING, Implementation, Layers, NumpyMLP, Problem, TorchMLP, torch
from speed_workloads import WORKLOADS, Workload
from threadpoolctl import threadpool_info, threadpool_limits

from engine.trainer import Trainer

REL_TOLERANCE = 1e-9
"""Largest accepted parameter difference, relative to the largest engine parameter."""


def problem_from_trainer(t: Trainer) -> Problem:
    s = t.scenario
    if s.train.optimizer.kind != "sgd" or s.train.optimizer.regularization != "none":
        raise ValueError("the benchmark implements plain SGD only")
    if s.train.loss not in ("half_se", "bce", "cce") or s.train.reduction != "mean":
        raise ValueError("the benchmark implements half_se, bce and cce with mean reduction only")
    initial = []
    for w, b in t.params.as_list():
        if b is None:
            raise ValueError("the benchmark expects biases")
        initial.append((w, b))
    return Problem(
        x_train=np.ascontiguousarray(t.split.x_train.T),
        y_train=np.ascontiguousarray(t.split.y_train.T),
        x_test=np.ascontiguousarray(t.split.x_test.T),
        y_test=np.ascontiguousarray(t.split.y_test.T),
        labels_train=np.asarray(t.split.labels_train, dtype=np.int64),
        labels_test=np.asarray(t.split.labels_test, dtype=np.int64),
        initial=initial,
        activations=tuple(layer.activation for layer in t.spec.layers),
        loss=s.train.loss,
        learning_rate=s.train.optimizer.learning_rate,
        batch_size=t.batch_size,
        shuffle=s.train.shuffle,
        seed=s.train.seed,
    )


class EngineRun:
    """The engine: ``Trainer.train`` on a trainer the workload builds."""

    def __init__(self, make: Callable[[], Trainer]) -> None:
        self.trainer = make()

    def train(self, n_epochs: int) -> None:
        report = self.trainer.train(n_epochs)
        if report.diverged is not None or report.epochs_run != n_epochs:
            raise RuntimeError(f"engine ran {report.epochs_run} epochs: {report.diverged}")

    def parameters(self) -> Layers:
        return [(w, b) for w, b in self.trainer.params.as_list() if b is not None]

    def final_train_loss(self) -> float:
        return float(self.trainer.history.column("train_loss")[-1])


# ---------------------------------------------------------------------------------------------
# Timing and reporting
# ---------------------------------------------------------------------------------------------
def machine_info() -> list[str]:
    lines = [
        f"python   {platform.python_implementation()} {sys.version.split()[0]} "
        f"on {platform.system()} {platform.machine()}",
        f"cpus     os.cpu_count()={os.cpu_count()}"
        + (f", usable={len(os.sched_getaffinity(0))}" if hasattr(os, "sched_getaffinity") else ""),
        f"cpu      {_cpu_model()}",
        f"numpy    {np.__version__}",
    ]
    for pool in threadpool_info():
        lines.append(
            f"blas     {pool.get('internal_api')} {pool.get('version')} "
            f"({pool.get('threading_layer', '?')} threading, {pool.get('architecture', '?')}, "
            f"num_threads={pool.get('num_threads')}) {os.path.basename(pool.get('filepath', ''))}"
        )
    if torch is not None:
        lines.append(
            f"torch    {torch.__version__} (num_threads={torch.get_num_threads()}, "
            f"interop_threads={torch.get_num_interop_threads()})"
        )
    else:
        lines.append(f"torch    not available ({TORCH_MISSING}); its column is skipped")
    return lines


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def engine_call_counts(t: Trainer) -> str:
    """NumPy calls the engine makes per training step and per evaluation pass (best effort:
    reads private attributes, which may change)."""
    try:
        steps = sorted(len(prog.calls) for prog in t.program.programs.values())
        evals = len(t.program.evaluations[0].calls)
        return f"{'/'.join(map(str, steps))} NumPy calls per step, {evals} per evaluation pass"
    except AttributeError:
        return "(call counts unavailable)"


def max_param_diff(ref: Layers, other: Layers) -> tuple[float, float]:
    """(max absolute difference, that divided by the largest absolute reference parameter)."""
    diff = 0.0
    scale = 0.0
    for (w0, b0), (w1, b1) in zip(ref, other, strict=True):
        diff = max(diff, float(np.max(np.abs(w0 - w1))), float(np.max(np.abs(b0 - b1))))
        scale = max(scale, float(np.max(np.abs(w0))), float(np.max(np.abs(b0))))
    return diff, diff / scale if scale else diff


def run_workload(w: Workload, quick: bool, rounds: int) -> dict[str, str]:
    """Time one workload, print its table and checks; return {check: verdict}."""
    epochs = w.quick_epochs if quick else w.epochs
    ref = w.make_trainer()
    problem = problem_from_trainer(ref)
    sizes = "-".join(str(n) for n in ref.spec.sizes)
    print(
        f"\n== workload ({w.key}) {w.what}\n   {ref.n_train} train / {problem.x_test.shape[0]} "
        f"test samples, {sizes} {'/'.join(problem.activations)}, {problem.loss}, "
        f"SGD lr {problem.learning_rate}, batch {problem.batch_size} "
        f"({ref.batches_per_epoch} steps/epoch), shuffle {problem.shuffle}"
    )
    print(f"   engine: {engine_call_counts(ref)}")
    print(f"   {epochs} epochs per timing, {rounds} rounds (order rotated each round)")

    makers: dict[str, Callable[[], Implementation]] = {
        "engine": lambda: EngineRun(w.make_trainer),
        "baseline": lambda: NumpyMLP(problem),
    }
    if torch is not None:
        makers["torch_f64"] = lambda: TorchMLP(problem, "float64")
        makers["torch_f32"] = lambda: TorchMLP(problem, "float32")
    names = list(makers)

    # Warm-up: a few epochs each (first-call costs, caches, torch's lazy initialisation).
    for name in names:
        makers[name]().train(min(epochs, 5))

    rates: dict[str, list[float]] = {name: [] for name in names}
    last: dict[str, Implementation] = {}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            impl = makers[name]()
            start = time.perf_counter()
            impl.train(epochs)
            elapsed = time.perf_counter() - start
            rates[name].append(epochs / elapsed)
            last[name] = impl

    print(f"   {'implementation':<14}{'median ep/s':>12}{'min':>10}{'max':>10}")
    for name in names:
        v = rates[name]
        print(f"   {name:<14}{statistics.median(v):>12.1f}{min(v):>10.1f}{max(v):>10.1f}")

    verdicts: dict[str, str] = {}
    targets = (("baseline", w.target_baseline), ("torch_f64", w.target_torch64),
               ("torch_f32", w.target_torch32))
    for other, target in targets:
        label = f"engine / {other}"
        wanted = "(no target)" if target is None else f"target ≥ {target:.3g}×"
        if other not in rates:
            print(f"   {label:<20} skipped (torch not available); {wanted}")
            continue
        pairs = zip(rates["engine"], rates[other], strict=True)
        ratio = statistics.median(e / o for e, o in pairs)
        if target is None:
            print(f"   {label:<20}{ratio:>7.2f}×   {wanted}")
            continue
        verdict = "MET" if ratio >= target else "NOT MET"
        verdicts[f"({w.key}) {label} ≥ {target:.3g}×"] = f"{verdict} ({ratio:.2f}×)"
        print(f"   {label:<20}{ratio:>7.2f}×   {wanted}: {verdict}")

    # Correctness (float64 only): same final parameters and training loss as the engine.
    checked_names = [n for n in names[1:] if n != "torch_f32"]
    check_epochs = min(epochs, w.check_epochs or epochs)
    if check_epochs == epochs:
        checked = last
    else:
        print(f"   after the timed {epochs} epochs (for information; not a check, see below):")
        for name in checked_names:
            diff, rel = max_param_diff(last["engine"].parameters(), last[name].parameters())
            print(
                f"     {name:<10} max |Δθ| = {diff:.3e} (relative {rel:.3e}), final train loss "
                f"{last[name].final_train_loss():.6g} (engine "
                f"{last['engine'].final_train_loss():.6g})"
            )
        print(
            "     (this training is chaotic: rounding differences of 1e-16 grow about tenfold per"
            f" epoch\n      after epoch ~50, so the check uses a separate run of {check_epochs}"
            " epochs)"
        )
        checked = {}
        for name in ["engine", *checked_names]:
            checked[name] = makers[name]()
            checked[name].train(check_epochs)
    engine_params = checked["engine"].parameters()
    engine_loss = checked["engine"].final_train_loss()
    print(f"   correctness after {check_epochs} epochs (engine train loss {engine_loss:.12g}):")
    for name in checked_names:
        diff, rel = max_param_diff(engine_params, checked[name].parameters())
        loss = checked[name].final_train_loss()
        ok = rel <= REL_TOLERANCE and abs(loss - engine_loss) <= REL_TOLERANCE * max(
            abs(engine_loss), 1e-12
        )
        verdict = "OK" if ok else "MISMATCH"
        verdicts[f"({w.key}) {name} = engine after {check_epochs} ep"] = verdict
        print(
            f"     {name:<10} max |Δθ| = {diff:.3e} (relative {rel:.3e}), "
            f"train loss {loss:.12g}: {verdict} (tolerance {REL_TOLERANCE:g} relative)"
        )
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs and rounds")
    parser.add_argument(
        "--workload", choices=list(WORKLOADS), action="append",
        help="run this workload (repeatable; default: all)"
    )
    parser.add_argument("--rounds", type=int, help="timing rounds (default 5, quick 3)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 5)
    keys = args.workload or list(WORKLOADS)

    if torch is not None:
        torch.set_num_threads(1)
        with contextlib.suppress(RuntimeError):  # already set, or parallel work has started
            torch.set_num_interop_threads(1)
    with threadpool_limits(limits=1):
        print("Backprop Playground engine speed" + (" (quick)" if args.quick else ""))
        for line in machine_info():
            print(f"  {line}")
        results: dict[str, str] = {}
        for key in keys:
            results.update(run_workload(WORKLOADS[key], args.quick, rounds))

    print("\n== summary")
    for label, verdict in results.items():
        print(f"   {label:<42} {verdict}")
    if torch is None:
        print(f"   engine / torch targets not checked: torch not available ({TORCH_MISSING})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
