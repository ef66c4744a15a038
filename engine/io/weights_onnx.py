"""Reading an ONNX weights export: a graph of MatMul, Add and activation nodes per layer, its
weights as initializers, and the weights metadata as JSON in a metadata property.

The graph must be exactly what the exporter writes (``ONNX_INPUT_NAME`` through each layer to
``ONNX_OUTPUT_NAME``, nothing else); its activations must agree with the metadata, node for
node where an activation is a small graph (``engine.activation_types.OnnxOp``). Reading needs
the optional ``onnx`` package.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.activation_types import Z
from engine.activations import LEAKY_SLOPE, get_activation
from engine.io.formats import APP_NAME, ONNX_INPUT_NAME, ONNX_METADATA_KEY, ONNX_OUTPUT_NAME
from engine.io.validate import FieldError, check_finite, quote, short
from engine.io.weights import ImportedWeights, WeightsError
from engine.io.weights_meta import FoundLayer, assemble, parse_meta_text, read_meta
from engine.network import MAX_HIDDEN_LAYERS, MAX_UNITS

MAX_INITIALIZERS = 2 * (MAX_HIDDEN_LAYERS + 1)
"""A W and a b per layer."""

_NOT_WEIGHTS = ("not a weights file (expected an NPZ, JSON, ONNX or safetensors export from "
                f"{APP_NAME})")


def read_onnx_weights(data: bytes, name: str, claims_onnx: bool) -> ImportedWeights:
    """An ONNX weights export from its bytes; WeightsError starting with ``name`` otherwise.
    ``claims_onnx`` (the name ends in .onnx) makes the messages about ONNX, not the format."""
    from engine.onnx_export import OnnxUnavailableError, require_onnx

    try:
        onnx = require_onnx()
    except OnnxUnavailableError as e:
        if claims_onnx:
            raise WeightsError(f"{name}: reading {e}") from None
        raise WeightsError(f"{name}: {_NOT_WEIGHTS}") from None
    try:
        model = onnx.ModelProto()
        model.ParseFromString(data)
        props = {p.key: p.value for p in model.metadata_props}
    except Exception:  # protobuf refuses malformed bytes with several exception types
        if claims_onnx:
            raise WeightsError(f"{name}: not a readable ONNX model (damaged or "
                               "truncated?)") from None
        raise WeightsError(f"{name}: {_NOT_WEIGHTS}") from None
    if ONNX_METADATA_KEY not in props:
        if claims_onnx or model.HasField("graph"):
            raise WeightsError(f"{name}: not an ONNX export from {APP_NAME} (no "
                               f"{ONNX_METADATA_KEY!r} metadata)")
        raise WeightsError(f"{name}: {_NOT_WEIGHTS}")
    try:
        return _read_model(onnx, model, props[ONNX_METADATA_KEY])
    except (WeightsError, FieldError) as e:
        raise WeightsError(f"{name}: {e}") from None


def _initializers(onnx: Any, graph: Any) -> dict[str, np.ndarray]:
    """The graph's initializers as finite float64 arrays, by name."""
    from onnx import numpy_helper

    initializers: dict[str, np.ndarray] = {}
    if len(graph.initializer) > MAX_INITIALIZERS:
        raise WeightsError(f"{len(graph.initializer)} initializers; a weights export has at "
                           f"most {MAX_INITIALIZERS}")
    for t in graph.initializer:
        what = f"initializer {quote(t.name)}"
        if t.name in initializers:
            raise WeightsError(f"{what}: defined twice")
        dims = tuple(t.dims)
        if not 1 <= len(dims) <= 2 or not all(1 <= n <= MAX_UNITS for n in dims):
            # Before converting: no layer of the engine has more units than MAX_UNITS.
            raise WeightsError(f"{what}: shape {short(str(dims))} is not a layer's W or b "
                               f"(1 or 2 dimensions of 1 to {MAX_UNITS})")
        if t.data_location == onnx.TensorProto.EXTERNAL:
            raise WeightsError(f"{what}: stored in an external file; only self-contained "
                               "models are read")
        try:
            arr = numpy_helper.to_array(t)
        except Exception:  # a damaged tensor can fail in many ways inside onnx
            raise WeightsError(f"{what}: damaged tensor data") from None
        if arr.dtype.kind != "f":
            raise WeightsError(f"{what}: expected floating-point numbers, got {arr.dtype}")
        arr = arr.astype(np.float64)
        check_finite(arr, short(t.name))
        initializers[t.name] = arr
    return initializers


