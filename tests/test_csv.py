"""CSV data sets: good files in the usual shapes, every bad row reported by line number, size
limits; and a source check that nothing in the project deserialises code or objects."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import engine.csv_columns as csv_columns
import engine.csv_text as csv_text
import engine.csvdata as csvdata
from engine.csvdata import CsvError, parse_csv_dataset, read_csv_dataset, scenario_for_csv
from engine.export import dataset_to_csv
from engine.presets import get_preset
from engine.scenario import scenario_from_dict, scenario_to_dict
from engine.trainer import Trainer

ROOT = Path(__file__).resolve().parent.parent


def rows(x) -> tuple[tuple[float, ...], ...]:
    return tuple(map(tuple, x.tolist()))


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def one_line(e: pytest.ExceptionInfo) -> str:
    msg = str(e.value)
    assert msg and "\n" not in msg
    return msg


# ---------------------------------------------------------------------------------------------
# Good files
# ---------------------------------------------------------------------------------------------


def test_header_and_label_by_name(tmp_path):
    path = write(tmp_path, "x1,x2,label\n0.5,-1,0\n1.5,2,1\n-3,0.25,1\n")
    d = read_csv_dataset(path, label_column="label")
    assert d.header == ("x1", "x2", "label")
    assert rows(d.custom.x) == ((0.5, -1.0), (1.5, 2.0), (-3.0, 0.25))
    assert tuple(d.custom.y.tolist()) == (0.0, 1.0, 1.0) and d.task == "classification"
    assert d.input_names == ("x1", "x2") and d.label_name == "label"
    assert d.mapping_is_identity and d.n_rows == 3 and d.n_inputs == 2
    # The label column by index (default: the last) gives the same data.
    assert read_csv_dataset(path).custom == d.custom
    assert read_csv_dataset(path, label_column=2).custom == d.custom


def test_no_header_label_in_the_middle(tmp_path):
    path = write(tmp_path, "0.5;1;-1\n1.5;0;2\n\n# a comment\n-3;1;0.25\n")
    d = read_csv_dataset(path, label_column=1)
    assert d.header is None
    assert rows(d.custom.x) == ((0.5, -1.0), (1.5, 2.0), (-3.0, 0.25))
    assert tuple(d.custom.y.tolist()) == (1.0, 0.0, 1.0)
    assert d.input_names == ("column 1", "column 3") and d.label_name == "column 2"
    assert read_csv_dataset(path, label_column=-2).custom == d.custom


def test_classification_labels_are_mapped_and_reported(tmp_path):
    path = write(tmp_path, "a,b,class\n0,0,2\n1,0,5\n0,1,2\n1,1,7\n")
    d = read_csv_dataset(path, label_column="class")
    assert tuple(d.custom.y.tolist()) == (0.0, 1.0, 0.0, 2.0)
    assert d.label_mapping == (("2", 0), ("5", 1), ("7", 2))
    assert not d.mapping_is_identity
    assert any("2 → 0, 5 → 1, 7 → 2" in n for n in d.notes())

    words = write(tmp_path, "5.1,3.5,setosa\n4.9,3.0,virginica\n6.2,2.9,setosa\n"
                            "5.9,3.0,versicolor\n", "iris.csv")
    d = read_csv_dataset(words)
    assert d.header is None and d.n_rows == 4
    # Words keep their order of first appearance, and are the class names.
    assert d.label_mapping == (("setosa", 0), ("virginica", 1), ("versicolor", 2))
    assert d.class_names == ("setosa", "virginica", "versicolor")
    assert d.custom.class_names == d.class_names
    assert tuple(d.custom.y.tolist()) == (0.0, 1.0, 0.0, 2.0)

    same = write(tmp_path, "x,y\n1,1\n2,1.0\n3,0\n", "same.csv")
    assert tuple(read_csv_dataset(same).custom.y.tolist()) == (1.0, 1.0, 0.0)


def test_regression_one_input_and_quotes(tmp_path):
    path = write(tmp_path, '"x","y"\n"-1.5",2.25\n0,0\n2,4\n1e-3,1e-6\n')
    d = read_csv_dataset(path, task="regression", train_fraction=0.75)
    assert d.header == ("x", "y") and d.n_inputs == 1
    assert rows(d.custom.x) == ((-1.5,), (0.0,), (2.0,), (0.001,))
    assert tuple(d.custom.y.tolist()) == (2.25, 0.0, 4.0, 1e-6)
    assert d.label_mapping is None and d.train_fraction == 0.75
    s, notes = scenario_for_csv(get_preset("sine_regression"), d)
    t = Trainer(s)
    assert t.dataset.task == "regression" and t.dataset.n_inputs == 1
    assert s.data.train_fraction == 0.75 and s.data.dataset == "custom"
    assert notes[0].startswith("4 rows")


def test_input_columns_pick_two_of_many(tmp_path):
    path = write(tmp_path, "id,x1,x2,note,y\n1,0.5,1,a,0\n2,1.5,2,b,1\n")
    d = read_csv_dataset(path, label_column="y", input_columns=["x1", "x2"])
    assert rows(d.custom.x) == ((0.5, 1.0), (1.5, 2.0)) and tuple(d.custom.y.tolist()) == (0.0, 1.0)
    d = read_csv_dataset(path, label_column=-1, input_columns=[2])
    assert rows(d.custom.x) == ((1.0,), (2.0,))


def test_scenario_for_csv_fits_the_model_to_the_data(tmp_path):
    rows = [f"{x},{y},{k}" for x, y, k in
            [(0, 0, 0), (1, 0, 1), (0, 1, 2), (1, 1, 0), (2, 2, 1), (3, 1, 2)]]
    d = read_csv_dataset(write(tmp_path, "\n".join(rows)))
    s, notes = scenario_for_csv(get_preset("tf_default"), d)  # tanh output -> softmax
    assert s.model.output_activation == "softmax" and s.train.loss == "cce"
    assert any("Softmax" in n for n in notes)
    assert s.data.custom == d.custom and s.title == "data.csv"
    t = Trainer(s)
    assert t.dataset.n_classes == 3 and t.spec.n_outputs == 3
    t.train(2)
    # Survives a workspace round trip (the scenario format holds custom data).
    assert scenario_from_dict(scenario_to_dict(s)) == s


def test_the_exported_data_set_reads_back_exactly(tmp_path):
    for key in ("tf_default", "sine_regression"):
        t = Trainer(get_preset(key))
        task = t.dataset.task
        label = "label" if task == "classification" else "target"
        inputs = ["x1", "x2"][: t.dataset.n_inputs]
        path = write(tmp_path, dataset_to_csv(t))
        d = read_csv_dataset(path, label_column=label, task=task, input_columns=inputs)
        assert np.array_equal(np.array(d.custom.x), t.dataset.x)
        assert np.array_equal(np.array(d.custom.y), t.dataset.y)


# ---------------------------------------------------------------------------------------------
# Bad files
# ---------------------------------------------------------------------------------------------


def test_bad_lines_are_reported_by_line_number(tmp_path):
    text = "x1,x2,y\n0,0,0\n1,1,1\n0.5,abc,1\n1,2,0\n2,2\n\n3,,1\n4,nan,1\n5,5,\n"
    with pytest.raises(CsvError) as e:
        read_csv_dataset(write(tmp_path, text))
    msg = one_line(e)
    assert "data.csv" in msg
    assert "line 4: column 2 'x2' is not a number ('abc')" in msg
    assert "line 6: 2 values, expected 3" in msg
    assert "line 8: column 2 'x2' is empty" in msg
    assert "line 9: column 2 'x2' is not a finite number ('nan')" in msg
    assert "line 10: column 3 'y' (the label) is empty" in msg
    assert "more" not in msg


def test_many_bad_lines_are_capped(tmp_path):
    rows = ["1,2,0", "2,1,1"] + [f"{i},x{i},1" for i in range(25)]
    with pytest.raises(CsvError) as e:
        read_csv_dataset(write(tmp_path, "\n".join(rows)))
    msg = one_line(e)
    # As many as fit one line of at most 300 characters (and never more than MAX_REPORTED),
    # then how many more.
    assert len(msg) <= 300
    shown = msg.count("line ")
    assert 3 <= shown <= csvdata.MAX_REPORTED == 10
    assert "line 3: column 2 is not a number ('x0')" in msg
    assert f"line {2 + shown}:" in msg and f"line {3 + shown}:" not in msg
    assert msg.endswith(f"… and {25 - shown} more")


def test_regression_targets_must_be_numbers(tmp_path):
    with pytest.raises(CsvError) as e:
        read_csv_dataset(write(tmp_path, "1,2,0.5\n2,3,high\n"), task="regression")
    assert "line 2: column 3 is not a number ('high')" in one_line(e)


@pytest.mark.parametrize(
    ("text", "kwargs", "words"),
    [
        ("", {}, ["empty"]),
        ("\n\n# only comments\n", {}, ["empty"]),
        ("x1,x2,y\n", {}, ["only a header"]),
        ("1,0\n2,0\n3,0\n", {}, ["only one distinct label", "column 2"]),
        ("x,y\n1,0\n2,1\n", {"label_column": "z"}, ["no column named 'z'", "'x', 'y'"]),
        ("1,0\n2,1\n", {"label_column": "y"}, ["'y' is a name", "no header"]),
        ("1,0\n2,1\n", {"label_column": 5}, ["column 5 does not exist"]),
        ("x,y\n1,0\n2,1\n", {"label_column": "y", "input_columns": ["y"]},
         ["both the label and an input"]),
        ("0\n1\n", {}, ["no input column"]),
        ("1,0\n2,1\n", {"task": "ranking"}, ["task"]),
        ("1,0\n2,1\n", {"train_fraction": 0}, ["train_fraction"]),
        ("1,0\n2,1\n", {"train_fraction": 1.5}, ["train_fraction"]),
    ],
)
def test_files_that_cannot_become_data(tmp_path, text, kwargs, words):
    with pytest.raises(CsvError) as e:
        read_csv_dataset(write(tmp_path, text), **kwargs)
    msg = one_line(e)
    for w in words:
        assert w in msg, msg


def test_too_many_classes(tmp_path):
    rows = "\n".join(f"{i},{i * 0.5}" for i in range(csvdata.MAX_CLASSES + 1))
    with pytest.raises(CsvError) as e:
        read_csv_dataset(write(tmp_path, rows))
    assert "distinct labels" in one_line(e) and "regression" in one_line(e)
    assert read_csv_dataset(write(tmp_path, rows), task="regression").n_rows == 257


def test_size_limits(tmp_path, monkeypatch):
    path = write(tmp_path, "x1,x2,y\n" + "\n".join(f"{i},{-i},{i % 2}" for i in range(50)))
    monkeypatch.setattr(csv_text, "MAX_CSV_BYTES", 64)
    with pytest.raises(CsvError) as e:
        read_csv_dataset(path)
    assert "too large" in one_line(e) and "64 bytes" in one_line(e)
    monkeypatch.setattr(csv_text, "MAX_CSV_BYTES", 10**6)
    monkeypatch.setattr(csv_columns, "MAX_SAMPLES", 20)
    with pytest.raises(CsvError) as e:
        read_csv_dataset(path)
    assert "too many rows: 50 (the limit is 20)" in one_line(e)
    monkeypatch.setattr(csv_columns, "MAX_SAMPLES", 50)
    assert read_csv_dataset(path).n_rows == 50


def test_missing_file_and_binary_file(tmp_path):
    with pytest.raises(CsvError, match="no such file"):
        read_csv_dataset(tmp_path / "nope.csv")
    (tmp_path / "img.csv").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(CsvError, match="not a UTF-8 text file"):
        read_csv_dataset(tmp_path / "img.csv")
    with pytest.raises(CsvError, match="CSV text: line 2"):
        parse_csv_dataset("1,2,0\n1,2\n")


# ---------------------------------------------------------------------------------------------
# Source check
# ---------------------------------------------------------------------------------------------

ALLOWED_PICKLE = "allow_pickle=False"
EVAL_CALL = re.compile(r"(?<![\w.])eval\s*\(|\.eval\s*\(")


def test_no_pickle_or_eval_in_engine_or_gui_sources():
    files = sorted((ROOT / "engine").rglob("*.py")) + sorted((ROOT / "gui").rglob("*.py"))
    assert len(files) > 10
    offenders = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if "pickle" in text.replace(ALLOWED_PICKLE, ""):
            offenders.append(f"{path.relative_to(ROOT)}: mentions pickle")
        if EVAL_CALL.search(text):
            offenders.append(f"{path.relative_to(ROOT)}: calls eval(")
    assert offenders == []


def test_the_source_check_catches_what_it_should():
    assert "pickle" in "import pickle".replace(ALLOWED_PICKLE, "")
    assert "pickle" in "np.load(f, allow_pickle=True)".replace(ALLOWED_PICKLE, "")
    assert "pickle" not in "np.load(f, allow_pickle=False)".replace(ALLOWED_PICKLE, "")
    assert EVAL_CALL.search("x = eval(text)")
    assert EVAL_CALL.search("builtins.eval (text)")
    assert not EVAL_CALL.search("self._eval_train.run(); t.evaluate()")
