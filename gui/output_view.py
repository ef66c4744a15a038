"""The output view: what the network predicts over the input plane, with the data on top.

* 2-D data: the decision map (the engine's 100×100 grid) as one ImageItem under the training
  points (and, as an option, the test points). Binary classification uses the signed palette
  over the output activation's range; regression the same palette around zero; multiclass the
  colour of the winning class, paler where the network is unsure. "Discretize" shows hard
  decisions only.
* 1-D data: the network's function as a curve through the data points.
* More than two inputs: the map over two columns the user picks (``MapAxesChooser``; the
  others held at their training mean) or over the PCA plane (the default from 11 inputs),
  the points projected on it; a regression draws each sample's prediction against its
  target instead (``FitLayer``).
* While a unit is hovered in the diagram, its own map is shown large instead (``show_unit_map``).

Colouring a grid the engine computed is rendering, so it happens here; no forward pass does.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.activations import get_activation
from engine.map_plane import PcaPlane
from engine.maps import CurveMaps, PlaneMaps
from gui.class_symbols import point_symbols
from gui.colors import NEGATIVE, POSITIVE, ZERO, map_lut, signed_lut
from gui.map_axes import MapAxesChooser
from gui.map_colors import discretized, rgba_classes
from gui.output_fit import FitLayer
from gui.output_legend import OutputKind, input_label, legend_text, output_kind, point_brushes
from gui.plot_style import cache_axes
from gui.plot_theme import restyle_output_view
from gui.theme import ThemeFollower
from session.present.levels import activation_levels
from session.present.output import (
    can_discretize,
    class_heights,
    pca_titles,
    plane_xy,
    same_plane,
)
from session.snapshot import Snapshot

MIN_WIDTH = 280
"""The view's narrowest in a normal window (gui.window_layout narrows it on small screens)."""

