"""The smooth activations are PyTorch's (torch.nn.functional, float64): values and derivatives
(autograd), readable and precompiled forms, to 1e-15 of max(|PyTorch's value|, |z|) — relative,
except where both sides cancel (1 + erf(z/√2) for z ≪ 0, a derivative crossing zero), where
either side's own rounding is an ulp of the terms, about |z|·1e-16. Softplus is compared up to
z = 20, past which PyTorch's threshold returns z itself (engine.smooth_activations)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.activations import get_activation

torch = pytest.importorskip("torch", reason="PyTorch is not installed (CI installs it later)")
F = torch.nn.functional

RNG = np.random.default_rng(0)
Z = np.concatenate([np.linspace(-30, 30, 601), RNG.normal(size=400) * 3,
                    [0.0, -0.0, 1e-300, -1e-300, 1e-8, -1e-8, 19.99, 20.0, 40.0, -40.0]])
TORCH = {
    "elu": F.elu,
    "softplus": F.softplus,
    "silu": F.silu,
    "gelu": F.gelu,
    "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"),
    "sine": torch.sin,
}


def _torch(key: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    y = TORCH[key](t)
    y.sum().backward()
    return y.detach().numpy(), t.grad.numpy()


def _precompiled(key: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    act = get_activation(key)
    zz = z.reshape(1, -1).copy()
    a, tmp, out = np.empty_like(zz), np.empty_like(zz), np.empty_like(zz)
    with np.errstate(all="ignore"):  # as the trainer runs them
        for call in act.forward_calls(zz, a, tmp) + act.derivative_calls(zz, a, out):
            call()
    return a[0], out[0]


def _worst(ours: np.ndarray, ref: np.ndarray, z: np.ndarray) -> float:
    scale = np.maximum(np.abs(ref), np.abs(z))
    diff = np.abs(ours - ref)
    assert np.all(diff[scale == 0] == 0)
    return float(np.max(diff[scale > 0] / scale[scale > 0]))


@pytest.mark.parametrize("key", list(TORCH))
def test_values_and_derivatives_are_pytorchs(key):
    z = Z[Z <= 20] if key == "softplus" else Z
    value, slope = _torch(key, z)
    act = get_activation(key)
    a = act.apply(z)
    step_a, step_slope = _precompiled(key, z)
    for ours, ref in ((a, value), (step_a, value), (act.derivative(z, a), slope),
                      (step_slope, slope)):
        assert _worst(ours, ref, z) < 1e-15


def test_softplus_past_pytorchs_threshold_differs_as_documented():
    z = np.array([20.0 + 1e-9, 20.5, 25.0, 30.0, 37.0, 40.0, 100.0])
    value, slope = _torch("softplus", z)
    act = get_activation("softplus")
    ours = act.apply(z)
    assert np.array_equal(value, z) and np.array_equal(slope, np.ones_like(z))  # PyTorch's jump
    assert np.all(np.abs(ours - z) < 2.1e-9) and np.all(ours >= z)
    assert np.array_equal(ours[-2:], z[-2:])  # e^−z below half an ulp of z
    assert np.all(np.abs(act.derivative(z, ours) - 1.0) < 2.1e-9)
