"""The output view and the Metrics tab beyond two inputs: the map's chosen columns, the
prediction-against-target plot, class names, the confusion matrix (pytest-qt)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox

from engine.metrics import ClassScores, RegressionScores, scores
from gui.metrics_view import MetricsView
from gui.output_legend import OutputKind, output_kind
from gui.output_view import OutputView
from gui.window_layout import METRICS_TAB
from session import commands as c
from session.session import Session
from tests.factories import make_snapshot
from tests.gui_helpers import TIMEOUT, fresh_snapshot


@pytest.fixture
def view(qtbot):
    v = OutputView()
    qtbot.addWidget(v)
    v.resize(460, 460)
    v.show()
    return v


@pytest.fixture
def metrics(qtbot):
    m = MetricsView()
    qtbot.addWidget(m)
    m.resize(420, 360)
    m.show()
    return m


def plain(text: str) -> str:
    return text.replace("&nbsp;", " ")


def table_counts(m: MetricsView) -> np.ndarray:
    k = m.table.rowCount()
    return np.array([[int(m.table.item(i, j).text()) for j in range(k)] for i in range(k)])


# -- the output view -------------------------------------------------------------------------
def test_iris_map_names_its_columns_and_projects_the_points_on_them(view):
    snap = make_snapshot("iris", 5)
    view.set_snapshot(snap)
    d = snap.data
    ax, ay = snap.maps.axes
    assert view.axes_chooser.isVisible()
    x_box = view.findChild(QComboBox, "mapAxisX")
    y_box = view.findChild(QComboBox, "mapAxisY")
    assert [x_box.itemText(i) for i in range(x_box.count())] == ["PC 1", *d.input_names]
    assert y_box.itemText(0) == "PC 2"
    assert (x_box.currentIndex(), y_box.currentIndex()) == (ax + 1, ay + 1)
    assert view.plot.getAxis("bottom").labelText == d.input_names[ax]
    assert view.plot.getAxis("left").labelText == d.input_names[ay]
    xs, ys = view.train_points.getData()
    np.testing.assert_allclose(xs, d.x_train[:, ax])
    np.testing.assert_allclose(ys, d.x_train[:, ay])
    assert not view.edit_points.isEnabled()


def test_legend_names_the_classes(view):
    snap = make_snapshot("iris", 1)
    view.set_snapshot(snap)
    legend = plain(view.legend.text())
    for name in snap.data.class_names:
        assert name in legend
    assert "class 0" not in legend and "training mean" in legend


def test_two_input_data_keeps_its_old_look(view):
    view.set_snapshot(make_snapshot("tf_default", 1))
    assert not view.axes_chooser.isVisible()
    assert view.plot.getAxis("bottom").labelText == "x₁"
    assert view.plot.getAxis("left").labelText == "x₂"
    assert "class 0 · " in plain(view.legend.text())
    assert view.edit_points.isEnabled()


def test_choosing_a_column_asks_for_the_new_axes_and_swaps_a_clash(view, qtbot):
    snap = make_snapshot("iris", 1)
    view.set_snapshot(snap)
    _ax, ay = snap.maps.axes
    asked: list[tuple[int, int]] = []
    view.axesChosen.connect(lambda x, y: asked.append((x, y)))
    box = view.axes_chooser.x_box
    box.setCurrentIndex(4)  # column 3 (the entry before the columns is PC 1)
    box.activated.emit(4)
    assert asked == [(3, ay)]
    view.axes_chooser.y_box.setCurrentIndex(4)
    view.axes_chooser.y_box.activated.emit(4)  # the x column: the two swap
    assert asked[-1] == (ay, 3)


def test_wide_regression_draws_prediction_against_target(view):
    snap = make_snapshot("diabetes", 10)
    assert output_kind(snap.data) is OutputKind.FIT
    view.set_snapshot(snap)
    assert not view.axes_chooser.isVisible() and not view.image.isVisible()
    train = snap.scores.train
    assert isinstance(train, RegressionScores)
    xs, ys = view.fit.train.getData()
    np.testing.assert_allclose(xs, train.true)
    np.testing.assert_allclose(ys, train.predicted)
    assert len(view.fit.test.getData()[0]) == 0
    view.show_test.setChecked(True)
    assert len(view.fit.test.getData()[0]) == snap.scores.test.n > 0
    lx, ly = view.fit.line.getData()
    np.testing.assert_allclose(lx, ly)  # the line prediction = target
    assert view.plot.getAxis("left").labelText == "prediction"


# -- the metrics view ------------------------------------------------------------------------
def test_metrics_view_shows_the_confusion_matrix_and_toggles_the_set(metrics):
    snap = make_snapshot("iris", 20)
    metrics.set_snapshot(snap)
    assert isinstance(snap.scores.test, ClassScores)
    np.testing.assert_array_equal(table_counts(metrics), snap.scores.test.confusion)
    headers = [metrics.table.horizontalHeaderItem(j).text() for j in range(3)]
    assert headers == list(snap.data.class_names)
    right = metrics.table.item(0, 3).text()
    assert right == f"{100 * snap.scores.test.per_class[0]:.1f}%"
    assert "test set" in metrics.summary.text()
    metrics.train_button.setChecked(True)
    np.testing.assert_array_equal(table_counts(metrics), snap.scores.train.confusion)
    assert "training set" in metrics.summary.text()


def test_metrics_view_gives_r2_and_rmse_for_regression(metrics):
    snap = make_snapshot("diabetes", 10)
    metrics.set_snapshot(snap)
    assert not metrics.table.isVisible() and metrics.regression.isVisible()
    text = metrics.regression.text()
    assert f"{snap.scores.test.r2:.4g}" in text and f"{snap.scores.test.rmse:.4g}" in text


# -- the window --------------------------------------------------------------------------------
def test_window_shows_the_iris_confusion_matrix_after_training(qtbot, make_window):
    w = make_window("iris")
    panel = w.findChild(MetricsView, "metricsPanel")
    assert panel is w.metrics_view and w.tabs.indexOf(panel) == METRICS_TAB
    w.tabs.setCurrentIndex(METRICS_TAB)
    w.send(c.TrainEpochs(40))
    snap = fresh_snapshot(qtbot, w)
    assert snap.epoch == 40

    def shows_it() -> bool:
        return (panel.table.rowCount() == 3 and snap.scores is not None
                and np.array_equal(table_counts(panel), snap.scores.test.confusion))

    qtbot.waitUntil(shows_it, timeout=TIMEOUT)
    assert table_counts(panel).sum() == snap.scores.test.n > 0
    assert np.trace(table_counts(panel)) / snap.scores.test.n >= 0.8
    assert panel.table.verticalHeaderItem(2).text() == "virginica"


def test_metrics_update_live_while_training(qtbot, make_window):
    w = make_window("iris")
    w.tabs.setCurrentIndex(METRICS_TAB)
    panel = w.metrics_view
    qtbot.waitUntil(lambda: panel.summary.text().startswith("Epoch 0 "), timeout=TIMEOUT)
    w.send(c.SetSpeed(0.0))
    w.toggle_run()
    qtbot.waitUntil(lambda: not panel.summary.text().startswith("Epoch 0 ")
                    and w.rendered is not None and w.rendered.running, timeout=TIMEOUT)
    w.toggle_run()


def test_the_map_axes_command_changes_the_windows_map(qtbot, make_window):
    w = make_window("iris")
    assert fresh_snapshot(qtbot, w).maps.axes != (1, 3)
    box = w.findChild(QComboBox, "mapAxisX")
    box.setCurrentIndex(2)  # column 1 (after PC 1)
    box.activated.emit(2)
    w.output_view.axes_chooser.y_box.setCurrentIndex(4)
    w.output_view.axes_chooser.y_box.activated.emit(4)
    snap = fresh_snapshot(qtbot, w)
    assert snap.maps.axes == (1, 3)
    qtbot.waitUntil(lambda: w.output_view.plot.getAxis("left").labelText == "petal_width",
                    timeout=TIMEOUT)
    assert w.output_view.plot.getAxis("bottom").labelText == "sepal_width"


def test_scores_in_the_session_are_the_engines(qtbot):
    from engine.presets import get_preset

    s = Session(get_preset("digits"))
    s.handle(c.TrainEpochs(2))
    snap = s.snapshot()
    direct = scores(s.require_trainer())
    np.testing.assert_array_equal(snap.scores.test.confusion, direct.test.confusion)


def test_digits_map_is_on_the_pca_plane_with_its_points_and_titles(view):
    from engine.presets import get_preset
    from session.session import Session

    session = Session(get_preset("digits"), emit=lambda e: None)
    snap = session.snapshot()
    pca = snap.maps.pca
    assert pca is not None
    view.set_snapshot(snap)
    x_box = view.findChild(QComboBox, "mapAxisX")
    y_box = view.findChild(QComboBox, "mapAxisY")
    assert (x_box.currentText(), y_box.currentText()) == ("PC 1", "PC 2")
    bottom = view.plot.getAxis("bottom").labelText
    assert bottom == f"PC 1 ({pca.variance[0]:.0%} of the variance)"
    assert view.plot.getAxis("left").labelText.startswith("PC 2 (")
    xs, ys = view.train_points.getData()
    np.testing.assert_allclose(xs, pca.train_xy[:, 0])
    np.testing.assert_allclose(ys, pca.train_xy[:, 1])


def test_choosing_pc_1_asks_for_the_pca_plane_and_a_column_leaves_it(view):
    snap = make_snapshot("iris", 1)
    view.set_snapshot(snap)
    pca_asked: list[bool] = []
    asked: list[tuple[int, int]] = []
    view.pcaChosen.connect(lambda: pca_asked.append(True))
    view.axesChosen.connect(lambda x, y: asked.append((x, y)))
    y_box = view.axes_chooser.y_box
    y_box.setCurrentIndex(0)
    y_box.activated.emit(0)
    assert pca_asked == [True] and asked == []
    assert view.axes_chooser.x_box.currentText() == "PC 1"  # both axes say so at once
    x_box = view.axes_chooser.x_box
    _ax, ay = snap.maps.axes
    assert ay != 3
    x_box.setCurrentIndex(4)  # column 3: the columns chosen before come back
    x_box.activated.emit(4)
    assert asked == [(3, ay)] and y_box.currentIndex() == ay + 1


def test_the_window_draws_iris_on_the_pca_plane_when_asked(qtbot, make_window):
    w = make_window("iris")
    box = w.findChild(QComboBox, "mapAxisX")
    box.setCurrentIndex(0)
    box.activated.emit(0)
    snap = fresh_snapshot(qtbot, w)
    assert snap.maps.pca is not None
    qtbot.waitUntil(lambda: w.output_view.plot.getAxis("bottom").labelText.startswith("PC 1"),
                    timeout=TIMEOUT)


def test_a_snapshot_from_the_training_process_keeps_the_drawn_points(view, monkeypatch):
    """Each snapshot from the training process arrives unpickled, its PCA plane a new object:
    the points were redrawn every frame (the window's share of a core doubled)."""
    import pickle
    from dataclasses import replace

    from engine.presets import get_preset
    from session.session import Session

    snap = Session(get_preset("digits"), emit=lambda e: None).snapshot()
    view.set_snapshot(snap)
    # as the receiver hands them on: the data view kept (sent once a generation), new maps
    again = replace(snap, maps=pickle.loads(pickle.dumps(snap.maps)))
    assert again.maps.pca is not snap.maps.pca and again.data is snap.data
    drawn: list[int] = []
    monkeypatch.setattr(view.train_points, "setData", lambda *a, **k: drawn.append(1))
    view.set_snapshot(again)
    assert drawn == []
