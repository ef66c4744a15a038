"""Training speed of the engine against a notebook-style NumPy network and PyTorch eager.

What it measures
----------------
Epochs per second of three implementations doing exactly the same work per epoch:

1. **engine** — ``engine.trainer.Trainer.train`` (precompiled NumPy call lists on
   preallocated buffers);
2. **baseline** — a straightforward NumPy implementation written the way notebooks do it:
   samples as rows, ``a = act(np.dot(a, W) + b)``, explicit deltas, fresh arrays everywhere;
3. **torch** — PyTorch CPU eager, float64 tensors with ``requires_grad``, ``loss.backward()``
   and ``torch.optim.SGD`` (skipped with a note when ``import torch`` fails).

All three start from the engine's initial parameters, train on the engine's training set in
the engine's batch order (``np.random.default_rng((train_seed, epoch)).permutation(n_train)``
when shuffling with more than one batch), and after every epoch evaluate the loss and
accuracy on the whole training set and on the test set (one forward pass each), as the engine
does. The workloads are three presets:

* ``a`` — ``tf_default``: circle, 250 training points, 2-4-2-1 tanh, half squared error,
  SGD 0.03, batch 10, shuffled;
* ``b`` — ``deep_tanh_spiral``: spiral, 250 training points, 6 features, six hidden layers
  of 8 tanh units, tanh output, half squared error, SGD 0.03, batch 10, shuffled;
* ``c`` — ``xor_221``: the 4-row XOR table, 2-2-1 sigmoid, binary cross-entropy, full batch,
  no shuffling.

Each workload runs several rounds; a round times every implementation once on a fresh model
(construction is not timed), with the order rotated from round to round so that drift in the
machine's speed falls on all of them alike. Reported: the median epochs/s of each
implementation and the median over rounds of the per-round ratios engine/baseline and
engine/torch, checked against the targets (engine ≥ 3× baseline on a and b, ≥ 2.5× on c;
engine ≥ 10× torch on all). BLAS (and torch) are held to one thread throughout.

A correctness check follows each workload: the final parameters of the baseline and of torch
must equal the engine's (max absolute difference and difference relative to the largest
parameter are printed; the tolerance is 1e-9 relative), and so must the final training loss.
The check uses the timed runs, except on ``b``: its training is chaotic (rounding differences
grow about tenfold per epoch after epoch ~50, so after 150 epochs equal code gives different
weights), and it is checked on a separate run of 40 epochs; the timed runs' difference is
printed for information.

How to run
----------
From the repository root::

    .venv/bin/python bench/engine_speed.py            # all workloads, no torch
    .venv/bin/python bench/engine_speed.py --quick    # fewer epochs and rounds
    .venv/bin/python bench/engine_speed.py --workload a

PyTorch is not a project dependency; to include it, use a separate virtual environment::

    python3 -m venv /tmp/benchvenv
    /tmp/benchvenv/bin/pip install torch numpy threadpoolctl
    /tmp/benchvenv/bin/python bench/engine_speed.py

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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

# Runs from a checkout as `python bench/engine_speed.py`, installed or not (e.g. in a torch venv).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from engine.presets import get_preset
from engine.scenario import Scenario
from engine.trainer import Trainer

try:  # PyTorch is optional: the benchmark runs without it and says so.
    import torch
except ImportError as _torch_error:  # pragma: no cover - depends on the environment
    torch = None
    TORCH_MISSING = f"{type(_torch_error).__name__}: {_torch_error}"
else:
    TORCH_MISSING = ""

REL_TOLERANCE = 1e-9
"""Largest accepted parameter difference, relative to the largest engine parameter."""


@dataclass(frozen=True)
class Workload:
    """One benchmark case: a preset, how long to time it and the speed targets."""

    key: str
    preset: str
    epochs: int
    quick_epochs: int
    target_baseline: float
    target_torch: float
    check_epochs: int | None = None
    """Epochs of the parameter check when it cannot use the timed run (chaotic training)."""


WORKLOADS: dict[str, Workload] = {
    w.key: w
    for w in (
        Workload("a", "tf_default", 300, 60, 3.0, 10.0),
        Workload("b", "deep_tanh_spiral", 150, 30, 3.0, 10.0, check_epochs=40),
        Workload("c", "xor_221", 10_000, 2_000, 2.5, 10.0),
    )
}


@dataclass(frozen=True)
class Problem:
    """Everything an implementation needs, taken from one engine trainer.

    Arrays use the notebook layout: samples as rows.
    """

    x_train: np.ndarray  # (N, d)
    y_train: np.ndarray  # (N, K)
    x_test: np.ndarray
    y_test: np.ndarray
    labels_train: np.ndarray  # (N,) class indices
    labels_test: np.ndarray
    initial: list[tuple[np.ndarray, np.ndarray]]  # [(W (n_in, n_out), b (n_out,)), ...]
    activations: tuple[str, ...]  # per layer, hidden layers then output
    loss: str  # "half_se" or "bce"
    learning_rate: float
    batch_size: int
    shuffle: bool
    seed: int


def problem_from_trainer(t: Trainer) -> Problem:
    s = t.scenario
    if s.train.optimizer.kind != "sgd" or s.train.optimizer.regularization != "none":
        raise ValueError("the benchmark implements plain SGD only")
    if s.train.loss not in ("half_se", "bce") or s.train.reduction != "mean":
        raise ValueError("the benchmark implements half_se and bce with mean reduction only")
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


def epoch_order(p: Problem, epoch: int) -> np.ndarray | None:
    """The engine's sample order for an epoch, or None when the data stays in place."""
    n = p.x_train.shape[0]
    if p.shuffle and n > p.batch_size:
        return np.random.default_rng((p.seed, epoch)).permutation(n)
    return None


