"""The update phase as the optimiser ran it: its rule in symbols, and one parameter's update
term by term with the real numbers (issue 12: "W ← W − η·dW" was shown for every optimiser).

The rules are the engine's own (``engine.optimizers``): plain SGD, momentum in PyTorch's form
(v ← μ·v + g), Adam, RMSprop and Adagrad in PyTorch's forms, L1 and L2 added to the gradient
of weights (never of biases), and TensorFlow Playground's separate regularisation step with
its L1 clamp. The
numbers come from the step's trace: the gradient the optimiser used, and its state (velocity,
moments, step count) before and after the step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine.chain_rule import bias_gradient
from engine.layout import weight_name
from engine.network import Parameters
from engine.notation import bracketed as _b
from engine.notation import checkable, fmt, sub, sup
from engine.optimizers import STATE_TABLES, OptimizerSpec
from engine.trace import StepTrace

_REG_SYMBOL = {"l2": "λ·{p}", "l1": "λ·sign({p})"}


def rule_lines(spec: OptimizerSpec, tf_rules: bool, use_bias: bool) -> list[str]:
    """The update rule in symbols (W: every weight matrix; b: every bias vector), then the
    hyperparameters' values."""
    reg = spec.regularization
    lines: list[str] = []
    g_w, g_b = "dW", "db"
    if reg != "none" and not tf_rules:
        lines.append(f"g = dW + {_REG_SYMBOL[reg].format(p='W')}   (biases: g = db, no "
                     "regularisation)")
        g_w = g_b = "g"
    targets = [("W", g_w)] + ([("b", g_b)] if use_bias else [])
    params = "W, b" if use_bias else "W"
    if spec.kind == "sgd":
        lines += [f"{p} ← {p} − η·{g}" for p, g in targets]
    elif spec.kind == "momentum":
        lines += [f"v ← μ·v + {g_w}   (one v per weight and bias)",
                  f"{params} ← {params} − η·v"]
    elif spec.kind == "rmsprop":
        lines += [f"v ← α·v + (1 − α)·{g_w}²",
                  f"{params} ← {params} − η·{g_w} / (√v + ε)   (one v per weight and bias)"]
    elif spec.kind == "adagrad":
        lines += [f"s ← s + {g_w}²   (the sum of every step's {g_w}²)",
                  f"{params} ← {params} − η·{g_w} / (√s + ε)   (one s per weight and bias)"]
    else:
        lines += [f"m ← β₁·m + (1 − β₁)·{g_w}", f"v ← β₂·v + (1 − β₂)·{g_w}²",
                  "m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)",
                  f"{params} ← {params} − η·m̂ / (√v̂ + ε)   (one m, v per weight and bias)"]
    if tf_rules and reg != "none":
        lines.append(f"then W ← W − η·{_REG_SYMBOL[reg].format(p='W_before')} "
                     "(TensorFlow Playground's separate regularisation step)")
    values = [f"η = {fmt(spec.learning_rate)}"]
    if reg != "none":
        values.append(f"λ = {fmt(spec.reg_rate)}")
    if spec.kind == "momentum":
        values.append(f"μ = {fmt(spec.momentum)}")
    lines.append(",  ".join(values))
    if spec.kind == "adam":
        lines.append(f"β₁ = {fmt(spec.beta1)},  β₂ = {fmt(spec.beta2)},  ε = {fmt(spec.epsilon)}")
    elif spec.kind == "rmsprop":
        lines.append(f"α = {fmt(spec.alpha)},  ε = {fmt(spec.epsilon)}")
    elif spec.kind == "adagrad":
        lines.append(f"ε = {fmt(spec.epsilon)}")
    return lines


