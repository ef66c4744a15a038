"""What the diagram draws in its view box: geometry rebuilt per architecture and canvas size,
colours per frame. Widget concerns (mouse, hover, editor, legend) stay in ``view``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF

from engine.maps import CurveMaps
from engine.trace_display import TraceDisplay
from gui.colors import edge_palette
from gui.network.block import BlockImage
from gui.network.edges import EdgeItem
from gui.network.items import DecorItem, OverlayItem
from gui.network.phase import PhaseOverlay
from gui.network.style import DEAD_EDGE, FADED_ALPHA, MUTED_EDGE, rect
from gui.network.thumbnails import Thumbnails
from gui.network.tooltips import bias_text
from gui.theme import current
from session.present.diagram import NO_EDGES, EdgeColoring, edge_coloring
from session.present.input_block import BlockSpec, block_spec
from session.present.layout import DiagramLayout, compute_layout
from session.present.levels import BIAS_LEVELS, signed_steps, weight_color_scale
from session.present.text_room import MAX_THUMB, OUTPUT_LABEL_GAP, TextRoom
from session.snapshot import Snapshot

SMALL_NETWORK_UNITS = 30
"""Networks with at most this many units (all columns) print each bias under its unit."""
OUTPUT_NAME_EMS = 10
"""An output unit's name is cut short (…) beyond this many widths of "M"."""

Placed = list[tuple[QRectF, str]]
"""Texts with the rectangle each is drawn in."""


def input_block_of(snap: Snapshot) -> BlockSpec | None:
    """Wide inputs are drawn as one block (None: a unit per input)."""
    return block_spec(int(snap.sizes[0]), snap.data.image_shape)


def text_room(decor: DecorItem, snap: Snapshot) -> TextRoom:
    """The room ``snap``'s labels and numbers need in ``decor``'s fonts (a block of inputs
    has no labels beside it)."""
    fm = QFontMetricsF(decor.label_font)
    fs = QFontMetricsF(decor.small_font)
    names = output_names(decor, snap)
    # room for text under units whether or not there are biases: phase stepping prints
    # each unit's value there, and entering it must not move the geometry
    return TextRoom(
        label_width=0.0 if input_block_of(snap) is not None
        else max(fm.horizontalAdvance(s) for s in snap.data.feature_labels),
        bias_text_width=2 * (fs.horizontalAdvance("b=−0.00") + 8),
        bias_text=sum(int(n) for n in snap.sizes) <= SMALL_NETWORK_UNITS,
        caption_height=fs.height() + 2,
        max_thumb=MAX_THUMB * decor.zoom,
        text_gap=max(12.0, fs.height() + 1),
        output_label_width=max((fm.horizontalAdvance(n) for n in names), default=0.0),
    )


def output_names(decor: DecorItem, snap: Snapshot) -> tuple[str, ...]:
    """The output units' names as drawn right of them (one unit per class: the classes'
    names, a long one cut short with "…"; otherwise none)."""
    fm = QFontMetricsF(decor.label_font)
    most = OUTPUT_NAME_EMS * fm.horizontalAdvance("M")
    return tuple(fm.elidedText(n, Qt.TextElideMode.ElideRight, most)
                 for n in snap.data.output_unit_names(int(snap.sizes[-1])))


def decor_geometry(decor: DecorItem, lay: DiagramLayout, snap: Snapshot
                   ) -> tuple[list[QRectF], list[QRectF], Placed, Placed, Placed]:
    """(unit rectangles, bias squares, feature labels, column captions, output units' names)
    for ``set_geometry``."""
    sizes = tuple(int(s) for s in snap.sizes)
    first = 0 if lay.block is None else 1
    unit_rects = [rect(lay.unit_box(c, j)) for c, n in enumerate(sizes) for j in range(n)
                  if c >= first]
    if lay.block is not None:
        b = lay.block
        unit_rects.insert(0, QRectF(b.x, b.y, b.width, b.height))
    bias_rects = (
        [rect(lay.bias_box(c, j)) for c in range(1, len(sizes)) for j in range(sizes[c])]
        if snap.use_bias else []
    )
    labels = []
    for j, text in enumerate(snap.data.feature_labels if lay.block is None else ()):
        r = rect(lay.unit_box(0, j))
        labels.append((QRectF(2, r.top() - 4, r.left() - 8, r.height() + 8), text))
    named = []
    fm = QFontMetricsF(decor.label_font)
    for j, text in enumerate(output_names(decor, snap)):
        r = rect(lay.unit_box(len(sizes) - 1, j))
        left = r.right() + OUTPUT_LABEL_GAP
        room = max(lay.width - left - 2, 1.0)
        named.append((QRectF(left, r.top() - 4, room, r.height() + 8),
                      fm.elidedText(text, Qt.TextElideMode.ElideRight, room)))
    return (unit_rects, bias_rects, labels, _captions(lay, QFontMetricsF(decor.small_font)),
            named)


