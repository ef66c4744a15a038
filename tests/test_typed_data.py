"""Exercises typed in by hand, without Qt: a table's cells to a ``ReplaceData`` command
(session.typed_table), the session's ``ReplaceData`` and ``SetLayer``, and the loss phase's
∂L/∂a line for the seed 004 neuron."""

from __future__ import annotations

import numpy as np
import pytest

from engine.presets import get_preset
from session import commands as c
from session.events import Event, Notice, Refused
from session.session import Session
from session.snapshot import DataView
from session.typed_table import TableError, TypedTable, table_command, table_of

SEED_X, SEED_W = np.array([1.54, 1.32]), np.array([1.56, -0.45])


def make(preset: str) -> tuple[Session, list[Event]]:
    events: list[Event] = []
    return Session(get_preset(preset), emit=events.append), events


def seed_table(task: str = "regression") -> TypedTable:
    return TypedTable(("x1", "x2"), (("1.54", "1.32", "0"),), task)


# -- cells to a command ----------------------------------------------------------------------
def test_cells_become_numbers_and_class_indices():
    cmd = table_command(TypedTable(("a", "b"), (("1", "−2", "cat"), (" 3 ", "4e-1", "dog"),
                                                 ("0", "0", "cat")), "classification", ()))
    assert cmd.x == ((1.0, -2.0), (3.0, 0.4), (0.0, 0.0))
    assert cmd.y == (0.0, 1.0, 0.0) and cmd.class_names == ("cat", "dog")
    listed = table_command(TypedTable(("x1",), (("1", "b"),), "classification", ("a", "b")))
    assert listed.y == (1.0,) and listed.class_names == ("a", "b")


@pytest.mark.parametrize(("table", "fragment"), [
    (TypedTable(("x1", "x2"), (("1", "2", "0"), ("1", "x", "0")), "regression"),
     "Row 2, column “x2”: “x” is not a number"),
    (TypedTable(("x1", "x2"), (("1", "", "0"),), "regression"), "Row 1, column “x2”: the cell"),
    (TypedTable(("x1",), (("1", "inf"),), "regression"), "Row 1, column “target”"),
    (TypedTable(("x1",), (("1", ""),), "classification"), "type a class name"),
    (TypedTable(("x1",), (("1", "a"),), "classification", ()), "at least two classes"),
    (TypedTable(("x1", "x1"), (("1", "2", "0"),), "regression"), "both named “x1”"),
    (TypedTable(("x1", " "), (("1", "2", "0"),), "regression"), "Input column 2 has no name"),
    (TypedTable(("x1",), (), "regression"), "no rows"),
    (TypedTable(("x1",), (("", " "), ("", "")), "regression"), "no rows"),
    # a blank row in between still counts in the numbering of the next bad cell
    (TypedTable(("x1",), (("1", "0"), ("", ""), ("y", "0")), "regression"),
     "Row 3, column “x1”: “y” is not a number"),
])
def test_bad_tables_are_named_in_one_line(table, fragment):
    with pytest.raises(TableError) as err:
        table_command(table)
    assert fragment in str(err.value) and len(str(err.value)) <= 300


def test_rows_left_all_blank_are_left_out():
    """One "+ Row" too many (or a row emptied by hand) is not a bad row."""
    cmd = table_command(TypedTable(("x1", "x2"), (("1.54", "1.32", "0"), ("", " ", "")),
                                   "regression"))
    assert cmd.x == ((1.54, 1.32),) and cmd.y == (0.0,)
    cmd = table_command(TypedTable(("x1",), (("", ""), ("1", "a"), ("2", "b")),
                                   "classification", ()))
    assert cmd.x == ((1.0,), (2.0,)) and cmd.y == (0.0, 1.0)


def test_table_of_round_trips_the_data_in_force():
    s, _ = make("xor_221")
    data = DataView.from_trainer(s.require_trainer())
    table = table_of(data)
    assert table is not None and table.task == "classification"
    cmd = table_command(table)
    x = np.vstack([data.x_train, data.x_test])
    assert np.array_equal(np.array(cmd.x), x)  # exact: cells hold the shortest repr
    assert [table.class_names[int(v)] for v in cmd.y] == [
        data.class_names[int(v)] for v in np.concatenate([data.y_train, data.y_test])]


# -- the session -----------------------------------------------------------------------------
def test_typed_regression_keeps_a_sigmoid_output_and_shows_the_gradient():
    s, events = make("tf_spiral_all_features")  # TF rules would force a linear output
    s.handle(table_command(seed_table()))
    s.handle(c.edit(c.Section.MODEL, hidden=(), output_activation="sigmoid"))
    s.handle(c.edit(c.Section.TRAIN, loss="mse"))
    s.handle(c.SetLayer(0, ((1.56,), (-0.45,)), (0.0,)))
    assert not [e for e in events if isinstance(e, Refused)]
    t = s.require_trainer()
    assert t.scenario.model.output_activation == "sigmoid"
    assert t.scenario.data.features == ("x1", "x2") and not t.scenario.train.tf_rules
    assert t.n_train == 1
    s.handle(c.Step(c.StepUnit.PHASE))
    s.handle(c.Step(c.StepUnit.PHASE))
    snap = s.snapshot()
    assert snap is not None and snap.trace is not None and snap.trace.explanation is not None
    p = 1.0 / (1.0 + np.exp(-(SEED_X @ SEED_W)))
    equations = snap.trace.explanation.equations
    assert f"ŷ = [{p:.4g}],  y = [0]" in equations
    assert f"∂L/∂ŷ = 2/K·(ŷ − y) = [{2 * p:.4g}]" in equations


