"""The CSV data import dialog: a preview of the first rows, the input columns (check boxes),
the label column, the problem type, the train/test split and "skip bad lines".

The dialog only shows the file's start (``engine.csvdata.preview_csv``) and collects the
choices; the session reads the whole file when the import command arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.csv_text import looks_like_targets
from engine.csvdata import CsvPreview
from engine.data.dataset import MAX_INPUTS
from engine.notation import is_number
from gui.theme import current

CHECKS_PER_ROW = 6
"""Input check boxes in one row of their grid."""


@dataclass(frozen=True)
class CsvChoices:
    """What the user chose: the import command's arguments."""

    label_column: int
    input_columns: tuple[int, ...]
    task: str
    train_fraction: float
    skip_bad_lines: bool


BAD_CELL = ("#f9d0d0", "#202124")
"""A bad cell's background and text (pale red under dark text, whatever the theme)."""


class CsvImportDialog(QDialog):
    """Columns, label, problem type and train/test split for a CSV data import."""

    def _mark(self, item: QTableWidgetItem, i: int, bad: bool) -> None:
        """Show cell ``item`` of row ``i`` plain, or marked ✗ when its column is read as
        numbers and it is not one (never colour alone), saying why its line would fail."""
        cell = self.preview.rows[i][item.column()]
        if not bad:
            item.setText(cell)
            item.setToolTip("")
            return
        item.setText(f"✗ {cell}" if cell.strip() else "✗ (empty)")
        item.setBackground(QBrush(QColor(BAD_CELL[0])))
        item.setForeground(QBrush(QColor(BAD_CELL[1])))
        numbers = self.preview.line_numbers
        line = numbers[i] if i < len(numbers) else i + 1
        item.setToolTip(f"line {line}: not a number in a column read as numbers; this line "
                        "is refused, or left out with \"Skip bad lines\"")

    def _mark_ragged_rows(self) -> None:
        """Mark ✗ on the number of each shown row with too few or too many values."""
        p = self.preview
        for i, width in enumerate(p.widths):
            if width == p.n_columns:
                continue
            line = p.line_numbers[i] if i < len(p.line_numbers) else i + 1
            item = QTableWidgetItem(f"✗ {line}")
            item.setToolTip(f"line {line}: {width} value{'s' * (width != 1)}, expected "
                            f"{p.n_columns}; this line is refused, or left out with \"Skip bad "
                            "lines\"")
            self.table.setVerticalHeaderItem(i, item)

    def __init__(self, parent: QWidget | None, path: str, preview: CsvPreview) -> None:
        super().__init__(parent)
        self.setObjectName("csvImportDialog")
        self.setWindowTitle(f"Import data — {Path(path).name}")
        self.preview = preview
        n = preview.n_columns
        layout = QVBoxLayout(self)

        header = "a header row names the columns" if preview.header else "no header row"
        rows = preview.n_lines - (preview.header is not None)
        self.summary = QLabel(f"{Path(path).name}: {n} columns and up to {rows:,} rows; "
                              f"{header}. The first {len(preview.rows)} rows, numbered by "
                              "their line in the file as messages number them; ✗ marks a cell "
                              "that is not a number in a column read as numbers, or a row "
                              "with too few or too many values:")
        self.summary.setObjectName("csvSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.table = QTableWidget(len(preview.rows), n)
        self.table.setObjectName("csvPreviewTable")
        self.table.setHorizontalHeaderLabels(list(preview.names))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for i, row in enumerate(preview.rows):
            for j, cell in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(cell))
        if len(preview.line_numbers) == len(preview.rows):
            self.table.setVerticalHeaderLabels([str(n) for n in preview.line_numbers])
        self._mark_ragged_rows()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setMinimumHeight(200)
        layout.addWidget(self.table, stretch=3)

        # -- inputs: one check box per column ---------------------------------------------------
        inputs_bar = QHBoxLayout()
        self.input_count = QLabel()
        self.input_count.setObjectName("csvInputCount")
        self.select_all = QPushButton("Select all")
        self.select_all.setObjectName("csvSelectAll")
        self.select_none = QPushButton("Select none")
        self.select_none.setObjectName("csvSelectNone")
        inputs_bar.addWidget(QLabel("<b>Input columns</b>"))
        inputs_bar.addWidget(self.input_count, stretch=1)
        inputs_bar.addWidget(self.select_all)
        inputs_bar.addWidget(self.select_none)
        self.select_first = QPushButton(f"First {MAX_INPUTS:,}")
        self.select_first.setObjectName("csvSelectFirst")
        self.select_first.setToolTip(f"Use the first {MAX_INPUTS:,} columns of numbers as "
                                     "inputs (the most a network takes)")
        self.select_first.setVisible(sum(preview.numeric) > MAX_INPUTS)
        inputs_bar.addWidget(self.select_first)
        layout.addLayout(inputs_bar)
        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(4, 2, 4, 2)
        self.columns: list[QCheckBox] = []
        for j, name in enumerate(preview.names):
            box = QCheckBox(name)
            box.setObjectName(f"csvColumn_{j}")
            box.setToolTip(f"Use column {j + 1} ({name}) as an input"
                           + ("" if preview.numeric[j] else "; its first cells are not "
                                                            "numbers"))
            box.setChecked(preview.numeric[j])
            box.toggled.connect(self._update)
            grid.addWidget(box, j // CHECKS_PER_ROW, j % CHECKS_PER_ROW)
            self.columns.append(box)
        scroll = QScrollArea()
        scroll.setObjectName("csvColumnsArea")
        scroll.setWidget(grid_host)
        scroll.setWidgetResizable(True)
        rows_shown = min(4, (n + CHECKS_PER_ROW - 1) // CHECKS_PER_ROW)
        scroll.setMaximumHeight(rows_shown * 28 + 12)
        layout.addWidget(scroll, stretch=1)

        # -- label, problem, split, bad lines --------------------------------------------------
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.label = QComboBox()
        self.label.setObjectName("csvLabelCombo")
        for j, name in enumerate(preview.names):
            self.label.addItem(name if name == f"column {j + 1}" else f"{name} (column {j + 1})",
                               j)
        self.label.setToolTip("The column with the labels (classes) or targets to predict")
        self.task = QComboBox()
        self.task.setObjectName("csvTaskCombo")
        self.task.addItem("Classification (labels are classes)", "classification")
        self.task.addItem("Regression (labels are numbers to predict)", "regression")
        self.train = QSpinBox()
        self.train.setObjectName("csvTrainShare")
        self.train.setRange(10, 100)
        self.train.setSuffix(" %")
        self.train.setValue(70)
        self.train.setToolTip("Share of the rows used for training; the rest is the test set")
        self.skip_bad = QCheckBox("Skip bad lines (they are listed after the import)")
        self.skip_bad.setObjectName("csvSkipBadLines")
        self.skip_bad.setToolTip("Leave out rows with a wrong number of values or a cell that "
                                 "is not a number, instead of refusing the file")
        form.addRow("Label column", self.label)
        form.addRow("Problem", self.task)
        form.addRow("Training share", self.train)
        form.addRow("", self.skip_bad)
        layout.addLayout(form)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("csvButtons")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.select_all.clicked.connect(lambda: self._set_all(True))
        self.select_none.clicked.connect(lambda: self._set_all(False))
        self.select_first.clicked.connect(self._select_first)
        self._label_j = -1
        self.label.currentIndexChanged.connect(self._label_changed)
        self.task.currentIndexChanged.connect(self._update)  # regression reads the label
        self.label.setCurrentIndex(preview.label_guess)  # named so, else the last in use
        self._label_changed()
        self.resize(min(980, max(640, 110 * n)), 640)

    # -- reactions -----------------------------------------------------------------------------
    def _label_changed(self) -> None:
        """The label column is never an input; the previous label column becomes one again
        (if its cells are numbers), and the problem follows the label's cells."""
        j = int(self.label.currentData())
        old, self._label_j = self._label_j, j
        if 0 <= old < len(self.columns):
            self.columns[old].setEnabled(True)
            self.columns[old].setChecked(self.preview.numeric[old])
        self.columns[j].setChecked(False)
        self.columns[j].setEnabled(False)
        cells = [row[j] for row in self.preview.rows]
        self.task.setCurrentIndex(1 if looks_like_targets(cells) else 0)
        self._update()
        self.table.resizeColumnsToContents()

    def _set_all(self, on: bool) -> None:
        for j, box in enumerate(self.columns):
            if j != self._label_j:
                box.blockSignals(True)
                box.setChecked(on)
                box.blockSignals(False)
        self._update()

    def _select_first(self) -> None:
        """Tick the first MAX_INPUTS columns of numbers (not the label), untick the rest."""
        left = MAX_INPUTS
        for j, box in enumerate(self.columns):
            if j == self._label_j:
                continue
            on = left > 0 and self.preview.numeric[j]
            left -= on
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self._update()

    def _update(self) -> None:
        """The count of inputs, Import enabled only with one, and the table's colours: the
        label column highlighted, columns left out greyed."""
        chosen = self.input_columns()
        too_many = len(chosen) > MAX_INPUTS
        self.input_count.setText(
            f"{len(chosen)} of {len(self.columns) - 1} columns as inputs"
            + ("" if chosen else " — choose at least one")
            + (f" — at most {MAX_INPUTS:,}" if too_many else ""))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(chosen) and not too_many)
        used = set(chosen)
        regression = self.task.currentData() == "regression"
        numbers = used | ({self._label_j} if regression else set())
        for j in range(self.table.columnCount()):
            for i in range(self.table.rowCount()):
                item = self.table.item(i, j)
                if item is None:
                    continue
                label, faint = current().qcolor("caption_bg"), current().qcolor("faint_text")
                item.setBackground(QBrush(label) if j == self._label_j else QBrush())
                item.setForeground(QBrush(faint) if j not in used
                                   and j != self._label_j else QBrush())
                self._mark(item, i, j in numbers and not is_number(self.preview.rows[i][j]))
            head = self.table.horizontalHeaderItem(j)
            if head is not None:
                name = self.preview.names[j]
                head.setText(f"{name} (label)" if j == self._label_j else name)

    # -- the choices ---------------------------------------------------------------------------
    def input_columns(self) -> tuple[int, ...]:
        return tuple(j for j, box in enumerate(self.columns)
                     if box.isChecked() and j != self._label_j)

    def label_column(self) -> int:
        return self._label_j

    def choices(self) -> CsvChoices:
        return CsvChoices(self.label_column(), self.input_columns(),
                          str(self.task.currentData()), self.train.value() / 100.0,
                          self.skip_bad.isChecked())
