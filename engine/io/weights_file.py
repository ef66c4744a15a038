"""Weights into the playground: read our NPZ, JSON, ONNX or safetensors export back, checked
thoroughly.

``read_weights(path)`` returns an :class:`ImportedWeights` or raises :class:`WeightsError`, a
ValueError with a one-line message that names the file and what is wrong with it::

    w.npz: layer 2 W: expected shape (4, 1), got (3, 1)
    w.npz: layer_2/W: contains NaN
    w.json: layers[0].W[1][0]: expected a number, got a string
    w.png: not a weights file (it is a PNG image)

The format is recognised from the content, not the name. Everything a file can get wrong is
refused before anything is built: an empty, truncated or damaged file, another format (an
image, a workspace), a size over ``MAX_WEIGHTS_BYTES`` (checked before reading), NPZ members
holding Python objects, wrong types, shapes that do not chain, NaN or Inf, unknown activation or
feature names. Putting the weights to use is ``engine.io.weights``.
"""

from __future__ import annotations

import os

from engine.fileio import read_limited
from engine.io.validate import unexpected
from engine.io.weights import ImportedWeights, WeightsError
from engine.io.weights_json import read_json_weights
from engine.io.weights_npz import read_npz_weights
from engine.io.weights_onnx import read_onnx_weights
from engine.io.weights_safetensors import looks_like_safetensors, read_safetensors_weights

MAX_WEIGHTS_BYTES = 64 * 1024 * 1024
"""Largest weights file read (checked from the file size, before reading)."""

_OTHER_FORMATS = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x93NUMPY", "a single NumPy array (.npy), not an NPZ weights export"),
)


def read_weights(path: str | os.PathLike[str]) -> ImportedWeights:
    """Read a weights export (NPZ, JSON, ONNX or safetensors, recognised from its content)."""
    name = os.fspath(path)
    try:
        data = read_limited(name, MAX_WEIGHTS_BYTES)
    except ValueError as e:
        raise WeightsError(str(e)) from None
    return parse_weights_bytes(data, name)


def parse_weights_bytes(data: bytes, name: str = "weights") -> ImportedWeights:
    """Read a weights export from its bytes; ``name`` (the file name) prefixes messages and
    its suffix helps explain a file that is not what it claims to be. Every failure, whatever
    raised it, is a WeightsError."""
    try:
        return _parse(data, name)
    except WeightsError:
        raise
    except Exception as e:  # MemoryError, RecursionError, a library's own error: never a crash
        raise WeightsError(f"{name}: cannot read this file ({unexpected(e)})") from None


def _parse(data: bytes, name: str) -> ImportedWeights:
    suffix = os.path.splitext(name)[1].lower()
    if not data.strip():
        raise WeightsError(f"{name}: the file is empty")
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return read_npz_weights(data, name)
    if looks_like_safetensors(data):
        return read_safetensors_weights(data, name)
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if text_start in (b"{", b"["):
        return read_json_weights(data, name)
    for magic, what in _OTHER_FORMATS:
        if data.startswith(magic):
            raise WeightsError(f"{name}: not a weights file (it is {what})")
    if suffix == ".npz" or data[:2] == b"PK":
        raise WeightsError(f"{name}: not a complete NPZ archive (damaged or truncated?)")
    if suffix == ".safetensors":
        raise WeightsError(f"{name}: not a complete safetensors file (damaged or truncated?)")
    if suffix == ".json":
        raise WeightsError(f"{name}: not a JSON document (it does not start with '{{')")
    return read_onnx_weights(data, name, suffix == ".onnx")