@dataclass(frozen=True)
class ParameterUpdate:
    """One parameter's step: the numbers the optimiser read and wrote. The state fields are
    this parameter's entries (0 where the optimiser keeps none)."""

    name: str
    """w²₁,₂ or b¹₂, as the inspector names it."""
    is_weight: bool
    before: float
    gradient: float
    """∂L/∂θ, the data gradient of the backward pass."""
    used: float
    """The gradient the optimiser stepped on (with L1/L2 added, or 0 for a dead link)."""
    after: float
    velocity: tuple[float, float] = (0.0, 0.0)
    """Momentum's v before and after."""
    m: tuple[float, float] = (0.0, 0.0)
    v: tuple[float, float] = (0.0, 0.0)
    """Adam's second moment; RMSprop's running mean of g²; Adagrad's running sum s of g²."""
    t: int = 0
    """Adam's step count after this step."""
    alive: bool = True
    """False for a dead link (TensorFlow Playground's L1 rule)."""


def update_lines(u: ParameterUpdate, spec: OptimizerSpec, tf_rules: bool) -> list[str]:
    """The parameter's update term by term with its numbers, in the engine's order."""
    n, eta = u.name, spec.learning_rate
    lines: list[str] = []
    if not u.alive:
        return [f"{n} is a dead link (TensorFlow Playground's L1 rule): it stays {fmt(u.after)}"]
    reg = spec.regularization if u.is_weight else "none"
    g = "∂L/∂" + n
    if reg != "none" and not tf_rules:
        term = u.before if reg == "l2" else float(math.copysign(1.0, u.before)) if u.before else 0.0
        symbol = _REG_SYMBOL[reg].format(p=n)
        with checkable((u.gradient, spec.reg_rate, term), lambda g, lam, r: g + lam * r,
                       u.used) as rd:
            lines.append(f"g = ∂L/∂{n} + {symbol} = {fmt(u.gradient)} + {fmt(spec.reg_rate)} "
                         f"× {_b(term)} = {fmt(u.used, rd)}")
        g = "g"
    step_after = u.after
    tail: str | None = None
    if tf_rules and reg != "none":
        r = u.before if reg == "l2" else (math.copysign(1.0, u.before) if u.before else 0.0)
        reg_step = eta * spec.reg_rate * r
        step_after = _optimiser_result(u, spec)
        clamped = reg == "l1" and u.after == 0.0 and step_after - reg_step != 0.0
        with checkable((step_after, eta * spec.reg_rate, r), lambda a, k, x: a - k * x,
                       step_after - reg_step if clamped else u.after) as rd:
            shown = ("0 (the step crossed zero: the link is now dead)" if clamped
                     else fmt(u.after, rd))
            tail = (f"then {n} ← {n}′ − η·λ·{'sign(' + n + ')' if reg == 'l1' else n} = "
                    f"{fmt(step_after)} − {fmt(eta * spec.reg_rate)} × {_b(r)} = {shown}")
    target = f"{n}′" if tail else n
    moved = (u.before, step_after)  # a weight that moved must not read as unchanged
    if spec.kind == "sgd":
        with checkable((u.before, eta, u.used), _minus_product, step_after, moved) as rd:
            lines.append(f"{target} ← {n} − η·{g} = {fmt(u.before)} − {fmt(eta)} × "
                         f"{_b(u.used)} = {fmt(step_after, rd)}")
    elif spec.kind == "momentum":
        v0, v1 = u.velocity
        with checkable((spec.momentum, v0, u.used), lambda mu, v, x: mu * v + x, v1) as rd:
            lines.append(f"v ← μ·v + {g} = {fmt(spec.momentum)} × {_b(v0)} + {_b(u.used)} = "
                         f"{fmt(v1, rd)}")
        with checkable((u.before, eta, v1), _minus_product, step_after, moved) as rd:
            lines.append(f"{target} ← {n} − η·v = {fmt(u.before)} − {fmt(eta)} × {_b(v1)} = "
                         f"{fmt(step_after, rd)}")
    elif spec.kind in ("rmsprop", "adagrad"):
        lines += _scaled_lines(u, spec, n, g, target, step_after)
    else:
        lines += _adam_lines(u, spec, n, g, target, step_after)
    if tail:
        lines.append(tail)
    return lines


def _minus_product(before: float, eta: float, x: float) -> float:
    return before - eta * x


