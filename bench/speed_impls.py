"""The two reference implementations ``engine_speed.py`` times the engine against.

* ``NumpyMLP`` — a straightforward NumPy network written the way notebooks do it: samples as
  rows, ``a = act(np.dot(a, W) + b)``, explicit deltas, fresh arrays everywhere;
* ``TorchMLP`` — PyTorch CPU eager with autograd and ``torch.optim.SGD``, in float64 (checked
  against the engine) or float32 (timed only).

Both train a ``Problem`` (the engine's data, starting weights and settings, samples as rows) in
the engine's batch order and evaluate loss and accuracy on both sets after every epoch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

try:  # PyTorch is optional: the benchmark runs without it and says so.
    import torch
except ImportError as _torch_error:  # pragma: no cover - depends on the environment
    torch = None
    TORCH_MISSING = f"{type(_torch_error).__name__}: {_torch_error}"
else:
    TORCH_MISSING = ""

Layers = list[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Problem:
    """Everything an implementation needs, taken from one engine trainer.

    Arrays use the notebook layout: samples as rows (N samples, d inputs, K outputs).
    """

    x_train: np.ndarray  # (N, d)
    y_train: np.ndarray  # (N, K)
    x_test: np.ndarray
    y_test: np.ndarray
    labels_train: np.ndarray  # (N,) class indices
    labels_test: np.ndarray
    initial: Layers  # [(W (n_in, n_out), b (n_out,)), ...]
    activations: tuple[str, ...]  # per layer, hidden layers then output
    loss: str  # "half_se", "bce" or "cce"
    learning_rate: float
    batch_size: int
    shuffle: bool
    seed: int


def epoch_order(p: Problem, epoch: int) -> np.ndarray | None:
    """The engine's sample order for an epoch, or None when the data stays in place."""
    n = p.x_train.shape[0]
    if p.shuffle and n > p.batch_size:
        return np.random.default_rng((p.seed, epoch)).permutation(n)
    return None


class Implementation(Protocol):
    def train(self, n_epochs: int) -> None: ...

    def parameters(self) -> Layers: ...

    def final_train_loss(self) -> float: ...


# ---------------------------------------------------------------------------------------------
# The notebook-style NumPy baseline
# ---------------------------------------------------------------------------------------------
def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


ACT: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": np.tanh, "sigmoid": sigmoid, "relu": lambda z: np.maximum(z, 0), "softmax": softmax,
}
DACT: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": lambda a: 1 - a**2,
    "sigmoid": lambda a: a * (1 - a),
    "relu": lambda a: (a > 0).astype(a.dtype),
}
LOW_TARGET = {"tanh": -1.0, "sigmoid": 0.0, "softmax": 0.0}
COMBINED = ("bce", "cce")
"""Losses whose output error is simply o − t (cross-entropy with its matching activation)."""


class NumpyMLP:
    """A small fully connected network as it is usually written in a notebook."""

    def __init__(self, p: Problem) -> None:
        self.p = p
        self.W = [w.copy() for w, _ in p.initial]
        self.b = [b.copy() for _, b in p.initial]
        self.acts = [ACT[k] for k in p.activations]
        self.dacts = [DACT.get(k) for k in p.activations]
        self.lr = p.learning_rate
        self.epoch = 0
        self.history: list[tuple[float, float, float, float]] = []

    def forward(self, x: np.ndarray) -> list[np.ndarray]:
        a = x
        activations = [a]
        for W, b, act in zip(self.W, self.b, self.acts, strict=True):
            a = act(np.dot(a, W) + b)
            activations.append(a)
        return activations

    def train_batch(self, x: np.ndarray, y: np.ndarray) -> None:
        activations = self.forward(x)
        out = activations[-1]
        n = x.shape[0]
        # δ = (o − t) / N for cross-entropy with its output, (o − t) · f'(z) / N for half_se.
        if self.p.loss in COMBINED:
            error = out - y
        else:
            dact = self.dacts[-1]
            assert dact is not None
            error = (out - y) * dact(out)
        delta = error / n
        for i in range(len(self.W) - 1, -1, -1):
            a_prev = activations[i]
            dW = np.dot(a_prev.T, delta)
            db = np.sum(delta, axis=0)
            if i > 0:
                dact = self.dacts[i - 1]
                assert dact is not None
                delta = np.dot(delta, self.W[i].T) * dact(a_prev)
            self.W[i] -= self.lr * dW
            self.b[i] -= self.lr * db

    def loss_and_accuracy(
        self, x: np.ndarray, y: np.ndarray, labels: np.ndarray
    ) -> tuple[float, float]:
        if x.shape[0] == 0:
            return float("nan"), float("nan")
        out = self.forward(x)[-1]
        if self.p.loss == "bce":
            loss = -np.mean(y * np.log(out) + (1 - y) * np.log(1 - out))
        elif self.p.loss == "cce":
            loss = -np.mean(np.sum(y * np.log(out), axis=1))
        else:
            loss = np.mean(0.5 * np.sum((out - y) ** 2, axis=1))
        if out.shape[1] > 1:
            accuracy = np.mean(np.argmax(out, axis=1) == labels)
        else:
            threshold = (LOW_TARGET[self.p.activations[-1]] + 1) / 2
            accuracy = np.mean((out[:, 0] > threshold) == labels)
        return float(loss), float(accuracy)

    def train(self, n_epochs: int) -> None:
        p = self.p
        X, Y, B = p.x_train, p.y_train, p.batch_size
        n = X.shape[0]
        for _ in range(n_epochs):
            idx = epoch_order(p, self.epoch)
            for i in range(0, n, B):
                if idx is None:
                    self.train_batch(X[i : i + B], Y[i : i + B])
                else:
                    self.train_batch(X[idx[i : i + B]], Y[idx[i : i + B]])
            self.epoch += 1
            train_loss, train_acc = self.loss_and_accuracy(X, Y, p.labels_train)
            test_loss, test_acc = self.loss_and_accuracy(p.x_test, p.y_test, p.labels_test)
            self.history.append((train_loss, test_loss, train_acc, test_acc))

    def parameters(self) -> Layers:
        return list(zip(self.W, self.b, strict=True))

    def final_train_loss(self) -> float:
        return self.history[-1][0]


