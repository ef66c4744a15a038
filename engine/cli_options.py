"""``python main.py train`` options that change the run before it trains: ``--dataset KEY``
(a built-in data set instead of the source's) and ``--stop-at-loss X`` / ``--patience N``
(the stop rule; ``--epochs`` stays the cap)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from engine.data.real import REAL_BY_KEY
from engine.datasets import DATASETS
from engine.dropout import parse_rates
from engine.features import available_features
from engine.scenario import fit_to_data
from engine.trainer import Trainer
from engine.training.stopping import MAX_STOP_EPOCH


def on_dataset(trainer: Trainer, key: str, say: Callable[[str], None]) -> Trainer:
    """A new run (epoch 0, fresh start weights) of the source's network and settings on the
    built-in data set ``key``, fitted to it as the window does when one picks it in the
    gallery (features, output and loss that suit the data; ``say`` gets what changed)."""
    if key not in DATASETS:
        raise ValueError(f"--dataset: unknown data set {key!r}; known: {', '.join(DATASETS)}")
    s = trainer.scenario
    info = DATASETS[key]
    was_fixed = s.data.dataset == "custom" or s.data.dataset in REAL_BY_KEY
    n = info.default_samples if info.fixed_size or was_fixed else s.data.n_samples
    data = replace(s.data, dataset=key, custom=None, n_samples=n)
    if key in REAL_BY_KEY:  # measurements in their own units: standardise, every column
        data = replace(data, standardize=True, features=tuple(available_features(info.n_inputs)))
    elif s.data.dataset in REAL_BY_KEY:
        data = replace(data, standardize=False)
    scenario, notes = fit_to_data(replace(s, data=data, input_scaling=None))
    for note in notes:
        say(f"note: {note}")
    return Trainer(scenario)


def with_stop_options(trainer: Trainer, stop_loss: float | None, patience: int | None) -> None:
    """Set the options given into the trainer's stop rule (the saved rule's other parts
    stay), so the written workspace records how the run was trained."""
    rule = trainer.scenario.train.stop
    if stop_loss is not None:
        if not (math.isfinite(stop_loss) and stop_loss >= 0):
            raise ValueError(f"--stop-at-loss must be a number of at least 0 (0: off), got "
                             f"{stop_loss}")
        rule = replace(rule, loss=float(stop_loss))
    if patience is not None:
        if not 0 <= patience <= MAX_STOP_EPOCH:
            raise ValueError(f"--patience must be a whole number from 0 (off) to "
                             f"{MAX_STOP_EPOCH}, got {patience}")
        rule = replace(rule, patience=patience)
    if rule != trainer.scenario.train.stop:
        trainer.scenario = replace(trainer.scenario,
                                   train=replace(trainer.scenario.train, stop=rule))


def with_dropout(trainer: Trainer, text: str, from_workspace: bool) -> Trainer:
    """The same run from epoch 0 with the hidden layers' dropout rates set (``--dropout``);
    ValueError (one line) for bad rates or a workspace."""
    if from_workspace:
        raise ValueError("--dropout applies to presets and --data runs; a workspace continues "
                         "its own run with its own dropout")
    s = trainer.scenario
    rates = parse_rates(text, len(s.model.hidden))
    hidden = tuple(replace(h, dropout=p) for h, p in zip(s.model.hidden, rates, strict=True))
    return Trainer(replace(s, model=replace(s.model, hidden=hidden)), dataset=trainer.dataset)
