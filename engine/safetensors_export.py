"""safetensors export: the weights as the state_dict of the ``torch.nn.Sequential`` that
``engine.torch_export`` writes, so ``model.load_state_dict(safetensors.torch.load_file(path))``
loads them, and the app's metadata in the header's ``__metadata__``.

Tensors (float64), for layer l = 1 … L (the Sequential alternates Linear and activation
modules, so layer l is module 2(l − 1))::

    "0.weight"  (n_out, n_in)   PyTorch's layout: the app's W¹ transposed
    "0.bias"    (n_out,)        (only with biases)
    "2.weight", "2.bias", …

``__metadata__`` (strings only, as the format demands): ``format``, ``loss`` and
``reduction`` as plain text; ``version``, ``architecture``, ``activations``, ``use_bias``,
``features``, ``epoch`` and, when they apply, ``input_names`` and ``normalization``
({"mean": [...], "std": [...]}: the network reads (features − mean) / std) as JSON text; and
``layout``, a sentence describing the keys. ``engine.io.weights_safetensors`` reads it back.

Written with the safetensors package's NumPy API (``safetensors.numpy.save``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from engine.export_common import finite_layers, weights_metadata
from engine.io.formats import SAFETENSORS_JSON_FIELDS, SAFETENSORS_LAYOUT, SAFETENSORS_TEXT_FIELDS

if TYPE_CHECKING:
    from engine.trainer import Trainer

SAFETENSORS_MISSING = ("safetensors export needs the safetensors package: "
                       ".venv/bin/pip install safetensors")


def module_index(layer: int) -> int:
    """The Sequential's index of layer ``layer``'s Linear module (``layer`` 1-based)."""
    return 2 * (layer - 1)


def state_dict_arrays(trainer: Trainer) -> dict[str, np.ndarray]:
    """``{"0.weight": (n_out, n_in), "0.bias": (n_out,), "2.weight": …}`` as contiguous float64
    arrays in PyTorch's layout (refusing NaN and Inf, as every export does)."""
    out: dict[str, np.ndarray] = {}
    for l, (w, b) in enumerate(finite_layers(trainer), start=1):
        i = module_index(l)
        out[f"{i}.weight"] = np.ascontiguousarray(w.T, dtype=np.float64)
        if b is not None:
            out[f"{i}.bias"] = np.ascontiguousarray(b, dtype=np.float64)
    return out


def safetensors_metadata(trainer: Trainer) -> dict[str, str]:
    """The header's ``__metadata__``: the weights metadata, each field as a string."""
    meta = weights_metadata(trainer)
    out = {key: str(meta[key]) for key in SAFETENSORS_TEXT_FIELDS if key in meta}
    out.update({key: json.dumps(meta[key], allow_nan=False) for key in SAFETENSORS_JSON_FIELDS
                if key in meta})
    out["layout"] = SAFETENSORS_LAYOUT
    return out


def weights_to_safetensors_bytes(trainer: Trainer) -> bytes:
    """The whole safetensors file."""
    arrays = state_dict_arrays(trainer)
    metadata = safetensors_metadata(trainer)
    try:
        from safetensors.numpy import save
    except ImportError:
        from engine.export_common import ExportError

        raise ExportError(SAFETENSORS_MISSING) from None
    return bytes(save(arrays, metadata=metadata))
