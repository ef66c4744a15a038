"""CSV text as rows of cells: the size limits, the separator, the header row and a preview.

The format, as spreadsheets write it: cells separated by commas (or, when the first row has
no comma, semicolons, tabs or runs of spaces; a first line ``sep=;`` as Excel writes it names
the separator); blank lines and lines starting with ``#`` are skipped; cells may be quoted (a
quoted cell may hold the separator); a UTF-8 byte-order mark at the start is dropped. Where
the separator is not a comma, a number written with a decimal comma (``1,288``, as European
spreadsheets save it) is read as ``1.288``. A header row is recognised when none of its cells
is a number, or when one of its cells is not a number in a column whose next row is a number.

Every limit is checked before the memory it protects is taken: the file size before reading,
the number of lines before splitting, each line's length before cutting it out of the text,
and the number of columns from the first row's separators.
"""

from __future__ import annotations

import csv
import itertools
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass

from engine.data.dataset import MAX_INPUTS
from engine.datasets import MAX_SAMPLES
from engine.fileio import decode_text, format_size, read_limited
from engine.io.validate import one_line
from engine.notation import is_number

MAX_CSV_BYTES = 32 * 1024 * 1024
"""Largest CSV file read (checked from the file size, before reading)."""
MAX_LINES = 4 * MAX_SAMPLES
"""Most lines (blank and comment lines included), checked before the text is split."""
MAX_COLUMNS = 2 * MAX_INPUTS
"""Most columns in a row: up to MAX_INPUTS inputs, a label, and columns left out."""
MAX_LINE_CHARS = 256 * 1024
"""Longest line: 2,048 cells of full-precision numbers fit."""
PREVIEW_ROWS = 20
"""Data rows a preview shows."""
PREVIEW_BYTES = 2 * 1024 * 1024
"""Most bytes a preview reads from the start of the file."""
BOM = "\ufeff"


class CsvError(ValueError):
    """A CSV file that cannot become a data set; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


def decode(data: bytes, name: str) -> str:
    """The text of a CSV file's bytes: UTF-8, a leading byte-order mark dropped; a UTF-16
    file (Excel's "Unicode text") is named as such instead of failing on its first byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvError(f"{name}: UTF-16 text (it starts with a UTF-16 byte-order mark); save "
                       "it as CSV UTF-8")
    if data.startswith(b"PK\x03\x04"):
        raise CsvError(f"{name}: not a text file (a ZIP archive, as .xlsx workbooks are); "
                       "save the sheet as CSV")
    if b"\x00" in data:
        raise CsvError(f"{name}: not a text file (byte 0x00 at offset {data.index(0)}); "
                       "save it as CSV UTF-8")
    try:
        text = decode_text(data, name)
    except ValueError as e:
        raise CsvError(str(e)) from None
    if "\n" not in text and "\r" in text:  # old Mac line ends
        text = text.replace("\r", "\n")
    return text


def read_text(path: str | os.PathLike[str]) -> str:
    """The decoded text of a CSV file of at most MAX_CSV_BYTES (refused from its size)."""
    name = os.fspath(path)
    try:
        data = read_limited(name, MAX_CSV_BYTES)
    except ValueError as e:
        raise CsvError(str(e)) from None
    return decode(data, name)


def check_line_count(text: str) -> None:
    """Refuse text of more than MAX_LINES lines before anything is split."""
    n_lines = text.count("\n") + 1
    if n_lines > MAX_LINES:
        raise CsvError(f"too many lines: {n_lines} (the limit is {MAX_LINES}, for at most "
                       f"{MAX_SAMPLES} rows)")


