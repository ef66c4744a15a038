"""Backward and update phases colour each layer's ∂L/∂w (Δw) on its own scale, and the legend
names every layer's scale (issue 12): stepped in the window, and a deep network's legend line at
a projector's width (pytest-qt)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF
from PySide6.QtWidgets import QComboBox, QLabel

from engine.explain import fmt, sup
from engine.presets import get_preset
from engine.trace_display import TraceDisplay, phase_display
from engine.trainer import Trainer
from gui.colors import GRADIENT_NEGATIVE, GRADIENT_POSITIVE, ZERO
from gui.main_window import MainWindow
from gui.network import NetworkView
from session.present.layer_scales import NBSP, compact_number
from session.snapshot import DataView, Snapshot, build_snapshot
from tests.gui_helpers import TIMEOUT, fresh_snapshot


def _strongest(values: np.ndarray) -> tuple[int, int]:
    i, j = np.unravel_index(int(np.argmax(np.abs(values))), values.shape)
    return int(i), int(j)


def _distance(a: QColor, rgb: tuple[int, int, int]) -> int:
    return max(abs(a.red() - rgb[0]), abs(a.green() - rgb[1]), abs(a.blue() - rgb[2]))


def _step_to(qtbot, w: MainWindow, phase: str) -> TraceDisplay:
    """Press Step (phase by phase) until the diagram shows ``phase``; its display."""
    view = w.network_view
    for _ in range(40):
        w.step_button.click()
        sent = w.client.sent
        qtbot.waitUntil(lambda sent=sent: w.rendered.handled >= sent
                        and w.rendered.trace is not None
                        and view.trace() is w.rendered.trace.display, timeout=TIMEOUT)
        shown = view.trace()
        if shown is not None and shown.phase == phase:
            return shown
    raise AssertionError(f"never reached {phase}")


def test_backward_through_layer_1_colours_its_own_small_gradients(qtbot, make_window) -> None:
    w = make_window("xor_221")
    w.resize(1024, 700)
    view = w.network_view
    # W² 1000× smaller: δ¹ = (δ² W²ᵀ) ⊙ σ′(z¹), so ∂L/∂W¹ shrinks with it and ∂L/∂W² does not
    w2 = np.array(w.rendered.weights[1])
    for i in range(w2.shape[0]):
        view.weightEditRequested.emit(1, i, 0, float(w2[i, 0]) / 1000)
    fresh_snapshot(qtbot, w)
    picker = w.findChild(QComboBox, "granularityPicker")
    picker.setCurrentIndex(picker.findData("phase"))
    shown = _step_to(qtbot, w, "backward 1")
    g1, g2 = (np.asarray(e) for e in shown.edge_values)
    p1, p2 = float(np.abs(g1).max()), float(np.abs(g2).max())
    assert 100 * p1 < p2  # the issue's case: layer 1's gradients are far smaller

    i, j = _strongest(g1)
    strongest = view.edge_color(0, i, j)
    assert strongest == QColor(*(GRADIENT_POSITIVE if g1[i, j] > 0 else GRADIENT_NEGATIVE))
    assert strongest.alpha() == 255
    for i, j in zip(*np.nonzero(np.abs(g1) >= p1 / 2), strict=True):
        assert _distance(view.edge_color(0, int(i), int(j)), ZERO) > 60  # visibly coloured
    i2, j2 = _strongest(g2)  # layer 2 saturates at its own peak too
    assert view.edge_color(1, i2, j2) == QColor(
        *(GRADIENT_POSITIVE if g2[i2, j2] > 0 else GRADIENT_NEGATIVE))

    scales = view.findChild(QLabel, "gradientScales")
    qtbot.waitUntil(lambda: scales.isVisible() and scales.text() != "", timeout=TIMEOUT)
    text = scales.text().replace(NBSP, " ")
    assert text == (f"∂L/∂w colours scaled per layer: layer 1 ±{compact_number(p1)} · "
                    f"layer 2 ±{compact_number(p2)}")
    assert f"layer 1 (W¹): ±{fmt(p1, 4)}" in scales.toolTip()

    # the tooltip still gives the true value, not the scaled colour
    qtbot.mouseMove(view, view.edge_position(0, i, j))
    qtbot.waitUntil(lambda: view.hovered() == ("edge", 0, i, j), timeout=TIMEOUT)
    assert f"∂L/∂w = {fmt(float(g1[i, j]))} (this step)" in view.tooltip_text()

    shown = _step_to(qtbot, w, "update")
    changes = [np.asarray(e) for e in shown.edge_values]
    assert float(np.abs(changes[0]).max()) * 100 < float(np.abs(changes[1]).max())
    i, j = _strongest(changes[0])
    assert view.edge_color(0, i, j) == QColor(
        *(GRADIENT_POSITIVE if changes[0][i, j] > 0 else GRADIENT_NEGATIVE))
    qtbot.waitUntil(lambda: scales.text().startswith("Δw colours scaled per layer"),
                    timeout=TIMEOUT)


def _deep_display(preset: str) -> tuple[Snapshot, TraceDisplay]:
    trainer = Trainer(get_preset(preset))
    snap = build_snapshot(trainer, 0, DataView.from_trainer(trainer), running=False)
    stepper = trainer.begin_step(None)
    while stepper.position < len(stepper.phases):
        stepper.advance()
        shown = phase_display(stepper.trace, stepper.position, stepper.phases,
                              trainer.spec.depth)
        if shown.phase == "backward 1":
            return snap, shown
    raise AssertionError("no backward 1")


@pytest.mark.parametrize(("width", "cut"), [(423, False), (300, True)])
def test_eight_hidden_layers_fit_the_legend(qtbot, width: int, cut: bool) -> None:
    """Nine weight layers: at the diagram's width in a 1024×700 window every layer's scale
    fits in the line's two rows; narrower, middle layers give way to "…", never the last."""
    snap, shown = _deep_display("vanishing_gradients")
    assert len(shown.edge_values) == 9 and all(e is not None for e in shown.edge_values)
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(width, 555)
    view.show()
    qtbot.waitExposed(view)
    view.set_snapshot(snap)
    view.set_trace(shown)
    scales = view.findChild(QLabel, "gradientScales")
    qtbot.waitUntil(lambda: scales.isVisible() and scales.width() <= width
                    and scales.text().startswith("∂L/∂w"), timeout=TIMEOUT)
    text = scales.text()
    fm = QFontMetricsF(scales.font())
    room = scales.contentsRect().width()
    used = fm.boundingRect(QRectF(0, 0, room, 1e6), Qt.TextFlag.TextWordWrap, text)
    assert used.height() <= 2 * fm.lineSpacing() + 0.5 and used.width() <= room
    assert ("…" in text) is cut
    named = [l + 1 for l in range(9) if f"W{sup(l + 1)}{NBSP}" in text]
    assert named[-1] == 9 and (named == list(range(1, 10))) is not cut
    assert all(f"layer {l} (W{sup(l)}): ±" in scales.toolTip() for l in range(1, 10))
    # the tags over the edges are short enough not to overlap, and match the legend's names
    assert view._scene.phase.trace_item.tags() == [f"W{sup(l)}" for l in range(1, 10)]
