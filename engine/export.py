"""Trained weights out of the playground, in formats other tools open.

* NPZ: keys ``layer_{l}/W`` (n_in, n_out) and ``layer_{l}/b`` (n_out,), l = 1 … L as in the
  formulas (W¹ is ``layer_1/W``), plus ``metadata``: a JSON string (architecture, activations,
  loss, features). It loads with ``numpy.load(path, allow_pickle=False)``.
* JSON: the same content, human-readable, weights as nested lists.
* ONNX (needs the optional ``onnx`` package): a float64 graph of MatMul, Add and activation
  nodes whose input ``features`` is [N, n_features] — the *features* (x1, x2, x1² …), not the
  raw inputs — and whose output is ``output`` [N, K]. See ``engine.onnx_export``.
* PY: a standalone Python script that needs only NumPy, computes the features from raw inputs
  and runs the network exactly as the engine does. See ``engine.standalone``.
* CSV: every W and b as labelled blocks (``# layer 1 W (2x4)`` then its rows), for
  spreadsheets.

``history_to_csv`` and ``dataset_to_csv`` give the loss history and the data as CSV text.
Floats are written with Python's shortest round-tripping repr, so every number reads back
exactly. Files are written atomically: a failed export never leaves half a file behind.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.fileio import atomic_write_bytes, atomic_write_text
from engine.io.formats import WEIGHTS_CONVENTION as CONVENTION
from engine.io.formats import WEIGHTS_FORMAT, WEIGHTS_VERSION

if TYPE_CHECKING:
    from engine.trainer import Trainer

EXPORT_FORMATS = ("npz", "json", "onnx", "py", "csv")
EXPORT_SUFFIXES = {"npz": ".npz", "json": ".json", "onnx": ".onnx", "py": ".py", "csv": ".csv"}
"""The usual file-name suffix of each export format (for save dialogs)."""


class ExportError(ValueError):
    """Weights that cannot be exported (e.g. NaN after a manual edit); one-line message."""


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
        "convention": CONVENTION,
    }


def finite_layers(trainer: Trainer) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """The public (W, b) list, refusing NaN or Inf (nothing could read such a file back)."""
    layers = trainer.params.as_list()
    for l, (w, b) in enumerate(layers, start=1):
        for name, arr in (("W", w), ("b", b)):
            if arr is not None and not np.all(np.isfinite(arr)):
                raise ExportError(f"cannot export: layer {l} {name} contains NaN or Inf")
    return layers


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
    np.savez(buf, **arrays)
    return buf.getvalue()


def _num(v: float) -> str:
    """A float as CSV text that reads back to the same double ('' for NaN)."""
    v = float(v)
    return "" if math.isnan(v) else repr(v)


def weights_to_csv_text(trainer: Trainer) -> str:
    """Every layer's W and b as labelled blocks, one matrix row per line.

    Comment lines start with ``#`` and contain no commas, so a spreadsheet shows each label
    in a single cell above its numbers.
    """
    meta = weights_metadata(trainer)
    lines = [
        "# Backprop Playground weights",
        "# architecture {}; activations {}; biases {}; features {}; loss {}; epoch {}".format(
            "-".join(str(n) for n in meta["architecture"]),
            "/".join(meta["activations"]),
            "yes" if meta["use_bias"] else "no",
            "/".join(meta["features"]),
            meta["loss"],
            meta["epoch"],
        ),
        "# z = a_prev @ W + b; row i of W is input unit i and column j is unit j of the layer",
    ]
    for l, (w, b) in enumerate(finite_layers(trainer), start=1):
        lines.append("")
        lines.append(f"# layer {l} W ({w.shape[0]}x{w.shape[1]})")
        lines.extend(",".join(_num(v) for v in row) for row in w)
        if b is not None:
            lines.append(f"# layer {l} b ({b.shape[0]})")
            lines.append(",".join(_num(v) for v in b))
    return "\n".join(lines) + "\n"


def history_to_csv(trainer: Trainer) -> str:
    """The loss history as CSV: epoch,train_loss,test_loss,train_accuracy,test_accuracy.

    A value that does not apply (no test set, accuracy in regression) is an empty cell.
    """
    from engine.history import COLUMNS

    arrays = trainer.history.as_arrays()
    lines = [",".join(("epoch", *COLUMNS))]
    for k, epoch in enumerate(arrays["epoch"]):
        lines.append(",".join([str(int(epoch)), *(_num(arrays[c][k]) for c in COLUMNS)]))
    return "\n".join(lines) + "\n"


def dataset_to_csv(trainer: Trainer) -> str:
    """The data as CSV: x1[,x2], then label (classification) or target (regression), then
    split (train or test), one row per sample in the data set's order."""
    ds = trainer.dataset
    names = ["x1", "x2"][: ds.n_inputs]
    label = "label" if ds.task == "classification" else "target"
    in_train = np.zeros(ds.n_samples, dtype=bool)
    in_train[trainer.train_idx] = True
    lines = [",".join([*names, label, "split"])]
    for i in range(ds.n_samples):
        y = str(int(ds.y[i])) if ds.task == "classification" else _num(ds.y[i])
        cells = [*(_num(v) for v in ds.x[i]), y, "train" if in_train[i] else "test"]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def export_weights(trainer: Trainer, fmt: str, path: str | Path) -> None:
    """Write the current weights as ``fmt`` (one of ``EXPORT_FORMATS``) to ``path``, atomically.

    Raises ExportError for weights that cannot be exported, OSError when writing fails and,
    for ONNX without the onnx package, ``engine.onnx_export.OnnxUnavailableError``.
    """
    if fmt == "npz":
        atomic_write_bytes(path, weights_to_npz_bytes(trainer))
    elif fmt == "json":
        atomic_write_text(path, weights_to_json_text(trainer))
    elif fmt == "onnx":
        from engine.onnx_export import weights_to_onnx_bytes

        atomic_write_bytes(path, weights_to_onnx_bytes(trainer))
    elif fmt == "py":
        from engine.standalone import standalone_script

        atomic_write_text(path, standalone_script(trainer))
    elif fmt == "csv":
        atomic_write_text(path, weights_to_csv_text(trainer))
    else:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
