"""The loss plot and the output view, checked with real snapshots (pytest-qt, offscreen).

Screens are checked for coarse facts only (not flat, several colours, the right item holds the
right array); no golden pixels.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication

from engine.history import Metrics
from gui.colors import class_color
from gui.loss_plot import LossPlot, format_metric
from gui.output_view import OutputView
from session.snapshot import DataView, Snapshot, build_snapshot
from tests.factories import make_snapshot, make_trainer

SIZE = (420, 380)


def distinct_colours(widget) -> int:
    """Colours in a coarse sample of the widget's picture (a flat or blank one gives ~1)."""
    image: QImage = widget.grab().toImage()
    assert not image.isNull() and image.width() > 100 and image.height() > 100
    return len({image.pixel(x, y) for x in range(0, image.width(), 5)
                for y in range(0, image.height(), 5)})


@pytest.fixture
def loss_plot(qtbot) -> LossPlot:
    w = LossPlot()
    qtbot.addWidget(w)
    w.setFixedSize(*SIZE)
    w.show()
    return w


@pytest.fixture
def view(qtbot) -> OutputView:
    w = OutputView()
    qtbot.addWidget(w)
    w.setFixedSize(*SIZE)
    w.show()
    return w


def with_history(snap: Snapshot, **columns: np.ndarray) -> Snapshot:
    """A copy of ``snap`` whose history (and latest metrics) use the given columns."""
    h = {k: np.asarray(v, dtype=np.float64) for k, v in snap.history.items()}
    h.update({k: np.asarray(v, dtype=np.float64) for k, v in columns.items()})
    h["epoch"] = np.asarray(h["epoch"], dtype=np.int64)
    n = len(h["epoch"])
    for k, v in h.items():
        assert len(v) == n, k
    metrics = (Metrics(int(h["epoch"][-1]), *(float(h[c][-1]) for c in (
        "train_loss", "test_loss", "train_accuracy", "test_accuracy"))) if n else None)
    return dataclasses.replace(snap, history=h, metrics=metrics, epoch=int(h["epoch"][-1])
                               if n else 0)


# ---------------------------------------------------------------------------------------------
# LossPlot
# ---------------------------------------------------------------------------------------------
def test_loss_curves_grow_with_the_history(loss_plot):
    trainer = make_trainer("tf_default", 0)
    data = DataView.from_trainer(trainer)
    for _ in range(4):
        trainer.train(15)
        snap = build_snapshot(trainer, 0, data, running=True)
        loss_plot.set_snapshot(snap)
        n = len(snap.history["epoch"])
        for curve in (loss_plot.train_loss_curve, loss_plot.test_loss_curve,
                      loss_plot.train_acc_curve, loss_plot.test_acc_curve):
            x, _y = curve.getOriginalDataset()
            assert len(x) == n and x[-1] == snap.epoch == trainer.epoch
    _x, acc = loss_plot.train_acc_curve.getOriginalDataset()
    np.testing.assert_allclose(acc, 100 * snap.history["train_accuracy"])  # percent
    loss_plot.grab()
    x0, x1 = loss_plot.plot_item.vb.viewRange()[0]
    assert x0 <= 0 and x1 >= trainer.epoch  # the whole run is in view


def test_loss_readout_names_the_epoch_and_values(loss_plot):
    snap = make_snapshot("tf_default", 30)
    loss_plot.set_snapshot(snap)
    m = snap.metrics
    text = loss_plot.readout.text().replace("\u00a0", " ")
    assert text.startswith("epoch 30 · train loss ")
    assert format_metric(m.train_loss) in text and format_metric(m.test_loss) in text
    assert f"train acc {100 * m.train_accuracy:.1f}%" in text
    assert f"test acc {100 * m.test_accuracy:.1f}%" in text

    at = loss_plot.readout_at_epoch(12.4)
    assert at.splitlines()[0] == "epoch 12"
    assert f"train loss {format_metric(snap.history['train_loss'][12])}" in at
    assert loss_plot.readout_at_epoch(1e9).startswith("epoch 30")  # clamps to the last


def test_hover_shows_a_line_at_the_nearest_recorded_epoch(loss_plot):
    loss_plot.set_snapshot(make_snapshot("tf_default", 40))
    loss_plot.grab()  # lays out and auto-ranges the view, as the first paint does
    vb = loss_plot.plot_item.vb
    y_mid = float(np.mean(vb.viewRange()[1]))
    loss_plot.hover_at_scene_pos(vb.mapViewToScene(QPointF(21.3, y_mid)))
    assert loss_plot.hover_line.isVisible() and loss_plot.hover_line.value() == 21
    assert loss_plot.hover_text.textItem.toPlainText().startswith("epoch 21")
    loss_plot.hover_at_scene_pos(QPointF(-50.0, -50.0))  # outside the plot
    assert not loss_plot.hover_line.isVisible()


