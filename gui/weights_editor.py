"""The weights editor (Edit › Weights…): one layer's W and b as editable tables.

Rows and columns are named after the units they join (x₁, h¹₁, ŷ). The engine's convention is
W of shape (n_in, n_out), one row per input; the transpose toggle shows and reads (out, in)
instead, one row per unit, as many textbooks write it. NumPy-style text (``[[0.1, 0.2],
[0.3, 0.4]]``, NumPy's printout, plain rows) fills a table from the paste box or with Ctrl+V
in a table (``engine.matrix_text``, never evaluated). Apply sends one ``SetLayer``; Step back
undoes it. A bad cell or a wrong shape is one line below the tables; nothing changes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.activations import ACTIVATIONS
from engine.explain import sub, sup
from engine.matrix_text import MatrixTextError, fit_matrix, fit_vector, parse_matrix
from gui.theme import current
from session.commands import SetLayer
from session.snapshot import Snapshot

FIT_COLUMNS = 4096
"""Tables of at most this many numbers fit their columns to the numbers' widths."""
Index = QModelIndex | QPersistentModelIndex


def unit_names(snap: Snapshot, column: int) -> list[str]:
    """Names of the units of diagram column ``column`` (0 = the inputs): the features' labels,
    h¹₁ … for hidden units, ŷ (ŷ₁ … for several) for the output."""
    n = snap.sizes[column]
    if column == 0:
        labels = list(snap.data.feature_labels)
        return labels if len(labels) == n else [f"x{sub(k + 1)}" for k in range(n)]
    if column == len(snap.sizes) - 1:
        return ["ŷ"] if n == 1 else [f"ŷ{sub(k + 1)}" for k in range(n)]
    return [f"h{sup(column)}{sub(k + 1)}" for k in range(n)]


class NumberGrid(QAbstractTableModel):
    """A matrix of numbers that only ever holds numbers: a cell typed with text that is no
    number is refused (``refused`` says which) and keeps its value."""

    refused = Signal(str)
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values = np.zeros((0, 0))
        self.row_names: list[str] = []
        self.column_names: list[str] = []
        self.what = "W"

    def show(self, values: np.ndarray, rows: list[str], columns: list[str], what: str) -> None:
        self.beginResetModel()
        self.values = np.array(values, dtype=np.float64).reshape(len(rows), len(columns))
        self.row_names, self.column_names, self.what = rows, columns, what
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.values.shape[0]

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.values.shape[1]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        v = float(self.values[index.row(), index.column()])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return f"{v:.6g}" if role == Qt.ItemDataRole.DisplayRole else repr(v)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"{self.what}: {self.row_names[index.row()]} → "
                    f"{self.column_names[index.column()]} = {v!r}")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        names = self.column_names if orientation == Qt.Orientation.Horizontal else self.row_names
        return names[section] if 0 <= section < len(names) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        r, c = index.row(), index.column()
        try:
            v = float(str(value).strip().replace("−", "-"))
            if not np.isfinite(v):
                raise ValueError
        except ValueError:
            self.refused.emit(f"{self.what}, row {self.row_names[r]}, column "
                              f"{self.column_names[c]}: “{str(value)[:40]}” is not a finite "
                              "number")
            return False
        self.values[r, c] = v
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True