def bench_scenario(preset: str) -> Scenario:
    """The preset under this app's own training rules (tf_default ships with TF Playground's
    rules on; the baselines here implement the app's rules, per-epoch shuffle included)."""
    s = get_preset(preset)
    return replace(s, train=replace(s.train, tf_rules=False))


class Implementation(Protocol):
    def train(self, n_epochs: int) -> None: ...

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]: ...

    def final_train_loss(self) -> float: ...


# ---------------------------------------------------------------------------------------------
# (1) The engine
# ---------------------------------------------------------------------------------------------
class EngineRun:
    def __init__(self, preset: str) -> None:
        self.trainer = Trainer(bench_scenario(preset))

    def train(self, n_epochs: int) -> None:
        report = self.trainer.train(n_epochs)
        if report.diverged is not None or report.epochs_run != n_epochs:
            raise RuntimeError(f"engine ran {report.epochs_run} epochs: {report.diverged}")

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(w, b) for w, b in self.trainer.params.as_list() if b is not None]

    def final_train_loss(self) -> float:
        return float(self.trainer.history.column("train_loss")[-1])


# ---------------------------------------------------------------------------------------------
# (2) The notebook-style NumPy baseline
# ---------------------------------------------------------------------------------------------
def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


ACT: dict[str, Callable[[np.ndarray], np.ndarray]] = {"tanh": np.tanh, "sigmoid": sigmoid}
DACT: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": lambda a: 1 - a**2,
    "sigmoid": lambda a: a * (1 - a),
}
LOW_TARGET = {"tanh": -1.0, "sigmoid": 0.0}


