"""The stepper's explanations: every number they show is the engine trace's own."""

from __future__ import annotations

import numpy as np
import pytest

from engine.explain import explain_phase, explain_weight, fmt
from engine.presets import get_preset
from engine.trace_display import phase_display
from engine.trainer import Trainer
from tests.helpers import custom_scenario


def run_phases(trainer: Trainer, indices=None):
    stepper = trainer.begin_step(indices)
    acts = tuple(layer.activation for layer in trainer.spec.layers)
    out = []
    while not stepper.done:
        phase = stepper.advance()
        out.append((phase, explain_phase(stepper.trace, phase, acts, trainer.spec.use_bias),
                    phase_display(stepper.trace, stepper.position, stepper.phases,
                                  trainer.spec.depth)))
    return stepper, out


@pytest.mark.parametrize("seed", range(4))
def test_operands_are_the_trace_arrays_for_random_small_networks(seed):
    rng = np.random.default_rng(seed)
    hidden = [(int(rng.integers(1, 5)), ["tanh", "relu", "sigmoid"][seed % 3])
              for _ in range(int(rng.integers(1, 3)))]
    s = custom_scenario(rng, hidden, "sigmoid", "bce", batch_size=5)
    stepper, phases = run_phases(Trainer(s))
    tr = stepper.trace
    for phase, e, _ in phases:
        ops = {op.name: op.values for op in e.operands}
        if phase.kind == "forward":
            k = phase.layer
            np.testing.assert_array_equal(ops[f"z{'¹²³⁴'[k - 1]}"], tr.z[k])
            np.testing.assert_array_equal(ops[f"a{'¹²³⁴'[k - 1]}"], tr.a[k])
        elif phase.kind == "backward":
            k = phase.layer
            np.testing.assert_array_equal(ops[f"dW{'¹²³⁴'[k - 1]}"], tr.dW[k])
            np.testing.assert_array_equal(ops[f"δ{'¹²³⁴'[k - 1]}"], tr.delta[k])
        elif phase.kind == "loss":
            np.testing.assert_array_equal(ops["ℓ"], tr.sample_loss)
            assert f"L = {fmt(tr.loss)}" in e.equations
        else:
            for layer, (w, _b) in enumerate(tr.params_after, start=1):
                np.testing.assert_array_equal(ops[f"W{'¹²³⁴'[layer - 1]} (new)"], w)


def test_display_shows_sample_values_or_batch_means_and_dims_the_rest():
    t = Trainer(get_preset("tf_default"))
    stepper, phases = run_phases(t)
    _, _, first = phases[0]
    assert first.active_column == 1
    assert first.unit_values[2] is None and first.unit_values[3] is None  # not computed yet
    np.testing.assert_allclose(first.unit_values[1], stepper.trace.a[1].mean(axis=0))
    assert "batch of 10" in first.caption
    back = phases[t.spec.depth + 1][2]  # first backward phase: the output layer
    assert back.unit_kind == "δ" and back.edge_kind == "∂L/∂w"
    np.testing.assert_array_equal(back.edge_values[-1], stepper.trace.dW[t.spec.depth])
    update = phases[-1][2]
    assert update.edge_kind == "Δw"
    for (w0, _), (w1, _), change in zip(stepper.trace.params_before, stepper.trace.params_after,
                                        update.edge_values, strict=True):
        np.testing.assert_array_equal(change, w1 - w0)
    single, single_phases = run_phases(Trainer(get_preset("tf_default")), np.array([7]))
    np.testing.assert_array_equal(single_phases[0][2].unit_values[1], single.trace.a[1][0])
    assert "sample #8" in single_phases[0][2].caption  # 0-based index 7, counted from 1


def test_worked_example_shows_the_published_numbers():
    _stepper, phases = run_phases(Trainer(get_preset("worked_example")))
    text = "\n".join(line for _, e, _ in phases for line in e.equations)
    assert "L = 1.918" in text and "(mean per sample: 0.959)" in text  # notebook: 0.9590413…
    ops = {op.name: op.values for _, e, _ in phases for op in e.operands}
    np.testing.assert_allclose(ops["dW²"], [[0.6144307], [0.62712197]], atol=5e-9)
    np.testing.assert_allclose(ops["db²"], [0.6267222], atol=5e-8)
    np.testing.assert_allclose(ops["dW¹"], [[0.00274407, 0.01512979], [0.0035295, 0.01584567]],
                               atol=5e-9)


