"""The network diagram renders real snapshots, hit-tests edges and units, keeps hover values
live, and turns clicks into weight/bias edit requests — driven with real (synthetic) mouse and
key events through pytest-qt."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QToolTip, QWidget

from engine.network import LayerSpec
from engine.presets import get_preset
from engine.trainer import Trainer
from gui.network_view import NetworkView, format_value, parse_finite
from gui.snapshot import DataView, Snapshot, build_snapshot
from tests.factories import make_snapshot, make_trainer

PRESETS = [
    "tf_default", "xor_221", "not_111", "deep_tanh_spiral", "softmax_spiral3",
    "vanishing_gradients", "sine_regression", "single_neuron",
]


def snapshot_of(trainer: Trainer) -> Snapshot:
    return build_snapshot(trainer, 0, DataView.from_trainer(trainer), running=False)


def modified_trainer(preset: str, hidden: tuple[LayerSpec, ...] | None = None,
                     use_bias: bool | None = None, epochs: int = 2) -> Trainer:
    """A preset with a different architecture (for sizes no preset has)."""
    sc = get_preset(preset)
    model = sc.model
    if hidden is not None:
        model = replace(model, hidden=hidden)
    if use_bias is not None:
        model = replace(model, use_bias=use_bias)
    trainer = Trainer(replace(sc, model=model, initial_weights=None))
    trainer.train(epochs)
    return trainer


def distinct_colours(view: QWidget) -> int:
    image = view.grab().toImage()
    assert not image.isNull()
    step = 7
    return len({
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    })


@pytest.fixture
def view(qtbot) -> NetworkView:
    v = NetworkView()
    qtbot.addWidget(v)
    v.resize(800, 500)
    v.show()
    qtbot.waitExposed(v)
    return v


def editor_of(view: NetworkView) -> QLineEdit:
    editor = view.findChild(QLineEdit, "valueEditor")
    assert editor is not None
    return editor


# --------------------------------------------------------------------------- rendering


def test_identity_and_sizes(view: NetworkView) -> None:
    assert view.objectName() == "networkView"
    assert view.accessibleName() == "Network diagram"
    assert view.minimumWidth() >= 400 and view.minimumHeight() >= 250
    assert view.sizeHint().width() >= view.minimumWidth()
    assert view.column_centers() == []
    assert view.hovered() is None and view.tooltip_text() == ""


@pytest.mark.parametrize("preset", PRESETS)
def test_renders_every_preset(view: NetworkView, preset: str) -> None:
    snap = make_snapshot(preset, 20)
    view.set_snapshot(snap)
    assert view.grab().size() == view.size()
    assert distinct_colours(view) >= 12
    centres = view.column_centers()
    assert len(centres) == len(snap.sizes) == snap.depth + 1
    assert all(a < b for a, b in itertools.pairwise(centres))
    assert centres[0] > 0 and centres[-1] < view.width()


def test_picture_changes_after_training(view: NetworkView) -> None:
    trainer = make_trainer("tf_default", 1)
    view.set_snapshot(snapshot_of(trainer))
    before = view.grab().toImage()
    trainer.train(100)
    view.set_snapshot(snapshot_of(trainer))
    assert view.grab().toImage() != before


def test_every_unit_and_edge_is_hit_at_its_own_position(view: NetworkView) -> None:
    snap = make_snapshot("tf_default", 30)
    view.set_snapshot(snap)
    for column, n in enumerate(snap.sizes):
        for j in range(n):
            assert view.unit_at(QPointF(view.unit_position(column, j))) == (column, j)
    n_edges = 0
    for layer, w in enumerate(snap.weights):
        n_in, n_out = w.shape
        for i in range(n_in):
            for j in range(n_out):
                assert view.edge_at(QPointF(view.edge_position(layer, i, j))) == (layer, i, j)
                n_edges += 1
    assert n_edges == sum(a * b for a, b in zip(snap.sizes, snap.sizes[1:], strict=False))
    assert view.edge_at(QPointF(2, 2)) is None and view.unit_at(QPointF(2, 2)) is None


def test_columns_align_with_units_and_follow_resizes(qtbot, view: NetworkView) -> None:
    snap = make_snapshot("tf_default", 5)
    with qtbot.waitSignal(view.geometryChanged):
        view.set_snapshot(snap)
    centres = view.column_centers()
    for column in range(len(snap.sizes)):
        assert abs(view.unit_position(column, 0).x() - centres[column]) <= 1
    with qtbot.waitSignal(view.geometryChanged):
        view.resize(1000, 520)
    assert view.column_centers()[-1] > centres[-1]
    with qtbot.waitSignal(view.geometryChanged):
        view.set_snapshot(make_snapshot("vanishing_gradients", 1))
    assert len(view.column_centers()) == 10


def test_same_architecture_does_not_move_geometry(qtbot, view: NetworkView) -> None:
    trainer = make_trainer("xor_221", 1)
    view.set_snapshot(snapshot_of(trainer))
    trainer.train(10)
    with qtbot.assertNotEmitted(view.geometryChanged):
        view.set_snapshot(snapshot_of(trainer))


def test_legend_shows_palette_scale(view: NetworkView) -> None:
    snap = make_snapshot("tf_default", 50)
    view.set_snapshot(snap)
    peak = max(float(np.abs(w).max()) for w in (*snap.weights, *snap.biases))
    assert view._colorbar.end_labels() == (f"−{peak:.2g}", f"+{peak:.2g}")
    texts = [label.text() for label in view.findChildren(QLabel)]
    assert any("orange negative" in t and "blue positive" in t for t in texts)


def test_clearing_the_snapshot(view: NetworkView) -> None:
    view.set_snapshot(make_snapshot("xor_221", 1))
    view.set_snapshot(None)
    assert view.column_centers() == []
    assert view.edge_at(QPointF(400, 200)) is None


# --------------------------------------------------------------------------- hover


def test_hover_edge_shows_live_tooltip(qtbot, view: NetworkView) -> None:
    trainer = make_trainer("tf_default", 2)
    view.set_snapshot(snapshot_of(trainer))
    qtbot.mouseMove(view, view.edge_position(0, 1, 0))
    assert view.hovered() == ("edge", 0, 1, 0)
    text = view.tooltip_text()
    w_old = float(trainer.params.as_list()[0][0][1, 0])
    assert text.startswith("Weight w¹₂₁ (x₂ → layer 1 unit 1)")
    assert f"w = {format_value(w_old)}" in text
    assert "∂L/∂w = " in text and "(last step)" in text

    trainer.train(40)  # the mouse stays still while training moves the weight
    snap = snapshot_of(trainer)
    w_new = float(snap.weights[0][1, 0])
    assert format_value(w_new) != format_value(w_old)
    view.set_snapshot(snap)
    assert view.hovered() == ("edge", 0, 1, 0)
    assert f"w = {format_value(w_new)}" in view.tooltip_text()
    if QToolTip.isVisible():  # the shown tooltip itself is refreshed, not only the text source
        assert QToolTip.text() == view.tooltip_text()


def test_hover_unit_emits_and_describes_it(qtbot, view: NetworkView) -> None:
    snap = make_snapshot("tf_default", 20)
    view.set_snapshot(snap)
    with qtbot.waitSignal(view.unitHovered) as blocker:
        qtbot.mouseMove(view, view.unit_position(2, 1))
    assert blocker.args == [2, 1]
    assert view.hovered() == ("unit", 2, 1)
    text = view.tooltip_text()
    assert text.startswith("Layer 2, unit 2 (tanh)")
    assert f"bias b²₂ = {format_value(float(snap.biases[1][1]))}" in text
    assert "∂L/∂b = " in text and "activation over the plane: " in text

    qtbot.mouseMove(view, view.unit_position(3, 0))
    assert view.tooltip_text().startswith("Output layer (layer 3), unit 1 (tanh)")
    qtbot.mouseMove(view, view.unit_position(0, 1))
    assert view.tooltip_text().startswith("Input feature x₂")

    with qtbot.waitSignal(view.unitHovered) as blocker:
        qtbot.mouseMove(view, QPoint(3, 3))
    assert blocker.args == [-1, -1]
    assert view.hovered() is None


def test_hover_through_the_canvas_viewport(qtbot, view: NetworkView) -> None:
    """Real mouse events land on the graphics view's viewport, not on the NetworkView."""
    view.set_snapshot(make_snapshot("xor_221", 5))
    canvas = view.findChild(QWidget, "networkCanvas")
    viewport = canvas.viewport()
    pos = viewport.mapFrom(view, view.edge_position(1, 1, 0))
    qtbot.mouseMove(viewport, pos)
    assert view.hovered() == ("edge", 1, 1, 0)