def data_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number from 1, line) of every line that is neither blank nor a comment, cut out
    one at a time (never the whole text at once) after its length is checked."""
    pos, number, end_of_text = 0, 0, len(text)
    while pos < end_of_text:
        end = text.find("\n", pos)
        if end < 0:
            end = end_of_text
        number += 1
        if end - pos > MAX_LINE_CHARS:
            columns = text.count(",", pos, end) + 1
            raise CsvError(f"line {number}: {end - pos} characters and {columns} columns (a "
                           f"row has at most {MAX_LINE_CHARS} characters and {MAX_COLUMNS} "
                           "columns)")
        line = text[pos:end]
        pos = end + 1
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, line.rstrip("\r")


SEPARATOR_LINE = re.compile(r'"?sep=(.)"?', re.IGNORECASE)
"""Excel's first line naming the separator (quoted as LibreOffice re-saves it; a tab or a
space is a separator too, so the line is matched without stripping it)."""


def _named_separator(char: str) -> str | None:
    return None if char == " " else char


def delimiter_of(first: str) -> str | None:
    """The separator the first row uses; None for runs of whitespace."""
    for d in (",", ";", "\t"):
        if d in first:
            return d
    return None


DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")
"""A number with a decimal comma ("1,288", "-0,5e3"), read as such unless commas separate."""


def split_cells(line: str, delimiter: str | None) -> list[str]:
    """The cells of one line, stripped and unquoted (Python's csv module splits a line that
    has quotes, so a quoted cell may hold the separator); without comma separators, a
    decimal comma becomes a point."""
    cells = _cells(line, delimiter)
    if delimiter != "," and "," in line:
        cells = [c.replace(",", ".") if "," in c and DECIMAL_COMMA.fullmatch(c) else c
                 for c in cells]
    return cells


def _cells(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    if '"' not in line:
        return [c.strip() for c in line.split(delimiter)]
    try:
        cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except (csv.Error, StopIteration):
        cells = line.split(delimiter)
    out = []
    for c in cells:
        c = c.strip()
        if len(c) >= 2 and c[0] == c[-1] == '"':
            c = c[1:-1].replace('""', '"').strip()
        out.append(c)
    return out


def column_count(number: int, line: str, delimiter: str | None) -> int:
    """The first row's number of columns, refused over MAX_COLUMNS before it is split."""
    count = len(line.split()) if delimiter is None else line.count(delimiter) + 1
    if count > MAX_COLUMNS:
        raise CsvError(f"line {number}: {count} columns (the limit is {MAX_COLUMNS}: at most "
                       f"{MAX_INPUTS} inputs, a label and columns left out)")
    return count


def looks_like_targets(cells: list[str]) -> bool:
    """A label column of numbers that are not all whole: regression targets, not classes.
    Judged as the preview judges a column of numbers: by most of its cells, blanks (a short
    line's missing cells) and a stray bad cell left aside."""
    filled = [c for c in cells if c.strip()]
    numbers = [float(c) for c in filled if is_number(c)]
    return 2 * len(numbers) > len(filled) and any(v != round(v) for v in numbers)


def has_header(first: list[str], second: list[str] | None) -> bool:
    """Whether the first row names the columns (see the module doc)."""
    numeric = [is_number(c) for c in first]
    return not any(numeric) or (
        second is not None
        and any(not ok and j < len(second) and is_number(second[j])
                for j, ok in enumerate(numeric))
    )


def column_names(header: tuple[str, ...] | None, width: int) -> tuple[str, ...]:
    """Each column's name: the header's, else "column 1", "column 2", …"""
    return tuple(header[j] if header is not None and j < len(header) and header[j]
                 else f"column {j + 1}" for j in range(width))


def describe_column(j: int, header: tuple[str, ...] | None) -> str:
    """A column as messages name it: "column 3 'petal width'"."""
    if header is not None and j < len(header) and header[j]:
        return f"column {j + 1} {header[j]!r}"
    return f"column {j + 1}"


@dataclass(frozen=True)
class Layout:
    """How a CSV text is laid out, from its first rows."""

    delimiter: str | None
    header: tuple[str, ...] | None
    width: int
    """Number of columns (the header's, else the first data row's)."""


def read_layout(lines: Iterator[tuple[int, str]]) -> tuple[Layout, list[tuple[int, str]]]:
    """The layout, and the first lines taken from ``lines`` that are data rows (not the
    header): the caller goes on with them, then the rest of ``lines``."""
    first = next(lines, None)
    named = None if first is None else SEPARATOR_LINE.fullmatch(
        first[1].rstrip("\r\n").lstrip(BOM))
    if named is not None:  # Excel's "sep=;" line names the separator; the rows follow it
        first = next(lines, None)
    if first is None:
        raise CsvError("the file is empty (no data rows)")
    delimiter = delimiter_of(first[1]) if named is None else _named_separator(named[1])
    column_count(first[0], first[1], delimiter)
    first_cells = split_cells(first[1], delimiter)
    second = next(lines, None)
    second_cells = split_cells(second[1], delimiter) if second is not None else None
    header = None
    if has_header(first_cells, second_cells):
        header = tuple(c.replace(BOM, "") for c in first_cells)
    taken = ([] if header is not None else [first]) + ([second] if second is not None else [])
    if not taken:
        raise CsvError("no data rows (only a header)")
    return Layout(delimiter, header, len(first_cells)), taken


LABEL_NAMES = ("label", "target", "class")
"""Header names (any case) that mark the label column, in order of preference."""


