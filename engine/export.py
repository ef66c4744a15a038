"""Trained weights out of the playground, in formats other tools open.

* NPZ: keys ``layer_{l}/W`` (n_in, n_out) and ``layer_{l}/b`` (n_out,), l = 1 … L as in the
  formulas (W¹ is ``layer_1/W``), plus ``metadata``: a JSON string (architecture, activations,
  loss, features). It loads with ``numpy.load(path, allow_pickle=False)``.
* JSON: the same content, human-readable, weights as nested lists.

Files are written atomically: a failed export never leaves half a file behind.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.fileio import atomic_write_bytes, atomic_write_text

if TYPE_CHECKING:
    from engine.trainer import Trainer

WEIGHTS_FORMAT = "backprop-playground-weights"
WEIGHTS_VERSION = 1
EXPORT_FORMATS = ("npz", "json")


def weights_metadata(trainer: Trainer) -> dict[str, Any]:
    """What a reader needs to rebuild the network around the weights."""
    spec = trainer.spec
    s = trainer.scenario
    return {
        "format": WEIGHTS_FORMAT,
        "version": WEIGHTS_VERSION,
        "architecture": list(spec.sizes),
        "activations": [layer.activation for layer in spec.layers],
        "use_bias": spec.use_bias,
        "loss": s.train.loss,
        "reduction": s.train.reduction,
        "features": list(s.data.features),
        "epoch": trainer.epoch,
        "convention": "z = a_prev @ W + b; W has shape (n_in, n_out)",
    }


def weights_to_json_text(trainer: Trainer) -> str:
    doc = weights_metadata(trainer)
    doc["layers"] = [
        {"W": w.tolist(), "b": None if b is None else b.tolist()}
        for w, b in trainer.params.as_list()
    ]
    return json.dumps(doc, indent=1, allow_nan=False) + "\n"


def weights_to_npz_bytes(trainer: Trainer) -> bytes:
    arrays: dict[str, np.ndarray] = {"metadata": np.array(json.dumps(weights_metadata(trainer)))}
    for i, (w, b) in enumerate(trainer.params.as_list(), start=1):
        arrays[f"layer_{i}/W"] = w
        if b is not None:
            arrays[f"layer_{i}/b"] = b
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def export_weights(trainer: Trainer, fmt: str, path: str | Path) -> None:
    """Write the current weights as ``fmt`` (npz or json) to ``path``, atomically."""
    if fmt == "npz":
        atomic_write_bytes(path, weights_to_npz_bytes(trainer))
    elif fmt == "json":
        atomic_write_text(path, weights_to_json_text(trainer))
    else:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
