"""The diagram names each output unit by its class (one unit per class), right of the unit."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFontMetricsF

from engine.scenario import CustomData, DataSpec, ModelSpec, Scenario, TrainSpec, fit_to_data
from engine.trainer import Trainer
from gui.network import NetworkView
from gui.network.scene import OUTPUT_NAME_EMS
from session.snapshot import DataView, build_snapshot
from tests.factories import make_snapshot


def names_of(view: NetworkView) -> list[str]:
    return [text for _, text in view._scene.decor.output_names()]


def three_classes(names: tuple[str, ...]) -> Trainer:
    x = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.5, 0.2), (0.2, 0.9)]
    custom = CustomData(x, (0, 1, 2, 0, 1, 2), "classification", class_names=names)
    s = fit_to_data(Scenario(data=DataSpec(dataset="custom", custom=custom, train_fraction=1.0),
                             model=ModelSpec((), "softmax"), train=TrainSpec(loss="cce")))[0]
    return Trainer(s)


def test_units_of_classes_are_named_and_others_not() -> None:
    iris = make_snapshot("iris", 1)
    assert iris.data.output_unit_names(3) == ("setosa", "versicolor", "virginica")
    assert make_snapshot("softmax_spiral3", 1).data.output_unit_names(3) == (
        "class 0", "class 1", "class 2")
    # one unit for two classes, and regression: the unit is not one class
    assert make_snapshot("tf_default", 1).data.output_unit_names(1) == ()
    assert make_snapshot("sine_regression", 1).data.output_unit_names(1) == ()


def test_names_sit_right_of_their_units_inside_the_canvas(qtbot, view: NetworkView) -> None:
    snap = make_snapshot("iris", 2)
    view.set_snapshot(snap)
    assert names_of(view) == ["setosa", "versicolor", "virginica"]
    lay = view._scene.layout
    assert lay is not None
    depth = len(snap.sizes) - 1
    for j, (r, _) in enumerate(view._scene.decor.output_names()):
        box = lay.unit_box(depth, j)
        assert r.left() > box.x + box.w and r.right() <= lay.width
        assert abs(r.center().y() - (box.y + box.h / 2)) < 1.0
    # the widest name fits between its unit and the canvas's right edge
    fm = QFontMetricsF(view._scene.decor.label_font)
    widest = max(fm.horizontalAdvance(n) for n in names_of(view))
    assert min(r.width() for r, _ in view._scene.decor.output_names()) >= widest


def test_names_are_drawn(qtbot, view: NetworkView) -> None:
    """Dark text pixels right of the output units with names; none there without."""
    def ink_right_of_output(preset: str) -> int:
        snap = make_snapshot(preset, 2)
        view.set_snapshot(snap)
        lay = view._scene.layout
        assert lay is not None
        depth = len(snap.sizes) - 1
        box = lay.unit_box(depth, 0)
        to_widget = view._affine().to_widget
        left = QPointF(*to_widget(box.x + box.w + 8, box.y)).toPoint()
        right = QPointF(*to_widget(lay.width - 4, box.y + box.h)).toPoint()
        image = view.grab().toImage()
        dark = 0
        for px in range(left.x(), right.x()):
            for py in range(left.y(), right.y()):
                if image.pixelColor(px, py).lightness() < 110:
                    dark += 1
        return dark

    assert ink_right_of_output("iris") > 20
    assert ink_right_of_output("softmax_spiral3") > 20
    assert ink_right_of_output("tf_default") < 5


def test_no_names_for_a_single_output(qtbot, view: NetworkView) -> None:
    view.set_snapshot(make_snapshot("tf_default", 2))
    assert names_of(view) == []


def test_a_long_name_is_cut_short_and_new_names_relayout(qtbot, view: NetworkView) -> None:
    long = "a class with a remarkably long name from the file"
    t = three_classes(("short", long, "c"))
    view.set_snapshot(build_snapshot(t, 0, DataView.from_trainer(t), running=False))
    names = names_of(view)
    assert names[0] == "short" and names[2] == "c"
    assert names[1].endswith("…") and long.startswith(names[1][:-1])
    fm = QFontMetricsF(view._scene.decor.label_font)
    assert fm.horizontalAdvance(names[1]) <= OUTPUT_NAME_EMS * fm.horizontalAdvance("M")
    # the same architecture with other class names: the names follow
    t2 = three_classes(("red", "green", "blue"))
    view.set_snapshot(build_snapshot(t2, 1, DataView.from_trainer(t2), running=False))
    assert names_of(view) == ["red", "green", "blue"]
    assert np.isfinite(view._scene.layout.thumb)


def test_a_narrow_diagram_cuts_names_to_their_room(qtbot, view: NetworkView) -> None:
    t = three_classes(("alpha class", "beta class name", "gamma class"))
    snap = build_snapshot(t, 0, DataView.from_trainer(t), running=False)
    view.set_snapshot(snap)
    wide = names_of(view)
    view.resize(300, 400)  # the diagram's smallest width
    qtbot.waitUntil(lambda: view._scene.layout is not None and view._scene.layout.width < 320)
    fm = QFontMetricsF(view._scene.decor.label_font)
    placed = view._scene.decor.output_names()
    assert wide == ["alpha class", "beta class name", "gamma class"]
    for r, text in placed:
        assert fm.horizontalAdvance(text) <= r.width() + 0.5
        assert r.right() <= view._scene.layout.width
    assert any(text.endswith("…") for _, text in placed)
