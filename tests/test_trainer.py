"""Training behaviour: determinism, exact phase stepping, divergence, live changes."""

from dataclasses import replace

import numpy as np
import pytest

from engine.history import History, Metrics
from engine.initializers import InitSpec
from engine.network import LayerSpec, NetworkSpec
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset, load_presets
from engine.trainer import Trainer
from tests.helpers import custom_scenario

REQUIRED_PRESETS = {
    "xor_221", "xor_241", "not_111", "worked_example", "single_neuron", "tf_default",
    "deep_tanh_spiral", "regression_plane", "softmax_spiral3", "vanishing_gradients",
}


def test_required_presets_exist_and_build():
    presets = load_presets()
    assert set(presets) >= REQUIRED_PRESETS
    for key, s in presets.items():
        t = Trainer(s)
        assert s.description, key
        assert t.epoch == 0 and len(t.history) == 1
        assert np.isfinite(t.history.latest.train_loss), key


def test_tf_default_matches_the_original_settings():
    s = get_preset("tf_default")
    t = Trainer(s)
    assert s.data.dataset == "circle"
    assert [(h.units, h.activation) for h in s.model.hidden] == [(4, "tanh"), (2, "tanh")]
    assert s.train.batch_size == 10 and s.train.optimizer.learning_rate == 0.03
    w, b = t.params.as_list()[0]
    assert np.all(b == 0.1) and np.all(np.abs(w) <= 0.5)
    assert t.n_train == 250


@pytest.mark.parametrize("key", ["tf_default", "xor_221", "softmax_spiral3"])
def test_same_seed_same_weights_different_seed_different(key):
    a, b = Trainer(get_preset(key)), Trainer(get_preset(key))
    a.train(20)
    b.train(20)
    assert np.array_equal(a.params.flat, b.params.flat)
    s = get_preset(key)
    c = Trainer(replace(s, init=replace(s.init, seed=s.init.seed + 1)))
    c.train(20)
    assert not np.array_equal(a.params.flat, c.params.flat)


def test_shuffle_seed_changes_the_order_and_so_the_result():
    s = get_preset("tf_default")  # under this app's rules (TF's own rules keep one order)
    s = replace(s, train=replace(s.train, tf_rules=False))
    a = Trainer(s)
    b = Trainer(replace(s, train=replace(s.train, seed=s.train.seed + 1)))
    a.train(2)
    b.train(2)
    assert not np.array_equal(a.params.flat, b.params.flat)


def test_loss_falls_on_easy_presets():
    for key, epochs in [("tf_default", 100), ("xor_241", 2000), ("single_neuron", 300),
                        ("regression_plane", 100), ("softmax_spiral3", 100)]:
        t = Trainer(get_preset(key))
        start = t.history.latest.train_loss
        report = t.train(epochs)
        assert report.diverged is None and report.epochs_run == epochs
        assert t.history.latest.train_loss < 0.5 * start, key


@pytest.mark.parametrize("key", ["tf_default", "xor_221", "softmax_spiral3", "sine_regression"])
def test_phase_stepping_equals_an_ordinary_step_bit_for_bit(key):
    a, b = Trainer(get_preset(key)), Trainer(get_preset(key))
    a.train(3)
    b.train(3)
    a.train_step()
    stepper = b.begin_step()
    kinds = []
    while not stepper.done:
        kinds.append(stepper.advance().label)
    depth = b.spec.depth
    assert kinds == (
        [f"forward {i}" for i in range(1, depth + 1)] + ["loss"]
        + [f"backward {i}" for i in range(depth, 0, -1)] + ["update"]
    )
    assert np.array_equal(a.params.flat, b.params.flat)
    assert (a.epoch, a.batch_index) == (b.epoch, b.batch_index)


