"""Turn a step's trace into what the inspector shows: equations with the real numbers and the
chain rule for one weight or bias (what the diagram shows is ``engine.trace_display``).

Everything here reads the engine's own ``StepTrace``; the window formats and draws it but never
recomputes a number. Notation follows the worked-example notebook: layer l is written with a
superscript (z¹, a¹, W², δ²), a⁰ is the input X, and y is the target.

* ``explain_phase`` → ``Explanation``: the phase's equations, symbolic and (for small operands)
  filled in with numbers, plus every operand as a labelled matrix with its shape.
* ``explain_weight`` → ``WeightChain``: ∂L/∂wˡᵢⱼ = Σₙ aˡ⁻¹ᵢ·δˡⱼ with every term, and the update.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine import layout as lay
from engine.activations import Activation, get_activation
from engine.chain_rule import bias_gradient, bias_lines, delta_lines
from engine.losses import Loss, get_loss
from engine.notation import bracketed as _b
from engine.notation import checkable, fmt, sub, sup
from engine.operands import ChainLine, DeltaRef, Operand, WeightChain, input_name, labelled
from engine.program import Phase
from engine.trace import StepTrace
from engine.update_rule import (
    parameter_update,
    rule_lines,
    state_arrays,
    update_lines,
    update_note,
)

PREDICTION = "ŷ"
"""The prediction's one name (the diagram's too): the output layer's activation aᴸ."""
FILL_LIMIT = 12
"""Operands with at most this many numbers are also written inline in the equations."""


def fmt_array(a: np.ndarray, digits: int | None = None) -> str:
    """[0.1, 0.2] or [[…], […]] with fmt'd numbers (only used for small arrays)."""
    a = np.asarray(a)
    if a.ndim == 0:
        return fmt(float(a), digits)
    if a.ndim == 1:
        return "[" + ", ".join(fmt(v, digits) for v in a) + "]"
    return "[" + ", ".join(fmt_array(row, digits) for row in a) + "]"


@dataclass(frozen=True)
class Explanation:
    title: str
    rules: tuple[str, ...]
    """The phase's equations in symbols, and the givens (η, the inputs of one sample)."""
    operands: tuple[Operand, ...]
    note: str
    worked: tuple[str, ...] = ()
    """The equations with this phase's numbers filled in (its results): what "check my work"
    hides until the student has answered."""
    results: tuple[str, ...] = ()
    """Names of the operands this phase computes (z¹ and a¹ in forward 1, δ², dW² … in
    backward 2, W¹ (new) … in the update), as opposed to the ones it reads."""

    @property
    def equations(self) -> tuple[str, ...]:
        """Every line: the rules, then the worked numbers."""
        return self.rules + self.worked


def _mean_note(trace: StepTrace) -> str:
    n = len(trace.indices)
    if n == 1:
        return (f"One sample (training sample #{int(trace.indices[0]) + 1}): every number is "
                "its own.")
    where = "column" if lay.columns() else "row"
    return (f"A batch of {n} samples: matrices have one {where} per sample; the diagram shows "
            "the batch mean.")


def _reduction_text(trace: StepTrace) -> str:
    n = len(trace.indices)
    if trace.reduction == "sum":
        return "Reduction: sum over the batch (gradients add up, as in the notebooks)."
    return f"Reduction: mean over the batch, so δ carries a factor 1/N = 1/{n}."


def explain_phase(trace: StepTrace, phase: Phase, activations: tuple[str, ...],
                  use_bias: bool, tf_rules: bool = False) -> Explanation:
    """Equations, filled-in numbers and operands of one phase that has run (``tf_rules``:
    TensorFlow Playground's rules are on, so the update names its L1 clamp), in the current
    layout (``engine.layout``); every table's rows and columns are labelled."""
    e = _explain_phase(trace, phase, activations, use_bias, tf_rules)
    return replace(e, operands=tuple(lay.shown(labelled(op, trace)) for op in e.operands))


def _vec(values: np.ndarray, digits: int | None = None) -> str:
    """One sample's vector as the layout writes it: [0.1, 0.2] in rows, [0.1, 0.2]ᵀ in
    columns."""
    return lay.vector_text(values, fmt_array(values, digits))