def test_one_d_and_no_bias_tooltips(qtbot, view: NetworkView) -> None:
    view.set_snapshot(make_snapshot("sine_regression", 5))
    qtbot.mouseMove(view, view.unit_position(1, 0))
    assert "activation along x₁" in view.tooltip_text()

    view.set_snapshot(snapshot_of(modified_trainer("tf_default", use_bias=False)))
    qtbot.mouseMove(view, view.unit_position(1, 0))
    assert "no bias" in view.tooltip_text()


# --------------------------------------------------------------------------- editing


def test_click_edge_edits_weight(qtbot, view: NetworkView) -> None:
    snap = make_snapshot("tf_default", 5)
    view.set_snapshot(snap)
    editor = editor_of(view)
    assert not editor.isVisible()
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.edge_position(1, 2, 0))
    assert editor.isVisible()
    assert float(editor.text()) == float(snap.weights[1][2, 0])  # full precision
    editor.clear()
    qtbot.keyClicks(editor, "0.25")
    with qtbot.waitSignal(view.weightEditRequested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [1, 2, 0, 0.25]
    assert not editor.isVisible()


@pytest.mark.parametrize("typed", ["abc", "nan", "inf", "1e400", ""])
def test_invalid_entries_never_emit(qtbot, view: NetworkView, typed: str) -> None:
    view.set_snapshot(make_snapshot("tf_default", 5))
    view.begin_edit_weight(0, 0, 3)
    editor = editor_of(view)
    editor.clear()
    qtbot.keyClicks(editor, typed)
    assert editor.text() == typed
    with qtbot.assertNotEmitted(view.weightEditRequested):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.isVisible()
    assert "d62728" in editor.styleSheet()  # red border
    qtbot.keyClicks(editor, "1")  # typing again clears the error
    assert "d62728" not in editor.styleSheet()


def test_escape_cancels(qtbot, view: NetworkView) -> None:
    view.set_snapshot(make_snapshot("tf_default", 5))
    view.begin_edit_weight(2, 1, 0)
    editor = editor_of(view)
    editor.clear()
    qtbot.keyClicks(editor, "0.5")
    with qtbot.assertNotEmitted(view.weightEditRequested):
        qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.isVisible()


def test_focus_out_cancels(qtbot, view: NetworkView) -> None:
    view.set_snapshot(make_snapshot("tf_default", 5))
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.begin_edit_weight(0, 1, 1)
    editor = editor_of(view)
    qtbot.waitUntil(editor.hasFocus)
    with qtbot.assertNotEmitted(view.weightEditRequested):
        view.findChild(QWidget, "networkCanvas").setFocus()
        qtbot.waitUntil(lambda: not editor.isVisible())


def test_click_units_edits_bias(qtbot, view: NetworkView) -> None:
    snap = make_snapshot("tf_default", 5)
    view.set_snapshot(snap)
    editor = editor_of(view)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.unit_position(0, 1))
    assert not editor.isVisible()  # inputs are data, not parameters

    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.unit_position(2, 1))
    assert editor.isVisible()
    assert float(editor.text()) == float(snap.biases[1][1])
    editor.clear()
    editor.insert("−0.5")  # a real minus sign, as tooltips print it (QTest can't type it)
    with qtbot.waitSignal(view.biasEditRequested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Enter)
    assert blocker.args == [1, 1, -0.5]

    view.begin_edit_bias(2, 0)  # the output unit's bias is editable too
    editor.clear()
    qtbot.keyClicks(editor, "1e-3")
    with qtbot.waitSignal(view.biasEditRequested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [2, 0, 0.001]


def test_no_bias_network_has_no_bias_editor(qtbot, view: NetworkView) -> None:
    view.set_snapshot(snapshot_of(modified_trainer("xor_221", use_bias=False)))
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.unit_position(1, 0))
    assert not editor_of(view).isVisible()
    with pytest.raises(ValueError):
        view.begin_edit_bias(0, 0)


