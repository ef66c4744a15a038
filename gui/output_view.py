"""The output view: what the network predicts over the input plane, with the data on top.

* 2-D data: the decision map (the engine's 100×100 grid) as one ImageItem under the training
  points (and, as an option, the test points). Binary classification uses the signed palette
  over the output activation's range; regression the same palette around zero; multiclass the
  colour of the winning class, paler where the network is unsure. "Discretize" shows hard
  decisions only.
* 1-D data: the network's function as a curve through the data points.
* While a unit is hovered in the diagram, its own map is shown large instead (``show_unit_map``).

Colouring a grid the engine computed is rendering, so it happens here; no forward pass does.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.activations import get_activation
from engine.maps import CurveMaps, PlaneMaps
from gui.colors import (
    NEGATIVE,
    POSITIVE,
    ZERO,
    class_color,
    map_lut,
    signed_lut,
)
from gui.plot_style import cache_axes
from session.present.levels import activation_levels
from session.snapshot import DataView, Snapshot

CLASS_LOW_CAPTION = "orange: class 0 · blue: class 1"


def class_heights(labels: np.ndarray, output_activation: str) -> np.ndarray:
    """Where 1-D class points sit on the output axis: the engine's own targets for the two
    classes (0/1 for sigmoid and ReLU, −1/1 for tanh and linear), (N,) for labels (N,)."""
    low, high = get_activation(output_activation).class_targets
    return np.where(labels == 1, high, low)


def _rgba_classes(output: np.ndarray, discrete: bool) -> np.ndarray:
    """(res, res, 4) uint8: each pixel the colour of its winning class, whitened by doubt."""
    winner = np.argmax(output, axis=0)
    palette = np.array([class_color(k) for k in range(output.shape[0])], dtype=np.float32)
    rgb = palette[winner]
    if not discrete:
        confidence = np.max(output, axis=0)
        k = output.shape[0]
        strength = np.clip((confidence - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)[..., None]
        rgb = 255.0 - (255.0 - rgb) * (0.15 + 0.45 * strength)
    else:
        rgb = 255.0 - (255.0 - rgb) * 0.6
    out = np.empty((*winner.shape, 4), dtype=np.uint8)
    out[..., :3] = rgb.astype(np.uint8)
    out[..., 3] = 255
    return out


def discretized(values: np.ndarray, levels: tuple[float, float], regression: bool,
                tf_rules: bool) -> np.ndarray:
    """A one-unit output map (res, res) as its two ends, float32. This app splits a class
    output at the middle of its range (> mid); TensorFlow Playground's rules split any
    problem, regression included, at value ≥ 0 (its outputs are tanh or linear; a
    classification output of another range keeps its middle)."""
    lo, hi = levels
    mid = 0.5 * (lo + hi)
    if tf_rules:
        cut = 0.0 if regression or lo < 0.0 < hi else mid
        high = values >= cut
    else:
        high = values > mid
    return np.where(high, hi, lo).astype(np.float32)


def can_discretize(snap: Snapshot) -> bool:
    """Discretize applies to plane maps of classification (any problem with TF's rules)."""
    d = snap.data
    return d.n_inputs >= 2 and (d.task == "classification" or snap.scenario.train.tf_rules)


class OutputView(QWidget):
    """Decision map / function plot of the current network, with the data."""

    pointClicked = Signal(float, float, object)
    """A left click in the plot, in data coordinates, with the keyboard modifiers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outputView")
        self.setAccessibleName("Output view")
        self._snap: Snapshot | None = None
        self._data_key: object = None
        self._unit: tuple[int, int] | None = None
        self._drawn_maps: object = None
        self._traced_key: object = None

        self.title = QLabel("Output")
        self.title.setObjectName("outputTitle")
        self.title.setStyleSheet("font-weight: 600;")
        self.plot_widget = pg.PlotWidget(background="w")
        plot = self.plot_widget.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.showGrid(x=False, y=False)
        for axis in ("left", "bottom"):
            plot.getAxis(axis).setPen(pg.mkPen(90, 90, 90))
            plot.getAxis(axis).setTextPen(pg.mkPen(60, 60, 60))
        self.plot = plot
        vb = plot.getViewBox()
        vb.setMouseEnabled(x=False, y=False)
        cache_axes(plot)

        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(signed_lut())
        plot.addItem(self.image)
        self.curve = pg.PlotDataItem(pen=pg.mkPen((40, 40, 40), width=3), antialias=True)
        self.threshold = pg.InfiniteLine(angle=0, pen=pg.mkPen((150, 150, 150), width=1,
                                                               style=Qt.PenStyle.DashLine))
        plot.addItem(self.curve)
        plot.addItem(self.threshold)
        self.train_points = pg.ScatterPlotItem(size=8, pxMode=True)
        self.test_points = pg.ScatterPlotItem(size=8, pxMode=True)
        plot.addItem(self.train_points)
        plot.addItem(self.test_points)
        self.traced = pg.ScatterPlotItem(size=16, pxMode=True, brush=pg.mkBrush(0, 0, 0, 0),
                                         pen=pg.mkPen((20, 20, 20), width=2))
        self.traced.setZValue(15)
        plot.addItem(self.traced)
        self.caption = pg.TextItem(color=(30, 30, 30), fill=pg.mkBrush(255, 255, 255, 215),
                                   anchor=(0, 0))
        self.caption.setZValue(20)
        plot.addItem(self.caption, ignoreBounds=True)
        self.caption.hide()

        self.show_test = QCheckBox("Test data")
        self.show_test.setObjectName("showTestData")
        self.show_test.setAccessibleName("Show test data")
        self.show_test.setToolTip("Also draw the test points (dark outline); they are never "
                                  "trained on.")
        self.discretize = QCheckBox("Discretize")
        self.discretize.setObjectName("discretize")
        self.discretize.setAccessibleName("Discretize output")
        self.discretize.setToolTip("Show only the decision (which class), not the confidence.")
        self.edit_points = QCheckBox("Add points")
        self.edit_points.setObjectName("editPoints")
        self.edit_points.setAccessibleName("Click adds data points")
        self.edit_points.setToolTip("On: click adds a class-1 (blue) point, Shift+click a "
                                    "class-0 (orange) point, Ctrl+click removes the nearest "
                                    "point; the weights are kept.\nOff: click picks the "
                                    "sample that the backprop step traces.")
        self.legend = QLabel()
        self.legend.setObjectName("outputLegend")
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #444;")

        boxes = QHBoxLayout()
        boxes.addWidget(self.show_test)
        boxes.addWidget(self.discretize)
        boxes.addWidget(self.edit_points)
        boxes.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.plot_widget, 1)
        layout.addLayout(boxes)
        layout.addWidget(self.legend)
        self.setMinimumSize(280, 260)

        self.show_test.toggled.connect(self._redraw_points)
        self.discretize.toggled.connect(self._redraw_map)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_click)

    # -- public --------------------------------------------------------------------------------
    def set_snapshot(self, snap: Snapshot) -> None:
        self._snap = snap
        allowed = can_discretize(snap)
        if allowed != self.discretize.isEnabled():  # the rules changed: redraw the map
            self.discretize.setEnabled(allowed)
            self._drawn_maps = None
        if snap.data is not self._data_key:
            self._data_key = snap.data
            self._configure(snap)
            self._redraw_points()
        if snap.maps is not self._drawn_maps:  # maps refresh less often than weights
            self._redraw_map()
        self._mark_traced(snap)

    def _mark_traced(self, snap: Snapshot) -> None:
        """Ring the samples the backprop step traces (or the one chosen for tracing)."""
        d = snap.data
        if snap.trace is not None:
            idx = np.array(snap.trace.indices, dtype=int)
        elif snap.traced_sample is not None:
            idx = np.array([snap.traced_sample])
        else:
            idx = np.zeros(0, dtype=int)
        key = (id(d), tuple(idx.tolist()))
        if key == self._traced_key:
            return  # unchanged: setData would repaint the whole view every frame
        self._traced_key = key
        if idx.size == 0 or len(d.x_train) == 0:
            self.traced.setData([], [])
            return
        xs = d.x_train[idx, 0]
        if d.n_inputs >= 2:
            ys = d.x_train[idx, 1]
        elif d.task == "classification":
            ys = class_heights(d.y_train[idx], d.output_activation)
        else:
            ys = d.y_train[idx].astype(float)
        self.traced.setData(xs, ys)

    def show_unit_map(self, column: int, unit: int) -> None:
        """Show one unit's own output over the plane (live) instead of the network output."""
        self._unit = (column, unit)
        self._redraw_map()

    def clear_unit_map(self) -> None:
        self._unit = None
        self._redraw_map()

    @property
    def showing_unit(self) -> tuple[int, int] | None:
        return self._unit

    # -- drawing -------------------------------------------------------------------------------
    def _configure(self, snap: Snapshot) -> None:
        d = snap.data
        x0, x1, y0, y1 = d.domain
        plane = d.n_inputs >= 2
        self.plot.setLabel("bottom", "x₁")
        self.plot.setLabel("left", "x₂" if plane else "output")
        self.plot.setXRange(x0, x1, padding=0)
        self.plot.setYRange(y0, y1, padding=0 if plane else 0.03)
        self.plot.setAspectLocked(plane and abs((x1 - x0) - (y1 - y0)) < 1e-9)
        self.image.setVisible(plane)
        self.curve.setVisible(not plane)
        self.threshold.setVisible(not plane and d.task == "classification")
        if not plane and d.task == "classification":
            self.threshold.setValue(get_activation(d.output_activation).threshold)
        self.show_test.setEnabled(len(d.x_test) > 0)
        self.legend.setText(self._legend_text(d))

    @staticmethod
    def _legend_text(d: DataView) -> str:
        """What the colours mean for this data (1-D plots have no coloured background)."""
        neg = f"<span style='color: rgb{NEGATIVE}'>■</span>"
        pos = f"<span style='color: rgb{POSITIVE}'>■</span>"
        if d.n_inputs == 1:
            what = ("Curve: the network's output. " if d.task == "regression" else
                    "Curve: the network's output; dashed: the decision threshold. ")
            if d.task == "regression":
                return what + f"Dots: the targets ({neg}&nbsp;negative · {pos}&nbsp;positive)."
            return what + f"Dots: {neg}&nbsp;class&nbsp;0 · {pos}&nbsp;class&nbsp;1."
        if d.task == "regression":
            return ("Colour: the prediction — orange negative, blue positive. "
                    "Points: the targets.")
        if d.n_classes > 2:
            names = ", ".join(f"<span style='color: rgb{class_color(k)}'>■</span> class {k}"
                              for k in range(d.n_classes))
            return f"{names}. Paler = less sure."
        return (f"{neg} class 0 · {pos} class 1. Background: the network's output. "
                "Dots: training data (white rim), test data (dark rim).")

    def _point_brushes(self, labels: np.ndarray) -> list:
        d = self._snap.data if self._snap else None
        if d is None:
            return []
        if d.task == "regression":
            scale = float(np.max(np.abs(d.y_train))) if len(d.y_train) else 1.0
            lut = signed_lut()
            idx = np.clip(((labels / (scale or 1.0)) * 0.5 + 0.5) * 255, 0, 255).astype(int)
            return [pg.mkBrush(*lut[i][:3]) for i in idx]
        if d.n_classes > 2:
            return [pg.mkBrush(*class_color(int(k))) for k in labels]
        return [pg.mkBrush(*(POSITIVE if k == 1 else NEGATIVE)) for k in labels]

    @Slot()
    def _redraw_points(self, *_args: object) -> None:
        snap = self._snap
        if snap is None:
            return
        d = snap.data
        for item, x, labels, pen, show in (
            (self.train_points, d.x_train, d.y_train, pg.mkPen("w", width=1.0), True),
            (self.test_points, d.x_test, d.y_test, pg.mkPen((20, 20, 20), width=1.5),
             self.show_test.isChecked()),
        ):
            if not show or len(x) == 0:
                item.setData([], [])
                continue
            ys = x[:, 1] if d.n_inputs >= 2 else labels.astype(float)
            if d.n_inputs == 1 and d.task == "classification":
                ys = class_heights(labels, d.output_activation)
            item.setData(x=x[:, 0], y=ys, brush=self._point_brushes(labels), pen=pen)

    @Slot()
    def _redraw_map(self, *_args: object) -> None:
        snap = self._snap
        if snap is None:
            return
        maps = snap.maps
        self._drawn_maps = maps
        if self._unit is not None and self._unit_valid(snap):
            self._draw_unit(snap)
            return
        self.caption.hide()
        self.title.setText("Output of the network")
        self.legend.setText(self._legend_text(snap.data))  # no-op (Qt) when unchanged
        if isinstance(maps, CurveMaps):
            self.curve.setData(maps.x, maps.output[0])
            return
        self._draw_plane(snap, maps)

    def _unit_valid(self, snap: Snapshot) -> bool:
        assert self._unit is not None
        column, unit = self._unit
        return 0 <= column < len(snap.maps.units) and 0 <= unit < snap.maps.units[column].shape[0]

    def _draw_plane(self, snap: Snapshot, maps: PlaneMaps) -> None:
        d = snap.data
        out = maps.output
        discrete = self.discretize.isChecked() and can_discretize(snap)
        if out.shape[0] > 1:
            # Colours, not values: full-range levels, or the previous map's (-1, 1) would
            # scale every channel to 255 and paint the whole plane white.
            self.image.setLookupTable(None)
            self.image.setImage(_rgba_classes(out, discrete), levels=(0, 255),
                                autoLevels=False)
        else:
            values = out[0]
            regression = d.task == "regression"
            if regression:
                peak = float(np.max(np.abs(d.y_train))) if len(d.y_train) else 1.0
                levels = (-(peak or 1.0), peak or 1.0)
            else:
                levels = activation_levels(d.output_activation)
            if discrete:
                values = discretized(values, levels, regression,
                                     snap.scenario.train.tf_rules)
            self.image.setLookupTable(map_lut())
            self.image.setImage(np.ascontiguousarray(values, dtype=np.float32),
                                levels=levels, autoLevels=False)
        self._place_image(d.domain)

    def _place_image(self, domain: tuple[float, float, float, float]) -> None:
        """The engine samples the domain's edges (linspace), so those are pixel centres."""
        x0, x1, y0, y1 = domain
        rows, cols = self.image.image.shape[:2]
        dx = (x1 - x0) / max(cols - 1, 1)
        dy = (y1 - y0) / max(rows - 1, 1)
        self.image.setRect(x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy)

    def _draw_unit(self, snap: Snapshot) -> None:
        assert self._unit is not None
        column, unit = self._unit
        values = snap.maps.units[column][unit]
        if column == 0:
            label = f"Input feature {snap.data.feature_labels[unit]}"
            levels = activation_levels("linear", values)
        else:
            act = snap.activations[column - 1]
            where = "output" if column == len(snap.activations) else f"layer {column}"
            label = f"{where.capitalize()}, unit {unit + 1} ({act})"
            levels = activation_levels(act, values)
        self.title.setText(label)
        self.legend.setText(
            f"<span style='color: rgb{NEGATIVE}'>■</span> {levels[0]:.3g} · "
            f"<span style='color: rgb{ZERO}'>■</span> {(levels[0] + levels[1]) / 2:.3g} · "
            f"<span style='color: rgb{POSITIVE}'>■</span> {levels[1]:.3g}: this unit's "
            "activation over the input plane.")
        x0, _x1, _y0, y1 = snap.data.domain
        self.caption.setText(f"{label}\nhover away to return to the output")
        self.caption.setPos(x0, y1)
        self.caption.show()
        if isinstance(snap.maps, CurveMaps):
            self.curve.setData(snap.maps.x, values)
            return
        self.image.setLookupTable(signed_lut())
        self.image.setImage(np.ascontiguousarray(values, dtype=np.float32), levels=levels,
                            autoLevels=False)
        self._place_image(snap.data.domain)

    # -- input ---------------------------------------------------------------------------------
    @Slot(object)
    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.plot.getViewBox()
        pos = vb.mapSceneToView(event.scenePos())
        if vb.viewRect().contains(QPointF(pos.x(), pos.y())):
            self.pointClicked.emit(float(pos.x()), float(pos.y()), event.modifiers())
