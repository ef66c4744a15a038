"""Read a matrix the way people paste one: NumPy or Python text, or plain rows of numbers.

Accepted (never evaluated as code — a small tokenizer reads numbers, brackets and separators):

* nested lists, as Python and ``repr`` write them: ``[[0.1, 0.2], [0.3, 0.4]]``, also inside
  ``np.array(…)`` / ``array(…)``;
* NumPy's ``print`` form, numbers separated by spaces: ``[[0.1 0.2]\n [0.3 0.4]]``;
* plain rows, one per line or separated by ``;``, numbers by commas or spaces:
  ``0.1, 0.2; 0.3 0.4``;
* a flat list ``[1.56, -0.45]`` or a single number.

``parse_matrix`` returns a 1-D or 2-D float64 array; ``fit_matrix`` and
``fit_vector`` shape it for a layer's W (n_in, n_out) or b (n_out,) and say plainly when the
shape is wrong. Every failure is a ``MatrixTextError`` (a ValueError) with one line.
"""

from __future__ import annotations

import math
import re

import numpy as np

MAX_TEXT = 2_000_000
"""Longest text read (a 784 × 128 layer printed in full is about 1.3 MB)."""
MAX_NUMBERS = 200_000

_TOKEN = re.compile(r"\s*(?:(?P<open>\[)|(?P<close>\])|(?P<sep>[,;\n])|(?P<word>[^\s\[\],;]+))")
_WRAPPER = re.compile(r"^\s*(?:(?:np|numpy)\.)?(?:array|asarray|matrix)\s*\((?P<body>.*)\)\s*$",
                      re.DOTALL)
_DTYPE = re.compile(r",\s*dtype\s*=\s*[\w.]+\s*$")
_MINUS = str.maketrans({"−": "-", "–": "-", "\u00a0": " ", "\t": " ", "\r": "\n"})


class MatrixTextError(ValueError):
    """The text is not a matrix of numbers (the message says where)."""


def _number(word: str, where: str) -> float:
    try:
        v = float(word)
    except ValueError:
        raise MatrixTextError(f"{where}: {word[:40]!r} is not a number") from None
    if not math.isfinite(v):
        raise MatrixTextError(f"{where}: {word!r} is not a finite number")
    return v


def _strip_wrapper(text: str) -> str:
    m = _WRAPPER.match(text)
    if m is None:
        return text
    return _DTYPE.sub("", m.group("body"))


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind is not None:
            out.append((kind, m.group(kind)))
    return out


def _rows_of_brackets(tokens: list[tuple[str, str]]) -> list[list[float]] | list[float]:
    """Bracketed text: [a, b] (a vector) or [[a, b], [c, d]] (rows). Newlines are spaces."""
    depth = 0
    rows: list[list[float]] = []
    current: list[float] = []
    top: str | None = None
    vector: list[float] = []
    for kind, value in tokens:
        if kind == "open":
            depth += 1
            if depth > 2:
                raise MatrixTextError("lists nested more than two deep: a layer's weights are "
                                      "a matrix (rows of numbers)")
            if depth == 1:
                if top is not None:
                    raise MatrixTextError("text after the closing bracket")
                top = "open"
            else:
                if vector:
                    raise MatrixTextError("numbers and rows mixed at the same level")
                current = []
        elif kind == "close":
            if depth == 0:
                raise MatrixTextError("a closing bracket ] without its opening [")
            if depth == 2:
                rows.append(current)
                current = []
            else:
                top = "closed"
            depth -= 1
        elif kind == "word":
            if top == "closed":
                raise MatrixTextError("text after the closing bracket")
            if depth == 0:
                raise MatrixTextError(f"{value[:40]!r} outside the brackets")
            if depth == 2:
                current.append(_number(value, f"row {len(rows) + 1}, number {len(current) + 1}"))
            else:
                if rows:
                    raise MatrixTextError("numbers and rows mixed at the same level")
                vector.append(_number(value, f"number {len(vector) + 1}"))
    if depth != 0:
        raise MatrixTextError("a bracket [ is never closed")
    return rows if rows else vector


def _plain_rows(text: str) -> list[list[float]]:
    """Rows separated by newlines or ';', numbers by commas or spaces."""
    rows: list[list[float]] = []
    for line in re.split(r"[;\n]", text):
        words = [w for w in re.split(r"[,\s]+", line.strip()) if w]
        if words:
            rows.append([_number(w, f"row {len(rows) + 1}, number {k + 1}")
                         for k, w in enumerate(words)])
    return rows


def parse_matrix(text: str) -> np.ndarray:
    """The numbers of ``text`` as a float64 array: 1-D (a flat list, one plain row, one number)
    or 2-D (rows). Raises MatrixTextError naming what is wrong."""
    if len(text) > MAX_TEXT:
        raise MatrixTextError(f"the text is too long ({len(text):,} characters; at most "
                              f"{MAX_TEXT:,})")
    text = _strip_wrapper(text.translate(_MINUS)).strip()
    if not text:
        raise MatrixTextError("no numbers: paste e.g. [[0.1, 0.2], [0.3, 0.4]]")
    if "[" in text or "]" in text:
        parsed = _rows_of_brackets(_tokens(text))
    else:
        rows = _plain_rows(text)
        parsed = rows[0] if len(rows) == 1 else rows
    if not parsed or (isinstance(parsed[0], list) and not all(parsed)):
        raise MatrixTextError("an empty list: a matrix needs numbers in every row")
    if isinstance(parsed[0], list):
        widths = [len(r) for r in parsed if isinstance(r, list)]
        for k, w in enumerate(widths):
            if w != widths[0]:
                raise MatrixTextError(f"row {k + 1} has {w} number{'s' * (w != 1)}, row 1 has "
                                      f"{widths[0]}: every row needs the same count")
    array = np.array(parsed, dtype=np.float64)
    if array.size > MAX_NUMBERS:
        raise MatrixTextError(f"too many numbers ({array.size:,}; at most {MAX_NUMBERS:,})")
    return array


def shape_text(shape: tuple[int, ...]) -> str:
    return " × ".join(str(n) for n in shape) if shape else "one number"


def fit_matrix(values: np.ndarray, shape: tuple[int, int], layout: str = "rows × columns"
               ) -> np.ndarray:
    """``values`` as a (rows, columns) = ``shape`` matrix. A flat list (or one number) fills a
    matrix with one row or one column. ``layout`` names the rows and columns in messages."""
    rows, cols = shape
    v = np.asarray(values, dtype=np.float64)
    if v.ndim < 2 and v.size == rows * cols and 1 in shape:
        return v.reshape(shape)
    if v.shape == shape:
        return v.copy()
    hint = ""
    if v.ndim == 2 and v.shape == (cols, rows):
        hint = "; that is the transposed layout — switch the layout toggle"
    raise MatrixTextError(f"wrong shape: this layer needs {shape_text(shape)} ({layout}), the "
                          f"text has {shape_text(v.shape)}{hint}")


def fit_vector(values: np.ndarray, n: int, what: str = "biases") -> np.ndarray:
    """``values`` as (n,): a flat list, one number (n = 1), or a matrix of one row or column."""
    v = np.asarray(values, dtype=np.float64)
    if v.size == n and (v.ndim < 2 or 1 in v.shape):
        return v.reshape(n)
    raise MatrixTextError(f"wrong shape: {n} {what} needed, the text has {shape_text(v.shape)}")
