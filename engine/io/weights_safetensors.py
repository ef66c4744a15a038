"""Reading a safetensors weights export: the state_dict of the exported ``torch.nn.Sequential``
(``0.weight`` (n_out, n_in), ``0.bias``, ``2.weight`` …) with the app's metadata as strings
in the header's ``__metadata__`` (see ``engine.safetensors_export``).

A safetensors file is an 8-byte little-endian header length, a JSON header naming each
tensor's dtype, shape and byte range, then the data. Everything is checked from the header
before any tensor is made: the header's size (``MAX_HEADER_BYTES``) and JSON (the strict
reader), the metadata (the same checks as every weights format), the tensor count, every key
(a Linear module of the Sequential: an even index within the architecture), every shape
against the architecture, float dtypes only (F64, F32, F16; float32 weights saved from PyTorch
are read too) and byte ranges that match the shapes and lie inside the file. Only then does
``safetensors.numpy.load`` make the arrays, which are checked for NaN and Inf.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from engine.io.formats import (
    APP_NAME,
    SAFETENSORS_JSON_FIELDS,
    SAFETENSORS_TEXT_FIELDS,
    WEIGHTS_FORMAT,
)
from engine.io.jsonread import read_json
from engine.io.validate import FieldError, check_finite, quote, short
from engine.io.weights import ImportedWeights, WeightsError
from engine.io.weights_meta import FoundLayer, WeightsMeta, assemble, read_meta
from engine.network import MAX_HIDDEN_LAYERS

MAX_HEADER_BYTES = 4 * 1024 * 1024
"""Largest safetensors JSON header read (1,024 standardised inputs with long names need
about 200 KB)."""
MAX_TENSORS = 2 * (MAX_HIDDEN_LAYERS + 1)
DTYPES: dict[str, np.dtype] = {"F64": np.dtype("<f8"), "F32": np.dtype("<f4"),
                               "F16": np.dtype("<f2")}
_KEY = re.compile(r"(0|[1-9][0-9]{0,2})\.(weight|bias)")


def looks_like_safetensors(data: bytes) -> bool:
    """The start of a safetensors file: a header length below 2³² (so bytes 4–7 are zero,
    which no text file has) and the header's opening brace."""
    return len(data) >= 9 and data[4:8] == b"\0\0\0\0" and data[8:9] == b"{"


def read_safetensors_weights(data: bytes, name: str) -> ImportedWeights:
    """A safetensors weights export from its bytes; WeightsError starting with ``name``."""
    try:
        header, start = _header(data, name)
        meta = read_meta(_metadata_doc(header.pop("__metadata__", None)), "__metadata__")
        entries = _entries(header, meta, len(data) - start)
    except (WeightsError, FieldError) as e:
        raise WeightsError(f"{name}: {e}") from None
    try:
        from safetensors.numpy import load
    except ImportError:
        raise WeightsError(f"{name}: reading safetensors needs the safetensors package: "
                           ".venv/bin/pip install safetensors") from None
    try:
        arrays = load(bytes(data))
    except Exception as e:  # the library's own checks of a damaged file
        raise WeightsError(f"{name}: not a readable safetensors file (damaged? "
                           f"{short(str(e).splitlines()[0] if str(e) else type(e).__name__)})"
                           ) from None
    try:
        return _layers(meta, entries, arrays)
    except (WeightsError, FieldError) as e:
        raise WeightsError(f"{name}: {e}") from None


def _header(data: bytes, name: str) -> tuple[dict[str, Any], int]:
    """The JSON header as a dict, and where the data starts."""
    n = int.from_bytes(data[:8], "little")
    if n > MAX_HEADER_BYTES:
        raise WeightsError(f"the safetensors header is {n:,} bytes; the limit is "
                           f"{MAX_HEADER_BYTES:,}")
    if 8 + n > len(data):
        raise WeightsError("the header promises more than the file holds (truncated?)")
    try:
        header = read_json(data[8 : 8 + n], "header", "safetensors header")
    except ValueError as e:
        raise WeightsError(f"safetensors {e}") from None
    if not isinstance(header, dict):
        raise WeightsError("the safetensors header is not a JSON object")
    return header, 8 + n


