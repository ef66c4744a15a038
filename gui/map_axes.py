"""The two drop-downs that choose which input columns the decision map is drawn over.

Shown only for data with more than two inputs. The choice belongs to the session
(``SetMapAxes``); this widget asks for it and shows what the snapshots report, except while
its own request is still on its way (so an older snapshot does not flick it back).
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget


class MapAxesChooser(QWidget):
    """``mapAxisX`` and ``mapAxisY``: the raw columns along the map's two axes."""

    axesChosen = Signal(int, int)
    """The user chose columns (x, y), 0-based and different."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapAxes")
        self._shown: tuple[int, int] = (0, 1)
        self._requested: tuple[int, int] | None = None
        self.x_box = self._combo("mapAxisX", "Map across: the input along the horizontal axis")
        self.y_box = self._combo("mapAxisY", "Map up: the input along the vertical axis")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        label = QLabel("Map over")
        label.setObjectName("mapAxesLabel")
        row.addWidget(label)
        row.addWidget(self.x_box, 1)
        across = QLabel("×")
        across.setObjectName("mapAxesTimes")
        row.addWidget(across)
        row.addWidget(self.y_box, 1)
        self.setToolTip("The decision map shows two inputs; every other input is held at its "
                        "mean over the training set.")
        self.x_box.activated.connect(self._on_x)
        self.y_box.activated.connect(self._on_y)

    def _combo(self, name: str, accessible: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(6)
        box.setMaxVisibleItems(16)
        return box

    @property
    def axes(self) -> tuple[int, int]:
        """The columns the drop-downs show."""
        return self.x_box.currentIndex(), self.y_box.currentIndex()

    def set_columns(self, names: tuple[str, ...]) -> None:
        """New data: list its columns (forgets any request in flight)."""
        self._requested = None
        for box in (self.x_box, self.y_box):
            box.blockSignals(True)
            box.clear()
            box.addItems(list(names))
            box.blockSignals(False)
        self._show((0, 1) if len(names) > 1 else (0, 0))

    def show_axes(self, axes: tuple[int, int]) -> None:
        """The axes the newest snapshot's maps are drawn over."""
        if self._requested is not None:
            if axes != self._requested:
                return  # older than our request
            self._requested = None
        self._show(axes)

    def _show(self, axes: tuple[int, int]) -> None:
        self._shown = axes
        for box, column in ((self.x_box, axes[0]), (self.y_box, axes[1])):
            if box.currentIndex() != column:
                box.blockSignals(True)
                box.setCurrentIndex(column)
                box.blockSignals(False)

    @Slot(int)
    def _on_x(self, column: int) -> None:
        y = self._shown[1]
        self._choose((column, self._shown[0] if column == y else y))

    @Slot(int)
    def _on_y(self, column: int) -> None:
        x = self._shown[0]
        self._choose((self._shown[1] if column == x else x, column))

    def _choose(self, axes: tuple[int, int]) -> None:
        """The same column on both axes swaps them instead (a map needs two)."""
        if axes == self._shown:
            return
        self._show(axes)
        self._requested = axes
        self.axesChosen.emit(*axes)
