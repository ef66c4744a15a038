"""Weights into the playground: read our NPZ, JSON, ONNX or safetensors export back, checked
thoroughly, and put them to use.

The usual import path; the code lives in ``engine.io``: ``weights_file`` (recognising the
format, size limits), ``weights_npz``, ``weights_json``, ``weights_onnx`` and
``weights_safetensors`` (one reader per format), ``weights_meta`` (the metadata they share)
and ``weights`` (ImportedWeights and using it: check_compatible, apply_weights,
scenario_for_weights, with_start_weights).
"""

from __future__ import annotations

from engine.io.formats import WEIGHTS_SOURCE_FORMATS as SOURCE_FORMATS
from engine.io.weights import (
    ImportedWeights,
    Layers,
    WeightsError,
    apply_weights,
    check_compatible,
    scenario_for_weights,
    with_start_weights,
)
from engine.io.weights_file import MAX_WEIGHTS_BYTES, parse_weights_bytes, read_weights
from engine.io.weights_npz import MAX_NPZ_MEMBERS, MAX_UNPACKED_BYTES

__all__ = [
    "MAX_NPZ_MEMBERS",
    "MAX_UNPACKED_BYTES",
    "MAX_WEIGHTS_BYTES",
    "SOURCE_FORMATS",
    "ImportedWeights",
    "Layers",
    "WeightsError",
    "apply_weights",
    "check_compatible",
    "parse_weights_bytes",
    "read_weights",
    "scenario_for_weights",
    "with_start_weights",
]