def _mat(w: np.ndarray) -> str:
    """A weight matrix as the layout writes it: (n_in, n_out) in rows, transposed in columns."""
    return fmt_array(w.T if lay.columns() else w)


def _explain_phase(trace: StepTrace, phase: Phase, activations: tuple[str, ...],
                   use_bias: bool, tf_rules: bool = False) -> Explanation:
    depth = len(activations)
    k = phase.layer
    small = len(trace.indices) == 1
    if phase.kind == "forward":
        act = get_activation(activations[k - 1])
        prev = "X" if k == 1 else f"a{sup(k - 1)}"
        w, b = trace.params_before[k - 1]
        z, a = trace.z[k], trace.a[k]
        mask = trace.mask.get(k)
        eq = [f"z{sup(k)} = {lay.product(prev, f'W{sup(k)}')}"
              + (f" + b{sup(k)}" if use_bias else ""),
              ("ŷ = " if k == depth else "") + f"a{sup(k)} = {act.symbol}(z{sup(k)})"
              + (f" ⊙ m{sup(k)} / (1 − p)" if mask is not None else "")]
        if "=" in act.formula and not act.unit_derivative:
            eq.append(act.formula)  # what the symbol computes, e.g. GELU(z) = z·Φ(z)
        ops = [Operand("X" if k == 1 else f"a{sup(k - 1)}", trace.a[k - 1],
                       "inputs (features)" if k == 1 else f"activations of layer {k - 1}"),
               Operand(f"W{sup(k)}", w, f"weights into layer {k}")]
        if b is not None:
            ops.append(Operand(f"b{sup(k)}", b, f"biases of layer {k}"))
        ops.append(Operand(f"z{sup(k)}", z, "pre-activations"))
        if mask is not None:
            eq += dropout_rule(trace, k)
            ops.append(mask_operand(trace, k))
        ops.append(Operand(f"a{sup(k)}", a, f"activations ({act.title})"
                           + (", after dropout" if mask is not None else "")))
        if k == 1 and trace.scaling is not None and trace.x_raw is not None:
            eq[:0], extra = _standardise(trace, small)
            ops[:0] = extra
        worked = []
        if small and _fits(trace.a[k - 1], w, z):
            x0, bias = trace.a[k - 1][0], (np.zeros(w.shape[1]) if b is None else b)
            with checkable((x0, w, bias), lambda x, m, c: x @ m + c, z[0]) as r:
                bias_part = f" + {_vec(b)}" if b is not None else ""
                worked.append(f"z{sup(k)} = {lay.product(_vec(x0), _mat(w))}"
                              f"{bias_part} = {_vec(z[0], r)}")
            if mask is not None:
                keep = 1.0 - dropout_rate(trace, k)
                with checkable((z[0], mask[0], keep),
                               lambda v, m, q: act.function(v) * m / q, a[0]) as r:
                    worked.append(f"a{sup(k)} = {act.symbol}({_vec(z[0])}) ⊙ "
                                  f"{_vec(mask[0])} / {fmt(keep)} = {_vec(a[0], r)}")
            else:
                with checkable((z[0],), act.function, a[0]) as r:
                    worked.append(f"a{sup(k)} = {act.symbol}({_vec(z[0])}) = "
                                  f"{_vec(a[0], r)}")
        title = ("Forward: output layer" if k == depth else f"Forward: hidden layer {k}")
        return Explanation(title, tuple(eq), tuple(ops), _mean_note(trace), tuple(worked),
                           (f"z{sup(k)}", f"a{sup(k)}"))
    if phase.kind == "loss":
        out = PREDICTION
        eq = [get_loss(trace.loss_name).formula_text(trace.reduction, out),
              f"ŷ = a{sup(depth)}: the prediction (the output layer's activation)"]
        loss_ops = (Operand(out, trace.a[depth], f"prediction (a{sup(depth)})"),
                    Operand("y", trace.y, "target"),
                    Operand("ℓ", np.asarray(trace.sample_loss), "loss of each sample"))
        if small:
            eq.append(f"{out} = {fmt_array(trace.a[depth][0])},  y = {fmt_array(trace.y[0])}")
        worked = [f"L = {fmt(trace.loss)}" if trace.loss is not None else "L = ?"]
        if trace.reduction == "sum" and len(trace.indices) > 1 and trace.sample_loss is not None:
            worked.append(f"(mean per sample: {fmt(float(np.mean(trace.sample_loss)))})")
        worked.extend(_output_gradient(trace, out, depth))
        return Explanation("Loss", tuple(eq), loss_ops, _mean_note(trace) + " "
                           + _reduction_text(trace), tuple(worked), ("ℓ",))
    if phase.kind == "backward":
        d = trace.delta[k]
        act = get_activation(activations[k - 1])
        scale = "" if trace.reduction == "sum" or len(trace.indices) == 1 else "(1/N)·"
        prev = "X" if k == 1 else f"a{sup(k - 1)}"
        if k == depth:
            eq = [_output_delta(get_loss(trace.loss_name), act, depth, scale)]
        else:
            back = lay.backprop_product(f"δ{sup(k + 1)}", f"W{sup(k + 1)}")
            if k in trace.mask:  # f′ reads f(z), the activation before the mask
                eq = [f"δ{sup(k)} = ({back}) ⊙ {act.symbol}′(z{sup(k)}) ⊙ m{sup(k)} / (1 − p),"
                      "   " + act.derivative_text(a=f"{act.symbol}(z{sup(k)})", z=f"z{sup(k)}"),
                      *dropout_rule(trace, k)]
            else:
                eq = [f"δ{sup(k)} = ({back}) ⊙ {act.symbol}′(z{sup(k)}),   "
                      + act.derivative_text(a=f"a{sup(k)}", z=f"z{sup(k)}")]
        eq.append(f"dW{sup(k)} = {lay.weight_gradient(prev, f'δ{sup(k)}')}")
        if use_bias:
            eq.append(f"db{sup(k)} = Σₙ δ{sup(k)}")
        ops = [Operand(f"δ{sup(k)}", d, "∂L/∂z: error at each unit")]
        if k in trace.mask:
            ops.insert(0, mask_operand(trace, k))
        if k < depth:
            ops.insert(0, Operand(f"W{sup(k + 1)}", trace.params_before[k][0],
                                  f"weights out of layer {k}"))
        ops += [Operand(prev, trace.a[k - 1], "inputs to this layer"),
                Operand(f"dW{sup(k)}", trace.dW[k], "∂L/∂W")]
        db = trace.db.get(k)
        if db is not None:
            ops.append(Operand(f"db{sup(k)}", db, "∂L/∂b"))
        worked = []
        if small and d.size <= FILL_LIMIT:
            worked.append(f"δ{sup(k)} = {_vec(d[0])}")
            if trace.dW[k].size <= FILL_LIMIT:
                worked.append(f"dW{sup(k)} = {_mat(trace.dW[k])}")
        title = ("Backward: output layer" if k == depth else f"Backward: hidden layer {k}")
        results = (f"δ{sup(k)}", f"dW{sup(k)}", *([f"db{sup(k)}"] if db is not None else []))
        return Explanation(title, tuple(eq), tuple(ops), _mean_note(trace) + " "
                           + _reduction_text(trace), tuple(worked), results)
    # update: the rule of the optimiser that ran, and its state as numbers
    after = trace.params_after or trace.params_before
    spec = trace.optimizer
    if spec is None:  # a trace made without the optimiser (not the engine's own stepper)
        eq = ["W ← W − η·dW", *(["b ← b − η·db"] if use_bias else []),
              f"η = {fmt(trace.learning_rate)}"]
    else:
        eq = rule_lines(spec, trace.tf_rules, use_bias)
    if tf_rules and (spec is None or spec.regularization == "l1"):
        eq.append(TF_L1_CLAMP)
    ops = []
    for layer, ((w0, b0), (w1, b1)) in enumerate(zip(trace.params_before, after, strict=True),
                                                 start=1):
        ops.append(Operand(f"W{sup(layer)} (new)", w1, f"weights of layer {layer} after"))
        ops.append(Operand(f"ΔW{sup(layer)}", w1 - w0, "change"))
        if b1 is not None and b0 is not None:
            ops.append(Operand(f"b{sup(layer)} (new)", b1, f"biases of layer {layer} after"))
        ops += [Operand(*part) for part in state_arrays(trace, layer)]
    results = tuple(op.name for op in ops)  # new weights, changes and optimiser state after
    return Explanation("Update", tuple(eq), tuple(ops), update_note(trace), (), results)


