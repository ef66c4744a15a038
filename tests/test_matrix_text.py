"""Reading pasted NumPy-style text (engine.matrix_text): the forms people paste, refusals that
name the problem in one line, and fitting the numbers to a layer's shape."""

from __future__ import annotations

import numpy as np
import pytest

from engine.matrix_text import MatrixTextError, fit_matrix, fit_vector, parse_matrix

GOOD = [
    ("[[0.1, 0.2], [0.3, 0.4]]", [[0.1, 0.2], [0.3, 0.4]]),
    ("[[0.1 0.2]\n [0.3 0.4]]", [[0.1, 0.2], [0.3, 0.4]]),  # NumPy's print
    ("array([[ 1.56],\n       [-0.45]])", [[1.56], [-0.45]]),  # NumPy's repr
    ("np.array([1.56, -0.45], dtype=float)", [1.56, -0.45]),
    ("0.1, 0.2\n0.3, 0.4\n", [[0.1, 0.2], [0.3, 0.4]]),
    ("0.1 0.2; 0.3 0.4", [[0.1, 0.2], [0.3, 0.4]]),
    ("[1e-3, −2.5]", [0.001, -2.5]),  # a typographic minus, as PDFs print it
    ("  7  ", [7.0]),
    ("[[1,\n  2],\n [3, 4],]", [[1.0, 2.0], [3.0, 4.0]]),  # trailing comma, line breaks
]


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_accepted_forms(text, expected):
    got = parse_matrix(text)
    assert got.dtype == np.float64
    assert got.tolist() == expected


BAD = [
    ("", "no numbers"),
    ("[[1, 2], [3]]", "row 2 has 1 number"),
    ("[1, abc]", "'abc' is not a number"),
    ("[[1, 2]", "never closed"),
    ("[1, 2]]", "without its opening"),
    ("[[[1]]]", "nested more than two deep"),
    ("[1, [2, 3]]", "mixed"),
    ("[[1, 2], 3]", "mixed"),
    ("[1] [2]", "after the closing bracket"),
    ("1 2\n3", "row 2 has 1 number"),
    ("[nan, 1]", "not a finite number"),
    ("__import__('os').system('x')", "is not a number"),  # read, never run
    ("[]", "empty"),
]


@pytest.mark.parametrize(("text", "fragment"), BAD)
def test_refusals_name_the_problem_in_one_line(text, fragment):
    with pytest.raises(MatrixTextError) as err:
        parse_matrix(text)
    message = str(err.value)
    assert fragment in message and "\n" not in message and len(message) <= 300


def test_fit_matrix_shapes():
    assert fit_matrix(parse_matrix("[1.56, -0.45]"), (2, 1)).tolist() == [[1.56], [-0.45]]
    assert fit_matrix(parse_matrix("[[1, 2, 3]]"), (1, 3)).tolist() == [[1, 2, 3]]
    assert fit_matrix(parse_matrix("5"), (1, 1)).tolist() == [[5.0]]
    with pytest.raises(MatrixTextError, match="transposed"):
        fit_matrix(parse_matrix("[[1, 2, 3], [4, 5, 6]]"), (3, 2), "inputs × units")
    with pytest.raises(MatrixTextError, match=r"needs 2 × 2 \(inputs × units\), the text has 3"):
        fit_matrix(parse_matrix("[1, 2, 3]"), (2, 2), "inputs × units")


def test_fit_vector_shapes():
    assert fit_vector(parse_matrix("[0]"), 1).tolist() == [0.0]
    assert fit_vector(parse_matrix("[[1], [2]]"), 2).tolist() == [1.0, 2.0]
    assert fit_vector(parse_matrix("[[1, 2]]"), 2).tolist() == [1.0, 2.0]
    with pytest.raises(MatrixTextError, match="3 biases needed"):
        fit_vector(parse_matrix("[1, 2]"), 3)
    with pytest.raises(MatrixTextError):
        fit_vector(parse_matrix("[[1, 2], [3, 4]]"), 4)