def _check_attributes(onnx: Any, act: Any, l: int) -> None:
    """The activation node's attributes are the playground's (LeakyRelu slope, Softmax axis)."""
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in act.attribute}
    if act.op_type == "LeakyRelu":
        alpha = attrs.get("alpha", 0.01)
        if not isinstance(alpha, float) or abs(alpha - LEAKY_SLOPE) > 1e-6:
            shown = f"{alpha:g}" if isinstance(alpha, float) else f"of type {type(alpha).__name__}"
            raise WeightsError(f"layer {l}: LeakyRelu alpha {shown}; the playground uses "
                               f"{LEAKY_SLOPE}")
    if act.op_type == "Softmax":
        axis = attrs.get("axis", -1)
        if not isinstance(axis, int) or axis not in (-1, 1):
            raise WeightsError(f"layer {l}: Softmax over axis {quote(axis)}, expected -1")


def _activation_input(onnx: Any, producer: dict[str, Any], key: str, value: str, l: int
                      ) -> tuple[str, int]:
    """(the value z it reads, how many nodes it is) of the activation ``key`` that produces
    ``value``: exactly the nodes ``engine.onnx_export.activation_nodes`` writes for it, matched
    from its last node back (any names; constants must hold the same numbers)."""
    template = get_activation(key).onnx.nodes
    bound = {f"t{len(template) - 1}": value}
    used = 0
    for k in range(len(template) - 1, -1, -1):
        want = template[k]
        node = producer.get(bound[f"t{k}"])
        if node is None or node.op_type != want.op_type or len(node.input) != len(want.inputs):
            got = "nothing" if node is None else f"{short(node.op_type)} of {len(node.input)}"
            raise WeightsError(f"layer {l}: {key} in ONNX is {_ops(template)}; expected "
                               f"{want.op_type} of {len(want.inputs)} input(s) producing "
                               f"{quote(bound[f't{k}'])}, found {got}")
        _check_attributes(onnx, node, l)
        used += 1
        for name, ref in zip(node.input, want.inputs, strict=True):
            if isinstance(ref, float):
                _check_constant(onnx, producer.get(name), ref, key, l)
                used += 1
            elif bound.setdefault(ref, name) != name:
                raise WeightsError(f"layer {l}: {key}'s {want.op_type} reads {quote(name)} "
                                   f"where {quote(bound[ref])} was expected")
    return bound[Z], used


def _check_constant(onnx: Any, node: Any, value: float, key: str, l: int) -> None:
    """``node`` is a Constant holding ``value`` (a scalar, any float type, to 1e-12)."""
    held = None
    if node is not None and node.op_type == "Constant" and not node.input \
            and len(node.attribute) == 1 and node.attribute[0].name == "value":
        try:
            arr = onnx.numpy_helper.to_array(node.attribute[0].t)
            if arr.size == 1 and arr.dtype.kind == "f":
                held = float(arr.reshape(()))
        except Exception:  # a damaged tensor can fail in many ways inside onnx
            held = None
    if held is None or not abs(held - value) <= 1e-12 * abs(value):
        shown = "no number" if held is None else f"{held!r}"
        raise WeightsError(f"layer {l}: {key} uses the constant {value!r}; the graph has "
                           f"{shown} there")


def _ops(template: tuple[Any, ...]) -> str:
    return "a single " + template[0].op_type if len(template) == 1 else \
        "a graph of " + ", ".join(n.op_type for n in template)


