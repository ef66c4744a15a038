"""The data and weights editors end to end (pytest-qt): the seed 004 single neuron typed in
from a window on another preset, stepped by phase until the inspector shows p and ∂E/∂p; the
transpose toggle; a one-sample classification set; bad cells refused with nothing changed.

The expected numbers are computed here from the exercise's own formulas (σ(x·w + b) and
2(p − t)), not copied from the engine.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from gui.data_editor import DataEditor
from gui.weights_editor import WeightsEditor
from session.commands import StepUnit
from tests.gui_helpers import TIMEOUT, fresh_snapshot

X = np.array([1.54, 1.32])
W = np.array([1.56, -0.45])
TARGET = 0.0


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def choose(combo: QComboBox, data: object) -> None:
    """Pick the item holding ``data``, as a user's choice in the list does."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def open_data_editor(w) -> DataEditor:
    w.editors.data_action.trigger()
    editor = w.findChild(DataEditor, "dataEditor")
    assert editor is not None and editor.isVisible()
    return editor


def open_weights_editor(w) -> WeightsEditor:
    w.editors.weights_action.trigger()
    editor = w.findChild(WeightsEditor, "weightsEditor")
    assert editor is not None and editor.isVisible()
    return editor


def type_row(editor: DataEditor, row: int, cells: list[str]) -> None:
    """Type each cell's text, as editing the cell in place does."""
    table = editor.findChild(object, "dataTable")
    for k, text in enumerate(cells):
        item = table.item(row, k)
        if item is None:
            editor.set_cell(row, k, text)
        else:
            item.setText(text)


def test_seed_004_through_the_editors(qtbot, make_window):
    w = make_window("tf_spiral_all_features")  # TF rules, seven features, two hidden layers
    editor = open_data_editor(w)
    click(qtbot, editor.findChild(QPushButton, "newTableButton"))
    choose(editor.findChild(QComboBox, "dataTaskPicker"), "regression")
    type_row(editor, 0, ["1.54", "1.32", "0"])
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    qtbot.waitUntil(lambda: w.rendered.scenario.data.custom is not None
                    and len(w.rendered.scenario.data.custom.y) == 1, timeout=TIMEOUT)
    assert w.rendered.scenario.data.features == ("x1", "x2")

    remove = w.findChild(object, "removeLayerButton")
    while fresh_snapshot(qtbot, w).scenario.model.hidden:
        click(qtbot, remove)
    # the bar's current output box (findChild may still find the one a rebuild replaced)
    output = w.architecture.output_box.activation
    assert output.objectName() == "outputActivation"
    choose(output, "sigmoid")
    qtbot.waitUntil(lambda: w.rendered.scenario.model.output_activation == "sigmoid",
                    timeout=TIMEOUT)
    choose(w.findChild(QComboBox, "loss"), "mse")
    qtbot.waitUntil(lambda: w.rendered.scenario.train.loss == "mse", timeout=TIMEOUT)

    weights = open_weights_editor(w)
    text = weights.findChild(object, "weightsText")
    text.setPlainText("[[1.56], [-0.45]]")
    click(qtbot, weights.findChild(QPushButton, "pasteWeightsButton"))
    text.setPlainText("[0]")
    click(qtbot, weights.findChild(QPushButton, "pasteBiasButton"))
    assert weights.findChild(object, "weightsError").text() == ""
    click(qtbot, weights.findChild(QPushButton, "applyWeightsButton"))
    qtbot.waitUntil(lambda: np.allclose(w.rendered.weights[0][:, 0], W)
                    and w.rendered.biases[0][0] == 0.0, timeout=TIMEOUT)

    choose(w.findChild(QComboBox, "granularityPicker"), StepUnit.PHASE)
    for position in (1, 2):  # forward through the output, then the loss
        click(qtbot, w.step_button)
        qtbot.waitUntil(lambda p=position: w.rendered.trace is not None
                        and w.rendered.trace.position == p, timeout=TIMEOUT)
    p = 1.0 / (1.0 + np.exp(-(X @ W)))
    assert abs(p - 0.85916839) < 1e-8  # the seed's printed prediction
    shown = fresh_snapshot(qtbot, w).trace.display.prediction
    assert abs(shown[0] - p) < 1e-12
    equations = w.inspector.equations.text()
    assert f"{p:.4g}" in equations  # 0.8592
    assert f"{2 * (p - TARGET):.4g}" in equations  # ∂E/∂p = 2(p − t) = 1.718
    assert "∂L/∂ŷ" in equations


