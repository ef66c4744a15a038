"""The diagram repaints only what changed while a run plays (issue 10: the window keeps pace
with training): a frame whose edges fall in the same colour steps keeps its paths, and a bias
square that changes repaints its own square, not the whole diagram. What is shown stays
exactly what a fresh view would draw."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtWidgets import QApplication

from gui.network import NetworkView
from tests.factories import make_trainer
from tests.test_network_view import snapshot_of


class _PaintSpy(QObject):
    """Records the areas the canvas's viewport repaints."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.region().boundingRect())  # type: ignore[attr-defined]
        return False


def _repainted(view: NetworkView, snap) -> list[QRect]:
    """The viewport areas repainted after showing ``snap``: the scene's update and the
    window's repaint are posted events, so processing the posted events delivers them (no
    waiting for time)."""
    viewport = view._canvas.viewport()
    spy = _PaintSpy()
    viewport.installEventFilter(spy)
    try:
        view.set_snapshot(snap)
        for _ in range(4):
            QApplication.processEvents()
    finally:
        viewport.removeEventFilter(spy)
    return spy.rects


def test_unchanged_colours_repaint_nothing_and_a_changed_bias_only_its_square(qtbot, view):
    trainer = make_trainer("tf_default", 0)
    trainer.train(5)
    snap = snapshot_of(trainer)
    view.set_snapshot(snap)
    qtbot.waitUntil(lambda: view._scene.layout is not None)
    _repainted(view, snap)  # let the first picture settle
    # the same values again (a paused run's frames): nothing to repaint
    assert _repainted(view, replace(snap, epoch=snap.epoch + 1)) == []
    # one bias flips sign (the colour scale stays): its square, not the whole diagram
    biases = [None if b is None else np.array(b) for b in snap.biases]
    k = int(np.argmax(np.abs(biases[0])))  # the largest first-layer bias: a colour of its own
    biases[0][k] = -biases[0][k]
    changed = _repainted(view, replace(snap, biases=tuple(biases)))
    square = view._canvas.mapFromScene(view._scene.decor.mapToScene(
        view._scene.decor._bias_rects[k].center()))
    assert changed and any(r.contains(square) for r in changed)
    whole = view._canvas.viewport().rect()
    assert all(r.width() * r.height() < 0.25 * whole.width() * whole.height() for r in changed)


def test_a_view_fed_frame_by_frame_draws_what_a_rebuilt_view_draws(qtbot, view):
    """Skipped and partial repaints leave no stale edge or square behind: the picture after
    a dozen frames is the picture of the same snapshot drawn from scratch."""
    trainer = make_trainer("tf_default", 0)
    view.set_snapshot(snapshot_of(trainer))
    qtbot.waitUntil(lambda: view._scene.layout is not None)
    for _ in range(12):
        trainer.train(3)
        view.set_snapshot(snapshot_of(trainer))
        QApplication.processEvents()
    final = snapshot_of(trainer)
    view.set_snapshot(final)
    incremental = view.grab().toImage()
    pens = (view._scene.edges.thin_pens(), view._scene.edges.wide_pens())
    view.set_snapshot(None)  # forget everything drawn
    view.set_snapshot(final)
    assert (view._scene.edges.thin_pens(), view._scene.edges.wide_pens()) == pens
    assert view.grab().toImage() == incremental


def test_the_diagram_fits_inside_its_focus_ring(qtbot, view):
    """The canvas's 2-px focus border is not drawn over the diagram: the scene is the area
    inside it, so the output column and its caption are whole (they lost 4 px at 1024 px)."""
    view.set_snapshot(snapshot_of(make_trainer("softmax_spiral3", 0)))
    qtbot.waitUntil(lambda: view._scene.layout is not None)
    canvas = view._canvas
    inside = canvas.viewport().size()
    assert canvas.frameWidth() > 0  # the ring's room is there
    assert (view._vb.width(), view._vb.height()) == (inside.width(), inside.height())
    caption, _text = view._scene.decor._captions[-1]
    assert canvas.mapFromScene(caption.topRight()).x() <= inside.width()
