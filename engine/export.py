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
  gives the loss history and the data as CSV text: ``history_to_csv``, ``dataset_to_csv``);
* TORCH: one Python file that builds the network as ``torch.nn.Sequential`` with the trained
  weights and trains it as the app does (``engine.torch_export``); with ``weights_beside`` its
  weights go to NAME.safetensors beside it, and large training data to NAME_data.npz;
* SAFETENSORS: the weights as that Sequential's state_dict, the metadata in the header
  (``engine.safetensors_export``).

Files are written atomically: a failed export never leaves half a file behind. A PyTorch
export with files beside the script writes them first, the script last.
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
from engine.safetensors_export import weights_to_safetensors_bytes
from engine.standalone import standalone_script
from engine.torch_export import torch_export_files
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

EXPORT_FORMATS = ("npz", "json", "onnx", "py", "csv", "torch", "safetensors")
EXPORT_SUFFIXES = {"npz": ".npz", "json": ".json", "onnx": ".onnx", "py": ".py", "csv": ".csv",
                   "torch": ".py", "safetensors": ".safetensors"}
"""The usual file-name suffix of each export format (for save dialogs)."""


def export_weights(trainer: Trainer, fmt: str, path: str | Path,
                   weights_beside: bool = False) -> list[Path]:
    """Write the current weights as ``fmt`` (one of ``EXPORT_FORMATS``) to ``path``, atomically,
    and return the files written (``path`` last; a PyTorch export may write files beside it).
    ``weights_beside``: the PyTorch script reads its weights from NAME.safetensors.

    Raises ExportError for weights that cannot be exported, OSError when writing fails and,
    for ONNX without the onnx package, ``engine.onnx_export.OnnxUnavailableError``.
    """
    if fmt == "torch":
        files = torch_export_files(trainer, path, weights_beside)
        for target, data in files:
            atomic_write_bytes(target, data)
        return [target for target, _ in files]
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
    elif fmt == "safetensors":
        atomic_write_bytes(path, weights_to_safetensors_bytes(trainer))
    else:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    return [Path(path)]
