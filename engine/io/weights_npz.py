"""Reading an NPZ weights export: a zip of .npy arrays, ``metadata`` (the JSON metadata as a
0-d string) and ``layer_<l>/W``, ``layer_<l>/b`` for l = 1, 2, ….

Nothing is unpacked before its header is checked: at most ``MAX_NPZ_MEMBERS`` members,
``MAX_UNPACKED_BYTES`` in all (counted as float64, the type they become), no Python objects
(NumPy reads with ``allow_pickle=False``), headers that do not promise more data than the
archive holds, and each array of exactly the shape the metadata's architecture gives it (so no
array is larger than the largest layer the engine allows).
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import numpy as np

from engine.fileio import format_size
from engine.io.formats import APP_NAME
from engine.io.validate import FieldError, check_finite, quote
from engine.io.weights import ImportedWeights, WeightsError
from engine.io.weights_meta import FoundLayer, assemble, parse_meta_text, read_meta
from engine.network import MAX_HIDDEN_LAYERS

MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""Largest total of the arrays inside an NPZ once unpacked as float64 (a zip can hide a lot)."""
MAX_NPZ_MEMBERS = 2 * (MAX_HIDDEN_LAYERS + 1) + 1

_NPZ_KEY = re.compile(r"layer_([1-9][0-9]{0,2})/(W|b)")


def _npz_header(npz: Any, key: str, info: Any) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype of one member from its header, before any data is read."""
    with npz.zip.open(info) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise WeightsError(f"{key}: unsupported .npy version {version}")
    if dtype.hasobject:
        raise WeightsError(f"{key}: holds Python objects, not numbers (refused: only plain "
                           "numeric arrays are read)")
    if key == "metadata":
        if dtype.kind != "U" or shape != ():
            raise WeightsError(f"metadata: expected a JSON string, got dtype {dtype.str} "
                               f"and shape {shape}")
    elif dtype.kind not in "fiu":
        raise WeightsError(f"{key}: expected numbers, got dtype {dtype.str}")
    if math.prod(shape) * dtype.itemsize > info.file_size:
        raise WeightsError(f"{key}: the header promises more data than the file holds "
                           "(damaged?)")
    return shape, dtype


def read_npz_weights(data: bytes, name: str) -> ImportedWeights:
    """An NPZ weights export from its bytes; WeightsError starting with ``name`` otherwise."""
    try:
        return _read_npz_checked(data)
    except (WeightsError, FieldError) as e:
        raise WeightsError(f"{name}: {e}") from None
    except Exception as e:  # a damaged archive can fail anywhere inside zipfile/zlib/NumPy
        raise WeightsError(f"{name}: not a readable NPZ archive (damaged or truncated? "
                           f"{type(e).__name__})") from None


def _members(npz: Any) -> dict[str, tuple[Any, tuple[int, ...]]]:
    """The archive's members by key, with the shape each header declares, refusing too many,
    too big or unexpected ones."""
    infos = npz.zip.infolist()
    if len(infos) > MAX_NPZ_MEMBERS:
        raise WeightsError(f"{len(infos)} arrays; a weights file has at most "
                           f"{MAX_NPZ_MEMBERS}")
    _check_unpacked(sum(i.file_size for i in infos))
    members: dict[str, Any] = {}
    for info in infos:
        if not info.filename.endswith(".npy"):
            raise WeightsError(f"unexpected member {quote(info.filename)} (not a .npy array)")
        key = info.filename[:-4]
        if key != "metadata" and not _NPZ_KEY.fullmatch(key):
            raise WeightsError(f"unexpected array {quote(key)} (expected metadata and "
                               "layer_<l>/W, layer_<l>/b)")
        members[key] = info
    if not members:
        raise WeightsError("the archive holds no arrays")
    if "metadata" not in members:
        raise WeightsError(f"metadata: missing (not a {APP_NAME} weights export?)")
    as_float64 = 0
    shapes: dict[str, tuple[Any, tuple[int, ...]]] = {}
    for key, info in members.items():
        shape, _ = _npz_header(npz, key, info)
        shapes[key] = (info, shape)
        if key != "metadata":
            as_float64 += math.prod(shape) * 8
    _check_unpacked(as_float64)
    return shapes


def _check_unpacked(n_bytes: int) -> None:
    if n_bytes > MAX_UNPACKED_BYTES:
        raise WeightsError(f"the arrays unpack to {format_size(n_bytes)}; the limit is "
                           f"{format_size(MAX_UNPACKED_BYTES)}")


def _read_npz_checked(data: bytes) -> ImportedWeights:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        if not isinstance(npz, np.lib.npyio.NpzFile) or npz.zip is None:
            raise WeightsError("not an NPZ archive")
        members = _members(npz)
        meta = read_meta(parse_meta_text(str(npz["metadata"])), "metadata")
        for key in members:
            m = _NPZ_KEY.fullmatch(key)
            if m and int(m.group(1)) > meta.depth:
                raise WeightsError(f"{key}: the architecture {meta.arch} has only "
                                   f"{meta.depth} layers")
        found = []
        for l in range(1, meta.depth + 1):
            arrays: dict[str, np.ndarray | None] = {}
            expected = {"W": (meta.sizes[l - 1], meta.sizes[l]), "b": (meta.sizes[l],)}
            for part in ("W", "b"):
                key = f"layer_{l}/{part}"
                arrays[part] = None
                if key in members:
                    shape = members[key][1]
                    if shape != expected[part]:  # from the header: before reading the data
                        raise WeightsError(f"layer {l} {part}: expected shape "
                                           f"{expected[part]}, got {shape} (architecture "
                                           f"{meta.arch})")
                    arrays[part] = arr = np.asarray(npz[key]).astype(np.float64)
                    check_finite(arr, key)
            found.append(FoundLayer(arrays["W"], arrays["b"], f"layer_{l}/W", f"layer_{l}/b"))
    return assemble(meta, found, "npz")
