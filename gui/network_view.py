"""The network diagram: features, units and every weight, live while the network trains.

Laid out like TensorFlow Playground — input features on the left, one column per layer, the
output on the right — but every unit (the output included) shows its activation over the input
plane *and* its bias, hovering shows values that stay live while training runs, and clicking an
edge or a unit edits that weight or bias in place.

Drawing is built for 30 frames a second without starving the trainer of the GIL: geometry is
rebuilt only when the architecture changes; each frame re-colours a few arrays. A column's
thumbnails are one mosaic ``ImageItem``; all edges are one item that strokes ~17 colour buckets
as single 1-px paths plus the strongest few hundred as wide lines (see DESIGN-NOTES). The view
box maps one view unit to one canvas pixel, so layout, text and hit tests work in pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QLineF, QObject, QPoint, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QValidator,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from engine.explain import EdgeQuantity, TraceDisplay, UnitQuantity, fmt, sup
from engine.maps import CurveMaps
from gui.colors import (
    GRADIENT_NEGATIVE,
    GRADIENT_POSITIVE,
    NEGATIVE,
    POSITIVE,
    ZERO,
    activation_levels,
    signed_color,
    signed_lut,
)
from gui.snapshot import Snapshot

__all__ = ["NetworkView", "format_value", "parse_finite"]

BACKGROUND = QColor(255, 255, 255)
TEXT = QColor(60, 64, 67)
FAINT_TEXT = QColor(120, 124, 128)
OUTLINE = QColor(175, 178, 182)
HIGHLIGHT = QColor(25, 25, 25)
ACTIVE_BAND = QColor(255, 226, 120, 95)
"""Phase stepping: the soft yellow band behind the column the current phase works on."""
ACTIVE_CAPTION_BG = "#fff1c1"
VEIL = QColor(255, 255, 255, 190)
"""Phase stepping: the white veil over the units of columns not computed yet."""
FADED_ALPHA = 60
"""Phase stepping: opacity of the edges into columns not computed yet."""
MUTED_EDGE = QColor(214, 216, 218)
"""Phase stepping: edges of layers whose ∂L/∂w is not computed yet."""
TEXT_BOX = QColor(255, 255, 255, 225)

MAX_THUMB = 48.0
MIN_THUMB = 10.0
FLOOR_THUMB = 4.0
"""Thumbnails shrink below MIN_THUMB only when even that would not fit: clipping is worse."""
EDGE_PICK_PX = 4.0
EDGE_LEVELS = 8
"""Colour steps per sign for edges: 2·8 + 1 = 17 buckets, each stroked as one path."""
BIAS_LEVELS = 16
WIDE_EDGES = 300
"""Only the strongest edges are drawn with a width; the rest are 1-px bucket paths."""
SMALL_NETWORK_UNITS = 30
"""Networks with at most this many units (all columns) print each bias under its unit."""
SCALE_FLOOR = 0.1
"""Smallest colour scale, so a freshly zero-initialised net does not look saturated."""
MAX_EDITOR_CHARS = 64

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def format_value(v: float | None) -> str:
    """A parameter or gradient for people: 4 decimals, or scientific when that would show 0."""
    if v is None:
        return "—"
    v = float(v)
    if not math.isfinite(v):
        text = str(v)
    elif v == 0.0:
        text = "0"
    elif 1e-3 <= abs(v) < 1e4:
        text = f"{v:.4f}"
    else:
        text = f"{v:.3e}"
    return "−" + text[1:] if text.startswith("-") else text


def _short(v: float) -> str:
    """Two decimals, a real minus sign, and no "−0.00"."""
    if not math.isfinite(v):
        return str(v)
    return ("0.00" if abs(v) < 0.005 else f"{v:.2f}").replace("-", "−")


def parse_finite(text: str) -> float | None:
    """The finite float typed in ``text`` (also "−0.5" with a real minus), else None."""
    t = text.strip().replace("−", "-")
    if not t or "_" in t or len(t) > MAX_EDITOR_CHARS:
        return None
    try:
        v = float(t)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def weight_symbol(layer: int, i: int, j: int) -> str:
    """w with the layer as superscript (W¹ feeds hidden layer 1) and 1-based from/to subscripts."""
    sep = "," if i >= 9 or j >= 9 else ""
    sub = f"{i + 1}{sep}{j + 1}".translate(_SUBSCRIPT)
    return f"w{str(layer + 1).translate(_SUPERSCRIPT)}{sub}"


def bias_symbol(layer: int, j: int) -> str:
    return f"b{str(layer + 1).translate(_SUPERSCRIPT)}{str(j + 1).translate(_SUBSCRIPT)}"


def _scale_of(arrays: list[np.ndarray]) -> float:
    """Colour scale for edges and biases: the largest finite |value|, floored."""
    peak = 0.0
    for a in arrays:
        m = np.abs(a)
        m = m[np.isfinite(m)]
        if m.size:
            peak = max(peak, float(m.max()))
    return max(peak, SCALE_FLOOR)


def _diverging(value: float, negative: tuple[int, int, int], positive: tuple[int, int, int],
               alpha: int = 255) -> QColor:
    """``value`` in [−1, 1] on a diverging palette through the light grey ZERO."""
    v = float(np.clip(np.nan_to_num(value), -1.0, 1.0))
    end = negative if v < 0 else positive
    f = abs(v)
    r, g, b = (round(z + (e - z) * f) for z, e in zip(ZERO, end, strict=True))
    return QColor(r, g, b, alpha)


def _peak(arrays: list[np.ndarray]) -> float:
    """Largest finite |value| over ``arrays`` (1.0 when there is none or it is 0)."""
    peak = 0.0
    for a in arrays:
        m = np.abs(np.asarray(a, dtype=np.float64))
        m = m[np.isfinite(m)]
        if m.size:
            peak = max(peak, float(m.max()))
    return peak if peak > 0.0 else 1.0


def _levels(values: np.ndarray, scale: float, steps: int) -> np.ndarray:
    """Signed integer colour steps in [−steps, steps]; NaN maps to 0 (grey)."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        t = np.clip(np.asarray(values, dtype=np.float64) / scale, -1.0, 1.0)
    return np.rint(np.nan_to_num(t, nan=0.0) * steps).astype(np.int64)


# --------------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class _Layout:
    """Everything positional, in canvas pixels (view units); rebuilt on architecture or resize."""

    width: float
    height: float
    thumb: float
    """Thumbnail side in pixels."""
    cell_rows: int
    gap_rows: int
    """A column's mosaic has cell_rows image rows per unit and gap_rows transparent between."""
    col_x: np.ndarray  # (C,) column centres
    col_top: np.ndarray  # (C,) top of each column's first unit
    unit_col: np.ndarray  # (U,) column of each unit, column 0 = inputs
    unit_idx: np.ndarray  # (U,) index within its column
    unit_xy: np.ndarray  # (U, 2) centres
    col_start: np.ndarray  # (C + 1,) offsets of each column in the unit arrays
    edges: np.ndarray  # (E, 4) x0, y0, x1, y1: leaves the right side, enters the left side
    edge_start: np.ndarray  # (L + 1,) offsets of each weight layer in the edge arrays
    bias_side: float
    show_bias_text: bool
    """Room for one line of text under each unit (the bias, or a phase's value)."""
    caption_y: float

    @property
    def pitch(self) -> float:
        return self.thumb * (self.cell_rows + self.gap_rows) / self.cell_rows

    def unit_rect(self, column: int, j: int) -> QRectF:
        x, y = self.unit_xy[self.col_start[column] + j]
        h = self.thumb / 2
        return QRectF(x - h, y - h, self.thumb, self.thumb)

    def bias_rect(self, column: int, j: int) -> QRectF:
        r = self.unit_rect(column, j)
        b = self.bias_side
        return QRectF(r.left() - b / 2, r.bottom() - b / 2, b, b)