def test_trace_numbers_agree_with_a_readable_reference():
    rng = np.random.default_rng(7)
    s = custom_scenario(rng, [(3, "tanh"), (2, "relu")], "softmax", "cce", n_classes=3,
                        batch_size=5)
    t = Trainer(s)
    trace = t.begin_step().run_to_end()
    x, y = trace.x, trace.y
    a = x
    zs, as_ = [], [x]
    for (w, b), act in zip(trace.params_before, ["tanh", "relu", "softmax"], strict=True):
        z = a @ w + b
        if act == "tanh":
            a = np.tanh(z)
        elif act == "relu":
            a = np.maximum(z, 0)
        else:
            e = np.exp(z - z.max(1, keepdims=True))
            a = e / e.sum(1, keepdims=True)
        zs.append(z)
        as_.append(a)
    for layer in (1, 2, 3):
        np.testing.assert_allclose(trace.z[layer], zs[layer - 1], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(trace.a[layer], as_[layer], rtol=1e-12, atol=1e-14)
    expected_loss = -np.mean(np.sum(y * np.log(as_[3]), axis=1))
    assert trace.loss == pytest.approx(expected_loss, rel=1e-12)
    d3 = (as_[3] - y) / len(x)
    np.testing.assert_allclose(trace.delta[3], d3, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(trace.dW[3], as_[2].T @ d3, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(trace.db[3], d3.sum(0), rtol=1e-12, atol=1e-15)
    d2 = (d3 @ trace.params_before[2][0].T) * (zs[1] > 0)
    np.testing.assert_allclose(trace.delta[2], d2, rtol=1e-12, atol=1e-15)
    lr = s.train.optimizer.learning_rate
    for layer, (w, _b) in enumerate(trace.params_before, start=1):
        np.testing.assert_allclose(trace.params_after[layer - 1][0], w - lr * trace.dW[layer],
                                   rtol=1e-12, atol=1e-15)


def test_step_back_restores_parameters_phase_and_epoch_exactly():
    t = Trainer(get_preset("xor_221"))  # full batch: each step ends an epoch
    t.train(5)
    before = t.params.flat.copy()
    history_before = t.history.as_arrays()
    stepper = t.begin_step()
    stepper.run_to_end()
    assert t.epoch == 6 and not np.array_equal(before, t.params.flat)
    undone = stepper.back()
    assert undone.kind == "update"
    assert np.array_equal(before, t.params.flat)
    assert t.epoch == 5 and t.batch_index == 0
    np.testing.assert_array_equal(t.history.as_arrays()["epoch"], history_before["epoch"])
    assert stepper.position == len(stepper.phases) - 1 and stepper.trace.params_after is None
    stepper.back()
    assert stepper.next_phase.kind == "backward" and 1 not in stepper.trace.delta
    stepper.run_to_end()
    again = Trainer(get_preset("xor_221"))
    again.train(6)
    assert np.array_equal(again.params.flat, t.params.flat)


def test_step_back_restores_adam_state():
    t = Trainer(get_preset("softmax_spiral3"))
    t.train(1)
    state = t.optimizer.state()
    stepper = t.begin_step()
    stepper.run_to_end()
    stepper.back()
    after = t.optimizer.state()
    assert after["t"] == state["t"]
    for k in ("m", "v"):
        assert np.array_equal(after[k], state[k])


def test_train_completes_an_unfinished_phase_step_first():
    a, b = Trainer(get_preset("tf_default")), Trainer(get_preset("tf_default"))
    stepper = a.begin_step()
    stepper.advance()
    stepper.advance()
    a.train(2)
    b.train(2)
    assert np.array_equal(a.params.flat, b.params.flat) and a.epoch == b.epoch == 2


def test_traced_single_sample_is_an_extra_step_on_that_sample():
    t = Trainer(get_preset("tf_default"))
    trace = t.begin_step(np.array([17])).run_to_end()
    assert trace.x.shape == (1, 2) and t.batch_index == 0 and t.epoch == 0
    np.testing.assert_array_equal(trace.x[0], t.split.features[t.train_idx[17]])


def test_divergence_stops_reports_and_rolls_back():
    s = get_preset("regression_plane")
    s = replace(s, train=replace(s.train, optimizer=replace(s.train.optimizer,
                                                            learning_rate=1e6)))
    t = Trainer(s)
    t.train(1)  # may or may not blow up within one epoch
    report = t.train(50)
    assert report.diverged is not None
    assert report.diverged.epoch > t.epoch == report.diverged.rolled_back_to
    assert t.history.epochs[-1] == t.epoch
    assert "NaN" in report.diverged.cause or "Inf" in report.diverged.cause
    assert np.all(np.isfinite(t.params.flat))
    assert np.isfinite(t.history.latest.train_loss)
    assert t.diverged is report.diverged


def _diverging_momentum_run() -> object:
    """Regression plane with SGD momentum 0.9 at lr 3: finite for 25 epochs, NaN in epoch 26."""
    s = get_preset("regression_plane")
    return replace(s, train=replace(s.train, optimizer=OptimizerSpec(kind="momentum",
                                                                     learning_rate=3.0)))


@pytest.mark.parametrize("chunk", [1, 3, 10, 100])
def test_divergence_lands_on_the_last_finite_epoch_however_training_is_chunked(chunk):
    """Not on the start of the training call: the CLI and the window train in chunks, and the
    state kept (parameters and momentum) must be epoch 25's, exactly."""
    s = _diverging_momentum_run()
    t = Trainer(s)
    done, report = 0, None
    while done < 100:
        report = t.train(min(chunk, 100 - done))
        done += report.epochs_run
        if report.diverged is not None:
            break
    assert report is not None and report.diverged is not None
    last_good = report.diverged.epoch - 1
    assert last_good > 5 and t.epoch == last_good == report.diverged.rolled_back_to
    reference = Trainer(s)
    reference.train(last_good)
    np.testing.assert_array_equal(t.params.flat, reference.params.flat)
    np.testing.assert_array_equal(t.optimizer.velocity, reference.optimizer.velocity)
    assert t.history.epochs[-1] == last_good
    np.testing.assert_array_equal(np.array(t.history.latest), np.array(reference.history.latest))
    more, again = t.train(3), reference.train(3)  # and it continues as the reference does
    assert more.diverged is not None and again.diverged is not None
    np.testing.assert_array_equal(t.params.flat, reference.params.flat)


@pytest.mark.parametrize("preset", ["tf_default", "xor_221"])
def test_an_interrupted_train_call_goes_back_to_the_last_whole_epoch(preset):
    """Ctrl-C in the middle of an epoch must not leave half an epoch applied."""
    t = Trainer(get_preset(preset))
    t.train(2)
    calls, count = t.program.epoch_calls, [0]
    stop_at = 7 * len(calls) + len(calls) // 2  # the middle of the 8th epoch of this call

    def interrupt_eventually(call):
        def wrapped():
            count[0] += 1
            if count[0] == stop_at:
                raise KeyboardInterrupt
            return call()
        return wrapped

    t.program.epoch_calls = tuple(interrupt_eventually(c) for c in calls)
    with pytest.raises(KeyboardInterrupt):
        t.train(20)
    t.program.epoch_calls = calls
    reference = Trainer(get_preset(preset))
    reference.train(2 + 7)
    assert (t.epoch, t.batch_index) == (reference.epoch, 0)
    np.testing.assert_array_equal(t.params.flat, reference.params.flat)
    np.testing.assert_array_equal(np.array(t.history.latest), np.array(reference.history.latest))
    t.train(5)
    reference.train(5)
    np.testing.assert_array_equal(t.params.flat, reference.params.flat)


def test_learning_rate_changes_without_reset():
    a, b = Trainer(get_preset("tf_default")), Trainer(get_preset("tf_default"))
    a.train(3)
    b.train(3)
    b.set_learning_rate(0.3)
    assert np.array_equal(a.params.flat, b.params.flat) and b.epoch == 3
    before = b.params.flat.copy()
    b.train_step()
    a.train_step()
    # the same gradient, ten times the step
    np.testing.assert_allclose(b.params.flat - before, 10 * (a.params.flat - before), rtol=1e-9,
                               atol=1e-15)


def test_batch_size_change_keeps_weights_and_finishes_the_epoch():
    t = Trainer(get_preset("tf_default"))
    t.train_step()
    w = t.params.flat.copy()
    t.set_training(batch_size=25)
    assert t.batch_index == 0 and t.epoch == 1 and t.batches_per_epoch == 10
    assert not np.array_equal(w, t.params.flat)  # the epoch was completed, not skipped
    t.set_training(batch_size=1000)
    assert t.batch_size == t.n_train and t.batches_per_epoch == 1


def test_partial_last_batch():
    rng = np.random.default_rng(3)
    s = custom_scenario(rng, [(3, "tanh")], "sigmoid", "bce", n=10, batch_size=4,
                        reduction="sum", shuffle=False)
    t = Trainer(s)
    start = t.params.as_list()
    t.train(1)
    # replay by hand with readable math: batches [0:4], [4:8], [8:10]
    ref = Trainer(s)
    for lo, hi in [(0, 4), (4, 8), (8, 10)]:
        ref.begin_step(np.arange(lo, hi)).run_to_end()
    np.testing.assert_allclose(t.params.flat, ref.params.flat, rtol=1e-13)
    assert t.params.as_list()[0][0].shape == start[0][0].shape


@pytest.mark.parametrize("kind", ["sgd", "momentum", "adam"])
def test_optimizer_updates_match_their_formulas(kind):
    rng = np.random.default_rng(11)
    opt = OptimizerSpec(kind=kind, learning_rate=0.05, momentum=0.8, beta1=0.85, beta2=0.99,
                        epsilon=1e-7)
    s = custom_scenario(rng, [(3, "tanh")], "sigmoid", "bce", optimizer=opt, batch_size=12,
                        shuffle=False)
    t = Trainer(s)
    theta = t.params.flat.copy()
    vel = np.zeros_like(theta)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for step in range(1, 4):
        trace = t.begin_step().run_to_end()
        g = np.concatenate([
            np.concatenate([trace.db[layer][:, None], trace.dW[layer].T], axis=1).ravel()
            for layer in (1, 2)
        ])
        if kind == "sgd":
            theta = theta - 0.05 * g
        elif kind == "momentum":
            vel = 0.8 * vel + g
            theta = theta - 0.05 * vel
        else:
            m = 0.85 * m + 0.15 * g
            v = 0.99 * v + 0.01 * g * g
            m_hat = m / (1 - 0.85**step)
            v_hat = v / (1 - 0.99**step)
            theta = theta - 0.05 * m_hat / (np.sqrt(v_hat) + 1e-7)
        np.testing.assert_allclose(t.params.flat, theta, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("reg", ["l1", "l2"])
def test_regularisation_touches_weights_not_biases(reg):
    rng = np.random.default_rng(5)
    opt = OptimizerSpec(learning_rate=0.1, regularization=reg, reg_rate=0.5)
    s = custom_scenario(rng, [(3, "tanh")], "sigmoid", "bce", optimizer=opt, batch_size=12,
                        shuffle=False)
    t = Trainer(s)
    trace = t.begin_step().run_to_end()
    for layer, ((w0, b0), (w1, b1)) in enumerate(
        zip(trace.params_before, trace.params_after, strict=True), start=1
    ):
        penalty = w0 if reg == "l2" else np.sign(w0)
        np.testing.assert_allclose(w1, w0 - 0.1 * (trace.dW[layer] + 0.5 * penalty), rtol=1e-12)
        np.testing.assert_allclose(b1, b0 - 0.1 * trace.db[layer], rtol=1e-12)


def test_no_bias_network_has_no_biases():
    rng = np.random.default_rng(2)
    s = custom_scenario(rng, [(3, "sigmoid")], "sigmoid", "bce", use_bias=False)
    t = Trainer(s)
    assert all(b is None for _, b in t.params.as_list())
    trace = t.begin_step().run_to_end()
    assert trace.db[1] is None
    with pytest.raises(ValueError, match="no biases"):
        t.set_bias(0, 0, 1.0)


def test_big_networks_build_and_step():
    rng = np.random.default_rng(0)
    s = custom_scenario(rng, [(256, "relu")] * 10, "sigmoid", "bce",
                        init=InitSpec(scheme="he", seed=1))
    t = Trainer(s)
    t.train(1)
    assert t.spec.depth == 11 and np.all(np.isfinite(t.params.flat))
    zero_hidden = custom_scenario(rng, [], "sigmoid", "bce")
    assert Trainer(zero_hidden).spec.sizes == (3, 1)


@pytest.mark.parametrize(
    ("loss", "out", "classes", "message"),
    [
        ("bce", "softmax", 2, "softmax output needs categorical cross-entropy"),
        ("bce", "tanh", 2, "binary cross-entropy needs a sigmoid"),
        ("cce", "sigmoid", 2, "categorical cross-entropy needs a softmax"),
        ("mse", "sigmoid", 3, "3-class data needs a softmax output"),
    ],
)
def test_impossible_combinations_are_refused(loss, out, classes, message):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=message):
        custom_scenario(rng, [(2, "tanh")], out, loss, n_classes=classes)


def test_softmax_on_one_output_is_refused():
    from engine.losses import check_combination

    with pytest.raises(ValueError, match="single output"):
        check_combination("cce", "softmax", 1)


def test_network_spec_limits():
    with pytest.raises(ValueError, match="units"):
        NetworkSpec(2, (LayerSpec(0, "tanh"), LayerSpec(1, "tanh")))
    with pytest.raises(ValueError, match="output only"):
        NetworkSpec(2, (LayerSpec(2, "softmax"), LayerSpec(2, "softmax")))
    with pytest.raises(ValueError, match="unknown activation"):
        NetworkSpec(2, (LayerSpec(2, "relu6"),))


def test_weight_edits_are_validated_and_applied():
    t = Trainer(get_preset("xor_221"))
    t.set_weight(0, 1, 0, 0.25)
    assert t.params.weights(0)[1, 0] == 0.25
    t.set_bias(1, 0, -3.0)
    assert t.params.biases(1)[0] == -3.0
    for bad in (float("nan"), float("inf"), "abc"):
        with pytest.raises(ValueError):
            t.set_weight(0, 0, 0, bad)
    with pytest.raises(ValueError, match="no weight"):
        t.set_weight(0, 5, 0, 1.0)


def test_reset_draws_new_weights_and_clears_history():
    t = Trainer(get_preset("tf_default"))
    first = t.params.flat.copy()
    t.train(5)
    t.reset(seed=99)
    assert t.epoch == 0 and len(t.history) == 1
    assert not np.array_equal(first, t.params.flat)
    assert t.scenario.init.seed == 99  # a saved workspace names the seed in use
    drawn = t.params.flat.copy()
    t.train(2)
    t.reset()  # back to the scenario's own start
    assert np.array_equal(drawn, t.params.flat)


def test_history_stays_bounded_and_spans_the_run():
    h = History(capacity=100)
    for e in range(100_000):
        h.record(Metrics(e, 1.0 / (e + 1), np.nan, np.nan, np.nan))
    assert len(h) < 100
    assert h.epochs[0] == 0 and h.epochs[-1] > 99_000 * 0.98
    assert h.latest.epoch == 99_999
    assert np.all(np.diff(h.epochs) > 0)


def test_accuracy_and_targets_follow_the_output_activation():
    t = Trainer(get_preset("tf_default"))  # tanh output: targets are −1/+1
    assert set(np.unique(t.split.targets)) == {-1.0, 1.0}
    x = Trainer(get_preset("xor_221"))  # sigmoid output: 0/1
    assert set(np.unique(x.split.targets)) == {0.0, 1.0}
    x.train(3000)
    assert x.history.latest.train_accuracy == 1.0
    assert np.all((x.predict(x.dataset.x)[:, 0] > 0.5) == x.dataset.y)


@pytest.mark.parametrize("key", ["xor_221", "worked_example", "tf_default"])
def test_recorded_metrics_equal_a_fresh_evaluation(key):
    """The full-batch fast path reuses the next step's forward pass for the evaluation; what it
    records must equal evaluating the parameters from scratch, however training is chunked."""
    t = Trainer(get_preset(key))
    for chunk in (1, 3, 1):
        t.train(chunk)
        np.testing.assert_array_equal(np.array(t.history.latest, dtype=float),
                                      np.array(t.evaluate(), dtype=float))
    t.train_step()
    t.train(2)
    np.testing.assert_array_equal(np.array(t.history.latest, dtype=float),
                                  np.array(t.evaluate(), dtype=float))
    reference = Trainer(get_preset(key))
    reference.train(t.epoch)
    assert np.array_equal(reference.params.flat, t.params.flat)


def test_changing_the_optimizer_mid_epoch_keeps_the_epochs_sample_order():
    a, b = Trainer(get_preset("tf_default")), Trainer(get_preset("tf_default"))
    for t in (a, b):
        t.train_step()
        t.train_step()
    b.set_optimizer(replace(b.scenario.train.optimizer, kind="momentum", momentum=0.0))
    trace = b.begin_step().run_to_end()
    np.testing.assert_array_equal(trace.x, b.split.features[b.train_idx[trace.indices]])
    a.train_step()  # momentum 0 is plain SGD: the same step on the same samples
    np.testing.assert_allclose(b.params.flat, a.params.flat, rtol=1e-15, atol=0)


def test_divergence_after_a_mid_epoch_restore_rolls_back_to_that_point():
    s = get_preset("regression_plane")
    t = Trainer(s)
    t.train(2)
    for _ in range(5):
        t.train_step()
    flat, position = t.params.flat.copy(), (t.epoch, t.batch_index)
    loaded = Trainer(s)
    loaded.restore_state(t.initial_params.as_list(), t.params.as_list(), t.optimizer.state(),
                         t.epoch, t.batch_index, t.history.copy())
    loaded.set_learning_rate(1e200)
    report = loaded.train(3)
    assert report.diverged is not None
    assert (loaded.epoch, loaded.batch_index) == position
    np.testing.assert_array_equal(loaded.params.flat, flat)


def test_a_checkpoint_from_another_batch_size_is_refused():
    t = Trainer(get_preset("tf_default"))
    for _ in range(20):
        t.train_step()
    cp = t.checkpoint()
    t.set_training(batch_size=100)
    with pytest.raises(ValueError, match="batch size"):
        t.restore(cp)


def test_editing_during_an_open_phase_step_rewinds_it_instead_of_finishing_it():
    t = Trainer(get_preset("xor_221"))
    stepper = t.begin_step()
    stepper.advance()
    stepper.advance()
    t.set_weight(0, 0, 0, 0.5)
    assert t.epoch == 0 and t.active_step is None
    assert t.params.weights(0)[0, 0] == 0.5
    stepper = t.begin_step()
    stepper.advance()
    t.set_learning_rate(0.5)
    assert t.epoch == 0 and t.learning_rate == 0.5


@pytest.mark.parametrize(("loss", "out", "classes"), [("cce", "softmax", 3), ("bce", "sigmoid", 2)])
def test_a_confident_classifier_has_a_loss_of_zero_not_below(loss, out, classes):
    """Targets equal to the network's own confident predictions: the true loss is 0 (to
    rounding). Summing two large totals and subtracting them came out negative."""
    from engine.losses import per_sample_loss

    for seed in (4, 61, 68):
        rng = np.random.default_rng(seed)
        s = custom_scenario(rng, [], out, loss, n=300, n_classes=classes, features=("x1", "x2"))
        t = Trainer(s)
        w, b = t.params.as_list()[0]
        t.set_parameters([(w * 1e4, b)])
        z, a = t.forward(t.split.x_train.T)[-1]
        if classes > 2:
            t.split.y_train[:] = np.eye(classes)[np.argmax(z, 1)].T
        else:
            t.split.y_train[:] = (z > 0).T
        t._compile()  # the evaluation holds its own copy of the targets
        m = t.evaluate()
        reference = float(np.mean(per_sample_loss(loss, z, a, t.split.y_train.T)))
        assert m.train_loss >= 0.0
        assert m.train_loss == pytest.approx(reference, rel=1e-9, abs=1e-300)


def test_a_batch_size_change_whose_epoch_completion_diverges_is_refused_unchanged():
    """The change waits for the epoch to finish; if finishing it diverges (here from a
    mid-epoch checkpoint, where a naive retry looped forever) the change is refused and the
    trainer is exactly as before."""
    s = custom_scenario(np.random.default_rng(0), [(5, "linear"), (5, "linear")], "linear",
                        "mse", task="regression", n=12, batch_size=1, reduction="sum",
                        shuffle=False, optimizer=OptimizerSpec(kind="sgd", learning_rate=0.01))
    t = Trainer(s)
    t.train_step()
    t.set_optimizer(OptimizerSpec(kind="momentum", learning_rate=5.0))  # recompiles mid-epoch
    t.train_step()
    flat, velocity, position = t.params.flat.copy(), t.optimizer.velocity.copy(), t.batch_index
    with pytest.raises(ValueError, match="finishing it diverged"):
        t.set_training(batch_size=4)
    assert t.batch_index == position and t.scenario.train.batch_size == 1
    np.testing.assert_array_equal(t.params.flat, flat)
    np.testing.assert_array_equal(t.optimizer.velocity, velocity)


def test_rolling_back_never_undoes_an_edited_weight():
    """Divergence right after the user edits a weight mid-epoch goes back to the edited
    state at that position, not to the epoch's start with the old weight."""
    t = Trainer(get_preset("regression_plane"))
    t.train(2)
    for _ in range(5):
        t.train_step()
    t.set_weight(1, 0, 0, 0.75)
    edited, position = t.params.flat.copy(), (t.epoch, t.batch_index)
    t.set_learning_rate(1e150)
    for _ in range(10):  # NaN within a few steps, well inside this epoch of 25
        t.train_step()
        if t.diverged is not None:
            break
    assert t.diverged is not None
    assert (t.epoch, t.batch_index) == position
    np.testing.assert_array_equal(t.params.flat, edited)
    report = t.train(3)  # from mid-epoch too
    assert report.diverged is not None and (t.epoch, t.batch_index) == position
    np.testing.assert_array_equal(t.params.flat, edited)
