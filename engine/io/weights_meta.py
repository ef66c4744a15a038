"""What every weights format shares: the metadata document and the assembly of the layers.

A weights export describes its network in a small JSON document (the whole file for JSON, the
``metadata`` member of an NPZ, a metadata property of an ONNX model)::

    {"format": "backprop-playground-weights", "version": 1, "architecture": [2, 4, 1],
     "activations": ["tanh", "sigmoid"], "use_bias": true, "features": ["x1", "x2"],
     "loss": "bce", "reduction": "mean", "epoch": 30, "convention": "z = a_prev @ W + b; …"}

``read_meta`` checks it with the shared kit (engine.io.validate); ``assemble`` checks each
layer's arrays against it and builds the :class:`ImportedWeights`. Both raise WeightsError.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.activations import ACTIVATIONS
from engine.data.dataset import MAX_INPUTS
from engine.data.scaling import Scaling
from engine.features import FEATURES, is_feature_key
from engine.io.formats import (
    APP_NAME,
    WEIGHTS_CONVENTION,
    WEIGHTS_FORMAT,
    WEIGHTS_VERSION,
    WORKSPACE_FORMAT,
)
from engine.io.jsonread import read_json
from engine.io.validate import Fields, as_int, as_name, as_str, fail, quote
from engine.io.weights import ImportedWeights, WeightsError
from engine.losses import LOSSES, REDUCTIONS
from engine.network import MAX_HIDDEN_LAYERS, MAX_UNITS

MAX_EPOCH = 2**63 - 1


@dataclass(frozen=True)
class WeightsMeta:
    """The checked metadata of a weights export."""

    sizes: tuple[int, ...]
    """Units per layer, inputs first."""
    activations: tuple[str, ...]
    use_bias: bool
    features: tuple[str, ...]
    loss: str | None
    reduction: str | None
    epoch: int | None
    scaling: Scaling | None = None

    @property
    def depth(self) -> int:
        return len(self.sizes) - 1

    @property
    def arch(self) -> str:
        """'2-4-1'."""
        return "-".join(map(str, self.sizes))


@dataclass(frozen=True)
class FoundLayer:
    """One layer's arrays as a reader found them (float64, already checked for NaN and Inf),
    None when absent, and where each is in the file (for messages)."""

    w: np.ndarray | None
    b: np.ndarray | None
    w_where: str
    b_where: str


def parse_meta_text(text: str | bytes) -> Any:
    """The metadata JSON stored inside an NPZ or ONNX file, read with the strict reader
    (protobuf hands over bytes when a damaged ONNX string is not UTF-8)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    try:
        return read_json(data, "metadata", "weights export")
    except ValueError as e:  # the message starts "metadata: "
        raise WeightsError(str(e)) from None


def read_meta(doc: Any, prefix: str) -> WeightsMeta:
    """Check the descriptive fields of a weights document (JSON or NPZ/ONNX metadata);
    ``prefix`` is where they sit ('' or 'metadata')."""
    try:
        return _read_meta(doc, prefix)
    except ValueError as e:
        raise WeightsError(str(e)) from None


def _read_meta(doc: Any, prefix: str) -> WeightsMeta:
    r = Fields(doc, prefix)
    fmt = r.raw("format", None)
    if fmt == WORKSPACE_FORMAT:
        raise WeightsError("this is a workspace, not a weights export (open it as a workspace, "
                           "or export its weights with: python main.py export)")
    if fmt != WEIGHTS_FORMAT:
        got = "no 'format' field" if fmt is None else f"format {quote(fmt)}"
        raise WeightsError(f"not a {APP_NAME} weights file ({got}; expected "
                           f"{WEIGHTS_FORMAT!r})")
    version = r.integer("version", lo=1)
    if version > WEIGHTS_VERSION:
        raise WeightsError(f"written by a newer version of {APP_NAME} (weights format "
                           f"version {version}; this version reads {WEIGHTS_VERSION})")
    sizes = _sizes(r)
    acts = _activations(r, sizes)
    use_bias = r.boolean("use_bias")
    feats = _features(r, sizes[0])
    loss = r.name("loss", LOSSES) if r.has("loss") else None
    reduction = r.name("reduction", REDUCTIONS) if r.has("reduction") else None
    epoch = r.integer("epoch", lo=0, hi=MAX_EPOCH) if r.has("epoch") else None
    if r.has("convention") and r.raw("convention") != WEIGHTS_CONVENTION:
        fail(r.at("convention"), f"unsupported; expected {WEIGHTS_CONVENTION!r}")
    scaling = _normalization(r.sub("normalization"), sizes[0]) if r.has("normalization") \
        else None
    return WeightsMeta(sizes, acts, use_bias, feats, loss, reduction, epoch, scaling)


