"""Scenario edits through the session without Qt: live changes keep the weights, the rest
rebuild, refused edits change nothing, and edits never act on a stale scenario."""

from __future__ import annotations

import numpy as np
import pytest

from engine.presets import get_preset
from session import commands as c
from session.edits import EditKind, apply_changes, edited_from, plan_edit
from session.events import Notice, Refused
from tests.test_session import assert_same, make, params


def test_optimizer_edits_apply_live_and_keep_the_weights():
    s, rec = make("tf_default")
    s.handle(c.Step(c.StepUnit.EPOCH))
    before, generation = params(s), s.generation
    s.handle(c.edit(c.Section.OPTIMIZER, learning_rate=0.3, kind="momentum"))
    assert s.scenario.train.optimizer.learning_rate == 0.3
    assert s.require_trainer().learning_rate == 0.3
    assert s.scenario.train.optimizer.kind == "momentum"
    assert_same(params(s), before)
    assert s.generation == generation and s.require_trainer().epoch == 1
    assert rec.of(Notice)[-1].text == "Applied live — the weights were kept."


def test_batch_size_is_live_and_a_new_batching_clears_the_undo_history():
    s, _ = make("tf_default")
    s.handle(c.Step(c.StepUnit.EPOCH))
    assert s.stepping.undo
    before = params(s)
    s.handle(c.edit(c.Section.TRAIN, batch_size=25))
    assert s.scenario.train.batch_size == 25 and s.require_trainer().batch_size == 25
    assert_same(params(s), before)
    assert not s.stepping.undo  # earlier steps were cut into other batches


def test_a_rebuild_fits_the_scenario_to_its_data_and_says_what_it_adjusted():
    s, rec = make("tf_default")
    generation = s.generation
    s.handle(c.edit(c.Section.DATA, dataset="spiral3", n_samples=300))
    assert s.generation == generation + 1
    assert s.scenario.model.output_activation == "softmax" and s.scenario.train.loss == "cce"
    text = rec.of(Notice)[-1].text
    assert text.startswith("Network rebuilt: the weights were re-initialised (")
    assert "softmax" in text.lower() or "output activation" in text


def test_architecture_edit_rebuilds_with_the_new_layers():
    s, _ = make("tf_default")
    hidden = (*s.scenario.model.hidden, s.scenario.model.hidden[-1])
    s.handle(c.edit(c.Section.MODEL, hidden=hidden))
    assert s.require_trainer().spec.sizes == (2, 4, 2, 2, 1)


def test_an_impossible_edit_is_refused_and_changes_nothing():
    s, rec = make("xor_221")
    before, scenario = params(s), s.scenario
    s.handle(c.edit(c.Section.TRAIN, batch_size=0))
    assert "batch_size" in rec.of(Refused)[-1].text
    s.handle(c.edit(c.Section.DATA, nonsense=3))
    assert rec.of(Refused)[-1].text == "data.nonsense: no such setting"
    assert s.scenario == scenario
    assert_same(params(s), before)


def test_an_edit_applies_to_the_scenario_in_force_not_a_stale_copy():
    """A point added a moment before a learning-rate change survives it (issue 10's race)."""
    s, _ = make("tf_default")
    n = s.require_trainer().dataset.n_samples
    s.handle(c.AddPoint(1.0, 2.0, 1))
    s.handle(c.edit(c.Section.OPTIMIZER, learning_rate=0.1))
    s.handle(c.edit(c.Section.MODEL, hidden=s.scenario.model.hidden[:1]))
    t = s.require_trainer()
    assert t.dataset.n_samples == n + 1 and t.learning_rate == 0.1
    assert t.spec.sizes == (2, 4, 1)