def _scaled_lines(u: ParameterUpdate, spec: OptimizerSpec, n: str, g: str, target: str,
                  step_after: float) -> list[str]:
    """RMSprop's or Adagrad's update of one parameter: the running g² (v or s), then the step
    divided by its root, each line checkable by hand."""
    (v0, v1), eta, eps = u.v, spec.learning_rate, spec.epsilon
    if spec.kind == "rmsprop":
        s, alpha = "v", spec.alpha
        with checkable((alpha, v0, 1 - alpha, u.used), lambda a, v, k, x: a * v + k * x * x,
                       v1) as rd:
            lines = [f"v ← α·v + (1 − α)·{g}² = {fmt(alpha)} × {fmt(v0)} + {fmt(1 - alpha)} × "
                     f"{_b(u.used)}² = {fmt(v1, rd)}"]
    else:
        s = "s"
        with checkable((v0, u.used), lambda v, x: v + x * x, v1) as rd:
            lines = [f"s ← s + {g}² = {fmt(v0)} + {_b(u.used)}² = {fmt(v1, rd)}"]
    root = math.sqrt(v1)
    with checkable((u.before, eta, u.used, root, eps),
                   lambda a, e, x, r, ep: a - e * x / (r + ep), step_after,
                   (u.before, step_after)) as rd:
        lines.append(f"{target} ← {n} − η·{g} / (√{s} + ε) = {fmt(u.before)} − {fmt(eta)} × "
                     f"{_b(u.used)} / ({fmt(root)} + {fmt(eps)}) = {fmt(step_after, rd)}")
    return lines


def _adam_lines(u: ParameterUpdate, spec: OptimizerSpec, n: str, g: str, target: str,
                step_after: float) -> list[str]:
    """Adam's update of one parameter, line by line, each line checkable by hand."""
    eta = spec.learning_rate
    (m0, m1), (v0, v1), t = u.m, u.v, u.t
    b1, b2 = spec.beta1, spec.beta2
    c1, c2 = 1.0 - b1**t, 1.0 - b2**t
    m_hat, v_hat = m1 / c1, v1 / c2
    lines = [f"step t = {t}"]
    with checkable((b1, m0, 1 - b1, u.used), lambda b, m, k, x: b * m + k * x, m1) as rd:
        lines.append(f"m ← β₁·m + (1 − β₁)·{g} = {fmt(b1)} × {_b(m0)} + {fmt(1 - b1)} × "
                     f"{_b(u.used)} = {fmt(m1, rd)}")
    with checkable((b2, v0, 1 - b2, u.used), lambda b, v, k, x: b * v + k * x * x, v1) as rd:
        lines.append(f"v ← β₂·v + (1 − β₂)·{g}² = {fmt(b2)} × {_b(v0)} + {fmt(1 - b2)} × "
                     f"{_b(u.used)}² = {fmt(v1, rd)}")
    with checkable((m1, c1, v1, c2), lambda m, p, v, q: np.array([m / p, v / q]),
                   np.array([m_hat, v_hat])) as rd:
        lines.append(f"m̂ = m / (1 − β₁ᵗ) = {fmt(m1)} / {fmt(c1)} = {fmt(m_hat, rd)},   "
                     f"v̂ = v / (1 − β₂ᵗ) = {fmt(v1)} / {fmt(c2)} = {fmt(v_hat, rd)}")
    root = math.sqrt(v_hat)
    with checkable((u.before, eta, m_hat, root, spec.epsilon),
                   lambda a, e, m, r, eps: a - e * m / (r + eps), step_after,
                   (u.before, step_after)) as rd:
        lines.append(f"{target} ← {n} − η·m̂ / (√v̂ + ε) = {fmt(u.before)} − {fmt(eta)} × "
                     f"{_b(m_hat)} / ({fmt(root)} + {fmt(spec.epsilon)}) = "
                     f"{fmt(step_after, rd)}")
    return lines