def test_transpose_reads_textbook_layout(qtbot, make_window):
    w = make_window("xor_241")  # 2 → 4 → 1
    weights = open_weights_editor(w)
    toggle = weights.findChild(object, "transposeToggle")
    rows = np.arange(8.0).reshape(4, 2) / 10  # (out, in): a row per hidden unit
    toggle.setChecked(True)
    assert weights.fill_weights(str(rows.tolist()))
    assert np.array_equal(weights.weights(), rows.T)  # the engine's (in, out)
    assert weights.w_model.headerData(0, Qt.Orientation.Vertical) == "h¹₁"
    toggle.setChecked(False)  # the same numbers, shown the other way round
    assert np.array_equal(weights.w_model.values, rows.T)
    assert weights.w_model.headerData(0, Qt.Orientation.Vertical) == "x₁"
    assert not weights.fill_weights(str(rows.tolist()))  # (4, 2) in the (2, 4) layout
    error = weights.findChild(object, "weightsError").text()
    assert "2 × 4" in error and "transposed" in error and "\n" not in error
    click(qtbot, weights.findChild(QPushButton, "applyWeightsButton"))
    qtbot.waitUntil(lambda: np.array_equal(w.rendered.weights[0], rows.T), timeout=TIMEOUT)
    w.step_back()
    qtbot.waitUntil(lambda: not np.array_equal(w.rendered.weights[0], rows.T), timeout=TIMEOUT)


def test_one_sample_classification_table(qtbot, make_window):
    w = make_window("tf_default")
    editor = open_data_editor(w)
    click(qtbot, editor.findChild(QPushButton, "newTableButton"))
    choose(editor.findChild(QComboBox, "dataTaskPicker"), "classification")
    editor.findChild(object, "classNamesEdit").setText("no, yes")
    click(qtbot, editor.findChild(QPushButton, "addColumnButton"))  # x1, x2, x3
    type_row(editor, 0, ["0.5", "-1", "2", "no"])
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    qtbot.waitUntil(lambda: w.rendered.scenario.data.custom is not None, timeout=TIMEOUT)
    snap = fresh_snapshot(qtbot, w)
    assert snap.data.class_names == ("no", "yes") and snap.data.n_classes == 2
    assert snap.data.x_train.tolist() == [[0.5, -1.0, 2.0]] and snap.data.y_train.tolist() == [0]
    assert snap.sizes[0] == 3


def test_bad_cell_is_named_and_nothing_changes(qtbot, make_window):
    w = make_window("xor_221")
    before = fresh_snapshot(qtbot, w)
    editor = open_data_editor(w)
    assert editor.findChild(object, "dataTable").rowCount() == len(before.data.y_train) + len(
        before.data.y_test)  # it shows the run's data
    click(qtbot, editor.findChild(QPushButton, "newTableButton"))
    click(qtbot, editor.findChild(QPushButton, "addRowButton"))
    type_row(editor, 0, ["1", "2", "0.5"])
    type_row(editor, 1, ["3", "four", "0.5"])
    choose(editor.findChild(QComboBox, "dataTaskPicker"), "regression")
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    error = editor.findChild(object, "dataEditorError").text()
    assert "Row 2" in error and "x2" in error and "four" in error and len(error) <= 300
    after = fresh_snapshot(qtbot, w)
    assert after.generation == before.generation and after.scenario == before.scenario


def test_bad_weight_cell_keeps_its_value(qtbot, make_window):
    w = make_window("xor_221")
    weights = open_weights_editor(w)
    model = weights.w_model
    old = model.values[0, 1]
    assert not model.setData(model.index(0, 1), "abc")
    assert model.values[0, 1] == old
    error = weights.findChild(object, "weightsError").text()
    assert "abc" in error and "x₁" in error and "h¹₂" in error


def test_apply_with_nothing_edited_leaves_the_run_alone(qtbot, make_window):
    """Found by a new-user trial: Apply on the digits preset's table dropped its test set and
    its pictures."""
    w = make_window("digits")
    before = fresh_snapshot(qtbot, w)
    editor = open_data_editor(w)
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    assert "Nothing was edited" in editor.findChild(object, "dataEditorNote").text()
    after = fresh_snapshot(qtbot, w)
    assert after.generation == before.generation and after.scenario == before.scenario


