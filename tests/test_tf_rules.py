"""TensorFlow Playground's training rules as a scenario option (``TrainSpec.tf_rules``): the
L1 zero-crossing clamp with dead links, carry-over batching, one fixed sample order, the
train/test count rounded down, regression's linear output; off, nothing changes."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from engine.data.split import split
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from engine.scenario import Scenario, fit_to_data, scenario_from_dict, scenario_to_dict
from engine.trainer import Trainer
from engine.workspace import trainer_from_dict, workspace_to_dict
from session.snapshot import DataView, build_snapshot


def tf_scenario(batch: int = 10, reg: str = "none", rate: float = 0.0, n: int = 500,
                tf_rules: bool = True, **data: object) -> Scenario:
    s = get_preset("tf_default")
    opt = OptimizerSpec(learning_rate=0.03, regularization=reg, reg_rate=rate)
    return replace(s, data=replace(s.data, n_samples=n, **data),
                   train=replace(s.train, batch_size=batch, optimizer=opt, tf_rules=tf_rules))


# -- the option in files ---------------------------------------------------------------------


def test_off_by_default_and_not_written_when_off() -> None:
    s = get_preset("xor_221")
    assert s.train.tf_rules is False
    assert "tf_rules" not in scenario_to_dict(s)["train"]


def test_round_trips_through_json_when_on() -> None:
    s = tf_scenario()
    d = json.loads(json.dumps(scenario_to_dict(s)))
    assert d["train"]["tf_rules"] is True
    assert scenario_from_dict(d) == s


def test_a_non_boolean_is_refused_naming_the_field() -> None:
    d = scenario_to_dict(tf_scenario())
    d["train"]["tf_rules"] = "yes"
    with pytest.raises(ValueError, match=r"train\.tf_rules") as e:
        scenario_from_dict(d)
    assert "\n" not in str(e.value) and len(str(e.value)) <= 300


# -- data side --------------------------------------------------------------------------------


def test_train_count_rounds_down_with_tf_rules() -> None:
    assert split(25, 0.3, 0)[0].size == 8  # 7.5 to nearest
    assert split(25, 0.3, 0, round_down=True)[0].size == 7  # TF: Math.floor(25 * 30 / 100)
    assert split(1200, 0.7, 0, round_down=True)[0].size == 840  # not 839 from 839.99…
    off = Trainer(tf_scenario(n=25, tf_rules=False, train_fraction=0.3))
    on = Trainer(tf_scenario(n=25, train_fraction=0.3))
    assert (off.n_train, on.n_train) == (8, 7)


def test_regression_gets_a_linear_output_under_tf_rules() -> None:
    s = tf_scenario()
    plane = replace(s, data=replace(s.data, dataset="plane"))
    assert fit_to_data(plane)[0].model.output_activation == "linear"
    off = replace(plane, train=replace(plane.train, tf_rules=False))
    assert fit_to_data(off)[0].model.output_activation == "tanh"


# -- order and batching -----------------------------------------------------------------------


def test_one_fixed_order_even_with_shuffle_on() -> None:
    t = Trainer(tf_scenario(n=500, batch=10))
    assert t.scenario.train.shuffle and t.program.prepare is None
    assert np.array_equal(t.program.order.positions(0), t.program.order.positions(7))


def test_the_leftover_samples_join_the_next_epochs_first_step() -> None:
    t = Trainer(tf_scenario(n=50, batch=10, train_fraction=0.5))  # 25 training samples
    assert t.batches_per_epoch == 2  # updates after samples 10 and 20; 5 wait
    seen = []
    for _ in range(4):
        seen.append(t.next_batch_indices().tolist())
        t.train_step()
    assert seen[0] == list(range(10)) and seen[1] == list(range(10, 20))
    assert seen[2] == [20, 21, 22, 23, 24, *range(10)]  # carried, then the next ten
    assert seen[3] == list(range(10, 20))


def test_carry_over_runs_the_same_in_whole_epochs_steps_and_replays() -> None:
    s = tf_scenario(n=50, batch=10)
    whole, steps = Trainer(s), Trainer(s)
    whole.train(3)
    for _ in range(3 * steps.batches_per_epoch):
        steps.train_step()
    assert steps.epoch == 3
    np.testing.assert_array_equal(whole.params.flat, steps.params.flat)
    again = Trainer(s)
    again.train(1)
    cp = again.checkpoint()
    again.train(2)
    again.restore(cp)
    again.train(2)
    np.testing.assert_array_equal(whole.params.flat, again.params.flat)


# -- the L1 clamp and dead links -------------------------------------------------------------


def test_l1_crossing_zero_clamps_to_zero_and_the_link_stays_dead() -> None:
    t = Trainer(tf_scenario(batch=10, reg="l1", rate=0.1))
    t.train(20)
    dead = t.dead_links
    assert [d.shape for d in dead] == [w.shape for w, _ in t.params.as_list()]
    assert sum(int(d.sum()) for d in dead) > 0
    frozen = [w[d].copy() for (w, _), d in zip(t.params.as_list(), dead, strict=True)]
    assert all(np.all(f == 0.0) for f in frozen)
    t.train(5)
    for (w, _), d in zip(t.params.as_list(), t.dead_links, strict=True):
        assert np.all(w[d] == 0.0)
    assert all(np.all(now[before]) for now, before in zip(t.dead_links, dead, strict=True))


def test_without_tf_rules_l1_never_clamps() -> None:
    t = Trainer(tf_scenario(batch=10, reg="l1", rate=0.1, tf_rules=False))
    t.train(20)
    assert not any(d.any() for d in t.dead_links)
    assert all(np.all(w != 0.0) for w, _ in t.params.as_list())


def test_dead_links_reach_the_snapshot_and_workspaces() -> None:
    t = Trainer(tf_scenario(batch=10, reg="l1", rate=0.1))
    t.train(20)
    snap = build_snapshot(t, 0, DataView.from_trainer(t), running=False)
    assert len(snap.dead_links) == t.spec.depth
    for a, b in zip(snap.dead_links, t.dead_links, strict=True):
        assert np.array_equal(a, b) and not a.flags.writeable
    saved = json.loads(json.dumps(workspace_to_dict(t)))
    back = trainer_from_dict(saved)
    for a, b in zip(back.dead_links, t.dead_links, strict=True):
        assert np.array_equal(a, b)
    t.train(5)
    back.train(5)
    np.testing.assert_array_equal(back.params.flat, t.params.flat)
    off = Trainer(tf_scenario(tf_rules=False))
    assert build_snapshot(off, 0, DataView.from_trainer(off), running=False).dead_links == ()
    assert "alive" not in workspace_to_dict(off)["state"]["optimizer_state"]


def test_setting_a_dead_weight_revives_it_and_new_weights_revive_all() -> None:
    t = Trainer(tf_scenario(batch=10, reg="l1", rate=0.1))
    t.train(20)
    layer = next(i for i, d in enumerate(t.dead_links) if d.any())
    i, j = (int(v) for v in np.argwhere(t.dead_links[layer])[0])
    t.set_weight(layer, i, j, 0.25)
    assert not t.dead_links[layer][i, j]
    t.reset()
    assert not any(d.any() for d in t.dead_links)


def test_off_adds_no_calls_to_the_step() -> None:
    t = Trainer(tf_scenario(reg="l1", rate=0.01, tf_rules=False))
    assert t.optimizer.after_update_calls() == []
    assert t.program.prepare == t.program.shuffle
    update = next(p for p in t.program.batches[0][0].phases if p.kind == "update")
    assert len(update.calls) == 5  # sign, scale, add; then the SGD step's two


def test_the_tf_playground_group_is_listed_together_with_the_option_on() -> None:
    from engine.presets import load_presets

    keys = list(load_presets())
    group = [k for k in keys if k.startswith("tf_") and k != "tf_default"]
    assert group == ["tf_spiral_all_features", "tf_xor_product", "tf_regression_plane",
                     "tf_gauss"]
    first = keys.index(group[0])
    assert keys[first : first + len(group)] == group  # one run in the picker
    for key in ["tf_default", *group]:
        s = get_preset(key)
        assert s.train.tf_rules and s.title.startswith(("TF Playground", "TensorFlow"))
    plane = get_preset("tf_regression_plane")
    assert plane.data.n_samples == 1200 and plane.model.output_activation == "linear"
    assert len(get_preset("tf_spiral_all_features").data.features) == 7
    assert get_preset("tf_xor_product").data.features == ("x1_x2",)
