"""The diagram's words: hover tooltips for edges and units, the texts under units, and the
legend's text for the normal view and for each phase. Plain functions of a snapshot and the
phase display shown (None in the normal view), so the view only places what they return."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.explain import fmt, sub
from engine.maps import CurveMaps
from engine.trace_display import EdgeQuantity, TraceDisplay, UnitQuantity
from session.present.formats import bias_symbol, format_value, short_value, weight_symbol
from session.snapshot import Snapshot

NORMAL_LEGEND = ("weight / bias / activation: orange, dashed negative · blue positive; "
                 "thicker edge = larger |w|; small corner square = bias")
NORMAL_COLORBAR_TIP = (
    "Edges and bias squares saturate at ±scale, the largest |w| or |b| in the network\n"
    "(TensorFlow Playground rules: fixed at ±1, and edges 1–10 px over |w| 0–5).\n"
    "Unit thumbnails use their activation's own range (tanh −1…1, sigmoid 0…1)."
)
PHASE_COLORBAR_TIP = ("Weights (edges, when they show w) and biases (corner squares) saturate "
                      "at ±scale.")


def column_name(snap: Snapshot, column: int, unit: int) -> str:
    if column == 0:
        return snap.data.feature_labels[unit]
    if column == snap.depth:
        return f"output unit {unit + 1}{_class_part(snap, unit)}"
    return f"layer {column} unit {unit + 1}"


def _class_part(snap: Snapshot, unit: int) -> str:
    """" (setosa)" for an output unit that stands for a class (one unit per class), else ""."""
    names = snap.data.output_unit_names(int(snap.sizes[-1]))
    return f" ({names[unit]})" if unit < len(names) else ""


DEAD_LINK_TEXT = ("dead link (TensorFlow Playground rules: L1 carried this weight across zero; "
                  "it no longer trains)")


def is_dead(snap: Snapshot, layer: int, i: int, j: int) -> bool:
    """Whether weight (layer, i, j) is a dead link in ``snap`` (TF rules, L1)."""
    dead = snap.dead_links
    return layer < len(dead) and np.shape(dead[layer]) == np.shape(snap.weights[layer]) \
        and bool(dead[layer][i, j])


def edge_tooltip(snap: Snapshot, tr: TraceDisplay | None, layer: int, i: int, j: int) -> str:
    """Weight (layer, i, j): its symbol and ends, w, and ∂L/∂w (or the phase's ∂L/∂w or Δw)."""
    w = float(snap.weights[layer][i, j])
    g = float(snap.grad_weights[layer][i, j])
    src, dst = column_name(snap, layer, i), column_name(snap, layer + 1, j)
    lines = [f"Weight {weight_symbol(layer, i, j, snap.layout)} ({src} → {dst})",
             f"w = {format_value(w)}"]
    if is_dead(snap, layer, i, j):
        lines.append(DEAD_LINK_TEXT)
    if tr is not None and tr.edge_kind is not EdgeQuantity.WEIGHT:
        e = tr.edge_values[layer]
        what = ("this step" if tr.edge_kind is EdgeQuantity.GRADIENT
                else "the change this update made")
        lines.append(f"{tr.edge_kind}: not computed yet in this step" if e is None
                     else f"{tr.edge_kind} = {fmt(float(e[i, j]))} ({what})")
    else:
        lines.append(f"∂L/∂w = {format_value(g)} (last step)")
    lines.append("double-click to edit" if tr is not None else "click to edit")
    return "\n".join(lines)


def _trace_unit_lines(snap: Snapshot, tr: TraceDisplay | None, column: int, j: int
                      ) -> list[str]:
    """Tooltip lines for a unit while phase stepping: its a and z, or δ, this step."""
    if tr is None:
        return []
    v = tr.unit_values[column]
    if v is None:
        return [f"this step: {tr.unit_kind} not computed yet"]
    mean = f" (batch mean of {tr.n_samples} samples)" if tr.n_samples > 1 else ""
    activation = tr.unit_kind is UnitQuantity.ACTIVATION
    if not activation:
        text = f"δ = {fmt(float(v[j]))} (= ∂L/∂z)"
    elif column == 0:
        text = f"{snap.data.feature_labels[j]} = {fmt(float(v[j]))}"
    else:
        z = tr.pre_activation[column]
        text = f"a = {fmt(float(v[j]))}" + ("" if z is None else f", z = {fmt(float(z[j]))}")
    lines = [f"this step: {text}{mean}"]
    if (activation and column == snap.depth and tr.loss is not None
            and tr.prediction is not None and tr.target is not None):
        lines.append(f"prediction ŷ = {fmt(float(tr.prediction[j]))}, "
                     f"target y = {fmt(float(tr.target[j]))}; loss L = {fmt(tr.loss)}")
    return lines


def _range_text(snap: Snapshot, column: int, j: int) -> str:
    v = snap.maps.units[column][j]
    finite = v[np.isfinite(v)]
    if not finite.size:
        return "not finite"
    return f"{short_value(float(finite.min()))} … {short_value(float(finite.max()))}"


def unit_tooltip(snap: Snapshot, tr: TraceDisplay | None, column: int, j: int) -> str:
    """A unit (or input feature): its layer and activation, bias and ∂L/∂b, the phase's value,
    and the range its map spans."""
    where = "along x₁" if isinstance(snap.maps, CurveMaps) else "over the plane"
    trace_lines = _trace_unit_lines(snap, tr, column, j)
    if column == 0:
        label = snap.data.feature_labels[j]
        return "\n".join([f"Input feature {label} (data, not trained)", *trace_lines,
                          f"value {where}: {_range_text(snap, 0, j)}"])
    layer = column - 1
    act = snap.activations[layer]
    if column == snap.depth:
        title = f"Output layer (layer {column}), unit {j + 1}{_class_part(snap, j)} ({act})"
    else:
        title = f"Layer {column}, unit {j + 1} ({act})"
    lines = [title, *trace_lines]
    b = snap.biases[layer]
    if b is None or not snap.use_bias:
        lines.append("no bias (biases are switched off)")
    else:
        gb = snap.grad_biases[layer]
        lines.append(f"bias {bias_symbol(layer, j)} = {format_value(float(b[j]))}")
        lines.append(
            f"∂L/∂b = {format_value(None if gb is None else float(gb[j]))} (last step)"
        )
    lines.append(f"activation {where}: {_range_text(snap, column, j)}")
    if b is not None and snap.use_bias:
        lines.append("double-click to edit the bias" if trace_lines
                     else "click to edit the bias")
    return "\n".join(lines)


def bias_text(b: float) -> str:
    """The number printed under a unit in the normal view of a small network."""
    return f"b={short_value(b)}"


def unit_value_text(snap: Snapshot, tr: TraceDisplay, column: int, j: int, v: float) -> str:
    """The number printed under a unit while phase stepping (small networks)."""
    if tr.unit_kind is UnitQuantity.ERROR:
        return f"δ={fmt(v)}"
    if column == 0:
        if snap.data.scaling is not None:  # the network reads X = (x − μ)/σ, not the raw value
            return f"X{sub(j + 1)}={fmt(v)}"
        return f"{snap.data.feature_labels[j]}={fmt(v)}"
    if column == snap.depth and tr.loss is not None and tr.prediction is not None:
        if tr.target is None:  # a batch: its mean target would be no sample's target
            return f"ŷ={fmt(float(tr.prediction[j]))}"
        return f"ŷ={fmt(float(tr.prediction[j]))} · y={fmt(float(tr.target[j]))}"
    return f"a={fmt(v)}"


@dataclass(frozen=True)
class PhaseLegend:
    """The legend row's text while phase stepping, and its longer tooltip."""

    text: str
    tooltip: str


def phase_legend(tr: TraceDisplay, unit_scale: float | None, dimmed: bool) -> PhaseLegend:
    """What edges, unit frames, corner squares and (``dimmed``) veils mean in this phase;
    ``unit_scale`` is the δ colour scale when units show δ."""
    if tr.edge_kind is EdgeQuantity.WEIGHT:
        edges, more = "Edges: weights w.", " Thicker = larger |w|."
    elif tr.edge_kind is EdgeQuantity.GRADIENT:
        edges = "Edges ∂L/∂w: purple, dashed − · green +."
        more = (" ∂L/∂w of this step, each layer on its own scale (listed below the bars); "
                "thicker = larger |∂L/∂w| within its layer.")
    else:
        edges = "Edges Δw: purple, dashed − · green +."
        more = (" Δw is the change this update made, each layer on its own scale (listed "
                "below the bars); thicker = larger |Δw| within its layer.")
    if tr.unit_kind is UnitQuantity.ERROR:
        units = f"Units δ: orange − · blue + (±{unit_scale:.2g})."
    else:
        units = "Units a: orange low · blue high."
    faded = " Faded = not yet computed." if dimmed else ""
    return PhaseLegend(
        f"{edges} {units}{faded}",
        f"{edges}{more}\n{units} Each unit's frame colour and number are its value in "
        "this phase (the batch mean for a batch).\nCorner squares: biases b, on the "
        f"w, b scale.{faded}",
    )


def gradient_bar_tip(quantity: EdgeQuantity) -> str:
    """Tooltip of the second colour bar, shown while edges show ∂L/∂w or Δw."""
    return (f"{quantity} on its own purple–green scale (not the weights'), per layer: each "
            f"layer's edges saturate at ± that layer's largest |{quantity}| (max), listed below "
            "the bars.")


def block_input_tooltip(snap: Snapshot, i: int, sample: int | None) -> str:
    """Input ``i`` of a block of inputs: its name and (image data) pixel, its value in the
    sample the block shows, and the range of its weights into the first layer."""
    label = snap.data.feature_labels[i]
    shape = snap.data.image_shape
    where = f", pixel row {i // shape[1] + 1}, column {i % shape[1] + 1}" if shape else ""
    lines = [f"Input {label} ({i + 1} of {snap.sizes[0]}{where}; data, not trained)"]
    if sample is not None and sample < len(snap.data.x_train):
        lines.append(f"training sample {sample + 1}: {label} = "
                     f"{format_value(float(snap.data.x_train[sample][i]))} (raw)")
    w = np.asarray(snap.weights[0][i], dtype=np.float64)
    if w.size and np.isfinite(w).any():
        lo, hi = int(np.nanargmin(w)), int(np.nanargmax(w))
        low, high = (weight_symbol(0, i, k, snap.layout) for k in (lo, hi))
        lines.append(f"its weights into layer 1: {low} = "
                     f"{format_value(float(w[lo]))} … {high} = "
                     f"{format_value(float(w[hi]))}")
    lines.append("each band carries one unit's weights in input order: hover a band to "
                 "read one")
    return "\n".join(lines)


def hover_tooltip(snap: Snapshot | None, tr: TraceDisplay | None, hover: tuple | None,
                  block: bool, sample: int | None) -> str:
    """The tooltip of ``hover`` (("edge", layer, i, j) or ("unit", column, j)); ``block``: the
    inputs are drawn as a block showing training sample ``sample``. "" for nothing."""
    if hover is None or snap is None:
        return ""
    if hover[0] == "edge":
        return edge_tooltip(snap, tr, *hover[1:])
    if hover[1] == 0 and block:
        return block_input_tooltip(snap, hover[2], sample)
    return unit_tooltip(snap, tr, *hover[1:])
