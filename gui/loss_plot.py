"""Loss and accuracy over the run, with a hover read-out of any recorded epoch.

The history arrives already bounded (the engine decimates it to at most 20,000 points), so
this widget only redraws when the history actually changed and lets pyqtgraph's peak
downsampling and clip-to-view keep each repaint cheap however long the run.

Loss (per sample, left axis) is dark; accuracy (classification, right axis, 0–100 %) or R²
(regression, right axis, 0–1) is thinner and green so the two scales are never confused.
Train is solid, test is dashed.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QVBoxLayout, QWidget

from gui.colors import class_color
from gui.plot_style import IntegerAxis, cache_axes
from gui.plot_theme import restyle_loss_plot
from gui.theme import ThemeFollower, current
from session.present.loss_curve import (
    CURVES,
    describe_metrics,
    format_metric,
    loss_range,
    plotted_curves,
    shown_history,
)
from session.snapshot import Snapshot

__all__ = ["LossPlot", "format_metric"]

LOSS_COLOR = (40, 40, 40)
LOSS_LABELS = ("loss (mean per sample)", "loss")
"""The loss axis's label, and the short one for a plot too low to hold it (1024×700)."""
MIN_BUCKETS = 300
"""Curves longer than twice this many points are drawn peak-decimated (see ``_set_curves``)."""
ACCURACY_COLOR = class_color(2)  # Okabe–Ito bluish green: not orange/blue, which mean classes