def _read_model(onnx: Any, model: Any, meta_text: str | bytes) -> ImportedWeights:
    from engine.onnx_export import ONNX_OPS

    meta = read_meta(parse_meta_text(meta_text), "metadata")
    graph = model.graph
    initializers = _initializers(onnx, graph)
    inputs = [i.name for i in graph.input if i.name not in initializers]
    outputs = [o.name for o in graph.output]
    if inputs != [ONNX_INPUT_NAME] or outputs != [ONNX_OUTPUT_NAME]:
        raise WeightsError(f"the graph must read {ONNX_INPUT_NAME!r} and write "
                           f"{ONNX_OUTPUT_NAME!r}; it reads {_names(inputs)} and writes "
                           f"{_names(outputs)}")
    producer: dict[str, Any] = {}
    for node in graph.node:
        if len(node.output) != 1 or node.output[0] in producer:
            raise WeightsError(f"node {quote(node.name)}: not a layer of MatMul, Add and an "
                               "activation")
        producer[node.output[0]] = node

    def take(value: str, ops: tuple[str, ...], l: int) -> Any:
        node = producer.get(value)
        if node is None or node.op_type not in ops:
            got = "nothing" if node is None else short(node.op_type)
            raise WeightsError(f"layer {l}: expected {' or '.join(ops)} producing "
                               f"{quote(value)}, found {got}")
        return node

    def weight(node: Any, l: int, what: str) -> tuple[str, np.ndarray]:
        if len(node.input) != 2 or node.input[1] not in initializers:
            raise WeightsError(f"layer {l}: {node.op_type} does not take {what} from an "
                               "initializer")
        return node.input[1], initializers[node.input[1]]

    found: list[FoundLayer] = []
    value = ONNX_OUTPUT_NAME
    used = 0
    for l in range(meta.depth, 0, -1):
        key = meta.activations[l - 1]
        expected_op = ONNX_OPS[key]
        act = take(value, tuple(ONNX_OPS.values()), l)
        if act.op_type != expected_op:
            raise WeightsError(f"layer {l}: the graph applies {act.op_type}, the metadata says "
                               f"{key} ({expected_op})")
        z, n_nodes = _activation_input(onnx, producer, key, value, l)
        used += n_nodes
        node = take(z, ("Add", "MatMul") if meta.use_bias else ("MatMul",), l)
        b = None
        b_name = f"layer_{l}/b"
        if node.op_type == "Add":
            b_name, b = weight(node, l, "b")
            used += 1
            node = take(node.input[0], ("MatMul",), l)
        w_name, w = weight(node, l, "W")
        used += 1
        found.append(FoundLayer(w, b, w_name, b_name))
        value = node.input[0]
    if meta.scaling is not None:  # Div(Sub(features, mean), std) before layer 1
        div = take(value, ("Div",), 1)
        std_name, std = weight(div, 1, "the standard deviations")
        sub = take(div.input[0], ("Sub",), 1)
        mean_name, mean = weight(sub, 1, "the means")
        for name, arr, ref in ((mean_name, mean, meta.scaling.mean),
                               (std_name, std, meta.scaling.scale)):
            if arr.shape != ref.shape or not np.array_equal(arr, ref):
                raise WeightsError(f"initializer {quote(name)}: differs from the metadata's "
                                   "normalization")
        used += 2
        value = sub.input[0]
    if value != ONNX_INPUT_NAME:
        raise WeightsError(f"layer 1 reads {quote(value)}, expected the input "
                           f"{ONNX_INPUT_NAME!r}")
    if used != len(graph.node):
        raise WeightsError(f"the graph has {len(graph.node) - used} nodes that are not part of "
                           "the layers")
    found.reverse()
    return assemble(meta, found, "onnx")


def _names(names: list[str]) -> str:
    """At most three names, each shortened, for a message."""
    return "[" + ", ".join(quote(n) for n in names[:3]) + (", …]" if len(names) > 3 else "]")