def test_an_edit_of_the_runs_data_keeps_its_pictures_and_trains_every_row(qtbot, make_window):
    """Every row trains: a test set drawn again would hold rows the kept weights trained on."""
    w = make_window("digits")
    before = fresh_snapshot(qtbot, w)
    editor = open_data_editor(w)
    table = editor.findChild(object, "dataTable")
    table.item(0, 0).setText("16")
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    qtbot.waitUntil(lambda: w.rendered.scenario.data.custom is not None, timeout=TIMEOUT)
    snap = fresh_snapshot(qtbot, w)
    assert len(snap.data.y_test) == 0 and len(snap.data.y_train) == 1797
    assert snap.data.image_shape == (8, 8) == before.data.image_shape
    assert snap.scenario.data.standardize == before.scenario.data.standardize
    rows = np.vstack([snap.data.x_train, snap.data.x_test])
    assert (rows[:, 0] == 16).sum() == (np.vstack([before.data.x_train, before.data.x_test])[
        :, 0] == 16).sum() + (before.data.x_train[0, 0] != 16)


def test_a_change_undone_in_the_table_is_sent_again(qtbot, make_window):
    """Found in review: after one Apply, typing the old value back and Apply said "Nothing was
    edited" and the run kept the edit."""
    w = make_window("xor_221")
    editor = open_data_editor(w)
    table = editor.findChild(object, "dataTable")
    old = table.item(0, 0).text()
    table.item(0, 0).setText("9.5")
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    qtbot.waitUntil(lambda: fresh_snapshot(qtbot, w).data.x_train[:, 0].max() == 9.5,
                    timeout=TIMEOUT)
    table.item(0, 0).setText(old)
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    assert "Nothing was edited" not in editor.findChild(object, "dataEditorNote").text()
    qtbot.waitUntil(lambda: 9.5 not in fresh_snapshot(qtbot, w).data.x_train[:, 0],
                    timeout=TIMEOUT)


def test_replacing_a_trained_unsaved_run_asks_first(qtbot, make_window, monkeypatch):
    """Applying a table and importing a CSV replace the run's training, as a preset does:
    with unsaved changes both ask, and "Cancel" keeps the run as it was."""
    from gui.files import FileActions
    from session.commands import TrainEpochs

    w = make_window("xor_221")
    w.client.send(TrainEpochs(3))
    qtbot.waitUntil(lambda: w.rendered.epoch == 3, timeout=TIMEOUT)
    asked: list[str] = []
    answer = ["cancel"]

    def ask(self) -> str:
        asked.append("asked")
        return answer[0]

    monkeypatch.setattr(FileActions, "ask_unsaved", ask)
    picked: list[str] = []
    monkeypatch.setattr(FileActions, "_ask_path",
                        lambda self, *a, **k: picked.append("picked") or "")
    w.files.import_csv_dialog()
    assert asked == ["asked"] and picked == []  # asked before any file is picked

    editor = open_data_editor(w)
    type_row(editor, 0, ["0.5", "0.5", "1"])
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    assert asked == ["asked", "asked"]
    snap = fresh_snapshot(qtbot, w)
    assert snap.epoch == 3 and snap.scenario.data.custom is None  # nothing replaced
    assert "not applied" in w.statusBar().currentMessage()

    answer[0] = "discard"
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    qtbot.waitUntil(lambda: w.rendered.scenario.data.custom is not None, timeout=TIMEOUT)
    assert fresh_snapshot(qtbot, w).epoch == 0


def test_a_row_left_blank_is_no_sample_and_no_edit(qtbot, make_window):
    """Found by a new-user trial: one "+ Row" too many was refused as an empty cell."""
    w = make_window("xor_221")
    before = fresh_snapshot(qtbot, w)
    editor = open_data_editor(w)
    click(qtbot, editor.findChild(QPushButton, "addRowButton"))
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    assert "Nothing was edited" in editor.findChild(object, "dataEditorNote").text()
    assert fresh_snapshot(qtbot, w).generation == before.generation
    table = editor.findChild(object, "dataTable")
    table.item(0, 0).setText("0.25")
    click(qtbot, editor.findChild(QPushButton, "applyDataButton"))
    assert editor.findChild(object, "dataEditorError").text() == ""
    qtbot.waitUntil(lambda: 0.25 in fresh_snapshot(qtbot, w).data.x_train[:, 0],
                    timeout=TIMEOUT)
    assert len(fresh_snapshot(qtbot, w).data.y_train) == len(before.data.y_train)
