"""The workloads ``engine_speed.py`` times, and how the engine side of each is built.

Every workload is an ordinary scenario and its engine side a ``Trainer`` built from it:
presets (``a``, ``b``, ``c``), the wide one-hidden-layer networks on circle data (``wide128``
… ``wide512``), and ``digits`` (64 inputs) and ``mnist`` (784 inputs), whose synthetic images
are custom data with every pixel a raw input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from engine.features import raw_key
from engine.initializers import InitSpec
from engine.network import LayerSpec
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from engine.scenario import (
    CustomData,
    DataSpec,
    ModelSpec,
    Scenario,
    TrainSpec,
    validate,
)
from engine.trainer import Trainer


@dataclass(frozen=True)
class Workload:
    """One benchmark case: how to build the engine's trainer, how long to time it and the
    speed targets (engine epochs/s over the other's; None: reported, no target)."""

    key: str
    what: str
    make_trainer: Callable[[], Trainer]
    epochs: int
    quick_epochs: int
    target_baseline: float
    target_torch64: float | None
    target_torch32: float | None = None
    check_epochs: int | None = None
    """Epochs of the parameter check when it cannot use the timed run (chaotic training)."""


def bench_scenario(preset: str) -> Scenario:
    """The preset under this app's own training rules (tf_default ships with TF Playground's
    rules on; the baselines here implement the app's rules, per-epoch shuffle included)."""
    s = get_preset(preset)
    return replace(s, train=replace(s.train, tf_rules=False))


def wide_scenario(width: int) -> Scenario:
    """tf_default's circle data, start and training settings with one tanh hidden layer of
    ``width`` units, at learning rate 0.01 (at 0.03, 512 units make training chaotic: rounding
    differences grow until equal code ends with different weights)."""
    s = bench_scenario("tf_default")
    model = replace(s.model, hidden=(LayerSpec(width, "tanh"),))
    sgd = replace(s.train.optimizer, learning_rate=0.01)
    return replace(s, key=f"wide{width}", model=model, train=replace(s.train, optimizer=sgd))


# ---------------------------------------------------------------------------------------------
# Data with more than two inputs
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class WideData:
    """Synthetic classification data: features (N, d) already scaled to [0, 1], labels (N,)."""

    features: np.ndarray
    labels: np.ndarray
    n_classes: int


@cache
def synthetic_images(n: int, side: int, levels: int, seed: int) -> WideData:
    """Ten classes of noisy ``side``×``side`` images with integer pixels 0..levels (as the UCI
    digits, 8×8 and 0..16, or MNIST, 28×28 and 0..255), each class a random blob prototype;
    pixels are divided by ``levels`` as a notebook would."""
    rng = np.random.default_rng(seed)
    d = side * side
    prototypes = rng.uniform(0, levels, (10, d)) * (rng.random((10, d)) < 0.4)
    labels = rng.integers(0, 10, n)
    noisy = prototypes[labels] + rng.normal(0, levels / 4, (n, d))
    pixels = np.clip(np.round(noisy), 0, levels)
    return WideData(pixels / levels, labels.astype(np.int64), 10)


def image_scenario(key: str, data: WideData, hidden: int, batch: int, lr: float) -> Scenario:
    """Softmax classification of ``data`` (every pixel a raw input, not standardised: the
    pixels are already in [0, 1]) with one ReLU hidden layer, He initialisation, SGD."""
    custom = CustomData(data.features, data.labels.astype(float), "classification")
    return validate(Scenario(
        key=key, title=key,
        data=DataSpec(dataset="custom", custom=custom, seed=1, train_fraction=0.7,
                      features=tuple(raw_key(i) for i in range(data.features.shape[1]))),
        model=ModelSpec(hidden=(LayerSpec(hidden, "relu"),), output_activation="softmax"),
        init=InitSpec(scheme="he", seed=1),
        train=TrainSpec(loss="cce", batch_size=batch, shuffle=True, seed=1,
                        optimizer=OptimizerSpec("sgd", lr)),
    ))


def digits_trainer() -> Trainer:
    return Trainer(image_scenario("digits", synthetic_images(1797, 8, 16, 64), 32, 32, 0.1))


def mnist_trainer() -> Trainer:
    return Trainer(image_scenario("mnist", synthetic_images(2500, 28, 255, 784), 128, 64, 0.1))


WORKLOADS: dict[str, Workload] = {
    w.key: w
    for w in (
        Workload("a", "tf_default: circle, 250 train, 2-4-2-1 tanh, batch 10",
                 lambda: Trainer(bench_scenario("tf_default")), 300, 60, 3.0, 10.0),
        Workload("b", "deep_tanh_spiral: spiral, 6 features, 6×8 tanh, batch 10",
                 lambda: Trainer(bench_scenario("deep_tanh_spiral")), 150, 30, 3.0, 10.0,
                 check_epochs=40),
        Workload("c", "xor_221: XOR table, 2-2-1 sigmoid, BCE, full batch",
                 lambda: Trainer(bench_scenario("xor_221")), 10_000, 2_000, 2.5, 10.0),
        Workload("digits", "synthetic 8×8 digits, 1258 train, 64-32-10 ReLU/softmax, CCE, batch 32",
                 digits_trainer, 40, 10, 2.3, 1.0),
        Workload("mnist", "synthetic 28×28 images, 1750 train, 784-128-10 ReLU/softmax, CCE, "
                 "batch 64", mnist_trainer, 6, 2, 1.0, 1.0, target_torch32=1 / 1.25),
        *(Workload(f"wide{n}", f"circle, 250 train, 2-{n}-1 tanh, SGD 0.01, batch 10",
                   (lambda n=n: Trainer(wide_scenario(n))), 60, 15, 1.0, 1.0)
          for n in (128, 256, 512)),
    )
}