# ---------------------------------------------------------------------------------------------
# PyTorch eager
# ---------------------------------------------------------------------------------------------
class TorchMLP:
    """The same network with manual tensors of ``dtype`` ("float64" or "float32"), autograd
    and ``torch.optim.SGD``."""

    def __init__(self, p: Problem, dtype: str = "float64") -> None:
        assert torch is not None
        self.p = p
        dt = getattr(torch, dtype)
        self.W = [torch.tensor(w, dtype=dt, requires_grad=True) for w, _ in p.initial]
        self.b = [torch.tensor(b, dtype=dt, requires_grad=True) for _, b in p.initial]
        funcs = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
                 "softmax": lambda z: torch.softmax(z, dim=1)}
        self.acts = [funcs[k] for k in p.activations]
        self.opt = torch.optim.SGD([*self.W, *self.b], lr=p.learning_rate)
        self.X = torch.from_numpy(p.x_train).to(dt)
        self.Y = torch.from_numpy(p.y_train).to(dt)
        self.Xt = torch.from_numpy(p.x_test).to(dt)
        self.Yt = torch.from_numpy(p.y_test).to(dt)
        self.Lt = torch.from_numpy(p.labels_train)
        self.Lv = torch.from_numpy(p.labels_test)
        self.threshold = (LOW_TARGET[p.activations[-1]] + 1) / 2
        self.epoch = 0
        self.history: list[tuple[float, float, float, float]] = []

    def logits(self, x: Any) -> Any:
        """The output layer's pre-activation z."""
        a = x
        last = len(self.W) - 1
        for i, (W, b, act) in enumerate(zip(self.W, self.b, self.acts, strict=True)):
            z = a @ W + b
            if i == last:
                return z
            a = act(z)
        raise AssertionError("unreachable")

    def loss(self, z: Any, y: Any) -> Any:
        if self.p.loss == "bce":
            return torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        if self.p.loss == "cce":  # y holds one-hot probabilities
            return torch.nn.functional.cross_entropy(z, y)
        out = self.acts[-1](z)
        return (0.5 * ((out - y) ** 2).sum(dim=1)).mean()

    def train_batch(self, x: Any, y: Any) -> None:
        self.opt.zero_grad()
        loss = self.loss(self.logits(x), y)
        loss.backward()
        self.opt.step()

    def loss_and_accuracy(self, x: Any, y: Any, labels: Any) -> tuple[float, float]:
        if x.shape[0] == 0:
            return float("nan"), float("nan")
        with torch.no_grad():
            z = self.logits(x)
            loss = self.loss(z, y).item()
            if z.shape[1] > 1:
                hits = z.argmax(dim=1) == labels
            else:
                hits = (self.acts[-1](z)[:, 0] > self.threshold) == labels
            accuracy = hits.double().mean().item()
        return loss, accuracy

    def train(self, n_epochs: int) -> None:
        p = self.p
        X, Y, B = self.X, self.Y, p.batch_size
        n = X.shape[0]
        for _ in range(n_epochs):
            order = epoch_order(p, self.epoch)
            if order is None:
                for i in range(0, n, B):
                    self.train_batch(X[i : i + B], Y[i : i + B])
            else:
                idx = torch.from_numpy(order)
                for i in range(0, n, B):
                    self.train_batch(X[idx[i : i + B]], Y[idx[i : i + B]])
            self.epoch += 1
            train_loss, train_acc = self.loss_and_accuracy(X, Y, self.Lt)
            test_loss, test_acc = self.loss_and_accuracy(self.Xt, self.Yt, self.Lv)
            self.history.append((train_loss, test_loss, train_acc, test_acc))

    def parameters(self) -> Layers:
        return [
            (w.detach().double().numpy().copy(), b.detach().double().numpy().copy())
            for w, b in zip(self.W, self.b, strict=True)
        ]

    def final_train_loss(self) -> float:
        return self.history[-1][0]
