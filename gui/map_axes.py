"""The two drop-downs that choose which input columns the decision map is drawn over.

Shown only for data with more than two inputs; the first entry of each, "PC 1" and "PC 2",
draws the map over the plane of the first two principal components instead. The choice
belongs to the session (``SetMapAxes``); this widget asks for it and shows what the snapshots
report, except while its own request is still on its way (so an older snapshot does not flick
it back).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

PCA_TIP = ("PC 1 × PC 2: the plane through the training mean along which the training data "
           "varies most (its first two principal components); every map point is a whole "
           "input.")


class MapAxesChooser(QWidget):
    """``mapAxisX`` and ``mapAxisY``: the raw columns along the map's two axes, or (their first
    entries, "PC 1" and "PC 2") the plane of the first two principal components."""

    axesChosen = Signal(int, int)
    """The user chose columns (x, y), 0-based and different."""
    pcaChosen = Signal()
    """The user chose the PCA plane."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapAxes")
        self._shown: tuple[tuple[int, int], bool] = ((0, 1), False)
        self._requested: tuple[tuple[int, int], bool] | None = None
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
                        "mean over the training set. " + PCA_TIP)
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
        """The columns chosen (kept while the PCA plane is shown)."""
        return self._shown[0]

    @property
    def pca(self) -> bool:
        """Whether the drop-downs show the PCA plane."""
        return self._shown[1]

    def set_columns(self, names: tuple[str, ...]) -> None:
        """New data: list its columns after the principal components (forgets any request in
        flight)."""
        self._requested = None
        for box, component in ((self.x_box, "PC 1"), (self.y_box, "PC 2")):
            box.blockSignals(True)
            box.clear()
            box.addItems([component, *names])
            box.setItemData(0, PCA_TIP, Qt.ItemDataRole.ToolTipRole)
            box.blockSignals(False)
        self._show(((0, 1) if len(names) > 1 else (0, 0), False))

    def show_axes(self, axes: tuple[int, int], pca: bool = False) -> None:
        """What the newest snapshot's maps are drawn over."""
        shown = (axes, pca)
        if self._requested is not None:
            if shown != self._requested:
                return  # older than our request
            self._requested = None
        self._show(shown)

    def _show(self, shown: tuple[tuple[int, int], bool]) -> None:
        self._shown = shown
        (x, y), pca = shown
        for box, column in ((self.x_box, x), (self.y_box, y)):
            index = 0 if pca else column + 1
            if box.currentIndex() != index:
                box.blockSignals(True)
                box.setCurrentIndex(index)
                box.blockSignals(False)

    @Slot(int)
    def _on_x(self, index: int) -> None:
        self._picked(index, 0)

    @Slot(int)
    def _on_y(self, index: int) -> None:
        self._picked(index, 1)

    def _picked(self, index: int, axis: int) -> None:
        """Entry ``index`` picked on ``axis`` (0 across, 1 up): PC 1/PC 2, or a column; a
        column the other axis shows swaps the two."""
        if index == 0:
            self._choose_pca()
            return
        axes = list(self._shown[0])
        column, other = index - 1, 1 - axis
        if axes[other] == column:
            axes[other] = axes[axis]
        axes[axis] = column
        self._choose((axes[0], axes[1]))

    def _choose_pca(self) -> None:
        if self.pca:
            return
        self._requested = (self._shown[0], True)
        self._show(self._requested)
        self.pcaChosen.emit()

    def _choose(self, axes: tuple[int, int]) -> None:
        """The same column on both axes swaps them instead (a map needs two)."""
        if (axes, False) == self._shown:
            return
        self._requested = (axes, False)
        self._show(self._requested)
        self.axesChosen.emit(*axes)
