"""Inverted dropout for hidden layers, drawn so that a run repeats bit for bit.

During a training step each unit of a hidden layer with dropout rate p is kept with
probability 1 − p; kept activations are scaled by 1/(1 − p), so their expected value is the
activation without dropout: aˡ = f(zˡ) ⊙ mˡ / (1 − p), mˡ ∈ {0, 1}. The backward pass
multiplies δˡ by the same factor. Evaluation (loss and accuracy records, maps, exports,
predictions) never drops anything: dropout lives in the training step program only.

Masks are keyed, not streamed: the mask of a step depends only on the training seed
(``TrainSpec.seed``) and the step's position (epoch, minibatch index), through a counter-based
generator (Philox) whose counter is set before each draw. So stepping back, undoing, a
checkpoint's restore or a rollback's replay draws exactly the masks the step had before, and
two runs with the same seed are identical. A network without dropout has no mask buffers and
no calls: p = 0 costs nothing and equals no dropout bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from engine.network import NetworkSpec

DROPOUT_CHOICES = (0.0, 0.1, 0.2, 0.3, 0.5)
"""The rates the window offers (any 0 ≤ p < 1 works in files, the CLI and scripts)."""
_STREAM = 0x44524F50  # "DROP": keeps the masks' random numbers apart from other draws
_EXTRA = 1
"""Counter word marking an extra step (a traced chosen sample), apart from regular steps."""


@dataclass
class MaskClock:
    """Which step the next masks belong to: the training ``seed`` is fixed; ``epoch`` and
    ``index`` (the minibatch within the epoch) are moved by the epoch program as it loads
    each minibatch. ``extra`` marks an extra step on chosen samples."""

    seed: int
    epoch: int = 0
    index: int = 0
    extra: bool = False


def has_dropout(spec: NetworkSpec) -> bool:
    return any(layer.dropout > 0.0 for layer in spec.layers)


def dropout_layers(spec: NetworkSpec) -> tuple[int, ...]:
    """The 1-based layers with dropout (hidden layers only)."""
    return tuple(l for l, layer in enumerate(spec.layers, start=1) if layer.dropout > 0.0)


def keep_scale(p: float) -> float:
    """1/(1 − p): the factor a kept unit's activation is multiplied by."""
    return 1.0 / (1.0 - p)


def parse_rates(text: str, n_hidden: int) -> tuple[float, ...]:
    """The CLI's ``--dropout``: one rate for every hidden layer ("0.2") or one per hidden layer
    ("0.2,0.1"); ValueError with one line naming the problem."""
    parts = [part.strip() for part in str(text).split(",")]
    try:
        rates = [float(part) for part in parts]
    except ValueError:
        raise ValueError(f"--dropout: expected numbers such as 0.2 or 0.2,0.1, got "
                         f"{str(text)[:40]!r}") from None
    for p in rates:
        if not 0.0 <= p < 1.0:
            raise ValueError(f"--dropout: a rate must be at least 0 and below 1, got {p:g}")
    if n_hidden == 0:
        raise ValueError("--dropout: this network has no hidden layer (dropout is for hidden "
                         "layers only)")
    if len(rates) == 1:
        return tuple(rates) * n_hidden
    if len(rates) != n_hidden:
        raise ValueError(f"--dropout: {len(rates)} rates for {n_hidden} hidden layer"
                         f"{'s' * (n_hidden != 1)}; give one rate, or one per hidden layer "
                         "(the output layer has no dropout)")
    return tuple(rates)


class DropoutMasks:
    """The masks of one step program on batches of ``batch`` samples.

    ``scaled[l]`` is layer l's mask times its keep scale, (n_l, B) in the program's layout
    (units as rows): 1/(1 − p) where a unit is kept, 0 where it is dropped. ``draw`` fills
    every layer's at once (four NumPy calls whatever the depth); after ``fix`` the masks
    stay as given (the gradient check holds a step's masks fixed).
    """

    def __init__(self, spec: NetworkSpec, batch: int, clock: MaskClock) -> None:
        self.layers = dropout_layers(spec)
        self.rates = {l: spec.layers[l - 1].dropout for l in self.layers}
        rows = [spec.layers[l - 1].units for l in self.layers]
        total = sum(rows)
        self.uniform = np.empty((total, batch))
        self.stack = np.empty((total, batch))
        self.threshold = np.empty((total, 1))
        self.scale = np.empty((total, 1))
        self.scaled: dict[int, np.ndarray] = {}
        start = 0
        for l, n in zip(self.layers, rows, strict=True):
            self.scaled[l] = self.stack[start : start + n]
            self.threshold[start : start + n] = self.rates[l]
            self.scale[start : start + n] = keep_scale(self.rates[l])
            start += n
        self.clock = clock
        self.fixed = False
        self._key = np.array([clock.seed, _STREAM], dtype=np.uint64)
        self._counter = np.zeros(4, dtype=np.uint64)
        self._bits = np.random.Philox(key=self._key)
        self._generator = np.random.Generator(self._bits)

    def draw(self) -> None:
        """Draw this step's masks from the clock's position (a no-op once fixed)."""
        if self.fixed:
            return
        clock, counter = self.clock, self._counter
        counter[1], counter[2], counter[3] = clock.index, clock.epoch, _EXTRA * clock.extra
        self._bits.state = {"bit_generator": "Philox",
                            "state": {"counter": counter, "key": self._key},
                            "buffer": np.zeros(4, dtype=np.uint64), "buffer_pos": 4,
                            "has_uint32": 0, "uinteger": 0}
        self._generator.random(out=self.uniform)
        np.greater_equal(self.uniform, self.threshold, out=self.stack)  # 1.0: kept
        np.multiply(self.stack, self.scale, self.stack)

    def fix(self, scaled_rows: Mapping[int, np.ndarray]) -> None:
        """Hold the masks at ``scaled_rows[l]`` (B, n_l) (mask × keep scale) from now on."""
        for l in self.layers:
            np.copyto(self.scaled[l], np.asarray(scaled_rows[l], dtype=np.float64).T)
        self.fixed = True

    def kept(self, layer: int) -> np.ndarray:
        """(B, n_l) layer's mask as 1.0 (kept) and 0.0 (dropped), in the trace's layout."""
        return (self.scaled[layer] != 0.0).T.astype(np.float64)

    def scaled_rows(self) -> dict[int, np.ndarray]:
        """{layer: (B, n_l) mask × keep scale} copies, as the readable forward pass takes
        them (``engine.network.forward_pass``)."""
        return {l: self.scaled[l].T.copy() for l in self.layers}


def step_masks(spec: NetworkSpec, clock: MaskClock, batch: int) -> dict[int, np.ndarray]:
    """{layer: (B, n_l) mask × keep scale} of the step at ``clock``'s position on ``batch``
    samples: exactly what that step's program draws."""
    masks = DropoutMasks(spec, batch, clock)
    masks.draw()
    return masks.scaled_rows()


def rates_text(rates: Sequence[float]) -> str:
    """"0.2, 0.1" for messages and metadata notes."""
    return ", ".join(f"{p:g}" for p in rates)
