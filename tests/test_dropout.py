"""Dropout (issue 13): inverted dropout per hidden layer, in training steps only, keyed by the
training seed and the step's position so a run repeats bit for bit; p = 0 is no dropout, bit
for bit and call for call; evaluation never drops."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from engine.dropout import MaskClock, parse_rates, step_masks
from engine.network import LayerSpec, NetworkSpec, Parameters, forward_pass
from engine.presets import get_preset
from engine.program import StepProgram
from engine.scenario import Scenario
from engine.trainer import Trainer


def with_dropout(s: Scenario, *rates: float) -> Scenario:
    """``s`` with the hidden layers' dropout rates (one rate: every hidden layer)."""
    hidden = s.model.hidden
    ps = rates * len(hidden) if len(rates) == 1 else rates
    return replace(s, model=replace(s.model, hidden=tuple(
        replace(h, dropout=p) for h, p in zip(hidden, ps, strict=True))))


def with_seed(s: Scenario, seed: int) -> Scenario:
    return replace(s, train=replace(s.train, seed=seed))


def run(s: Scenario, epochs: int = 4, steps: int = 3) -> Trainer:
    t = Trainer(s)
    t.train(epochs)
    for _ in range(steps):
        t.train_step()
    return t


# -- p = 0 is no dropout ------------------------------------------------------------------------
@pytest.mark.parametrize("preset", ["tf_default", "xor_221", "tf_gauss", "digits"])
def test_p_zero_is_no_dropout_bit_for_bit_and_call_for_call(preset):
    s = get_preset(preset)
    plain, zero = run(s, 2), run(with_dropout(s, 0.0), 2)
    assert np.array_equal(plain.params.flat, zero.params.flat)
    np.testing.assert_array_equal(plain.history.as_arrays()["train_loss"],
                                  zero.history.as_arrays()["train_loss"])
    for size, prog in zero.program.programs.items():
        assert prog.dropout is None
        assert len(prog.calls) == len(plain.program.programs[size].calls)
    assert zero.program.clock is None and zero.program.static == plain.program.static


def test_dropout_adds_one_draw_and_one_call_per_layer_and_pass():
    s = with_dropout(get_preset("tf_default"), 0.2, 0.0)  # tanh: f′ is a multiply
    plain = Trainer(get_preset("tf_default")).program.programs[10]
    prog = Trainer(s).program.programs[10]
    assert prog.dropout is not None and prog.dropout.layers == (1,)
    # the draw, the mask on a¹ in forward 1, the mask on δ¹ in backward 1
    assert len(prog.calls) == len(plain.calls) + 3
    forward1 = next(p for p in prog.phases if p.label == "forward 1")
    assert forward1.calls[0] == prog.dropout.draw


# -- a run repeats bit for bit --------------------------------------------------------------
@pytest.mark.parametrize("preset", ["tf_default", "xor_221", "tf_gauss", "digits"])
def test_same_seed_repeats_and_another_seed_differs(preset):
    s = with_dropout(get_preset(preset), 0.3)
    a, b = run(s, 2), run(s, 2)
    assert np.array_equal(a.params.flat, b.params.flat)
    assert not np.array_equal(a.params.flat, run(get_preset(preset), 2).params.flat)
    other = run(with_seed(s, s.train.seed + 1), 2)
    assert not np.array_equal(a.params.flat, other.params.flat)


def test_the_masks_depend_on_the_seed_alone_when_the_order_is_fixed():
    """xor_221 trains on the whole table in a fixed order: the seed moves only the masks."""
    s = with_dropout(get_preset("xor_221"), 0.5)
    assert not s.train.shuffle or s.train.batch_size >= 4
    a, b = run(s, 20, 0), run(with_seed(s, s.train.seed + 7), 20, 0)
    assert not np.array_equal(a.params.flat, b.params.flat)


def test_restoring_a_checkpoint_and_retraining_gives_identical_parameters():
    t = Trainer(with_dropout(get_preset("tf_default"), 0.2, 0.5))
    t.train(3)
    t.train_step()
    cp = t.checkpoint()
    t.train(4)
    for _ in range(5):
        t.train_step()
    first = t.params.flat.copy()
    t.restore(cp)
    t.train(4)
    for _ in range(5):
        t.train_step()
    assert np.array_equal(t.params.flat, first)


