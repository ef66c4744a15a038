"""Small builders shared by the engine tests: trained presets, custom scenarios, the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from engine.initializers import InitSpec
from engine.network import LayerSpec
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from engine.scenario import CustomData, DataSpec, ModelSpec, Scenario, TrainSpec, validate
from engine.trainer import Trainer

ROOT = Path(__file__).resolve().parent.parent


def trained(key: str, epochs: int = 5, steps: int = 0, **changes: Any) -> Trainer:
    """Preset ``key`` (with scenario ``changes``) trained ``epochs`` whole epochs, then
    ``steps`` single minibatches."""
    scenario = get_preset(key)
    if changes:
        scenario = scenario.with_changes(**changes)
    t = Trainer(scenario)
    t.train(epochs)
    for _ in range(steps):
        t.train_step()
    return t


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``main.py`` with ``args``, run as a user runs it; output captured as text."""
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def custom_scenario(
    rng: np.random.Generator,
    hidden: list[tuple[int, str]],
    output: str,
    loss: str,
    *,
    reduction: str = "mean",
    use_bias: bool = True,
    n: int = 12,
    n_classes: int = 2,
    task: str = "classification",
    batch_size: int = 4,
    optimizer: OptimizerSpec | None = None,
    features: tuple[str, ...] = ("x1", "x2", "x1_x2"),
    shuffle: bool = True,
    init: InitSpec | None = None,
) -> Scenario:
    """A scenario on random custom data, for architectures no preset covers."""
    x = rng.uniform(-2, 2, size=(n, 2))
    if task == "classification":
        y = np.arange(n) % n_classes
        rng.shuffle(y)
    else:
        y = rng.normal(size=n)
    return validate(
        Scenario(
            data=DataSpec(
                dataset="custom",
                train_fraction=1.0,
                features=features,
                custom=CustomData(tuple(map(tuple, x.tolist())), tuple(y.tolist()), task),
            ),
            model=ModelSpec(tuple(LayerSpec(u, a) for u, a in hidden), output, use_bias),
            init=init or InitSpec(scheme="normal", std=0.7, seed=int(rng.integers(1 << 30))),
            train=TrainSpec(
                loss=loss, reduction=reduction, batch_size=batch_size, shuffle=shuffle,
                seed=int(rng.integers(1 << 30)), optimizer=optimizer or OptimizerSpec(),
            ),
        )
    )
