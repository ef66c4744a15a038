"""Trained weights out of the playground, in formats other tools open: the front door.

``export_weights(trainer, fmt, path)`` writes one of ``EXPORT_FORMATS``; each format lives in
its own module, and all of them read the shared metadata in ``engine.export_common``:

* NPZ and JSON, the playground's own formats (``engine.weights_export``);
* ONNX (needs the optional ``onnx`` package): a float64 graph whose input ``features`` is
  [N, n_features] — the *features* (x1, x2, x1² …), not the raw inputs — and whose output is
  ``output`` [N, K] (``engine.onnx_export``);
* PY: a standalone Python script that needs only NumPy, computes the features from raw inputs
  and runs the network exactly as the engine does (``engine.standalone``);
* CSV: every W and b as labelled blocks, for spreadsheets (``engine.csv_export``, which also
  gives the loss history and the data as CSV text: ``history_to_csv``, ``dataset_to_csv``).

Files are written atomically: a failed export never leaves half a file behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engine.csv_export import dataset_to_csv, history_to_csv, weights_to_csv_text
from engine.export_common import (
    CONVENTION,
    WEIGHTS_FORMAT,
    WEIGHTS_VERSION,
    ExportError,
    finite_layers,
    weights_metadata,
)
from engine.fileio import atomic_write_bytes, atomic_write_text
from engine.onnx_export import weights_to_onnx_bytes
from engine.standalone import standalone_script
from engine.weights_export import weights_to_json_text, weights_to_npz_bytes

if TYPE_CHECKING:
    from engine.trainer import Trainer

__all__ = [
    "CONVENTION",
    "EXPORT_FORMATS",
    "EXPORT_SUFFIXES",
    "WEIGHTS_FORMAT",
    "WEIGHTS_VERSION",
    "ExportError",
    "dataset_to_csv",
    "export_weights",
    "finite_layers",
    "history_to_csv",
    "weights_metadata",
    "weights_to_csv_text",
    "weights_to_json_text",
    "weights_to_npz_bytes",
]

EXPORT_FORMATS = ("npz", "json", "onnx", "py", "csv")
EXPORT_SUFFIXES = {"npz": ".npz", "json": ".json", "onnx": ".onnx", "py": ".py", "csv": ".csv"}
"""The usual file-name suffix of each export format (for save dialogs)."""


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
        atomic_write_bytes(path, weights_to_onnx_bytes(trainer))
    elif fmt == "py":
        atomic_write_text(path, standalone_script(trainer))
    elif fmt == "csv":
        atomic_write_text(path, weights_to_csv_text(trainer))
    else:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