def dropout_rate(trace: StepTrace, layer: int) -> float:
    """Layer ``layer``'s dropout rate p (1-based; 0.0 when the trace does not know it)."""
    spec = trace.network
    return 0.0 if spec is None else spec.layers[layer - 1].dropout


def dropout_rule(trace: StepTrace, layer: int) -> tuple[str, str]:
    """What m and p are, with this layer's numbers (two lines)."""
    p = dropout_rate(trace, layer)
    return (f"m{sup(layer)}: this step's dropout mask, 1 = kept, 0 = dropped",
            f"p = {fmt(p)}: a unit is kept with probability {fmt(1.0 - p)} and scaled by "
            f"1/(1 − p) = {fmt(1.0 / (1.0 - p))}; no dropout when evaluating")


def mask_operand(trace: StepTrace, layer: int) -> Operand:
    """mˡ: the step's dropout mask of layer ``layer``, (N, n_l) 1.0 kept / 0.0 dropped."""
    return Operand(f"m{sup(layer)}", trace.mask[layer],
                   "dropout mask (1 = kept), scaled 1/(1−p)")


TF_L1_CLAMP = ("TensorFlow Playground rules: where an L1 step would carry a weight across 0, "
               "it is set to 0 and its link is dead (dashed; it no longer trains).")
