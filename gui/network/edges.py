"""All of the diagram's edges in one graphics item (DESIGN-NOTES "Drawing many edges").

Colour buckets (``session.present.diagram.edge_buckets``) are each stroked as one 1-px
``QPainterPath``; the strongest few hundred edges are wide ``drawLines``. ``set_values``
rebuilds the cached paths (cheap, vectorised); ``paint`` only strokes them. A bundled first
layer (wide inputs) is the first ``n_band`` segments: short stretches of bands, stroked one
band width wide whatever their value, never as wide edges.

Sign is shown beyond colour: every pen of a negative colour step is dashed (``signed_pen``),
positive and zero ones solid — one pen per bucket, so dashing costs no extra paths.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from gui.colors import EDGE_ZERO, NEGATIVE, POSITIVE
from gui.network.style import DEAD_EDGE, FADED_ALPHA, MUTED_EDGE, dashed_pen, pen
from session.present.diagram import edge_buckets
from session.present.levels import EDGE_LEVELS, RGB, diverging_rgb

NEGATIVE_DASH = (5.0, 2.5)
"""A negative edge's dash, in pixels (on, off): longer than a dead link's 3-3 dashes."""


def signed_pen(color: QColor, width: float, negative: bool) -> QPen:
    """An edge pen: dashed when it draws a negative value, solid otherwise. Qt measures a dash
    pattern in pen widths, so the pixel lengths (a little longer for wider edges) are divided
    by the width."""
    p = pen(color, width)
    if negative:
        w = max(width, 1.0)
        on, off = NEGATIVE_DASH
        p.setStyle(Qt.PenStyle.CustomDashLine)
        p.setDashPattern([(on + 1.5 * (w - 1)) / w, (off + 0.8 * (w - 1)) / w])
    return p


class EdgeItem(pg.GraphicsObject):
    """Every edge: the weights' orange–blue palette, or (phase stepping) the purple–green one of
    gradients; ``muted`` edges (nothing computed for them yet) form one extra faint-grey bucket.
    """

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRectF()
        self._xy = np.zeros((0, 4))
        self._thin: list[tuple[QPen, QPainterPath]] = []
        self._wide: list[tuple[QPen, list[QLineF]]] = []
        self._thin_pens: dict[int, QPen] = {}
        self._antialias = True
        self._extra = 5.0
        self._skip_faint = False
        self._alpha = 255
        self._palette = (NEGATIVE, POSITIVE)
        self._zero = EDGE_ZERO
        self.dash_negative = True  # False only to measure what dashing costs (bench/)
        self._muted_pen = pen(MUTED_EDGE, 1.0)
        self._widths: np.ndarray | None = None
        self.dead_pen = dashed_pen(DEAD_EDGE, 1.0)
        self._n_band = 0
        self._band_px = 1.0
        self._band_pens: dict[int, QPen] = {}
        self._wide_pens: dict[tuple[int, int, float], QPen] = {}
        self._lines: list[QLineF] | None = None
        self._drawn: tuple[object, ...] | None = None
        """What the cached paths show (pens and buckets); None: rebuild at the next values."""

    def set_segments(self, xy: np.ndarray, rect: QRectF, n_band: int = 0,
                     band_px: float = 1.0) -> None:
        """The edges' (E, 4) segments, the first ``n_band`` of them a bundle's, stroked
        ``band_px`` wide; drops the paths until the next ``set_values``."""
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self._xy = xy
        self._lines = None  # built on first need, then reused every frame
        self._n_band, self._band_px = n_band, band_px
        self._thin, self._wide = [], []
        self._drawn = None
        self._antialias = len(xy) <= 2500
        n = len(xy)
        # Dense networks get thinner wide edges and translucent thin ones, or strong edges
        # would paint the whole diagram solid.
        self._extra = float(np.clip(5.0 * math.sqrt(300 / max(n, 1)), 2.0, 5.0))
        self._alpha = 255 if n <= 1500 else 150
        # near-zero edges are near-white on white; in dense nets stroking them costs ~20 %
        self._skip_faint = n > 1500
        self._make_pens()
        self.update()

    def _make_pens(self) -> None:
        self._drawn = None
        self._wide_pens = {}
        self._thin_pens = {
            q: self._pen(q, self.color(q, self._alpha), 1.0)
            for q in range(-EDGE_LEVELS, EDGE_LEVELS + 1)
        }
        self._band_pens = {
            q: self._pen(q, self.color(q), self._band_px)
            for q in range(-EDGE_LEVELS, EDGE_LEVELS + 1)
        }

    def _pen(self, level: int, color: QColor, width: float) -> QPen:
        return signed_pen(color, width, self.dash_negative and level < 0)

    def set_palette(self, negative: RGB, positive: RGB, zero: RGB = EDGE_ZERO) -> None:
        """The colours of the two ends and of zero (takes effect at the next ``set_values``);
        ``gui.colors.edge_palette`` gives them for a light or dark background. The muted and
        dead-link greys follow the theme too."""
        if (negative, positive) != self._palette or zero != self._zero:
            self._palette, self._zero = (negative, positive), zero
            self._make_pens()
        if self._muted_pen.color() != MUTED_EDGE or self.dead_pen.color() != DEAD_EDGE:
            self._muted_pen = pen(MUTED_EDGE, 1.0)
            self.dead_pen = dashed_pen(DEAD_EDGE, 1.0)
            self._drawn = None

    def color(self, level: int, alpha: int = 255) -> QColor:
        """The colour of signed colour step ``level`` in the current palette."""
        return QColor(*diverging_rgb(level / EDGE_LEVELS, self._zero, *self._palette), alpha)

    def width_for(self, level: int) -> float:
        """Pen width in pixels for an edge's colour step: 1 px near 0 up to 3–6 px."""
        return 1.0 + self._extra * abs(level) / EDGE_LEVELS

    def edge_width(self, k: int, level: int) -> float:
        """Pen width in pixels edge ``k`` (colour step ``level``) is drawn with now."""
        if k < self._n_band:
            return self._band_px
        w = self._widths
        if w is not None and k < len(w):
            return max(float(np.rint(w[k])), 1.0)
        return self.width_for(level)

    def set_values(self, levels: np.ndarray, magnitude: np.ndarray,
                   muted: np.ndarray | None = None, faded: np.ndarray | None = None,
                   dead: np.ndarray | None = None, widths: np.ndarray | None = None) -> None:
        """``levels``: signed colour step per edge; ``magnitude``: |value|, to pick the wide
        ones; ``muted``: optional mask of edges drawn as thin faint grey whatever their value;
        ``faded``: optional mask of edges drawn in their colour but mostly transparent;
        ``dead``: optional mask of dead links, drawn dashed grey on top of the thin edges;
        ``widths``: optional px per edge (TensorFlow Playground's widths) instead of by level."""
        self._widths = widths
        thin: list[tuple[QPen, QPainterPath]] = []
        wide: list[tuple[QPen, list[QLineF]]] = []
        nb = self._n_band
        if nb:
            magnitude = np.array(magnitude, dtype=np.float64)
            magnitude[:nb] = 0.0  # the bands' stretches never take a wide edge's place
        bands: list[tuple[QPen, QPainterPath]] = []
        if self._lines is None:
            self._lines = [QLineF(*row) for row in self._xy.tolist()]
        lines = self._lines
        buckets = edge_buckets(levels, magnitude, muted, faded, dead=dead, widths=widths)
        # A run that has settled keeps most edges in the same colour step from one frame to
        # the next: then the paths already drawn are right, and nothing is repainted.
        drawn = tuple((b.level, b.wide, b.faded, b.muted, b.dead, b.width, b.indices.tobytes())
                      for b in buckets)
        if drawn == self._drawn:
            return
        self._drawn = drawn
        for bucket in buckets:
            q = bucket.level
            if nb:
                in_band = bucket.indices < nb
                if not (bucket.dead or bucket.muted or bucket.faded) and in_band.any():
                    bands.append((self._band_pens[q],
                                  _pairs_path(self._xy[bucket.indices[in_band]])))
                    bucket = replace(bucket, indices=bucket.indices[~in_band])
                    if not len(bucket.indices):
                        continue
            seg = self._xy[bucket.indices]
            if bucket.dead:
                thin.append((self.dead_pen, _pairs_path(seg)))
            elif bucket.muted:
                thin.insert(0, (self._muted_pen, _pairs_path(seg)))
            elif bucket.wide:
                alpha = FADED_ALPHA if bucket.faded else 255
                px = self.width_for(q) if bucket.width is None else float(bucket.width)
                wide.append((self._wide_pen(q, alpha, px),
                             [lines[i] for i in bucket.indices.tolist()]))
            elif q != 0 or not self._skip_faint:
                thin_pen = (self._pen(q, self.color(q, FADED_ALPHA), 1.0) if bucket.faded
                            else self._thin_pens[q])
                thin.append((thin_pen, _pairs_path(seg)))
        self._thin, self._wide = bands + thin, wide
        self.update()

    def _wide_pen(self, level: int, alpha: int, px: float) -> QPen:
        """The pen of a wide bucket, made once per colour step, opacity and width."""
        key = (level, alpha, px)
        made = self._wide_pens.get(key)
        if made is None:
            made = self._wide_pens[key] = self._pen(level, self.color(level, alpha), px)
        return made

    def wide_pens(self) -> list[QPen]:
        """The pens of the wide edges, in stroke order (for tests and pictures)."""
        return [p for p, _ in self._wide]

    def thin_pens(self) -> list[QPen]:
        """The pens of the 1-px paths, in stroke order (for tests and pictures)."""
        return [p for p, _ in self._thin]

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias)
        for thin_pen, path in self._thin:
            p.setPen(thin_pen)
            p.drawPath(path)
        # antialiased wide lines are what is slow (DESIGN-NOTES); keep them for small nets only
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias and len(self._xy) <= 150)
        for wide_pen, lines in self._wide:
            p.setPen(wide_pen)
            p.drawLines(lines)


def _pairs_path(seg: np.ndarray) -> QPainterPath:
    """One path of (m, 4) segments, each its own line."""
    return pg.arrayToQPath(
        seg[:, 0::2].ravel(), seg[:, 1::2].ravel(), connect="pairs", finiteCheck=False
    )
