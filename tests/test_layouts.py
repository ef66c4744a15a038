"""The step's two minibatch layouts (engine.program): samples as columns for narrow inputs,
one sample per row for wide ones. Both must train alike, and phase stepping must stay
bit-for-bit an ordinary step in the rows layout too.

The built-in scenarios all have narrow inputs, so the rows layout is forced here by lowering
its threshold; a wide network checks the choice itself.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import engine.program as program
from engine.network import LayerSpec, NetworkSpec
from engine.presets import get_preset
from engine.trainer import Trainer


def _scenario(key: str, tf_rules: bool | None = None, dropout: float = 0.0):
    s = get_preset(key)
    if tf_rules is not None:
        s = replace(s, train=replace(s.train, tf_rules=tf_rules))
    if dropout:  # the load also stands the mask clock at its minibatch
        s = replace(s, model=replace(s.model, hidden=tuple(
            replace(h, dropout=dropout) for h in s.model.hidden)))
    return s


CASES = [
    ("tf_default", False),  # shuffled minibatches
    ("tf_default", True),  # TF rules: fixed order, the epoch's tail carried into the next
    ("deep_tanh_spiral", None),
    ("xor_221", None),  # full batch, fixed order: the static program
    ("softmax_spiral3", None),
]


@pytest.mark.parametrize("dropout", [0.0, 0.25])
@pytest.mark.parametrize(("key", "tf_rules"), CASES)
def test_rows_layout_trains_like_the_columns_layout(monkeypatch, key, tf_rules, dropout):
    s = _scenario(key, tf_rules, dropout)
    columns = Trainer(s)
    assert not columns.program.rows_layout
    monkeypatch.setattr(program, "ROWS_LAYOUT_INPUTS", 1)
    rows = Trainer(s)
    assert rows.program.rows_layout
    assert next(iter(rows.program.programs.values())).sample_rows.flags.c_contiguous
    for t in (columns, rows):
        t.train(7)
        for _ in range(3):
            t.train_step()
    np.testing.assert_allclose(rows.params.flat, columns.params.flat, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(rows.history.column("train_loss"),
                               columns.history.column("train_loss"), rtol=1e-12)
    np.testing.assert_array_equal(rows.history.column("test_accuracy"),
                                  columns.history.column("test_accuracy"))


@pytest.mark.parametrize(("key", "tf_rules"), CASES)
def test_rows_layout_phase_steps_equal_ordinary_steps(monkeypatch, key, tf_rules):
    monkeypatch.setattr(program, "ROWS_LAYOUT_INPUTS", 1)
    s = _scenario(key, tf_rules)
    ordinary, phased = Trainer(s), Trainer(s)
    for t in (ordinary, phased):
        t.train(2)
    for _ in range(4):
        ordinary.train_step()
        stepper = phased.begin_step()
        while not stepper.done:
            stepper.advance()
        phased.finish_step()
        np.testing.assert_array_equal(phased.params.flat, ordinary.params.flat)
    assert (phased.epoch, phased.batch_index) == (ordinary.epoch, ordinary.batch_index)


def test_a_traced_sample_in_the_rows_layout_sees_its_own_inputs(monkeypatch):
    monkeypatch.setattr(program, "ROWS_LAYOUT_INPUTS", 1)
    t = Trainer(_scenario("tf_default", False))
    trace = t.begin_step(np.array([3, 5])).run_to_end()
    np.testing.assert_array_equal(trace.x, t.split.x_train[:, [3, 5]].T)


def test_wide_inputs_choose_the_rows_layout():
    narrow = NetworkSpec(program.ROWS_LAYOUT_INPUTS - 1, (LayerSpec(3, "tanh"),))
    wide = NetworkSpec(program.ROWS_LAYOUT_INPUTS, (LayerSpec(3, "tanh"),))
    assert not program.samples_as_rows(narrow)
    assert program.samples_as_rows(wide)
