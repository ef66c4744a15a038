"""Pictures for slides: PNG at 1×, 2× and 4×, SVG with vector markers, no check boxes or
labels around the plot (pytest-qt, offscreen)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QAction, QImage

from gui.output_view import OutputView
from gui.pictures import render_picture, save_picture
from tests.factories import make_snapshot

VIEWS = ["network_view", "output_view", "loss_plot"]


@pytest.fixture
def window(make_window):
    return make_window


def png_size(path) -> tuple[int, int]:
    image = QImage(str(path))
    assert not image.isNull()
    return image.width(), image.height()


@pytest.mark.parametrize("attr", VIEWS)
def test_png_scale_multiplies_the_pixels(window, tmp_path, attr):
    w = window("tf_default")
    sizes = {}
    for scale in (1, 2, 4):
        path = tmp_path / f"{attr}-{scale}.png"
        assert w.files.save_picture(attr, str(path), scale), w.files.last_message
        sizes[scale] = png_size(path)
    (w1, h1), (w2, h2), (w4, h4) = sizes[1], sizes[2], sizes[4]
    assert w1 > 100 and w2 == 2 * w1 and w4 == 4 * w1
    assert abs(h2 - 2 * h1) <= 2 and abs(h4 - 4 * h1) <= 4  # pyqtgraph rounds the height


def test_the_menu_chooses_the_png_scale(window, tmp_path):
    w = window("tf_default")
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    assert w.files.save_picture("output_view", str(one))
    action = w.findChild(QAction, "pictureScale2")
    assert action is not None and action.isCheckable() and not action.isChecked()
    action.trigger()
    assert w.files.picture_scale == 2
    assert w.files.save_picture("output_view", str(two))  # the menu's choice
    assert png_size(two)[0] == 2 * png_size(one)[0]
    assert not w.files.save_picture("output_view", str(tmp_path / "x.png"), 3)
    assert "scale" in w.files.last_message[1] and not (tmp_path / "x.png").exists()


def test_output_view_svg_has_vector_points_and_no_check_boxes(qtbot, tmp_path):
    view = OutputView()
    qtbot.addWidget(view)
    view.resize(460, 420)
    view.show()
    snap = make_snapshot("tf_default", 20)
    view.set_snapshot(snap)
    view.show_test.setChecked(True)
    path = tmp_path / "output.svg"
    save_picture(view, str(path))
    data = path.read_bytes()
    text = data.decode()
    assert len(data) < 400_000, len(data)  # the sprite-sheet copies made 2.4–4 MB
    images = re.findall(r"<image\b[^>]*>", text)
    assert len(images) <= 1  # the decision map (100×100), never the points' sprite sheet
    n_points = len(snap.data.x_train) + len(snap.data.x_test)
    assert text.count("<path") >= n_points  # one vector marker per point
    for chrome in ("Test data", "Discretize", "Add points", "Output of the"):
        assert chrome not in text
    assert "<title>Output view</title>" in text


def test_png_is_the_plot_alone(qtbot):
    """No check-box row or legend: the 1× picture is the plot's own size."""
    view = OutputView()
    qtbot.addWidget(view)
    view.resize(460, 420)
    view.show()
    view.set_snapshot(make_snapshot("tf_default", 5))
    image = QImage.fromData(render_picture(view, ".png"))
    plot = view.plot_widget
    assert (image.width(), image.height()) == (plot.width(), plot.height())
    assert image.height() < view.height() - view.show_test.height()


def test_a_widget_without_one_plot_is_drawn_whole(qtbot, tmp_path):
    """The whole window (--screenshot) has several canvases: it is drawn as on screen."""
    from PySide6.QtWidgets import QLabel

    label = QLabel("no plot")
    qtbot.addWidget(label)
    label.resize(120, 40)
    for scale in (1, 2):
        save_picture(label, str(tmp_path / f"label{scale}.png"), scale)
    assert png_size(tmp_path / "label2.png") == (240, 80)
    assert png_size(tmp_path / "label1.png") == (120, 40)
    with pytest.raises(ValueError, match="scale"):
        save_picture(label, str(tmp_path / "x.png"), 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["label1.png", "label2.png"]