class LossPlot(QWidget):
    """Training and test loss per epoch, accuracy on a second axis, log toggle, hover read-out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lossPlot")
        self.setAccessibleName("Loss plot")
        self._history: dict[str, np.ndarray] = {}
        self._key: tuple[object, ...] | None = None
        self._classification = True
        self._buckets = MIN_BUCKETS
        self._span: tuple[float, float] | None = None
        """The epochs the curves were cut for (None: the whole run)."""
        self._ghost_last: float | None = None
        self._ghost_losses: list[np.ndarray] = []
        """The pinned runs' last epoch and losses: the axes show them whole too."""
        self.hover_notes: list[Callable[[float], str]] = []
        """More lines for the hover read-out at an epoch (the pinned runs' values)."""

        self.readout = QLabel("no training yet", self)
        self.readout.setObjectName("lossReadout")
        self.readout.setWordWrap(True)  # a narrow plot wraps the numbers instead of cutting them
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_check = QCheckBox("Log scale", self)
        self.log_check.setObjectName("logScale")
        self.log_check.setToolTip("Logarithmic loss axis: shows progress once the loss is small")
        self.log_check.toggled.connect(self._set_log)

        self.plot_widget = pg.PlotWidget(background="w",
                                         axisItems={"bottom": IntegerAxis("bottom")})
        self.plot_widget.setAccessibleName("Loss curves")
        self.plot_widget.setMinimumHeight(120)
        plot = self.plot_widget.getPlotItem()
        self.plot_item = plot
        plot.setMenuEnabled(False)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setLabel("bottom", "epoch")
        plot.setLabel("left", LOSS_LABELS[0])
        for axis in ("left", "bottom"):
            plot.getAxis(axis).enableAutoSIPrefix(False)
        plot.vb.setDefaultPadding(0.02)  # auto range: the whole run, 0 … latest epoch
        for name in ("left", "bottom", "right"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(90, 90, 90))
            axis.setTextPen(pg.mkPen(50, 50, 50))
            axis.enableAutoSIPrefix(False)  # "(x0.001)" in an axis label puzzles beginners
            # major and minor ticks and grid lines only: the third level's many faint grid
            # lines were half the cost of each redraw (about 7 of 14 ms)
            axis.setStyle(maxTickLevel=1)

        self.train_loss_curve = plot.plot(
            pen=pg.mkPen(LOSS_COLOR, width=2), name="train loss"
        )
        self.test_loss_curve = plot.plot(
            pen=pg.mkPen(LOSS_COLOR, width=2, style=Qt.PenStyle.DashLine), name="test loss",
            symbolBrush=pg.mkBrush(255, 255, 255), symbolPen=pg.mkPen(LOSS_COLOR, width=1.5),
        )

        # Accuracy lives in its own ViewBox, x-linked to the loss view, drawn on the right axis.
        self.accuracy_view = pg.ViewBox(enableMenu=False)
        self.accuracy_view.setMouseEnabled(x=False, y=False)
        plot.showAxis("right")
        right = plot.getAxis("right")
        right.setLabel("accuracy (%)", color="#{:02x}{:02x}{:02x}".format(*ACCURACY_COLOR))
        plot.scene().addItem(self.accuracy_view)
        right.linkToView(self.accuracy_view)
        self.accuracy_view.setXLink(plot.vb)
        self.accuracy_view.setYRange(0.0, 100.0, padding=0.02)
        self.accuracy_view.enableAutoRange(y=False)
        self.train_acc_curve = pg.PlotDataItem(pen=pg.mkPen(ACCURACY_COLOR, width=1.2),
                                               name="train accuracy")
        self.test_acc_curve = pg.PlotDataItem(
            pen=pg.mkPen(ACCURACY_COLOR, width=1.2, style=Qt.PenStyle.DashLine),
            name="test accuracy",
        )
        for curve in (self.train_acc_curve, self.test_acc_curve):
            self.accuracy_view.addItem(curve)
        plot.vb.sigResized.connect(self._sync_views)
        plot.vb.sigRangeChangedManually.connect(self._on_user_range)

        # Hover read-out: a vertical line and a text box at the nearest recorded epoch.
        self.hover_line = pg.InfiniteLine(angle=90, movable=False)  # colours: gui.plot_theme
        self.hover_text = pg.TextItem()
        for item in (self.hover_line, self.hover_text):
            item.setZValue(30)
            item.hide()
            plot.addItem(item, ignoreBounds=True)
        self._mouse_proxy = pg.SignalProxy(plot.scene().sigMouseMoved, rateLimit=60,
                                           slot=self._on_mouse_proxy)
        self.plot_widget.viewport().installEventFilter(self)
        cache_axes(plot)
        self._theme = ThemeFollower(self, lambda theme: restyle_loss_plot(self, theme))

        # The legend is a line of text above the plot rather than a box inside it, so it can
        # never hide part of a curve, whichever way the run goes.
        self.legend = QLabel(self)
        self.legend.setObjectName("lossLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        top = QGridLayout()
        top.setContentsMargins(4, 2, 4, 0)
        top.setVerticalSpacing(0)
        top.addWidget(self.readout, 0, 0)
        top.addWidget(self.log_check, 0, 1, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.legend, 1, 0, 1, 2)
        top.setColumnStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.plot_widget, 1)
        self._set_classification(True)
        self._update_legend()

    # ------------------------------------------------------------------------------ public
    def set_snapshot(self, snap: Snapshot) -> None:
        """Show the snapshot's history; cheap when nothing new was recorded."""
        h = snap.history
        epochs = h.get("epoch", np.zeros(0))
        n = len(epochs)
        last = (int(epochs[-1]), float(h["train_loss"][-1])) if n else (-1, math.nan)
        key = (snap.generation, n, *last, repr(snap.metrics))
        self._set_readout(snap)
        self._set_classification(snap.data.task == "classification")
        if key == self._key:
            return
        self._key = key
        self._history = shown_history(h, snap.metrics)
        self._redraw()

    def clear(self) -> None:
        """Forget the run (a new model was built)."""
        self._history = {}
        self._key = None
        for curve in self._curves():
            curve.setData([], [])
        self.test_loss_curve.hide()
        self.test_acc_curve.hide()
        self.readout.setText("no training yet")
        self._hide_hover()
        self.plot_item.vb.enableAutoRange()
        self._update_legend()

    def readout_at_epoch(self, epoch: float) -> str:
        """Values at the recorded epoch nearest to ``epoch`` (one per line), '' if none."""
        i = self._nearest_index(epoch)
        if i is None:
            return ""
        values = {k: float(v[i]) for k, v in self._history.items() if k != "epoch"}
        return describe_metrics(int(self._history["epoch"][i]), values, "\n")

    @property
    def log_scale(self) -> bool:
        return self.log_check.isChecked()

    def set_ghost_span(self, last_epoch: float | None, losses: list[np.ndarray]) -> None:
        """What the pinned runs' ghosts need the axes to show (gui/pinned_runs.py)."""
        self._ghost_last, self._ghost_losses = last_epoch, list(losses)
        self._fit_x_axis()
        self._fit_loss_axis()

    def add_row(self, widget: QWidget) -> None:
        """Put ``widget`` under the plot (the pinned runs' controls)."""
        layout = self.layout()
        assert layout is not None
        layout.addWidget(widget)

    def _curves(self) -> tuple[pg.PlotDataItem, ...]:
        return (self.train_loss_curve, self.test_loss_curve, self.train_acc_curve,
                self.test_acc_curve)

    def _redraw(self) -> None:
        h = self._history
        has_test = self._set_curves(None)
        x = h["epoch"]
        self.test_loss_curve.setVisible(has_test)
        self.test_acc_curve.setVisible(has_test)
        # Before training there is one point: mark it, and show epochs 0–10, not −0.4…0.4.
        single = len(x) == 1
        self.train_loss_curve.setSymbol("o" if single else None)
        self.test_loss_curve.setSymbol("o" if single else None)  # hollow: see __init__
        self._fit_x_axis()
        self._fit_loss_axis()
        self._update_legend()

    def _set_curves(self, span: tuple[float, float] | None) -> bool:
        """Draw the curves at four points per pixel across (``peak_decimated``) over the epochs
        in ``span`` (a zoomed view) or the whole run; whether there is a test curve."""
        self._span = span
        self._buckets = self._bucket_count()
        drawn = plotted_curves(self._history, self._classification, self._buckets, span)
        for curve, name in zip(self._curves(), CURVES, strict=True):
            points = drawn[name]
            if points is None:
                curve.setData([], [])
            else:
                curve.setData(*points, connect="finite")
        return drawn["test_loss"] is not None

    def _on_user_range(self, *_args: object) -> None:
        """The user zoomed or panned: the curves in detail over what is in view."""
        if self._history:
            low, high = self.plot_item.vb.viewRange()[0]
            self._set_curves((float(low), float(high)))

    def _fit_x_axis(self) -> None:
        """The whole run, always, and every pinned run's ghost whole too."""
        x = self._history.get("epoch", np.zeros(0))
        first = float(x[0]) if len(x) else 0.0
        last = float(x[-1]) if len(x) else 0.0
        if self._ghost_last is not None:
            first, last = min(first, 0.0), max(last, self._ghost_last)
        if last <= first:
            self.plot_item.setXRange(0, 10, padding=0.02)  # the dot whole, not cut at 0
        else:
            self.plot_item.setXRange(first, last, padding=0.02)

    def _fit_loss_axis(self) -> None:
        """The loss axis spans the current history, nothing older (see ``loss_range``)."""
        h = self._history
        columns = [h[k] for k in ("train_loss", "test_loss") if k in h] + self._ghost_losses
        span = loss_range(columns, self.log_scale)
        if span is not None:
            self.plot_item.setYRange(*span, padding=0)

    def _set_classification(self, classification: bool) -> None:
        """The right axis: accuracy (%) for classification, R² (0–1) for regression."""
        if classification == self._classification:
            return
        self._classification = classification
        self.plot_item.getAxis("right").setLabel(
            "accuracy (%)" if classification else "R²",
            color=current().hex("text"))  # text at 4.5:1; the legend names the green line
        self.accuracy_view.setYRange(0.0, self._score_top(), padding=0.02)
        self._key = None  # redraw the right-axis curves from the other columns
        self._update_legend()

    def _score_top(self) -> float:
        return 100.0 if self._classification else 1.0

    def _update_legend(self) -> None:
        """Line samples as text: heavy line = train, dashed = test; dark = loss, green = acc."""
        loss = current().text  # the loss curves are drawn in the theme's text colour
        entries = [(loss, False, "train loss")]
        if self.test_loss_curve.isVisible():
            entries.append((loss, True, "test loss"))
        score = "accuracy" if self._classification else "R²"
        entries.append((ACCURACY_COLOR, False, f"train {score}"))
        if self.test_acc_curve.isVisible():
            entries.append((ACCURACY_COLOR, True, f"test {score}"))
        html = " &nbsp; ".join(
            f"<span style='color: rgb{color}; font-weight: 700'>"
            f"{'╍╍' if dashed else '━━'}</span>&nbsp;{label.replace(' ', '&nbsp;')}"
            for color, dashed, label in entries
        )
        if html != self.legend.text():
            self.legend.setText(html)

    def _set_readout(self, snap: Snapshot) -> None:
        m = snap.metrics
        if m is not None:
            values = m._asdict()
            text = describe_metrics(m.epoch, values, "label")
        elif len(snap.history.get("epoch", ())):
            h = snap.history
            text = describe_metrics(int(h["epoch"][-1]),
                             {k: float(v[-1]) for k, v in h.items() if k != "epoch"}, "label")
        else:
            text = "no training yet"
        if snap.diverged:
            text += f" · diverged: {snap.diverged}"
        if text != self.readout.text():
            self.readout.setText(text)

    def _set_log(self, on: bool) -> None:
        self.plot_item.setLogMode(y=on)
        # PlotItem switches every axis; accuracy stays a linear 0–100 % scale.
        self.plot_item.getAxis("right").setLogMode(False)
        self.accuracy_view.setYRange(0.0, self._score_top(), padding=0.02)
        self._fit_loss_axis()
        self._hide_hover()

    def _sync_views(self) -> None:
        self.accuracy_view.setGeometry(self.plot_item.vb.sceneBoundingRect())
        self.accuracy_view.linkedViewChanged(self.plot_item.vb, self.accuracy_view.XAxis)
        if self._history and self._bucket_count() != self._buckets:
            self._set_curves(self._span)  # wider or narrower: decimate for the new width
        self._fit_loss_label()

    def _fit_loss_label(self) -> None:
        """The long loss label where the axis has room for it, "loss" where it would be cut."""
        axis = self.plot_item.getAxis("left")
        room = self.plot_item.vb.height()
        long = QFontMetricsF(axis.label.font()).horizontalAdvance(LOSS_LABELS[0])
        text = LOSS_LABELS[0] if long + 8 <= room else LOSS_LABELS[1]
        if axis.labelText != text:
            axis.setLabel(text, **axis.labelStyle)

    def _bucket_count(self) -> int:
        """Two runs of epochs per device pixel, so that no run spans more than a pixel (one
        per pixel, not aligned with the pixel columns, left holes in the accuracy band)."""
        return max(MIN_BUCKETS, int(2 * self.plot_item.vb.width() * self.devicePixelRatioF()))

    def _nearest_index(self, epoch: float) -> int | None:
        epochs = self._history.get("epoch")
        if epochs is None or len(epochs) == 0 or not math.isfinite(epoch):
            return None
        i = int(np.searchsorted(epochs, epoch))
        if i >= len(epochs):
            return len(epochs) - 1
        if i > 0 and epoch - epochs[i - 1] <= epochs[i] - epoch:
            return i - 1
        return i

    def _on_mouse_proxy(self, args: tuple[QPointF]) -> None:
        self.hover_at_scene_pos(args[0])

    def hover_at_scene_pos(self, pos: QPointF) -> None:
        """Move the hover line and read-out to the epoch under a scene position."""
        vb = self.plot_item.vb
        if not vb.sceneBoundingRect().contains(pos):
            self._hide_hover()
            return
        x = vb.mapSceneToView(pos).x()
        i = self._nearest_index(x)
        if i is None:
            self._hide_hover()
            return
        epoch = float(self._history["epoch"][i])
        self.hover_line.setPos(epoch)
        notes = (note(epoch) for note in self.hover_notes)
        self.hover_text.setText("\n".join([self.readout_at_epoch(epoch), *filter(None, notes)]))
        (x0, x1), (_, y1) = vb.viewRange()
        right_half = epoch > (x0 + x1) / 2
        self.hover_text.setAnchor((1.0, 0.0) if right_half else (0.0, 0.0))
        self.hover_text.setPos(epoch, y1)
        self.hover_line.show()
        self.hover_text.show()

    def _hide_hover(self) -> None:
        self.hover_line.hide()
        self.hover_text.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hide the read-out when the mouse leaves the plot."""
        if event.type() == QEvent.Type.Leave:
            self._hide_hover()
        return super().eventFilter(watched, event)