"""The update phase's extra line with TensorFlow Playground's rules on."""


def _standardise(trace: StepTrace, small: bool) -> tuple[list[str], list[Operand]]:
    """The standardisation step before layer 1: its equation, numbers and operands."""
    assert trace.scaling is not None and trace.x_raw is not None
    mean, std = trace.scaling.mean, trace.scaling.scale
    eq = ["Standardise: X = (x − μ) / σ   (μ, σ: each feature's mean and standard deviation "
          "on the training split)"]
    if small and mean.size <= FILL_LIMIT:
        eq.append(f"X = ({fmt_array(trace.x_raw[0])} − {fmt_array(mean)}) / {fmt_array(std)} "
                  f"= {fmt_array(trace.x[0])}")
    ops = [Operand("x", trace.x_raw, "raw features, before standardising"),
           Operand("μ", mean, "mean of each feature (training split)"),
           Operand("σ", std, "standard deviation of each feature (training split)")]
    return eq, ops


def _output_gradient(trace: StepTrace, out: str, depth: int) -> list[str]:
    """∂L/∂a of the output, e.g. ``∂L/∂a¹ = 2/K·(a¹ − y) = [1.718]`` (the derivative the
    textbooks call ∂E/∂prediction); numbers for one sample. Cross-entropies pair with their
    activation (δ = a − y directly), so they get no line."""
    loss = get_loss(trace.loss_name)
    if loss.combined:
        return []
    n, k = trace.y.shape
    scale = "" if trace.reduction == "sum" or n == 1 else "(1/N)·"
    line = f"∂L/∂{out} = {loss.delta_text(out, scale)}"
    if n == 1 and k <= FILL_LIMIT:
        c = loss.error_scale(trace.reduction, n, k)
        line += f" = {fmt_array(c * (trace.a[depth][0] - trace.y[0]))}"
    return [line]


def _fits(*arrays: np.ndarray) -> bool:
    return all(np.asarray(a).size <= FILL_LIMIT for a in arrays)


def _output_delta(loss: Loss, act: Activation, depth: int, scale: str) -> str:
    s = sup(depth)
    deriv = "" if loss.combined or act.unit_derivative else f" ⊙ {act.symbol}′(z{s})"
    return f"δ{s} = {loss.delta_text(PREDICTION, scale)}{deriv}"


