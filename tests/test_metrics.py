"""Confusion matrix, per-class accuracy, R² and RMSE: against hand calculations, and from a
trainer's current weights (engine only)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.metrics import (
    ClassScores,
    RegressionScores,
    confusion_matrix,
    per_class_accuracy,
    predicted_classes,
    r_squared,
    rmse,
    scores,
)
from tests.helpers import trained


def test_confusion_matrix_rows_are_true_columns_predicted():
    true = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    pred = [0, 1, 0, 1, 2, 2, 2, 0, 2]
    # by hand: class 0 → 0,1,0; class 1 → 1,2; class 2 → 2,2,0,2
    expected = np.array([[2, 1, 0],
                         [0, 1, 1],
                         [1, 0, 3]])
    np.testing.assert_array_equal(confusion_matrix(np.array(true), np.array(pred), 3), expected)


def test_per_class_accuracy_is_recall_and_nan_for_an_absent_class():
    confusion = np.array([[2, 1, 0],
                          [0, 0, 0],
                          [1, 0, 3]])
    acc = per_class_accuracy(confusion)
    assert acc[0] == pytest.approx(2 / 3)
    assert math.isnan(acc[1])
    assert acc[2] == pytest.approx(3 / 4)
    s = ClassScores.of(np.array([0, 0, 0, 2, 2, 2, 2]), np.array([0, 1, 0, 2, 2, 0, 2]), 3)
    np.testing.assert_array_equal(s.confusion, confusion)
    assert s.n == 7 and s.accuracy == pytest.approx(5 / 7)


def test_confusion_matrix_refuses_labels_out_of_range():
    with pytest.raises(ValueError, match=r"0\.\.1"):
        confusion_matrix(np.array([0, 2]), np.array([0, 1]), 2)


def test_predicted_classes_arg_max_or_threshold():
    out = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])
    np.testing.assert_array_equal(predicted_classes(out, 0.5), [1, 0])
    single = np.array([[0.2], [0.8], [0.5]])
    np.testing.assert_array_equal(predicted_classes(single, 0.5), [0, 1, 0])
    np.testing.assert_array_equal(predicted_classes(single - 0.5, 0.0), [0, 1, 0])


def test_r_squared_and_rmse_by_hand():
    true = np.array([1.0, 2.0, 3.0, 4.0])
    pred = np.array([1.5, 2.0, 2.0, 4.5])
    # residuals −0.5, 0, 1, −0.5: SS_res = 0.25 + 0 + 1 + 0.25 = 1.5
    # mean 2.5: SS_tot = 2.25 + 0.25 + 0.25 + 2.25 = 5
    assert r_squared(true, pred) == pytest.approx(1 - 1.5 / 5)
    assert rmse(true, pred) == pytest.approx(math.sqrt(1.5 / 4))
    assert r_squared(true, true) == 1.0 and rmse(true, true) == 0.0
    assert math.isnan(r_squared(np.ones(3), np.zeros(3)))
    assert math.isnan(rmse(np.zeros(0), np.zeros(0)))
    s = RegressionScores.of(true, pred)
    assert s.n == 4 and s.r2 == pytest.approx(0.7)


def test_scores_of_iris_agree_with_the_trainers_accuracy_and_its_predictions():
    t = trained("iris", 30)
    s = scores(t)
    m = t.evaluate()
    assert s.task == "classification" and s.epoch == 30
    assert isinstance(s.train, ClassScores) and isinstance(s.test, ClassScores)
    assert s.train.confusion.shape == (3, 3)
    assert s.train.n == t.n_train and s.test.n == t.test_idx.size
    assert s.train.accuracy == pytest.approx(m.train_accuracy)
    assert s.test.accuracy == pytest.approx(m.test_accuracy)
    # the same matrix from Trainer.predict on raw inputs, counted by hand
    x = t.dataset.x[t.test_idx]
    y = t.dataset.y[t.test_idx].astype(int)
    pred = np.argmax(t.predict(x), axis=1)
    by_hand = np.zeros((3, 3), dtype=int)
    for a, b in zip(y, pred, strict=True):
        by_hand[a, b] += 1
    np.testing.assert_array_equal(s.test.confusion, by_hand)
    assert not s.test.confusion.flags.writeable


def test_scores_follow_the_weights():
    t = trained("iris", 0)
    before = scores(t).train.confusion.copy()
    t.train(40)
    assert not np.array_equal(scores(t).train.confusion, before)


def test_binary_scores_use_the_output_threshold():
    t = trained("tf_default", 10)
    s = scores(t)
    assert isinstance(s.train, ClassScores) and s.train.confusion.shape == (2, 2)
    assert s.train.accuracy == pytest.approx(t.evaluate().train_accuracy)


def test_regression_scores_of_diabetes_by_hand():
    t = trained("diabetes", 20)
    s = scores(t)
    assert isinstance(s.test, RegressionScores)
    x = t.dataset.x[t.test_idx]
    y = t.dataset.y[t.test_idx]
    p = t.predict(x)[:, 0]
    assert s.test.rmse == pytest.approx(np.sqrt(np.mean((y - p) ** 2)))
    assert s.test.r2 == pytest.approx(1 - np.sum((y - p) ** 2) / np.sum((y - y.mean()) ** 2))
    np.testing.assert_allclose(s.test.predicted, p)
    np.testing.assert_allclose(s.test.true, y)


def test_regression_scores_carry_a_bounded_plot_but_score_every_sample():
    rng = np.random.default_rng(3)
    true = rng.normal(size=5_000)
    pred = true + rng.normal(scale=0.5, size=5_000)
    s = RegressionScores.of(true, pred, plot_limit=300)
    assert s.n == 5_000 and s.true.size == s.predicted.size == 300
    assert s.rmse == pytest.approx(rmse(true, pred))
    assert s.r2 == pytest.approx(r_squared(true, pred))
    assert s.true[0] == true[0] and s.true[-1] == true[-1]
    full = RegressionScores.of(true[:50], pred[:50], plot_limit=300)
    np.testing.assert_array_equal(full.predicted, pred[:50])
