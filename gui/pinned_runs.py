"""Compared runs in the loss plot: "Pin run", the "Unpin…" menu, and the pinned runs' ghosts.

The session owns the pinned runs (``session.pinned``); this module sends its commands and
draws what each snapshot carries: per pinned run a lighter, dashed training-loss curve (and a
lighter accuracy curve for classification) with a few markers, its dash pattern and marker
chosen by its mark (``session.present.pinned_curves``), and a legend line under the plot
naming each run by its label. Nothing here computes a label or a number.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from engine.pinned import MAX_LABEL, MAX_PINNED
from gui.loss_plot import ACCURACY_COLOR, LossPlot, format_metric
from gui.theme import current
from gui.worker import WorkerClient
from session import commands as c
from session.pinned import ShownPin
from session.present.pinned_curves import (
    ghost_accuracy,
    ghost_loss,
    ghost_span,
    marker_indices,
    style,
    value_at,
)
from session.snapshot import Snapshot

GHOST_LOSS = (110, 110, 110, 170)
"""Lighter than the current run's near-black loss, and translucent."""
GHOST_ACCURACY = (*ACCURACY_COLOR, 110)


class PinnedRunsBar(QWidget):
    """The row under the loss plot: Pin run, Unpin…, and the pinned runs' legend."""

    commandRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinnedRunsBar")
        self.pin_button = QPushButton("Pin run", self)
        self.pin_button.setObjectName("pinRunButton")
        self.pin_button.setAccessibleName("Pin this run")
        self.pin_button.setToolTip("Keep this run's loss and accuracy curves in the plot as a "
                                   "ghost, to compare with the next runs")
        self.pin_button.clicked.connect(lambda: self.commandRequested.emit(c.PinRun()))
        self.menu = QMenu(self)
        self.menu.setObjectName("pinnedRunsList")
        self.unpin_button = QToolButton(self)
        self.unpin_button.setObjectName("pinnedRunsMenu")
        self.unpin_button.setAccessibleName("Pinned runs: unpin or rename")
        self.unpin_button.setText("Unpin…")
        self.unpin_button.setToolTip("Unpin or rename a pinned run, or unpin them all")
        self.unpin_button.setMenu(self.menu)
        self.unpin_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.legend = QLabel(self)
        self.legend.setObjectName("pinnedLegend")
        self.legend.setAccessibleName("Pinned runs")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # at most three lines, so that six long labels never squeeze the plot away (the
        # tooltip and the Unpin… menu name every pinned run)
        self.legend.setMaximumHeight(3 * self.legend.fontMetrics().lineSpacing() + 2)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 2)
        row.setSpacing(6)
        row.addWidget(self.pin_button)
        row.addWidget(self.unpin_button)
        row.addWidget(self.legend, 1)
        self.pins: tuple[ShownPin, ...] = ()
        self.show_pins(())

    def show_pins(self, pins: tuple[ShownPin, ...]) -> None:
        self.pins = pins
        full = len(pins) >= MAX_PINNED
        self.pin_button.setEnabled(not full)
        self.pin_button.setToolTip(
            f"{MAX_PINNED} runs are pinned: unpin one first" if full else
            "Keep this run's loss and accuracy curves in the plot as a ghost, to compare "
            "with the next runs")
        self.unpin_button.setEnabled(bool(pins))
        self.menu.clear()
        for i, p in enumerate(pins):
            self._action(f"Unpin {style(p.mark).glyph} {p.label}", f"unpinRun{i}",
                         c.UnpinRun(i))
        if pins:
            self.menu.addSeparator()
        for i, p in enumerate(pins):
            act = QAction(f"Rename {style(p.mark).glyph} {p.label}…", self.menu)
            act.setObjectName(f"renamePinned{i}")
            act.triggered.connect(lambda _=False, i=i: self.rename(i))
            self.menu.addAction(act)
        if pins:
            self.menu.addSeparator()
            self._action("Unpin all", "unpinAllRuns", c.UnpinRun(None))
        if not pins:
            faint = current().hex("faint_text")
            self.legend.setText(f"<span style='color: {faint}'>keeps its curves to compare</span>")
            self.legend.setToolTip("Pin run keeps this run's loss and accuracy curves in the "
                                   "plot; change a setting or Reset, train, and compare")
            return
        self.legend.setText(" &nbsp; ".join(
            f"<span style='color: rgb{GHOST_LOSS[:3]}; font-weight: 700'>"
            f"╌{style(p.mark).glyph}╌</span>&nbsp;{html.escape(p.label).replace(' ', '&nbsp;')}"
            for p in pins))
        self.legend.setToolTip("Pinned runs (dashed, lighter; the current run is solid):\n" +
                               "\n".join(f"{style(p.mark).glyph} {p.label}" for p in pins))

    def _action(self, text: str, name: str, command: c.Command) -> None:
        act = QAction(text, self.menu)
        act.setObjectName(name)
        act.triggered.connect(lambda _=False: self.commandRequested.emit(command))
        self.menu.addAction(act)

    def ask_name(self, current: str) -> str | None:
        """The new name, or None when cancelled (tests replace this)."""
        text, ok = QInputDialog.getText(
            self, "Rename pinned run",
            f"Name (at most {MAX_LABEL} characters; empty: say what differs):", text=current)
        return text if ok else None

    @Slot(int)
    def rename(self, index: int) -> None:
        if not 0 <= index < len(self.pins):
            return
        p = self.pins[index]
        name = self.ask_name(p.label if p.named else "")
        if name is not None:
            self.commandRequested.emit(c.RenamePinned(index, name[:MAX_LABEL]))


