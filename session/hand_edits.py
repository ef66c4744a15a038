"""Commands of the editors for exercises typed in by hand: a whole data table (``ReplaceData``),
a whole layer's weights (``SetLayer``) and one weight or bias typed on the diagram
(``SetWeight``, ``SetBias``).

A typed table becomes custom data on which every row trains (a test set drawn again over
edited rows would hold rows the kept weights trained on); the scenario is refitted to it
(``fit_to_data``: features, output activation, loss), so a one-row regression exercise with a
target in [0, 1] keeps a sigmoid output. Setting a layer, a weight or a bias keeps a Step-back
checkpoint first, as importing weights does, so Step back returns to the weights before.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

import numpy as np

from engine.datasets import Task
from engine.features import available_features, raw_key
from engine.network import Parameters
from engine.scenario import CustomData, Scenario, dataset_shape, fit_to_data
from engine.trainer import Trainer
from session.commands import ReplaceData, SetBias, SetLayer, SetWeight
from session.events import Event, Notice
from session.stepping import StepControl

TYPED_TITLE = "Typed data"


class Session(Protocol):
    """What these commands need of the session that owns the run."""

    stepping: StepControl
    running: bool

    def require_trainer(self) -> Trainer: ...
    def pause(self) -> None: ...
    def install(self, trainer: Trainer) -> None: ...
    def mark_dirty(self) -> None: ...
    def emit(self, event: Event) -> None: ...


def _raw_features(n_inputs: int) -> tuple[str, ...]:
    """The raw columns as features: x1 (and x2) of TF Playground's set, or x1 … xd."""
    if n_inputs <= 2:
        return tuple(raw_key(k) for k in range(n_inputs))
    return tuple(available_features(n_inputs))


def scenario_for_table(scenario: Scenario, cmd: ReplaceData) -> tuple[Scenario, list[str]]:
    """``scenario`` on the typed data, fitted to it; also the notes saying what changed.
    Raises ValueError (the data's own checks) with nothing changed."""
    if cmd.task not in ("classification", "regression"):
        raise ValueError(f"task must be classification or regression, got {cmd.task!r}")
    task: Task = "classification" if cmd.task == "classification" else "regression"
    custom = CustomData(np.array(cmd.x, dtype=np.float64), np.array(cmd.y, dtype=np.float64),
                        task, None, tuple(cmd.input_names),
                        tuple(cmd.class_names) if task == "classification" else ())
    ds = custom.dataset  # from_arrays's checks: shapes, finite values, labels
    keep = cmd.keep_features and dataset_shape(scenario.data)[0] == ds.n_inputs
    data = replace(scenario.data, dataset="custom", custom=custom, n_samples=ds.n_samples,
                   noise=0.0, train_fraction=1.0,
                   features=scenario.data.features if keep else _raw_features(ds.n_inputs),
                   standardize=scenario.data.standardize if keep else False)
    init = scenario.init
    if init.scheme == "explicit":
        init = replace(init, scheme="tf_playground")
    train, notes = scenario.train, []
    if train.tf_rules and not keep:
        train = replace(train, tf_rules=False)  # they would force a linear regression output
        notes.append("TensorFlow Playground's rules turned off")
    s = replace(scenario, key="custom", title=TYPED_TITLE, data=data, init=init,
                train=train, initial_weights=None)
    fitted, fit_notes = fit_to_data(s)
    return fitted, notes + fit_notes


def replace_data(s: Session, cmd: ReplaceData) -> None:
    t = s.require_trainer()
    scenario, notes = scenario_for_table(t.scenario, cmd)
    trainer = Trainer(scenario)  # may raise: nothing has changed yet
    kept = trainer.spec == t.spec
    if kept:
        trainer.set_parameters(t.params.as_list())  # same network: keep the weights
    s.pause()
    s.install(trainer)
    s.mark_dirty()
    n = len(cmd.y)
    what = [f"{n:,} row{'s' * (n != 1)} of {len(cmd.input_names)} input"
            f"{'s' * (len(cmd.input_names) != 1)}, all training",
            "the weights were kept" if kept else "the network was rebuilt", *notes]
    s.emit(Notice(f"Data replaced by your table ({'; '.join(what)})."))


def set_layer(s: Session, cmd: SetLayer) -> None:
    t = s.require_trainer()
    if not 0 <= cmd.layer < t.spec.depth:
        raise ValueError(f"there is no weight layer {cmd.layer + 1} (the network has "
                         f"{t.spec.depth})")
    n_in, n_out = t.spec.shapes()[cmd.layer]
    w = np.array(cmd.w, dtype=np.float64)
    if w.shape != (n_in, n_out):
        raise ValueError(f"layer {cmd.layer + 1}: W must be {n_in} × {n_out} (inputs × units), "
                         f"got {' × '.join(str(d) for d in w.shape)}")
    b = np.array(cmd.b, dtype=np.float64) if t.spec.use_bias else None
    if b is not None and b.shape != (n_out,):
        raise ValueError(f"layer {cmd.layer + 1}: b must have {n_out} number"
                         f"{'s' * (n_out != 1)}, got {b.size}")
    if not (np.all(np.isfinite(w)) and (b is None or np.all(np.isfinite(b)))):
        raise ValueError(f"layer {cmd.layer + 1}: weights and biases must be finite numbers")
    s.pause()
    _remember_edit(s, t, f"the weights of layer {cmd.layer + 1} set by hand")
    layers = t.params.as_list()
    layers[cmd.layer] = (w, b)
    t.set_parameters(layers)
    s.mark_dirty()
    s.emit(Notice(f"Weights of layer {cmd.layer + 1} set; Step back undoes it."))


def set_weight(s: Session, cmd: SetWeight) -> None:
    t = s.require_trainer()
    # Refused (no such weight, not finite) before anything changes: tried on a copy first.
    Parameters(t.spec, t.params.flat.copy()).set_weight(cmd.layer, cmd.i, cmd.j, cmd.value)
    _remember_edit(s, t, f"the edit of weight {cmd.i + 1}→{cmd.j + 1} of layer {cmd.layer + 1}")
    t.set_weight(cmd.layer, cmd.i, cmd.j, cmd.value)
    s.mark_dirty()


def set_bias(s: Session, cmd: SetBias) -> None:
    t = s.require_trainer()
    Parameters(t.spec, t.params.flat.copy()).set_bias(cmd.layer, cmd.j, cmd.value)
    _remember_edit(s, t, f"the edit of bias {cmd.j + 1} of layer {cmd.layer + 1}")
    t.set_bias(cmd.layer, cmd.j, cmd.value)
    s.mark_dirty()


def _remember_edit(s: Session, t: Trainer, change: str) -> None:
    """A Step-back entry for a hand edit. A step in progress is abandoned first (the edit
    starts from where that step began), and its own undo entry, which holds that very state,
    is dropped. An edit made while the run trains gets no entry: training keeps no Step-back
    entries, so one would later jump back over everything trained since."""
    if s.running:
        return
    if t.active_step is not None:
        t.abandon_step()
        if s.stepping.undo:
            s.stepping.undo.pop()
    s.stepping.remember(t, change)
