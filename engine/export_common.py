"""What every export format shares: the weights format constants, the metadata a reader needs
to rebuild the network, and the finite (W, b) list.

Each file format has its own module that reads only this one (``engine.weights_export`` for
NPZ and JSON, ``engine.onnx_export``, ``engine.standalone`` for the NumPy script,
``engine.csv_export``); ``engine.export`` is the front door that picks one by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from engine.trainer import Trainer

from engine.io.formats import WEIGHTS_CONVENTION as CONVENTION
from engine.io.formats import WEIGHTS_FORMAT, WEIGHTS_VERSION

__all__ = ["CONVENTION", "WEIGHTS_FORMAT", "WEIGHTS_VERSION", "ExportError", "finite_layers",
           "weights_metadata"]


class ExportError(ValueError):
    """Weights that cannot be exported (e.g. NaN after a manual edit); one-line message."""


def weights_metadata(trainer: Trainer) -> dict[str, Any]:
    """What a reader needs to rebuild the network around the weights: architecture,
    activations, loss, features (with their names when the data has a header) and, when the
    inputs are standardised, ``normalization`` {"mean": [n₀], "std": [n₀]}: the network reads
    (features − mean) / std; with dropout, ``dropout`` (the rate of each hidden layer)."""
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
        **({"input_names": list(names)} if (names := _names(trainer)) else {}),
        **({"normalization": trainer.split.scaling.as_dict()} if trainer.split.scaling else {}),
        "epoch": trainer.epoch,
        "convention": CONVENTION,
        **_dropout(trainer),
    }


def _dropout(trainer: Trainer) -> dict[str, Any]:
    """With dropout, its rates per hidden layer and a note: the exported network is the
    evaluation network (dropout is a training-time device; nothing is dropped at inference)."""
    rates = [layer.dropout for layer in trainer.spec.layers[:-1]]
    if not any(rates):
        return {}
    return {"dropout": rates,
            "dropout_note": "trained with inverted dropout (these rates per hidden layer); "
                            "the weights are used as they are, with no dropout"}


def _names(trainer: Trainer) -> tuple[str, ...]:
    """The features' names from the data's header, when they are not x1, x2, …"""
    from engine.features import feature_label, raw_index

    names = trainer.dataset.input_names
    feats = trainer.scenario.data.features
    if all(raw_index(k) is not None and feature_label(k, names) == feature_label(k)
           for k in feats):
        return ()
    return tuple(feature_label(k, names) for k in feats)


def finite_layers(trainer: Trainer) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """The public (W, b) list, W (n_in, n_out) and b (n_out,), refusing NaN or Inf (nothing
    could read such a file back)."""
    layers = trainer.params.as_list()
    for l, (w, b) in enumerate(layers, start=1):
        for name, arr in (("W", w), ("b", b)):
            if arr is not None and not np.all(np.isfinite(arr)):
                raise ExportError(f"cannot export: layer {l} {name} contains NaN or Inf")
    return layers