def test_log_scale_survives_a_zero_loss(loss_plot):
    snap = make_snapshot("xor_221", 5)
    zeros = snap.history["train_loss"].copy()
    zeros[-2:] = 0.0
    loss_plot.set_snapshot(with_history(snap, train_loss=zeros))
    loss_plot.log_check.setChecked(True)
    assert loss_plot.log_scale and loss_plot.plot_item.ctrl.logYCheck.isChecked()
    assert loss_plot.train_loss_curve.opts["logMode"][1]
    _x, y = loss_plot.train_loss_curve.getData()  # display data, log10 applied
    assert np.all(np.isfinite(y))
    assert not loss_plot.plot_item.getAxis("right").logMode  # accuracy stays linear
    assert distinct_colours(loss_plot) > 3
    loss_plot.log_check.setChecked(False)
    assert not loss_plot.train_loss_curve.opts["logMode"][1]


def test_accuracy_axis_for_classification_and_r2_for_regression(loss_plot):
    loss_plot.set_snapshot(make_snapshot("tf_default", 5))
    right = loss_plot.plot_item.getAxis("right")
    assert right.isVisible() and "accuracy" in right.labelText
    assert loss_plot.train_acc_curve.isVisible() and loss_plot.test_acc_curve.isVisible()
    assert "train accuracy" in loss_plot.legend.text().replace("&nbsp;", " ")
    loss_plot.clear()
    snap = make_snapshot("regression_plane", 5)
    loss_plot.set_snapshot(snap)
    assert right.isVisible() and right.labelText == "R²"
    assert loss_plot.train_acc_curve.isVisible() and loss_plot.test_acc_curve.isVisible()
    _x, r2 = loss_plot.train_acc_curve.getOriginalDataset()
    np.testing.assert_allclose(r2, np.maximum(snap.history["train_r2"], -0.5))  # 0–1 scale
    assert loss_plot.accuracy_view.viewRange()[1][1] < 1.1
    assert "acc" not in loss_plot.readout.text()
    assert f"test R² {snap.metrics.test_r2:.4f}" in loss_plot.readout.text()
    legend = loss_plot.legend.text().replace("&nbsp;", " ")
    assert "accuracy" not in legend and "train R²" in legend and "test R²" in legend


def test_nan_test_loss_hides_the_test_curve(loss_plot):
    snap = make_snapshot("xor_221", 10)  # four points, no test set
    loss_plot.set_snapshot(snap)
    assert not loss_plot.test_loss_curve.isVisible()
    assert not loss_plot.test_acc_curve.isVisible()
    assert "test" not in loss_plot.readout.text()
    assert "test" not in loss_plot.legend.text()
    assert "test" not in loss_plot.readout_at_epoch(3)


def test_loss_plot_redraws_only_when_the_history_changed(loss_plot, qtbot):
    snap = make_snapshot("tf_default", 10)
    loss_plot.set_snapshot(snap)
    with qtbot.assertNotEmitted(loss_plot.train_loss_curve.sigPlotChanged):
        loss_plot.set_snapshot(dataclasses.replace(snap, running=True))
    with qtbot.waitSignal(loss_plot.train_loss_curve.sigPlotChanged, timeout=1000):
        loss_plot.set_snapshot(dataclasses.replace(snap, generation=1))


def test_loss_plot_handles_empty_one_point_and_long_histories(loss_plot):
    snap = make_snapshot("tf_default", 0)
    assert len(snap.history["epoch"]) == 1
    loss_plot.set_snapshot(snap)
    assert len(loss_plot.train_loss_curve.getData()[0]) == 1
    loss_plot.grab()
    empty = with_history(snap, **{k: v[:0] for k, v in snap.history.items()})
    loss_plot.set_snapshot(empty)
    assert loss_plot.readout.text() == "no training yet"
    assert loss_plot.readout_at_epoch(3) == ""
    loss_plot.grab()

    n = 20_000  # what the engine's bounded history holds at most
    epochs = np.arange(n) * 64
    decay = np.exp(-np.arange(n) / 3000.0)
    long = with_history(snap, epoch=epochs, train_loss=decay, test_loss=1.1 * decay,
                        train_accuracy=1 - decay / 2, test_accuracy=1 - decay / 2,
                        train_r2=np.full(n, np.nan), test_r2=np.full(n, np.nan))
    loss_plot.set_snapshot(long)
    loss_plot.grab()
    assert loss_plot.train_loss_curve.getOriginalDataset()[0][-1] == epochs[-1]
    assert loss_plot.plot_item.vb.viewRange()[0][1] >= epochs[-1]
    loss_plot.clear()
    x = loss_plot.train_loss_curve.getData()[0]
    assert x is None or len(x) == 0
    assert loss_plot.readout.text() == "no training yet"