def explain_bias(trace: StepTrace, layer: int, j: int,
                 expanded: frozenset[DeltaRef] = frozenset()) -> WeightChain:
    """∂L/∂bˡⱼ = Σₙ δˡⱼ and its update, term by term (``layer`` 1-based, ``j`` 0-based), with
    the δ's in ``expanded`` explained too; as a WeightChain whose inputs are all 1 and ``i``
    is −1."""
    lines = bias_lines(trace, layer, j, expanded)
    errors = trace.delta[layer][:, j]
    b0 = trace.params_before[layer - 1][1]
    if b0 is None:
        raise ValueError("this network has no biases")
    after = None
    if trace.params_after is not None:
        b1 = trace.params_after[layer - 1][1]
        after = None if b1 is None else float(b1[j])
        if trace.optimizer is not None and trace.state_after is not None:
            lines += map(ChainLine.plain, update_lines(parameter_update(trace, layer, None, j),
                                                       trace.optimizer, trace.tf_rules))
    return WeightChain(layer, -1, j, np.ones_like(errors), errors, errors.copy(),
                       bias_gradient(trace, layer, j), float(b0[j]), after,
                       trace.learning_rate, tuple(line.text for line in lines), tuple(lines))


def explain_weight(trace: StepTrace, layer: int, i: int, j: int,
                   expanded: frozenset[DeltaRef] = frozenset()) -> WeightChain:
    """∂L/∂wˡᵢⱼ and its update, term by term (``layer`` is 1-based; i, j 0-based), with the
    δ's in ``expanded`` explained too (each term of a δ's sum expands its own); i = −1
    explains the bias bˡⱼ instead."""
    if i < 0:
        return explain_bias(trace, layer, j, expanded)
    if layer not in trace.dW:
        raise ValueError(f"the backward pass has not reached layer {layer} yet")
    inputs = trace.a[layer - 1][:, i]
    errors = trace.delta[layer][:, j]
    products = inputs * errors
    gradient = float(trace.dW[layer][i, j])
    before = float(trace.params_before[layer - 1][0][i, j])
    after = None if trace.params_after is None else float(trace.params_after[layer - 1][0][i, j])
    name = lay.weight_name(layer, i, j)
    a_name, d_name = f"a{sup(layer - 1)}{sub(i + 1)}", f"δ{sup(layer)}{sub(j + 1)}"
    where = ""
    if layer == 1:  # the input is a feature: named as the window names it
        a_name = input_name(trace, i)
        if a_name != f"x{sub(i + 1)}":
            where = f"   (input {i + 1} is {a_name})"
    pairs = list(zip(inputs, errors, strict=True))
    if lay.columns():  # dW = δ·Xᵀ: the error first
        a_name, d_name = d_name, a_name
        pairs = [(d, a) for a, d in pairs]
    with checkable((inputs, errors), lambda x, d: float(x @ d), gradient) as r:
        if len(products) == 1:
            (p, q), = pairs
            first = (f"∂L/∂{name} = {a_name} · {d_name} = {_b(p)} × {_b(q)} = "
                     f"{fmt(gradient, r)}{where}")
        else:  # every term of the batch sum (the panel scrolls)
            shown = " + ".join(f"{_b(p)}×{_b(q)}" for p, q in pairs)
            first = f"∂L/∂{name} = Σₙ {a_name}·{d_name} = {shown} = {fmt(gradient, r)}" + where
    lines = [ChainLine.plain(first), *delta_lines(trace, layer, j, expanded)]
    if after is not None:
        if trace.optimizer is not None and trace.state_after is not None:
            lines += map(ChainLine.plain, update_lines(parameter_update(trace, layer, i, j),
                                                       trace.optimizer, trace.tf_rules))
        else:
            lines.append(ChainLine.plain(f"{name} ← {fmt(before)} − "
                                         f"{fmt(trace.learning_rate)} × {fmt(gradient)} = "
                                         f"{fmt(after)}"))
    return WeightChain(layer, i, j, inputs, errors, products, gradient, before, after,
                       trace.learning_rate, tuple(line.text for line in lines), tuple(lines))
