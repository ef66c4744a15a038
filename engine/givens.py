"""What a student needs on the table to work a phase by hand ("check my work") that the phase's
own explanation does not list, because it was computed in an earlier phase.

* backward, output layer: the prediction aᴸ and the target y (and zᴸ when the activation's
  derivative is written in z);
* backward, hidden layer l: the error δˡ⁺¹ coming back and aˡ (and zˡ likewise); with
  dropout f(zˡ), the activation before the mask, instead of aˡ (the mask is the
  explanation's own operand);
* update: each layer's weights and biases before the step, their gradients dW, db, and the
  optimiser's state before the step (momentum's v, Adam's m and v, RMSprop's v, Adagrad's s,
  per weight matrix).

Forward and loss phases list all their inputs already. Every array comes from the trace; each
operand is labelled like the explanation's (``engine.operands.labelled``).
"""

from __future__ import annotations

import numpy as np

from engine.activations import get_activation
from engine.layout import shown
from engine.losses import get_loss
from engine.network import Parameters
from engine.notation import sup
from engine.operands import Operand, labelled
from engine.optimizers import STATE_TABLES
from engine.program import Phase
from engine.trace import StepTrace


def phase_givens(trace: StepTrace, phase: Phase, activations: tuple[str, ...]
                 ) -> tuple[Operand, ...]:
    """The extra operands for ``phase`` (one that has run), labelled; () when none."""
    if phase.kind == "backward":
        ops = _backward(trace, phase.layer, activations)
    elif phase.kind == "update":
        ops = _update(trace)
    else:
        ops = []
    return tuple(shown(labelled(op, trace)) for op in ops)  # in the current layout


def _backward(trace: StepTrace, k: int, activations: tuple[str, ...]) -> list[Operand]:
    depth = len(activations)
    act = get_activation(activations[k - 1])
    s = sup(k)
    if k == depth:
        ops = [Operand(f"a{s}", trace.a[k], "prediction"),
               Operand("y", trace.y, "target")]
        needs_z = not (get_loss(trace.loss_name).combined or act.unit_derivative)
    else:
        ops = [Operand(f"δ{sup(k + 1)}", trace.delta[k + 1], f"error of layer {k + 1}")]
        if k in trace.undropped:  # f′ reads f(z), the activation before the dropout mask
            ops.append(Operand(f"{act.symbol}(z{s})", trace.undropped[k],
                               f"activations of layer {k} before dropout"))
        else:
            ops.append(Operand(f"a{s}", trace.a[k], f"activations of layer {k}"))
        needs_z = True
    if needs_z and "{z}" in act.derivative_template:
        ops.append(Operand(f"z{s}", trace.z[k], "pre-activations"))
    return ops


def _update(trace: StepTrace) -> list[Operand]:
    ops: list[Operand] = []
    state = trace.state_before
    spec = trace.optimizer
    for layer, (w, b) in enumerate(trace.params_before, start=1):
        s = sup(layer)
        ops += [Operand(f"W{s}", w, f"weights of layer {layer} before"),
                Operand(f"dW{s}", trace.dW[layer], "∂L/∂W")]
        db = trace.db.get(layer)
        if b is not None and db is not None:
            ops += [Operand(f"b{s}", b, f"biases of layer {layer} before"),
                    Operand(f"db{s}", db, "∂L/∂b")]
        if spec is None or state is None or trace.network is None:
            continue
        for symbol, key, _ in STATE_TABLES[spec.kind]:
            flat = state[key]  # type: ignore[literal-required]  # a key of STATE_TABLES
            view = Parameters(trace.network, np.array(flat, dtype=np.float64))
            ops.append(Operand(f"{symbol} (W{s}) before", view.weights(layer - 1),
                               "optimiser state before"))
    return ops
