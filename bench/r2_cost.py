"""What recording R² in the history costs per epoch (regression only).

Times ``Trainer.train`` on regression presets with the per-epoch R² on and off (the off
run drops ``EpochProgram.fit_scores``), in alternating rounds, and prints the median
epochs/s of each and the added microseconds per epoch. A benchmark, not a test: it always
exits 0. Run from the repository root: ``.venv/bin/python bench/r2_cost.py``.
"""

from __future__ import annotations

import statistics
import time

from engine.blas import limit_blas_threads
from engine.presets import get_preset
from engine.trainer import Trainer

PRESETS = (("regression_plane", 2000), ("sine_regression", 2000), ("diabetes", 200))
ROUNDS = 5


def rate(key: str, epochs: int, with_r2: bool) -> float:
    t = Trainer(get_preset(key))
    if not with_r2:
        t.program.fit_scores = None
    start = time.perf_counter()
    t.train(epochs)
    return epochs / (time.perf_counter() - start)


def main() -> None:
    limit_blas_threads()
    for key, epochs in PRESETS:
        on: list[float] = []
        off: list[float] = []
        for k in range(ROUNDS):
            for with_r2 in ((True, False) if k % 2 else (False, True)):
                (on if with_r2 else off).append(rate(key, epochs, with_r2))
        r_on, r_off = statistics.median(on), statistics.median(off)
        added = (1.0 / r_on - 1.0 / r_off) * 1e6
        print(f"{key:<18} with R² {r_on:>9,.0f} epochs/s   without {r_off:>9,.0f} epochs/s"
              f"   {added:+.1f} µs/epoch ({100 * (r_off / r_on - 1):+.1f}%)")


if __name__ == "__main__":
    main()
