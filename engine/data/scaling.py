"""Standardisation of the network's inputs: each feature minus its mean, over its standard
deviation, both measured on the training split (as scikit-learn's ``StandardScaler`` does).

Wide real data (Iris in centimetres, digits in 0..16 ink counts) trains badly from raw values
with the playground's small initial weights; standardised, the same network trains in seconds.
The statistics belong to the trained model: exports apply them inside (NPZ/JSON metadata, the
ONNX graph, the standalone script), so an exported model takes the raw features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Scaling:
    """x' = (x − mean) / scale per feature column; ``mean`` and ``scale`` are (n₀,) float64,
    read-only. A column that is constant on the training split gets scale 1 (it becomes 0)."""

    mean: np.ndarray
    scale: np.ndarray

    def __post_init__(self) -> None:
        mean = np.array(self.mean, dtype=np.float64).reshape(-1)
        scale = np.array(self.scale, dtype=np.float64).reshape(-1)
        if mean.shape != scale.shape:
            raise ValueError(f"scaling: {mean.size} means but {scale.size} scales")
        if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(scale))):
            raise ValueError("scaling: the means and scales must be finite")
        if np.any(scale <= 0):
            raise ValueError("scaling: every scale must be positive")
        mean.flags.writeable = False
        scale.flags.writeable = False
        object.__setattr__(self, "mean", mean)
        object.__setattr__(self, "scale", scale)

    @classmethod
    def fit(cls, rows: np.ndarray) -> Scaling:
        """Statistics of training rows (N_tr, n₀): the mean and the population standard
        deviation (ddof 0, as StandardScaler) of each column."""
        rows = np.asarray(rows, dtype=np.float64)
        mean = rows.mean(axis=0)
        std = rows.std(axis=0)
        # A (nearly) constant column would divide rounding noise by ~0: leave it unscaled.
        tiny = std <= 1e-12 * np.maximum(1.0, np.abs(mean))
        return cls(mean, np.where(tiny, 1.0, std))

    @property
    def width(self) -> int:
        return int(self.mean.size)

    def apply(self, rows: np.ndarray) -> np.ndarray:
        """Standardised copy of feature rows (N, n₀)."""
        return (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale

    def as_tuples(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """(means, deviations) as a scenario's ``input_scaling`` holds them."""
        return tuple(self.mean.tolist()), tuple(self.scale.tolist())

    def matches(self, other: Scaling | None) -> bool:
        """The same statistics, to rounding (1e-12 relative)."""
        return other is not None and self.width == other.width and bool(
            np.allclose(self.mean, other.mean, rtol=1e-12, atol=0)
            and np.allclose(self.scale, other.scale, rtol=1e-12, atol=0))

    def as_dict(self) -> dict[str, list[float]]:
        """The JSON form exports store: ``{"mean": [...], "std": [...]}``."""
        return {"mean": self.mean.tolist(), "std": self.scale.tolist()}
