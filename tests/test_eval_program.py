"""The precompiled evaluation (loss and accuracy after every epoch) against a readable reference.

Softmax with cross-entropy skips the output activation in the evaluation (the loss is a
log-sum-exp of z and the argmax of z is the argmax of softmax(z)); these tests recompute both
sets' figures from the readable forward pass, so a skipped call that mattered would show.
"""

from dataclasses import replace

import numpy as np
import pytest

from engine.presets import get_preset
from engine.trainer import Trainer


def reference(t: Trainer, x: np.ndarray, y: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Mean cross-entropy −Σ y log p and accuracy from the readable forward pass (N, K)."""
    p = t.forward(x)[-1][1]
    loss = float(np.mean(-np.sum(y * np.log(p), axis=1)))
    return loss, float(np.mean(np.argmax(p, axis=1) == labels))


@pytest.mark.parametrize("preset", ["iris", "digits"])
def test_softmax_evaluation_matches_the_readable_forward_pass(preset):
    scenario = get_preset(preset)
    t = Trainer(replace(scenario, train=replace(scenario.train, shuffle=True)))
    assert t.program.evaluations[0].logits_only
    for _ in range(3):
        t.train(2)
        s = t.split
        m = t.evaluate()
        tr = reference(t, s.x_train.T, s.y_train.T, s.labels_train)
        te = reference(t, s.x_test.T, s.y_test.T, s.labels_test)
        assert m.train_loss == pytest.approx(tr[0], rel=1e-12)
        assert m.test_loss == pytest.approx(te[0], rel=1e-12)
        assert (m.train_accuracy, m.test_accuracy) == (tr[1], te[1])


def test_other_losses_still_evaluate_the_output_activation():
    t = Trainer(get_preset("tf_default"))
    assert not t.program.evaluations[0].logits_only
    t.train(3)
    s = t.split
    o = t.forward(s.x_train.T)[-1][1]
    expected = float(np.mean(0.5 * np.sum((o - s.y_train.T) ** 2, axis=1)))
    assert t.evaluate().train_loss == pytest.approx(expected, rel=1e-12)


def _readable_scores(t: Trainer, x: np.ndarray, y: np.ndarray, labels: np.ndarray | None):
    """(loss, accuracy, R²) of one set from the readable forward pass; arrays (N, ·)."""
    from engine.losses import per_sample_loss

    z, o = t.forward(x)[-1]
    loss = float(np.mean(per_sample_loss(t.scenario.train.loss, z, o, y)))
    if labels is None:
        r2 = 1 - float(np.sum((o - y) ** 2)) / float(np.sum((y - y.mean()) ** 2))
        return loss, r2
    if o.shape[1] > 1:
        return loss, float(np.mean(np.argmax(o, axis=1) == labels))
    threshold = t.spec.layers[-1].activation
    cut = 0.0 if threshold in ("tanh", "linear") else 0.5
    return loss, float(np.mean((o[:, 0] > cut) == labels))


@pytest.mark.parametrize("output, loss, task, classes", [
    ("softmax", "cce", "classification", 3), ("sigmoid", "bce", "classification", 2),
    ("tanh", "half_se", "classification", 2), ("linear", "mse", "regression", 2)])
@pytest.mark.parametrize("batch, shuffle", [(4, True), (1000, False)])
def test_both_sets_score_as_the_readable_forward_pass(output, loss, task, classes, batch,
                                                     shuffle):
    """Shuffled minibatches evaluate both sets side by side in one program; a full batch in a
    fixed order evaluates the training set on the step's buffers. Each set's figures must be
    its own either way."""
    from tests.helpers import custom_scenario

    rng = np.random.default_rng(5)
    s = custom_scenario(rng, [(5, "relu")], output, loss, n=40, n_classes=classes, task=task,
                        batch_size=batch, shuffle=shuffle)
    s = replace(s, data=replace(s.data, train_fraction=0.7))
    t = Trainer(s)
    assert len(t.program.evaluations) == (2 if batch >= 40 and not shuffle else 1)
    t.train(3)
    sp = t.split
    m = t.evaluate()
    regression = task == "regression"
    for (loss_v, second), (x, y, labels) in zip(
        [(m.train_loss, m.train_r2 if regression else m.train_accuracy),
         (m.test_loss, m.test_r2 if regression else m.test_accuracy)],
        [(sp.x_train, sp.y_train, None if regression else sp.labels_train),
         (sp.x_test, sp.y_test, None if regression else sp.labels_test)], strict=True):
        ref_loss, ref_second = _readable_scores(t, x.T, y.T, labels)
        assert loss_v == pytest.approx(ref_loss, rel=1e-12)
        assert second == pytest.approx(ref_second, rel=1e-12)


def test_an_empty_test_set_scores_nan_beside_a_scored_training_set():
    from tests.helpers import custom_scenario

    s = custom_scenario(np.random.default_rng(2), [(3, "tanh")], "sigmoid", "bce", n=12)
    t = Trainer(s)
    assert t.split.x_test.shape[1] == 0
    m = t.evaluate()
    assert np.isfinite(m.train_loss) and np.isnan(m.test_loss) and np.isnan(m.test_accuracy)
