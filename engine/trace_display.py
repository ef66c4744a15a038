"""What the network diagram shows during a phase step: per column the numbers its units show
(the traced sample's, or the batch mean) and, in backward and update phases, each edge's ∂L/∂w
or Δw, with a caption. Read from the engine's ``StepTrace``; the window only draws it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from engine.notation import fmt, sup
from engine.program import Phase
from engine.trace import StepTrace


class UnitQuantity(StrEnum):
    """What the diagram's units show during a phase step (the value is its symbol)."""

    ACTIVATION = "a"
    ERROR = "δ"


class EdgeQuantity(StrEnum):
    """What the diagram's edges show during a phase step (the value is its symbol)."""

    WEIGHT = "w"
    GRADIENT = "∂L/∂w"
    CHANGE = "Δw"


@dataclass(frozen=True)
class TraceDisplay:
    """What the diagram shows during a phase.

    Columns: 0 = inputs, l = layer l. ``unit_values[c]`` holds the numbers column c shows
    (shape (n_c,)), or None where nothing is computed yet (dimmed). ``edge_values[l-1]`` is an
    (n_in, n_out) array for weight layer l (∂L/∂W in backward phases, W_new − W_old in the
    update), or None to draw the weights themselves.
    """

    phase: str
    active_column: int
    unit_values: tuple[np.ndarray | None, ...]
    unit_kind: UnitQuantity
    pre_activation: tuple[np.ndarray | None, ...]
    edge_values: tuple[np.ndarray | None, ...]
    edge_kind: EdgeQuantity
    prediction: np.ndarray | None
    target: np.ndarray | None
    loss: float | None
    n_samples: int
    caption: str


def phase_display(trace: StepTrace, position: int, phases: tuple[Phase, ...],
                  depth: int) -> TraceDisplay:
    """What each column shows after ``position`` phases of the step have run."""
    done = phases[:position]
    last = done[-1] if done else None
    n = len(trace.indices)
    def mean(a: np.ndarray) -> np.ndarray:
        return a[0].copy() if n == 1 else a.mean(axis=0)

    values: list[np.ndarray | None] = [mean(trace.x)] + [None] * depth
    pre: list[np.ndarray | None] = [None] * (depth + 1)
    edges: list[np.ndarray | None] = [None] * depth
    kind, edge_kind, active = UnitQuantity.ACTIVATION, EdgeQuantity.WEIGHT, 0
    forward_done = [p.layer for p in done if p.kind == "forward"]
    for layer in forward_done:
        values[layer] = mean(trace.a[layer])
        pre[layer] = mean(trace.z[layer])
    backward_done = [p.layer for p in done if p.kind == "backward"]
    if backward_done and (last is not None and last.kind == "backward"):
        kind, edge_kind = UnitQuantity.ERROR, EdgeQuantity.GRADIENT
        values = [None] * (depth + 1)
        for layer in backward_done:
            values[layer] = mean(trace.delta[layer])
            edges[layer - 1] = trace.dW[layer]
    if last is not None and last.kind == "update" and trace.params_after is not None:
        edge_kind = EdgeQuantity.CHANGE
        edges = [w1 - w0 for (w0, _), (w1, _) in zip(trace.params_before, trace.params_after,
                                                     strict=True)]
    if last is None:
        active, caption = 0, "Ready: the next phase is the forward pass through layer 1."
    elif last.kind == "forward":
        active = last.layer
        caption = f"Forward through layer {last.layer}: units show a{sup(last.layer)}"
        caption += _dropout_caption(trace, last.layer)
    elif last.kind == "loss":
        active = depth
        loss_text = "?" if trace.loss is None else fmt(trace.loss)
        caption = f"Loss L = {loss_text}: output against target"
    elif last.kind == "backward":
        active = last.layer
        caption = f"Backward through layer {last.layer}: units show δ, edges ∂L/∂w"
    else:
        active = -1
        caption = "Update: edges show how much each weight changed (Δw)"
    if n > 1:
        caption += f" — batch of {n}, numbers are batch means"
    else:
        caption += f" — sample #{int(trace.indices[0]) + 1}"
    loss_known = trace.loss is not None and last is not None and last.kind != "forward"
    return TraceDisplay(
        phase=last.label if last is not None else "start",
        active_column=active,
        unit_values=tuple(values),
        unit_kind=kind if last is not None and last.kind != "update" else UnitQuantity.ACTIVATION,
        pre_activation=tuple(pre),
        edge_values=tuple(edges),
        edge_kind=edge_kind,
        prediction=mean(trace.a[depth]) if depth in trace.a else None,
        # a mean target (0.5 for labels 0 and 1) is no sample's target: show it for one sample
        target=trace.y[0].copy() if loss_known and n == 1 else None,
        # L, the reduced batch loss, as the inspector names it (with a sum reduction, not
        # the mean per sample)
        loss=trace.loss if loss_known else None,
        n_samples=n,
        caption=caption,
    )


def _dropout_caption(trace: StepTrace, layer: int) -> str:
    """", dropout dropped units 2 and 4" (one sample) or ", dropout kept 79 % of units" (a
    batch) for a layer with dropout; "" otherwise."""
    mask = trace.mask.get(layer)
    if mask is None:
        return ""
    if mask.shape[0] == 1:
        dropped = [str(j + 1) for j in np.flatnonzero(mask[0] == 0.0)]
        if not dropped:
            return ", dropout dropped no unit this step"
        names = dropped[0] if len(dropped) == 1 else ", ".join(dropped[:-1]) + " and " + \
            dropped[-1]
        return f", dropout dropped unit{'s' * (len(dropped) > 1)} {names} (shown as 0)"
    return f", dropout kept {100 * float(mask.mean()):.0f} % of its units"
