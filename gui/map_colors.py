"""Colouring a decision map the engine computed: class colours, whitened by doubt, and the
discretized (decision-only) view of a one-unit map. Rendering only: no forward pass."""

from __future__ import annotations

import numpy as np

from gui.colors import class_color


def rgba_classes(output: np.ndarray, discrete: bool) -> np.ndarray:
    """(res, res, 4) uint8: each pixel the colour of its winning class, whitened by doubt."""
    winner = np.argmax(output, axis=0)
    palette = np.array([class_color(k) for k in range(output.shape[0])], dtype=np.float32)
    rgb = palette[winner]
    if not discrete:
        confidence = np.max(output, axis=0)
        k = output.shape[0]
        strength = np.clip((confidence - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)[..., None]
        rgb = 255.0 - (255.0 - rgb) * (0.15 + 0.45 * strength)
    else:
        rgb = 255.0 - (255.0 - rgb) * 0.6
    out = np.empty((*winner.shape, 4), dtype=np.uint8)
    out[..., :3] = rgb.astype(np.uint8)
    out[..., 3] = 255
    return out


def discretized(values: np.ndarray, levels: tuple[float, float], regression: bool,
                tf_rules: bool) -> np.ndarray:
    """A one-unit output map (res, res) as its two ends, float32. This app splits a class
    output at the middle of its range (> mid); TensorFlow Playground's rules split any
    problem, regression included, at value ≥ 0 (its outputs are tanh or linear; a
    classification output of another range keeps its middle)."""
    lo, hi = levels
    mid = 0.5 * (lo + hi)
    if tf_rules:
        cut = 0.0 if regression or lo < 0.0 < hi else mid
        high = values >= cut
    else:
        high = values > mid
    return np.where(high, hi, lo).astype(np.float32)