def _captions(lay: DiagramLayout, fm: QFontMetricsF) -> Placed:
    """"inputs", "layer 1", …, "output" under the columns ("in", "1", "out" when narrow); a
    block of inputs says how many ("64 inputs")."""
    n = len(lay.col_x)
    spacing = (lay.col_x[-1] - lay.col_x[0]) / max(n - 1, 1)
    long = spacing >= fm.horizontalAdvance("layer 16") + 8
    out = []
    for c in range(n):
        if c == 0 and lay.block is not None:
            text = f"{lay.block.n} inputs"
        elif c == 0:
            text = "inputs" if long else "in"
        elif c == n - 1:
            text = "output" if long else "out"
        else:
            text = f"layer {c}" if long else str(c)
        half = fm.horizontalAdvance(text) / 2 + 2
        x = float(np.clip(lay.col_x[c], half, lay.width - half))
        out.append((QRectF(x - half, lay.caption_y, 2 * half, max(16.0, fm.height())), text))
    return out


@dataclass(frozen=True)
class FrameScales:
    """The colour scales one frame used, for the legend: the weights' and biases' scale, each
    weight layer's ∂L/∂w or Δw peak (None unless edges show them; an entry is None for a layer
    not computed yet) and δ's (None unless units show δ)."""

    parameters: float
    gradient: tuple[float | None, ...] | None
    unit: float | None