def _normalization(n: Fields, width: int) -> Scaling:
    """The {"mean": [...], "std": [...]} a standardised network's file carries."""
    mean = n.array("mean", shape=(width,))
    std = n.array("std", shape=(width,))
    try:
        return Scaling(mean, std)
    except ValueError as e:
        fail(n.path, str(e).removeprefix("scaling: "))
        raise


def _sizes(r: Fields) -> tuple[int, ...]:
    p = r.at("architecture")
    arch = r.items("architecture", what="a list of layer sizes")
    if not 2 <= len(arch) <= MAX_HIDDEN_LAYERS + 2:
        fail(p, f"expected 2 to {MAX_HIDDEN_LAYERS + 2} layer sizes, got {len(arch)}")
    for i, n in enumerate(arch):
        hi = MAX_INPUTS if i == 0 else MAX_UNITS
        if not 1 <= as_int(n, f"{p}[{i}]") <= hi:
            fail(f"{p}[{i}]", f"expected 1 to {hi} units, got {n}")
    return tuple(arch)


def _activations(r: Fields, sizes: tuple[int, ...]) -> tuple[str, ...]:
    p = r.at("activations")
    acts = r.items("activations", what="a list of activation names")
    depth = len(sizes) - 1
    if len(acts) != depth:
        fail(p, f"{len(acts)} names, but the architecture {'-'.join(map(str, sizes))} has "
                f"{depth} layers")
    for i, a in enumerate(acts):
        as_name(a, f"{p}[{i}]", ACTIVATIONS, "activation")
        if ACTIVATIONS[a].output_only and i != depth - 1:
            fail(f"{p}[{i}]", f"{a} is allowed on the output layer only")
    return tuple(acts)


def _features(r: Fields, n_inputs: int) -> tuple[str, ...]:
    p = r.at("features")
    feats = r.items("features", what="a list of feature names")
    for i, f in enumerate(feats):
        if not is_feature_key(as_str(f, f"{p}[{i}]")):
            fail(f"{p}[{i}]", f"unknown feature {quote(f)} (known: {', '.join(FEATURES)}, or "
                              "x1 … x1024 for raw columns)")
    if len(set(feats)) != len(feats):
        fail(p, "a feature is listed twice")
    if len(feats) != n_inputs:
        fail(p, f"{len(feats)} features, but the network has {n_inputs} inputs")
    return tuple(feats)


def assemble(meta: WeightsMeta, found: Sequence[FoundLayer], fmt: str) -> ImportedWeights:
    """Check each layer's arrays against the architecture and build the result (read-only
    float64 arrays)."""
    if len(found) != meta.depth:
        raise WeightsError(f"the file has {len(found)} weight layers, but its architecture "
                           f"{meta.arch} has {meta.depth}")
    layers = []
    for l, layer in enumerate(found, start=1):
        n_in, n_out = meta.sizes[l - 1], meta.sizes[l]
        if layer.w is None:
            raise WeightsError(f"{layer.w_where}: missing")
        if layer.w.shape != (n_in, n_out):
            raise WeightsError(f"layer {l} W: expected shape ({n_in}, {n_out}), got "
                               f"{layer.w.shape} (architecture {meta.arch})")
        b = layer.b
        if meta.use_bias:
            if b is None:
                raise WeightsError(f"{layer.b_where}: missing, but use_bias is true")
            if b.shape != (n_out,):
                raise WeightsError(f"layer {l} b: expected shape ({n_out},), got {b.shape}")
        elif b is not None:
            raise WeightsError(f"{layer.b_where}: present, but use_bias is false")
        w = np.array(layer.w, dtype=np.float64, order="C")
        w.flags.writeable = False
        if b is not None:
            b = np.array(b, dtype=np.float64)
            b.flags.writeable = False
        layers.append((w, b))
    return ImportedWeights(tuple(layers), meta.activations, meta.sizes, meta.use_bias,
                           meta.features, meta.loss, fmt, meta.reduction, meta.epoch,
                           meta.scaling)
