"""The network's shape and its parameters.

Public convention (the notebooks'): layer ``l`` (0-based here, written with superscript l+1 in
formulas) maps activations of shape (N, n_in) to (N, n_out) by ``z = a_prev · W + b`` with

* ``W`` of shape (n_in, n_out) — row i, column j is the weight from unit i to unit j;
* ``b`` of shape (n_out,).

Internally all parameters live in one flat float64 array so that an optimiser update is a
single NumPy call. Each layer owns a C-contiguous view of shape (n_out, 1 + n_in): the bias as
the first column (only when biases are on), then the weights transposed. Together with a row of
ones at the top of every activation buffer, one ``np.dot`` then gives z, and one gives dW with
db.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.activations import get_activation

MAX_HIDDEN_LAYERS = 16
MAX_UNITS = 1024
PARAMETER_LIMIT = 1e100
"""A weight or bias larger than this in size means training has diverged, though the number
is still finite (a learning rate of 1e300 takes weights there without a NaN); a network never
starts beyond it (engine.initializers)."""


@dataclass(frozen=True)
class LayerSpec:
    """One fully connected layer: how many units, which activation and, for a hidden layer,
    its dropout rate p (0 ≤ p < 1: the share of units dropped in each training step;
    ``engine.dropout``)."""

    units: int
    activation: str
    dropout: float = 0.0


@dataclass(frozen=True)
class NetworkSpec:
    """Input width, the layers (hidden layers, then the output layer) and whether biases exist."""

    n_inputs: int
    layers: tuple[LayerSpec, ...]
    use_bias: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        if not isinstance(self.n_inputs, int) or self.n_inputs < 1:
            raise ValueError(f"n_inputs: must be a positive integer, got {self.n_inputs!r}")
        if not self.layers:
            raise ValueError("layers: a network needs at least an output layer")
        if len(self.layers) - 1 > MAX_HIDDEN_LAYERS:
            raise ValueError(
                f"layers: at most {MAX_HIDDEN_LAYERS} hidden layers, got {len(self.layers) - 1}"
            )
        for i, layer in enumerate(self.layers):
            if not isinstance(layer.units, int) or not 1 <= layer.units <= MAX_UNITS:
                raise ValueError(
                    f"layers[{i}].units: must be an integer from 1 to {MAX_UNITS}, "
                    f"got {layer.units!r}"
                )
            act = get_activation(layer.activation)
            if act.output_only and i != len(self.layers) - 1:
                raise ValueError(f"layers[{i}].activation: {act.key} is allowed on the output only")
            _check_dropout(layer.dropout, i, i == len(self.layers) - 1)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, inputs first: e.g. (2, 4, 2, 1)."""
        return (self.n_inputs, *(layer.units for layer in self.layers))

    @property
    def depth(self) -> int:
        """Number of weight layers (hidden layers + output)."""
        return len(self.layers)

    @property
    def n_outputs(self) -> int:
        return self.layers[-1].units

    def shapes(self) -> list[tuple[int, int]]:
        """Public weight shapes (n_in, n_out) per layer."""
        s = self.sizes
        return [(s[i], s[i + 1]) for i in range(self.depth)]

    @property
    def n_parameters(self) -> int:
        extra = 1 if self.use_bias else 0
        return sum((n_in + extra) * n_out for n_in, n_out in self.shapes())


def _check_dropout(p: object, i: int, output: bool) -> None:
    """A dropout rate: a number with 0 ≤ p < 1, and 0 on the output layer."""
    if isinstance(p, bool) or not isinstance(p, int | float) or not 0.0 <= p < 1.0:
        raise ValueError(f"layers[{i}].dropout: must be a number at least 0 and below 1 "
                         f"(the share of units dropped), got {p!r}")
    if output and p > 0.0:
        raise ValueError(f"layers[{i}].dropout: the output layer (layer {i + 1}) cannot have "
                         "dropout; it is for hidden layers only")


def parameters_ok(flat: np.ndarray) -> bool:
    """Every parameter in ``flat`` (P,) finite and at most PARAMETER_LIMIT in size. (Max and
    min, not a sum: a sum of finite 1e308s overflows; a NaN makes both comparisons false.)"""
    return bool(flat.max() <= PARAMETER_LIMIT and flat.min() >= -PARAMETER_LIMIT)