def test_validator_and_parser() -> None:
    view = NetworkView()
    try:
        validator = editor_of(view).validator()
        acceptable = QValidator.State.Acceptable
        for good in ("-0.5", "1e-3", " 2 ", "−0.25", "3."):
            assert validator.validate(good, 0)[0] == acceptable, good
            assert parse_finite(good) is not None
        for bad in ("abc", "nan", "-inf", "1e999", "", "1_0", "0x10"):
            assert validator.validate(bad, 0)[0] != acceptable, bad
            assert parse_finite(bad) is None
    finally:
        view.deleteLater()


def test_format_value() -> None:
    assert format_value(0.42134) == "0.4213"
    assert format_value(-0.0031) == "−0.0031"
    assert format_value(0.0) == "0"
    assert format_value(-2.5e-6) == "−2.500e-06"
    assert format_value(None) == "—"


# --------------------------------------------------------------------------- scale


def test_big_network_renders_and_hit_tests(view: NetworkView) -> None:
    trainer = modified_trainer("deep_tanh_spiral", hidden=tuple(LayerSpec(32, "tanh")
                                                                for _ in range(8)), epochs=1)
    snap = snapshot_of(trainer)
    assert snap.sizes == (6, *[32] * 8, 1)
    view.set_snapshot(snap)
    assert distinct_colours(view) >= 30
    assert len(view._edges._xy) == 6 * 32 + 7 * 32 * 32 + 32
    rng = np.random.default_rng(0)
    for _ in range(40):
        layer = int(rng.integers(snap.depth))
        n_in, n_out = snap.weights[layer].shape
        i, j = int(rng.integers(n_in)), int(rng.integers(n_out))
        assert view.edge_at(QPointF(view.edge_position(layer, i, j))) == (layer, i, j)
    for column in (0, 4, 9):
        assert view.unit_at(QPointF(view.unit_position(column, 0))) == (column, 0)


