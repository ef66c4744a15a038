"""ONNX export: the network as a float64 graph of MatMul, Add and activation nodes.

The graph reads ``features`` [N, n_features] — the network's *input features* (x1, x2, x1²,
sin(x1) … in the scenario's order), not the raw inputs — with a dynamic batch dimension named
``N``, and writes ``output`` [N, K]. Per layer l = 1 … L::

    layer_l/MatMul:  features (or layer_{l-1}/a) @ layer_l/W  -> layer_l/matmul
    layer_l/Add:     layer_l/matmul + layer_l/b                -> layer_l/z     (with biases)
    layer_l/<Act>:   activation(layer_l/z)                     -> layer_l/a   ("output" last)

with each activation's own operator (``Activation.onnx``: Sigmoid, Tanh, Relu, LeakyRelu with
alpha 0.01, Sin for sine, Identity for linear, Softmax over axis -1) or, where there is no
single standard operator that onnxruntime runs in float64, a small graph of standard ones
(``layer_l/<key>/…`` values, 0-d DOUBLE Constant nodes):

* elu: Relu, Sub → m = min(z, 0); e^m − 1 as Tanh(m/2)·(Exp(m) + 1); Add (onnxruntime has no
  float64 Elu);
* softplus: Relu(z) + Log(1 + Exp(−Abs(z))) (no float64 Softplus either);
* silu: z·Sigmoid(z);
* gelu: z·0.5·(1 + Erf(z·(1/√2))) — opset 17 has Erf, but onnxruntime (1.32) has no float64
  Erf kernel, so onnxruntime refuses this graph; onnx's reference evaluator and runtimes with
  a float64 Erf run it;
* gelu_tanh: z·0.5·(1 + Tanh(√(2/π)·(z + 0.044715·z³))), PyTorch's order of operations.

Weights are initializers named
``layer_l/W`` (n_in, n_out) and ``layer_l/b`` (n_out,). Everything is DOUBLE (float64), so
onnxruntime reproduces the engine to rounding (about 1e-15). One exception: ONNX stores
LeakyRelu's alpha as a float32 attribute, 0.009999999776…, so the negative side of a leaky
ReLU differs by 2.2e-10·|z| (far below the 1e-6 the tests ask).

The model's doc_string explains the input, and ``metadata_props`` hold the same JSON metadata
as the NPZ export (key ``backprop_playground``) plus readable ``features``, ``activations``,
``architecture``, ``use_bias`` and ``loss`` entries. Opset 17 and IR version 8 keep the file
readable by onnxruntime 1.13 and later.

``onnx`` is an optional dependency, imported only when needed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.activation_types import Z
from engine.activations import ACTIVATIONS, get_activation
from engine.export_common import finite_layers, weights_metadata
from engine.features import FEATURES
from engine.io.formats import ONNX_INPUT_NAME as INPUT_NAME
from engine.io.formats import ONNX_METADATA_KEY as METADATA_KEY
from engine.io.formats import ONNX_OUTPUT_NAME as OUTPUT_NAME

if TYPE_CHECKING:
    from engine.trainer import Trainer

ONNX_OPSET = 17
ONNX_IR_VERSION = 8
BATCH_DIM = "N"
ONNX_OPS = {key: act.onnx.op_type for key, act in ACTIVATIONS.items()}
"""Engine activation -> ONNX operator (read from each ``Activation.onnx``)."""
ONNX_MISSING = (
    'ONNX needs the optional onnx package: pip install -e ".[onnx]" '
    "(or .venv/bin/pip install onnx)"
)


class OnnxUnavailableError(ImportError):
    """The optional ``onnx`` package is not installed; the message says how to install it."""


def require_onnx() -> Any:
    """The ``onnx`` module, or OnnxUnavailableError with installation instructions."""
    try:
        import onnx
    except ImportError:
        raise OnnxUnavailableError(ONNX_MISSING) from None
    return onnx


def _feature_text(keys: list[str], names: list[str] | None = None) -> str:
    if len(keys) > 16:
        return f"{keys[0]} … {keys[-1]}, the {len(keys)} raw input columns"
    labels = names or [FEATURES[k].label if k in FEATURES else k for k in keys]
    return ", ".join(k if label == k else f"{k} = {label}" for k, label in zip(keys, labels,
                                                                              strict=True))


def activation_nodes(helper: Any, numpy_helper: Any, key: str, z: str, out: str,
                     prefix: str) -> list[Any]:
    """The nodes applying activation ``key`` to value ``z``, writing ``out``: its one
    operator (named ``<prefix>/<Op>``), or its graph (``OnnxOp.graph``), whose inner values and
    0-d DOUBLE constants are named ``<prefix>/<key>/t<k>`` and ``<prefix>/<key>/c<k>_<i>``."""
    op = get_activation(key).onnx
    if not op.graph:
        return [helper.make_node(op.op_type, [z], [out], name=f"{prefix}/{op.op_type}",
                                 **op.attribute_dict())]
    nodes = []
    last = len(op.graph) - 1
    for k, node in enumerate(op.graph):
        inputs = []
        for i, ref in enumerate(node.inputs):
            if isinstance(ref, float):
                const = f"{prefix}/{key}/c{k}_{i}"
                value = numpy_helper.from_array(np.array(ref, dtype=np.float64), const)
                nodes.append(helper.make_node("Constant", [], [const], name=const, value=value))
                inputs.append(const)
            else:
                inputs.append(z if ref == Z else f"{prefix}/{key}/{ref}")
        nodes.append(helper.make_node(
            node.op_type, inputs, [out if k == last else f"{prefix}/{key}/t{k}"],
            name=f"{prefix}/{key}/{k}_{node.op_type}", **dict(node.attributes)))
    return nodes


def build_onnx_model(trainer: Trainer) -> Any:
    """The trainer's network as an ``onnx.ModelProto`` (checked with onnx.checker)."""
    onnx = require_onnx()
    from onnx import TensorProto, helper, numpy_helper

    from engine import __version__

    layers = finite_layers(trainer)
    meta = weights_metadata(trainer)
    spec = trainer.spec
    sizes = list(spec.sizes)
    nodes = []
    inits = []
    prev = INPUT_NAME
    scaling = trainer.split.scaling
    if scaling is not None:  # standardisation inside the graph: the model takes raw features
        inits.append(numpy_helper.from_array(scaling.mean.copy(), "input/mean"))
        inits.append(numpy_helper.from_array(scaling.scale.copy(), "input/std"))
        nodes.append(helper.make_node("Sub", [prev, "input/mean"], ["input/centred"],
                                      name="input/Sub"))
        nodes.append(helper.make_node("Div", ["input/centred", "input/std"],
                                      ["input/standardised"], name="input/Div"))
        prev = "input/standardised"
    for l, ((w, b), layer) in enumerate(zip(layers, spec.layers, strict=True), start=1):
        p = f"layer_{l}"
        inits.append(numpy_helper.from_array(np.ascontiguousarray(w, np.float64), f"{p}/W"))
        z = f"{p}/z"
        if b is not None:
            inits.append(numpy_helper.from_array(np.ascontiguousarray(b, np.float64), f"{p}/b"))
            nodes.append(helper.make_node("MatMul", [prev, f"{p}/W"], [f"{p}/matmul"],
                                          name=f"{p}/MatMul"))
            nodes.append(helper.make_node("Add", [f"{p}/matmul", f"{p}/b"], [z],
                                          name=f"{p}/Add"))
        else:
            nodes.append(helper.make_node("MatMul", [prev, f"{p}/W"], [z], name=f"{p}/MatMul"))
        out = OUTPUT_NAME if l == spec.depth else f"{p}/a"
        nodes += activation_nodes(helper, numpy_helper, layer.activation, z, out, p)
        prev = out

    features = list(meta["features"])
    arch = "-".join(str(n) for n in sizes)
    acts = ", ".join(meta["activations"])
    doc = (
        f"Backprop Playground network {arch} (activations {acts}; "
        f"biases {'yes' if spec.use_bias else 'no'}; trained {trainer.epoch} epochs with "
        f"loss {meta['loss']}). Input '{INPUT_NAME}' [N, {sizes[0]}] float64 holds the "
        f"network's input FEATURES, computed from the raw inputs in this order: "
        f"{_feature_text(features, meta.get('input_names'))}"
        f"{'; the graph standardises them first (input/mean, input/std)' if scaling else ''}. "
        f"Output '{OUTPUT_NAME}' [N, {sizes[-1]}] float64 is the "
        f"output layer's activation. Convention: {meta['convention']}."
    )
    graph = helper.make_graph(
        nodes,
        "backprop_playground",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.DOUBLE, [BATCH_DIM, sizes[0]])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.DOUBLE,
                                       [BATCH_DIM, sizes[-1]])],
        inits,
        doc_string=doc,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", ONNX_OPSET)],
        ir_version=ONNX_IR_VERSION,
        producer_name="Backprop Playground",
        producer_version=__version__,
        doc_string=doc,
    )
    helper.set_model_props(model, {
        METADATA_KEY: json.dumps(meta),
        "features": ",".join(features),
        "feature_formulas": _feature_text(features, meta.get("input_names")),
        "activations": ",".join(meta["activations"]),
        "architecture": ",".join(str(n) for n in sizes),
        "use_bias": "true" if spec.use_bias else "false",
        "loss": meta["loss"],
    })
    onnx.checker.check_model(model, full_check=True)
    return model


def weights_to_onnx_bytes(trainer: Trainer) -> bytes:
    """The serialized ONNX model."""
    return build_onnx_model(trainer).SerializeToString()