# ---------------------------------------------------------------------------------------------
# OutputView
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("preset", ["tf_default", "xor_221", "softmax_spiral3",
                                    "regression_plane", "sine_regression", "not_111"])
def test_output_view_renders_every_kind_of_problem(view, preset):
    snap = make_snapshot(preset, 40)
    view.set_snapshot(snap)
    assert distinct_colours(view) > 12
    if snap.data.n_inputs == 2:
        image = view.image.image
        assert image.shape[:2] == (100, 100) and image.flags["C_CONTIGUOUS"]
        assert view.image.isVisible()
        assert view.plot.getAxis("left").labelText == "x₂"
    else:
        assert not view.image.isVisible() and view.curve.isVisible()
        x, y = view.curve.getData()
        np.testing.assert_array_equal(x, snap.maps.x)
        np.testing.assert_array_equal(y, snap.maps.output[0])
        assert view.plot.getAxis("left").labelText == "output"
    assert view.plot.getAxis("bottom").labelText == "x₁"
    assert len(view.train_points.points()) == len(snap.data.x_train)
    assert view.legend.text()


def test_discretize_changes_the_map_but_not_for_regression(view):
    view.set_snapshot(make_snapshot("tf_default", 60))
    smooth = view.image.image.copy()
    view.discretize.setChecked(True)
    assert not np.array_equal(smooth, view.image.image)
    assert len(np.unique(view.image.image)) == 2
    view.discretize.setChecked(False)
    np.testing.assert_array_equal(smooth, view.image.image)
    view.set_snapshot(make_snapshot("regression_plane", 5))
    assert not view.discretize.isEnabled()


def test_show_test_data_adds_points(view):
    snap = make_snapshot("tf_default", 5)
    view.set_snapshot(snap)
    assert len(view.test_points.points()) == 0
    view.show_test.setChecked(True)
    assert len(view.test_points.points()) == len(snap.data.x_test) > 0
    view.show_test.setChecked(False)
    assert len(view.test_points.points()) == 0


def test_unit_map_replaces_the_output_live_and_clear_restores_it(view):
    trainer = make_trainer("tf_default", 5)
    data = DataView.from_trainer(trainer)
    view.set_snapshot(build_snapshot(trainer, 0, data, running=False))
    output = view.image.image.copy()
    view.show_unit_map(2, 1)
    np.testing.assert_array_equal(view.image.image, view._snap.maps.units[2][1])
    assert "unit 2" in view.title.text() and "tanh" in view.title.text()
    trainer.train(30)
    later = build_snapshot(trainer, 0, data, running=True)
    view.set_snapshot(later)
    np.testing.assert_array_equal(view.image.image, later.maps.units[2][1])  # follows training
    view.clear_unit_map()
    assert view.image.image.shape == output.shape == (100, 100)
    np.testing.assert_array_equal(view.image.image, later.maps.output[0])


def test_multiclass_pixels_are_the_class_colours_paled_towards_white(view):
    snap = make_snapshot("softmax_spiral3", 100)
    view.set_snapshot(snap)
    rgba = view.image.image
    assert rgba.shape == (100, 100, 4) and rgba.dtype == np.uint8
    winners = np.argmax(snap.maps.output, axis=0)
    towards = 255.0 - rgba[..., :3].astype(np.float64)  # distance from white
    for k in range(3):
        pixels = towards[winners == k]
        colour = 255.0 - np.array(class_color(k), dtype=np.float64)
        # every pixel lies on the segment white → class colour (up to uint8 rounding)
        t = pixels @ colour / (colour @ colour)
        np.testing.assert_allclose(pixels, t[:, None] * colour[None, :], atol=2.0)
        assert np.all(t > 0.05)


def test_points_are_rebuilt_only_for_new_data(view, qtbot):
    trainer = make_trainer("tf_default", 2)
    data = DataView.from_trainer(trainer)
    view.set_snapshot(build_snapshot(trainer, 0, data, running=True))
    trainer.train(3)
    with qtbot.assertNotEmitted(view.train_points.sigPlotChanged):
        view.set_snapshot(build_snapshot(trainer, 0, data, running=True))
    with qtbot.waitSignal(view.train_points.sigPlotChanged, timeout=1000):
        view.set_snapshot(build_snapshot(trainer, 1, DataView.from_trainer(trainer),
                                         running=True))


