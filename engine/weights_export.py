"""The playground's own weights formats, which ``engine.importer`` reads back.

* NPZ: keys ``layer_{l}/W`` (n_in, n_out) and ``layer_{l}/b`` (n_out,), l = 1 … L as in the
  formulas (W¹ is ``layer_1/W``), plus ``metadata``: a JSON string (architecture, activations,
  loss, features). It loads with ``numpy.load(path, allow_pickle=False)``.
* JSON: the same content, human-readable, weights as nested lists (shortest round-tripping
  floats, so every number reads back exactly).
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

import numpy as np

from engine.export_common import finite_layers, weights_metadata

if TYPE_CHECKING:
    from engine.trainer import Trainer


def weights_to_json_text(trainer: Trainer) -> str:
    doc = weights_metadata(trainer)
    doc["layers"] = [
        {"W": w.tolist(), "b": None if b is None else b.tolist()} for w, b in finite_layers(trainer)
    ]
    return json.dumps(doc, indent=1, allow_nan=False) + "\n"


def weights_to_npz_bytes(trainer: Trainer) -> bytes:
    arrays: dict[str, np.ndarray] = {"metadata": np.array(json.dumps(weights_metadata(trainer)))}
    for i, (w, b) in enumerate(finite_layers(trainer), start=1):
        arrays[f"layer_{i}/W"] = w
        if b is not None:
            arrays[f"layer_{i}/b"] = b
    buf = io.BytesIO()
    np.savez(buf, **arrays)  # type: ignore[arg-type]  # a **dict could fill a keyword option
    return buf.getvalue()
