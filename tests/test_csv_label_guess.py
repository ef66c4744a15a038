"""Which column a CSV import proposes as the label: one named label/target/class, else the
last column in use. The app's own "Export data as CSV" file reads back with its label (not
its train/test ``split`` column), and a trailing separator's blank column is skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.csv_export import dataset_to_csv
from engine.csv_text import preview_text
from engine.csvdata import preview_csv
from engine.presets import get_preset
from engine.trainer import Trainer
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def iris_export() -> str:
    return dataset_to_csv(Trainer(get_preset("iris")))


def test_the_apps_own_export_proposes_its_label_and_knows_its_split(iris_export) -> None:
    p = preview_text(iris_export)
    assert p.names[-2:] == ("label", "split")
    assert p.label_guess == 4 and p.split_column == 5


@pytest.mark.parametrize("text, guess", [
    ("x,y,label,\n1,2,a,\n3,4,b,\n", 2),  # a trailing comma on every line: blank column 4
    ("label,pixel0,pixel1\n3,0,1\n5,1,0\n", 0),  # MNIST-style: the label first
    ("a,Target,b\n1,2,3\n4,5,6\n", 1),  # any case
    ("x,y,class,label\n1,2,u,v\n3,4,w,z\n", 3),  # label before class
    ("1,2,3\n4,5,6\n", 2),  # no header: the last column
    ("x,split,y\n1,train,0\n2,test,1\n", 2),  # a split column that is not last
    ("x,y,split\n1,2,a\n3,4,b\n", 2),  # "split" with other values is an ordinary column
])
def test_label_guess(text: str, guess: int) -> None:
    assert preview_text(text).label_guess == guess


def test_split_column_only_for_train_and_test() -> None:
    assert preview_text("x,split\n1,train\n2,TEST\n").split_column == 1
    assert preview_text("x,split\n1,train\n2,other\n").split_column is None
    assert preview_text("x,y\n1,2\n").split_column is None


def test_the_dialog_starts_on_the_guessed_label(qtbot, tmp_path: Path, iris_export) -> None:
    from PySide6.QtWidgets import QCheckBox, QComboBox

    from gui.csv_dialog import CsvImportDialog

    path = tmp_path / "iris_export.csv"
    path.write_text(iris_export)
    d = CsvImportDialog(None, str(path), preview_csv(path))
    qtbot.addWidget(d)
    assert d.findChild(QComboBox, "csvLabelCombo").currentData() == 4
    ticked = [d.findChild(QCheckBox, f"csvColumn_{j}").isChecked() for j in range(6)]
    assert ticked == [True, True, True, True, False, False]
    choices = d.choices()
    assert choices.label_column == 4 and choices.task == "classification"


def test_train_on_an_exported_data_set_reads_its_label(tmp_path: Path, iris_export) -> None:
    path = tmp_path / "iris_export.csv"
    path.write_text(iris_export)
    out = tmp_path / "run.json"
    r = run_cli("train", "iris", "--data", str(path), "--epochs", "60", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "left out column 6 'split': the train/test split" in r.stdout
    assert "classification on label" in r.stdout
    history = json.loads(out.read_text())["history"]
    assert history["test_accuracy"][-1] > 0.8


def test_train_skips_a_trailing_blank_column(tmp_path: Path) -> None:
    path = tmp_path / "trailing.csv"
    rows = "".join(f"{i % 7},{(i * 3) % 5},{'ab'[i % 2]},\n" for i in range(40))
    path.write_text("x,y,label,\n" + rows)
    r = run_cli("train", "iris", "--data", str(path), "--epochs", "2",
                "--out", str(tmp_path / "t.json"))
    assert r.returncode == 0, r.stderr
    assert "left out column 4 'column 4': empty" in r.stdout
    assert "classification on label" in r.stdout
