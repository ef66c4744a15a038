"""Data with more than two raw inputs (issue 11): gradients, stepping, the real data sets,
standardisation, and exports that take raw inputs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from engine.data.real import REAL_SETS, load_real
from engine.datasets import generate
from engine.export import export_weights
from engine.gradcheck import gradient_check
from engine.importer import apply_weights, read_weights, scenario_for_weights
from engine.network import LayerSpec
from engine.presets import get_preset
from engine.scenario import (
    CustomData,
    DataSpec,
    ModelSpec,
    Scenario,
    TrainSpec,
    fit_to_data,
    scenario_from_dict,
    scenario_to_dict,
)
from engine.trainer import Trainer
from engine.workspace import load_workspace, save_workspace


def wide_scenario(n_inputs: int, task: str = "classification", seed: int = 0,
                  standardize: bool = False, hidden: tuple[LayerSpec, ...] = (
                      LayerSpec(5, "tanh"), LayerSpec(3, "sigmoid"))) -> Scenario:
    """Random data with ``n_inputs`` columns of different scales and a rule to learn."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(40, n_inputs)) * rng.uniform(0.5, 20, n_inputs) + rng.normal(
        0, 5, n_inputs)
    score = x @ rng.normal(size=n_inputs)
    if task == "classification":
        y = (score > np.median(score)).astype(float)
        out, loss = "sigmoid", "bce"
    else:
        y = score / np.abs(score).max()
        out, loss = "linear", "half_se"
    names = tuple(f"col {i}" for i in range(n_inputs))
    custom = CustomData(tuple(map(tuple, x.tolist())), tuple(y.tolist()), task,  # type: ignore[arg-type]
                        input_names=names)
    s = Scenario(
        data=DataSpec(dataset="custom", custom=custom, train_fraction=0.75,
                      features=tuple(f"x{i}" for i in range(1, n_inputs + 1)),
                      standardize=standardize),
        model=ModelSpec(hidden, out),
        train=TrainSpec(loss=loss, batch_size=8),
    )
    return fit_to_data(s)[0]


@pytest.mark.parametrize("n_inputs", [3, 7, 16, 64])
@pytest.mark.parametrize("standardize", [False, True])
def test_backprop_agrees_with_finite_differences_at_any_width(n_inputs, standardize):
    for task in ("classification", "regression"):
        t = Trainer(wide_scenario(n_inputs, task, seed=n_inputs, standardize=standardize))
        t.train(2)
        report = gradient_check(t)
        assert report.agrees, report.summary()
        assert report.layers[0].relative_error < 1e-6


def test_phase_by_phase_equals_an_ordinary_step_on_wide_data():
    s = wide_scenario(12, standardize=True)
    ordinary, stepped = Trainer(s), Trainer(s)
    ordinary.train_step()
    stepper = stepped.begin_step()
    while not stepper.done:
        stepper.advance()
    stepped.finish_step()
    np.testing.assert_array_equal(stepped.params.flat, ordinary.params.flat)
    assert stepper.trace.x.shape[1] == 12


