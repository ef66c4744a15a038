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

WEIGHTS_SOURCE_FORMATS = ("npz", "json", "onnx", "safetensors")
"""The weights exports that can be read back."""

ONNX_METADATA_KEY = "backprop_playground"
"""The ONNX metadata property holding the weights-export metadata as JSON."""
ONNX_INPUT_NAME = "features"
ONNX_OUTPUT_NAME = "output"
"""The graph input and output of an ONNX export."""

SAFETENSORS_LAYOUT = ("torch.nn.Sequential state_dict: layer l (1-based) is the Linear module "
                      "2(l-1), '<2(l-1)>.weight' (n_out, n_in) and '<2(l-1)>.bias' (n_out,); "
                      "its activation is module 2l-1")
"""The ``layout`` entry of a safetensors export's ``__metadata__`` (for readers; not checked)."""
SAFETENSORS_TEXT_FIELDS = ("format", "loss", "reduction")
"""Weights-metadata fields a safetensors ``__metadata__`` holds as the plain string…"""
SAFETENSORS_JSON_FIELDS = ("version", "architecture", "activations", "use_bias", "features",
                           "epoch", "input_names", "normalization")
"""…and those it holds as JSON text (``__metadata__`` maps strings to strings)."""