def _compute_layout(
    sizes: tuple[int, ...],
    width: float,
    height: float,
    cell_rows: int,
    label_width: float,
    bias_text_width: float,
    bias_text: bool,
    caption_height: float,
) -> _Layout:
    """Columns evenly spaced, units centred vertically, thumbnails as large as fit (≤ 48 px)."""
    n_cols = len(sizes)
    n_max = max(sizes)
    top, bottom = 10.0, caption_height + 10.0
    avail = max(height - top - bottom, 20.0)
    text_gap = 12.0
    if bias_text:
        avail -= text_gap  # the last unit's bias number hangs below it
    # horizontal room: labels left of the inputs, bias text right of the output
    left0 = 8.0 + label_width + 6.0
    right0 = 10.0 + (bias_text_width / 2 if bias_text else 0.0)
    gap_ratio = 0.3
    thumb = min(MAX_THUMB, avail / (n_max * (1 + gap_ratio) - gap_ratio))
    span = max(width - left0 - right0, 40.0)
    dx_est = span / max(n_cols - 1, 1)
    thumb = min(thumb, dx_est / 2.2)
    if bias_text and n_max > 1:
        # the bias number sits in the gap below each unit; make the gap tall enough
        need = n_max * thumb + (n_max - 1) * text_gap
        if need > avail:
            thumb = (avail - (n_max - 1) * text_gap) / n_max
        bias_text = thumb >= 14.0
    if thumb < MIN_THUMB:
        thumb = min(MIN_THUMB, avail / (n_max * 1.1))
    thumb = max(thumb, FLOOR_THUMB)
    gap = max(thumb * gap_ratio, text_gap if bias_text else 0.0)
    gap_rows = max(1, round(cell_rows * gap / thumb))
    # An integer pitch and integer unit centres keep level edges on pixel rows: crisp without
    # antialiasing, and a pixel on such an edge hit-tests to it even where many edges cross.
    pitch = max(1.0, math.floor(thumb * (cell_rows + gap_rows) / cell_rows))
    thumb = pitch * cell_rows / (cell_rows + gap_rows)

    left = left0 + thumb / 2
    right = width - right0 - thumb / 2
    if bias_text:
        right = min(right, width - 4 - max(thumb / 2, bias_text_width / 2))
    col_x = np.linspace(left, max(right, left + 1.0), n_cols) if n_cols > 1 else np.array([left])
    col_x = np.rint(col_x)
    sizes_a = np.asarray(sizes)
    totals = sizes_a * pitch - (pitch - thumb)
    col_top = np.rint(top + (avail - totals) / 2 + thumb / 2) - thumb / 2
    unit_col = np.repeat(np.arange(n_cols), sizes_a)
    col_start = np.concatenate([[0], np.cumsum(sizes_a)])
    unit_idx = np.arange(col_start[-1]) - col_start[unit_col]
    unit_xy = np.column_stack(
        [col_x[unit_col], col_top[unit_col] + unit_idx * pitch + thumb / 2]
    )
    half = thumb / 2
    blocks = []
    for c in range(n_cols - 1):
        a = unit_xy[col_start[c]:col_start[c + 1]]
        b = unit_xy[col_start[c + 1]:col_start[c + 2]]
        n_in, n_out = len(a), len(b)
        # row-major over (i, j) so edge order matches weights[l].ravel()
        ia = np.repeat(np.arange(n_in), n_out)
        jb = np.tile(np.arange(n_out), n_in)
        blocks.append(
            np.column_stack([a[ia, 0] + half, a[ia, 1], b[jb, 0] - half, b[jb, 1]])
        )
    edges = np.concatenate(blocks) if blocks else np.zeros((0, 4))
    edge_start = np.concatenate([[0], np.cumsum(sizes_a[:-1] * sizes_a[1:])])
    return _Layout(
        width=width, height=height, thumb=thumb, cell_rows=cell_rows, gap_rows=gap_rows,
        col_x=col_x, col_top=col_top, unit_col=unit_col, unit_idx=unit_idx, unit_xy=unit_xy,
        col_start=col_start, edges=edges, edge_start=edge_start,
        bias_side=float(np.clip(thumb * 0.26, 4.0, 10.0)), show_bias_text=bias_text,
        caption_y=height - caption_height - 2,
    )


# --------------------------------------------------------------------------- graphics items


def _pen(color: QColor, width: float) -> QPen:
    pen = QPen(color, width)
    pen.setCosmetic(True)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


class _EdgeItem(pg.GraphicsObject):
    """All edges in one item: colour buckets as 1-px paths, the strongest edges as wide lines.

    ``set_values`` rebuilds the cached paths (cheap, vectorised); ``paint`` only strokes them.
    The palette is the weights' orange–blue one, or (phase stepping) the purple–green one of
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
        self._muted_pen = _pen(MUTED_EDGE, 1.0)

    def set_segments(self, xy: np.ndarray, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self._xy = xy
        self._thin, self._wide = [], []
        n = len(xy)
        self._antialias = n <= 2500
        # Dense networks get thinner wide edges and translucent thin ones, or strong edges
        # would paint the whole diagram solid.
        self._extra = float(np.clip(5.0 * math.sqrt(300 / max(n, 1)), 2.0, 5.0))
        self._alpha = 255 if n <= 1500 else 150
        # near-zero edges are near-white on white; in dense nets stroking them costs ~20 %
        self._skip_faint = n > 1500
        self._make_pens()
        self.update()

    def _make_pens(self) -> None:
        self._thin_pens = {
            q: _pen(self.color(q, self._alpha), 1.0) for q in range(-EDGE_LEVELS, EDGE_LEVELS + 1)
        }

    def set_palette(self, negative: tuple[int, int, int], positive: tuple[int, int, int]) -> None:
        """The colours of the two ends (takes effect at the next ``set_values``)."""
        if (negative, positive) != self._palette:
            self._palette = (negative, positive)
            self._make_pens()

    def color(self, level: int, alpha: int = 255) -> QColor:
        """The colour of signed colour step ``level`` in the current palette."""
        return _diverging(level / EDGE_LEVELS, *self._palette, alpha)

    def width_for(self, level: int) -> float:
        """Pen width in pixels for an edge's colour step: 1 px near 0 up to 3–6 px."""
        return 1.0 + self._extra * abs(level) / EDGE_LEVELS

    def set_values(self, levels: np.ndarray, magnitude: np.ndarray,
                   muted: np.ndarray | None = None, faded: np.ndarray | None = None) -> None:
        """``levels``: signed colour step per edge; ``magnitude``: |value|, to pick the wide
        ones; ``muted``: optional mask of edges drawn as thin faint grey whatever their value;
        ``faded``: optional mask of edges drawn in their colour but mostly transparent."""
        n = len(levels)
        mag = np.abs(levels)
        wide = mag >= 1
        if n > WIDE_EDGES:
            top = np.zeros(n, dtype=bool)
            top[np.argpartition(-np.nan_to_num(magnitude), WIDE_EDGES)[:WIDE_EDGES]] = True
            wide &= top
        key = wide * 64 + mag * 2 + (levels > 0)
        if faded is not None:
            key = np.where(faded, key + 256, key)
        if muted is not None:
            key = np.where(muted, 128, key)
        order = np.argsort(key, kind="stable")
        keys = key[order]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if n else np.zeros(0, int)
        ends = np.r_[starts[1:], n]
        thin: list[tuple[QPen, QPainterPath]] = []
        wide_groups: list[tuple[QPen, list[QLineF]]] = []
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            k = int(keys[s])
            fade, k = k >= 256, k % 256
            q = (k % 64) // 2 * (1 if k % 2 else -1)
            seg = self._xy[order[s:e]]
            if k == 128:
                path = pg.arrayToQPath(
                    seg[:, 0::2].ravel(), seg[:, 1::2].ravel(), connect="pairs", finiteCheck=False
                )
                thin.insert(0, (self._muted_pen, path))
            elif k >= 64:
                alpha = FADED_ALPHA if fade else 255
                pen = _pen(self.color(q, alpha), self.width_for(q))
                wide_groups.append((pen, [QLineF(*row) for row in seg.tolist()]))
            elif q != 0 or not self._skip_faint:
                path = pg.arrayToQPath(
                    seg[:, 0::2].ravel(), seg[:, 1::2].ravel(), connect="pairs", finiteCheck=False
                )
                pen = _pen(self.color(q, FADED_ALPHA), 1.0) if fade else self._thin_pens[q]
                thin.append((pen, path))
        self._thin, self._wide = thin, wide_groups
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias)
        for pen, path in self._thin:
            p.setPen(pen)
            p.drawPath(path)
        # antialiased wide lines are what is slow (DESIGN-NOTES); keep them for small nets only
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self._antialias and len(self._xy) <= 150)
        for pen, lines in self._wide:
            p.setPen(pen)
            p.drawLines(lines)