def test_one_sample_classification_with_an_absent_class():
    s, events = make("tf_default")
    s.handle(table_command(TypedTable(("x1", "x2"), (("1.54", "1.32", "0"),),
                                      "classification", ("0", "1"))))
    assert not [e for e in events if isinstance(e, Refused)]
    ds = s.require_trainer().dataset
    assert ds.n_samples == 1 and ds.n_classes == 2 and ds.class_names == ("0", "1")
    s.handle(c.Step(c.StepUnit.EPOCH))
    assert s.require_trainer().epoch == 1


def test_editing_the_shown_table_keeps_features_and_weights():
    s, _ = make("tf_spiral_all_features")
    before = s.require_trainer()
    table = table_of(DataView.from_trainer(before))
    assert table is not None
    rows = (*table.rows[:-1], ("0.25", "0.5", table.rows[-1][-1]))
    s.handle(table_command(TypedTable(table.input_names, rows, table.task,
                                      table.class_names), keep_features=True))
    after = s.require_trainer()
    assert after is not before and after.scenario.data.features == before.scenario.data.features
    assert np.array_equal(after.params.flat, before.params.flat)  # same network: kept
    assert after.dataset.x[-1].tolist() == [0.25, 0.5]


def test_a_bad_replace_data_changes_nothing():
    s, events = make("xor_221")
    before = s.require_trainer()
    s.handle(c.ReplaceData(((1.0,), (float("nan"),)), (0.0, 1.0), "regression", ("x1",)))
    s.handle(c.ReplaceData(((1.0,),), (5.0,), "classification", ("x1",), ("a", "b")))
    assert len([e for e in events if isinstance(e, Refused)]) == 2
    assert s.require_trainer() is before


def test_set_layer_checks_the_shape_and_step_back_undoes_it():
    s, events = make("xor_241")
    t = s.require_trainer()
    old = t.params.flat.copy()
    s.handle(c.SetLayer(0, ((1.0, 2.0), (3.0, 4.0)), (0.0,) * 4))  # (2, 2), needs (2, 4)
    s.handle(c.SetLayer(1, ((1.0,),) * 4, (0.0, 1.0)))  # two biases for one unit
    s.handle(c.SetLayer(5, ((1.0,),), ()))
    refused = [e.text for e in events if isinstance(e, Refused)]
    assert len(refused) == 3 and "2 × 4" in refused[0] and "1 number" in refused[1]
    assert np.array_equal(t.params.flat, old)
    w = np.arange(8.0).reshape(2, 4)
    s.handle(c.Step(c.StepUnit.PHASE))  # a step in progress is abandoned, as SetWeight does
    s.handle(c.SetLayer(0, tuple(map(tuple, w)), (0.5,) * 4))
    assert np.array_equal(t.params.weights(0), w) and np.all(t.params.biases(0) == 0.5)
    assert t.active_step is None
    s.handle(c.StepBack())
    assert np.array_equal(t.params.flat, old)
    notices = [e.text for e in events if isinstance(e, Notice)]
    assert "Undid the weights of layer 1 set by hand (at epoch 0, batch 1 of 1); 0 more can " \
        "be undone." in notices


def test_a_weight_or_bias_typed_on_the_diagram_is_undone_by_step_back():
    """Found by a new-user trial: Back after an edit said "Stepped back one whole step"."""
    s, events = make("xor_221")
    t = s.require_trainer()
    old, old_bias = t.params.flat.copy(), float(t.params.biases(1)[0])
    s.handle(c.Step(c.StepUnit.PHASE))  # a step in progress: the edit starts where it began
    s.handle(c.SetWeight(0, 1, 0, 2.5))
    assert t.params.weights(0)[1, 0] == 2.5 and t.active_step is None
    s.handle(c.SetBias(1, 0, -0.25))
    assert t.params.biases(1)[0] == -0.25
    s.handle(c.StepBack())
    assert t.params.biases(1)[0] == old_bias
    assert t.params.weights(0)[1, 0] == 2.5
    s.handle(c.StepBack())
    assert np.array_equal(t.params.flat, old)
    notices = [e.text for e in events if isinstance(e, Notice)]
    assert any(n.startswith("Undid the edit of bias 1 of layer 2") for n in notices)
    assert any(n.startswith("Undid the edit of weight 2→1 of layer 1") for n in notices)
    s.handle(c.StepBack())  # the abandoned step left no entry of its own
    assert "Nothing to step back to." in [e.text for e in events if isinstance(e, Notice)]


@pytest.mark.parametrize(("preset", "loss", "expected"), [
    ("xor_221", "half_se", "∂L/∂ŷ = (1/N)·(ŷ − y)"),  # a batch: the formula, no numbers
    ("xor_221", "bce", None),  # cross-entropy: δ = a − y directly, no ∂L/∂a line
])
def test_output_gradient_line_for_batches_and_cross_entropy(preset, loss, expected):
    s, _ = make(preset)
    s.handle(c.edit(c.Section.MODEL, output_activation="sigmoid"))
    s.handle(c.edit(c.Section.TRAIN, loss=loss, batch_size=4))
    for _ in range(3):  # forward 1, forward 2, loss
        s.handle(c.Step(c.StepUnit.PHASE))
    snap = s.snapshot()
    assert snap is not None and snap.trace is not None and snap.trace.explanation is not None
    lines = [e for e in snap.trace.explanation.equations if e.startswith("∂L/∂")]
    assert lines == ([] if expected is None else [expected])