def test_chain_rule_for_one_weight_uses_the_trace():
    t = Trainer(get_preset("xor_221"))
    stepper = t.begin_step(np.array([2]))
    trace = stepper.run_to_end()
    chain = explain_weight(trace, 1, 1, 0)
    assert chain.gradient == trace.dW[1][1, 0]
    assert chain.inputs[0] == trace.a[0][0, 1] and chain.errors[0] == trace.delta[1][0, 0]
    assert chain.before == trace.params_before[0][0][1, 0]
    assert chain.after == trace.params_after[0][0][1, 0]
    assert chain.lines[0].startswith("∂L/∂w¹₂,₁ = x₂ · δ¹₁ = ")
    assert chain.lines[0].endswith(f"= {fmt(chain.gradient)}")
    g = fmt(chain.gradient)
    g = f"({g})" if g.startswith("−") else g
    assert chain.lines[1].startswith("δ¹₁ = σ′(z¹₁) · Σₖ w²₁,ₖ·δ²ₖ = ")
    assert chain.lines[-1] == (f"w¹₂,₁ ← w¹₂,₁ − η·∂L/∂w¹₂,₁ = {fmt(chain.before)} − "
                               f"{fmt(trace.learning_rate)} × {g} = {fmt(chain.after)}")
    with pytest.raises(ValueError, match="backward pass"):
        explain_weight(Trainer(get_preset("xor_221")).begin_step().trace, 1, 0, 0)


def test_checkpoints_undo_whole_steps_exactly():
    t = Trainer(get_preset("softmax_spiral3"))
    t.train(2)
    cp = t.checkpoint()
    flat, hist = t.params.flat.copy(), t.history.as_arrays()
    t.train_step()
    t.train_step()
    t.train(1)
    t.restore(cp)
    assert np.array_equal(t.params.flat, flat) and (t.epoch, t.batch_index) == (2, 0)
    np.testing.assert_array_equal(t.history.epochs, hist["epoch"])
    again = Trainer(get_preset("softmax_spiral3"))
    again.train(3)
    t.train(1)
    assert np.array_equal(again.params.flat, t.params.flat)


@pytest.mark.parametrize(("tf_rules", "reg"), [(True, "l1"), (False, "l1"), (True, "none")])
def test_update_phase_names_the_l1_clamp_only_with_tf_rules(tf_rules, reg):
    """The inspector's update text (via the snapshot's trace info) explains TF Playground's
    L1 zero-crossing clamp when its rules and L1 are on, and says nothing of it otherwise."""
    from dataclasses import replace

    from session.snapshot import trace_info

    sc = get_preset("tf_default")
    opt = replace(sc.train.optimizer, regularization=reg, reg_rate=0.01)
    trainer = Trainer(replace(sc, train=replace(sc.train, tf_rules=tf_rules, optimizer=opt)))
    stepper = trainer.begin_step(None)
    while not stepper.done:
        stepper.advance()
    info = trace_info(trainer, None)
    assert info is not None and info.explanation is not None
    assert info.explanation.title == "Update"
    text = " ".join(info.explanation.equations)
    assert ("L1" in text and "dead" in text) is (tf_rules and reg == "l1")


def test_every_table_names_its_rows_and_columns():
    t = Trainer(get_preset("worked_example"))
    stepper = t.begin_step(None)
    phase = stepper.advance()  # forward 1
    acts = tuple(layer.activation for layer in t.spec.layers)
    ops = {o.name: o for o in explain_phase(stepper.trace, phase, acts, True).operands}
    samples = tuple(f"#{int(k) + 1}" for k in stepper.trace.indices)
    assert ops["X"].row_labels == samples and ops["X"].col_labels == ("x₁", "x₂")
    assert ops["W¹"].row_labels == ("from 1", "from 2")
    assert ops["W¹"].col_labels == ("to 1", "to 2")
    assert ops["b¹"].col_labels == ("unit 1", "unit 2") and ops["b¹"].row_labels == ()
    assert ops["z¹"].row_labels == samples and ops["a¹"].col_labels == ("unit 1", "unit 2")
    stepper.advance()
    loss = stepper.advance()
    ops = {o.name: o for o in explain_phase(stepper.trace, loss, acts, True).operands}
    assert ops["ℓ"].col_labels == samples