class _DecorItem(pg.GraphicsObject):
    """Unit outlines, bias squares and numbers, feature labels and column captions."""

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRectF()
        self._outline = QPainterPath()
        self._bias_rects: list[QRectF] = []
        self._bias_outline = QPainterPath()
        self._bias_brushes: list[QBrush] = []
        self._bias_text: list[tuple[QRectF, str]] = []
        self._labels: list[tuple[QRectF, str]] = []
        self._captions: list[tuple[QRectF, str]] = []
        self._brush_cache = {
            q: QBrush(signed_color(q / BIAS_LEVELS, 1.0))
            for q in range(-BIAS_LEVELS, BIAS_LEVELS + 1)
        }
        self.label_font = QFont()
        self.label_font.setPixelSize(13)
        self.small_font = QFont()
        self.small_font.setPixelSize(10)
        self.bold_small_font = QFont(self.small_font)
        self.bold_small_font.setBold(True)
        self._active_caption = -1

    def set_geometry(
        self,
        rect: QRectF,
        unit_rects: list[QRectF],
        bias_rects: list[QRectF],
        labels: list[tuple[QRectF, str]],
        captions: list[tuple[QRectF, str]],
    ) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self._outline = QPainterPath()
        for r in unit_rects:
            self._outline.addRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
        self._bias_rects = bias_rects
        self._bias_outline = QPainterPath()
        for r in bias_rects:
            self._bias_outline.addRect(r)
        self._bias_brushes = []
        self._bias_text = []
        self._labels = labels
        self._captions = captions
        self.update()

    def set_biases(self, levels: np.ndarray, texts: list[tuple[QRectF, str]]) -> None:
        self._bias_brushes = [self._brush_cache[q] for q in levels.tolist()]
        self._bias_text = texts
        self.update()

    def set_active_caption(self, column: int) -> None:
        """Draw this column's caption bold and dark (−1: none)."""
        if column != self._active_caption:
            self._active_caption = column
            self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(_pen(OUTLINE, 1.0))
        p.drawPath(self._outline)
        if self._bias_brushes:
            for r, brush in zip(self._bias_rects, self._bias_brushes, strict=False):
                p.fillRect(r, brush)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(_pen(QColor(70, 70, 70), 1.0))
            p.drawPath(self._bias_outline)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.setPen(TEXT)
        p.setFont(self.label_font)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, text in self._labels:
            p.drawText(r, right, text)
        p.setFont(self.small_font)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        for r, text in self._bias_text:
            p.drawText(r, left, text)
        centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        p.setPen(FAINT_TEXT)
        for c, (r, text) in enumerate(self._captions):
            if c == self._active_caption:
                p.setPen(TEXT)
                p.setFont(self.bold_small_font)
                p.drawText(r.adjusted(-20, 0, 20, 0), centre, text)
                p.setPen(FAINT_TEXT)
                p.setFont(self.small_font)
            else:
                p.drawText(r, centre, text)


class _FillItem(pg.GraphicsObject):
    """A few filled rectangles: the active column's band (under the edges) or the veil over
    columns a phase has not reached yet (over everything but the hover halo)."""

    def __init__(self, color: QColor) -> None:
        super().__init__()
        self._brush = QBrush(color)
        self._rects: list[QRectF] = []
        self._rect = QRectF()

    def set_rects(self, rects: list[QRectF]) -> None:
        if rects == self._rects:
            return
        self.prepareGeometryChange()
        self._rects = rects
        self._rect = QRectF()
        for r in rects:
            self._rect = self._rect.united(r)
        self.update()

    def rects(self) -> list[QRectF]:
        return list(self._rects)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        for r in self._rects:
            p.fillRect(r, self._brush)


class _TraceItem(pg.GraphicsObject):
    """Phase stepping: each unit's value as a coloured frame and (small networks) a number on
    a white chip under it, the loss above the output column once it is known, and a tag
    ("∂L/∂W²", "ΔW¹") over each layer of edges that shows gradients instead of weights."""

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRectF()
        self._frames: list[tuple[QRectF, QPen]] = []
        self._texts: list[tuple[QRectF, str]] = []
        self._headline: tuple[QRectF, str] | None = None
        self._tags: list[tuple[QRectF, str]] = []
        self.font = QFont()
        self.font.setPixelSize(11)
        self.headline_font = QFont()
        self.headline_font.setPixelSize(13)
        self.headline_font.setBold(True)
        self.tag_font = QFont()
        self.tag_font.setPixelSize(11)
        self.tag_font.setBold(True)
        self._tag_pen = _pen(QColor(*GRADIENT_NEGATIVE), 1.0)

    def set_content(self, rect: QRectF, frames: list[tuple[QRectF, QPen]],
                    texts: list[tuple[QRectF, str]],
                    headline: tuple[QRectF, str] | None,
                    tags: list[tuple[QRectF, str]] | None = None) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self._frames, self._texts, self._headline = frames, texts, headline
        self._tags = tags or []
        self.update()

    def clear(self) -> None:
        if self._frames or self._texts or self._headline is not None or self._tags:
            self.set_content(QRectF(), [], [], None)

    def tags(self) -> list[str]:
        return [text for _, text in self._tags]

    def headline(self) -> str:
        return "" if self._headline is None else self._headline[1]

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setBrush(Qt.BrushStyle.NoBrush)
        dark = _pen(QColor(90, 90, 90), 1.0)
        for r, pen in self._frames:
            inset = pen.widthF() / 2
            p.setPen(pen)
            p.drawRect(r.adjusted(inset, inset, -inset, -inset))
            p.setPen(dark)
            p.drawRect(r.adjusted(-0.5, -0.5, 0.5, 0.5))
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        p.setFont(self.font)
        for r, text in self._texts:
            p.fillRect(r, TEXT_BOX)
            p.setPen(HIGHLIGHT)
            p.drawText(r.adjusted(2, 0, 0, 0), left, text)
        if self._headline is not None:
            r, text = self._headline
            p.fillRect(r, TEXT_BOX)
            p.setPen(HIGHLIGHT)
            p.setFont(self.headline_font)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
        p.setFont(self.tag_font)
        for r, text in self._tags:
            p.fillRect(r, TEXT_BOX)
            p.setPen(self._tag_pen)
            p.drawRect(r)
            p.setPen(HIGHLIGHT)
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)


class _OverlayItem(pg.GraphicsObject):
    """The hover highlight: a dark halo around one edge or one unit (kept separate so hovering
    never re-strokes thousands of edges)."""

    def __init__(self) -> None:
        super().__init__()
        self._line: QLineF | None = None
        self._line_pen = _pen(HIGHLIGHT, 1.0)
        self._color_pen = _pen(HIGHLIGHT, 1.0)
        self._unit: QRectF | None = None
        self._rect = QRectF()

    def show_edge(self, line: QLineF, color: QColor, width: float) -> None:
        self.prepareGeometryChange()
        self._line, self._unit = line, None
        self._line_pen = _pen(HIGHLIGHT, width + 4)
        self._line_pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._color_pen = _pen(color, width)
        pad = width + 4
        self._rect = QRectF(line.p1(), line.p2()).normalized().adjusted(-pad, -pad, pad, pad)
        self.update()

    def show_unit(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._line, self._unit = None, QRectF(rect)
        self._rect = rect.adjusted(-5, -5, 5, 5)
        self.update()

    def clear(self) -> None:
        self.prepareGeometryChange()
        self._line = self._unit = None
        self._rect = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, p: QPainter, *args: object) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setBrush(Qt.BrushStyle.NoBrush)
        if self._line is not None:
            p.setPen(self._line_pen)
            p.drawLine(self._line)
            p.setPen(self._color_pen)
            p.drawLine(self._line)
        elif self._unit is not None:
            p.setPen(_pen(HIGHLIGHT, 2.5))
            p.drawRect(self._unit.adjusted(-2, -2, 2, 2))


# --------------------------------------------------------------------------- legend + editor


class _ColorBar(QWidget):
    """A diverging palette from −scale to +scale, with its end values and an optional title
    (the weights' orange–blue, or the purple–green of gradients while phase stepping)."""

    def __init__(self, parent: QWidget | None = None,
                 colors: tuple[tuple[int, int, int], ...] = (NEGATIVE, ZERO, POSITIVE)) -> None:
        super().__init__(parent)
        self._scale = 1.0
        self._colors = colors
        self._title = ""
        self._title_width = 0.0
        self.setFixedSize(140, 20)

    def set_scale(self, scale: float) -> None:
        if scale != self._scale:
            self._scale = scale
            self.update()

    def set_title(self, title: str) -> None:
        """A name drawn left of the bar ("" for none, the normal view's look)."""
        if title != self._title:
            self._title = title
            bold = QFont(self.font())
            bold.setBold(True)
            extra = QFontMetricsF(bold).horizontalAdvance(title) + 6 if title else 0
            self._title_width = extra
            self.setFixedSize(140 + math.ceil(extra), 20)
            self.update()

    def title(self) -> str:
        return self._title

    def end_labels(self) -> tuple[str, str]:
        return f"−{self._scale:.2g}", f"+{self._scale:.2g}"

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        lo, hi = self.end_labels()
        fm = p.fontMetrics()
        flags = Qt.AlignmentFlag.AlignVCenter
        x0 = 0.0
        if self._title:
            x0 = self._title_width
            font = p.font()
            font.setBold(True)
            p.setFont(font)
            p.setPen(self.palette().windowText().color())
            p.drawText(QRectF(0, 0, x0, self.height()), flags | Qt.AlignmentFlag.AlignLeft,
                       self._title)
            font.setBold(False)
            p.setFont(font)
        wl = fm.horizontalAdvance(lo) + 4
        wh = fm.horizontalAdvance(hi) + 4
        bar = QRectF(x0 + wl, 5, self.width() - x0 - wl - wh, self.height() - 10)
        grad = QLinearGradient(bar.topLeft(), bar.topRight())
        for t, c in zip((0.0, 0.5, 1.0), self._colors, strict=True):
            grad.setColorAt(t, QColor(*c))
        p.fillRect(bar, grad)
        p.setPen(OUTLINE)
        p.drawRect(bar)
        p.setPen(self.palette().windowText().color())
        p.drawText(QRectF(x0, 0, wl, self.height()), flags | Qt.AlignmentFlag.AlignLeft, lo)
        p.drawText(
            QRectF(self.width() - wh, 0, wh, self.height()), flags | Qt.AlignmentFlag.AlignRight, hi
        )
        p.end()