class NumpyMLP:
    """A small fully connected network as it is usually written in a notebook."""

    def __init__(self, p: Problem) -> None:
        self.p = p
        self.W = [w.copy() for w, _ in p.initial]
        self.b = [b.copy() for _, b in p.initial]
        self.acts = [ACT[k] for k in p.activations]
        self.dacts = [DACT[k] for k in p.activations]
        self.lr = p.learning_rate
        self.epoch = 0
        self.history: list[tuple[float, float, float, float]] = []

    def forward(self, x: np.ndarray) -> list[np.ndarray]:
        a = x
        activations = [a]
        for W, b, act in zip(self.W, self.b, self.acts, strict=True):
            a = act(np.dot(a, W) + b)
            activations.append(a)
        return activations

    def train_batch(self, x: np.ndarray, y: np.ndarray) -> None:
        activations = self.forward(x)
        out = activations[-1]
        n = x.shape[0]
        # δ = (o − t) / N for sigmoid with cross-entropy, (o − t) · f'(z) / N for half_se.
        error = out - y if self.p.loss == "bce" else (out - y) * self.dacts[-1](out)
        delta = error / n
        for i in range(len(self.W) - 1, -1, -1):
            a_prev = activations[i]
            dW = np.dot(a_prev.T, delta)
            db = np.sum(delta, axis=0)
            if i > 0:
                delta = np.dot(delta, self.W[i].T) * self.dacts[i - 1](a_prev)
            self.W[i] -= self.lr * dW
            self.b[i] -= self.lr * db

    def loss_and_accuracy(
        self, x: np.ndarray, y: np.ndarray, labels: np.ndarray
    ) -> tuple[float, float]:
        if x.shape[0] == 0:
            return float("nan"), float("nan")
        out = self.forward(x)[-1]
        if self.p.loss == "bce":
            loss = -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))
        else:
            loss = np.mean(0.5 * np.sum((out - y) ** 2, axis=1))
        threshold = (LOW_TARGET[self.p.activations[-1]] + 1) / 2
        accuracy = np.mean((out[:, 0] > threshold) == labels)
        return float(loss), float(accuracy)

    def train(self, n_epochs: int) -> None:
        p = self.p
        X, Y, B = p.x_train, p.y_train, p.batch_size
        n = X.shape[0]
        for _ in range(n_epochs):
            idx = epoch_order(p, self.epoch)
            for i in range(0, n, B):
                if idx is None:
                    self.train_batch(X[i : i + B], Y[i : i + B])
                else:
                    self.train_batch(X[idx[i : i + B]], Y[idx[i : i + B]])
            self.epoch += 1
            train_loss, train_acc = self.loss_and_accuracy(X, Y, p.labels_train)
            test_loss, test_acc = self.loss_and_accuracy(p.x_test, p.y_test, p.labels_test)
            self.history.append((train_loss, test_loss, train_acc, test_acc))

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return list(zip(self.W, self.b, strict=True))

    def final_train_loss(self) -> float:
        return self.history[-1][0]


