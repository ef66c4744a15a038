"""The strip above the network diagram that edits the architecture.

"+ / −" for the number of hidden layers, and for each hidden layer its unit count, its
activation and its dropout rate ("drop p"); the output layer's activation at the right. Each
box sits above its column of the diagram (``set_column_centers``). Every change is sent as an
``EditScenario`` of the model; it needs a new network, so the session rebuilds it (from the
same start weights, drawn from the same seed) and says so.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.activations import ACTIVATIONS
from engine.dropout import DROPOUT_CHOICES
from engine.network import LayerSpec
from engine.scenario import Scenario
from gui.accessibility import hidden_label
from gui.panels.widgets import EditSender
from session.commands import Section, edit

MAX_WINDOW_LAYERS = 8
MAX_WINDOW_UNITS = 32
BOX_WIDTH = 104
MIN_BOX_WIDTH = 40
BOX_TEXT_PX = 14
"""The text height BOX_WIDTH was made for; a taller (zoomed) font widens the boxes."""
"""Eight hidden layers and the output still fit a 1024-pixel window's diagram column."""


def _button(text: str, object_name: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setObjectName(object_name)
    b.setAccessibleName(tip)
    b.setToolTip(tip)
    b.setAutoRaise(False)
    b.setFixedSize(22, 22)
    return b


class LayerBox(QFrame):
    """Units and activation of one layer."""

    def __init__(self, title: str, hidden: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(BOX_WIDTH)
        self._units_text = ""
        self._compact = False
        v = QVBoxLayout(self)
        v.setContentsMargins(2, 2, 2, 2)
        v.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(2)
        self.minus = _button("−", "", f"Remove a unit from {title}")
        self.plus = _button("+", "", f"Add a unit to {title}")
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if hidden:
            row.addWidget(self.minus)
        row.addWidget(self.label, 1)
        if hidden:
            row.addWidget(self.plus)
        else:
            self.minus.hide()
            self.plus.hide()
        v.addLayout(row)
        self.activation = QComboBox()
        self.activation.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.activation.setMinimumContentsLength(2)
        self.activation.setToolTip(f"Activation of {title}")
        self.activation.setAccessibleName(f"Activation of {title}")
        for key, act in ACTIVATIONS.items():
            if hidden and act.output_only:
                continue
            self.activation.addItem(act.title, key)
            self.activation.setItemData(self.activation.count() - 1, act.title,
                                        Qt.ItemDataRole.ToolTipRole)
        v.addWidget(self.activation)
        v.addWidget(hidden_label(self.activation, f"Activation of {title}"))
        self.dropout: QComboBox | None = None
        if hidden:
            self.dropout = QComboBox()
            self.dropout.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.dropout.setMinimumContentsLength(2)
            tip = (f"Dropout of {title}: the share of its units dropped at random in each "
                   "training step (kept ones scaled by 1/(1 − p)); never when evaluating")
            self.dropout.setToolTip(tip)
            self.dropout.setAccessibleName(f"Dropout of {title}")
            for p in DROPOUT_CHOICES:
                self.dropout.addItem(_drop_text(p, False), p)
            v.addWidget(self.dropout)
            v.addWidget(hidden_label(self.dropout, f"Dropout of {title}"))

    def show_dropout(self, p: float) -> None:
        """Select rate ``p`` (added to the choices when a file or the CLI chose another)."""
        if self.dropout is None:
            return
        index = self.dropout.findData(p)
        if index < 0:
            self.dropout.addItem(_drop_text(p, False), p)
            self.set_compact(self._compact)
            index = self.dropout.count() - 1
        self.dropout.setCurrentIndex(index)

    def set_units_text(self, text: str, short: str) -> None:
        self._units_text, self._short_text = text, short
        self.label.setText(short if self._compact else text)
        self.label.setToolTip(text)

    def set_compact(self, compact: bool) -> None:
        """Narrow columns: smaller buttons and just the number of units."""
        self._compact = compact
        side = 22 if not compact else (18 if self.width() >= 52 else 14)
        side = max(side, self.fontMetrics().height() + 4 * (not compact))  # a zoomed font
        for b in (self.minus, self.plus):
            b.setFixedSize(side, side)
        if self._units_text:
            room = self.width() - 8  # the box's width as placed, less its margins
            fits = self.label.fontMetrics().horizontalAdvance(self._units_text) <= room
            self.label.setText(self._units_text if fits and not compact else self._short_text)
        names = self.activation.fontMetrics()
        for i in range(self.activation.count()):
            # the full name where the box has room for it (the arrow takes ~30 px), else the
            # short one ("soft" for Softmax); each item's tooltip keeps the full name
            act = ACTIVATIONS[self.activation.itemData(i)]
            fits = names.horizontalAdvance(act.title) <= self.width() - 30
            self.activation.setItemText(i, act.title if fits else act.short_title)
        if self.dropout is not None:
            # "drop 0.2" where the box has room for it (the arrow takes ~26 px), else "0.2"
            metrics = self.dropout.fontMetrics()
            room = self.width() - 30
            short = any(metrics.horizontalAdvance(_drop_text(self.dropout.itemData(i), False))
                        > room for i in range(self.dropout.count()))
            for i in range(self.dropout.count()):
                self.dropout.setItemText(i, _drop_text(self.dropout.itemData(i), short))


def _drop_text(p: float, compact: bool) -> str:
    """A dropout choice as the combo shows it: "drop 0.2", or just ".2" in narrow boxes."""
    if not compact:
        return f"drop {p:g}"
    return f"{p:g}".removeprefix("0") or "0"


class ArchitectureBar(EditSender, QWidget):
    """Layer count, per-layer units and activations; sends ``EditScenario`` commands."""

    commandRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("architectureBar")
        self._scenario: Scenario | None = None
        self._centers: list[float] = []
        self.layer_minus = _button("−", "removeLayerButton", "Remove the last hidden layer")
        self.layer_plus = _button("+", "addLayerButton", "Add a hidden layer")
        self.layer_label = QLabel()
        self.layer_label.setObjectName("hiddenLayerCount")
        head = QWidget(self)  # sits above the inputs column: two buttons over the count
        h = QGridLayout(head)
        h.setContentsMargins(0, 0, 0, 0)
        h.setSpacing(2)
        h.addWidget(self.layer_minus, 0, 0)
        h.addWidget(self.layer_plus, 0, 1)
        h.addWidget(self.layer_label, 1, 0, 1, 2, Qt.AlignmentFlag.AlignCenter)
        self._head = head
        self.boxes: list[LayerBox] = []
        self.output_box: LayerBox | None = None
        self.layer_minus.clicked.connect(self._remove_layer)
        self.layer_plus.clicked.connect(self._add_layer)
        self.setFixedHeight(84)

    # -- display -------------------------------------------------------------------------------
    def show_scenario(self, s: Scenario, n_outputs: int) -> None:
        self._scenario = s
        hidden = s.model.hidden
        if len(self.boxes) != len(hidden) or self.output_box is None:
            self._rebuild_boxes(len(hidden))
        for k, (box, layer) in enumerate(zip(self.boxes, hidden, strict=True)):
            box.activation.blockSignals(True)
            box.activation.setCurrentIndex(box.activation.findData(layer.activation))
            box.activation.blockSignals(False)
            box.set_units_text(f"{layer.units} unit{'s' * (layer.units != 1)}",
                               str(layer.units))
            box.minus.setEnabled(layer.units > 1)
            box.plus.setEnabled(layer.units < MAX_WINDOW_UNITS)
            box.show_dropout(layer.dropout)
            box.setToolTip(f"Hidden layer {k + 1}")
        assert self.output_box is not None
        ob = self.output_box
        ob.activation.blockSignals(True)
        ob.activation.setCurrentIndex(ob.activation.findData(s.model.output_activation))
        ob.activation.blockSignals(False)
        ob.set_units_text(f"output: {n_outputs} unit{'s' * (n_outputs != 1)}",
                          f"out: {n_outputs}")
        n = len(hidden)
        self.layer_label.setToolTip(f"{n} hidden layer{'s' * (n != 1)}")
        self.layer_minus.setEnabled(n > 0)
        self.layer_plus.setEnabled(n < MAX_WINDOW_LAYERS)
        self._place()

    def _rebuild_boxes(self, n_hidden: int) -> None:
        for box in [*self.boxes, self.output_box]:
            if box is not None:
                box.deleteLater()
        self.boxes = []
        for k in range(n_hidden):
            box = LayerBox(f"hidden layer {k + 1}", True, self)
            box.minus.setObjectName(f"removeUnit{k + 1}")
            box.plus.setObjectName(f"addUnit{k + 1}")
            box.activation.setObjectName(f"activation{k + 1}")
            box.minus.clicked.connect(self._units_changed)
            box.plus.clicked.connect(self._units_changed)
            box.activation.currentIndexChanged.connect(self._activation_changed)
            assert box.dropout is not None
            box.dropout.setObjectName(f"dropoutPicker{k + 1}")
            box.dropout.activated.connect(self._dropout_changed)
            box.show()
            self.boxes.append(box)
        self.output_box = LayerBox("the output layer", False, self)
        self.output_box.activation.setObjectName("outputActivation")
        self.output_box.activation.currentIndexChanged.connect(self._activation_changed)
        self.output_box.show()

    def set_column_centers(self, centers: list[float]) -> None:
        """x centres (in this widget's coordinates) of the diagram's columns, inputs first."""
        self._centers = list(centers)
        self._place()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place()

    def changeEvent(self, event: QEvent) -> None:
        """A bigger font (the window zoom, a 14 pt desktop) makes the boxes taller."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._place()

    def _place(self) -> None:
        """Put each box above its column, as wide as the column spacing allows, so boxes
        never overlap (narrow columns get compact boxes: the unit count without "units")."""
        boxes = [*self.boxes, self.output_box] if self.output_box is not None else []
        n_cols = len(boxes) + 1
        centers = self._centers
        if len(centers) != n_cols:
            step = self.width() / max(n_cols, 1)
            centers = [step * (k + 0.5) for k in range(n_cols)]
        spacing = min((b - a for a, b in itertools.pairwise(centers)),
                      default=float(BOX_WIDTH + 8))
        grown = BOX_WIDTH * max(1.0, self.fontMetrics().height() / BOX_TEXT_PX)  # zoomed
        width = int(max(MIN_BOX_WIDTH, min(grown, spacing - 6)))
        n = len(self.boxes)
        for _ in range(2):  # the head's width depends on compactness, the room on the head
            compact = width < 96
            self.layer_label.setText(str(n) if width < 52 else f"{n} hidden" if compact
                                     else f"{n} hidden layer{'s' * (n != 1)}")
            side = max(18 if compact else 22, self.fontMetrics().height() + 4 * (not compact))
            for b in (self.layer_minus, self.layer_plus):
                b.setFixedSize(side, side)
            self._head.adjustSize()
            self._head.move(2, (self.height() - self._head.height()) // 2)
            left = self._head.x() + self._head.width() + 4
            room = (self.width() - left) // max(len(boxes), 1) - 2
            if width <= room:
                break
            width = max(MIN_BOX_WIDTH, room)  # the boxes must all fit inside the bar
        for k, (box, cx) in enumerate(zip(boxes, centers[1:], strict=False)):
            box.setFixedWidth(width)
            box.set_compact(compact)
            x = round(cx - width / 2)
            # leave room for the boxes still to come, so the last one is not cut at the edge
            x = max(left, min(x, self.width() - (len(boxes) - k) * (width + 2) + 2))
            box.move(x, 2)
            left = x + width + 2  # the next box starts after this one, whatever the centres
        tallest = max((box.sizeHint().height() for box in boxes), default=0)
        for box in boxes:
            box.resize(box.width(), tallest)
        height = max(84, tallest + 4, self._head.height() + 4)  # all of a zoomed box shows
        if height != self.height():
            self.setFixedHeight(height)

    # -- edits ---------------------------------------------------------------------------------
    def _emit_hidden(self, hidden: tuple[LayerSpec, ...]) -> None:
        if self._scenario is None:
            return
        self.send_edit(edit(Section.MODEL, hidden=hidden))

    @Slot()
    def _add_layer(self) -> None:
        if self._scenario is None:
            return
        hidden = self._scenario.model.hidden
        template = hidden[-1] if hidden else LayerSpec(4, "tanh")
        self._emit_hidden((*hidden, template))

    @Slot()
    def _remove_layer(self) -> None:
        if self._scenario is not None and self._scenario.model.hidden:
            self._emit_hidden(self._scenario.model.hidden[:-1])

    @Slot()
    def _units_changed(self) -> None:
        if self._scenario is None:
            return
        sender = self.sender()
        hidden = list(self._scenario.model.hidden)
        for k, box in enumerate(self.boxes):
            if sender in (box.plus, box.minus):
                delta = 1 if sender is box.plus else -1
                units = min(MAX_WINDOW_UNITS, max(1, hidden[k].units + delta))
                hidden[k] = replace(hidden[k], units=units)
        self._emit_hidden(tuple(hidden))

    @Slot(int)
    def _activation_changed(self, _index: int) -> None:
        if self._scenario is None or self.output_box is None:
            return
        s = self._scenario
        hidden = tuple(
            replace(layer, activation=box.activation.currentData())
            for layer, box in zip(s.model.hidden, self.boxes, strict=True)
        )
        self.send_edit(edit(Section.MODEL, hidden=hidden,
                                        output_activation=self.output_box.activation.currentData()))

    @Slot(int)
    def _dropout_changed(self, index: int) -> None:
        """A dropout rate chosen: the edited hidden layers (the network is rebuilt from the
        same start weights)."""
        if self._scenario is None:
            return
        sender = self.sender()
        hidden = list(self._scenario.model.hidden)
        for k, box in enumerate(self.boxes):
            if sender is box.dropout and box.dropout is not None:
                hidden[k] = replace(hidden[k], dropout=float(box.dropout.itemData(index)))
        self._emit_hidden(tuple(hidden))
