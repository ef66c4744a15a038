"""The CSV import dialog (pytest-qt): the preview, column check boxes, the label drop-down,
the problem type, skip bad lines, and an import through the File menu that the window
shows, skipped lines named in its status bar."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
)

from engine.csvdata import preview_csv
from gui.csv_dialog import CsvImportDialog
from gui.files import FileActions
from tests.gui_helpers import TIMEOUT, fresh_snapshot


@pytest.fixture
def window(make_window):
    return make_window


def iris_like(tmp_path: Path, bad_line: bool = True) -> Path:
    """id, four measures and a species word; line 5 is bad (a word in a numeric column)."""
    rng = np.random.default_rng(3)
    species = ["setosa", "versicolor", "virginica"]
    rows = []
    for i in range(60):
        k = i % 3
        m = rng.normal(loc=[5 + k, 3, 1.5 + 2 * k, 0.2 + k], scale=0.2)
        rows.append(f"{i},{','.join(f'{v:.2f}' for v in m)},{species[k]}")
    if bad_line:
        rows[3] = "3,5.0,oops,1.4,0.2,setosa"  # line 5 (the header is line 1)
    path = tmp_path / "flowers.csv"
    path.write_text("id,sl,sw,pl,pw,species\n" + "\n".join(rows) + "\n")
    return path


def dialog_for(qtbot, path: Path) -> CsvImportDialog:
    d = CsvImportDialog(None, str(path), preview_csv(path))
    qtbot.addWidget(d)
    return d


def child(d: CsvImportDialog, kind: type, name: str):
    widget = d.findChild(kind, name)
    assert widget is not None, name
    return widget


def test_the_dialog_previews_the_rows_and_collects_the_choices(qtbot, tmp_path):
    d = dialog_for(qtbot, iris_like(tmp_path))
    table = child(d, QTableWidget, "csvPreviewTable")
    assert table.columnCount() == 6 and table.rowCount() == 20
    assert table.item(0, 5).text() == "setosa" and table.item(3, 2).text() == "✗ oops"
    label = child(d, QComboBox, "csvLabelCombo")
    assert label.currentData() == 5  # the last column by default
    assert child(d, QComboBox, "csvTaskCombo").currentData() == "classification"
    boxes = [child(d, QCheckBox, f"csvColumn_{j}") for j in range(6)]
    assert [b.isChecked() for b in boxes] == [True] * 5 + [False]
    assert not boxes[5].isEnabled()  # the label is never an input
    # Leave out the id, skip bad lines, 80 % for training.
    boxes[0].setChecked(False)
    child(d, QCheckBox, "csvSkipBadLines").setChecked(True)
    child(d, QSpinBox, "csvTrainShare").setValue(80)
    c = d.choices()
    assert c.label_column == 5 and c.input_columns == (1, 2, 3, 4)
    assert c.skip_bad_lines and c.train_fraction == pytest.approx(0.8)
    # Select none disables Import; select all brings every column but the label back.
    ok = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(child(d, QPushButton, "csvSelectNone"), Qt.MouseButton.LeftButton)
    assert d.input_columns() == () and not ok.isEnabled()
    qtbot.mouseClick(child(d, QPushButton, "csvSelectAll"), Qt.MouseButton.LeftButton)
    assert d.input_columns() == (0, 1, 2, 3, 4) and ok.isEnabled()
    # Another label: the old one becomes an input again; a numeric label means regression.
    label.setCurrentIndex(4)
    assert d.label_column() == 4 and not boxes[4].isEnabled() and boxes[5].isEnabled()
    assert 4 not in d.input_columns()
    assert child(d, QComboBox, "csvTaskCombo").currentData() == "regression"
    assert table.horizontalHeaderItem(4).text() == "pw (label)"


def test_a_wide_file_gets_a_check_box_per_column(qtbot, tmp_path):
    path = tmp_path / "wide.csv"
    header = ",".join(f"p{j}" for j in range(64)) + ",digit"
    rows = "\n".join(",".join(["1"] * 64 + [str(i % 10)]) for i in range(30))
    path.write_text(header + "\n" + rows + "\n")
    d = dialog_for(qtbot, path)
    assert len(d.findChildren(QCheckBox, options=Qt.FindChildOption.FindChildrenRecursively)) \
        == 65 + 1  # the columns and Skip bad lines
    assert d.input_columns() == tuple(range(64))
    assert d.findChild(QPushButton, "csvSelectFirst").isHidden()  # 64 inputs fit


def test_more_columns_than_a_network_takes_offers_the_first_1024(qtbot, tmp_path):
    """Found by a new-user trial: 1,999 check boxes and Import disabled, no way but by hand."""
    path = tmp_path / "cols2000.csv"
    header = "id," + ",".join(f"c{j}" for j in range(1998)) + ",y"
    rows = "\n".join(",".join(["note"] + ["1"] * 1998 + [str(i % 2)]) for i in range(4))
    path.write_text(header + "\n" + rows + "\n")
    d = dialog_for(qtbot, path)
    ok = d.findChild(QDialogButtonBox, "csvButtons").button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and "at most 1,024" in d.findChild(object, "csvInputCount").text()
    first = d.findChild(QPushButton, "csvSelectFirst")
    assert not first.isHidden() and first.text() == "First 1,024"
    first.click()
    assert d.input_columns() == tuple(range(1, 1025))  # the text column "id" is left out
    assert ok.isEnabled() and d.label_column() == 1999


def test_the_dialog_drives_an_import_the_window_shows(qtbot, window, tmp_path, monkeypatch):
    path = iris_like(tmp_path)
    w = window("tf_default")
    monkeypatch.setattr(FileActions, "_ask_path", lambda self, *a, **k: str(path))

    def choose(self: CsvImportDialog) -> int:
        self.findChild(QCheckBox, "csvColumn_0").setChecked(False)  # not the id
        self.findChild(QCheckBox, "csvSkipBadLines").setChecked(True)
        self.findChild(QSpinBox, "csvTrainShare").setValue(50)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(CsvImportDialog, "exec", choose)
    w.files.import_csv_dialog()
    qtbot.waitUntil(lambda: w.rendered.data.input_names == ("sl", "sw", "pl", "pw"),
                    timeout=TIMEOUT)
    snap = fresh_snapshot(qtbot, w)
    assert snap.data.class_names == ("setosa", "versicolor", "virginica")
    assert len(snap.data.x_train) + len(snap.data.x_test) == 59  # line 5 was skipped
    assert snap.sizes[0] == 4 and snap.sizes[-1] == 3
    qtbot.waitUntil(lambda: "skipped 1 bad line: 5" in w.statusBar().currentMessage(),
                    timeout=TIMEOUT)
    # the whole report reads on hover, however narrow the window cuts the bar's line
    report = w.statusBar().currentMessage()
    assert w.statusBar().toolTip() == report and report.endswith("the network was rebuilt.")


def test_without_skipping_the_bad_line_is_named_and_the_run_kept(qtbot, window, tmp_path,
                                                                 monkeypatch):
    path = iris_like(tmp_path)
    w = window("tf_default")
    before = fresh_snapshot(qtbot, w)
    monkeypatch.setattr(FileActions, "_ask_path", lambda self, *a, **k: str(path))
    monkeypatch.setattr(CsvImportDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    w.files.import_csv_dialog()
    qtbot.waitUntil(lambda: w.files.last_message is not None, timeout=TIMEOUT)
    _title, text = w.files.last_message
    assert "line 5: column 3 'sw' is not a number ('oops')" in text
    after = fresh_snapshot(qtbot, w)
    assert after.sizes == before.sizes and after.data.n_inputs == 2


def test_a_file_the_preview_refuses_opens_no_dialog(qtbot, window, tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    path.write_text(",".join(["1"] * 100_000) + "\n")
    w = window("tf_default")
    monkeypatch.setattr(FileActions, "_ask_path", lambda self, *a, **k: str(path))
    monkeypatch.setattr(CsvImportDialog, "exec", lambda self: pytest.fail("dialog opened"))
    w.files.import_csv_dialog()
    assert w.files.last_message is not None
    assert "line 1: 100000 columns" in w.files.last_message[1]


def test_preview_rows_carry_their_file_lines_and_bad_cells_are_marked(qtbot, tmp_path):
    """Found by a new-user trial: rows numbered 1–20 while messages said "line 11"."""
    path = iris_like(tmp_path)
    text = path.read_text().replace("\n", "\n# a comment line\n", 1)  # lines shift by one
    path.write_text(text)
    d = dialog_for(qtbot, path)
    table = d.findChild(QTableWidget, "csvPreviewTable")
    heads = [table.verticalHeaderItem(i).text() for i in range(3)]
    assert heads == ["3", "4", "5"]  # the header is line 1, the comment line 2
    bad = table.item(3, 2)  # "oops", now on line 6
    assert table.verticalHeaderItem(3).text() == "6"
    assert bad.text() == "✗ oops" and "line 6" in bad.toolTip()
    assert table.item(3, 1).text() == "5.0" and table.item(3, 5).text() == "setosa"
    sw = d.findChild(QCheckBox, "csvColumn_2")
    sw.setChecked(False)  # a column left out is not read, so its cells are not bad
    assert table.item(3, 2).text() == "oops"
    sw.setChecked(True)
    assert table.item(3, 2).text() == "✗ oops"


def test_rows_with_too_few_or_too_many_values_are_marked(qtbot, tmp_path):
    """Found by a new-user trial: only cells that are not numbers were marked."""
    path = tmp_path / "ragged.csv"
    path.write_text("x,y,label\n1,2,a\n3,4\n5,6,b,7\n8,9,a\n")
    d = dialog_for(qtbot, path)
    table = d.findChild(QTableWidget, "csvPreviewTable")
    heads = [table.verticalHeaderItem(i) for i in range(4)]
    assert [h.text() for h in heads] == ["2", "✗ 3", "✗ 4", "5"]
    assert "line 3: 2 values, expected 3" in heads[1].toolTip()
    assert "line 4: 4 values, expected 3" in heads[2].toolTip()
    assert heads[0].toolTip() == ""