@dataclass(frozen=True)
class CsvPreview:
    """The start of a CSV file, for the import dialog."""

    names: tuple[str, ...]
    """(n_columns,) the header's names, or "column 1", …"""
    header: tuple[str, ...] | None
    rows: tuple[tuple[str, ...], ...]
    """The first data rows as text, each cut or padded to n_columns cells."""
    numeric: tuple[bool, ...]
    """(n_columns,) True when most of the column's shown cells are numbers (a stray bad
    cell does not make a column of numbers text)."""
    n_lines: int
    """Lines in the whole file (blank and comment lines included): at most the rows and
    the header."""
    line_numbers: tuple[int, ...] = ()
    """(len(rows),) each shown row's line in the file (1-based), as messages number them."""
    widths: tuple[int, ...] = ()
    """(len(rows),) how many values each shown row has in the file (n_columns when right)."""

    @property
    def n_columns(self) -> int:
        return len(self.names)

    @property
    def split_column(self) -> int | None:
        """A column named "split" holding only "train" and "test" (the app's own data export
        writes one), else None: it is neither an input nor the label."""
        for j, name in enumerate(self.names):
            cells = {r[j].strip().lower() for r in self.rows}
            if name.strip().lower() == "split" and cells and cells <= {"train", "test"}:
                return j
        return None

    @property
    def label_guess(self) -> int:
        """The label column to propose: one named like a label (LABEL_NAMES, in that order:
        the app's own export writes "label" or "target"), else the last column that is
        neither the split nor blank (a trailing separator on every line makes one)."""
        lowered = [n.strip().lower() for n in self.names]
        for wanted in LABEL_NAMES:
            if wanted in lowered:
                return lowered.index(wanted)
        split = self.split_column
        for j in range(self.n_columns - 1, -1, -1):
            named = self.header is not None and bool(self.header[j].strip())
            if j != split and (named or not self.is_blank(j)):
                return j
        return self.n_columns - 1

    def is_blank(self, j: int) -> bool:
        """Whether every shown cell of column ``j`` is empty."""
        return all(not r[j].strip() for r in self.rows)


def preview_text(text: str, n_rows: int = PREVIEW_ROWS, n_lines: int | None = None
                 ) -> CsvPreview:
    """The preview of CSV text (the start of a file is enough)."""
    lines = data_lines(text)
    layout, taken = read_layout(lines)
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    widths: list[int] = []
    for number, line in itertools.chain(taken, lines):
        if len(rows) >= n_rows:
            break
        cells = split_cells(line, layout.delimiter)
        widths.append(len(cells))
        cells = cells[: layout.width]
        rows.append(tuple(cells + [""] * (layout.width - len(cells))))
        numbers.append(number)
    numeric = tuple(2 * sum(is_number(r[j]) for r in rows) > len(rows)
                    for j in range(layout.width))
    total = text.count("\n") + 1 if n_lines is None else n_lines
    return CsvPreview(column_names(layout.header, layout.width), layout.header, tuple(rows),
                      numeric, total, tuple(numbers), tuple(widths))


def preview_csv(path: str | os.PathLike[str], n_rows: int = PREVIEW_ROWS) -> CsvPreview:
    """The preview of a CSV file from at most PREVIEW_BYTES of its start (cheap on a file at
    the size limit); CsvError names what is wrong, as the import would."""
    name = os.fspath(path)
    try:
        st = os.stat(name)
        if not stat.S_ISREG(st.st_mode):
            read_limited(name, MAX_CSV_BYTES)  # its one-line message: a folder, not a file
        if st.st_size > MAX_CSV_BYTES:
            raise CsvError(f"{name}: file too large ({format_size(st.st_size)}; the limit is "
                           f"{format_size(MAX_CSV_BYTES)})")
        with open(name, "rb") as f:
            head = last = f.read(PREVIEW_BYTES)
            n_lines = head.count(b"\n")
            while block := f.read(1 << 20):
                n_lines += block.count(b"\n")
                last = block
        n_lines += bool(last) and not last.endswith(b"\n")  # a last line without a line end
    except FileNotFoundError:
        raise CsvError(f"{name}: no such file") from None
    except PermissionError:
        raise CsvError(f"{name}: permission denied") from None
    except CsvError:
        raise
    except (OSError, ValueError) as e:
        raise CsvError(str(e) if isinstance(e, ValueError) else f"{name}: {e}") from None
    if len(head) == PREVIEW_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n")]  # whole lines only (no cut character)
    text = decode(head, name)  # its messages name the file already
    try:
        return preview_text(text, n_rows, n_lines)
    except CsvError as e:
        raise CsvError(f"{name}: {e}") from None
