"""The network diagram: features, units and every weight, live while the network trains.

Laid out like TensorFlow Playground, but every unit (the output too) shows its activation over
the input plane and its bias, hover values stay live while training runs, and a click on an
edge or unit edits it in place. How drawing stays fast: ``gui.network``.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QLineEdit, QToolTip, QVBoxLayout, QWidget

from engine.maps import CurveMaps
from engine.trace_display import EdgeQuantity, TraceDisplay
from gui.network.editor import EDIT_HINT, BiasTarget, ValueEditor, WeightTarget
from gui.network.keyboard import DiagramKeys, RingedCanvas
from gui.network.legend import DiagramLegend
from gui.network.scene import DiagramScene
from gui.network.style import BACKGROUND
from gui.network.theming import follow_theme
from gui.network.tooltips import hover_tooltip
from session.present.diagram import trace_fits
from session.present.formats import bias_symbol, weight_symbol
from session.present.layout import Affine, DiagramLayout
from session.snapshot import Snapshot

Hover = tuple
"""("edge", layer, i, j) or ("unit", column, j)."""


class NetworkView(QWidget):
    """The network diagram. Renders snapshots; user edits leave only as signals.

    Columns: 0 = input features, 1..L = layers (L = output). Weight layer ``l`` (0-based,
    ``snap.weights[l]`` of shape (n_in, n_out)) joins column ``l`` to column ``l + 1``.

    Phase stepping: ``set_trace`` overlays one phase (an ``engine.trace_display.TraceDisplay``):
    the active column banded, columns not computed yet veiled, each unit's a or δ, ∂L/∂w or Δw
    on the edges. A click then only selects; a double-click edits. Keys: ``keyboard``.
    """

    unitHovered = Signal(int, int)
    """(column, unit) under the mouse; (−1, −1) when the mouse leaves the units."""
    weightEditRequested = Signal(int, int, int, float)
    """(weight layer, i, j, value), all indices 0-based."""
    biasEditRequested = Signal(int, int, float)
    """(layer, unit j, value), 0-based."""
    weightSelected = Signal(int, int, int)
    """(weight layer, i, j), 0-based: a left click on an edge (in every mode)."""
    unitSelected = Signal(int, int)
    """(column, unit): a left click on a unit (in every mode)."""
    geometryChanged = Signal()
    """column_centers() changed (architecture or size)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkView")
        self.setAccessibleName("Network diagram")
        self.setMinimumSize(300, 260)
        self.setMouseTracking(True)
        self._build_canvas()
        self._legend = DiagramLegend(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._canvas, 1)
        layout.addWidget(self._legend)

        self._editor = ValueEditor(self)
        self._editor.accepted.connect(self._apply_edit)
        self._edit_target: WeightTarget | BiasTarget | None = None

        self._snap: Snapshot | None = None
        self._arch: tuple | None = None
        self._trace: TraceDisplay | None = None
        self._hover: Hover | None = None
        self._hover_global = QPoint()
        self._centers: list[float] = []
        self._vb.sigResized.connect(self._on_canvas_resized)
        self._theme_follower = follow_theme(self)

    def _build_canvas(self) -> None:
        """The graphics view, its pixel-for-pixel view box and the items drawn in it."""
        self._canvas = RingedCanvas(self, background=BACKGROUND)
        self._canvas.setObjectName("networkCanvas")
        self._canvas.setAccessibleName("Network diagram canvas")
        self._vb = pg.ViewBox(
            enableMouse=False, lockAspect=True, invertY=True, enableMenu=False, defaultPadding=0.0
        )
        self._vb.setMouseEnabled(False, False)
        self._vb.disableAutoRange()
        self._canvas.setCentralItem(self._vb)
        self._canvas.viewport().setMouseTracking(True)
        self._canvas.viewport().installEventFilter(self)
        self._scene = DiagramScene(self._vb)
        self.keys = DiagramKeys(self, self._canvas)

    # ------------------------------------------------------------------ public API

    def sizeHint(self) -> QSize:
        return QSize(820, 480)

    def set_snapshot(self, snap: Snapshot | None) -> None:
        """Show ``snap``; cheap unless the architecture changed (then geometry is rebuilt)."""
        self._snap = snap
        if snap is None:
            self._arch = None
            self._clear_scene()
            return
        arch = (
            tuple(snap.sizes), bool(snap.use_bias), tuple(snap.data.feature_labels),
            snap.data.output_unit_names(int(snap.sizes[-1])),
            isinstance(snap.maps, CurveMaps), tuple(snap.maps.units[0].shape[1:]),
            snap.data.image_shape)
        if arch != self._arch:
            self._arch = arch
            self._cancel_edit()
            self._relayout()
        else:
            self._update_values()

    def snapshot(self) -> Snapshot | None:
        return self._snap

    def set_trace(self, display: TraceDisplay | None) -> None:
        """Show one phase of a training step over the snapshot, or (None) the normal view.

        Cheap: nothing moves, only colours, texts and the legend change; setting the same
        display object again does nothing. A display that does not fit the network shown is
        kept but not drawn until a snapshot it fits arrives."""
        if display is self._trace:
            return
        self._trace = display
        if self._snap is not None and self._scene.layout is not None:
            self._update_values()
        else:
            self._legend.show_phase(None)

    def trace(self) -> TraceDisplay | None:
        """The display given to ``set_trace`` (None in the normal view)."""
        return self._trace

    def in_trace_mode(self) -> bool:
        """True while a phase display is drawn (then a click selects, a double-click edits)."""
        return self._shown_trace() is not None

    def dimmed_columns(self) -> set[int]:
        """Columns veiled because the current phase has not computed them yet."""
        return set(self._scene.dimmed) if self.in_trace_mode() else set()

    def unit_text(self, column: int, j: int) -> str:
        """The text drawn under a unit: its value while phase stepping ("a=0.7311",
        "δ=−0.0123", "ŷ=0.52 · y=1"), else its bias ("b=0.12"); "" when none is drawn."""
        return self._scene.unit_texts.get((column, j), "")

    def edge_mode(self) -> EdgeQuantity:
        """What the edges' colours show: weights, or ∂L/∂w or Δw (gradient palette)."""
        return self._scene.coloring.quantity

    def edge_color(self, layer: int, i: int, j: int) -> QColor:
        """The colour edge (layer, i, j) is drawn in now (alpha < 255: faded, because the
        column it leads to is not computed yet)."""
        return self._scene.edge_color(self._require_layout().edge_index(layer, i, j))

    def edge_is_dead(self, layer: int, i: int, j: int) -> bool:
        """Whether edge (layer, i, j) is drawn as a dead link (dashed grey)."""
        dead = self._scene.coloring.dead
        return dead is not None and bool(dead[self._require_layout().edge_index(layer, i, j)])

    def _shown_trace(self) -> TraceDisplay | None:
        """The phase display if it fits the network shown, else None."""
        tr, snap = self._trace, self._snap
        if tr is None or snap is None or not trace_fits(tr, snap.sizes):
            return None
        return tr

    def column_centers(self) -> list[float]:
        """x centre of every column (inputs first) in this widget's pixel coordinates."""
        return list(self._centers)

    def hovered(self) -> Hover | None:
        """("edge", layer, i, j), ("unit", column, j) or None — what the mouse is over."""
        return self._hover

    def show_item(self, target: Hover | None) -> str:
        """Show ``target`` as if hovered (the keyboard cursor); returns its tooltip text."""
        if target is not None:
            at = self.edge_position if target[0] == "edge" else self.unit_position
            self._hover_global = self.mapToGlobal(at(*target[1:]))
        self._set_hover(target)
        return self.tooltip_text()

    def tooltip_text(self) -> str:
        """The hover tooltip for what is hovered now, from the latest snapshot ("" if none)."""
        lay = self._scene.layout
        block = lay is not None and lay.block is not None
        return hover_tooltip(self._snap, self._shown_trace(), self._hover, block,
                             self._scene.block.sample if block else None)

    def unit_at(self, pos: QPointF | QPoint) -> tuple[int, int] | None:
        """(column, unit) whose thumbnail is under ``pos`` (widget coordinates)."""
        if self._scene.layout is None:
            return None
        return self._scene.layout.unit_at(*self._affine().to_canvas(pos.x(), pos.y()))

    def edge_at(self, pos: QPointF | QPoint) -> tuple[int, int, int] | None:
        """(weight layer, i, j) of the edge nearest ``pos`` within 4 px, else None."""
        if self._scene.layout is None:
            return None
        return self._scene.layout.edge_at(*self._affine().to_canvas(pos.x(), pos.y()))

    def unit_position(self, column: int, j: int) -> QPoint:
        """Centre of a unit's thumbnail in widget coordinates."""
        lay = self._require_layout()
        x, y = lay.unit_xy[lay.col_start[column] + j]
        return QPointF(*self._affine().to_widget(x, y)).toPoint()

    def edge_position(self, layer: int, i: int, j: int) -> QPoint:
        """A widget pixel on the edge that hit-tests to it (see ``DiagramLayout.edge_pixel``)."""
        x, y = self._require_layout().edge_pixel(layer, i, j, self._affine())
        return QPointF(x, y).toPoint()

    def begin_edit_weight(self, layer: int, i: int, j: int, at: QPoint | None = None) -> None:
        """Open the inline editor on weight ``weights[layer][i, j]`` (at ``at`` or the edge)."""
        snap = self._require_snapshot()
        self._edit_target = WeightTarget(layer, i, j)
        pos = at if at is not None else self.edge_position(layer, i, j)
        self._editor.open_at(repr(float(snap.weights[layer][i, j])), pos,
                             f"{weight_symbol(layer, i, j, snap.layout)}: {EDIT_HINT}")

    def begin_edit_bias(self, layer: int, j: int, at: QPoint | None = None) -> None:
        """Open the inline editor on bias ``biases[layer][j]`` (layer 0 = first hidden layer)."""
        b = self._require_snapshot().biases[layer]
        if b is None:
            raise ValueError("this network has no biases")
        self._edit_target = BiasTarget(layer, j)
        pos = at if at is not None else self.unit_position(layer + 1, j)
        self._editor.open_at(repr(float(b[j])), pos, f"{bias_symbol(layer, j)}: {EDIT_HINT}")

    def editor(self) -> QLineEdit:
        return self._editor

    # ------------------------------------------------------------------ events
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self._canvas.viewport():
            t = event.type()
            if t in (QEvent.Type.MouseMove, QEvent.Type.MouseButtonPress,
                     QEvent.Type.MouseButtonDblClick) and isinstance(event, QMouseEvent):
                pos = QPointF(self._canvas.viewport().mapTo(self, event.position().toPoint()))
                pos += event.position() - QPointF(event.position().toPoint())
                self._mouse(t, pos, event)
                return True
            if t == QEvent.Type.Leave:
                self._set_hover(None)
        return super().eventFilter(obj, event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._mouse(QEvent.Type.MouseMove, event.position(), event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._mouse(QEvent.Type.MouseButtonPress, event.position(), event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._mouse(QEvent.Type.MouseButtonDblClick, event.position(), event)

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hover(None)
        super().leaveEvent(event)

    def _mouse(self, kind: QEvent.Type, pos: QPointF, event: QMouseEvent) -> None:
        target = self._hit(pos)
        self._hover_global = self.mapToGlobal(pos.toPoint())
        self._set_hover(target)
        press = kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)
        if not press or event.button() != Qt.MouseButton.LeftButton:
            return
        if target is None or self._snap is None:
            return
        # while phase stepping a click only selects (to inspect); a double-click edits
        edit = kind == QEvent.Type.MouseButtonDblClick or not self.in_trace_mode()
        if target[0] == "edge":
            self.weightSelected.emit(*target[1:])
        else:
            self.unitSelected.emit(target[1], target[2])
        if not edit or self._snap is None or self._scene.layout is None:
            return  # (a slot connected to the selection may have changed what is shown)
        if target[0] == "edge":
            _, layer, i, j = target
            self.begin_edit_weight(layer, i, j, at=pos.toPoint())
        elif target[1] >= 1 and self._snap.use_bias:
            self.begin_edit_bias(target[1] - 1, target[2], at=pos.toPoint())

    @Slot(object)
    def _on_canvas_resized(self, _vb: object = None) -> None:
        self._relayout()

    @Slot(float)
    def _apply_edit(self, value: float) -> None:
        target, self._edit_target = self._edit_target, None
        if isinstance(target, WeightTarget):
            self.weightEditRequested.emit(target.layer, target.i, target.j, value)
        elif isinstance(target, BiasTarget):
            self.biasEditRequested.emit(target.layer, target.j, value)

    def _cancel_edit(self) -> None:
        self._edit_target = None
        if self._editor.active:
            self._editor.close_editor()

    def _hit(self, pos: QPointF) -> Hover | None:
        unit = self.unit_at(pos)
        if unit is not None:
            return ("unit", *unit)
        edge = self.edge_at(pos)
        return None if edge is None else ("edge", *edge)

    def _set_hover(self, target: Hover | None) -> None:
        old, self._hover = self._hover, target
        if target != old:
            self._scene.show_hover(target)
            was_unit = old is not None and old[0] == "unit"
            if target is not None and target[0] == "unit":
                self.unitHovered.emit(target[1], target[2])
            elif was_unit:
                self.unitHovered.emit(-1, -1)
        if target is None:
            if old is not None:
                QToolTip.hideText()
        else:
            QToolTip.showText(self._hover_global, self.tooltip_text(), self)

    def _require_layout(self) -> DiagramLayout:
        assert self._scene.layout is not None, "no snapshot shown yet"
        return self._scene.layout

    def _require_snapshot(self) -> Snapshot:
        assert self._snap is not None, "no snapshot shown yet"
        return self._snap

    def _affine(self) -> Affine:
        """Canvas to widget pixels; asked of Qt each time, so never stale."""
        vp = self._canvas.viewport()
        off = QPointF(vp.mapTo(self, QPoint(0, 0)))
        tr = self._canvas.viewportTransform()
        a = tr.map(self._vb.mapViewToScene(QPointF(0.0, 0.0))) + off
        b = tr.map(self._vb.mapViewToScene(QPointF(100.0, 100.0))) + off
        sx, sy = (b.x() - a.x()) / 100.0, (b.y() - a.y()) / 100.0
        return Affine((sx or 1.0), (sy or 1.0), a.x(), a.y())

    def _clear_scene(self) -> None:
        self._scene.clear()
        self._set_hover(None)
        self._legend.show_phase(None)
        self._set_centers([])

    def _relayout(self) -> None:
        """Rebuild all geometry for the current architecture and canvas size."""
        w, h = float(self._vb.width()), float(self._vb.height())
        if w < 2 or h < 2:
            self._scene.layout = None  # collapsed: nothing to hit-test until the next resize
            self._set_hover(None)
            return
        self._vb.setRange(QRectF(0, 0, w, h), padding=0)
        snap = self._snap
        if snap is None:
            self._clear_scene()
            return
        self._set_hover(None)
        lay = self._scene.rebuild(snap, w, h)
        affine = self._affine()
        self._set_centers([affine.to_widget(x, 0)[0] for x in lay.col_x])
        self._update_values()

    def set_zoom(self, factor: float) -> None:
        """The window zoom: text and thumbnails ``factor`` × normal."""
        self._scene.set_zoom(factor)
        self._relayout()

    def _set_centers(self, centers: list[float]) -> None:
        if centers != self._centers:
            self._centers = centers
            self.geometryChanged.emit()

    # ------------------------------------------------------------------ per frame

    def _update_values(self) -> None:
        """Re-colour everything from the current snapshot (and phase display, if any)."""
        snap, lay = self._snap, self._scene.layout
        if snap is None or lay is None:
            return
        tr = self._shown_trace()
        scales = self._scene.draw(snap, lay, tr)
        self._legend.colorbar.set_scale(scales.parameters)
        self._legend.show_phase(tr, scales.gradient, scales.unit, bool(self._scene.dimmed))
        if self._hover is not None:
            self._scene.show_hover(self._hover)
            if QToolTip.isVisible():
                QToolTip.showText(self._hover_global, self.tooltip_text(), self)