class Parameters:
    """All weights and biases in one flat array, with per-layer views.

    ``flat`` is the single source of truth; ``mats[l]`` is the internal (n_out, [1 +] n_in) view,
    ``w_view(l)`` / ``b_view(l)`` its weight and bias parts (still views, internal layout).
    Use ``weights(l)``, ``biases(l)`` and ``set_layer`` for the public (n_in, n_out) convention.
    """

    def __init__(self, spec: NetworkSpec, flat: np.ndarray | None = None) -> None:
        self.spec = spec
        n = spec.n_parameters
        if flat is None:
            flat = np.zeros(n)
        if flat.shape != (n,) or flat.dtype != np.float64:
            raise ValueError(f"flat parameters must be float64 of shape ({n},)")
        self.flat = flat
        self.mats: list[np.ndarray] = []
        self.weight_mask = np.zeros(n)
        """1.0 where ``flat`` holds a weight, 0.0 for a bias (regularisation skips biases)."""
        offset = 0
        extra = 1 if spec.use_bias else 0
        for n_in, n_out in spec.shapes():
            size = n_out * (n_in + extra)
            mat = flat[offset : offset + size].reshape(n_out, n_in + extra)
            self.mats.append(mat)
            self.weight_mask[offset : offset + size].reshape(n_out, n_in + extra)[:, extra:] = 1.0
            offset += size

    # -- internal views ----------------------------------------------------------------------
    def w_view(self, layer: int) -> np.ndarray:
        """The weights of a layer as a (n_out, n_in) view (the transpose of the public W)."""
        return self.mats[layer][:, 1:] if self.spec.use_bias else self.mats[layer]

    def b_view(self, layer: int) -> np.ndarray | None:
        """The biases of a layer as an (n_out,) view, or None without biases."""
        return self.mats[layer][:, 0] if self.spec.use_bias else None

    # -- public convention -------------------------------------------------------------------
    def weights(self, layer: int) -> np.ndarray:
        """W of layer ``layer`` as a new (n_in, n_out) array."""
        return self.w_view(layer).T.copy()

    def biases(self, layer: int) -> np.ndarray | None:
        """b of layer ``layer`` as a new (n_out,) array, or None when the network has no biases."""
        b = self.b_view(layer)
        return None if b is None else b.copy()

    def as_list(self) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """[(W, b), ...] copies in the public convention."""
        return [(self.weights(i), self.biases(i)) for i in range(self.spec.depth)]

    def set_layer(self, layer: int, w: np.ndarray, b: np.ndarray | None) -> None:
        """Write one layer's W (n_in, n_out) and b (n_out,) after checking shapes and values."""
        w, b = _checked_layer(self.spec, layer, w, b)
        self._write_layer(layer, w, b)

    def set_all(self, layers: Sequence[tuple[np.ndarray, np.ndarray | None]]) -> None:
        """Replace every layer at once; nothing changes unless every layer is valid."""
        if len(layers) != self.spec.depth:
            raise ValueError(
                f"expected parameters for {self.spec.depth} layers, got {len(layers)}"
            )
        checked = [_checked_layer(self.spec, i, w, b) for i, (w, b) in enumerate(layers)]
        for i, (w, b) in enumerate(checked):
            self._write_layer(i, w, b)

    def _write_layer(self, layer: int, w: np.ndarray, b: np.ndarray | None) -> None:
        """Write checked W (n_in, n_out) and b (n_out,) (``b`` is None exactly without biases)."""
        self.w_view(layer)[:] = w.T
        bias = self.b_view(layer)
        if b is not None and bias is not None:
            bias[:] = b

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Set the weight from unit i (of the layer's input) to unit j (of its output)."""
        n_in, n_out = self._layer_shape(layer)
        if not (0 <= i < n_in and 0 <= j < n_out):
            raise ValueError(f"layer {layer}: no weight from unit {i} to unit {j}")
        self.w_view(layer)[j, i] = _finite(value, f"layers[{layer}].W[{i}][{j}]")

    def set_bias(self, layer: int, j: int, value: float) -> None:
        """Set the bias of unit j of a layer."""
        if not self.spec.use_bias:
            raise ValueError("this network has no biases")
        n_out = self._layer_shape(layer)[1]
        if not 0 <= j < n_out:
            raise ValueError(f"layer {layer}: no unit {j}")
        self.mats[layer][j, 0] = _finite(value, f"layers[{layer}].b[{j}]")

    def copy(self) -> Parameters:
        return Parameters(self.spec, self.flat.copy())

    def _layer_shape(self, layer: int) -> tuple[int, int]:
        if not 0 <= layer < self.spec.depth:
            raise ValueError(f"no layer {layer}; the network has layers 0..{self.spec.depth - 1}")
        return self.spec.shapes()[layer]


def forward_pass(params: Parameters, features: np.ndarray,
                 dropout: Mapping[int, np.ndarray] | None = None,
                 ) -> list[tuple[np.ndarray, np.ndarray]]:
    """The readable forward pass (the notebooks' form, not the precompiled one) on feature rows
    (N, n_in): [(z, a), ...] per layer, each (N, n_l). Without ``dropout`` it is the
    evaluation network (no dropout); with {layer (1-based): (N, n_l) mask × 1/(1 − p)} those
    layers' activations are multiplied by the given masks (a training step's, held fixed)."""
    out = []
    a = np.asarray(features, dtype=np.float64)
    for i, layer in enumerate(params.spec.layers):
        w, b = params.weights(i), params.biases(i)
        z = a @ w if b is None else a @ w + b
        a = get_activation(layer.activation).apply(z)
        if dropout is not None and i + 1 in dropout:
            a = a * dropout[i + 1]
        out.append((z, a))
    return out


def _finite(value: float, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: not a number: {value!r}") from None
    if not np.isfinite(v):
        raise ValueError(f"{name}: must be finite, got {v}")
    return v


def _checked_layer(
    spec: NetworkSpec, layer: int, w: np.ndarray, b: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    n_in, n_out = spec.shapes()[layer]
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (n_in, n_out):
        raise ValueError(f"layers[{layer}].W: expected shape ({n_in}, {n_out}), got {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"layers[{layer}].W: contains NaN or Inf")
    if spec.use_bias:
        if b is None:
            raise ValueError(f"layers[{layer}].b: missing (the network has biases)")
        b = np.asarray(b, dtype=np.float64).reshape(-1)
        if b.shape != (n_out,):
            raise ValueError(f"layers[{layer}].b: expected shape ({n_out},), got {b.shape}")
        if not np.all(np.isfinite(b)):
            raise ValueError(f"layers[{layer}].b: contains NaN or Inf")
    else:
        b = None
    return w, b
