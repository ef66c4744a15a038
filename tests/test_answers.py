"""Checking a student's answer for one operand (engine.answers, no Qt): accepted within the
stated tolerance, refused just outside it, the wrong, blank and unreadable entries named."""

from __future__ import annotations

import numpy as np
import pytest

from engine.answers import (
    ABSOLUTE_TOLERANCE,
    ANSWER_LIMIT,
    MAX_LINE,
    PART,
    RELATIVE_TOLERANCE,
    CellError,
    Mark,
    asked_shape,
    check_answer,
    entry_name,
    parse_cell,
)
from engine.explain import explain_phase
from engine.notation import fmt
from engine.operands import Operand
from engine.presets import get_preset
from engine.trainer import Trainer


def phase_operands(preset: str, phases: int) -> dict[str, Operand]:
    """The operands the inspector shows after ``phases`` phases of a real step."""
    t = Trainer(get_preset(preset))
    stepper = t.begin_step()
    for _ in range(phases):
        stepper.advance()
    e = explain_phase(stepper.trace, stepper.phases[phases - 1],
                      tuple(layer.activation for layer in t.spec.layers), t.spec.use_bias)
    return {op.name: op for op in e.operands}


def cells_of(values: np.ndarray, text=repr) -> tuple[tuple[str, ...], ...]:
    grid = np.atleast_2d(values)
    return tuple(tuple(text(float(v)) for v in row) for row in grid)


def tolerance(v: float) -> float:
    return max(RELATIVE_TOLERANCE * abs(v), ABSOLUTE_TOLERANCE)


@pytest.fixture(scope="module")
def z1() -> Operand:
    return phase_operands("xor_221", 1)["z¹"]  # 4 samples × 2 units


def test_four_significant_digits_are_accepted(z1):
    v = check_answer(z1, cells_of(z1.values, lambda x: fmt(x, 4)))  # with true minus signs
    assert v.correct and not (v.wrong or v.blank or v.unreadable)
    assert "right" in v.line and len(v.line) <= MAX_LINE
    assert all(m is Mark.RIGHT for row in v.marks for m in row)


def test_just_inside_the_tolerance_is_accepted_and_just_outside_refused(z1):
    truth = z1.values
    inside = truth + np.sign(truth) * 0.98 * np.vectorize(tolerance)(truth)
    assert check_answer(z1, cells_of(inside)).correct
    inside_low = truth - np.sign(truth) * 0.98 * np.vectorize(tolerance)(truth)
    assert check_answer(z1, cells_of(inside_low)).correct
    for r, c in np.ndindex(truth.shape):
        outside = truth.copy()
        outside[r, c] += 1.05 * tolerance(truth[r, c])
        v = check_answer(z1, cells_of(outside))
        assert not v.correct
        assert v.wrong == (entry_name(z1, r, c),)
        assert v.marks[r][c] is Mark.WRONG
        assert sum(m is Mark.RIGHT for row in v.marks for m in row) == truth.size - 1


def test_small_values_use_the_absolute_tolerance():
    op = Operand("δ¹", np.array([[0.00012, -0.00003]]), "error", ("#1",), ("unit 1", "unit 2"))
    assert check_answer(op, (("0.0006", "0"),)).correct  # 0.00048 off: within 0.0005
    v = check_answer(op, (("0.00063", "0"),))
    assert not v.correct and v.wrong == ("sample #1, unit 1",)


def test_wrong_entries_are_named_by_their_rows_and_columns(z1):
    cells = [list(row) for row in cells_of(z1.values)]
    cells[1][0] = "0.5"
    cells[3][1] = "7"
    v = check_answer(z1, tuple(map(tuple, cells)))
    assert v.wrong == ("sample #2, unit 1", "sample #4, unit 2")
    assert "sample #2, unit 1" in v.line and "sample #4, unit 2" in v.line
    assert "6 of 8 right" in v.line
    assert "✗" in v.reasons[1][0] and "0.5" in v.reasons[1][0]
    w = phase_operands("xor_221", 5)["dW¹"]
    assert entry_name(w, 1, 0) == "from 2, to 1"
    loss = phase_operands("xor_221", 3)["ℓ"]
    assert entry_name(loss, 0, 2) == "sample #3"


def test_blanks_garbage_and_non_finite_text_are_named_never_raised(z1):
    cells = [list(row) for row in cells_of(z1.values)]
    cells[0][0] = ""
    cells[0][1] = "abc"
    cells[2][0] = "nan"
    cells[2][1] = "-inf"
    cells[3][0] = "1/0"
    v = check_answer(z1, tuple(map(tuple, cells)))
    assert not v.correct
    assert v.blank == ("sample #1, unit 1",)
    assert [e for e, _ in v.unreadable] == ["sample #1, unit 2", "sample #3, unit 1",
                                           "sample #3, unit 2", "sample #4, unit 1"]
    assert "“abc” is not a number" in v.line and "sample #1, unit 2" in v.line
    assert "Blank (1): sample #1, unit 1" in v.line
    assert dict(v.unreadable)["sample #3, unit 1"] == "“nan” is not a finite number"
    assert v.marks[0][0] is Mark.BLANK and v.marks[2][1] is Mark.UNREADABLE
    empty = check_answer(z1, tuple(("",) * 2 for _ in range(4)))
    assert "nothing typed yet" in empty.line and not empty.correct


@pytest.mark.parametrize(("text", "value"), [
    ("0.5", 0.5), ("-0.5", -0.5), ("−0.5", -0.5), ("–0.5", -0.5), (" +2 ", 2.0), (".5", 0.5),
    ("1e-3", 0.001), ("2.5E−4", 0.00025), ("3/4", 0.75), ("-1/8", -0.125), ("0,25", 0.25),
    ("7", 7.0),
])
def test_cells_read_as_numbers(text, value):
    assert parse_cell(text) == pytest.approx(value, rel=1e-15)


@pytest.mark.parametrize("text", ["abc", "1.2.3", "1,2,3", "nan", "inf", "1/0", "2/", "0x10",
                                  "1e999", "½"])
def test_bad_cells_raise_cell_error(text):
    with pytest.raises(CellError):
        parse_cell(text)
    assert parse_cell("   ") is None


def test_a_big_operand_is_asked_in_part_and_its_line_stays_short():
    assert asked_shape((4, 2)) == (4, 2)
    assert asked_shape((3,)) == (1, 3)
    assert asked_shape(()) == (1, 1)
    assert asked_shape((10, 4)) == (PART // 4, 4)  # 40 entries > ANSWER_LIMIT
    assert asked_shape((784, 128)) == (1, PART)
    rows, cols = asked_shape((6, 6))
    assert rows * cols == 36 == ANSWER_LIMIT
    values = np.arange(36.0).reshape(6, 6) + 1
    op = Operand("W¹", values, "weights", tuple(f"from {i + 1}" for i in range(6)),
                 tuple(f"to {j + 1}" for j in range(6)))
    v = check_answer(op, tuple(("999",) * 6 for _ in range(6)))
    assert len(v.wrong) == 36 and len(v.line) <= MAX_LINE and "and 33 more" in v.line


def test_an_answer_of_the_wrong_shape_is_a_value_error(z1):
    with pytest.raises(ValueError, match="4 rows of 2 entries"):
        check_answer(z1, (("1", "2"),))
