"""Engine against the notebook-style NumPy baseline in tight pairs, for one workload.

``engine_speed.py`` rotates four implementations (with torch) through each round, so one
engine timing and the baseline's it is compared with can lie a second apart on a shared
machine whose speed drifts. Here the two alternate back to back, 40-epoch runs on fresh
models as there (construction untimed), the order flipped every pair, and the script prints
the median of the per-pair ratios with its quartiles: a steadier figure, for comparing two
versions of the engine (run it at each commit).

    .venv/bin/python bench/engine_pairs.py [--workload digits] [--pairs 24]

It always exits 0: it reports, it does not gate.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine_speed import EngineRun, problem_from_trainer
from speed_impls import Implementation, NumpyMLP
from speed_workloads import WORKLOADS

from engine.blas import limit_blas_threads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", choices=list(WORKLOADS), default="digits")
    parser.add_argument("--pairs", type=int, default=24)
    args = parser.parse_args(argv)
    limit_blas_threads()
    w = WORKLOADS[args.workload]
    problem = problem_from_trainer(w.make_trainer())
    makers = {"engine": lambda: EngineRun(w.make_trainer),
              "baseline": lambda: NumpyMLP(problem)}
    for make in makers.values():  # warm-up: first-call costs
        make().train(min(w.epochs, 5))
    ratios: list[float] = []
    rates: dict[str, list[float]] = {name: [] for name in makers}
    for pair in range(max(args.pairs, 2)):
        rate = {}
        for name in (list(makers) if pair % 2 else list(reversed(makers))):
            impl: Implementation = makers[name]()
            start = time.perf_counter()
            impl.train(w.epochs)
            rate[name] = w.epochs / (time.perf_counter() - start)
            rates[name].append(rate[name])
        ratios.append(rate["engine"] / rate["baseline"])
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    print(f"workload ({w.key}) {w.what}; {len(ratios)} pairs of {w.epochs}-epoch runs")
    for name, values in rates.items():
        print(f"   {name:<10} median {statistics.median(values):8.1f} epochs/s")
    target = f"target ≥ {w.target_baseline:.3g}×"
    print(f"   engine / baseline: median {statistics.median(ratios):.2f}× "
          f"(quartiles {q1:.2f}–{q3:.2f}×); {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