def test_the_output_layers_columns_are_named_by_class():
    """Iris: ŷ, y, z², a², δ², b² name their columns by species and W² its "to" columns; the
    hidden layer keeps unit numbers. An unnamed class reads "class k"."""
    t = Trainer(get_preset("iris"))
    stepper = t.begin_step([0, 1])
    acts = tuple(layer.activation for layer in t.spec.layers)
    depth = t.spec.depth
    species = ("setosa", "versicolor", "virginica")
    assert t.dataset.class_names == species
    seen: dict[str, tuple[str, ...]] = {}
    while not stepper.done:
        phase = stepper.advance()
        for op in explain_phase(stepper.trace, phase, acts, True).operands:
            seen[op.name] = op.col_labels
    out = "²³⁴"[depth - 2]
    for name in ("ŷ", "y", f"z{out}", f"a{out}", f"δ{out}", f"b{out}", f"db{out}"):
        assert seen[name] == species, name
    assert seen[f"W{out}"] == tuple(f"to {s}" for s in species)
    assert seen["a¹"] == tuple(f"unit {j + 1}" for j in range(t.spec.sizes[1]))
    t = Trainer(get_preset("softmax_spiral3"))
    trace = t.begin_step(None).run_to_end()
    assert trace.output_names == ("class 0", "class 1", "class 2")
    assert Trainer(get_preset("tf_default")).begin_step(None).trace.output_names == ()


@pytest.mark.parametrize("preset", ["worked_example", "tf_default", "softmax_spiral3",
                                    "deep_tanh_spiral"])
def test_the_chain_rule_writes_out_each_delta_and_its_terms_sum_to_the_engines(preset):
    from engine.activations import get_activation
    from engine.chain_rule import delta_lines

    t = Trainer(get_preset(preset))
    stepper = t.begin_step(None)
    trace = stepper.run_to_end()
    depth = t.spec.depth
    for layer in range(1, depth + 1):
        lines = [line.text for line in delta_lines(trace, layer, 0)]
        assert len(lines) == len(trace.indices)
        if layer < depth:  # f′(zˡ) · Σₖ wˡ⁺¹ⱼₖ δˡ⁺¹ₖ, from the trace's own numbers
            act = get_activation(t.spec.layers[layer - 1].activation)
            slope = act.derivative(trace.z[layer][:, 0], trace.a[layer][:, 0])
            total = trace.delta[layer + 1] @ trace.params_before[layer][0][0]
            np.testing.assert_allclose(slope * total, trace.delta[layer][:, 0],
                                       rtol=1e-12, atol=1e-15)
            assert "Σₖ" in lines[0] and lines[0].count("×") >= t.spec.sizes[layer + 1]
        else:
            assert lines[0].startswith(f"δ{'¹²³⁴⁵⁶⁷⁸⁹'[layer - 1]}₁ = ")
    chain = explain_weight(trace, 1, 0, 0)
    assert chain.lines[0].count("×") == len(trace.indices)  # no "… (6 more)": every term
    assert "more)" not in chain.lines[0]


def test_a_bias_has_its_chain_rule_and_its_update():
    t = Trainer(get_preset("tf_default"))
    stepper = t.begin_step(None)
    trace = stepper.run_to_end()
    chain = explain_weight(trace, 2, -1, 1)  # b²₂
    assert chain.i == -1
    assert chain.gradient == pytest.approx(float(trace.db[2][1]), rel=1e-12)
    assert np.isclose(trace.delta[2][:, 1].sum(), chain.gradient, rtol=1e-12)
    assert chain.lines[0].startswith("∂L/∂b²₂ = Σₙ δ²₂ = ")
    assert chain.lines[0].count(" + ") == len(trace.indices) - 1  # every sample's δ
    assert any(line.startswith("δ²₂ = tanh′(z²₂)") for line in chain.lines)
    assert chain.lines[-1].startswith("b²₂ ← b²₂ − η·∂L/∂b²₂ = ")
    assert chain.after == trace.params_after[1][1][1]