def test_left_click_in_the_map_emits_data_coordinates(view, qtbot):
    view.set_snapshot(make_snapshot("tf_default", 1))
    vb = view.plot.getViewBox()
    scene = vb.mapViewToScene(QPointF(2.0, -3.0))
    pixel = view.plot_widget.mapFromScene(scene)
    with qtbot.waitSignal(view.pointClicked, timeout=1000) as blocker:
        qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ShiftModifier, QPoint(pixel.x(), pixel.y()))
    x, y, modifiers = blocker.args
    assert x == pytest.approx(2.0, abs=0.15) and y == pytest.approx(-3.0, abs=0.15)
    assert modifiers & Qt.KeyboardModifier.ShiftModifier


# ---------------------------------------------------------------------------------------------
# Many repaints (the PySide6 6.12.0 + CPython 3.11 refcount bug aborted after ~90)
# ---------------------------------------------------------------------------------------------
def test_hundreds_of_real_repaints_do_not_crash(loss_plot, view):
    trainer = make_trainer("tf_default", 0)
    data = DataView.from_trainer(trainer)
    for _ in range(300):
        trainer.train(1)
        snap = build_snapshot(trainer, 0, data, running=True, map_res=50, unit_res=8)
        loss_plot.set_snapshot(snap)
        view.set_snapshot(snap)
        loss_plot.repaint()
        view.repaint()
    assert loss_plot.train_loss_curve.getData()[0][-1] == 300
    assert distinct_colours(view) > 12


# ---------------------------------------------------------------------------------------------
# LossPlot: the loss axis, the idle point, epoch ticks (issue 10)
# ---------------------------------------------------------------------------------------------
def diverged_snapshot(generation: int) -> Snapshot:
    """regression_plane at learning rate 3: the loss climbs past 1e290 before turning NaN."""
    from engine.trainer import Trainer

    scenario = make_trainer("regression_plane", 0).scenario
    optimizer = dataclasses.replace(scenario.train.optimizer, learning_rate=3.0)
    trainer = Trainer(scenario.with_changes(
        train=dataclasses.replace(scenario.train, optimizer=optimizer)))
    trainer.train(200)
    assert trainer.diverged is not None
    return build_snapshot(trainer, generation, DataView.from_trainer(trainer), running=False,
                          metrics=trainer.evaluate())


def test_loss_axis_follows_the_current_history_after_a_divergence(loss_plot):
    diverged = diverged_snapshot(1)
    loss_plot.set_snapshot(diverged)
    _low, high = loss_plot.plot_item.vb.viewRange()[1]
    assert high >= np.nanmax(diverged.history["train_loss"])  # the whole run, honestly
    loss_plot.plot_item.vb.scaleBy((1, 0.01))  # a user zoom turns pyqtgraph's auto-range off
    fresh = make_snapshot("regression_plane", 20, generation=2)  # Reset: a new generation
    loss_plot.set_snapshot(fresh)
    low, high = loss_plot.plot_item.vb.viewRange()[1]
    losses = np.concatenate([fresh.history["train_loss"], fresh.history["test_loss"]])
    assert low <= losses.min() and losses.max() <= high < 2 * losses.max()
    loss_plot.log_check.setChecked(True)
    low, high = loss_plot.plot_item.vb.viewRange()[1]  # log10 units
    assert low <= np.log10(losses.min()) and np.log10(losses.max()) <= high < 0


def test_the_idle_point_is_the_readout_after_a_weight_edit(loss_plot):
    """At epoch 0 the history holds the loss before the edit; idle, the snapshot's metrics
    measure the weights shown: the dot, the hover read-out and the label show those."""
    from engine.presets import get_preset
    from session import commands as c
    from session.session import Session

    session = Session(get_preset("tf_default"))
    session.handle(c.SetWeight(1, 0, 0, 3.0))
    snap = session.snapshot()
    assert snap is not None and snap.metrics is not None
    recorded = float(snap.history["train_loss"][0])
    assert abs(recorded - snap.metrics.train_loss) > 1e-3  # the history's entry is stale
    loss_plot.set_snapshot(snap)
    x, y = loss_plot.train_loss_curve.getOriginalDataset()
    assert list(x) == [0] and y[-1] == snap.metrics.train_loss
    shown = format_metric(snap.metrics.train_loss)
    assert shown in loss_plot.readout.text() and shown in loss_plot.readout_at_epoch(0)
    assert format_metric(recorded) not in loss_plot.readout_at_epoch(0)