def test_phase_steps_train_steps_and_whole_epochs_draw_the_same_masks():
    s = with_dropout(get_preset("tf_default"), 0.3)
    fast = Trainer(s)
    fast.train(2)
    stepped = Trainer(s)
    phased = Trainer(s)
    for _ in range(2 * stepped.batches_per_epoch):
        stepped.train_step()
        stepper = phased.begin_step()
        for _ in range(3):  # step forward and back before finishing: same masks again
            stepper.advance()
        stepper.back()
        stepper.run_to_end()
        stepper.back()  # undo the update, then redo it
        stepper.run_to_end()
    assert np.array_equal(fast.params.flat, stepped.params.flat)
    assert np.array_equal(fast.params.flat, phased.params.flat)


def test_tf_rules_with_a_carry_and_a_rollback_replay_the_masks():
    s = with_dropout(get_preset("tf_default"), 0.2)
    s = replace(s, train=replace(s.train, tf_rules=True, batch_size=7))  # 250 mod 7 = 5
    a, b = run(s, 3, 2), run(s, 3, 2)
    assert np.array_equal(a.params.flat, b.params.flat)
    t = Trainer(s)
    start = t.checkpoint()
    t.train(3)
    trained = t.params.flat.copy()
    t.restore(start)
    assert t.program.replay(0, 3) == 3  # what a rollback replays: the same masks again
    assert np.array_equal(t.params.flat, trained)


def test_a_workspace_saved_mid_epoch_continues_exactly(tmp_path):
    from engine.workspace import load_workspace, save_workspace

    t = run(with_dropout(get_preset("tf_default"), 0.2), 2, 4)
    path = tmp_path / "run.json"
    save_workspace(t, path)
    u = load_workspace(path)
    assert u.spec == t.spec
    t.train(2)
    u.train(2)
    assert np.array_equal(t.params.flat, u.params.flat)


# -- the masks ------------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.9])
def test_about_one_minus_p_of_the_units_are_kept_and_scaled(p):
    spec = NetworkSpec(2, (LayerSpec(50, "tanh", p), LayerSpec(1, "sigmoid")))
    masks = step_masks(spec, MaskClock(3, epoch=1, index=2), 400)[1]  # (400, 50)
    kept = masks != 0.0
    n = kept.size
    assert abs(kept.mean() - (1 - p)) < 4 * np.sqrt(p * (1 - p) / n)
    assert np.all(masks[kept] == 1.0 / (1.0 - p))
    again = step_masks(spec, MaskClock(3, epoch=1, index=2), 400)[1]
    assert np.array_equal(masks, again)
    for other in (MaskClock(4, 1, 2), MaskClock(3, 2, 2), MaskClock(3, 1, 3),
                  MaskClock(3, 1, 2, extra=True)):
        assert not np.array_equal(masks, step_masks(spec, other, 400)[1])


def test_the_trace_records_the_mask_and_the_activation_it_multiplied():
    t = Trainer(with_dropout(get_preset("tf_default"), 0.5, 0.2))
    trace = t.begin_step().run_to_end()
    for layer, p in ((1, 0.5), (2, 0.2)):
        m = trace.mask[layer]
        assert m.shape == trace.a[layer].shape and set(np.unique(m)) <= {0.0, 1.0}
        assert np.array_equal(trace.a[layer], trace.undropped[layer] * (m * (1 / (1 - p))))
        assert np.all(trace.delta[layer][m == 0.0] == 0.0)
    assert 3 not in trace.mask  # the output layer never drops
    stepper = t.begin_step()
    stepper.advance()
    assert set(stepper.trace.mask) == {1}
    stepper.back()
    assert stepper.trace.mask == {} and stepper.trace.undropped == {}


