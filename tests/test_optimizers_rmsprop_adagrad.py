"""RMSprop and Adagrad beside the other optimisers: their defaults (PyTorch's ε for each), the
rule against a hand NumPy implementation, and their state (v) through undo checkpoints, the
phase stepper, workspaces, scenario files and the window's optimiser edit."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from engine.io.jsonread import JsonError
from engine.io.scenario_json import scenario_from_dict, scenario_to_dict
from engine.io.workspace import load_workspace, save_workspace
from engine.network import Parameters
from engine.optimizers import DEFAULT_EPSILON, OPTIMIZERS, OptimizerSpec
from engine.presets import get_preset
from engine.trainer import Trainer
from engine.update_rule import rule_lines, state_arrays
from session.commands import FieldChange, Section
from session.edits import apply_changes

KINDS = ["rmsprop", "adagrad"]


def trainer(kind: str, **spec: object) -> Trainer:
    s = get_preset("tf_default")
    opt = OptimizerSpec(kind=kind, learning_rate=0.02, **spec)  # type: ignore[arg-type]
    return Trainer(replace(s, train=replace(s.train, optimizer=opt)))


def test_defaults_are_pytorchs():
    assert OPTIMIZERS["rmsprop"] == "RMSprop" and OPTIMIZERS["adagrad"] == "Adagrad"
    assert OptimizerSpec(kind="rmsprop").epsilon == 1e-8
    assert OptimizerSpec(kind="rmsprop").alpha == 0.99
    assert OptimizerSpec(kind="adagrad").epsilon == 1e-10
    assert OptimizerSpec(kind="adam").epsilon == 1e-8 == OptimizerSpec().epsilon
    assert OptimizerSpec(kind="adagrad", epsilon=1e-6).epsilon == 1e-6
    # switching keeps a chosen ε and swaps a default one
    assert OptimizerSpec().with_kind("adagrad").epsilon == 1e-10
    assert OptimizerSpec(kind="adagrad").with_kind("adam").epsilon == 1e-8
    assert OptimizerSpec(epsilon=1e-5).with_kind("adagrad").epsilon == 1e-5
    with pytest.raises(ValueError, match=r"alpha: must be ≥ 0.0 and < 1.0, got 1.5"):
        OptimizerSpec(kind="rmsprop", alpha=1.5)


@pytest.mark.parametrize("kind", KINDS)
def test_ten_steps_follow_the_rule_written_out_in_numpy(kind):
    t = trainer(kind, alpha=0.9)
    theta = t.params.flat.copy()
    v = np.zeros_like(theta)
    for _ in range(10):
        stepper = t.begin_step()
        trace = stepper.run_to_end()
        g = trace.grad_used
        assert g is not None
        v = 0.9 * v + (1 - 0.9) * g * g if kind == "rmsprop" else v + g * g
        theta = theta - 0.02 * g / (np.sqrt(v) + DEFAULT_EPSILON[kind])
    np.testing.assert_allclose(t.params.flat, theta, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(t.optimizer.v, v, rtol=1e-13, atol=1e-300)
    assert t.optimizer.t == 10 and not np.any(t.optimizer.m) and not np.any(t.optimizer.velocity)


@pytest.mark.parametrize("kind", KINDS)
def test_state_survives_undo_and_phase_stepping(kind):
    t = trainer(kind)
    for _ in range(3):
        t.train_step()
    cp = t.checkpoint()
    t.train_step()
    t.train_step()
    after, v_after = t.params.flat.copy(), t.optimizer.v.copy()
    t.restore(cp)
    assert np.array_equal(t.optimizer.v, cp.optimizer_state["v"]) and t.optimizer.t == 3
    t.begin_step().run_to_end()  # the phase stepper's update phase: the same calls
    t.train_step()
    assert np.array_equal(t.params.flat, after) and np.array_equal(t.optimizer.v, v_after)


@pytest.mark.parametrize("kind", KINDS)
def test_workspace_round_trip_continues_identically(tmp_path, kind):
    t = trainer(kind, alpha=0.95) if kind == "rmsprop" else trainer(kind)
    t.train(2)
    t.train_step()
    path = tmp_path / "run.json"
    save_workspace(t, path)
    loaded = load_workspace(path)
    assert loaded.optimizer.spec == t.optimizer.spec
    assert np.array_equal(loaded.optimizer.v, t.optimizer.v)
    assert loaded.optimizer.t == t.optimizer.t == 2 * t.batches_per_epoch + 1
    t.train(2)
    loaded.train(2)
    assert np.array_equal(loaded.params.flat, t.params.flat)


def test_scenario_files_write_and_read_alpha_and_each_kinds_epsilon():
    s = trainer("rmsprop", alpha=0.9).scenario
    d = scenario_to_dict(s)
    assert d["train"]["optimizer"]["alpha"] == 0.9
    assert scenario_from_dict(d) == s
    d["train"]["optimizer"] = {"kind": "adagrad", "learning_rate": 0.1}  # ε left out
    assert scenario_from_dict(d).train.optimizer.epsilon == 1e-10
    d["train"]["optimizer"] = {"kind": "rmsprop", "alpha": -0.1}
    with pytest.raises(ValueError, match=r"train\.optimizer\.alpha: must be ≥ 0"):
        scenario_from_dict(d)


def test_choosing_adagrad_in_the_window_takes_its_epsilon():
    s = get_preset("tf_default")
    edited = apply_changes(s, (FieldChange(Section.OPTIMIZER, "kind", "adagrad"),))
    assert edited.train.optimizer.kind == "adagrad" and edited.train.optimizer.epsilon == 1e-10
    back = apply_changes(edited, (FieldChange(Section.OPTIMIZER, "kind", "sgd"),))
    assert back.train.optimizer.epsilon == 1e-8


@pytest.mark.parametrize("kind", KINDS)
def test_the_update_phase_names_the_rule_and_its_state_table(kind):
    t = trainer(kind)
    t.train_step()
    trace = t.begin_step().run_to_end()
    rules = rule_lines(t.optimizer.spec, False, True)
    symbol = "v" if kind == "rmsprop" else "s"
    assert rules[1] == f"W, b ← W, b − η·dW / (√{symbol} + ε)   (one {symbol} per weight and bias)"
    assert rules[-1] == ("α = 0.99,  ε = 1e−08" if kind == "rmsprop" else "ε = 1e−10")
    ((name, table, meaning),) = state_arrays(trace, 1)
    assert name == f"{symbol} (W¹)" and table.shape == (2, 4)
    assert ("mean" if kind == "rmsprop" else "sum") in meaning
    np.testing.assert_array_equal(table, Parameters(t.spec, t.optimizer.v.copy()).weights(0))
    assert np.all(table > 0)


def test_a_file_cut_after_a_minus_sign_reads_as_truncated():
    from engine.io.jsonread import _loads

    with pytest.raises(JsonError, match="ends too early"):
        _loads('{"W": [0.5, -', "w.json", "workspace", False)


def test_the_command_line_switches_the_optimiser(tmp_path):
    import json

    from tests.helpers import run_cli

    out = tmp_path / "run.json"
    result = run_cli("train", "tf_default", "--epochs", "2", "--optimizer", "adagrad",
                     "--lr", "0.1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    opt = json.loads(out.read_text())["scenario"]["train"]["optimizer"]
    assert (opt["kind"], opt["epsilon"], opt["learning_rate"]) == ("adagrad", 1e-10, 0.1)
    assert load_workspace(out).optimizer.t == 2 * 25
    bad = run_cli("train", "tf_default", "--epochs", "1", "--optimizer", "lbfgs",
                  "--out", str(out))
    assert bad.returncode == 2 and "invalid choice: 'lbfgs'" in bad.stderr
    for kind in OPTIMIZERS:  # main.py lists the choices without importing the engine
        assert f"'{kind}'" in bad.stderr