class DiagramScene:
    """The diagram's graphics items in ``vb`` and the state they were drawn from."""

    def __init__(self, vb: pg.ViewBox) -> None:
        self.edges = EdgeItem()
        self.edges.setZValue(0)
        self.decor = DecorItem()
        self.decor.setZValue(3)
        self.overlay = OverlayItem()
        self.overlay.setZValue(10)
        for item in (self.edges, self.decor, self.overlay):
            vb.addItem(item, ignoreBounds=True)
        self.thumbnails = Thumbnails(vb)
        self.block = BlockImage(vb)
        self.phase = PhaseOverlay(vb, self.decor)
        self.layout: DiagramLayout | None = None
        self.coloring: EdgeColoring = NO_EDGES
        self.dimmed: set[int] = set()
        self.unit_texts: dict[tuple[int, int], str] = {}
        self._drawn_maps: object = None

    def clear(self) -> None:
        self.thumbnails.clear()
        self.block.place(None)
        self.layout = None
        self.edges.set_segments(np.zeros((0, 4)), QRectF())
        self.decor.set_geometry(QRectF(), [], [], [], [])
        self.overlay.clear()
        self.phase.clear()
        self.dimmed = set()
        self.unit_texts = {}
        self.coloring = NO_EDGES

    def set_zoom(self, factor: float) -> None:
        """Texts and the thumbnails' cap ``factor`` × normal (takes effect at ``rebuild``)."""
        self.decor.set_zoom(factor)
        self.phase.trace_item.set_zoom(factor)

    def rebuild(self, snap: Snapshot, width: float, height: float) -> DiagramLayout:
        """All geometry for ``snap``'s architecture on a ``width`` × ``height`` canvas (the
        colours follow at the next ``draw``)."""
        sizes = tuple(int(s) for s in snap.sizes)
        cell_rows = 8 if isinstance(snap.maps, CurveMaps) else int(snap.maps.units[0].shape[1])
        lay = compute_layout(sizes, width, height, cell_rows, text_room(self.decor, snap),
                             input_block_of(snap))
        self.layout = lay
        self.thumbnails.rebuild(lay, sizes, int(snap.maps.units[0].shape[-1]))
        self.block.place(lay.block)
        self._drawn_maps = None  # fresh (empty) buffers: the next draw must fill them
        area = QRectF(0, 0, width, height)
        n_band = int(lay.edge_start[1]) if lay.bundle is not None else 0
        self.edges.set_segments(lay.edges, area, n_band, float(np.clip(lay.pitch * 0.4, 1, 3)))
        self.decor.set_geometry(area, *decor_geometry(self.decor, lay, snap))
        return lay

    def draw(self, snap: Snapshot, lay: DiagramLayout, tr: TraceDisplay | None) -> FrameScales:
        """Re-colour everything from ``snap`` and the phase display ``tr`` (None: the normal
        view), which fits ``snap``: the per-frame path, kept vectorised."""
        weights = [np.asarray(w) for w in snap.weights]
        biases = [np.asarray(b) for b in snap.biases if b is not None] if snap.use_bias else []
        tf_rules = snap.scenario.train.tf_rules
        scale = weight_color_scale(weights + biases, tf_rules)
        starts = None if lay.bundle is None else lay.bundle.group_starts()
        coloring = self.coloring = edge_coloring(weights, scale, tr, snap.dead_links, tf_rules,
                                                 starts)
        pal = edge_palette(current().is_dark)  # gradients: darker than weights on white
        if coloring.gradient_palette:
            self.edges.set_palette(pal.gradient_negative, pal.gradient_positive, pal.zero)
        else:
            self.edges.set_palette(pal.negative, pal.positive, pal.zero)
        self.edges.set_values(coloring.levels, coloring.magnitude, coloring.muted,
                              coloring.faded, coloring.dead, coloring.widths)
        if snap.maps is not self._drawn_maps:  # maps refresh less often than weights
            self._drawn_maps = snap.maps
            self.thumbnails.draw(snap, lay)
        self.block.draw(snap)
        self.unit_texts = {}
        if snap.use_bias and biases:
            self._draw_biases(snap, lay, np.concatenate([b.ravel() for b in biases]), scale,
                              lay.show_bias_text and tr is None)
        unit_scale = None
        if tr is None:
            self.dimmed = set()
            self.phase.clear()
        else:
            shown = self.phase.show(tr, snap, lay)
            self.dimmed, unit_scale = shown.dimmed, shown.unit_scale
            self.unit_texts.update(shown.unit_texts)
        return FrameScales(scale, coloring.layer_peaks if coloring.gradient_palette else None,
                           unit_scale)

    def _draw_biases(self, snap: Snapshot, lay: DiagramLayout, flat_b: np.ndarray,
                     scale: float, with_text: bool) -> None:
        """Colour the bias squares (all layers' biases flattened, (B,)) and, in the normal
        view of a small network, print each bias under its unit."""
        texts = []
        if with_text:  # while stepping, values take this place
            k = 0
            for c in range(1, len(snap.sizes)):
                for j in range(snap.sizes[c]):
                    r = rect(lay.unit_box(c, j))
                    x0 = r.left() + lay.bias_side / 2 + 2
                    text = bias_text(float(flat_b[k]))
                    z = self.decor.zoom  # the bias numbers grow with the window zoom
                    texts.append((QRectF(x0, r.bottom() + 1, 80 * z, 12 * z), text))
                    self.unit_texts[(c, j)] = text
                    k += 1
        self.decor.set_biases(signed_steps(flat_b, scale, BIAS_LEVELS), texts)

    def edge_color(self, k: int, *, faded: bool = True) -> QColor:
        """The colour edge ``k`` is drawn in now (alpha < 255: faded with the column it leads
        to, unless ``faded`` is False)."""
        coloring = self.coloring
        if k < len(coloring.levels) and coloring.dead is not None and coloring.dead[k]:
            return QColor(DEAD_EDGE)
        if k < len(coloring.levels) and coloring.muted is not None and coloring.muted[k]:
            return QColor(MUTED_EDGE)
        q = int(coloring.levels[k]) if k < len(coloring.levels) else 0
        fade = faded and coloring.faded is not None and bool(coloring.faded[k])
        return self.edges.color(q, FADED_ALPHA if fade else 255)

    def show_hover(self, hover: tuple | None) -> None:
        """The halo around the hovered ("unit", column, j) or ("edge", layer, i, j)."""
        lay = self.layout
        if lay is None or hover is None:
            self.overlay.clear()
        elif hover[0] == "unit":
            self.overlay.show_unit(rect(lay.unit_box(hover[1], hover[2])))
        else:
            k = lay.edge_index(*hover[1:])
            q = int(self.coloring.levels[k]) if k < len(self.coloring.levels) else 0
            # a band's weight also marks its input's cell in the block
            mark = rect(lay.unit_box(0, hover[2])) if hover[1] == 0 and lay.block else None
            self.overlay.show_edge(QLineF(*lay.edge_line(*hover[1:])),
                                   self.edge_color(k, faded=False),
                                   self.edges.edge_width(k, q), mark)