class WeightsEditor(QDialog):
    """One layer's weights and biases; ``applied`` carries the ``SetLayer`` command."""

    applied = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weightsEditor")
        self.setWindowTitle("Weights")
        self.setModal(False)
        self._snap: Snapshot | None = None
        self._shape_key: object = None
        self.edited = False
        """True while the tables hold changes not applied yet."""

        self.layer = QComboBox()
        self.layer.setObjectName("layerPicker")
        self.layer.setToolTip("The weight layer to edit")
        self.transpose = QCheckBox("Rows are units: (out, in), as in many textbooks")
        self.transpose.setObjectName("transposeToggle")
        self.transpose.setToolTip("Off: W has one row per input, (n_in, n_out), the engine's "
                                  "convention (z = x·W + b). On: one row per unit of this "
                                  "layer, (n_out, n_in), as in z = W·x + b.")
        self.w_label = QLabel()
        self.w_label.setObjectName("weightsShapeLabel")
        self.w_model, self.b_model = NumberGrid(self), NumberGrid(self)
        self.w_table = self._view(self.w_model, "weightsTable", "Weights W of the layer")
        self.b_label = QLabel()
        self.b_table = self._view(self.b_model, "biasTable", "Biases b of the layer")
        self.text = QPlainTextEdit()
        self.text.setObjectName("weightsText")
        self.text.setPlaceholderText("Paste NumPy-style text, e.g. [[0.1, 0.2], [0.3, 0.4]] "
                                     "or rows of numbers, then Fill W or Fill b")
        self.text.setFixedHeight(64)
        self.paste_w = self._button("Fill W from text", "pasteWeightsButton",
                                    "Put the text's numbers into W (in the layout shown)")
        self.paste_b = self._button("Fill b from text", "pasteBiasButton",
                                    "Put the text's numbers into b")
        self.revert = self._button("Revert", "revertWeightsButton",
                                   "Show the run's weights again (drops unapplied edits)")
        self.apply_button = self._button("Apply", "applyWeightsButton",
                                         "Set this layer's weights and biases in the run")
        self.close_button = self._button("Close", "closeWeightsEditorButton", "Close the editor")
        self.error = QLabel()
        self.error.setObjectName("weightsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {current().hex('error')};")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self._layout()

        self.layer.currentIndexChanged.connect(self._on_layer)
        self.transpose.toggled.connect(self._on_transpose)
        self.paste_w.clicked.connect(lambda: self.fill_weights(self.text.toPlainText()))
        self.paste_b.clicked.connect(lambda: self.fill_biases(self.text.toPlainText()))
        self.revert.clicked.connect(self.show_run_weights)
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.close)
        for model in (self.w_model, self.b_model):
            model.refused.connect(self.error.setText)
            model.edited.connect(self._on_edited)
        for table, fill in ((self.w_table, self.fill_weights), (self.b_table, self.fill_biases)):
            paste = QShortcut(QKeySequence.StandardKey.Paste, table)
            paste.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            paste.activated.connect(lambda f=fill: f(QGuiApplication.clipboard().text()))
        self.resize(560, 440)

    def _view(self, model: NumberGrid, name: str, accessible: str) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        view.setAccessibleName(accessible)
        view.setModel(model)
        view.horizontalHeader().setDefaultSectionSize(76)
        view.horizontalHeader().setMinimumSectionSize(56)
        return view

    @staticmethod
    def _button(text: str, name: str, tip: str) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.setToolTip(tip)
        b.setAutoDefault(False)
        return b

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Layer:"))
        top.addWidget(self.layer, 1)
        paste = QHBoxLayout()
        paste.addWidget(self.paste_w)
        paste.addWidget(self.paste_b)
        paste.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.revert)
        bottom.addStretch(1)
        bottom.addWidget(self.apply_button)
        bottom.addWidget(self.close_button)
        v = QVBoxLayout(self)
        v.addLayout(top)
        v.addWidget(self.transpose)
        v.addWidget(self.w_label)
        v.addWidget(self.w_table, 3)
        v.addWidget(self.b_label)
        v.addWidget(self.b_table)
        self.b_table.setMaximumHeight(76)
        v.addWidget(self.text)
        v.addLayout(paste)
        v.addWidget(self.error)
        v.addLayout(bottom)

    # -- the run's weights ---------------------------------------------------------------------
    @property
    def layer_index(self) -> int:
        return max(self.layer.currentIndex(), 0)

    def set_snapshot(self, snap: Snapshot) -> None:
        """Follow the run: a new network shows its weights at once; new values of the same
        network show when nothing is being edited and the run is paused."""
        key = (snap.generation, snap.sizes, snap.activations, snap.use_bias)
        rebuilt = key != self._shape_key
        self._snap = snap
        if rebuilt:
            self._shape_key = key
            self._fill_layers(snap)
            self.show_run_weights()
        elif not self.edited and not snap.running:
            self.show_run_weights()

    def _fill_layers(self, snap: Snapshot) -> None:
        keep = self.layer.currentIndex()
        self.layer.blockSignals(True)
        self.layer.clear()
        depth = len(snap.sizes) - 1
        for k in range(depth):
            kind = "output layer" if k == depth - 1 else f"hidden layer {k + 1}"
            act = ACTIVATIONS[snap.activations[k]].title
            self.layer.addItem(f"Layer {k + 1} ({kind}, {act}): {snap.sizes[k]} in → "
                               f"{snap.sizes[k + 1]} unit{'s' * (snap.sizes[k + 1] != 1)}", k)
        self.layer.setCurrentIndex(keep if 0 <= keep < depth else 0)
        self.layer.blockSignals(False)

    @Slot()
    def show_run_weights(self) -> None:
        """Show the run's weights of the chosen layer (dropping unapplied edits)."""
        snap = self._snap
        if snap is None or not snap.weights:
            return
        k = min(self.layer_index, len(snap.weights) - 1)
        b = snap.biases[k]
        self._show(np.array(snap.weights[k]), None if b is None else np.array(b))
        self.edited = False
        self.error.clear()

    def _show(self, w: np.ndarray, b: np.ndarray | None) -> None:
        """Show W (n_in, n_out) and b (n_out,) in the layout chosen."""
        snap = self._snap
        assert snap is not None
        k = self.layer_index
        ins, outs = unit_names(snap, k), unit_names(snap, k + 1)
        name = f"W{sup(k + 1)}"
        if self.transpose.isChecked():
            self.w_model.show(w.T, outs, ins, name)
            self.w_label.setText(f"{name}ᵀ: {len(outs)} × {len(ins)} — a row per unit, a column "
                                 "per input (out, in)")
        else:
            self.w_model.show(w, ins, outs, name)
            self.w_label.setText(f"{name}: {len(ins)} × {len(outs)} — a row per input, a column "
                                 "per unit (in, out)")
        has_bias = b is not None
        self.b_model.show(b if has_bias else np.zeros((0,)), ["b"] if has_bias else [],
                          outs if has_bias else [], f"b{sup(k + 1)}")
        self.b_label.setText(f"b{sup(k + 1)}: {len(outs)} — a bias per unit" if has_bias
                             else "This network has no biases.")
        for widget in (self.b_table, self.paste_b):
            widget.setEnabled(has_bias)
        for table, model in ((self.w_table, self.w_model), (self.b_table, self.b_model)):
            if model.values.size <= FIT_COLUMNS:  # measuring every cell of a big layer is slow
                table.resizeColumnsToContents()

    # -- what the tables hold ------------------------------------------------------------------
    def weights(self) -> np.ndarray:
        """W as the tables hold it, in the engine's (n_in, n_out) layout."""
        w = self.w_model.values
        return w.T.copy() if self.transpose.isChecked() else w.copy()

    def biases(self) -> np.ndarray:
        return self.b_model.values.reshape(-1).copy()

    def _layer_shape(self) -> tuple[int, int]:
        rows, cols = self.w_model.values.shape
        return (rows, cols)

    def fill_weights(self, text: str) -> bool:
        """Parse ``text`` into W, in the layout shown; False (and one line why) if it does not
        fit."""
        try:
            shape = self._layer_shape()
            layout = "units × inputs" if self.transpose.isChecked() else "inputs × units"
            values = fit_matrix(parse_matrix(text), shape, layout)
        except MatrixTextError as e:
            self.error.setText(f"W: {e}.")
            return False
        self._set_model(self.w_model, values)
        return True

    def fill_biases(self, text: str) -> bool:
        if self.b_model.values.size == 0:
            self.error.setText("This network has no biases.")
            return False
        try:
            values = fit_vector(parse_matrix(text), self.b_model.values.size)
        except MatrixTextError as e:
            self.error.setText(f"b: {e}.")
            return False
        self._set_model(self.b_model, values.reshape(1, -1))
        return True

    def _set_model(self, model: NumberGrid, values: np.ndarray) -> None:
        model.show(values, model.row_names, model.column_names, model.what)
        self._on_edited()

    @Slot()
    def _on_edited(self) -> None:
        self.edited = True
        self.error.clear()

    @Slot(int)
    def _on_layer(self, _index: int) -> None:
        self.show_run_weights()

    @Slot(bool)
    def _on_transpose(self, _on: bool) -> None:
        """Show the same numbers in the other layout (unapplied edits are kept)."""
        if self._snap is None or self.w_model.values.size == 0:
            return
        w = self.w_model.values
        w = w if self.transpose.isChecked() else w.T  # back to (n_in, n_out) first
        b = self.biases() if self.b_model.values.size else None
        edited = self.edited
        self._show(w, b)
        self.edited = edited

    # -- apply ---------------------------------------------------------------------------------
    def command(self) -> SetLayer:
        w = self.weights()
        return SetLayer(self.layer_index, tuple(tuple(float(v) for v in row) for row in w),
                        tuple(float(v) for v in self.biases()))

    @Slot()
    def apply(self) -> None:
        if self._snap is None:
            return
        self.applied.emit(self.command())
        self.edited = False
        self.error.clear()
