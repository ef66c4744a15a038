"""Phase stepping's overlay on the diagram: the active column's band, the veil over columns not
computed yet, each unit's value as a coloured frame and (small networks) a number, the loss
above the output and a tag over each layer of edges that shows gradients."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF, QPen

from engine.explain import fmt, sup
from engine.trace_display import EdgeQuantity, TraceDisplay, UnitQuantity
from gui.colors import signed_color
from gui.network.items import DecorItem, FillItem, TraceItem
from gui.network.style import ACTIVE_BAND, VEIL, pen, rect
from gui.network.tooltips import unit_value_text
from session.present.layout import DiagramLayout, phase_regions
from session.present.levels import peak_scale, unit_fractions
from session.snapshot import Snapshot


@dataclass
class PhaseShown:
    """What the overlay drew: the veiled columns, the δ colour scale (None unless units show
    δ) and the number under each (column, unit)."""

    dimmed: set[int] = field(default_factory=set)
    unit_scale: float | None = None
    unit_texts: dict[tuple[int, int], str] = field(default_factory=dict)


class PhaseOverlay:
    """The overlay's items in one view box: ``show`` one phase, or ``clear`` for the normal
    view. ``decor`` draws the active column's caption bold."""

    def __init__(self, vb: pg.ViewBox, decor: DecorItem) -> None:
        self._decor = decor
        self.band = FillItem(ACTIVE_BAND)
        self.band.setZValue(-1)
        self.trace_item = TraceItem()
        self.trace_item.setZValue(3.5)
        self.veil = FillItem(VEIL)
        self.veil.setZValue(4)
        for item in (self.band, self.trace_item, self.veil):
            vb.addItem(item, ignoreBounds=True)

    def clear(self) -> None:
        self.band.set_rects([])
        self.veil.set_rects([])
        self.trace_item.clear()
        self._decor.set_active_caption(-1)

    def show(self, tr: TraceDisplay, snap: Snapshot, lay: DiagramLayout) -> PhaseShown:
        """Draw phase ``tr`` (which fits ``snap``'s network) over layout ``lay``."""
        shown = PhaseShown(dimmed={c for c, v in enumerate(tr.unit_values) if v is None})
        if tr.unit_kind is UnitQuantity.ERROR:
            shown.unit_scale = peak_scale([v for v in tr.unit_values if v is not None])
        frames, texts, text_right = self._unit_frames(tr, snap, lay, shown)
        self.trace_item.set_content(QRectF(0, 0, lay.width, lay.height), frames, texts,
                                    self._headline(tr, lay), self._tags(tr, lay))
        n_cols = len(lay.col_x)
        active = tr.active_column if 0 <= tr.active_column < n_cols else -1
        regions = phase_regions(lay, text_right, active, shown.dimmed)
        self.band.set_rects([rect(b) for b in regions.bands])
        self.veil.set_rects([rect(b) for b in regions.veils])
        self._decor.set_active_caption(active)
        return shown

    def _unit_frames(self, tr: TraceDisplay, snap: Snapshot, lay: DiagramLayout,
                     shown: PhaseShown
                     ) -> tuple[list[tuple[QRectF, QPen]], list[tuple[QRectF, str]], np.ndarray]:
        """Each computed unit's frame and (room permitting) number chip, and the right end
        of each column's chips (C,), −inf where there are none."""
        fm = QFontMetricsF(self.trace_item.font)
        frame_w = float(np.clip(round(lay.thumb / 8), 2.0, 6.0))
        frames: list[tuple[QRectF, QPen]] = []
        texts: list[tuple[QRectF, str]] = []
        text_right = np.full(len(lay.col_x), -np.inf)
        error = tr.unit_kind is UnitQuantity.ERROR
        for c, values in enumerate(tr.unit_values):
            if values is None or (c == 0 and lay.block is not None):
                continue  # (a block of inputs shows the sample itself)
            v = np.asarray(values, dtype=np.float64)
            s = unit_fractions(v, error=error, error_scale=shown.unit_scale or 1.0,
                               column_maps=snap.maps.units[c],
                               activation=None if c == 0 else snap.activations[c - 1])
            for j in range(len(v)):
                r = rect(lay.unit_box(c, j))
                frames.append((r, pen(signed_color(float(s[j]), 1.0), frame_w)))
                if not lay.show_bias_text:
                    continue
                text = unit_value_text(snap, tr, c, j, float(v[j]))
                shown.unit_texts[(c, j)] = text
                w = fm.horizontalAdvance(text) + 5
                x0 = r.left() + (lay.bias_side / 2 + 2 if snap.use_bias and c else 0.0)
                x0 = max(2.0, min(x0, lay.width - 2 - w))
                texts.append((QRectF(x0, r.bottom() + 1, w, max(13.0, fm.height())), text))
                text_right[c] = max(text_right[c], x0 + w)
        return frames, texts, text_right

    def _headline(self, tr: TraceDisplay, lay: DiagramLayout) -> tuple[QRectF, str] | None:
        """The loss above the output column, once this step has computed it."""
        if tr.loss is None:
            return None
        text = f"L = {fmt(tr.loss)}"
        hf = QFontMetricsF(self.trace_item.headline_font)
        w, h = hf.horizontalAdvance(text) + 10, hf.height() + 4
        x = float(np.clip(lay.col_x[-1] - w / 2, 2.0, lay.width - 2 - w))
        y = max(2.0, float(lay.col_top[-1]) - 8 - h)
        return QRectF(x, y, w, h), text

    def _tags(self, tr: TraceDisplay, lay: DiagramLayout) -> list[tuple[QRectF, str]]:
        """"∂L/∂W²", "ΔW¹": over each layer of edges that shows gradients; just "W²" when
        the full names would overlap (deep networks; the legend names the quantity)."""
        if tr.edge_kind is EdgeQuantity.WEIGHT:
            return []
        tf = QFontMetricsF(self.trace_item.tag_font)
        name = "∂L/∂W" if tr.edge_kind is EdgeQuantity.GRADIENT else "ΔW"
        spacing = (lay.col_x[-1] - lay.col_x[0]) / max(len(lay.col_x) - 1, 1)
        widest = f"{name}{sup(len(tr.edge_values))}"
        if tf.horizontalAdvance(widest) + 12 > spacing:
            name = "W"
        tags = []
        for l, e in enumerate(tr.edge_values):
            if e is None:
                continue
            text = f"{name}{sup(l + 1)}"
            w, h = tf.horizontalAdvance(text) + 10, tf.height() + 4
            x = (lay.col_x[l] + lay.col_x[l + 1]) / 2 - w / 2
            tags.append((QRectF(x, 3, w, h), text))
        return tags
