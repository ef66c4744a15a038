"""Weights into the playground: read our NPZ, JSON or ONNX export back, checked thoroughly.

``read_weights(path)`` returns an :class:`ImportedWeights` or raises :class:`WeightsError`, a
ValueError with a one-line message that names the file and what is wrong with it::

    w.npz: layer 2 W: expected shape (4, 1), got (3, 1)
    w.npz: layer_2/W: contains NaN
    w.json: layers[0].W[1][0]: expected a number, got a string
    w.png: not a weights file (it is a PNG image)

Everything a file can get wrong is refused before anything is built: an empty, truncated or
damaged file, another format (an image, a workspace), a size over ``MAX_WEIGHTS_BYTES``
(checked before reading), NPZ members holding Python objects instead of numbers (NumPy reads
them with ``allow_pickle=False``), wrong types, shapes that do not chain, NaN or Inf, unknown
activation or feature names.

``apply_weights(trainer, imported)`` loads the weights into a trainer whose network has the
same architecture and otherwise names the first layer that differs::

    layer 1: the file has W (2, 8), this network has W (2, 4)

``scenario_for_weights(scenario, imported)`` adopts the file's architecture (features, hidden
layers, activations, biases) into a copy of a scenario, so a caller can rebuild the network
around the file's weights; ``with_start_weights(scenario, imported)`` makes the file's weights
a scenario's explicit start weights. Nothing here changes a trainer unless everything is valid.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from engine.activations import ACTIVATIONS, LEAKY_SLOPE
from engine.export import CONVENTION, WEIGHTS_FORMAT, WEIGHTS_VERSION
from engine.features import FEATURES, available_features
from engine.fileio import decode_text, format_size, read_limited
from engine.losses import LOSSES, REDUCTIONS
from engine.network import MAX_HIDDEN_LAYERS, MAX_UNITS, LayerSpec, NetworkSpec
from engine.scenario import (
    ModelSpec,
    Scenario,
    dataset_shape,
    fit_to_data,
    network_spec,
    output_units,
    validate,
)

MAX_WEIGHTS_BYTES = 64 * 1024 * 1024
"""Largest weights file read (checked from the file size, before reading)."""
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""Largest total of the arrays inside an NPZ once unpacked (a zip can hide a lot)."""
MAX_NPZ_MEMBERS = 2 * (MAX_HIDDEN_LAYERS + 1) + 1
WORKSPACE_FORMAT = "backprop-playground-workspace"
SOURCE_FORMATS = ("npz", "json", "onnx")

Layers = tuple[tuple[np.ndarray, np.ndarray | None], ...]