def _optimiser_result(u: ParameterUpdate, spec: OptimizerSpec) -> float:
    """θ′: the value after the optimiser's step, before TF's regularisation step."""
    eta = spec.learning_rate
    if spec.kind == "sgd":
        return u.before - eta * u.used
    if spec.kind == "momentum":
        return u.before - eta * u.velocity[1]
    if spec.kind in ("rmsprop", "adagrad"):
        return u.before - eta * u.used / (math.sqrt(u.v[1]) + spec.epsilon)
    c1, c2 = 1.0 - spec.beta1**u.t, 1.0 - spec.beta2**u.t
    return u.before - eta / c1 * u.m[1] / (math.sqrt(u.v[1]) / math.sqrt(c2) + spec.epsilon)


def flat_index(trace: StepTrace, layer: int, i: int | None, j: int) -> int:
    """Where weight wˡᵢⱼ (or, with ``i`` None, bias bˡⱼ) sits in the flat parameter array
    (``layer`` 1-based, i and j 0-based)."""
    assert trace.network is not None
    where = Parameters(trace.network, np.arange(trace.network.n_parameters, dtype=np.float64))
    if i is None:
        b = where.biases(layer - 1)
        assert b is not None
        return int(b[j])
    return int(where.weights(layer - 1)[i, j])


def parameter_update(trace: StepTrace, layer: int, i: int | None, j: int) -> ParameterUpdate:
    """The update of wˡᵢⱼ (or bˡⱼ when ``i`` is None) from a trace whose update has run."""
    if trace.params_after is None or trace.state_before is None or trace.state_after is None \
            or trace.grad_used is None:
        raise ValueError("the update has not run yet")
    k = flat_index(trace, layer, i, j)
    (w0, b0), (w1, b1) = trace.params_before[layer - 1], trace.params_after[layer - 1]
    if i is None:
        assert b0 is not None and b1 is not None
        before, after = float(b0[j]), float(b1[j])
        gradient = bias_gradient(trace, layer, j)
        name = f"b{sup(layer)}{sub(j + 1)}"
    else:
        before, after = float(w0[i, j]), float(w1[i, j])
        gradient = float(trace.dW[layer][i, j])
        name = weight_name(layer, i, j)
    s0, s1 = trace.state_before, trace.state_after
    return ParameterUpdate(
        name=name, is_weight=i is not None, before=before, gradient=gradient,
        used=float(trace.grad_used[k]), after=after,
        velocity=(float(s0["velocity"][k]), float(s1["velocity"][k])),
        m=(float(s0["m"][k]), float(s1["m"][k])), v=(float(s0["v"][k]), float(s1["v"][k])),
        t=int(s1["t"]), alive=bool(s0["alive"][k]),
    )


def state_arrays(trace: StepTrace, layer: int) -> list[tuple[str, np.ndarray, str]]:
    """(name, (n_in, n_out) array, meaning) of the optimiser's state for layer ``layer``'s
    weights after the step (``STATE_TABLES``): momentum's v, Adam's m and v, RMSprop's v,
    Adagrad's s; none for SGD."""
    spec, state = trace.optimizer, trace.state_after
    if spec is None or state is None or trace.network is None:
        return []
    out = []
    for symbol, key, meaning in STATE_TABLES[spec.kind]:
        flat = state[key]  # type: ignore[literal-required]  # a key of STATE_TABLES
        view = Parameters(trace.network, np.array(flat, dtype=np.float64))
        out.append((f"{symbol} (W{sup(layer)})", view.weights(layer - 1),
                    f"{meaning} of layer {layer}'s weights, after the step"))
    return out


def update_note(trace: StepTrace) -> str:
    """The update phase's note: what ΔW is, Adam's step count, where regularisation acts."""
    spec = trace.optimizer
    parts = ["ΔW is the change this step made."]
    if spec is not None and spec.kind == "adam" and trace.state_after is not None:
        parts.append(f"Adam's step count is now t = {trace.state_after['t']}.")
    if spec is not None and spec.regularization != "none":
        parts.append("Regularisation acts on weights only, never on biases.")
    if trace.preview:
        parts.append("Preview: this update was computed and is shown, then undone — the "
                     "weights stay as they were.")
    elif trace.extra:
        parts.append("Applied: an extra step on the traced sample changed the weights (the "
                     "epoch counter does not move).")
    parts.append("Click a weight for its own update, number by number.")
    return " ".join(parts)
