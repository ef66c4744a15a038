"""The engine under TensorFlow Playground's rules against a port of TensorFlow Playground's own
update rule, from the same start weights and the same sample order.

The reference below follows tensorflow/playground (commit 02469bd) link by link:
``forwardProp`` (src/nn.ts lines 253-273, ``Node.updateOutput`` 60-69), ``backProp`` (282-329:
per-node ``accInputDer``, per-link ``accErrorDer``, dead links skipped), ``updateWeights``
(335-376: bias and weight steps divided by the number of accumulated derivatives, then the
regularisation step, and the L1 clamp that kills a link whose weight it carries across zero,
362-367), ``RegularizationFunction`` (140-149) and ``oneStep`` in src/playground.ts (909-923:
an update after sample i only when (i + 1) % batchSize == 0, every epoch in one order).
It keeps TF's per-link structure on purpose (slow, but plainly the same algorithm).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pytest

from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from engine.trainer import Trainer


@dataclass
class _Layer:
    w: np.ndarray  # (n_out, n_in) weight of link source i → dest j at [j, i]
    b: np.ndarray  # (n_out,)
    dead: np.ndarray  # (n_out, n_in) bool, Link.isDead
    acc_w: np.ndarray
    n_w: np.ndarray  # Link.numAccumulatedDers
    acc_b: np.ndarray  # Node.accInputDer
    n_b: np.ndarray  # Node.numAccumulatedDers


class TFPlayground:
    """TF Playground's network with tanh hidden units (its ``Activations.TANH``), a tanh or
    linear output (``Activations.LINEAR``, regression) and square error."""

    def __init__(self, layers: list[tuple[np.ndarray, np.ndarray]], lr: float,
                 reg: str, reg_rate: float, linear_output: bool = False) -> None:
        self.linear_output = linear_output
        self.layers = [
            _Layer(w.T.copy(), b.copy(), np.zeros(w.T.shape, bool), np.zeros(w.T.shape),
                   np.zeros(w.T.shape, np.int64), np.zeros(b.shape), np.zeros(b.shape, np.int64))
            for w, b in layers
        ]
        self.lr, self.reg, self.reg_rate = lr, reg, reg_rate

    def forward(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        outputs, totals = [x], []
        for layer in self.layers:
            total = layer.b.copy()  # totalInput = bias; += weight * source.output per link
            for i in range(layer.w.shape[1]):
                total = total + layer.w[:, i] * outputs[-1][i]
            totals.append(total)
            last = len(totals) == len(self.layers)
            outputs.append(total if last and self.linear_output else np.tanh(total))
        return outputs, totals

    def backprop(self, outputs: list[np.ndarray], totals: list[np.ndarray],
                 target: float) -> None:
        output_der = outputs[-1] - target  # Errors.SQUARE.der
        for l in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[l]
            if l == len(self.layers) - 1 and self.linear_output:
                input_der = output_der * 1.0  # LINEAR.der
            else:
                input_der = output_der * (1 - np.tanh(totals[l]) ** 2)  # TANH.der(totalInput)
            layer.acc_b += input_der
            layer.n_b += 1
            live = ~layer.dead
            error_der = np.outer(input_der, outputs[l])
            layer.acc_w[live] += error_der[live]
            layer.n_w[live] += 1
            if l == 0:
                continue
            output_der = layer.w.T @ input_der  # Σ over output links, dead ones (weight 0) too

    def update(self) -> None:
        for layer in self.layers:
            has = layer.n_b > 0
            layer.b[has] -= self.lr * layer.acc_b[has] / layer.n_b[has]
            layer.acc_b[has] = 0
            layer.n_b[has] = 0
            for j, i in np.ndindex(*layer.w.shape):
                if layer.dead[j, i] or layer.n_w[j, i] == 0:
                    continue
                w = layer.w[j, i]
                if self.reg == "l1":
                    regul_der = -1.0 if w < 0 else (1.0 if w > 0 else 0.0)
                elif self.reg == "l2":
                    regul_der = w
                else:
                    regul_der = 0.0
                w = w - (self.lr / layer.n_w[j, i]) * layer.acc_w[j, i]
                new = w - (self.lr * self.reg_rate) * regul_der
                if self.reg == "l1" and w * new < 0:
                    layer.w[j, i] = 0.0
                    layer.dead[j, i] = True
                else:
                    layer.w[j, i] = new
                layer.acc_w[j, i] = 0
                layer.n_w[j, i] = 0

    def one_step(self, xs: np.ndarray, ys: np.ndarray, batch: int) -> None:
        """One epoch, as ``oneStep``: samples (N, n₀) and targets (N,) in their fixed order."""
        for i in range(xs.shape[0]):
            outputs, totals = self.forward(xs[i])
            self.backprop(outputs, totals, ys[i])
            if (i + 1) % batch == 0:
                self.update()

    def loss(self, xs: np.ndarray, ys: np.ndarray) -> float:
        return float(np.mean([0.5 * (self.forward(x)[0][-1][0] - y) ** 2
                              for x, y in zip(xs, ys, strict=True)]))


@pytest.mark.parametrize(("reg", "rate", "batch"), [
    ("none", 0.0, 10), ("l1", 0.01, 30), ("l1", 0.01, 1), ("l1", 0.1, 30), ("l1", 0.1, 1),
])
def test_tf_rules_match_tf_playgrounds_algorithm_over_100_epochs(
        reg: str, rate: float, batch: int) -> None:
    s = get_preset("tf_default")
    s = replace(s, train=replace(s.train, tf_rules=True, batch_size=batch, optimizer=OptimizerSpec(
        learning_rate=s.train.optimizer.learning_rate, regularization=reg, reg_rate=rate)))
    t = Trainer(s)
    xs, ys = t.split.x_train.T.copy(), t.split.y_train[0].copy()  # the fixed training order
    ref = TFPlayground([(w, b) for w, b in t.params.as_list() if b is not None],
                       s.train.optimizer.learning_rate, reg, rate)
    for epoch in range(1, 101):
        t.train(1)
        ref.one_step(xs, ys, batch)
        if epoch % 25 == 0:
            assert t.history.latest is not None
            assert t.history.latest.train_loss == pytest.approx(ref.loss(xs, ys), abs=1e-12)
    for (w, b), layer, dead in zip(t.params.as_list(), ref.layers, t.dead_links, strict=True):
        np.testing.assert_allclose(w, layer.w.T, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, layer.b, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(dead, layer.dead.T)
    if reg == "l1" and rate == 0.1:
        assert all(d.all() for d in t.dead_links)  # as in TF: every weight ends at 0


@pytest.mark.parametrize("key", ["tf_default", "tf_spiral_all_features", "tf_xor_product",
                                 "tf_regression_plane", "tf_gauss"])
def test_the_tf_playground_presets_train_by_its_algorithm(key: str) -> None:
    s = get_preset(key)
    assert s.train.tf_rules
    t = Trainer(s)
    xs, ys = t.split.x_train.T.copy(), t.split.y_train[0].copy()
    ref = TFPlayground([(w, b) for w, b in t.params.as_list() if b is not None],
                       s.train.optimizer.learning_rate, "none", 0.0,
                       linear_output=s.model.output_activation == "linear")
    for _ in range(10):
        t.train(1)
        ref.one_step(xs, ys, s.train.batch_size)
    assert t.history.latest is not None
    assert t.history.latest.train_loss == pytest.approx(ref.loss(xs, ys), abs=1e-12)
    for (w, b), layer in zip(t.params.as_list(), ref.layers, strict=True):
        np.testing.assert_allclose(w, layer.w.T, rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, layer.b, rtol=0, atol=1e-12)