class _FiniteFloatValidator(QValidator):
    """Accepts finite floats. Anything else is Intermediate, never Invalid, so a typed letter
    stays visible and Enter can explain the problem instead of silently dropping keys."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if len(text) > MAX_EDITOR_CHARS:
            return QValidator.State.Invalid, text, pos
        ok = parse_finite(text) is not None
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos


class _ValueEditor(QLineEdit):
    """One-line inline editor: Enter applies, Escape or clicking elsewhere cancels."""

    accepted = Signal(float)
    cancelled = Signal()

    _ERROR_STYLE = "QLineEdit#valueEditor { border: 2px solid #d62728; background: #fff5f5; }"
    _NORMAL_STYLE = "QLineEdit#valueEditor { border: 2px solid #3c4043; background: white; }"

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("valueEditor")
        self.setAccessibleName("Edit value")
        self.setValidator(_FiniteFloatValidator(self))
        self.setMaxLength(MAX_EDITOR_CHARS)
        self.setFixedWidth(170)
        self.setStyleSheet(self._NORMAL_STYLE)
        self.textEdited.connect(self._clear_error)
        self._active = False
        self.invalid = False
        self.hide()

    @property
    def active(self) -> bool:
        return self._active

    def open_at(self, text: str, pos: QPoint, hint: str) -> None:
        self._clear_error()
        self.setText(text)
        self.setToolTip(hint)
        self.setPlaceholderText("a finite number")
        parent = self.parentWidget()
        # just below-right of the click, so the clicked edge or unit stays visible
        x = min(max(0, pos.x() + 6), max(0, parent.width() - self.width()))
        y = min(max(0, pos.y() + 8), max(0, parent.height() - self.sizeHint().height()))
        self.move(x, y)
        self._active = True
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        self.selectAll()

    def close_editor(self) -> None:
        self._active = False
        self.hide()

    def event(self, e: QEvent) -> bool:
        # Window shortcuts (e.g. Escape = stop) must not steal the editor's own keys.
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) and e.key() in (
            Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter
        ):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            value = parse_finite(self.text())
            if value is None:
                self._show_error()
            else:
                self.close_editor()
                self.accepted.emit(value)
            return
        if e.key() == Qt.Key.Key_Escape:
            self._cancel()
            return
        super().keyPressEvent(e)

    def focusOutEvent(self, e: QFocusEvent) -> None:
        super().focusOutEvent(e)
        if self._active and e.reason() != Qt.FocusReason.PopupFocusReason:
            self._cancel()

    def _cancel(self) -> None:
        if self._active:
            self.close_editor()
            self.cancelled.emit()

    def _show_error(self) -> None:
        self.invalid = True
        self.setStyleSheet(self._ERROR_STYLE)
        QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), "enter a finite number",
                          self)

    @Slot()
    def _clear_error(self) -> None:
        if self.invalid:
            self.invalid = False
            self.setStyleSheet(self._NORMAL_STYLE)


# --------------------------------------------------------------------------- the widget


class NetworkView(QWidget):
    """The network diagram. Renders snapshots; user edits leave only as signals.

    Columns: 0 = input features, 1..L = layers (L = output). Weight layer ``l`` (0-based,
    ``snap.weights[l]`` of shape (n_in, n_out)) joins column ``l`` to column ``l + 1``.

    Phase stepping: ``set_trace`` overlays one phase of a training step (an
    ``engine.explain.TraceDisplay``) on the snapshot: the active column gets a yellow band and
    a bold caption, columns not computed yet are veiled, every unit shows its value (a or δ)
    as a coloured frame and, in small networks, as a number, and in backward and update phases
    the edges show ∂L/∂w or Δw on the purple–green gradient palette with a second legend bar. In
    that mode a click only selects (``weightSelected`` / ``unitSelected``) and a double-click
    opens the editor.
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
        self.setMinimumSize(420, 260)
        self.setMouseTracking(True)

        self._canvas = pg.GraphicsView(self, background=BACKGROUND)
        self._canvas.setObjectName("networkCanvas")
        self._canvas.setAccessibleName("Network diagram canvas")
        self._canvas.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._vb = pg.ViewBox(
            enableMouse=False, lockAspect=True, invertY=True, enableMenu=False, defaultPadding=0.0
        )
        self._vb.setMouseEnabled(False, False)
        self._vb.disableAutoRange()
        self._canvas.setCentralItem(self._vb)
        self._canvas.viewport().setMouseTracking(True)
        self._canvas.viewport().installEventFilter(self)

        self._edges = _EdgeItem()
        self._edges.setZValue(0)
        self._decor = _DecorItem()
        self._decor.setZValue(3)
        self._overlay = _OverlayItem()
        self._overlay.setZValue(10)
        self._band = _FillItem(ACTIVE_BAND)
        self._band.setZValue(-1)
        self._trace_item = _TraceItem()
        self._trace_item.setZValue(3.5)
        self._veil = _FillItem(VEIL)
        self._veil.setZValue(4)
        self._curves = pg.PlotCurveItem(pen=pg.mkPen(QColor(35, 35, 35), width=1.2),
                                        antialias=True, connect="finite")
        self._curves.setZValue(2)
        for item in (self._edges, self._decor, self._overlay, self._curves, self._band,
                     self._trace_item, self._veil):
            self._vb.addItem(item, ignoreBounds=True)
        self._mosaics: list[pg.ImageItem] = []
        self._buffers: list[np.ndarray] = []
        self._lut32 = np.ascontiguousarray(signed_lut(256), dtype=np.uint8).view(np.uint32).ravel()

        self._colorbar = _ColorBar(self)
        self._legend_text = QLabel(
            "weight / bias / activation: orange negative · blue positive; "
            "thicker edge = larger |w|; small corner square = bias",
            self,
        )
        self._legend_text.setWordWrap(True)
        small = self._legend_text.font()
        small.setPointSizeF(max(small.pointSizeF() - 1, 7.0))
        self._legend_text.setFont(small)
        self._colorbar.setFont(small)
        self._colorbar.setToolTip(
            "Edges and bias squares saturate at ±scale, the largest |w| or |b| in the network.\n"
            "Unit thumbnails use their activation's own range (tanh −1…1, sigmoid 0…1)."
        )
        self._normal_legend = self._legend_text.text()
        self._normal_colorbar_tip = self._colorbar.toolTip()

        # phase stepping only: the phase's caption, and the gradient palette's legend
        self._caption = QLabel(self)
        self._caption.setObjectName("traceCaption")
        self._caption.setAccessibleName("Phase caption")
        self._caption.setWordWrap(True)
        bold = self._caption.font()
        bold.setBold(True)
        self._caption.setFont(bold)
        self._caption.setStyleSheet(
            f"QLabel#traceCaption {{ background: {ACTIVE_CAPTION_BG}; color: #202124; "
            "padding: 2px 6px; }"
        )
        self._caption.setFixedHeight(2 * QFontMetricsF(bold).lineSpacing() + 6)
        self._caption.hide()
        self._grad_bar = _ColorBar(self, (GRADIENT_NEGATIVE, ZERO, GRADIENT_POSITIVE))
        self._grad_bar.setObjectName("gradientColorBar")
        self._grad_bar.setFont(small)
        self._grad_bar.hide()
        self._two_lines = math.ceil(2 * QFontMetricsF(small).lineSpacing() + 2)

        legend = QHBoxLayout()
        legend.setContentsMargins(6, 2, 6, 2)
        legend.setSpacing(8)
        legend.addWidget(self._colorbar)
        legend.addWidget(self._grad_bar)
        legend.addWidget(self._legend_text, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._canvas, 1)
        layout.addWidget(self._caption)
        layout.addLayout(legend)

        self._editor = _ValueEditor(self)
        self._editor.accepted.connect(self._apply_edit)
        self._edit_target: tuple | None = None

        self._drawn_maps: object = None
        self._snap: Snapshot | None = None
        self._arch: tuple | None = None
        self._layout: _Layout | None = None
        self._scale = 1.0
        self._edge_levels = np.zeros(0, dtype=np.int64)
        self._edge_muted: np.ndarray | None = None
        self._edge_faded: np.ndarray | None = None
        self._edge_mode = "w"
        self._trace: TraceDisplay | None = None
        self._dimmed: set[int] = set()
        self._unit_texts: dict[tuple[int, int], str] = {}
        self._legend_state: tuple | None = None
        self._hover: tuple | None = None
        self._hover_global = QPoint()
        self._centers: list[float] = []
        self._vb.sigResized.connect(self._on_canvas_resized)

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
            isinstance(snap.maps, CurveMaps), tuple(snap.maps.units[0].shape[1:]),
        )
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
        if self._snap is not None and self._layout is not None:
            self._update_values()
        else:
            self._update_legend(None)

    def trace(self) -> TraceDisplay | None:
        """The display given to ``set_trace`` (None in the normal view)."""
        return self._trace

    def in_trace_mode(self) -> bool:
        """True while a phase display is drawn (then a click selects, a double-click edits)."""
        return self._shown_trace() is not None

    def dimmed_columns(self) -> set[int]:
        """Columns veiled because the current phase has not computed them yet."""
        return set(self._dimmed) if self.in_trace_mode() else set()

    def unit_text(self, column: int, j: int) -> str:
        """The text drawn under a unit: its value while phase stepping ("a=0.7311",
        "δ=−0.0123", "ŷ=0.52 · y=1"), else its bias ("b=0.12"); "" when none is drawn."""
        return self._unit_texts.get((column, j), "")

    def edge_mode(self) -> str:
        """What the edges' colours show: "w" (weights), "∂L/∂w" or "Δw" (gradient palette)."""
        return self._edge_mode

    def edge_color(self, layer: int, i: int, j: int) -> QColor:
        """The colour edge (layer, i, j) is drawn in now (alpha < 255: faded, because the
        column it leads to is not computed yet)."""
        lay = self._require_layout()
        n_out = int(lay.col_start[layer + 2] - lay.col_start[layer + 1])
        k = int(lay.edge_start[layer]) + i * n_out + j
        if self._edge_muted is not None and self._edge_muted[k]:
            return QColor(MUTED_EDGE)
        faded = self._edge_faded is not None and bool(self._edge_faded[k])
        return self._edges.color(int(self._edge_levels[k]), FADED_ALPHA if faded else 255)

    def _shown_trace(self) -> TraceDisplay | None:
        """The phase display if it fits the network shown, else None."""
        tr, snap = self._trace, self._snap
        if tr is None or snap is None:
            return None
        sizes = tuple(int(n) for n in snap.sizes)
        if len(tr.unit_values) != len(sizes) or len(tr.edge_values) != len(sizes) - 1:
            return None
        for v, n in zip(tr.unit_values, sizes, strict=True):
            if v is not None and np.shape(v) != (n,):
                return None
        for e, n_in, n_out in zip(tr.edge_values, sizes, sizes[1:], strict=False):
            if e is not None and np.shape(e) != (n_in, n_out):
                return None
        return tr

    def column_centers(self) -> list[float]:
        """x centre of every column (inputs first) in this widget's pixel coordinates."""
        return list(self._centers)

    def hovered(self) -> tuple | None:
        """("edge", layer, i, j), ("unit", column, j) or None — what the mouse is over."""
        return self._hover

    def tooltip_text(self) -> str:
        """The hover tooltip for what is hovered now, from the latest snapshot ("" if none)."""
        if self._hover is None or self._snap is None:
            return ""
        if self._hover[0] == "edge":
            return self._edge_text(*self._hover[1:])
        return self._unit_text(*self._hover[1:])

    def unit_at(self, pos: QPointF | QPoint) -> tuple[int, int] | None:
        """(column, unit) whose thumbnail is under ``pos`` (widget coordinates)."""
        lay = self._layout
        if lay is None or not len(lay.unit_xy):
            return None
        x, y = self._widget_to_view(QPointF(pos))
        half = lay.thumb / 2 + 2.0
        d = np.abs(lay.unit_xy - (x, y))
        hit = np.flatnonzero((d[:, 0] <= half) & (d[:, 1] <= half))
        if not hit.size:
            return None
        k = int(hit[np.argmin(d[hit].sum(axis=1))])
        return int(lay.unit_col[k]), int(lay.unit_idx[k])

    def edge_at(self, pos: QPointF | QPoint) -> tuple[int, int, int] | None:
        """(weight layer, i, j) of the edge nearest ``pos`` within 4 px, else None."""
        lay = self._layout
        if lay is None or not len(lay.edges):
            return None
        x, y = self._widget_to_view(QPointF(pos))
        half = lay.thumb / 2
        # only one layer's edges can pass through this x: the gap between two columns
        layer = int(np.searchsorted(lay.col_x, x)) - 1
        if layer < 0 or layer >= len(lay.col_x) - 1:
            return None
        if not (lay.col_x[layer] + half - EDGE_PICK_PX <= x
                <= lay.col_x[layer + 1] - half + EDGE_PICK_PX):
            return None
        k, d2 = self._nearest_edges(layer, np.array([x]), np.array([y]))
        if d2[0] > EDGE_PICK_PX**2:
            return None
        n_out = int(lay.col_start[layer + 2] - lay.col_start[layer + 1])
        return layer, int(k[0]) // n_out, int(k[0]) % n_out

    def _nearest_edges(self, layer: int, x: np.ndarray, y: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
        """For points (view coordinates), the nearest edge of ``layer`` (index within the
        layer) and its squared distance: vectorised point-to-segment distance."""
        lay = self._require_layout()
        seg = lay.edges[int(lay.edge_start[layer]):int(lay.edge_start[layer + 1])]
        x0, y0 = seg[:, 0], seg[:, 1]
        dx, dy = seg[:, 2] - x0, seg[:, 3] - y0
        dd = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1.0)
        px, py = x[:, None], y[:, None]
        t = np.clip(((px - x0) * dx + (py - y0) * dy) / dd, 0.0, 1.0)
        d2 = (x0 + t * dx - px) ** 2 + (y0 + t * dy - py) ** 2
        k = np.argmin(d2, axis=1)
        return k, d2[np.arange(len(k)), k]

    def unit_position(self, column: int, j: int) -> QPoint:
        """Centre of a unit's thumbnail in widget coordinates."""
        lay = self._require_layout()
        x, y = lay.unit_xy[lay.col_start[column] + j]
        return self._view_to_widget(x, y).toPoint()

    def edge_position(self, layer: int, i: int, j: int) -> QPoint:
        """A widget pixel on the edge that hit-tests to it: the midpoint unless other edges
        cross there (symmetric layouts cross at midpoints; dense layers cross everywhere), else
        the pixel nearest the middle that picks this edge."""
        lay = self._require_layout()
        n_out = int(lay.col_start[layer + 2] - lay.col_start[layer + 1])
        k = i * n_out + j
        x0, y0, x1, y1 = lay.edges[int(lay.edge_start[layer]) + k]
        sx, sy, ox, oy = self._affine()
        ts = np.linspace(0.02, 0.98, 193)
        ts = ts[np.argsort(np.abs(ts - 0.5), kind="stable")]
        wx, wy = (x0 + ts * (x1 - x0)) * sx + ox, (y0 + ts * (y1 - y0)) * sy + oy
        # candidate pixels: rounded first, then the other three around each point
        cx = np.column_stack([np.rint(wx), np.floor(wx), np.ceil(wx), np.floor(wx)]).ravel()
        cy = np.column_stack([np.rint(wy), np.floor(wy), np.ceil(wy), np.ceil(wy)]).ravel()
        vx, vy = (cx - ox) / sx, (cy - oy) / sy
        clear = lay.thumb / 2 + 3.0
        inside_gap = (vx > lay.col_x[layer] + clear) & (vx < lay.col_x[layer + 1] - clear)
        nearest, d2 = self._nearest_edges(layer, vx, vy)
        ok = np.flatnonzero(inside_gap & (nearest == k) & (d2 <= EDGE_PICK_PX**2))
        if ok.size:
            return QPoint(int(cx[ok[0]]), int(cy[ok[0]]))
        return self._view_to_widget((x0 + x1) / 2, (y0 + y1) / 2).toPoint()

    def begin_edit_weight(self, layer: int, i: int, j: int, at: QPoint | None = None) -> None:
        """Open the inline editor on weight ``weights[layer][i, j]`` (at ``at`` or the edge)."""
        snap = self._require_snapshot()
        value = float(snap.weights[layer][i, j])
        self._edit_target = ("weight", layer, i, j)
        pos = at if at is not None else self.edge_position(layer, i, j)
        self._editor.open_at(repr(value), pos,
                             f"{weight_symbol(layer, i, j)}: Enter applies, Esc cancels")

    def begin_edit_bias(self, layer: int, j: int, at: QPoint | None = None) -> None:
        """Open the inline editor on bias ``biases[layer][j]`` (layer 0 = first hidden layer)."""
        snap = self._require_snapshot()
        b = snap.biases[layer]
        if b is None:
            raise ValueError("this network has no biases")
        value = float(b[j])
        self._edit_target = ("bias", layer, j)
        pos = at if at is not None else self.unit_position(layer + 1, j)
        self._editor.open_at(repr(value), pos,
                             f"{bias_symbol(layer, j)}: Enter applies, Esc cancels")

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
        if not edit or self._snap is None or self._layout is None:
            return  # (a slot connected to the selection may have changed what is shown)
        if target[0] == "edge":
            self.begin_edit_weight(*target[1:], at=pos.toPoint())
        elif target[1] >= 1 and self._snap.use_bias:
            self.begin_edit_bias(target[1] - 1, target[2], at=pos.toPoint())

    @Slot(object)
    def _on_canvas_resized(self, _vb: object = None) -> None:
        self._relayout()

    @Slot(float)
    def _apply_edit(self, value: float) -> None:
        target, self._edit_target = self._edit_target, None
        if target is None:
            return
        if target[0] == "weight":
            self.weightEditRequested.emit(target[1], target[2], target[3], value)
        else:
            self.biasEditRequested.emit(target[1], target[2], value)

    def _cancel_edit(self) -> None:
        self._edit_target = None
        if self._editor.active:
            self._editor.close_editor()

    # ------------------------------------------------------------------ hover

    def _hit(self, pos: QPointF) -> tuple | None:
        unit = self.unit_at(pos)
        if unit is not None:
            return ("unit", *unit)
        edge = self.edge_at(pos)
        return None if edge is None else ("edge", *edge)

    def _set_hover(self, target: tuple | None) -> None:
        old, self._hover = self._hover, target
        if target != old:
            self._update_overlay()
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

    def _update_overlay(self) -> None:
        lay, h = self._layout, self._hover
        if lay is None or h is None:
            self._overlay.clear()
        elif h[0] == "unit":
            self._overlay.show_unit(lay.unit_rect(h[1], h[2]))
        else:
            layer, i, j = h[1:]
            n_out = lay.col_start[layer + 2] - lay.col_start[layer + 1]
            k = lay.edge_start[layer] + i * n_out + j
            q = int(self._edge_levels[k]) if k < len(self._edge_levels) else 0
            muted = self._edge_muted is not None and k < len(self._edge_muted) \
                and bool(self._edge_muted[k])
            color = QColor(MUTED_EDGE) if muted else self._edges.color(q)
            self._overlay.show_edge(QLineF(*lay.edges[k]), color, self._edges.width_for(q))

    def _column_name(self, column: int, unit: int) -> str:
        snap = self._snap
        assert snap is not None
        if column == 0:
            return snap.data.feature_labels[unit]
        if column == snap.depth:
            return f"output unit {unit + 1}"
        return f"layer {column} unit {unit + 1}"

    def _edge_text(self, layer: int, i: int, j: int) -> str:
        snap = self._snap
        assert snap is not None
        w = float(snap.weights[layer][i, j])
        g = float(snap.grad_weights[layer][i, j])
        src, dst = self._column_name(layer, i), self._column_name(layer + 1, j)
        tr = self._shown_trace()
        lines = [f"Weight {weight_symbol(layer, i, j)} ({src} → {dst})", f"w = {format_value(w)}"]
        if tr is not None and tr.edge_kind is not EdgeQuantity.WEIGHT:
            e = tr.edge_values[layer]
            what = ("this step" if tr.edge_kind is EdgeQuantity.GRADIENT
                    else "the change this update made")
            lines.append(f"{tr.edge_kind}: not computed yet in this step" if e is None
                         else f"{tr.edge_kind} = {fmt(float(e[i, j]))} ({what})")
        else:
            lines.append(f"∂L/∂w = {format_value(g)} (last step)")
        lines.append("double-click to edit" if tr is not None else "click to edit")
        return "\n".join(lines)

    def _trace_unit_lines(self, column: int, j: int) -> list[str]:
        """Tooltip lines for a unit while phase stepping: its a and z, or δ, this step."""
        tr, snap = self._shown_trace(), self._snap
        if tr is None or snap is None:
            return []
        kind = "δ" if tr.unit_kind is UnitQuantity.ERROR else "a"
        v = tr.unit_values[column]
        if v is None:
            return [f"this step: {kind} not computed yet"]
        mean = f" (batch mean of {tr.n_samples} samples)" if tr.n_samples > 1 else ""
        if kind == "δ":
            text = f"δ = {fmt(float(v[j]))} (= ∂L/∂z)"
        elif column == 0:
            text = f"{snap.data.feature_labels[j]} = {fmt(float(v[j]))}"
        else:
            z = tr.pre_activation[column]
            text = f"a = {fmt(float(v[j]))}" + ("" if z is None else f", z = {fmt(float(z[j]))}")
        lines = [f"this step: {text}{mean}"]
        if (kind == "a" and column == snap.depth and tr.loss is not None
                and tr.prediction is not None and tr.target is not None):
            lines.append(f"prediction ŷ = {fmt(float(tr.prediction[j]))}, "
                         f"target y = {fmt(float(tr.target[j]))}; loss L = {fmt(tr.loss)}")
        return lines

    def _range_text(self, column: int, j: int) -> str:
        snap = self._snap
        assert snap is not None
        v = snap.maps.units[column][j]
        finite = v[np.isfinite(v)]
        if not finite.size:
            return "not finite"
        return f"{_short(float(finite.min()))} … {_short(float(finite.max()))}"

    def _unit_text(self, column: int, j: int) -> str:
        snap = self._snap
        assert snap is not None
        where = "along x₁" if isinstance(snap.maps, CurveMaps) else "over the plane"
        trace_lines = self._trace_unit_lines(column, j)
        if column == 0:
            label = snap.data.feature_labels[j]
            return "\n".join([f"Input feature {label} (data, not trained)", *trace_lines,
                              f"value {where}: {self._range_text(0, j)}"])
        layer = column - 1
        act = snap.activations[layer]
        if column == snap.depth:
            title = f"Output layer (layer {column}), unit {j + 1} ({act})"
        else:
            title = f"Layer {column}, unit {j + 1} ({act})"
        lines = [title, *trace_lines]
        b = snap.biases[layer]
        if b is None or not snap.use_bias:
            lines.append("no bias (biases are switched off)")
        else:
            gb = snap.grad_biases[layer]
            lines.append(f"bias {bias_symbol(layer, j)} = {format_value(float(b[j]))}")
            lines.append(
                f"∂L/∂b = {format_value(None if gb is None else float(gb[j]))} (last step)"
            )
        lines.append(f"activation {where}: {self._range_text(column, j)}")
        if b is not None and snap.use_bias:
            lines.append("double-click to edit the bias" if trace_lines
                         else "click to edit the bias")
        return "\n".join(lines)

    # ------------------------------------------------------------------ geometry

    def _require_layout(self) -> _Layout:
        if self._layout is None:
            raise RuntimeError("no snapshot shown yet")
        return self._layout

    def _require_snapshot(self) -> Snapshot:
        if self._snap is None:
            raise RuntimeError("no snapshot shown yet")
        return self._snap

    def _affine(self) -> tuple[float, float, float, float]:
        """(sx, sy, ox, oy) with widget = view · s + o; asked of Qt each time, so never stale."""
        vp = self._canvas.viewport()
        off = QPointF(vp.mapTo(self, QPoint(0, 0)))
        tr = self._canvas.viewportTransform()
        a = tr.map(self._vb.mapViewToScene(QPointF(0.0, 0.0))) + off
        b = tr.map(self._vb.mapViewToScene(QPointF(100.0, 100.0))) + off
        sx, sy = (b.x() - a.x()) / 100.0, (b.y() - a.y()) / 100.0
        return (sx or 1.0), (sy or 1.0), a.x(), a.y()

    def _view_to_widget(self, x: float, y: float) -> QPointF:
        sx, sy, ox, oy = self._affine()
        return QPointF(x * sx + ox, y * sy + oy)

    def _widget_to_view(self, p: QPointF) -> tuple[float, float]:
        sx, sy, ox, oy = self._affine()
        return (p.x() - ox) / sx, (p.y() - oy) / sy

    def _clear_scene(self) -> None:
        for item in self._mosaics:
            self._vb.removeItem(item)
        self._mosaics, self._buffers = [], []
        self._layout = None
        self._edges.set_segments(np.zeros((0, 4)), QRectF())
        self._decor.set_geometry(QRectF(), [], [], [], [])
        self._curves.setData([], [])
        self._set_hover(None)
        self._overlay.clear()
        self._band.set_rects([])
        self._veil.set_rects([])
        self._trace_item.clear()
        self._decor.set_active_caption(-1)
        self._dimmed = set()
        self._unit_texts = {}
        self._edge_muted = None
        self._edge_faded = None
        self._edge_mode = "w"
        self._update_legend(None)
        self._set_centers([])

    def _relayout(self) -> None:
        """Rebuild all geometry for the current architecture and canvas size."""
        w, h = float(self._vb.width()), float(self._vb.height())
        if w < 2 or h < 2:
            self._layout = None  # collapsed: nothing to hit-test until the next resize
            self._set_hover(None)
            return
        self._vb.setRange(QRectF(0, 0, w, h), padding=0)
        snap = self._snap
        if snap is None:
            self._clear_scene()
            return
        self._set_hover(None)
        curve = isinstance(snap.maps, CurveMaps)
        sizes = tuple(int(s) for s in snap.sizes)
        fm = QFontMetricsF(self._decor.label_font)
        fs = QFontMetricsF(self._decor.small_font)
        label_w = max(fm.horizontalAdvance(s) for s in snap.data.feature_labels)
        n_units = sum(sizes)
        # room for text under units whether or not there are biases: phase stepping prints
        # each unit's value there, and entering it must not move the geometry
        bias_text = n_units <= SMALL_NETWORK_UNITS
        bias_w = 2 * (fs.horizontalAdvance("b=−0.00") + 8)
        cell_rows = 8 if curve else int(snap.maps.units[0].shape[1])
        lay = _compute_layout(sizes, w, h, cell_rows, label_w, bias_w, bias_text,
                              fs.height() + 2)
        self._layout = lay

        # one mosaic ImageItem per column
        while len(self._mosaics) < len(sizes):
            item = pg.ImageItem(axisOrder="row-major")
            item.setZValue(1)
            # a pixmap cache: the thumbnails change 10×/s, the edges under them 30×/s
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self._vb.addItem(item, ignoreBounds=True)
            self._mosaics.append(item)
        while len(self._mosaics) > len(sizes):
            self._vb.removeItem(self._mosaics.pop())
        self._buffers = []
        self._drawn_maps = None  # fresh (empty) buffers: the next update must fill them
        res = int(snap.maps.units[0].shape[-1])
        for c, n in enumerate(sizes):
            rows = n * (lay.cell_rows + lay.gap_rows) - lay.gap_rows
            buf = np.zeros((n, lay.cell_rows + lay.gap_rows, res), dtype=np.uint32)
            self._buffers.append(buf)
            height = lay.thumb * rows / lay.cell_rows
            # setRect scales by the current image's size, so give it the right shape first
            self._mosaics[c].setImage(buf.view(np.uint8).reshape(-1, res, 4)[:rows],
                                      autoLevels=False)
            self._mosaics[c].setRect(
                QRectF(lay.col_x[c] - lay.thumb / 2, lay.col_top[c], lay.thumb, height)
            )

        rect = QRectF(0, 0, w, h)
        self._edges.set_segments(lay.edges, rect)
        unit_rects = [lay.unit_rect(c, j) for c, n in enumerate(sizes) for j in range(n)]
        bias_rects = (
            [lay.bias_rect(c, j) for c in range(1, len(sizes)) for j in range(sizes[c])]
            if snap.use_bias else []
        )
        labels = []
        for j, text in enumerate(snap.data.feature_labels):
            r = lay.unit_rect(0, j)
            labels.append((QRectF(2, r.top() - 4, r.left() - 8, r.height() + 8), text))
        captions = self._captions(lay, sizes, fs)
        self._decor.set_geometry(rect, unit_rects, bias_rects, labels, captions)
        self._set_centers([self._view_to_widget(x, 0).x() for x in lay.col_x])
        self._update_values()

    def _captions(self, lay: _Layout, sizes: tuple[int, ...], fm: QFontMetricsF) -> list:
        n = len(sizes)
        spacing = (lay.col_x[-1] - lay.col_x[0]) / max(n - 1, 1)
        long = spacing >= fm.horizontalAdvance("layer 16") + 8
        out = []
        for c in range(n):
            if c == 0:
                text = "inputs" if long else "in"
            elif c == n - 1:
                text = "output" if long else "out"
            else:
                text = f"layer {c}" if long else str(c)
            half = fm.horizontalAdvance(text) / 2 + 2
            x = float(np.clip(lay.col_x[c], half, lay.width - half))
            out.append((QRectF(x - half, lay.caption_y, 2 * half, 16), text))
        return out

    def _set_centers(self, centers: list[float]) -> None:
        if centers != self._centers:
            self._centers = centers
            self.geometryChanged.emit()

    # ------------------------------------------------------------------ per frame

    def _update_values(self) -> None:
        """Re-colour everything from the current snapshot (and phase display, if any): the
        per-frame path, kept vectorised."""
        snap, lay = self._snap, self._layout
        if snap is None or lay is None:
            return
        tr = self._shown_trace()
        weights = [np.asarray(w) for w in snap.weights]
        biases = [np.asarray(b) for b in snap.biases if b is not None] if snap.use_bias else []
        self._scale = _scale_of(weights + biases)
        self._colorbar.set_scale(self._scale)

        grad_scale = None
        if tr is None or tr.edge_kind == "w":
            flat = np.concatenate([w.ravel() for w in weights]) if weights else np.zeros(0)
            self._edge_levels = _levels(flat, self._scale, EDGE_LEVELS)
            self._edge_muted = None
            self._edge_mode = "w"
            self._edges.set_palette(NEGATIVE, POSITIVE)
        else:
            # ∂L/∂w or Δw on their own purple–green scale; layers not computed yet: faint grey
            shown = [np.asarray(e, dtype=np.float64) for e in tr.edge_values if e is not None]
            grad_scale = _peak(shown)
            flat = np.concatenate([
                np.zeros(w.size) if e is None else np.asarray(e, dtype=np.float64).ravel()
                for w, e in zip(weights, tr.edge_values, strict=True)
            ]) if weights else np.zeros(0)
            self._edge_muted = np.concatenate([
                np.full(w.size, e is None) for w, e in zip(weights, tr.edge_values, strict=True)
            ]) if weights else np.zeros(0, dtype=bool)
            self._edge_levels = _levels(flat, grad_scale, EDGE_LEVELS)
            self._edge_levels[self._edge_muted] = 0
            self._edge_mode = tr.edge_kind
            self._edges.set_palette(GRADIENT_NEGATIVE, GRADIENT_POSITIVE)
        magnitude = np.abs(flat)
        if self._edge_muted is not None:
            magnitude[self._edge_muted] = 0.0
        faded = None
        if tr is not None:  # edges into columns not computed yet are faded with them
            not_yet = [v is None for v in tr.unit_values[1:]]
            if any(not_yet):
                faded = np.repeat(not_yet, np.diff(lay.edge_start))
        self._edge_faded = faded
        self._edges.set_values(self._edge_levels, magnitude, self._edge_muted, faded)

        if snap.maps is not self._drawn_maps:  # maps refresh less often than weights
            self._drawn_maps = snap.maps
            self._update_mosaics(snap, lay)

        self._unit_texts = {}
        if snap.use_bias and biases:
            flat_b = np.concatenate([b.ravel() for b in biases])
            texts = []
            if lay.show_bias_text and tr is None:  # while stepping, values take this place
                k = 0
                for c in range(1, len(snap.sizes)):
                    for j in range(snap.sizes[c]):
                        r = lay.unit_rect(c, j)
                        x0 = r.left() + lay.bias_side / 2 + 2
                        text = f"b={_short(float(flat_b[k]))}"
                        texts.append((QRectF(x0, r.bottom() + 1, 80, 12), text))
                        self._unit_texts[(c, j)] = text
                        k += 1
            self._decor.set_biases(_levels(flat_b, self._scale, BIAS_LEVELS), texts)
        unit_scale = self._update_trace_items(tr, snap, lay)
        self._update_legend(tr, grad_scale, unit_scale)
        if self._hover is not None:
            self._update_overlay()
            if QToolTip.isVisible():
                QToolTip.showText(self._hover_global, self.tooltip_text(), self)

    def _unit_value_text(self, tr: TraceDisplay, snap: Snapshot, column: int, j: int,
                         v: float) -> str:
        if tr.unit_kind is UnitQuantity.ERROR:
            return f"δ={fmt(v)}"
        if column == 0:
            return f"{snap.data.feature_labels[j]}={fmt(v)}"
        if column == snap.depth and tr.loss is not None and tr.prediction is not None:
            if tr.target is None:  # a batch: its mean target would be no sample's target
                return f"ŷ={fmt(float(tr.prediction[j]))}"
            return f"ŷ={fmt(float(tr.prediction[j]))} · y={fmt(float(tr.target[j]))}"
        return f"a={fmt(v)}"

    def _update_trace_items(self, tr: TraceDisplay | None, snap: Snapshot,
                            lay: _Layout) -> float | None:
        """The phase overlay: band, veil, unit frames and numbers, the loss. Returns the δ
        colour scale (None unless units show δ)."""
        if tr is None:
            self._dimmed = set()
            self._band.set_rects([])
            self._veil.set_rects([])
            self._trace_item.clear()
            self._decor.set_active_caption(-1)
            return None
        n_cols = len(lay.col_x)
        self._dimmed = {c for c, v in enumerate(tr.unit_values) if v is None}
        delta = tr.unit_kind is UnitQuantity.ERROR
        unit_scale = _peak([v for v in tr.unit_values if v is not None]) if delta else None
        fm = QFontMetricsF(self._trace_item.font)
        frame_w = float(np.clip(round(lay.thumb / 8), 2.0, 6.0))
        frames: list[tuple[QRectF, QPen]] = []
        texts: list[tuple[QRectF, str]] = []
        text_right = np.full(n_cols, -np.inf)
        for c, values in enumerate(tr.unit_values):
            if values is None:
                continue
            v = np.asarray(values, dtype=np.float64)
            if delta:
                s = v / unit_scale
            elif c == 0:
                # like the input thumbnails: each feature against its peak |value| on the plane
                s = v / np.array([_peak([m]) for m in snap.maps.units[0]])
            else:
                # the thumbnails' levels: the activation's range, or (ReLU, linear) ± the
                # largest |a| the layer's maps reach
                m = np.asarray(snap.maps.units[c])
                lo, hi = activation_levels(snap.activations[c - 1], m[np.isfinite(m)])
                s = 2.0 * (v - lo) / (hi - lo) - 1.0
            s = np.clip(np.nan_to_num(s, nan=0.0), -1.0, 1.0)
            for j in range(len(v)):
                r = lay.unit_rect(c, j)
                frames.append((r, _pen(signed_color(float(s[j]), 1.0), frame_w)))
                if not lay.show_bias_text:
                    continue
                text = self._unit_value_text(tr, snap, c, j, float(v[j]))
                self._unit_texts[(c, j)] = text
                w = fm.horizontalAdvance(text) + 5
                x0 = r.left() + (lay.bias_side / 2 + 2 if snap.use_bias and c else 0.0)
                x0 = max(2.0, min(x0, lay.width - 2 - w))
                texts.append((QRectF(x0, r.bottom() + 1, w, 13), text))
                text_right[c] = max(text_right[c], x0 + w)
        headline = None
        if tr.loss is not None:
            text = f"L = {fmt(tr.loss)}"
            hf = QFontMetricsF(self._trace_item.headline_font)
            w, h = hf.horizontalAdvance(text) + 10, hf.height() + 4
            x = float(np.clip(lay.col_x[-1] - w / 2, 2.0, lay.width - 2 - w))
            y = max(2.0, float(lay.col_top[-1]) - 8 - h)
            headline = (QRectF(x, y, w, h), text)
        tags = []
        if tr.edge_kind is not EdgeQuantity.WEIGHT:
            tf = QFontMetricsF(self._trace_item.tag_font)
            name = "∂L/∂W" if tr.edge_kind is EdgeQuantity.GRADIENT else "ΔW"
            for l, e in enumerate(tr.edge_values):
                if e is None:
                    continue
                text = f"{name}{sup(l + 1)}"
                w, h = tf.horizontalAdvance(text) + 10, tf.height() + 4
                x = (lay.col_x[l] + lay.col_x[l + 1]) / 2 - w / 2
                tags.append((QRectF(x, 3, w, h), text))
        self._trace_item.set_content(QRectF(0, 0, lay.width, lay.height), frames, texts,
                                     headline, tags)

        half = lay.thumb / 2
        # each column's right edge: the thumbnail, its value chips and (active) its band
        right_edge = np.maximum(lay.col_x + half, text_right)
        bands = []
        active = tr.active_column if 0 <= tr.active_column < n_cols else -1
        if active >= 0:
            pad = max(10.0, lay.bias_side + 4)
            x0 = lay.col_x[active] - half - pad
            right_edge[active] = max(lay.col_x[active] + half + pad, text_right[active] + 4)
            bands.append(QRectF(x0, 2, right_edge[active] - x0, lay.caption_y + 16))
        self._band.set_rects(bands)
        veils = []
        for c in sorted(self._dimmed):
            # the column's units, bias squares and (inputs) labels; its incoming edges are
            # faded by their pens, so the veil never lightens the neighbours' band or numbers
            x0 = 0.0 if c == 0 else max(right_edge[c - 1],
                                        lay.col_x[c] - half - lay.bias_side / 2 - 1)
            x1 = lay.width if c == n_cols - 1 else lay.col_x[c] + half + 0.5
            veils.append(QRectF(x0, 0, max(x1 - x0, 0.0), lay.caption_y - 1))
        self._veil.set_rects(veils)
        self._decor.set_active_caption(active)
        return unit_scale

    def _update_legend(self, tr: TraceDisplay | None, grad_scale: float | None = None,
                       unit_scale: float | None = None) -> None:
        """The legend row for the normal view, or (phase stepping) the phase's caption above
        one row: the weights' bar, the gradient palette's bar (backward and update phases)
        and what edges, unit frames and veils mean. Heights stay fixed while stepping, so
        going from phase to phase never moves the diagram."""
        if grad_scale is not None:
            self._grad_bar.set_scale(grad_scale)
        state = (None if tr is None else (tr.caption, tr.unit_kind, tr.edge_kind,
                                          unit_scale, bool(self._dimmed)))
        if state == self._legend_state:
            return
        self._legend_state = state
        if tr is None:
            self._caption.hide()
            self._grad_bar.hide()
            self._colorbar.set_title("")
            self._colorbar.setToolTip(self._normal_colorbar_tip)
            self._legend_text.setText(self._normal_legend)
            self._legend_text.setToolTip("")
            self._legend_text.setMinimumHeight(0)
            self._legend_text.setMaximumHeight(16777215)
            return
        self._caption.setText(tr.caption)
        self._caption.show()
        if tr.edge_kind == "w":
            edges, more = "Edges: weights w.", " Thicker = larger |w|."
        elif tr.edge_kind is EdgeQuantity.GRADIENT:
            edges = "Edges ∂L/∂w: purple − · green +."
            more = " ∂L/∂w of this step, on its own scale; thicker = larger |∂L/∂w|."
        else:
            edges = "Edges Δw: purple − · green +."
            more = " Δw is the change this update made; thicker = larger |Δw|."
        if tr.unit_kind is UnitQuantity.ERROR:
            units = f"Units δ: orange − · blue + (±{unit_scale:.2g})."
        else:
            units = "Units a: orange low · blue high."
        faded = " Faded = not yet computed." if self._dimmed else ""
        self._legend_text.setText(f"{edges} {units}{faded}")
        self._legend_text.setToolTip(
            f"{edges}{more}\n{units} Each unit's frame colour and number are its value in "
            "this phase (the batch mean for a batch).\nCorner squares: biases b, on the "
            f"w, b scale.{faded}")
        self._legend_text.setFixedHeight(self._two_lines * 3 // 2 + 2)
        self._colorbar.set_title("w, b")
        self._colorbar.setToolTip("Weights (edges, when they show w) and biases (corner "
                                  "squares) saturate at ±scale.")
        gradient = tr.edge_kind is not EdgeQuantity.WEIGHT
        self._grad_bar.setVisible(gradient)
        if gradient:
            self._grad_bar.set_title(tr.edge_kind)
            self._grad_bar.setToolTip(f"{tr.edge_kind} on its own purple–green scale (not the "
                                      "weights'): edges saturate at ± the largest |value| "
                                      "shown.")

    def _update_mosaics(self, snap: Snapshot, lay: _Layout) -> None:
        """Colour every thumbnail through the palette into each column's mosaic buffer.

        Buffers are uint32 words (one RGBA pixel each) so the LUT lookup is a single ``take``;
        gap rows stay 0, i.e. transparent.
        """
        curve = isinstance(snap.maps, CurveMaps)
        xs_all, ys_all = [], []
        for c, values in enumerate(snap.maps.units):
            v = np.asarray(values, dtype=np.float32)
            n = len(v)
            if c == 0:
                a = np.abs(v.reshape(n, -1))
                peak = np.fmax(a, 0.0, where=np.isfinite(a), out=np.zeros_like(a)).max(axis=1)
                peak = np.where(peak > 1e-12, peak, 1.0)
                lo, span = -peak, 2 * peak
            else:
                finite = v if np.isfinite(v).all() else v[np.isfinite(v)]
                lo_s, hi_s = activation_levels(snap.activations[c - 1], finite)
                lo, span = np.full(n, lo_s), np.full(n, hi_s - lo_s)
            shape = (n,) + (1,) * (v.ndim - 1)
            scale = (1.0 / span).astype(np.float32).reshape(shape)
            with np.errstate(invalid="ignore", over="ignore"):
                t = (v - lo.astype(np.float32).reshape(shape)) * scale
            # fmax/fmin drop NaN in favour of the bound, so a diverged unit draws orange, no warning
            t = np.fmin(np.fmax(t, 0.0), 1.0)
            colors = self._lut32.take((t * 255.0 + 0.5).astype(np.uint8))
            buf = self._buffers[c]
            if curve:
                buf[:, : lay.cell_rows] = colors[:, None, :]
                # the function itself as a dark curve across the strip
                res = v.shape[1]
                top = lay.col_top[c] + np.arange(n) * lay.pitch
                ys = top[:, None] + (1.0 - t) * (lay.thumb - 2) + 1
                xs = np.broadcast_to(
                    lay.col_x[c] - lay.thumb / 2 + np.linspace(0, lay.thumb, res), (n, res)
                )
                xs_all.append(np.column_stack([xs, np.full(n, np.nan)]).ravel())
                ys_all.append(np.column_stack([ys, np.full(n, np.nan)]).ravel())
            else:
                buf[:, : lay.cell_rows] = colors[:, ::-1, :]  # map rows run bottom→top
            rows = n * (lay.cell_rows + lay.gap_rows) - lay.gap_rows
            image = buf.view(np.uint8).reshape(-1, buf.shape[2], 4)[:rows]
            self._mosaics[c].setImage(image, autoLevels=False)
        if curve:
            self._curves.setData(np.concatenate(xs_all), np.concatenate(ys_all), connect="finite")
        elif self._curves.xData is not None and len(self._curves.xData):
            self._curves.setData([], [])