class WeightsError(ValueError):
    """A weights file that cannot be read or does not fit; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(str(message).split()))


@dataclass(frozen=True, eq=False)
class ImportedWeights:
    """A network read from a file: weights in the public (n_in, n_out) convention."""

    layers: Layers
    """((W, b), …) per layer, W (n_in, n_out) float64, b (n_out,) or None without biases."""
    activations: tuple[str, ...]
    """One per layer, the output activation last."""
    sizes: tuple[int, ...]
    """Units per layer, inputs (features) first: e.g. (2, 4, 2, 1)."""
    use_bias: bool
    features: tuple[str, ...]
    """The input features the network reads, in order (e.g. ("x1", "x2", "x1_sq"))."""
    loss: str | None
    """The loss the weights were trained with, when the file says."""
    source_format: str
    """"npz", "json" or "onnx"."""
    reduction: str | None = None
    epoch: int | None = None

    @property
    def hidden(self) -> tuple[LayerSpec, ...]:
        """The hidden layers as LayerSpecs (as in ModelSpec.hidden)."""
        return tuple(LayerSpec(n, a) for n, a in zip(self.sizes[1:-1], self.activations[:-1],
                                                    strict=True))

    @property
    def output_activation(self) -> str:
        return self.activations[-1]

    @property
    def shapes(self) -> list[tuple[int, int]]:
        return [(self.sizes[i], self.sizes[i + 1]) for i in range(len(self.sizes) - 1)]

    def describe(self) -> str:
        """A short summary for a dialog: '2-4-2-1, tanh/tanh/tanh, biases, features x1, x2'."""
        return (f"{'-'.join(map(str, self.sizes))}, {'/'.join(self.activations)}, "
                f"{'biases' if self.use_bias else 'no biases'}, features "
                f"{', '.join(self.features)}")


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def read_weights(path: str | os.PathLike[str]) -> ImportedWeights:
    """Read a weights export (NPZ, JSON or ONNX, recognised from its content)."""
    name = os.fspath(path)
    try:
        data = read_limited(name, MAX_WEIGHTS_BYTES)
    except ValueError as e:
        raise WeightsError(str(e)) from None
    return parse_weights_bytes(data, name)


_OTHER_FORMATS = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x93NUMPY", "a single NumPy array (.npy), not an NPZ weights export"),
)


def parse_weights_bytes(data: bytes, name: str = "weights") -> ImportedWeights:
    """Read a weights export from its bytes; ``name`` (the file name) prefixes messages and
    its suffix helps explain a file that is not what it claims to be."""
    suffix = os.path.splitext(name)[1].lower()
    if not data.strip():
        raise WeightsError(f"{name}: the file is empty")
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _read_npz(data, name)
    text_start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if text_start in (b"{", b"["):
        return _read_json(data, name)
    for magic, what in _OTHER_FORMATS:
        if data.startswith(magic):
            raise WeightsError(f"{name}: not a weights file (it is {what})")
    if suffix == ".npz" or data[:2] == b"PK":
        raise WeightsError(f"{name}: not a complete NPZ archive (damaged or truncated?)")
    if suffix == ".json":
        raise WeightsError(f"{name}: not a JSON document (it does not start with '{{')")
    return _read_onnx(data, name, suffix == ".onnx")


# -- metadata shared by every format -----------------------------------------------------------


@dataclass(frozen=True)
class _Meta:
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    use_bias: bool
    features: tuple[str, ...]
    loss: str | None
    reduction: str | None
    epoch: int | None


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int):
        return "an integer"
    if isinstance(v, float):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, Mapping):
        return "an object"
    return type(v).__name__


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _field(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _read_meta(doc: Any, prefix: str) -> _Meta:
    """Check the descriptive fields of a weights document (JSON or NPZ/ONNX metadata)."""
    if not isinstance(doc, Mapping):
        where = prefix or "the document"
        raise WeightsError(f"{where}: expected an object, got {_kind(doc)}")
    fmt = doc.get("format")
    if fmt == WORKSPACE_FORMAT:
        raise WeightsError("this is a workspace, not a weights export (open it as a workspace, "
                           "or export its weights with: python main.py export)")
    if fmt != WEIGHTS_FORMAT:
        got = "no 'format' field" if fmt is None else f"format {fmt!r}"
        raise WeightsError(f"not a Backprop Playground weights file ({got}; expected "
                           f"{WEIGHTS_FORMAT!r})")
    version = doc.get("version")
    if not _is_int(version) or version < 1:
        raise WeightsError(f"{_field(prefix, 'version')}: expected a positive integer, "
                           f"got {_kind(version)}")
    if version > WEIGHTS_VERSION:
        raise WeightsError(f"written by a newer version of Backprop Playground (weights format "
                           f"version {version}; this version reads {WEIGHTS_VERSION})")

    p = _field(prefix, "architecture")
    arch = doc.get("architecture")
    if not isinstance(arch, list):
        raise WeightsError(f"{p}: expected a list of layer sizes, got {_kind(arch)}")
    if not 2 <= len(arch) <= MAX_HIDDEN_LAYERS + 2:
        raise WeightsError(f"{p}: expected 2 to {MAX_HIDDEN_LAYERS + 2} layer sizes, "
                           f"got {len(arch)}")
    for i, n in enumerate(arch):
        if not _is_int(n):
            raise WeightsError(f"{p}[{i}]: expected an integer, got {_kind(n)}")
        hi = len(FEATURES) if i == 0 else MAX_UNITS
        if not 1 <= n <= hi:
            raise WeightsError(f"{p}[{i}]: expected 1 to {hi} units, got {n}")
    depth = len(arch) - 1

    p = _field(prefix, "activations")
    acts = doc.get("activations")
    if not isinstance(acts, list):
        raise WeightsError(f"{p}: expected a list of activation names, got {_kind(acts)}")
    if len(acts) != depth:
        raise WeightsError(f"{p}: {len(acts)} names, but the architecture "
                           f"{'-'.join(map(str, arch))} has {depth} layers")
    for i, a in enumerate(acts):
        if not isinstance(a, str):
            raise WeightsError(f"{p}[{i}]: expected a string, got {_kind(a)}")
        if a not in ACTIVATIONS:
            raise WeightsError(f"{p}[{i}]: unknown activation {a[:40]!r} "
                               f"(known: {', '.join(ACTIVATIONS)})")
        if ACTIVATIONS[a].output_only and i != depth - 1:
            raise WeightsError(f"{p}[{i}]: {a} is allowed on the output layer only")

    use_bias = doc.get("use_bias")
    if not isinstance(use_bias, bool):
        raise WeightsError(f"{_field(prefix, 'use_bias')}: expected true or false, "
                           f"got {_kind(use_bias)}")

    p = _field(prefix, "features")
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise WeightsError(f"{p}: expected a list of feature names, got {_kind(feats)}")
    for i, f in enumerate(feats):
        if not isinstance(f, str):
            raise WeightsError(f"{p}[{i}]: expected a string, got {_kind(f)}")
        if f not in FEATURES:
            raise WeightsError(f"{p}[{i}]: unknown feature {f[:40]!r} "
                               f"(known: {', '.join(FEATURES)})")
    if len(set(feats)) != len(feats):
        raise WeightsError(f"{p}: a feature is listed twice")
    if len(feats) != arch[0]:
        raise WeightsError(f"{p}: {len(feats)} features, but the network has {arch[0]} inputs")

    loss = _optional_name(doc, "loss", prefix, LOSSES)
    reduction = _optional_name(doc, "reduction", prefix, dict.fromkeys(REDUCTIONS))
    epoch = doc.get("epoch")
    if epoch is not None and (not _is_int(epoch) or epoch < 0):
        raise WeightsError(f"{_field(prefix, 'epoch')}: expected a non-negative integer, "
                           f"got {_kind(epoch)}")
    convention = doc.get("convention")
    if convention is not None and convention != CONVENTION:
        raise WeightsError(f"{_field(prefix, 'convention')}: unsupported; expected "
                           f"{CONVENTION!r}")
    return _Meta(tuple(arch), tuple(acts), use_bias, tuple(feats), loss, reduction, epoch)


def _optional_name(doc: Mapping, key: str, prefix: str, known: Mapping) -> str | None:
    v = doc.get(key)
    if v is None:
        return None
    if not isinstance(v, str):
        raise WeightsError(f"{_field(prefix, key)}: expected a string, got {_kind(v)}")
    if v not in known:
        raise WeightsError(f"{_field(prefix, key)}: unknown {v[:40]!r} "
                           f"(known: {', '.join(known)})")
    return v


def _finite(arr: np.ndarray, where: str) -> None:
    if np.isnan(arr).any():
        raise WeightsError(f"{where}: contains NaN")
    if np.isinf(arr).any():
        raise WeightsError(f"{where}: contains Inf")


def _assemble(
    meta: _Meta,
    found: list[tuple[np.ndarray | None, np.ndarray | None, str, str]],
    fmt: str,
) -> ImportedWeights:
    """Check each layer's arrays against the architecture and build the result.

    ``found`` holds per layer (W or None if missing, b or None if absent, where W is, where b
    is); arrays are float64 already checked for NaN/Inf.
    """
    arch = "-".join(map(str, meta.sizes))
    depth = len(meta.sizes) - 1
    if len(found) != depth:
        raise WeightsError(f"the file has {len(found)} weight layers, but its architecture "
                           f"{arch} has {depth}")
    layers = []
    for l, (w, b, w_where, b_where) in enumerate(found, start=1):
        n_in, n_out = meta.sizes[l - 1], meta.sizes[l]
        if w is None:
            raise WeightsError(f"{w_where}: missing")
        if w.shape != (n_in, n_out):
            raise WeightsError(f"layer {l} W: expected shape ({n_in}, {n_out}), got {w.shape} "
                               f"(architecture {arch})")
        if meta.use_bias:
            if b is None:
                raise WeightsError(f"{b_where}: missing, but use_bias is true")
            if b.shape != (n_out,):
                raise WeightsError(f"layer {l} b: expected shape ({n_out},), got {b.shape}")
        elif b is not None:
            raise WeightsError(f"{b_where}: present, but use_bias is false")
        w = np.array(w, dtype=np.float64, order="C")
        w.flags.writeable = False
        if b is not None:
            b = np.array(b, dtype=np.float64)
            b.flags.writeable = False
        layers.append((w, b))
    return ImportedWeights(tuple(layers), meta.activations, meta.sizes, meta.use_bias,
                           meta.features, meta.loss, fmt, meta.reduction, meta.epoch)


# -- JSON --------------------------------------------------------------------------------------


def _json_int(text: str) -> int | float:
    # A huge integer becomes a float (Inf beyond the double range) instead of a slow bignum.
    return int(text) if len(text) <= 18 else float(text)


def _parse_json(data: bytes, name: str) -> Any:
    try:
        text = decode_text(data, name)
    except ValueError as e:
        raise WeightsError(str(e)) from None
    if not text.strip():
        raise WeightsError(f"{name}: the file is empty")
    try:
        return json.loads(text, parse_int=_json_int)
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise WeightsError(f"{name}: the file ends too early (truncated?)") from None
        raise WeightsError(f"{name}: not valid JSON: {e.msg} at line {e.lineno}, "
                           f"column {e.colno}") from None
    except RecursionError:
        raise WeightsError(f"{name}: not a weights file (JSON nested too deeply)") from None
    except ValueError as e:
        raise WeightsError(f"{name}: not valid JSON: {e}") from None


def _json_array(v: Any, where: str, ndim: int) -> np.ndarray:
    """A float64 array of exactly ``ndim`` dimensions from nested lists of numbers."""
    def walk(x: Any, p: str, depth: int) -> Any:
        if depth == 0:
            if not isinstance(x, int | float) or isinstance(x, bool):
                raise WeightsError(f"{p}: expected a number, got {_kind(x)}")
            return x
        if not isinstance(x, list):
            what = "a list of numbers" if depth == 1 else "a list of rows"
            raise WeightsError(f"{p}: expected {what}, got {_kind(x)}")
        return [walk(item, f"{p}[{i}]", depth - 1) for i, item in enumerate(x)]

    walk(v, where, ndim)
    try:
        arr = np.array(v, dtype=np.float64)
    except (ValueError, OverflowError):
        raise WeightsError(f"{where}: rows of different lengths") from None
    if arr.ndim != ndim:
        raise WeightsError(f"{where}: rows of different lengths")
    _finite(arr, where)
    return arr


def _read_json(data: bytes, name: str) -> ImportedWeights:
    doc = _parse_json(data, name)
    try:
        meta = _read_meta(doc, "")
        if "layers" not in doc:
            raise WeightsError("layers: missing")
        raw = doc["layers"]
        if not isinstance(raw, list) or not raw:
            raise WeightsError(f"layers: expected a non-empty list of layers, got {_kind(raw)}")
        found = []
        for i, layer in enumerate(raw):
            p = f"layers[{i}]"
            if not isinstance(layer, Mapping):
                raise WeightsError(f"{p}: expected an object with W and b, got {_kind(layer)}")
            w = None if layer.get("W") is None else _json_array(layer["W"], f"{p}.W", 2)
            b = None if layer.get("b") is None else _json_array(layer["b"], f"{p}.b", 1)
            found.append((w, b, f"{p}.W", f"{p}.b"))
        return _assemble(meta, found, "json")
    except WeightsError as e:
        raise WeightsError(f"{name}: {e}") from None


# -- NPZ ---------------------------------------------------------------------------------------

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


def _read_npz(data: bytes, name: str) -> ImportedWeights:
    try:
        return _read_npz_checked(data)
    except WeightsError as e:
        raise WeightsError(f"{name}: {e}") from None
    except Exception as e:  # a damaged archive can fail anywhere inside zipfile/zlib/NumPy
        raise WeightsError(f"{name}: not a readable NPZ archive (damaged or truncated? "
                           f"{type(e).__name__})") from None


def _read_npz_checked(data: bytes) -> ImportedWeights:
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise WeightsError("not an NPZ archive")
        infos = npz.zip.infolist()
        if len(infos) > MAX_NPZ_MEMBERS:
            raise WeightsError(f"{len(infos)} arrays; a weights file has at most "
                               f"{MAX_NPZ_MEMBERS}")
        unpacked = sum(i.file_size for i in infos)
        if unpacked > MAX_UNPACKED_BYTES:
            raise WeightsError(f"the arrays unpack to {format_size(unpacked)}; the limit is "
                               f"{format_size(MAX_UNPACKED_BYTES)}")
        members: dict[str, Any] = {}
        for info in infos:
            if not info.filename.endswith(".npy"):
                raise WeightsError(f"unexpected member {info.filename[:60]!r} (not a .npy "
                                   "array)")
            key = info.filename[:-4]
            if key != "metadata" and not _NPZ_KEY.fullmatch(key):
                raise WeightsError(f"unexpected array {key[:60]!r} (expected metadata and "
                                   "layer_<l>/W, layer_<l>/b)")
            members[key] = info
        if not members:
            raise WeightsError("the archive holds no arrays")
        if "metadata" not in members:
            raise WeightsError("metadata: missing (not a Backprop Playground weights export?)")
        for key, info in members.items():
            _npz_header(npz, key, info)
        meta_text = str(npz["metadata"])
        try:
            meta_doc = json.loads(meta_text, parse_int=_json_int)
        except (ValueError, RecursionError):
            raise WeightsError("metadata: not valid JSON") from None
        meta = _read_meta(meta_doc, "metadata")
        depth = len(meta.sizes) - 1
        for key in members:
            m = _NPZ_KEY.fullmatch(key)
            if m and int(m.group(1)) > depth:
                raise WeightsError(f"{key}: the architecture {'-'.join(map(str, meta.sizes))} "
                                   f"has only {depth} layers")
        found = []
        for l in range(1, depth + 1):
            arrays = []
            for part in ("W", "b"):
                key = f"layer_{l}/{part}"
                if key not in members:
                    arrays.append(None)
                    continue
                arr = np.asarray(npz[key]).astype(np.float64)
                _finite(arr, key)
                arrays.append(arr)
            found.append((arrays[0], arrays[1], f"layer_{l}/W", f"layer_{l}/b"))
    return _assemble(meta, found, "npz")


# -- ONNX --------------------------------------------------------------------------------------


def _read_onnx(data: bytes, name: str, claims_onnx: bool) -> ImportedWeights:
    from engine.onnx_export import METADATA_KEY, OnnxUnavailableError, require_onnx

    try:
        onnx = require_onnx()
    except OnnxUnavailableError as e:
        if claims_onnx:
            raise WeightsError(f"{name}: reading {e}") from None
        raise WeightsError(f"{name}: not a weights file (expected an NPZ, JSON or ONNX export "
                           "from Backprop Playground)") from None
    try:
        model = onnx.ModelProto()
        model.ParseFromString(data)
        props = {p.key: p.value for p in model.metadata_props}
    except Exception:  # protobuf refuses malformed bytes with several exception types
        if claims_onnx:
            raise WeightsError(f"{name}: not a readable ONNX model (damaged or "
                               "truncated?)") from None
        raise WeightsError(f"{name}: not a weights file (expected an NPZ, JSON or ONNX export "
                           "from Backprop Playground)") from None
    if METADATA_KEY not in props:
        if claims_onnx or model.HasField("graph"):
            raise WeightsError(f"{name}: not an ONNX export from Backprop Playground (no "
                               f"{METADATA_KEY!r} metadata)")
        raise WeightsError(f"{name}: not a weights file (expected an NPZ, JSON or ONNX export "
                           "from Backprop Playground)")
    try:
        return _read_onnx_model(onnx, model, props[METADATA_KEY])
    except WeightsError as e:
        raise WeightsError(f"{name}: {e}") from None


def _read_onnx_model(onnx: Any, model: Any, meta_text: str) -> ImportedWeights:
    from onnx import numpy_helper

    from engine.onnx_export import INPUT_NAME, ONNX_OPS, OUTPUT_NAME

    try:
        meta_doc = json.loads(meta_text, parse_int=_json_int)
    except (ValueError, RecursionError):
        raise WeightsError("metadata: not valid JSON") from None
    meta = _read_meta(meta_doc, "metadata")
    graph = model.graph
    initializers: dict[str, np.ndarray] = {}
    for t in graph.initializer:
        if t.name in initializers:
            raise WeightsError(f"initializer {t.name[:60]!r}: defined twice")
        if t.data_location == onnx.TensorProto.EXTERNAL:
            raise WeightsError(f"initializer {t.name[:60]!r}: stored in an external file; "
                               "only self-contained models are read")
        try:
            arr = numpy_helper.to_array(t)
        except Exception:  # a damaged tensor can fail in many ways inside onnx
            raise WeightsError(f"initializer {t.name[:60]!r}: damaged tensor data") from None
        if arr.dtype.kind != "f":
            raise WeightsError(f"initializer {t.name[:60]!r}: expected floating-point "
                               f"numbers, got {arr.dtype}")
        arr = arr.astype(np.float64)
        _finite(arr, t.name[:60])
        initializers[t.name] = arr

    inputs = [i.name for i in graph.input if i.name not in initializers]
    outputs = [o.name for o in graph.output]
    if inputs != [INPUT_NAME] or outputs != [OUTPUT_NAME]:
        raise WeightsError(f"the graph must read {INPUT_NAME!r} and write {OUTPUT_NAME!r}; it "
                           f"reads {inputs[:3]} and writes {outputs[:3]}")
    producer: dict[str, Any] = {}
    for node in graph.node:
        if len(node.output) != 1 or node.output[0] in producer:
            raise WeightsError(f"node {node.name[:60]!r}: not a layer of MatMul, Add and an "
                               "activation")
        producer[node.output[0]] = node

    def take(value: str, ops: tuple[str, ...], l: int) -> Any:
        node = producer.get(value)
        if node is None or node.op_type not in ops:
            got = "nothing" if node is None else node.op_type
            raise WeightsError(f"layer {l}: expected {' or '.join(ops)} producing "
                               f"{value[:60]!r}, found {got}")
        return node

    def weight(node: Any, l: int, what: str) -> tuple[str, np.ndarray]:
        if len(node.input) != 2 or node.input[1] not in initializers:
            raise WeightsError(f"layer {l}: {node.op_type} does not take {what} from an "
                               "initializer")
        return node.input[1], initializers[node.input[1]]

    depth = len(meta.sizes) - 1
    found: list[tuple[np.ndarray | None, np.ndarray | None, str, str]] = []
    value = OUTPUT_NAME
    used = 0
    for l in range(depth, 0, -1):
        expected_op = ONNX_OPS[meta.activations[l - 1]]
        act = take(value, tuple(ONNX_OPS.values()), l)
        if act.op_type != expected_op:
            raise WeightsError(f"layer {l}: the graph applies {act.op_type}, the metadata says "
                               f"{meta.activations[l - 1]} ({expected_op})")
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in act.attribute}
        if act.op_type == "LeakyRelu" and abs(attrs.get("alpha", 0.01) - LEAKY_SLOPE) > 1e-6:
            raise WeightsError(f"layer {l}: LeakyRelu alpha {attrs['alpha']:g}; the "
                               f"playground uses {LEAKY_SLOPE}")
        if act.op_type == "Softmax" and attrs.get("axis", -1) not in (-1, 1):
            raise WeightsError(f"layer {l}: Softmax over axis {attrs['axis']}, expected -1")
        if len(act.input) != 1:
            raise WeightsError(f"layer {l}: {act.op_type} must have one input")
        used += 1
        node = take(act.input[0], ("Add", "MatMul") if meta.use_bias else ("MatMul",), l)
        b = None
        b_name = f"layer_{l}/b"
        if node.op_type == "Add":
            b_name, b = weight(node, l, "b")
            used += 1
            node = take(node.input[0], ("MatMul",), l)
        w_name, w = weight(node, l, "W")
        used += 1
        found.append((w, b, w_name, b_name))
        value = node.input[0]
    if value != INPUT_NAME:
        raise WeightsError(f"layer 1 reads {value[:60]!r}, expected the input {INPUT_NAME!r}")
    if used != len(graph.node):
        raise WeightsError(f"the graph has {len(graph.node) - used} nodes that are not part of "
                           "the layers")
    found.reverse()
    return _assemble(meta, found, "onnx")


# ---------------------------------------------------------------------------------------------
# Using imported weights
# ---------------------------------------------------------------------------------------------


def check_compatible(
    spec: NetworkSpec, features: tuple[str, ...], imported: ImportedWeights, strict: bool = True
) -> None:
    """Raise WeightsError naming the first difference between the file's network and ``spec``.

    Shapes and biases must always match; with ``strict`` the activations and the input
    features must match too (the same shapes with other activations or features would compute
    something else).
    """
    ours = spec.shapes()
    theirs = imported.shapes
    for l in range(1, max(len(ours), len(theirs)) + 1):
        a = f"W {theirs[l - 1]}" if l <= len(theirs) else "no such layer"
        b = f"W {ours[l - 1]}" if l <= len(ours) else "no such layer"
        if a != b:
            raise WeightsError(f"layer {l}: the file has {a}, this network has {b} (the file's "
                               f"network is {'-'.join(map(str, imported.sizes))}, this one "
                               f"{'-'.join(map(str, spec.sizes))})")
    if imported.use_bias != spec.use_bias:
        have = ("the file has biases, this network has none" if imported.use_bias
                else "the file has no biases, this network has them")
        raise WeightsError(f"biases: {have}")
    if not strict:
        return
    for l, (theirs_act, layer) in enumerate(zip(imported.activations, spec.layers, strict=True),
                                            start=1):
        if theirs_act != layer.activation:
            raise WeightsError(f"layer {l}: the file uses {theirs_act}, this network uses "
                               f"{layer.activation}")
    if tuple(features) != imported.features:
        raise WeightsError(f"features: the file's network reads {', '.join(imported.features)}, "
                           f"this one reads {', '.join(features)}")


def apply_weights(trainer: Any, imported: ImportedWeights, strict: bool = True) -> None:
    """Load the file's weights into ``trainer`` (same architecture only).

    Raises WeightsError, leaving the trainer untouched, when the architecture differs (see
    ``check_compatible``); otherwise replaces every weight and bias at once and resets the
    optimiser's moving state (``Trainer.set_parameters``). Epoch and history are kept.
    """
    check_compatible(trainer.spec, tuple(trainer.scenario.data.features), imported, strict)
    try:
        trainer.set_parameters([(w.copy(), None if b is None else b.copy())
                                for w, b in imported.layers])
    except ValueError as e:
        raise WeightsError(str(e)) from None


def with_start_weights(scenario: Scenario, imported: ImportedWeights,
                       strict: bool = True) -> Scenario:
    """A copy of ``scenario`` whose explicit start weights are the file's, so a new Trainer
    starts (and resets) from them. The scenario's network must match the file's."""
    check_compatible(network_spec(scenario), tuple(scenario.data.features), imported, strict)
    weights = tuple((w.copy(), None if b is None else b.copy()) for w, b in imported.layers)
    return validate(replace(scenario, init=replace(scenario.init, scheme="explicit"),
                            initial_weights=weights))


def scenario_for_weights(scenario: Scenario, imported: ImportedWeights) -> Scenario:
    """A copy of ``scenario`` with the file's architecture: its input features, hidden layers,
    activations, output activation and biases (and its loss, when known and suitable).

    The data stays. Raises WeightsError when the file's network cannot work on this data: a
    feature that needs a second input on 1-D data, or an output layer of the wrong width (3
    softmax units for 2 classes) or kind (softmax for regression). Explicit start weights of the
    old architecture are dropped (the init scheme becomes tf_playground). The result is a plain
    scenario: build a Trainer from it, then ``apply_weights``.
    """
    n_inputs, task, n_classes = dataset_shape(scenario.data)
    allowed = available_features(n_inputs)
    for f in imported.features:
        if f not in allowed:
            raise WeightsError(f"features: the file's network reads {f}, which needs a second "
                               "input; this data has one (x1)")
    init = scenario.init
    if init.scheme == "explicit":
        init = replace(init, scheme="tf_playground")
    train = scenario.train
    if imported.loss is not None:
        train = replace(train, loss=imported.loss)
    if imported.reduction is not None:
        train = replace(train, reduction=imported.reduction)
    candidate = replace(
        scenario,
        data=replace(scenario.data, features=imported.features),
        model=ModelSpec(imported.hidden, imported.output_activation, imported.use_bias),
        init=init,
        train=train,
        initial_weights=None,
    )
    try:
        result = validate(candidate)
    except ValueError as first:
        # Perhaps only the loss does not suit this data: let fit_to_data pick one, but never
        # let it change the architecture.
        try:
            result, _ = fit_to_data(candidate)
        except ValueError:
            raise WeightsError(f"the file's network does not suit this data: {first}") from None
        out = imported.output_activation
        if result.model.output_activation != out:
            what = "regression" if task == "regression" else f"{n_classes} classes"
            raise WeightsError(f"the file's network does not suit this data: its output "
                               f"activation {out} cannot be used for {what}") from None
        if result.data.features != candidate.data.features or result.model != candidate.model:
            raise WeightsError(f"the file's network does not suit this data: {first}") from None
    n_out = output_units(result)
    if n_out != imported.sizes[-1]:
        what = f"{n_classes} classes" if task == "classification" else "regression"
        raise WeightsError(f"layer {len(imported.sizes) - 1}: the file has "
                           f"{imported.sizes[-1]} outputs, this data ({what}) needs {n_out}")
    check_compatible(network_spec(result), tuple(result.data.features), imported)
    return result
