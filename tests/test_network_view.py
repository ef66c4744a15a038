"""The network diagram renders real snapshots, hit-tests edges and units, keeps hover values
live, and turns clicks into weight/bias edit requests — driven with real (synthetic) mouse and
key events through pytest-qt. Phase stepping overlays a real step's ``TraceDisplay``: the
active column, dimmed columns, unit values, gradient-coloured edges, and click-to-select."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QToolTip, QWidget

from engine.explain import fmt
from engine.network import LayerSpec
from engine.presets import get_preset
from engine.trace_display import TraceDisplay, phase_display
from engine.trainer import Trainer
from gui.colors import GRADIENT_NEGATIVE, GRADIENT_POSITIVE, NEGATIVE, POSITIVE
from gui.network import NetworkView
from gui.network.style import MUTED_EDGE
from gui.theme import current
from session.present.formats import format_value, parse_finite
from session.snapshot import DataView, Snapshot, build_snapshot
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


def editor_of(view: NetworkView) -> QLineEdit:
    editor = view.findChild(QLineEdit, "valueEditor")
    assert editor is not None
    return editor


# --------------------------------------------------------------------------- rendering


def test_identity_and_sizes(view: NetworkView) -> None:
    assert view.objectName() == "networkView"
    assert view.accessibleName() == "Network diagram"
    # narrow enough that the window fits a 1024-pixel projector, wide enough to read
    assert view.minimumWidth() >= 300 and view.minimumHeight() >= 250
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
    view.set_snapshot(snap)  # TF Playground rules: the fixed −1…1 scale
    assert view._legend.colorbar.end_labels() == ("−1", "+1")
    snap = replace(snap, scenario=replace(snap.scenario, train=replace(
        snap.scenario.train, tf_rules=False)))
    view.set_snapshot(snap)
    peak = max(float(np.abs(w).max()) for w in (*snap.weights, *snap.biases))
    assert view._legend.colorbar.end_labels() == (f"−{peak:.2g}", f"+{peak:.2g}")
    texts = [label.text() for label in view.findChildren(QLabel)]
    assert any("orange, dashed negative" in t and "blue positive" in t for t in texts)


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
    assert text.startswith("Weight w¹₂,₁ (x₂ → layer 1 unit 1)")
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


def test_hovering_an_output_unit_names_its_class(qtbot, view: NetworkView) -> None:
    snap = make_snapshot("iris", 2)
    view.set_snapshot(snap)
    depth = len(snap.sizes) - 1
    qtbot.mouseMove(view, view.unit_position(depth, 2))
    qtbot.waitUntil(lambda: view.hovered() == ("unit", depth, 2))
    assert view.tooltip_text().startswith(f"Output layer (layer {depth}), unit 3 (virginica)")
    snap = make_snapshot("softmax_spiral3", 2)
    view.set_snapshot(snap)
    depth = len(snap.sizes) - 1
    qtbot.mouseMove(view, view.unit_position(depth, 0) + QPoint(1, 0))
    qtbot.waitUntil(lambda: view.hovered() == ("unit", depth, 0))
    assert "unit 1 (class 0) (softmax)" in view.tooltip_text()


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
    assert current().hex("error") in editor.styleSheet()  # the theme's error border
    qtbot.keyClicks(editor, "1")  # typing again clears the error
    assert current().hex("error") not in editor.styleSheet()


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
    assert len(view._scene.edges._xy) == 6 * 32 + 7 * 32 * 32 + 32
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


# --------------------------------------------------------------------------- phase stepping


def stepped(preset: str, samples: np.ndarray | None = None
            ) -> tuple[Snapshot, dict[str, TraceDisplay]]:
    """A snapshot of a fresh preset and the display of every phase of its next step."""
    trainer = Trainer(get_preset(preset))
    snap = snapshot_of(trainer)
    stepper = trainer.begin_step(samples)
    start = phase_display(stepper.trace, 0, stepper.phases, trainer.spec.depth)
    displays = {start.phase: start}
    while stepper.position < len(stepper.phases):
        stepper.advance()
        d = phase_display(stepper.trace, stepper.position, stepper.phases, trainer.spec.depth)
        displays[d.phase] = d
    return snap, displays


def settle(qtbot) -> None:
    """Let posted layout requests (legend rows appearing) resize the canvas."""
    qtbot.wait(20)


@pytest.mark.parametrize("preset", ["xor_221", "softmax_spiral3"])
def test_every_phase_renders_and_changes_the_picture(qtbot, view: NetworkView,
                                                     preset: str) -> None:
    snap, displays = stepped(preset)
    view.set_snapshot(snap)
    settle(qtbot)
    normal = view.grab().toImage()
    assert not view.in_trace_mode()
    pictures = []
    for phase, d in displays.items():
        view.set_trace(d)
        settle(qtbot)
        assert view.in_trace_mode() and view.trace() is d, phase
        image = view.grab().toImage()
        assert image.size() == normal.size()
        assert distinct_colours(view) >= 12, phase
        assert image != normal, phase
        pictures.append(image)
    assert all(a != b for a, b in itertools.pairwise(pictures))  # each phase looks different
    caption = view.findChild(QLabel, "traceCaption")
    assert caption.isVisible() and caption.text() == displays["update"].caption

    view.set_trace(None)
    assert not view.in_trace_mode() and view.edge_mode() == "w"
    assert view.dimmed_columns() == set()
    assert not caption.isVisible()
    qtbot.waitUntil(lambda: view.grab().toImage() == normal)


def test_set_trace_is_cheap_to_repeat_and_keeps_geometry(qtbot, view: NetworkView) -> None:
    snap, displays = stepped("tf_default")
    view.set_snapshot(snap)
    first, *rest = displays.values()
    view.set_trace(first)  # entering the mode may resize the canvas (the caption row)
    settle(qtbot)
    centres = view.column_centers()
    with qtbot.assertNotEmitted(view.geometryChanged):
        for d in rest:
            view.set_trace(d)
            view.set_trace(d)  # the window re-sends the same display with every snapshot
            view.set_snapshot(snap)
            settle(qtbot)
    assert view.column_centers() == centres


def test_columns_not_computed_yet_are_dimmed(view: NetworkView) -> None:
    snap, d = stepped("xor_221")
    view.set_snapshot(snap)
    assert view.dimmed_columns() == set()
    expected = {"start": {1, 2}, "forward 1": {2}, "forward 2": set(), "loss": set(),
                "backward 2": {0, 1}, "backward 1": {0}, "update": set()}
    assert list(d) == list(expected)
    for phase, dimmed in expected.items():
        view.set_trace(d[phase])
        assert view.dimmed_columns() == dimmed, phase
        assert len(view._scene.phase.veil.rects()) == len(dimmed)
        assert len(view._scene.phase.band.rects()) == (0 if phase == "update" else 1)

    snap3, d3 = stepped("softmax_spiral3")
    view.set_snapshot(snap3)
    view.set_trace(d3["forward 1"])
    assert view.dimmed_columns() == {2, 3}


def test_small_networks_print_the_trace_values(view: NetworkView) -> None:
    snap, d = stepped("xor_221")
    view.set_snapshot(snap)
    assert view.unit_text(1, 0).startswith("b=")  # the normal view prints biases

    view.set_trace(d["forward 2"])
    values = d["forward 2"].unit_values
    for column in (1, 2):
        for j, v in enumerate(values[column]):
            assert view.unit_text(column, j) == f"a={fmt(v)}"
    assert view.unit_text(0, 1) == f"x₂={fmt(values[0][1])}"

    view.set_trace(d["forward 1"])
    assert view.unit_text(2, 0) == ""  # not computed yet: no number
    assert view._scene.phase.trace_item.headline() == ""  # no loss yet

    loss = d["loss"]
    view.set_trace(loss)
    assert loss.target is None  # a batch: no single target to show
    assert view.unit_text(2, 0) == f"ŷ={fmt(loss.prediction[0])}"
    assert view._scene.phase.trace_item.headline() == f"L = {fmt(loss.loss)}"
    assert view.findChild(QLabel, "traceCaption").text() == loss.caption

    back = d["backward 1"]
    view.set_trace(back)
    for column in (1, 2):
        for j, v in enumerate(back.unit_values[column]):
            assert view.unit_text(column, j) == f"δ={fmt(v)}"
    assert view.unit_text(0, 0) == ""

    view.set_trace(None)
    assert view.unit_text(1, 0).startswith("b=")


def test_large_networks_print_no_numbers(view: NetworkView) -> None:
    snap, d = stepped("softmax_spiral3")  # 37 units
    view.set_snapshot(snap)
    view.set_trace(d["forward 3"])
    assert view.unit_text(1, 0) == "" and view.unit_text(3, 0) == ""


def _strongest(values: np.ndarray) -> tuple[int, int]:
    i, j = np.unravel_index(int(np.argmax(np.abs(values))), values.shape)
    return int(i), int(j)


def test_edges_switch_to_the_gradient_palette(view: NetworkView) -> None:
    snap, d = stepped("xor_221")
    view.set_snapshot(snap)
    grad_bar = view.findChild(QWidget, "gradientColorBar")
    i, j = _strongest(np.asarray(snap.weights[0]))
    saturated = QColor(*(POSITIVE if snap.weights[0][i, j] > 0 else NEGATIVE))
    assert view.edge_color(0, i, j) == saturated

    view.set_trace(d["forward 1"])
    assert view.edge_mode() == "w" and not grad_bar.isVisible()
    assert view.edge_color(0, i, j) == saturated  # weights, as usual
    assert view.edge_color(1, 0, 0).alpha() < 100  # into the output, not computed yet: faded

    back = d["backward 2"]
    view.set_trace(back)
    assert view.edge_mode() == "∂L/∂w" and grad_bar.isVisible()
    assert back.edge_values[0] is None
    assert view.edge_color(0, 0, 0) == QColor(*MUTED_EDGE.getRgb()[:3])
    dw = np.asarray(back.edge_values[1])
    i, j = _strongest(dw)
    assert view.edge_color(1, i, j) == QColor(
        *(GRADIENT_POSITIVE if dw[i, j] > 0 else GRADIENT_NEGATIVE))
    assert grad_bar.end_labels() == ("−max", "+max")  # each layer's own; the numbers below
    scales = view.findChild(QLabel, "gradientScales")
    assert scales.isVisible() and scales.text().endswith(
        f"layer\u00a02\u00a0±{float(np.abs(dw).max()):.2g}")
    assert grad_bar.title() == "∂L/∂w"
    assert view._scene.phase.trace_item.tags() == ["∂L/∂W²"]  # only the layer computed so far
    legend = " ".join(label.text() for label in view.findChildren(QLabel))
    assert "Edges ∂L/∂w: purple, dashed − · green +" in legend

    update = d["update"]
    view.set_trace(update)
    assert view.edge_mode() == "Δw" and grad_bar.title() == "Δw"
    assert view._scene.phase.trace_item.tags() == ["ΔW¹", "ΔW²"]
    layer = max(range(2), key=lambda l: float(np.abs(update.edge_values[l]).max()))
    dw = np.asarray(update.edge_values[layer])
    i, j = _strongest(dw)
    assert view.edge_color(layer, i, j) == QColor(
        *(GRADIENT_POSITIVE if dw[i, j] > 0 else GRADIENT_NEGATIVE))

    view.set_trace(None)
    assert view.edge_mode() == "w" and not grad_bar.isVisible()


def test_trace_tooltips(qtbot, view: NetworkView) -> None:
    snap, d = stepped("xor_221")
    view.set_snapshot(snap)
    fwd = d["forward 2"]
    view.set_trace(fwd)
    qtbot.mouseMove(view, view.unit_position(1, 1))
    text = view.tooltip_text()
    assert text.startswith("Layer 1, unit 2 (sigmoid)")
    assert (f"a = {fmt(fwd.unit_values[1][1])}, z = {fmt(fwd.pre_activation[1][1])}"
            " (batch mean of 4 samples)") in text
    assert "double-click to edit the bias" in text

    back = d["backward 1"]
    view.set_trace(back)  # the tooltip follows while the mouse stays
    assert f"δ = {fmt(back.unit_values[1][1])}" in view.tooltip_text()
    qtbot.mouseMove(view, view.edge_position(0, 1, 0))
    text = view.tooltip_text()
    assert f"∂L/∂w = {fmt(back.edge_values[0][1, 0])} (this step)" in text
    assert "(last step)" not in text and "double-click to edit" in text

    view.set_trace(d["backward 2"])
    assert "∂L/∂w: not computed yet" in view.tooltip_text()

    view.set_trace(None)
    assert "(last step)" in view.tooltip_text() and "\nclick to edit" in view.tooltip_text()

    snap1, d1 = stepped("xor_221", np.array([2]))  # one sample: its own numbers
    view.set_snapshot(snap1)
    view.set_trace(d1["loss"])
    qtbot.mouseMove(view, view.unit_position(2, 0))
    text = view.tooltip_text()
    assert "batch mean" not in text
    loss = d1["loss"]
    assert (f"prediction ŷ = {fmt(loss.prediction[0])}, target y = {fmt(loss.target[0])}"
            in text)


def test_click_selects_and_edits_outside_trace_mode(qtbot, view: NetworkView) -> None:
    snap, _ = stepped("xor_221")
    view.set_snapshot(snap)
    viewport = view.findChild(QWidget, "networkCanvas").viewport()
    pos = viewport.mapFrom(view, view.edge_position(1, 1, 0))
    with qtbot.waitSignal(view.weightSelected) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [1, 1, 0]
    assert editor_of(view).isVisible()  # as before: a click edits
    qtbot.keyClick(editor_of(view), Qt.Key.Key_Escape)

    with qtbot.waitSignal(view.unitSelected) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton,
                         pos=viewport.mapFrom(view, view.unit_position(0, 1)))
    assert blocker.args == [0, 1]


def test_in_trace_mode_click_selects_and_double_click_edits(qtbot, view: NetworkView) -> None:
    snap, d = stepped("xor_221")
    view.set_snapshot(snap)
    view.set_trace(d["backward 1"])
    editor = editor_of(view)
    viewport = view.findChild(QWidget, "networkCanvas").viewport()
    pos = viewport.mapFrom(view, view.edge_position(0, 1, 1))
    with (qtbot.waitSignal(view.weightSelected) as blocker,
          qtbot.assertNotEmitted(view.weightEditRequested)):
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [0, 1, 1]
    assert not editor.isVisible()

    with qtbot.waitSignal(view.weightSelected):
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert editor.isVisible()
    assert float(editor.text()) == float(snap.weights[0][1, 1])
    editor.clear()
    qtbot.keyClicks(editor, "0.5")
    with qtbot.waitSignal(view.weightEditRequested) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [0, 1, 1, 0.5]

    unit = viewport.mapFrom(view, view.unit_position(1, 0))
    with qtbot.waitSignal(view.unitSelected) as blocker:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=unit)
    assert blocker.args == [1, 0] and not editor.isVisible()
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=unit)
    assert editor.isVisible() and float(editor.text()) == float(snap.biases[0][0])
    qtbot.keyClick(editor, Qt.Key.Key_Escape)

    view.set_trace(None)  # back to normal: a single click edits again
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    assert editor.isVisible()


def test_trace_of_another_network_is_not_drawn(qtbot, view: NetworkView) -> None:
    _, d = stepped("xor_221")
    view.set_trace(d["loss"])  # before any snapshot: kept, nothing to draw
    assert not view.in_trace_mode()
    view.set_snapshot(make_snapshot("tf_default", 1))
    assert not view.in_trace_mode() and view.dimmed_columns() == set()
    assert view.edge_mode() == "w"
    snap, _ = stepped("xor_221")
    view.set_snapshot(snap)
    assert view.in_trace_mode()
    assert view.unit_text(2, 0).startswith("ŷ=")


def test_non_finite_trace_values_draw_without_warnings(qtbot, view: NetworkView) -> None:
    snap, d = stepped("softmax_spiral3")
    back = d["backward 2"]
    bad = replace(
        back,
        unit_values=tuple(None if v is None else np.where(np.arange(v.size) % 2, np.nan, np.inf)
                          for v in back.unit_values),
        edge_values=tuple(None if e is None else np.full(e.shape, -np.inf)
                          for e in back.edge_values),
    )
    view.set_snapshot(snap)
    for display in (bad, replace(bad, unit_kind="a", edge_kind="Δw")):
        view.set_trace(display)
        view.repaint()
        qtbot.mouseMove(view, view.unit_position(3, 0))
        assert view.tooltip_text()
        qtbot.mouseMove(view, view.edge_position(2, 0, 0))
        assert view.tooltip_text()


def test_repaints_while_stepping(qtbot, view: NetworkView) -> None:
    snap, d = stepped("softmax_spiral3")
    view.set_snapshot(snap)
    displays = list(d.values())
    view.set_trace(displays[0])
    settle(qtbot)  # (entering the mode adds the caption row: the canvas shrinks once)
    qtbot.mouseMove(view, view.edge_position(1, 3, 4))
    for k in range(120):
        view.set_trace(displays[k % len(displays)])
        view.set_snapshot(snap)
        view.repaint()
    assert view.hovered() == ("edge", 1, 3, 4)
    assert distinct_colours(view) >= 12


def test_dead_links_are_drawn_dashed_grey_and_say_so(qtbot, view: NetworkView) -> None:
    """TF Playground rules with L1 kill links; the diagram draws them dashed grey (not the
    near-white of a zero weight) and the hover tooltip names them."""
    from engine.optimizers import OptimizerSpec
    from gui.network.style import DEAD_EDGE
    from gui.network.tooltips import DEAD_LINK_TEXT

    sc = get_preset("tf_default")
    opt = OptimizerSpec(learning_rate=0.03, regularization="l1", reg_rate=0.01)
    trainer = Trainer(replace(sc, train=replace(sc.train, optimizer=opt, tf_rules=True)))
    trainer.train(100)
    snap = snapshot_of(trainer)
    dead = [(layer, int(i), int(j)) for layer, d in enumerate(snap.dead_links)
            for i, j in zip(*np.nonzero(d), strict=True)]
    alive = [(layer, int(i), int(j)) for layer, d in enumerate(snap.dead_links)
             for i, j in zip(*np.nonzero(~d), strict=True)]
    assert dead and alive
    view.set_snapshot(snap)
    zero_colour = view._scene.edges.color(0)
    for edge in dead:
        assert view.edge_is_dead(*edge)
        assert view.edge_color(*edge) == DEAD_EDGE != zero_colour
    assert not any(view.edge_is_dead(*e) for e in alive)
    assert any(p.style() != Qt.PenStyle.SolidLine for p in view._scene.edges.thin_pens())
    qtbot.mouseMove(view, view.edge_position(*dead[0]))
    assert view.hovered() == ("edge", *dead[0])
    assert DEAD_LINK_TEXT in view.tooltip_text()
    qtbot.mouseMove(view, view.edge_position(*alive[0]))
    assert DEAD_LINK_TEXT not in view.tooltip_text()

    off = replace(snap, dead_links=())  # TF rules off: no link is dead, none is dashed
    view.set_snapshot(off)
    assert not view.edge_is_dead(*dead[0]) and view.edge_color(*dead[0]) != DEAD_EDGE
    assert all(p.style() == Qt.PenStyle.SolidLine for p in view._scene.edges.thin_pens())


def test_tf_rules_colour_edges_on_the_fixed_scale(view: NetworkView) -> None:
    """With TF Playground rules the edges colour on −1…1 (clamped) and the legend says ±1;
    without them on ± the largest |w| or |b|."""
    from session.present.levels import EDGE_LEVELS, parameter_scale, signed_steps

    snap = make_snapshot("tf_default", 300)
    assert snap.scenario.train.tf_rules
    params = [*snap.weights, *(b for b in snap.biases if b is not None)]
    assert parameter_scale(params) > 1.5  # else both rules would look alike
    off = replace(snap, scenario=replace(snap.scenario,
                                         train=replace(snap.scenario.train, tf_rules=False)))
    for shown, scale in ((snap, 1.0), (off, parameter_scale(params))):
        view.set_snapshot(shown)
        edges = view._scene.edges
        for layer, w in enumerate(snap.weights):
            steps = signed_steps(w, scale, EDGE_LEVELS)
            for i, j in itertools.product(range(w.shape[0]), range(w.shape[1])):
                assert view.edge_color(layer, i, j) == edges.color(int(steps[i, j]))