def test_the_readable_forward_with_the_steps_masks_is_the_steps_forward():
    t = Trainer(with_dropout(get_preset("tf_default"), 0.3))
    prog = t.program.programs[10]
    stepper = t.begin_step()
    trace = stepper.run_to_end()
    assert prog.dropout is not None
    scaled = {l: trace.mask[l] / (1 - 0.3) for l in trace.mask}
    params = Parameters(t.spec)
    params.set_all(trace.params_before)
    layers = forward_pass(params, trace.x, scaled)
    for l, (z, a) in enumerate(layers, start=1):
        np.testing.assert_allclose(z, trace.z[l], rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(a, trace.a[l], rtol=1e-13, atol=1e-15)


# -- evaluation never drops -----------------------------------------------------------------
def test_evaluation_predictions_and_exports_use_no_dropout(tmp_path):
    s = with_dropout(get_preset("tf_default"), 0.5)
    t = run(s, 3, 0)
    twin = Trainer(get_preset("tf_default"))  # the same weights, no dropout anywhere
    twin.set_parameters(t.params.as_list())
    assert t.evaluate() == twin.evaluate(t.epoch)
    assert t.history.latest == twin.evaluate(t.epoch)  # what the loss plot records
    x = t.dataset.x[:50]
    assert np.array_equal(t.predict(x), twin.predict(x))
    assert np.array_equal(t.predict(x), t.predict(x))  # nothing random at evaluation
    from engine.export import export_weights
    from engine.importer import read_weights

    for fmt in ("json", "npz"):
        path = tmp_path / f"w.{fmt}"
        export_weights(t, fmt, str(path))
        layers = read_weights(str(path)).layers
        for (w, b), (w0, b0) in zip(layers, t.params.as_list(), strict=True):
            assert np.array_equal(w, w0) and np.array_equal(b, b0)
    import json

    meta = json.loads((tmp_path / "w.json").read_text())
    assert meta["dropout"] == [0.5, 0.5] and "no dropout" in meta["dropout_note"]
    export_weights(twin, "json", str(tmp_path / "plain.json"))
    assert "dropout" not in json.loads((tmp_path / "plain.json").read_text())


def test_a_full_batch_run_with_dropout_evaluates_without_it():
    """Full batch, fixed order: without dropout the step's forward pass doubles as the
    evaluation; with dropout it must not (it drops units)."""
    s = with_dropout(get_preset("xor_221"), 0.5)
    t = run(s, 5, 0)
    assert t.program.static is False and Trainer(get_preset("xor_221")).program.static
    twin = Trainer(get_preset("xor_221"))
    twin.set_parameters(t.params.as_list())
    mine, theirs = t.evaluate(), twin.evaluate(t.epoch)  # no test set: NaN test loss
    assert (mine.train_loss, mine.train_accuracy) == (theirs.train_loss, theirs.train_accuracy)
    assert t.history.latest is not None and t.history.latest.train_loss == mine.train_loss


# -- the gradient check ---------------------------------------------------------------------
@pytest.mark.parametrize("preset", ["tf_default", "deep_tanh_spiral", "softmax_spiral3",
                                    "xor_221"])
def test_the_gradient_check_passes_with_the_steps_masks_held_fixed(preset):
    from engine.gradcheck import gradient_check

    t = run(with_dropout(get_preset(preset), 0.3), 1, 1)
    report = gradient_check(t)
    assert report.agrees, report.summary()
    assert "dropout masks held fixed" in report.summary()
    assert "dropout" not in gradient_check(run(get_preset(preset), 1, 1)).summary()


def test_the_gradient_check_differentiates_what_the_next_step_differentiates():
    from engine.gradcheck import backprop_gradient, step_masks_for

    t = run(with_dropout(get_preset("tf_default"), 0.3), 1, 2)
    indices = t.next_batch_indices()
    checked = backprop_gradient(t, indices, step_masks_for(t, indices))
    trace = t.begin_step().run_to_end()
    g = Parameters(t.spec, checked)
    for l in range(1, t.spec.depth + 1):
        assert np.array_equal(g.weights(l - 1), trace.dW[l])


def test_fresh_masks_would_fail_the_check():
    """The check has teeth: with the analytic side's masks but the numbers of another step's,
    the two sides disagree."""
    from engine.gradcheck import backprop_gradient, objective, step_masks_for

    t = run(with_dropout(get_preset("tf_default"), 0.5), 1, 0)
    indices = t.next_batch_indices()
    x, y = (rows.T.copy() for rows in t.split.train_columns(indices))
    mine = step_masks_for(t, indices)
    other = step_masks(t.spec, MaskClock(t.scenario.train.seed, 99, 0), indices.size)
    analytic = backprop_gradient(t, indices, mine)
    eps = 1e-6

    def numeric(masks) -> np.ndarray:
        out = np.empty(8)
        for i in range(8):  # the first layer's parameters
            probe = t.params.copy()
            probe.flat[i] += eps
            up = objective(t, probe, x, y, masks)
            probe.flat[i] -= 2 * eps
            out[i] = (up - objective(t, probe, x, y, masks)) / (2 * eps)
        return out

    np.testing.assert_allclose(numeric(mine), analytic[:8], rtol=1e-5, atol=1e-9)
    assert not np.allclose(numeric(other), analytic[:8], rtol=1e-3, atol=1e-6)


# -- files and refusals ----------------------------------------------------------------------
def test_scenario_json_round_trip_and_older_files():
    from engine.scenario import scenario_from_dict, scenario_to_dict

    s = with_dropout(get_preset("tf_default"), 0.25, 0.0)
    d = scenario_to_dict(s)
    assert d["model"]["hidden"][0]["dropout"] == 0.25
    assert "dropout" not in d["model"]["hidden"][1]  # written only when on
    assert scenario_from_dict(d) == s
    plain = scenario_to_dict(get_preset("tf_default"))
    assert all("dropout" not in h for h in plain["model"]["hidden"])
    assert scenario_from_dict(plain).model.hidden[0].dropout == 0.0


@pytest.mark.parametrize(("value", "words"), [
    (1.0, "below 1"), (1.5, "below 1"), (-0.1, "at least 0"), ("0.2", "expected a number"),
    (True, "expected a number"), (float("nan"), "finite"),
])
def test_a_bad_rate_in_a_file_is_refused_in_one_line(value, words):
    from engine.scenario import scenario_from_dict, scenario_to_dict

    d = scenario_to_dict(get_preset("tf_default"))
    d["model"]["hidden"][1]["dropout"] = value
    with pytest.raises(ValueError, match=words) as err:
        scenario_from_dict(d)
    text = str(err.value)
    assert text.startswith("model.hidden[1].dropout (hidden layer 2): ")
    assert "\n" not in text and len(text) <= 300


def test_dropout_on_the_output_or_out_of_range_is_refused():
    with pytest.raises(ValueError, match=r"layers\[1\].dropout: the output layer \(layer 2\) "
                                         "cannot have dropout"):
        NetworkSpec(2, (LayerSpec(3, "tanh"), LayerSpec(1, "tanh", 0.2)))
    for p in (1.0, -0.5, float("nan")):
        with pytest.raises(ValueError, match=r"layers\[0\].dropout: must be a number at least "
                                             "0 and below 1"):
            NetworkSpec(2, (LayerSpec(3, "tanh", p), LayerSpec(1, "tanh")))
    from engine.scenario import scenario_from_dict, scenario_to_dict

    d = scenario_to_dict(get_preset("tf_default"))
    d["model"]["output_dropout"] = 0.3
    with pytest.raises(ValueError, match=r"model\.output_dropout: the output layer cannot"):
        scenario_from_dict(d)
    with pytest.raises(ValueError):
        Trainer(with_dropout(get_preset("tf_default"), 1.0))


def test_cli_rates_parse_or_are_refused():
    assert parse_rates("0.2", 3) == (0.2, 0.2, 0.2)
    assert parse_rates("0.2, 0.1", 2) == (0.2, 0.1)
    for text, n, words in (("0.2,0.1,0", 2, "3 rates for 2 hidden layers"),
                           ("1", 2, "below 1"), ("x", 1, "expected numbers"),
                           ("0.2", 0, "no hidden layer")):
        with pytest.raises(ValueError, match=words):
            parse_rates(text, n)


def test_an_extra_step_on_chosen_samples_has_its_own_repeatable_masks():
    s = with_dropout(get_preset("tf_default"), 0.5)
    a, b = Trainer(s), Trainer(s)
    ta = a.begin_step(np.arange(6)).run_to_end()
    tb = b.begin_step(np.arange(6)).run_to_end()
    assert all(np.array_equal(ta.mask[l], tb.mask[l]) for l in ta.mask)
    assert np.array_equal(a.params.flat, b.params.flat)
    regular = Trainer(s)
    prog = StepProgram(regular.spec, regular.params, regular.grad, regular.optimizer,
                       s.train.loss, s.train.reduction, 6,
                       MaskClock(s.train.seed, 0, 0, extra=False))
    assert prog.dropout is not None
    prog.dropout.draw()
    assert not np.array_equal(prog.dropout.kept(1), ta.mask[1])


def test_each_epoch_and_minibatch_draws_its_own_masks():
    """Same samples in the same order every epoch (TF rules): still new masks each step."""
    t = Trainer(with_dropout(get_preset("tf_default"), 0.5))
    assert t.scenario.train.tf_rules
    seen = []
    for _ in range(2):
        for _ in range(2):
            seen.append(t.begin_step().run_to_end().mask[1])
        t.train(1)  # finishes this epoch
    assert t.epoch == 2
    for i in range(len(seen)):
        for j in range(i):
            assert not np.array_equal(seen[i], seen[j]), (i, j)