def test_adding_and_removing_points_keeps_the_weights():
    s, rec = make("tf_default")
    s.handle(c.Step(c.StepUnit.EPOCH))
    before = params(s)
    s.handle(c.AddPoint(1.0, 2.0, 1))
    assert_same(params(s), before)
    assert "added a point" in rec.of(Notice)[-1].text
    s.handle(c.RemovePoint(1.0, 2.0))
    x = s.require_trainer().dataset.x
    assert not np.any(np.all(x == [1.0, 2.0], axis=1))
    s.handle(c.AddPoint(float("nan"), 0.0, 1))
    assert "finite" in rec.of(Refused)[-1].text


def test_regenerate_draws_the_data_with_the_next_seed():
    s, _ = make("tf_default")
    seed, x = s.scenario.data.seed, s.require_trainer().dataset.x.copy()
    s.handle(c.RegenerateData())
    assert s.scenario.data.seed == seed + 1
    assert not np.array_equal(s.require_trainer().dataset.x, x)


def test_weight_and_bias_edits_reach_the_engine_and_bad_ones_are_refused():
    s, rec = make("xor_221")
    s.handle(c.SetWeight(0, 1, 0, 0.75))
    s.handle(c.SetBias(1, 0, -0.5))
    t = s.require_trainer()
    assert t.params.weights(0)[1, 0] == 0.75 and t.params.biases(1)[0] == -0.5
    s.handle(c.SetWeight(0, 1, 0, float("inf")))
    assert rec.of(Refused) and t.params.weights(0)[1, 0] == 0.75


@pytest.mark.parametrize(("changes", "kind"), [
    ({"learning_rate": 0.1}, EditKind.OPTIMIZER),
    ({"learning_rate": 0.03}, EditKind.NONE),
])
def test_plan_edit_kinds_for_optimizer_fields(changes, kind):
    s = get_preset("tf_default")
    assert plan_edit(s, c.edit(c.Section.OPTIMIZER, **changes).changes).kind is kind


def test_plan_edit_live_training_fields_and_the_loss_rebuilds():
    s = get_preset("tf_default")
    plan = plan_edit(s, c.edit(c.Section.TRAIN, shuffle=False, batch_size=10).changes)
    assert plan.kind is EditKind.TRAINING and plan.training_changes == {"shuffle": False}
    plan = plan_edit(s, c.edit(c.Section.TRAIN, loss="mse").changes)
    assert plan.kind is EditKind.REBUILD and plan.scenario.train.loss == "mse"


def test_edited_from_ignores_seeds_but_not_settings():
    preset = get_preset("tf_default")
    reseeded = apply_changes(preset, c.edit(c.Section.INIT, seed=9).changes)
    assert not edited_from(reseeded, preset)
    faster = apply_changes(preset, c.edit(c.Section.OPTIMIZER, learning_rate=0.3).changes)
    assert edited_from(faster, preset)


def test_a_refused_weight_edit_leaves_the_step_in_progress_and_no_undo_entry():
    s, rec = make("xor_221")
    s.handle(c.Step(c.StepUnit.PHASE))
    s.handle(c.Step(c.StepUnit.PHASE))
    t = s.require_trainer()
    active, undo = t.active_step, list(s.stepping.undo)
    s.handle(c.SetWeight(0, 99, 0, 1.0))
    s.handle(c.SetBias(0, 0, float("nan")))
    assert len(rec.of(Refused)) == 2
    assert t.active_step is active and list(s.stepping.undo) == undo


def test_a_weight_edit_while_training_gives_step_back_no_jump_over_the_training():
    clock = [0.0]
    from engine.presets import get_preset
    from session.session import Session

    rec_events: list[object] = []
    s = Session(get_preset("xor_221"), emit=rec_events.append, clock=lambda: clock[0])
    s.handle(c.Run())
    s.train_chunk(0.01)
    s.handle(c.SetWeight(0, 0, 0, 0.5))
    assert s.running and not s.stepping.undo
    for _ in range(3):
        clock[0] += 0.1
        s.train_chunk(0.01)
    epoch = s.require_trainer().epoch
    s.handle(c.Pause())
    s.handle(c.StepBack())
    assert s.require_trainer().epoch == epoch
