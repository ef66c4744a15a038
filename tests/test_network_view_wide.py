"""The diagram with wide inputs (digits, 64 pixels; 784 inputs): a block showing the sample,
bundled first-layer edges, hover naming each weight; and the image views of image data."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from engine.network import LayerSpec
from engine.presets import get_preset
from engine.scenario_spec import CustomData
from engine.trainer import Trainer
from gui.image_view import ImageViews
from gui.network import NetworkView
from session.present.formats import format_value, weight_symbol
from session.snapshot import DataView, build_snapshot
from tests.factories import make_trainer
from tests.gui_helpers import TIMEOUT


def snapshot_of(trainer: Trainer, **kw):
    return build_snapshot(trainer, 0, DataView.from_trainer(trainer), running=False, **kw)


@pytest.fixture
def view(qtbot) -> NetworkView:
    v = NetworkView()
    qtbot.addWidget(v)
    v.resize(560, 520)
    v.show()
    qtbot.waitExposed(v)
    return v


def wide_trainer(n_inputs: int = 784, hidden: int = 128) -> Trainer:
    """A custom data set of ``n_inputs`` raw inputs (no image shape): drawn as a strip."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, n_inputs))
    y = (x[:, 0] > 0).astype(float)
    sc = get_preset("digits")
    data = replace(sc.data, dataset="custom", n_samples=40,
                   custom=CustomData(tuple(map(tuple, x)), tuple(y), "classification"),
                   features=tuple(f"x{i + 1}" for i in range(n_inputs)))
    sc = replace(sc, data=data, initial_weights=None,
                 model=replace(sc.model, hidden=(LayerSpec(hidden, "relu"),),
                               output_activation="softmax"))
    trainer = Trainer(sc)
    trainer.train(1)
    return trainer


def test_digits_draw_a_block_with_the_sample(qtbot, view: NetworkView) -> None:
    trainer = make_trainer("digits", 1)
    snap = snapshot_of(trainer)
    view.set_snapshot(snap)
    lay = view._scene.layout
    assert lay is not None and lay.block is not None and (lay.block.rows, lay.block.cols) == (8, 8)
    block = view._scene.block
    assert block.sample == 0 and block.item.isVisible()
    x = snap.data.x_train[0]
    assert (np.argmax(block.fractions.ravel()) == np.argmax(x))  # ink where the sample has it
    # the traced sample is what the block shows
    view.set_snapshot(snapshot_of(trainer, traced_sample=5))
    assert block.sample == 5
    np.testing.assert_array_equal(np.isclose(block.fractions.ravel(), 0.0),
                                  snap.data.x_train[5] == snap.data.x_train.min())
    assert view.grab().size() == view.size()


def test_hover_on_a_band_names_its_weight(qtbot, view: NetworkView) -> None:
    trainer = make_trainer("digits", 1)
    snap = snapshot_of(trainer)
    view.set_snapshot(snap)
    for i, j in ((0, 0), (29, 17), (63, 31)):
        pos = view.edge_position(0, i, j)
        assert view.edge_at(QPointF(pos)) == (0, i, j)
        qtbot.mouseMove(view, pos)
        qtbot.waitUntil(lambda i=i, j=j: view.hovered() == ("edge", 0, i, j), timeout=TIMEOUT)
        text = view.tooltip_text()
        assert weight_symbol(0, i, j) in text
        assert f"w = {format_value(float(snap.weights[0][i, j]))}" in text
    # hovering a cell of the block names that input and its weights' range
    qtbot.mouseMove(view, view.unit_position(0, 29))
    qtbot.waitUntil(lambda: view.hovered() == ("unit", 0, 29), timeout=TIMEOUT)
    text = view.tooltip_text()
    assert "pixel row 4, column 6" in text and weight_symbol(0, 29, 0)[:2] in text
    # live: the tooltip follows the weights as training goes on
    qtbot.mouseMove(view, view.edge_position(0, 29, 17))
    qtbot.waitUntil(lambda: view.hovered() == ("edge", 0, 29, 17), timeout=TIMEOUT)
    trainer.train(3)
    snap2 = snapshot_of(trainer)
    view.set_snapshot(snap2)
    assert f"w = {format_value(float(snap2.weights[0][29, 17]))}" in view.tooltip_text()


def test_784_inputs_and_128_units_render_and_hit(qtbot, view: NetworkView) -> None:
    snap = snapshot_of(wide_trainer())
    assert snap.sizes == (784, 128, 2)
    view.set_snapshot(snap)
    lay = view._scene.layout
    assert lay is not None and lay.block is not None and not lay.block.image
    # drawn with a bounded number of segments, not 784 × 128
    assert len(view._scene.edges._xy) < 784 * 128 // 4
    view.repaint()
    for column, j in ((0, 0), (0, 783), (1, 0), (1, 127), (2, 1)):
        assert view.unit_at(QPointF(view.unit_position(column, j))) == (column, j)
    hit = view.edge_at(QPointF(view.edge_position(0, 400, 64)))
    assert hit is not None and hit[0] == 0 and hit[2] == 64 and abs(hit[1] - 400) <= 8


def test_image_views_show_the_sample_and_follow_training(qtbot) -> None:
    views = ImageViews()
    qtbot.addWidget(views)
    views.resize(520, 300)
    views.show()
    qtbot.waitExposed(views)
    trainer = make_trainer("digits", 1)
    views.set_snapshot(snapshot_of(trainer, traced_sample=3))
    assert views.sample_image.objectName() == "sampleImage"
    assert views.weight_images.objectName() == "weightImages"
    assert not views.sample_image.pixmap().isNull() and not views.weight_images.pixmap().isNull()
    assert views.sample_fractions is not None and views.sample_fractions.shape == (8, 8)
    assert "Sample 4 (traced): " in views.sample_caption.text()
    before = views.mosaic
    assert before is not None and before.n_units == 32
    trainer.train(3)
    views.set_snapshot(snapshot_of(trainer))
    after = views.mosaic
    assert after is not None and after is not before
    assert not np.array_equal(np.nan_to_num(after.fractions * after.scale),
                              np.nan_to_num(before.fractions * before.scale))
    # no image data: nothing drawn, and a note why
    views.set_snapshot(snapshot_of(make_trainer("tf_default", 1)))
    assert views.mosaic is None and views.weight_images.pixmap().isNull()
    assert "image data" in views.weight_caption.text()


def test_window_offers_the_images_tab_for_image_data(qtbot, make_window) -> None:
    w = make_window("digits")
    tab = w.tabs.indexOf(w.image_views)
    assert w.tabs.isTabVisible(tab) and w.tabs.tabText(tab) == "Images"
    w.tabs.setCurrentIndex(tab)
    qtbot.waitUntil(lambda: w.image_views.mosaic is not None, timeout=TIMEOUT)
    assert w.image_views.mosaic.n_units == w.rendered.sizes[1]
    other = make_window("tf_default")
    assert not other.tabs.isTabVisible(other.tabs.indexOf(other.image_views))
