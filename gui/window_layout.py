"""The window's parts and where they sit: toolbar, side panels, diagram, output view, loss plot
and inspector. ``MainWindow`` adds the wiring and the behaviour.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsView,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.architecture import ArchitectureBar
from gui.banner import DivergenceBanner
from gui.image_view import ImageViews
from gui.inspector import InspectorPanel
from gui.inspector_dock import InspectorDock
from gui.loss_plot import LossPlot
from gui.metrics_view import MetricsView
from gui.network import NetworkView
from gui.output_view import MIN_WIDTH as OUTPUT_MIN_WIDTH
from gui.output_view import OutputView
from gui.panels import DataPanel, FeaturePanel, TrainingPanel
from gui.panels.widgets import guard_wheel
from gui.plot_style import paint_opaque
from gui.toolbar import ControlBar

INSPECTOR_TAB = 1
METRICS_TAB = 2
SIDE_MIN_WIDTH, RIGHT_MIN_WIDTH = 265, 300
"""The side panel's and the right column's narrowest (the side panel scrolls), so that the
window fits a 1024-pixel projector with the inspector's Detach button in words."""
COMPACT_BELOW, COMPACT_SIDE, COMPACT_RIGHT = 1000, 255, 270
"""Narrower than this (a 1280×800 screen at 150 %: 853 px), the columns may narrow to these,
so that with the toolbar stacked nothing scrolls sideways."""
WINDOW_MIN_WIDTH, WINDOW_MIN_HEIGHT = 600, 340
"""The window's scrolling contents' smallest (logical px): 960×600 device px at 1.5×, so with
the menu and status bars the window fits a 1280×800 screen at QT_SCALE_FACTOR 1.5 and 2."""


def fitting_scroll(contents: QWidget) -> QScrollArea:
    """``contents`` filling the window, scrolling only when the window is smaller than its
    minimum (QT_SCALE_FACTOR 1.5 or a zoom on a 1280×800 projector): the window's own
    minimum stays small enough for the screen, and every control stays reachable."""
    scroll = QScrollArea()
    scroll.setObjectName("windowScroll")
    scroll.setWidget(contents)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setMinimumSize(WINDOW_MIN_WIDTH, WINDOW_MIN_HEIGHT)
    return scroll


class WindowLayout(QMainWindow):
    """Builds and places the widgets (attribute names are what tests and scripts use)."""

    def _build_layout(self) -> None:
        self.controls = ControlBar()
        self.data_panel = DataPanel()
        self.feature_panel = FeaturePanel()
        self.training_panel = TrainingPanel()
        side = QWidget()
        sv = QVBoxLayout(side)
        sv.setContentsMargins(4, 4, 4, 4)
        for panel in (self.data_panel, self.feature_panel, self.training_panel):
            sv.addWidget(panel)
        sv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(SIDE_MIN_WIDTH)
        self._side_scroll = scroll
        # as needed, not off: with a big font or zoom the panels grow wider than the column,
        # and a control past its edge must stay reachable, not cut
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setObjectName("sidePanel")
        self._wheel_guard = guard_wheel(scroll)

        self.architecture = ArchitectureBar()
        self.network_view = NetworkView()
        centre = QWidget()
        cv = QVBoxLayout(centre)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.addWidget(self.architecture)
        cv.addWidget(self.network_view, 1)

        self.output_view = OutputView()
        self.loss_plot = LossPlot()
        paint_opaque(self.network_view.findChild(QGraphicsView, "networkCanvas"),
                     self.loss_plot.plot_widget, self.output_view.plot_widget)
        self.inspector = InspectorPanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("bottomTabs")
        self.tabs.addTab(self.loss_plot, "Loss")
        self.tabs.addTab(self.inspector, "Inspector")
        self.tabs.setTabToolTip(INSPECTOR_TAB, "Step through backprop: each phase's formulas "
                                "with the real numbers")
        self.metrics_view = MetricsView()
        self.tabs.addTab(self.metrics_view, "Metrics")
        self.image_views = ImageViews()  # image data only (digits): shown by show_image_tab
        self.tabs.addTab(self.image_views, "Images")
        self.tabs.setTabToolTip(self.tabs.indexOf(self.image_views),
                                "The shown sample and the first layer's weights as images")
        self.tabs.setTabVisible(self.tabs.indexOf(self.image_views), False)
        self.tabs.setMinimumWidth(RIGHT_MIN_WIDTH)
        self.inspector_dock = InspectorDock(self, self.tabs, self.inspector)  # Detach ↗
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.output_view)
        right.addWidget(self.tabs)
        right.setSizes([470, 370])

        self.banner = DivergenceBanner()

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(scroll)
        split.addWidget(centre)
        split.addWidget(right)
        for column, stretch in enumerate((2, 4, 3)):  # all three give way on a narrow screen
            split.setStretchFactor(column, stretch)
        split.setSizes([340, 620, 480])

        root = QWidget()
        root.setObjectName("windowContents")
        v = QVBoxLayout(root)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        v.addWidget(self.controls)
        v.addWidget(self.banner)
        v.addWidget(split, 1)
        self.setCentralWidget(fitting_scroll(root))
        self.statusBar().addPermanentWidget(self.controls.rate_label)
        self.statusBar().setObjectName("statusBar")
        # a message too long for the bar (an import's report at 1024 px) reads whole on hover
        bar = self.statusBar()
        bar.messageChanged.connect(lambda text: bar.setToolTip(text))
        self.statusBar().showMessage("Press Run (Space) to train. Hover a unit or weight to see "
                                     "its numbers; click to edit it.")


    def resizeEvent(self, event: QResizeEvent) -> None:
        compact = event.size().width() < COMPACT_BELOW
        self._side_scroll.setMinimumWidth(COMPACT_SIDE if compact else SIDE_MIN_WIDTH)
        self.tabs.setMinimumWidth(COMPACT_RIGHT if compact else RIGHT_MIN_WIDTH)
        self.output_view.setMinimumWidth(COMPACT_RIGHT if compact else OUTPUT_MIN_WIDTH)
        super().resizeEvent(event)

    def show_image_tab(self, visible: bool) -> None:
        """Show the "Weights as images" tab for image data, hide it otherwise."""
        index = self.tabs.indexOf(self.image_views)
        if self.tabs.isTabVisible(index) != visible:
            self.tabs.setTabVisible(index, visible)
