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
    assert t.program.eval_train.logits_only
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
    assert not t.program.eval_train.logits_only
    t.train(3)
    s = t.split
    o = t.forward(s.x_train.T)[-1][1]
    expected = float(np.mean(0.5 * np.sum((o - s.y_train.T) ** 2, axis=1)))
    assert t.evaluate().train_loss == pytest.approx(expected, rel=1e-12)
