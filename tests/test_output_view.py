"""Output view and loss plot: what they draw for each kind of problem (pytest-qt)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gui.loss_plot import LossPlot
from gui.output_view import OutputView
from session.snapshot import DataView, build_snapshot
from tests.factories import make_snapshot, make_trainer


def distinct_colours(widget) -> int:
    image: QImage = widget.grab().toImage()
    return len({image.pixel(x, y) for x in range(0, image.width(), 7)
                for y in range(0, image.height(), 7)})


@pytest.fixture
def view(qtbot):
    v = OutputView()
    qtbot.addWidget(v)
    v.resize(460, 420)
    v.show()
    return v


def test_multiclass_pixels_use_the_class_colours(view):
    from gui.colors import class_color

    snap = make_snapshot("softmax_spiral3", 150)
    view.discretize.setChecked(True)
    view.set_snapshot(snap)
    rgb = view.image.image[..., :3].reshape(-1, 3)
    winners = np.argmax(snap.maps.output, axis=0).ravel()
    for k in range(3):
        pale = 255 - (255 - np.array(class_color(k))) * 0.6
        assert np.allclose(rgb[winners == k], pale.astype(np.uint8), atol=1)


def test_discretize_changes_the_binary_map(view):
    snap = make_snapshot("tf_default", 100)
    view.set_snapshot(snap)
    smooth = view.image.image.copy()
    view.discretize.setChecked(True)
    hard = view.image.image
    assert not np.array_equal(smooth, hard)
    assert set(np.unique(hard)) <= {-1.0, 1.0}


def test_show_test_data_adds_points(view):
    snap = make_snapshot("tf_default", 5)
    view.set_snapshot(snap)
    assert len(view.test_points.points()) == 0
    view.show_test.setChecked(True)
    assert len(view.test_points.points()) == len(snap.data.x_test) > 0


def test_unit_map_replaces_the_output_while_hovered_and_follows_training(view):
    trainer = make_trainer("tf_default", 5)
    data = DataView.from_trainer(trainer)
    view.set_snapshot(build_snapshot(trainer, 0, data, running=False))
    output = view.image.image.copy()
    view.show_unit_map(1, 2)
    np.testing.assert_array_equal(view.image.image, view._snap.maps.units[1][2])
    assert "Layer 1, unit 3" in view.title.text()
    trainer.train(20)
    later = build_snapshot(trainer, 0, data, running=False)
    view.set_snapshot(later)
    np.testing.assert_array_equal(view.image.image, later.maps.units[1][2])
    view.clear_unit_map()
    assert view.image.image.shape == output.shape and view.title.text().startswith("Output")


def test_loss_plot_follows_history_and_survives_log_scale(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(420, 320)
    plot.show()
    trainer = make_trainer("tf_default", 0)
    data = DataView.from_trainer(trainer)
    for _ in range(3):
        trainer.train(25)
        plot.set_snapshot(build_snapshot(trainer, 0, data, running=True))
    x, _y = plot._curves()[0].getData()
    assert x[-1] == trainer.epoch == 75 and len(x) == 76
    plot.log_check.setChecked(True)
    assert plot.log_scale
    assert "epoch 40" in plot.readout_at_epoch(40.2)


@pytest.mark.parametrize(("output", "low", "threshold"), [
    ("relu", 0.0, 0.5), ("leaky_relu", 0.0, 0.5), ("sigmoid", 0.0, 0.5),
    ("tanh", -1.0, 0.0), ("linear", -1.0, 0.0),
])
def test_one_input_classes_sit_at_the_engines_targets(view, output, low, threshold):
    """1-D class points are drawn at the targets the engine trains towards (class 0 of a ReLU
    output at 0, not at the colour scale's −1), with the engine's threshold between them."""
    from engine.network import LayerSpec
    from engine.scenario import CustomData, DataSpec, ModelSpec, Scenario, TrainSpec, validate
    from engine.trainer import Trainer

    x = tuple((float(v),) for v in np.linspace(-2.0, 2.0, 8))
    y = tuple(float(i % 2) for i in range(8))
    s = validate(Scenario(
        data=DataSpec(dataset="custom", train_fraction=1.0, features=("x1",),
                      custom=CustomData(x, y, "classification")),
        model=ModelSpec((LayerSpec(3, "tanh"),), output, True),
        train=TrainSpec(loss="half_se"),
    ))
    trainer = Trainer(s)
    view.set_snapshot(build_snapshot(trainer, 0, DataView.from_trainer(trainer), running=False))
    _xs, ys = view.train_points.getData()
    labels = trainer.dataset.y[trainer.train_idx]
    np.testing.assert_array_equal(ys, np.where(labels == 1, 1.0, low))
    np.testing.assert_array_equal(ys, trainer.split.targets[trainer.train_idx, 0])
    assert view.threshold.value() == threshold


def _rendered_colours(item) -> int:
    """How many distinct colours the ImageItem actually paints (after levels and lookup)."""
    import pyqtgraph as pg

    item.render()
    pixels = pg.functions.ndarray_from_qimage(item.qimage)
    return len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0))


def test_switching_from_two_classes_to_three_keeps_the_map(view):
    """The binary map leaves levels (-1, 1) on the image item; the class colours (uint8 RGBA)
    must not be scaled by them, or the whole map paints white (issue 10)."""
    two = make_snapshot("tf_default", 5)
    view.set_snapshot(two)
    three = make_snapshot("softmax_spiral3", 150)
    view.set_snapshot(three)
    data = view.image.image
    assert data.shape[:2] == three.maps.output.shape[1:] and np.ptp(data[..., :3]) > 0
    assert view.image.isVisible()
    assert _rendered_colours(view.image) > 10
    view.show_unit_map(1, 0)  # a unit map sets its own levels too
    view.clear_unit_map()
    assert _rendered_colours(view.image) > 10


def test_tf_rules_discretize_at_zero_for_any_problem(view):
    """TensorFlow Playground's rules: discretize splits at value ≥ 0, regression included;
    without them a regression map cannot be discretized."""
    from dataclasses import replace

    from gui.output_view import discretized

    values = np.array([[-0.5, 0.0, 0.3]], dtype=np.float32)
    assert discretized(values, (-1.0, 1.0), False, True).tolist() == [[-1.0, 1.0, 1.0]]
    assert discretized(values, (-1.0, 1.0), False, False).tolist() == [[-1.0, -1.0, 1.0]]
    assert discretized(values, (-2.0, 2.0), True, True).tolist() == [[-2.0, 2.0, 2.0]]
    assert discretized(values, (0.0, 1.0), False, True).tolist() == [[0.0, 0.0, 0.0]]

    snap = make_snapshot("tf_regression_plane", 20)
    assert snap.scenario.train.tf_rules and snap.data.task == "regression"
    view.set_snapshot(snap)
    assert view.discretize.isEnabled()
    view.discretize.setChecked(True)
    peak = np.float32(np.max(np.abs(snap.data.y_train)))
    hard = view.image.image
    assert set(np.unique(hard)) <= {-peak, peak} and len(np.unique(hard)) == 2
    np.testing.assert_array_equal(hard == peak, snap.maps.output[0] >= 0)

    off = replace(snap, scenario=replace(snap.scenario, train=replace(
        snap.scenario.train, tf_rules=False)))
    view.set_snapshot(off)
    assert not view.discretize.isEnabled()
    assert len(np.unique(view.image.image)) > 2
