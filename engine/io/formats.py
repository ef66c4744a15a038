"""Names and versions of every file format the playground writes and reads, in one place.

A reader refuses a file whose format name differs and one whose version is newer than the
version here; writers stamp these values into every file.
"""

from __future__ import annotations

APP_NAME = "Backprop Playground"

WORKSPACE_FORMAT = "backprop-playground-workspace"
"""The ``format`` field of a workspace (a whole training run, JSON)."""
WORKSPACE_SCHEMA_VERSION = 1
"""The newest workspace ``schema_version`` this version writes and reads."""

WEIGHTS_FORMAT = "backprop-playground-weights"
"""The ``format`` field of a weights export (JSON, or the metadata of NPZ and ONNX)."""
WEIGHTS_VERSION = 1
"""The newest weights-export ``version`` this version writes and reads."""
WEIGHTS_CONVENTION = "z = a_prev @ W + b; W has shape (n_in, n_out)"
"""How a weights export's matrices are meant (stamped as ``convention``)."""

WEIGHTS_SOURCE_FORMATS = ("npz", "json", "onnx")
"""The weights exports that can be read back."""

ONNX_METADATA_KEY = "backprop_playground"
"""The ONNX metadata property holding the weights-export metadata as JSON."""
ONNX_INPUT_NAME = "features"
ONNX_OUTPUT_NAME = "output"
"""The graph input and output of an ONNX export."""
