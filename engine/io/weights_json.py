"""Reading a JSON weights export: the metadata fields and ``layers``, one {"W", "b"} per layer.

    {"format": "backprop-playground-weights", "version": 1, …metadata…,
     "layers": [{"W": [[…], …], "b": […] | null}, …]}

The bytes are read with the strict reader (engine.io.jsonread), so NaN, Infinity, numbers
beyond the float range and duplicate keys are refused naming their place.
"""

from __future__ import annotations

from engine.io.jsonread import read_json
from engine.io.validate import Fields, as_object
from engine.io.weights import ImportedWeights, WeightsError
from engine.io.weights_meta import FoundLayer, assemble, read_meta


def read_json_weights(data: bytes, name: str) -> ImportedWeights:
    """A JSON weights export from its bytes; WeightsError starting with ``name`` otherwise."""
    try:
        doc = read_json(data, name, "weights file")
    except ValueError as e:
        raise WeightsError(str(e)) from None
    try:
        meta = read_meta(doc, "")
        raw = Fields(doc).items("layers", what="a non-empty list of layers")
        if not raw:
            raise WeightsError("layers: expected a non-empty list of layers, got an empty list")
        if len(raw) != meta.depth:  # before reading any array
            raise WeightsError(f"the file has {len(raw)} weight layers, but its architecture "
                               f"{meta.arch} has {meta.depth}")
        found = []
        for i, layer in enumerate(raw):
            fields = Fields(as_object(layer, f"layers[{i}]", "an object with W and b"),
                            f"layers[{i}]")
            w = fields.array("W", ndim=2) if fields.has("W") else None
            b = fields.array("b", ndim=1) if fields.has("b") else None
            found.append(FoundLayer(w, b, fields.at("W"), fields.at("b")))
        return assemble(meta, found, "json")
    except ValueError as e:
        raise WeightsError(f"{name}: {e}") from None
