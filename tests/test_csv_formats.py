"""CSV files as spreadsheets save them in other locales and formats, found by a new-user
trial: decimal commas with semicolons, Excel's "sep=" first line, a workbook or a binary file
picked by mistake, and fractional labels read as classes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.csv_text import CsvError
from engine.csvdata import preview_csv, read_csv_dataset


def write(tmp_path: Path, text: str | bytes, name: str = "d.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_decimal_commas_are_read_where_commas_do_not_separate(tmp_path) -> None:
    path = write(tmp_path, "x;y;label\n1,288;1,449;a\n-0,5;2,25e1;b\n3;4;a\n")
    p = preview_csv(path)
    assert p.numeric == (True, True, False)
    assert p.rows[0][:2] == ("1.288", "1.449")
    data = read_csv_dataset(path, label_column="label", task="classification",
                            train_fraction=1.0)
    np.testing.assert_array_equal(data.custom.x, [[1.288, 1.449], [-0.5, 22.5], [3.0, 4.0]])
    tabs = write(tmp_path, "x\ty\n0,25\t1\n0,75\t0\n", "t.csv")
    assert read_csv_dataset(tabs, label_column=-1, task="regression",
                            train_fraction=1.0).custom.x.ravel().tolist() == [0.25, 0.75]


def test_commas_that_separate_and_quoted_commas_stay_as_they_are(tmp_path) -> None:
    p = preview_csv(write(tmp_path, 'x,y,label\n"1,5",2,a\n3,4,b\n'))
    assert p.rows[0] == ("1,5", "2", "a")  # a quoted cell with a comma is text, not 1.5
    q = preview_csv(write(tmp_path, "x;y;label\n1;2;a,b\n3;4;c\n", "w.csv"))
    assert q.rows[0][2] == "a,b"  # not a number: kept


@pytest.mark.parametrize("first", ["sep=;", "SEP=;", "sep=;\r"])
def test_an_excel_separator_line_names_the_separator(tmp_path, first) -> None:
    path = write(tmp_path, f"{first}\nx;y;label\n1;2;a\n3;oops;b\n")
    p = preview_csv(path)
    assert p.names == ("x", "y", "label") and p.rows[0] == ("1", "2", "a")
    assert p.line_numbers[0] == 3  # the separator line still counts as line 1
    with pytest.raises(CsvError) as err:
        read_csv_dataset(path, label_column="label", task="classification",
                         train_fraction=1.0)
    assert "line 4" in str(err.value) and "'y'" in str(err.value)


@pytest.mark.parametrize(("content", "words"), [
    (b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "a ZIP archive, as .xlsx"),
    (b"x,y\x00\x00\n1,2\n", "not a text file (byte 0x00 at offset 3)"),
])
def test_a_binary_file_is_named_as_such(tmp_path, content, words) -> None:
    path = write(tmp_path, content)
    for read in (lambda: preview_csv(path),
                 lambda: read_csv_dataset(path, label_column=-1, task="classification",
                                          train_fraction=1.0)):
        with pytest.raises(CsvError) as err:
            read()
        assert words in str(err.value) and len(str(err.value)) <= 300


def test_fractional_labels_read_as_classes_get_a_question(tmp_path) -> None:
    rows = "".join(f"{i},{i * 2},{i * 0.37:.2f}\n" for i in range(30))
    path = write(tmp_path, "a,b,t\n" + rows)
    data = read_csv_dataset(path, label_column="t", task="classification", train_fraction=1.0)
    assert data.notes()[0] == "30 classes from fractional numbers in t: is it a regression target?"
    whole = write(tmp_path, "a,b,t\n" + "".join(f"{i},{i},{i % 3}\n" for i in range(30)), "w.csv")
    notes = read_csv_dataset(whole, label_column="t", task="classification",
                             train_fraction=1.0).notes()
    assert not any("regression" in n for n in notes)


@pytest.mark.parametrize(("first", "sep"), [("sep=\t", "\t"), ("sep= ", " "), ('"sep=;"', ";")])
def test_a_separator_line_may_name_a_tab_or_a_space_or_be_quoted(tmp_path, first, sep) -> None:
    rows = sep.join(["x", "y", "label"]) + "\n" + sep.join(["1", "2", "a"]) + "\n"
    p = preview_csv(write(tmp_path, f"{first}\n{rows}"))
    assert p.names == ("x", "y", "label") and p.rows[0] == ("1", "2", "a")
