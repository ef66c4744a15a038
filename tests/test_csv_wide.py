"""CSV import for wide data (issue 11): chosen input columns, the label by name or index,
class names kept from the file, skipped bad lines, the preview, and each kind of bad input
named by its line and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.csvdata import (
    MAX_COLUMNS,
    CsvError,
    parse_csv_dataset,
    preview_csv,
    read_csv_dataset,
    scenario_for_csv,
)
from engine.presets import get_preset
from engine.trainer import Trainer


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path_or_text, **kwargs) -> str:
    """The one-line message of a refused file (or text)."""
    with pytest.raises(CsvError) as e:
        if isinstance(path_or_text, Path):
            read_csv_dataset(path_or_text, **kwargs)
        else:
            parse_csv_dataset(path_or_text, **kwargs)
    msg = str(e.value)
    assert msg and "\n" not in msg and len(msg) <= 300
    return msg


def wide_text(rng: np.random.Generator, n: int = 50, d: int = 64) -> tuple[str, np.ndarray,
                                                                           np.ndarray]:
    x = rng.integers(0, 17, size=(n, d)).astype(float)
    y = rng.integers(0, 3, size=n)
    y[:3] = [0, 1, 2]
    names = [f"p{j}" for j in range(d)]
    lines = [",".join([*names, "digit"])]
    lines += [",".join([*(f"{v:g}" for v in row), str(k)]) for row, k in zip(x, y, strict=True)]
    return "\n".join(lines) + "\n", x, y


def test_a_wide_csv_keeps_every_column_and_trains(tmp_path):
    text, x, y = wide_text(np.random.default_rng(1))
    d = read_csv_dataset(write(tmp_path, text), label_column="digit")
    assert d.n_inputs == 64 and d.n_rows == 50
    assert d.input_names == tuple(f"p{j}" for j in range(64))
    np.testing.assert_array_equal(np.array(d.custom.x), x)
    np.testing.assert_array_equal(np.array(d.custom.y), y)
    assert d.custom.input_names == d.input_names and d.class_names == ("0", "1", "2")
    # The cached data set is the tuples' data exactly.
    np.testing.assert_array_equal(d.custom.dataset.x, np.array(d.custom.x))
    s, _ = scenario_for_csv(get_preset("digits"), d)
    t = Trainer(s)
    assert t.dataset.n_inputs == 64 and t.spec.n_inputs == 64 and t.spec.n_outputs == 3
    assert t.dataset.input_names[5] == "p5"
    t.train(2)


def test_input_columns_by_name_or_index_and_the_label_anywhere(tmp_path):
    path = write(tmp_path, "id,a,kind,b,c\n1,0.5,x,1,2\n2,1.5,y,2,3\n3,2.5,x,3,4\n")
    d = read_csv_dataset(path, label_column="kind", input_columns=["c", 1])
    assert d.input_names == ("c", "a") and d.label_name == "kind"
    assert d.custom.x.tolist() == [list(r) for r in ((2.0, 0.5), (3.0, 1.5), (4.0, 2.5))]
    chosen = read_csv_dataset(path, label_column=2, input_columns=[-1, "a"])
    assert chosen.custom.x.tolist() == [[2.0, 0.5], [3.0, 1.5], [4.0, 2.5]]
    every = read_csv_dataset(path, label_column=2)  # default: every column but the label
    assert every.input_names == ("id", "a", "b", "c")
    assert every.custom.x[0].tolist() == [1.0, 0.5, 1.0, 2.0]


def test_class_names_words_in_order_of_appearance_numbers_sorted(tmp_path):
    words = read_csv_dataset(write(tmp_path, "1,cat\n2,dog\n3,cat\n4,bird\n"))
    assert words.class_names == ("cat", "dog", "bird")
    assert words.custom.y.tolist() == [0.0, 1.0, 0.0, 2.0]
    numbers = read_csv_dataset(write(tmp_path, "x,k\n1,10\n2,2\n3,10.0\n4,-1\n", "n.csv"))
    assert numbers.class_names == ("-1", "2", "10")  # numeric order; 10 and 10.0 are one
    assert numbers.custom.y.tolist() == [2.0, 1.0, 2.0, 0.0]
    t = Trainer(scenario_for_csv(get_preset("iris"), words)[0])
    assert t.dataset.class_names == ("cat", "dog", "bird")


def test_skip_bad_lines_lists_them_and_keeps_the_rest(tmp_path):
    text = ("a,b,y\n0,0,no\n1,x,yes\n1,1,yes\n2,2\n\n# note\n3,3,no\n4,inf,yes\n"
            "5,5,\n6,6,yes\n")
    path = write(tmp_path, text)
    msg = refused(path)
    assert "line 3: column 2 'b' is not a number ('x')" in msg
    assert "line 5: 2 values, expected 3" in msg
    d = read_csv_dataset(path, skip_bad_lines=True)
    assert d.skipped_lines == (3, 5, 9, 10)
    assert d.custom.x.tolist() == [[0.0, 0.0], [1.0, 1.0], [3.0, 3.0], [6.0, 6.0]]
    assert d.class_names == ("no", "yes")
    assert "skipped 4 bad lines: 3, 5, 9, 10" in d.notes()
    # Many: the first few, then a count.
    rows = "\n".join(f"{i},{'bad' if i % 2 else i},{i % 3 == 0}" for i in range(40))
    many = read_csv_dataset(write(tmp_path, "a,b,y\n" + rows, "m.csv"), skip_bad_lines=True)
    assert len(many.skipped_lines) == 20
    assert any(n.startswith("skipped 20 bad lines: 3, 5, 7") and n.endswith("and 12 more")
               for n in many.notes())


def test_a_bad_line_in_a_label_only_class_adds_no_class(tmp_path):
    d = read_csv_dataset(write(tmp_path, "1,a\n2,b\nx,c\n3,a\n"), skip_bad_lines=True)
    assert d.class_names == ("a", "b") and d.skipped_lines == (3,)


def test_every_line_bad_is_refused_even_when_skipping(tmp_path):
    msg = refused(write(tmp_path, "a,b,y\nx,1,0\ny,2,1\n"), skip_bad_lines=True)
    assert "no usable row" in msg and "line 2" in msg


@pytest.mark.parametrize(
    ("text", "kwargs", "words"),
    [
        (",".join(["1"] * 100_000) + "\n", {}, ["line 1", "100000 columns",
                                                 f"the limit is {MAX_COLUMNS}"]),
        ("a,b,y\n1,2,0\n1,2,3,1\n", {}, ["line 3: 4 values, expected 3"]),
        ("a,b,y\n1,2,0\n1,two,1\n", {}, ["line 3: column 2 'b' is not a number ('two')"]),
        ("a,b,y\n1,2,0\n1,nan,1\n", {}, ["line 3: column 2 'b' is not a finite number"]),
        ("a,b,y\n1,2,0\n-inf,2,1\n", {}, ["line 3: column 1 'a' is not a finite number"]),
        ("a,b,y\n1,2,0\n3,\ufeff2,1\n", {}, ["line 3: column 2 'b'", "byte-order mark"]),
        ("a,b,y\n1,2,0\n3,1_000,1\n", {}, ["line 3: column 2 'b' is not a number"]),
        ("a,b,y\n1,2,same\n3,4,same\n", {}, ["only one distinct label", "column 3 'y'"]),
        ("a,b,y\n1,2,0.5\n3,4,high\n", {"task": "regression"},
         ["line 3: column 3 'y' is not a number ('high')"]),
        ("", {}, ["empty"]),
        ("a,b,y\n1,2,0\n2,1,1\n", {"input_columns": ["a", "a"]}, ["listed twice"]),
        ("a,b,y\n1,2,0\n2,1,1\n", {"input_columns": []}, ["no input column"]),
        ("a,a,y\n1,2,0\n2,1,1\n", {}, ["columns 1 and 2 are both named 'a'"]),
    ],
)
def test_bad_input_is_one_line_naming_line_and_column(tmp_path, text, kwargs, words):
    msg = refused(write(tmp_path, text), **kwargs)
    assert msg.startswith(str(tmp_path / "data.csv"))
    for w in words:
        assert w in msg, msg


def test_a_utf8_bom_is_dropped_and_utf16_is_named(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfsize,kind\n1,a\n2,b\n")
    d = read_csv_dataset(path, label_column="kind")
    assert d.header == ("size", "kind") and d.input_names == ("size",)
    path.write_bytes("size,kind\n1,a\n".encode("utf-16"))
    msg = refused(path)
    assert "UTF-16" in msg and "UTF-8" in msg
    with pytest.raises(CsvError, match="UTF-16"):
        preview_csv(path)


def test_too_many_input_columns_for_the_engine(tmp_path):
    text = ",".join(f"c{j}" for j in range(1100)) + "\n" + ",".join(["1"] * 1100) + "\n"
    assert "1099 input columns (the limit is 1024)" in refused(write(tmp_path, text))


def test_preview_shows_the_start_of_a_file_without_reading_it_all(tmp_path):
    rows = "\n".join(f"{i},{i * 0.5},{'ab'[i % 2]}" for i in range(5000))
    path = write(tmp_path, "n,half,kind\n" + rows + "\n")
    p = preview_csv(path)
    assert p.header == ("n", "half", "kind") and p.names == p.header and p.n_columns == 3
    assert len(p.rows) == 20 and p.rows[0] == ("0", "0.0", "a") and p.rows[19][0] == "19"
    assert p.numeric == (True, True, False) and p.n_lines == 5001
    bare = preview_csv(write(tmp_path, "1;2\n3;4\n5\n", "bare.csv"))
    assert bare.header is None and bare.names == ("column 1", "column 2")
    assert bare.rows == (("1", "2"), ("3", "4"), ("5", ""))
    for text, words in (("", "empty"), ("a,b\n", "only a header"),
                        (",".join(["1"] * 5000), "5000 columns")):
        with pytest.raises(CsvError, match=words):
            preview_csv(write(tmp_path, text, "bad.csv"))
    with pytest.raises(CsvError, match="no such file"):
        preview_csv(tmp_path / "missing.csv")


def test_a_fractional_label_is_guessed_regression_despite_a_short_or_bad_line():
    """Found by a new-user trial: one short line in the preview padded the label with ''
    and the guess became classification (22 "classes" of petal widths)."""
    from engine.csv_text import looks_like_targets

    widths = ["0.2", "0.4", "1.3", "2.5"] * 5
    assert looks_like_targets(widths)
    assert looks_like_targets([*widths[:-1], ""]) and looks_like_targets([*widths, "abc"])
    assert not looks_like_targets(["0", "1", "2", ""]) and not looks_like_targets(["", ""])
    assert not looks_like_targets(["setosa", "0.5", "virginica"])


def test_blank_header_cells_are_named_by_their_column_not_refused_as_twins(tmp_path):
    """Found in review: two blank header cells were refused as two columns named ''."""
    d = read_csv_dataset(write(tmp_path, "a,,,y\n1,2,3,0\n4,5,6,1\n"), label_column="y")
    assert d.input_names == ("a", "column 2", "column 3")