def _metadata_doc(raw: Any) -> dict[str, Any]:
    """The weights metadata from ``__metadata__``'s strings: text fields as they are, JSON
    fields parsed (strictly); other entries (``layout``, notes) are left aside."""
    if raw is None:
        raise WeightsError(f"no __metadata__ (not a {APP_NAME} weights export? expected "
                           f"format {WEIGHTS_FORMAT!r} among its entries)")
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise WeightsError("__metadata__: expected an object of strings")
    doc: dict[str, Any] = {k: raw[k] for k in SAFETENSORS_TEXT_FIELDS if k in raw}
    for key in SAFETENSORS_JSON_FIELDS:
        if key in raw:
            try:
                doc[key] = read_json(raw[key].encode("utf-8", "surrogatepass"),
                                     f"__metadata__.{key}", "JSON value")
            except ValueError as e:
                raise WeightsError(str(e)) from None
    return doc


def _entries(header: dict[str, Any], meta: WeightsMeta,
             data_bytes: int) -> dict[str, tuple[int, str]]:
    """Check every tensor's header entry; returns key → (layer, "weight" or "bias")."""
    if len(header) > MAX_TENSORS:
        raise WeightsError(f"{len(header)} tensors; a weights file has at most {MAX_TENSORS}")
    found: dict[str, tuple[int, str]] = {}
    for key, entry in header.items():
        m = _KEY.fullmatch(key)
        if m is None:
            raise WeightsError(f"unexpected tensor {quote(key)} (expected '<i>.weight' and "
                               "'<i>.bias' of the Sequential's Linear modules 0, 2, 4, …)")
        index, part = int(m.group(1)), m.group(2)
        if index % 2:
            raise WeightsError(f"tensor {quote(key)}: module {index} is an activation; the "
                               "Linear modules are 0, 2, 4, …")
        layer = index // 2 + 1
        if layer > meta.depth:
            raise WeightsError(f"tensor {quote(key)}: the architecture {meta.arch} has only "
                               f"{meta.depth} layers (modules 0 … {2 * meta.depth - 2})")
        n_in, n_out = meta.sizes[layer - 1], meta.sizes[layer]
        expected = (n_out, n_in) if part == "weight" else (n_out,)
        _check_entry(key, entry, expected, meta.arch, data_bytes)
        found[key] = (layer, part)
    return found


def _check_entry(key: str, entry: Any, expected: tuple[int, ...], arch: str,
                 data_bytes: int) -> None:
    what = f"tensor {quote(key)}"
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        raise WeightsError(f"{what}: expected dtype, shape and data_offsets")
    dtype = DTYPES.get(entry["dtype"]) if isinstance(entry["dtype"], str) else None
    if dtype is None:
        raise WeightsError(f"{what}: dtype {quote(entry['dtype'])}; expected floating-point "
                           f"numbers ({', '.join(DTYPES)})")
    shape = entry["shape"]
    if not isinstance(shape, list) or not all(type(n) is int for n in shape):
        raise WeightsError(f"{what}: the shape is not a list of integers")
    if tuple(shape) != expected:
        extra = " (n_out, n_in: PyTorch's layout)" if len(expected) == 2 else ""
        raise WeightsError(f"{what}: expected shape {expected}{extra}, got "
                           f"{short(str(tuple(shape)))} (architecture {arch})")
    offsets = entry["data_offsets"]
    if not (isinstance(offsets, list) and len(offsets) == 2
            and all(type(n) is int for n in offsets)):
        raise WeightsError(f"{what}: data_offsets must be two integers")
    begin, end = offsets
    if not 0 <= begin <= end <= data_bytes or end - begin != math.prod(shape) * dtype.itemsize:
        raise WeightsError(f"{what}: its bytes {begin}…{end} do not fit its shape or lie "
                           "outside the file (damaged?)")


def _layers(meta: WeightsMeta, entries: dict[str, tuple[int, str]],
            arrays: dict[str, np.ndarray]) -> ImportedWeights:
    """The layers in the app's layout (W (n_in, n_out)), checked for NaN and Inf."""
    parts: dict[tuple[int, str], np.ndarray] = {}
    for key, where in entries.items():
        arr = np.asarray(arrays[key]).astype(np.float64)
        check_finite(arr, quote(key))
        parts[where] = arr
    found = []
    for l in range(1, meta.depth + 1):
        i = 2 * (l - 1)
        w = parts.get((l, "weight"))
        found.append(FoundLayer(None if w is None else w.T, parts.get((l, "bias")),
                                quote(f"{i}.weight"), quote(f"{i}.bias")))
    return assemble(meta, found, "safetensors")