class GhostCurves:
    """The pinned runs' curves in a LossPlot, below the current run's."""

    def __init__(self, plot: LossPlot) -> None:
        self.plot = plot
        self._items: list[tuple[pg.PlotItem | pg.ViewBox, pg.PlotDataItem]] = []

    @property
    def items(self) -> list[pg.PlotDataItem]:
        """The drawn lines and marker sets, two per curve."""
        return [item for _, item in self._items]

    def show_pins(self, pins: tuple[ShownPin, ...]) -> None:
        for view, item in self._items:
            view.removeItem(item)
        self._items = []
        for p in pins:
            look = style(p.mark)
            x, y = ghost_loss(p.run)
            self._add(self.plot.plot_item, x, y, look.dashes, look.symbol, p.mark, GHOST_LOSS,
                      1.6, f"pinned {p.label}")
            acc = ghost_accuracy(p.run)
            if acc is not None:
                self._add(self.plot.accuracy_view, *acc, look.dashes, look.symbol, p.mark,
                          GHOST_ACCURACY, 1.2, f"pinned {p.label} accuracy", size=6)
        self.plot.set_ghost_span(*ghost_span([p.run for p in pins]))

    def _add(self, view: pg.PlotItem | pg.ViewBox, x: np.ndarray, y: np.ndarray,
             dashes: tuple[float, ...],
             symbol: str, mark: int, color: tuple[int, ...], width: float, name: str,
             size: int = 8) -> None:
        pen = pg.mkPen(color=color, width=width)
        pen.setDashPattern(list(dashes))
        line = pg.PlotDataItem(x, y, pen=pen, connect="finite", name=name)
        line.setDownsampling(auto=True, method="peak")
        at = marker_indices(len(x), mark)
        markers = pg.PlotDataItem(x[at], y[at], pen=None, symbol=symbol, symbolSize=size,
                                  symbolPen=pg.mkPen(color=color[:3], width=1.3),
                                  symbolBrush=pg.mkBrush(255, 255, 255, 200))
        for item in (line, markers):
            item.setZValue(-5)  # under the current run's curves
            view.addItem(item)
            self._items.append((view, item))
        if isinstance(view, pg.PlotItem):  # its addItem sets the plot's own (none): again
            line.setDownsampling(auto=True, method="peak")
            line.setClipToView(True)


class PinnedRuns(QObject):
    """The window's compared runs: the bar under the loss plot and the ghosts in it."""

    def __init__(self, window: QWidget, plot: LossPlot, send: Callable[[c.Command], None],
                 client: WorkerClient) -> None:
        super().__init__(window)
        self.bar = PinnedRunsBar()
        plot.add_row(self.bar)
        self.ghosts = GhostCurves(plot)
        self.bar.commandRequested.connect(send)
        self._key: tuple[object, ...] = ()
        client.snapshotArrived.connect(self.set_snapshot)
        plot.hover_notes.append(self.hover_note)

    def hover_note(self, epoch: float) -> str:
        """The pinned runs' training loss (and accuracy) near ``epoch``, a line each, named by
        their marker (the legend under the plot says which run it is)."""
        lines = []
        for p in self.bar.pins:
            found = value_at(p.run, epoch)
            if found is None:
                continue
            at, loss, acc = found
            text = f"{style(p.mark).glyph} pinned loss {format_metric(loss)}"
            if math.isfinite(acc):
                text += f" · acc {100.0 * acc:.1f}%"
            lines.append(text + (f" (epoch {at})" if at != round(epoch) else ""))
        return "\n".join(lines)

    @Slot(object)
    def set_snapshot(self, snap: Snapshot) -> None:
        """Redraw only when the pinned runs or their labels changed."""
        key = tuple((p.label, p.mark, p.named, len(p.run.epochs),
                     int(p.run.epochs[-1]) if len(p.run.epochs) else -1) for p in snap.pinned)
        if key == self._key:
            return
        self._key = key
        self.bar.show_pins(snap.pinned)
        self.ghosts.show_pins(snap.pinned)
