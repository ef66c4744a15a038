"""How each δ of a traced step came about, term by term (issue 12's complete chain rule):
at the output, δᴸⱼ = c·(a − y) (a cross-entropy with its activation) or ∂L/∂a · f′(z); in a
hidden layer, δˡⱼ = f′(zˡⱼ) · Σₖ wˡ⁺¹ⱼ,ₖ δˡ⁺¹ₖ with every term written out (with dropout,
times mˡⱼ/(1 − p): 0 for a dropped unit). One line per sample; every number is the trace's
own (what the engine computed)."""

from __future__ import annotations

import numpy as np

from engine.activations import get_activation
from engine.layout import next_weight_sum
from engine.losses import get_loss
from engine.notation import bracketed as _b
from engine.notation import checkable, fmt, sub, sup
from engine.operands import ChainLine, DeltaRef
from engine.trace import StepTrace


def delta_lines(trace: StepTrace, layer: int, j: int,
                expanded: frozenset[DeltaRef] = frozenset(), indent: int = 0) -> list[ChainLine]:
    """The lines explaining δˡⱼ for each sample (``layer`` 1-based, ``j`` 0-based), each term's
    δˡ⁺¹ₖ expandable; after them, how each δ in ``expanded`` that they use came about, and so
    on down to the output. Empty when the trace has not reached δˡⱼ or the activation has no
    elementwise derivative."""
    spec = trace.network
    if spec is None or layer not in trace.delta:
        return []
    depth = spec.depth
    act = get_activation(spec.layers[layer - 1].activation)
    d_name = f"δ{sup(layer)}{sub(j + 1)}"
    n_samples = len(trace.indices)
    lines = []
    for n, index in enumerate(trace.indices):
        tag = f"   (sample #{int(index) + 1})" if n_samples > 1 else ""
        delta = float(trace.delta[layer][n, j])
        if layer == depth:
            line = _output_line(trace, layer, j, n, d_name, act, delta)
        else:
            if act.derivative_function is None or layer + 1 not in trace.delta:
                return []
            mask = trace.mask.get(layer)
            if mask is not None and mask[n, j] == 0.0:
                lines.append(ChainLine.plain(_dropped_line(d_name, layer, j) + tag, indent))
                continue
            # with dropout, f′ reads f(z) before the mask, and a kept unit's δ has 1/(1 − p)
            z, a = trace.z[layer][n, j], trace.undropped.get(layer, trace.a[layer])[n, j]
            slope = float(act.derivative(z, a))
            w_next = trace.params_before[layer][0][j]  # (n_{l+1},): out of unit j
            d_next = trace.delta[layer + 1][n]
            keep, factor = 1.0, ""
            if mask is not None:
                keep = 1.0 / (1.0 - spec.layers[layer - 1].dropout)
                factor = f"m{sup(layer)}{sub(j + 1)}/(1 − p) · "
            shown: tuple[object, ...] = (slope, w_next, d_next)
            if mask is not None:  # the factor is a number on the line: shown like the rest
                shown = (slope, keep, w_next, d_next)
            with checkable(shown, lambda *v: float(np.prod(v[:-2])) * float(v[-2] @ v[-1]),
                           delta) as r:
                scale = f"{fmt(keep)} × " if mask is not None else ""
                parts: list[tuple[str, DeltaRef | None]] = [
                    (f"{d_name} = {act.symbol}′(z{sup(layer)}{sub(j + 1)}) · {factor}"
                     f"{next_weight_sum(layer, j)} = {fmt(slope)} × {scale}(", None)]
                for k, (w, d) in enumerate(zip(w_next, d_next, strict=True)):
                    parts += [(" + " if k else "", None), (f"{_b(w)}×", None),
                              (_b(d), (layer + 1, k))]
                parts.append((f") = {fmt(delta, r)}{tag}", None))
            lines.append(ChainLine(tuple(parts), indent))
            continue
        if line is None:
            return []
        lines.append(ChainLine.plain(line + tag, indent))
    if layer < depth:
        for k in range(spec.layers[layer].units):
            if (layer + 1, k) in expanded:
                lines.append(ChainLine.plain(f"how δ{sup(layer + 1)}{sub(k + 1)} came about:",
                                             indent + 1))
                lines += delta_lines(trace, layer + 1, k, expanded, indent + 1)
    return lines


def _dropped_line(d_name: str, layer: int, j: int) -> str:
    """δ of a unit dropout dropped in this step: 0, and why."""
    m_name = f"m{sup(layer)}{sub(j + 1)}"
    return (f"{d_name} = 0: dropout dropped unit {j + 1} of layer {layer} in this step "
            f"({m_name} = 0), so no error flows back through it")


def _output_line(trace: StepTrace, layer: int, j: int, n: int, d_name: str,
                 act: object, delta: float) -> str | None:
    """δᴸⱼ of one sample, as its loss defines it, ending "= δ"."""
    from engine.activations import Activation

    assert isinstance(act, Activation)
    loss = get_loss(trace.loss_name)
    n_samples, k_out = trace.y.shape
    c = loss.error_scale(trace.reduction, n_samples, k_out)
    a, y = float(trace.a[layer][n, j]), float(trace.y[n, j])
    out = "ŷ" if k_out == 1 else f"ŷ{sub(j + 1)}"  # the prediction, aᴸⱼ
    if loss.combined:
        with checkable((c, a, y), lambda k, p, t: k * (p - t), delta) as r:
            return (f"{d_name} = c·({out} − y) = {fmt(c)} × ({fmt(a)} − {fmt(y)}) = "
                    f"{fmt(delta, r)}")
    if act.derivative_function is None:
        return None
    slope = float(act.derivative(trace.z[layer][n, j], trace.a[layer][n, j]))
    with checkable((c, a, y, slope), lambda k, p, t, f: k * (p - t) * f, delta) as r:
        return (f"{d_name} = ∂L/∂{out} · {act.symbol}′(z) = {fmt(c)}×({fmt(a)} − {fmt(y)}) × "
                f"{fmt(slope)} = {fmt(delta, r)}")


def bias_gradient(trace: StepTrace, layer: int, j: int) -> float:
    """∂L/∂bˡⱼ as the backward pass computed it (Σₙ δˡⱼ)."""
    db = trace.db.get(layer)
    return float(db[j]) if db is not None else float(trace.delta[layer][:, j].sum())


def bias_lines(trace: StepTrace, layer: int, j: int,
               expanded: frozenset[DeltaRef] = frozenset()) -> list[ChainLine]:
    """∂L/∂bˡⱼ = Σₙ δˡⱼ with every term, then how each δ came about (``layer`` 1-based)."""
    if layer not in trace.delta:
        raise ValueError(f"the backward pass has not reached layer {layer} yet")
    errors = trace.delta[layer][:, j]
    gradient = bias_gradient(trace, layer, j)
    name, d_name = f"b{sup(layer)}{sub(j + 1)}", f"δ{sup(layer)}{sub(j + 1)}"
    if len(errors) == 1:
        first = f"∂L/∂{name} = {d_name} = {fmt(gradient)}"
    else:
        with checkable((errors,), lambda e: float(np.sum(e)), gradient) as r:
            first = (f"∂L/∂{name} = Σₙ {d_name} = " + " + ".join(_b(e) for e in errors)
                     + f" = {fmt(gradient, r)}")
    return [ChainLine.plain(first), *delta_lines(trace, layer, j, expanded)]