def test_the_epoch_axis_has_whole_numbers_only(loss_plot):
    axis = loss_plot.plot_item.getAxis("bottom")
    for low, high in ((0, 10), (0, 3), (-0.4, 1.4), (0, 2000)):
        ticks = [v for _spacing, values in axis.tickValues(low, high, 380) for v in values]
        assert ticks and all(float(v).is_integer() for v in ticks), (low, high, ticks)


def test_a_loss_at_the_edge_of_float64_still_draws(loss_plot):
    snap = make_snapshot("tf_default", 3)
    n = len(snap.history["epoch"])
    huge = np.linspace(0.5, 1.7e308, n)
    loss_plot.set_snapshot(with_history(snap, train_loss=huge, test_loss=huge))
    low, high = loss_plot.plot_item.vb.viewRange()[1]
    assert np.isfinite([low, high]).all() and high >= 1e300  # capped: see LOSS_CEILING
    assert distinct_colours(loss_plot) > 3


def test_a_long_history_is_drawn_a_few_points_per_pixel_and_whole(qtbot, loss_plot):
    """20,000 epochs on a plot a few hundred pixels wide: each curve is cut to its peaks per
    pixel (not 20,000 points each redraw), from epoch 0 to the latest, spike included; a
    wider plot gets more points."""
    snap = make_snapshot("tf_default", 0)
    n = 20_000
    loss = np.exp(-np.arange(n) / 3000.0)
    loss[12_345] = 3.0
    long = with_history(snap, epoch=np.arange(n), train_loss=loss, test_loss=loss * 1.1,
                        train_accuracy=np.full(n, 0.9), test_accuracy=np.full(n, 0.8),
                        train_r2=np.full(n, np.nan), test_r2=np.full(n, np.nan))
    loss_plot.set_snapshot(long)
    x, y = loss_plot.train_loss_curve.getData()
    width = loss_plot.plot_item.vb.width() * loss_plot.devicePixelRatioF()
    assert 100 < len(x) <= 4 * max(150, width) + 2  # at most 4 points per pixel
    assert (x[0], x[-1]) == (0, n - 1) and y.max() == 3.0
    assert loss_plot.readout_at_epoch(12_345).count("3.0") >= 1  # the read-out: every epoch
    before = len(x)
    loss_plot.setFixedSize(1400, SIZE[1])
    qtbot.waitUntil(lambda: len(loss_plot.train_loss_curve.getData()[0]) > before)


def test_the_loss_axis_label_is_shortened_rather_than_cut(qtbot, loss_plot):
    """At 1024×700 the plot is too low for "loss (mean per sample)": it reads "loss" there,
    and the long label comes back when the plot is tall enough again."""
    axis = loss_plot.plot_item.getAxis("left")
    loss_plot.setFixedSize(420, 170)
    qtbot.waitUntil(lambda: axis.labelText == "loss")
    loss_plot.setFixedSize(420, 520)
    qtbot.waitUntil(lambda: axis.labelText == "loss (mean per sample)")
    assert axis.label.boundingRect().width() <= loss_plot.plot_item.vb.height()


def test_a_zoomed_loss_plot_draws_the_epochs_in_view_in_detail(qtbot, loss_plot):
    """Zooming with the wheel (paused) cuts the curves for what is in view, not for the whole
    run: every drawn point is a recorded one and the wiggle stays in the picture."""
    snap = make_snapshot("tf_default", 0)
    n = 20_000
    epochs = np.arange(n)
    loss = 0.5 + 0.05 * np.sin(epochs / 3.0)
    long = with_history(snap, epoch=epochs, train_loss=loss, test_loss=loss,
                        train_accuracy=np.full(n, 0.9), test_accuracy=np.full(n, 0.8),
                        train_r2=np.full(n, np.nan), test_r2=np.full(n, np.nan))
    loss_plot.set_snapshot(long)
    vb = loss_plot.plot_item.vb
    viewport = loss_plot.plot_widget.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    global_centre = QPointF(viewport.mapToGlobal(centre.toPoint()))
    for _ in range(12):  # wheel steps in, about the middle of the run
        event = QWheelEvent(centre, global_centre, QPoint(0, 0), QPoint(0, 120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                            Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(viewport, event)
    qtbot.waitUntil(lambda: vb.viewRange()[0][1] - vb.viewRange()[0][0] < 2_000)
    low, high = vb.viewRange()[0]
    x, y = loss_plot.train_loss_curve.getData()
    inside = (x >= low) & (x <= high)
    in_view = int(((epochs >= low) & (epochs <= high)).sum())
    assert inside.sum() >= min(in_view, 600) * 0.9  # detail, not the whole run's cut
    np.testing.assert_array_equal(y, loss[x.astype(int)])  # recorded points only