def test_diverged_values_draw_without_warnings(qtbot, view: NetworkView) -> None:
    """NaN/inf weights and maps (a diverged run) must not raise (warnings are errors here)."""
    snap = make_snapshot("softmax_spiral3", 1)
    weights = tuple(np.where(np.arange(w.size).reshape(w.shape) % 3 == 0, np.nan, w * np.inf)
                    for w in snap.weights)
    units = tuple(np.full_like(u, np.nan) for u in snap.maps.units)
    bad = replace(snap, weights=weights, maps=replace(snap.maps, units=units))
    view.set_snapshot(bad)
    view.repaint()
    qtbot.mouseMove(view, view.unit_position(1, 0))
    assert "not finite" in view.tooltip_text()
    qtbot.mouseMove(view, view.edge_position(1, 0, 0))
    assert "w = nan" in view.tooltip_text()


def test_architecture_change_cancels_editing(qtbot, view: NetworkView) -> None:
    view.set_snapshot(make_snapshot("tf_default", 1))
    view.begin_edit_weight(0, 0, 0)
    assert editor_of(view).isVisible()
    view.set_snapshot(make_snapshot("softmax_spiral3", 1))
    assert not editor_of(view).isVisible()
    assert len(view.column_centers()) == 4


def test_hundreds_of_repaints(qtbot, view: NetworkView) -> None:
    trainer = make_trainer("softmax_spiral3", 1)
    snaps = []
    for _ in range(3):
        trainer.train(2)
        snaps.append(snapshot_of(trainer))
    view.set_snapshot(snaps[0])
    qtbot.mouseMove(view, view.edge_position(1, 3, 4))
    for k in range(300):
        view.set_snapshot(snaps[k % 3])
        view.repaint()
    assert view.hovered() == ("edge", 1, 3, 4)
    assert distinct_colours(view) >= 12