def test_standardisation_uses_the_training_split_only():
    t = Trainer(wide_scenario(5, standardize=True))
    raw_train = t.split.raw_features[t.train_idx]
    np.testing.assert_allclose(t.split.scaling.mean, raw_train.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(t.split.scaling.scale, raw_train.std(axis=0), rtol=1e-13)
    inputs = t.split.features[t.train_idx]
    np.testing.assert_allclose(inputs.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(inputs.std(axis=0), 1, atol=1e-12)
    # the test rows are scaled by the training statistics, not their own
    test_inputs = t.split.features[t.test_idx]
    assert not np.allclose(test_inputs.mean(axis=0), 0, atol=1e-6)
    # predictions take raw inputs
    x = t.dataset.x[:3]
    np.testing.assert_array_equal(t.predict(x), t.forward(t.split.features[:3])[-1][1])


@pytest.mark.parametrize(("key", "epochs", "least"), [("iris", 200, 0.93), ("digits", 40, 0.90)])
def test_real_classification_presets_reach_the_expected_test_accuracy(key, epochs, least):
    t = Trainer(get_preset(key))
    t.train(epochs)
    m = t.evaluate()
    assert m.test_accuracy >= least, m
    assert t.dataset.n_classes == {"iris": 3, "digits": 10}[key]


def test_diabetes_regression_beats_predicting_the_mean():
    t = Trainer(get_preset("diabetes"))
    t.train(100)
    y_test = t.dataset.y[t.test_idx]
    predicted = t.predict(t.dataset.x[t.test_idx])[:, 0]
    r2 = 1 - np.sum((predicted - y_test) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
    assert r2 > 0.38, r2  # a linear model gets about 0.45 on this data


def test_real_data_sets_are_whole_and_named():
    for info in REAL_SETS:
        ds = load_real(info.key)
        assert (ds.n_samples, ds.n_inputs, ds.n_classes) == (info.n_samples, info.n_inputs,
                                                              info.n_classes)
        assert len(ds.input_names) == ds.n_inputs
        assert generate(info.key, 5, 0.3, 9) is ds  # size, noise and seed do not apply
    assert load_real("iris").class_names == ("setosa", "versicolor", "virginica")
    assert load_real("digits").class_names == tuple("0123456789")
    assert load_real("iris").input_names[2] == "petal_length"


def test_wide_custom_data_and_its_names_survive_a_workspace(tmp_path):
    s = wide_scenario(6, standardize=True)
    assert scenario_from_dict(scenario_to_dict(s)) == s
    t = Trainer(s)
    t.train(3)
    save_workspace(t, tmp_path / "w.json")
    back = load_workspace(tmp_path / "w.json")
    assert back.scenario == s
    assert back.dataset.input_names == tuple(f"col {i}" for i in range(6))
    np.testing.assert_array_equal(back.params.flat, t.params.flat)


def test_one_sample_classification_is_allowed_with_class_names():
    custom = CustomData(((1.54, 1.32),), (0.0,), "classification", class_names=("0", "1"))
    s = fit_to_data(Scenario(data=DataSpec(dataset="custom", custom=custom, train_fraction=1.0),
                             model=ModelSpec((), "sigmoid"), train=TrainSpec(loss="bce")))[0]
    t = Trainer(s)
    assert t.n_train == 1 and t.dataset.n_classes == 2
    t.train(1)


def test_a_sigmoid_output_stays_for_regression_targets_in_zero_one():
    custom = CustomData(((1.54, 1.32), (0.2, 0.1)), (0.0, 0.7), "regression")
    s = Scenario(data=DataSpec(dataset="custom", custom=custom, train_fraction=1.0),
                 model=ModelSpec((), "sigmoid"), train=TrainSpec(loss="mse"))
    fitted, notes = fit_to_data(s)
    assert fitted.model.output_activation == "sigmoid", notes
    outside = replace(custom, y=(0.0, 1.5))
    fitted, _ = fit_to_data(replace(s, data=replace(s.data, custom=outside)))
    assert fitted.model.output_activation == "linear"


# --------------------------------------------------------------------------- exports


def standardised_trainer() -> Trainer:
    t = Trainer(get_preset("iris"))
    t.train(20)
    assert t.split.scaling is not None
    return t


def test_onnx_export_standardises_inside_and_takes_raw_inputs(tmp_path):
    ort = pytest.importorskip("onnxruntime", reason="onnxruntime is not installed")
    t = standardised_trainer()
    path = tmp_path / "iris.onnx"
    export_weights(t, "onnx", path)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = session.run(["output"], {"features": t.dataset.x.astype(np.float64)})[0]
    np.testing.assert_allclose(out, t.predict(t.dataset.x), rtol=0, atol=1e-12)


def test_standalone_script_standardises_and_takes_raw_inputs(tmp_path):
    t = standardised_trainer()
    script = tmp_path / "iris_model.py"
    export_weights(t, "py", script)
    spec = importlib.util.spec_from_file_location("iris_model", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert load_real("iris").input_names == module.INPUTS
    np.testing.assert_allclose(module.predict(t.dataset.x), t.predict(t.dataset.x), rtol=0,
                               atol=1e-12)
    # from the command line, on a CSV whose header names the columns
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text(",".join(module.INPUTS) + "\n5.1,3.5,1.4,0.2\n")
    result = subprocess.run([sys.executable, str(script), str(csv_path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    values = [float(v) for v in result.stdout.strip().splitlines()[1].split(",")]
    np.testing.assert_allclose(values[4:], t.predict(np.array([[5.1, 3.5, 1.4, 0.2]]))[0],
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("fmt", ["npz", "json", "onnx"])
def test_weights_files_carry_the_standardisation_and_read_back(tmp_path, fmt):
    if fmt == "onnx":
        pytest.importorskip("onnx", reason="the optional onnx package is not installed")
    t = standardised_trainer()
    path = tmp_path / f"iris.{fmt}"
    export_weights(t, fmt, path)
    imported = read_weights(path)
    assert imported.standardized and imported.features == t.scenario.data.features
    plain = replace(t.scenario, data=replace(t.scenario.data, standardize=False))
    adopted = scenario_for_weights(plain, imported)
    assert adopted.data.standardize
    fresh = Trainer(adopted)
    apply_weights(fresh, imported)
    np.testing.assert_array_equal(fresh.predict(t.dataset.x), t.predict(t.dataset.x))


def test_importing_into_a_run_standardised_differently_is_refused(tmp_path):
    from engine.importer import WeightsError

    t = standardised_trainer()
    path = tmp_path / "iris.json"
    export_weights(t, "json", path)
    imported = read_weights(path)
    plain = Trainer(replace(t.scenario, data=replace(t.scenario.data, standardize=False)))
    with pytest.raises(WeightsError, match="standardisation: the file's network reads "
                                           "standardised features, this run reads them raw"):
        apply_weights(plain, imported)
    other_split = Trainer(replace(t.scenario, data=replace(t.scenario.data, seed=7)))
    before = other_split.params.flat.copy()
    with pytest.raises(WeightsError, match="other means and deviations"):
        apply_weights(other_split, imported)
    np.testing.assert_array_equal(other_split.params.flat, before)
    # adopting takes the file's own statistics, so the network computes what it did
    adopted = Trainer(scenario_for_weights(other_split.scenario, imported))
    apply_weights(adopted, imported)
    assert adopted.split.scaling.matches(t.split.scaling)
    np.testing.assert_array_equal(adopted.predict(t.dataset.x), t.predict(t.dataset.x))
    export_weights(plain, "json", tmp_path / "plain.json")
    with pytest.raises(WeightsError, match="reads raw features, this run standardises"):
        apply_weights(t, read_weights(tmp_path / "plain.json"))


def test_the_weights_csv_states_the_standardisation():
    from engine.csv_export import weights_to_csv_text

    t = standardised_trainer()
    lines = weights_to_csv_text(t).splitlines()
    k = lines.index("# normalization mean (4)")
    np.testing.assert_array_equal([float(v) for v in lines[k + 1].split(",")],
                                  t.split.scaling.mean)
    assert lines[k + 2] == "# normalization std (4)"


def test_adding_a_point_keeps_the_statistics_the_weights_were_trained_on():
    from session import commands as c
    from session.session import Session

    s = get_preset("tf_default")
    s = replace(s, data=replace(s.data, standardize=True))
    session = Session(s, emit=lambda e: None)
    session.handle(c.TrainEpochs(5))
    before = session.trainer
    x = before.dataset.x
    out = before.predict(x)
    session.handle(c.AddPoint(0.5, 0.5, 1))
    after = session.trainer
    assert after is not before and after.split.scaling.matches(before.split.scaling)
    np.testing.assert_array_equal(after.predict(x), out)


def test_a_chosen_pair_of_wide_columns_survives_a_rebuild():
    s = wide_scenario(10)
    s = replace(s, data=replace(s.data, features=("x3", "x7")))
    fitted, _ = fit_to_data(replace(s, model=replace(s.model, hidden=(LayerSpec(2, "tanh"),))))
    assert fitted.data.features == ("x3", "x7")


def test_column_names_with_commas_reach_the_standalone_script_and_back(tmp_path):
    x = np.array([[1.0, 2.0, 3.0], [2.0, 1.0, 0.0], [0.5, 0.1, 0.2], [3.0, 1.0, 2.0]])
    names = ("width, cm", 'say "hi"', "c")
    custom = CustomData(tuple(map(tuple, x.tolist())), (0.0, 1.0, 0.0, 1.0), "classification",
                        input_names=names)
    s = fit_to_data(Scenario(data=DataSpec(dataset="custom", custom=custom, train_fraction=1.0,
                                           features=("x1", "x2", "x3")),
                             model=ModelSpec((), "sigmoid"), train=TrainSpec(loss="bce")))[0]
    t = Trainer(s)
    script = tmp_path / "m.py"
    export_weights(t, "py", script)
    data_csv = tmp_path / "data.csv"
    from engine.csv_export import dataset_to_csv

    data_csv.write_text(dataset_to_csv(t))
    result = subprocess.run([sys.executable, str(script), str(data_csv)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    import csv
    import io

    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0][:3]) == names
    np.testing.assert_allclose(np.array(rows[1:], dtype=float)[:, 3:], t.predict(x), atol=1e-12)


def test_duplicate_names_are_refused():
    from engine.datasets import from_arrays

    with pytest.raises(ValueError, match="input names must be unique: 'a' appears twice"):
        from_arrays(np.zeros((2, 2)), [0, 1], "classification", input_names=("a", "a"))


def test_json_weights_name_the_columns_and_state_the_normalisation(tmp_path):
    import json

    t = standardised_trainer()
    path = tmp_path / "iris.json"
    export_weights(t, "json", path)
    doc = json.loads(Path(path).read_text())
    assert doc["input_names"][0] == "sepal_length"
    assert len(doc["normalization"]["mean"]) == 4
    np.testing.assert_allclose(doc["normalization"]["std"], t.split.scaling.scale, rtol=0)


def test_the_inspector_shows_standardisation_before_layer_one_with_the_numbers():
    from engine.explain import explain_phase

    t = Trainer(get_preset("iris"))
    stepper = t.begin_step(np.array([0]))
    phase = stepper.advance()
    acts = tuple(layer.activation for layer in t.spec.layers)
    text = explain_phase(stepper.trace, phase, acts, True)
    assert text.equations[0].startswith("Standardise: X = (x − μ) / σ")
    raw = t.split.raw_features[t.train_idx[0]]
    mean, std = t.split.scaling.mean, t.split.scaling.scale
    standardised = (raw - mean) / std
    np.testing.assert_allclose(stepper.trace.x[0], standardised, rtol=1e-15)
    assert [o.name for o in text.operands[:3]] == ["x", "μ", "σ"]
    np.testing.assert_array_equal(text.operands[0].values[0], raw)
    # without standardisation there is no such step
    plain = Trainer(replace(t.scenario, data=replace(t.scenario.data, standardize=False)))
    stepper = plain.begin_step(np.array([0]))
    phase = stepper.advance()
    assert not explain_phase(stepper.trace, phase, acts, True).equations[0].startswith("Stand")


def test_bounded_outputs_become_linear_for_targets_they_cannot_reach():
    base = Scenario(model=ModelSpec((), "tanh"), train=TrainSpec(loss="half_se"))
    for targets, out, expected in (((0.2, 1.5), "tanh", "linear"), ((-0.9, 0.9), "tanh", "tanh"),
                                   ((0.0, 1.0), "sigmoid", "sigmoid"),
                                   ((0.0, 2.0), "sigmoid", "linear")):
        custom = CustomData(((0.0, 1.0), (1.0, 0.0)), targets, "regression")
        s = replace(base, data=DataSpec(dataset="custom", custom=custom, train_fraction=1.0),
                    model=ModelSpec((), out))
        assert fit_to_data(s)[0].model.output_activation == expected, (targets, out)


def test_a_wide_csv_import_standardises_and_says_so(tmp_path):
    from engine.csvdata import read_csv_dataset, scenario_for_csv

    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (30, 5))
    path = tmp_path / "pixels.csv"
    path.write_text("p1,p2,p3,p4,p5,label\n" + "\n".join(
        ",".join(map(str, row)) + f",{k % 2}" for k, row in enumerate(x.tolist())) + "\n")
    scenario, notes = scenario_for_csv(get_preset("tf_default"), read_csv_dataset(path))
    assert scenario.data.standardize and scenario.data.features == ("x1", "x2", "x3", "x4", "x5")
    assert any("standardised" in n for n in notes)


def test_a_utf16_csv_is_named_once(tmp_path):
    from engine.csv_text import CsvError, preview_csv

    path = tmp_path / "u16.csv"
    path.write_bytes("a,b\n1,2\n".encode("utf-16"))
    with pytest.raises(CsvError) as e:
        preview_csv(path)
    assert str(e.value).count(str(path)) == 1


def test_scenarios_equal_their_copies_across_a_process_boundary():
    import pickle

    for key in ("worked_example", "iris"):
        s = get_preset(key)
        copy = pickle.loads(pickle.dumps(s))
        assert copy == s
        assert replace(copy, title="other") != s
    s = wide_scenario(5)
    assert pickle.loads(pickle.dumps(s)) == s
