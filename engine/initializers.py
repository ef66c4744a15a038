"""Ways to choose the starting weights.

Weights are drawn per layer in the public (n_in, n_out) convention, W then b, from one
``numpy.random.default_rng(seed)``, so the same seed gives the same network bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from engine.network import PARAMETER_LIMIT, NetworkSpec, Parameters

INIT_SCHEMES: dict[str, str] = {
    "tf_playground": "TensorFlow Playground: W ~ U(−0.5, 0.5), every bias 0.1",
    "uniform": "W, b ~ U(low, high)",
    "normal": "W, b ~ N(0, std²)",
    "xavier": "Xavier/Glorot: W ~ U(±√(6/(n_in + n_out))), b = 0",
    "he": "He: W ~ N(0, 2/n_in), b = 0",
    "constant": "every weight and bias = value",
    "explicit": "weights given explicitly",
}


@dataclass(frozen=True)
class InitSpec:
    """How to initialise: a scheme, its numbers, an optional constant bias, and a seed."""

    scheme: str = "tf_playground"
    low: float = -0.5
    high: float = 0.5
    std: float = 0.1
    value: float = 0.0
    bias: float | None = None
    """When set, every bias starts at this value whatever the scheme."""
    seed: int = 0

    def __post_init__(self) -> None:
        if self.scheme not in INIT_SCHEMES:
            raise ValueError(
                f"init.scheme: unknown {self.scheme!r} (known: {', '.join(INIT_SCHEMES)})"
            )
        for name in ("low", "high", "std", "value"):
            if not np.isfinite(getattr(self, name)):
                raise ValueError(f"init.{name}: must be finite")
            if abs(getattr(self, name)) > PARAMETER_LIMIT:  # also keeps high − low finite
                raise ValueError(f"init.{name}: must be between {-PARAMETER_LIMIT:g} and "
                                 f"{PARAMETER_LIMIT:g}, got {getattr(self, name):g}")
        if self.scheme == "uniform" and not self.low < self.high:
            raise ValueError(f"init.low must be below init.high, got {self.low} ≥ {self.high}")
        if self.std < 0:
            raise ValueError(f"init.std: must not be negative, got {self.std}")
        if self.bias is not None and not abs(self.bias) <= PARAMETER_LIMIT:
            raise ValueError(f"init.bias: must be finite and between {-PARAMETER_LIMIT:g} and "
                             f"{PARAMETER_LIMIT:g}, got {self.bias!r}")


def initialize(spec: NetworkSpec, init: InitSpec, seed: int | None = None) -> Parameters:
    """Fresh parameters for ``spec``. ``seed`` overrides ``init.seed`` (e.g. for Reset)."""
    if init.scheme == "explicit":
        raise ValueError("explicit initialisation needs the weights themselves")
    rng = np.random.default_rng(init.seed if seed is None else seed)
    params = Parameters(spec)
    layers = []
    for n_in, n_out in spec.shapes():
        w, b = _draw(init, rng, n_in, n_out)
        if init.bias is not None:
            b = np.full(n_out, float(init.bias))
        layers.append((w, b if spec.use_bias else None))
    params.set_all(layers)
    return params


def starting_parameters(
    spec: NetworkSpec,
    init: InitSpec,
    explicit: Sequence[tuple[np.ndarray, np.ndarray | None]] | None,
    seed: int | None = None,
) -> Parameters:
    """A network's first parameters: the ``explicit`` layers [(W, b), ...] for the explicit
    scheme (unless a ``seed`` asks for fresh ones: then TensorFlow Playground's draw), or the
    scheme's draw."""
    if init.scheme == "explicit" and seed is None:
        assert explicit is not None
        params = Parameters(spec)
        try:
            params.set_all(explicit)
        except ValueError as e:
            raise ValueError(f"initial_weights: {e}") from None
        return params
    drawn = init if init.scheme != "explicit" else replace(init, scheme="tf_playground")
    return initialize(spec, drawn, seed)


def _draw(
    init: InitSpec, rng: np.random.Generator, n_in: int, n_out: int
) -> tuple[np.ndarray, np.ndarray]:
    s = init.scheme
    if s == "tf_playground":
        return rng.uniform(-0.5, 0.5, (n_in, n_out)), np.full(n_out, 0.1)
    if s == "uniform":
        return rng.uniform(init.low, init.high, (n_in, n_out)), rng.uniform(
            init.low, init.high, n_out
        )
    if s == "normal":
        return rng.normal(0.0, init.std, (n_in, n_out)), rng.normal(0.0, init.std, n_out)
    if s == "xavier":
        limit = np.sqrt(6.0 / (n_in + n_out))
        return rng.uniform(-limit, limit, (n_in, n_out)), np.zeros(n_out)
    if s == "he":
        return rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out)), np.zeros(n_out)
    if s == "constant":
        return np.full((n_in, n_out), init.value), np.full(n_out, init.value)
    raise ValueError(f"init.scheme: unknown {s!r}")
