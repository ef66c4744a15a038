"""RMSprop and Adagrad are torch.optim's (defaults: RMSprop α = 0.99, ε = 1e-8, no momentum,
not centred; Adagrad no learning-rate decay, s₀ = 0, ε = 1e-10): 20 minibatch steps of a real
network, with PyTorch's autograd gradients and torch.optim's update, end on the engine's
parameters and state to 1e-12."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from engine.network import Parameters
from engine.optimizers import OptimizerSpec
from engine.presets import get_preset
from engine.trainer import Trainer

torch = pytest.importorskip("torch", reason="PyTorch is not installed (CI installs it later)")

STEPS = 20


def _trainer(kind: str, lr: float, activation: str) -> Trainer:
    s = get_preset("tf_default")  # 2-4-2-1, half squared error (mean), batch 10, shuffled
    hidden = tuple(replace(h, activation=activation) for h in s.model.hidden)
    return Trainer(replace(
        s, model=replace(s.model, hidden=hidden),
        train=replace(s.train, optimizer=OptimizerSpec(kind=kind, learning_rate=lr))))


@pytest.mark.parametrize(("kind", "lr", "activation"),
                         [("rmsprop", 0.01, "tanh"), ("adagrad", 0.1, "tanh"),
                          ("rmsprop", 0.005, "gelu")])
def test_twenty_steps_match_torch_optim(kind, lr, activation):
    t = _trainer(kind, lr, activation)
    start = t.params.flat.copy()
    layers = [(torch.tensor(w, dtype=torch.float64, requires_grad=True),
               torch.tensor(b, dtype=torch.float64, requires_grad=True))
              for w, b in t.params.as_list()]
    flat = [p for pair in layers for p in pair]
    opt = (torch.optim.RMSprop(flat, lr=lr) if kind == "rmsprop"
           else torch.optim.Adagrad(flat, lr=lr))
    act = {"tanh": torch.tanh, "gelu": torch.nn.functional.gelu}[activation]
    for _ in range(STEPS):
        indices = t.next_batch_indices()
        x, y = (torch.tensor(rows.T.copy()) for rows in t.split.train_columns(indices))
        a = x
        for i, (w, b) in enumerate(layers):
            z = a @ w + b
            a = act(z) if i < len(layers) - 1 else torch.tanh(z)
        loss = (0.5 * ((a - y) ** 2).sum(dim=1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        t.train_step()
    assert np.max(np.abs(t.params.flat - start)) > 1e-2  # the steps moved the weights
    scale = max(float(np.max(np.abs(t.params.flat))), 1.0)
    for (w, b), (tw, tb) in zip(t.params.as_list(), layers, strict=True):
        np.testing.assert_allclose(w, tw.detach().numpy(), rtol=0, atol=1e-12 * scale)
        np.testing.assert_allclose(b, tb.detach().numpy(), rtol=0, atol=1e-12 * scale)
    state = t.optimizer.state()
    key = "square_avg" if kind == "rmsprop" else "sum"
    v = Parameters(t.spec, state["v"]).as_list()
    for (vw, vb), (tw, tb) in zip(v, layers, strict=True):
        np.testing.assert_allclose(vw, opt.state[tw][key].numpy(), rtol=1e-10, atol=1e-18)
        np.testing.assert_allclose(vb, opt.state[tb][key].numpy(), rtol=1e-10, atol=1e-18)
    assert state["t"] == STEPS == int(opt.state[flat[0]]["step"])
    assert t.optimizer.spec.epsilon == opt.defaults["eps"]