class OutputView(QWidget):
    """Decision map / function plot of the current network, with the data."""

    pointClicked = Signal(float, float, object)
    """A left click in the plot, in data coordinates, with the keyboard modifiers."""
    axesChosen = Signal(int, int)
    """The user chose the raw columns (x, y) for the map (data with more than two inputs)."""
    pcaChosen = Signal()
    """The user chose the plane of the first two principal components for the map."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outputView")
        self.setAccessibleName("Output view")
        self._snap: Snapshot | None = None
        self._data_key: object = None
        self._unit: tuple[int, int] | None = None
        self._drawn_maps: object = None
        self._traced_key: object = None
        self._axes: tuple[int, int] = (0, 1)
        """The raw columns the plane shows (the drawn maps')."""
        self._pca: PcaPlane | None = None
        """The PCA plane the map shows instead of ``_axes`` (the drawn maps')."""
        self._kind = OutputKind.PLANE
        self._drawn_scores: object = None

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
        self._theme = ThemeFollower(self, lambda theme: restyle_output_view(self, theme))
        plot.addItem(self.traced)
        self.caption = pg.TextItem(color=(30, 30, 30), fill=pg.mkBrush(255, 255, 255, 215),
                                   anchor=(0, 0))
        self.caption.setZValue(20)
        plot.addItem(self.caption, ignoreBounds=True)
        self.caption.hide()
        self.fit = FitLayer(plot)
        self.axes_chooser = MapAxesChooser()
        self.axes_chooser.hide()
        self.axes_chooser.axesChosen.connect(self.axesChosen)
        self.axes_chooser.pcaChosen.connect(self.pcaChosen)

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
        self.legend.setStyleSheet("color: palette(window-text);")

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
        layout.addWidget(self.axes_chooser)
        layout.addLayout(boxes)
        layout.addWidget(self.legend)
        self.setMinimumSize(MIN_WIDTH, 260)

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
        axes = snap.maps.axes if isinstance(snap.maps, PlaneMaps) else (0, 1)
        pca = snap.maps.pca if isinstance(snap.maps, PlaneMaps) else None
        if axes != self._axes or not same_plane(pca, self._pca):  # the map moved
            self._axes, self._pca = axes, pca
            self.axes_chooser.show_axes(axes, pca is not None)
            self._place_view(snap)
            self._redraw_points()
            self._traced_key = None
        if snap.maps is not self._drawn_maps or (
                self._kind is OutputKind.FIT and snap.scores is not self._drawn_scores):
            self._redraw_map()  # maps (and scores) refresh less often than weights
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
        if self._kind is OutputKind.FIT:
            self.traced.setData([], [])
            return
        xs = d.x_train[idx, 0]
        if d.n_inputs >= 2:
            xs, ys = plane_xy(snap)[idx].T
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
        """New data: what kind of view, its controls and its ranges."""
        d = snap.data
        self._kind = kind = output_kind(d)
        self._axes = snap.maps.axes if isinstance(snap.maps, PlaneMaps) else (0, 1)
        self._pca = snap.maps.pca if isinstance(snap.maps, PlaneMaps) else None
        plane, wide = kind is OutputKind.PLANE, d.n_inputs > 2
        if plane and wide:
            names = tuple(input_label(d, k) for k in range(d.n_inputs))
            self.axes_chooser.set_columns(names)
            self.axes_chooser.show_axes(self._axes, self._pca is not None)
        self.axes_chooser.setVisible(plane and wide)
        self.image.setVisible(plane)
        self.curve.setVisible(kind is OutputKind.CURVE)
        self.fit.set_visible(kind is OutputKind.FIT)
        self.threshold.setVisible(kind is OutputKind.CURVE and d.task == "classification")
        if kind is OutputKind.CURVE and d.task == "classification":
            self.threshold.setValue(get_activation(d.output_activation).threshold)
        self.show_test.setEnabled(len(d.x_test) > 0)
        self.edit_points.setEnabled(not wide)  # a click names two coordinates only
        if wide and self.edit_points.isChecked():
            self.edit_points.setChecked(False)
        self.legend.setText(legend_text(d, self._pca is not None))
        self._place_view(snap)

    def _plane_domain(self, snap: Snapshot) -> tuple[float, float, float, float]:
        """The region the plane shows: the data's own for two inputs, else the maps'."""
        if snap.data.n_inputs > 2 and isinstance(snap.maps, PlaneMaps):
            return snap.maps.domain
        return snap.data.domain

    def _place_view(self, snap: Snapshot) -> None:
        """Axis titles and ranges for the kind of view and the chosen columns."""
        d = snap.data
        if self._kind is OutputKind.FIT:
            self.plot.setLabel("bottom", "target (true value)")
            self.plot.setLabel("left", "prediction")
            self.plot.setAspectLocked(False)
            return  # the ranges follow the values (FitLayer.draw)
        plane = self._kind is OutputKind.PLANE
        x0, x1, y0, y1 = self._plane_domain(snap) if plane else d.domain
        across, up = (pca_titles(self._pca) if self._pca is not None and plane
                      else (input_label(d, self._axes[0]), input_label(d, self._axes[1])))
        self.plot.setLabel("bottom", across)
        self.plot.setLabel("left", up if plane else "output")
        self.plot.setXRange(x0, x1, padding=0)
        self.plot.setYRange(y0, y1, padding=0 if plane else 0.03)
        self.plot.setAspectLocked(plane and abs((x1 - x0) - (y1 - y0)) < 1e-9)

    @Slot()
    def _redraw_points(self, *_args: object) -> None:
        snap = self._snap
        if snap is None:
            return
        d = snap.data
        if self._kind is OutputKind.FIT:
            for item in (self.train_points, self.test_points):
                item.setData([], [])
            self.fit.draw(snap.scores, self.show_test.isChecked())
            return
        for item, x, labels, pen, show, test in (
            (self.train_points, d.x_train, d.y_train, pg.mkPen("w", width=1.0), True, False),
            (self.test_points, d.x_test, d.y_test, pg.mkPen((20, 20, 20), width=1.5),
             self.show_test.isChecked(), True),
        ):
            if not show or len(x) == 0:
                item.setData([], [])
                continue
            xs, ys = plane_xy(snap, test).T if d.n_inputs >= 2 else (x[:, 0], labels * 1.0)
            if d.n_inputs == 1 and d.task == "classification":
                ys = class_heights(labels, d.output_activation)
            item.setData(x=xs, y=ys, brush=point_brushes(d, labels), pen=pen,
                         symbol=point_symbols(labels, d.task == "classification"))

    @Slot()
    def _redraw_map(self, *_args: object) -> None:
        snap = self._snap
        if snap is None:
            return
        maps = snap.maps
        self._drawn_maps = maps
        if self._kind is OutputKind.FIT:
            self._drawn_scores = snap.scores
            self.title.setText("Prediction against target")
            self.fit.draw(snap.scores, self.show_test.isChecked())
            return
        if self._unit is not None and self._unit_valid(snap):
            self._draw_unit(snap)
            return
        self.caption.hide()
        self.title.setText("Output of the network")
        self.legend.setText(legend_text(snap.data, self._pca is not None))  # no-op if same
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
            self.image.setImage(rgba_classes(out, discrete), levels=(0, 255),
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
        self._place_image(self._plane_domain(snap))

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
        x0, _x1, _y0, y1 = self._plane_domain(snap)
        self.caption.setText(f"{label}\nhover away to return to the output")
        self.caption.setPos(x0, y1)
        self.caption.show()
        if isinstance(snap.maps, CurveMaps):
            self.curve.setData(snap.maps.x, values)
            return
        self.image.setLookupTable(signed_lut())
        self.image.setImage(np.ascontiguousarray(values, dtype=np.float32), levels=levels,
                            autoLevels=False)
        self._place_image(self._plane_domain(snap))

    # -- input ---------------------------------------------------------------------------------
    @Slot(object)
    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._kind is OutputKind.FIT:
            return
        vb = self.plot.getViewBox()
        pos = vb.mapSceneToView(event.scenePos())
        if vb.viewRect().contains(QPointF(pos.x(), pos.y())):
            self.pointClicked.emit(float(pos.x()), float(pos.y()), event.modifiers())