# ---------------------------------------------------------------------------------------------
# (3) PyTorch eager
# ---------------------------------------------------------------------------------------------
class TorchMLP:
    """The same network with manual float64 tensors, autograd and ``torch.optim.SGD``."""

    def __init__(self, p: Problem) -> None:
        assert torch is not None
        self.p = p
        f64 = torch.float64
        self.W = [torch.tensor(w, dtype=f64, requires_grad=True) for w, _ in p.initial]
        self.b = [torch.tensor(b, dtype=f64, requires_grad=True) for _, b in p.initial]
        self.acts = [{"tanh": torch.tanh, "sigmoid": torch.sigmoid}[k] for k in p.activations]
        self.opt = torch.optim.SGD([*self.W, *self.b], lr=p.learning_rate)
        self.X = torch.from_numpy(p.x_train)
        self.Y = torch.from_numpy(p.y_train)
        self.Xt = torch.from_numpy(p.x_test)
        self.Yt = torch.from_numpy(p.y_test)
        self.Lt = torch.from_numpy(p.labels_train)
        self.Lv = torch.from_numpy(p.labels_test)
        self.threshold = (LOW_TARGET[p.activations[-1]] + 1) / 2
        self.epoch = 0
        self.history: list[tuple[float, float, float, float]] = []

    def logits(self, x: Any) -> Any:
        """The output layer's pre-activation z."""
        a = x
        last = len(self.W) - 1
        for i, (W, b, act) in enumerate(zip(self.W, self.b, self.acts, strict=True)):
            z = a @ W + b
            if i == last:
                return z
            a = act(z)
        raise AssertionError("unreachable")

    def loss(self, z: Any, y: Any) -> Any:
        if self.p.loss == "bce":
            return torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        out = self.acts[-1](z)
        return (0.5 * ((out - y) ** 2).sum(dim=1)).mean()

    def train_batch(self, x: Any, y: Any) -> None:
        self.opt.zero_grad()
        loss = self.loss(self.logits(x), y)
        loss.backward()
        self.opt.step()

    def loss_and_accuracy(self, x: Any, y: Any, labels: Any) -> tuple[float, float]:
        if x.shape[0] == 0:
            return float("nan"), float("nan")
        with torch.no_grad():
            z = self.logits(x)
            loss = self.loss(z, y).item()
            out = self.acts[-1](z)
            accuracy = ((out[:, 0] > self.threshold) == labels).double().mean().item()
        return loss, accuracy

    def train(self, n_epochs: int) -> None:
        p = self.p
        X, Y, B = self.X, self.Y, p.batch_size
        n = X.shape[0]
        for _ in range(n_epochs):
            order = epoch_order(p, self.epoch)
            if order is None:
                for i in range(0, n, B):
                    self.train_batch(X[i : i + B], Y[i : i + B])
            else:
                idx = torch.from_numpy(order)
                for i in range(0, n, B):
                    self.train_batch(X[idx[i : i + B]], Y[idx[i : i + B]])
            self.epoch += 1
            train_loss, train_acc = self.loss_and_accuracy(X, Y, self.Lt)
            test_loss, test_acc = self.loss_and_accuracy(self.Xt, self.Yt, self.Lv)
            self.history.append((train_loss, test_loss, train_acc, test_acc))

    def parameters(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [
            (w.detach().numpy().copy(), b.detach().numpy().copy())
            for w, b in zip(self.W, self.b, strict=True)
        ]

    def final_train_loss(self) -> float:
        return self.history[-1][0]


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
        evals = len(t.program.eval_train.calls)
        return f"{'/'.join(map(str, steps))} NumPy calls per step, {evals} per evaluation pass"
    except AttributeError:
        return "(call counts unavailable)"


def max_param_diff(
    ref: list[tuple[np.ndarray, np.ndarray]], other: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[float, float]:
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
    ref = Trainer(bench_scenario(w.preset))
    problem = problem_from_trainer(ref)
    sizes = "-".join(str(n) for n in ref.spec.sizes)
    print(
        f"\n== workload ({w.key}) {w.preset}: {ref.n_train} train / {problem.x_test.shape[0]} "
        f"test samples, {sizes} {'/'.join(problem.activations)}, {problem.loss}, "
        f"SGD lr {problem.learning_rate}, batch {problem.batch_size} "
        f"({ref.batches_per_epoch} steps/epoch), shuffle {problem.shuffle}"
    )
    print(f"   engine: {engine_call_counts(ref)}")
    print(f"   {epochs} epochs per timing, {rounds} rounds (order rotated each round)")

    makers: dict[str, Callable[[], Implementation]] = {
        "engine": lambda: EngineRun(w.preset),
        "baseline": lambda: NumpyMLP(problem),
    }
    if torch is not None:
        makers["torch"] = lambda: TorchMLP(problem)
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
    for other, target in (("baseline", w.target_baseline), ("torch", w.target_torch)):
        label = f"engine / {other}"
        if other not in rates:
            print(f"   {label:<18} skipped (torch not available); target ≥ {target:g}×")
            continue
        pairs = zip(rates["engine"], rates[other], strict=True)
        ratio = statistics.median(e / o for e, o in pairs)
        ok = ratio >= target
        verdict = "MET" if ok else "NOT MET"
        verdicts[f"({w.key}) {label} ≥ {target:g}×"] = f"{verdict} ({ratio:.2f}×)"
        print(f"   {label:<18}{ratio:>7.2f}×   target ≥ {target:g}×: {verdict}")

    # Correctness: same final parameters and final training loss as the engine.
    check_epochs = min(epochs, w.check_epochs or epochs)
    if check_epochs == epochs:
        checked = last
    else:
        print(f"   after the timed {epochs} epochs (for information; not a check, see below):")
        for name in names[1:]:
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
        for name in names:
            checked[name] = makers[name]()
            checked[name].train(check_epochs)
    engine_params = checked["engine"].parameters()
    engine_loss = checked["engine"].final_train_loss()
    print(f"   correctness after {check_epochs} epochs (engine train loss {engine_loss:.12g}):")
    for name in names[1:]:
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
        "--workload", choices=sorted(WORKLOADS), help="run one workload (default: all)"
    )
    parser.add_argument("--rounds", type=int, help="timing rounds (default 5, quick 3)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 5)
    keys = [args.workload] if args.workload else list(WORKLOADS)

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
        print(f"   {label:<36} {verdict}")
    if torch is None:
        print(f"   engine / torch targets not checked: torch not available ({TORCH_MISSING})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
