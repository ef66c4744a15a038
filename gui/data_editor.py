"""The data table editor (Edit › Data table…): type an exercise's samples in by hand.

A table of any number of input columns (names editable) and one target column: numbers for
regression, class names for classification (listed under Classes, so an exercise of one sample
may leave a class absent). Apply checks every cell (``session.typed_table``) and sends one
``ReplaceData``; the session refits the network to the data. A bad cell is named in one line
below the table and nothing is sent.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.data.dataset import MAX_INPUTS, MAX_NAME
from gui.theme import current
from session.commands import ReplaceData
from session.snapshot import DataView
from session.typed_table import (
    DEFAULT_CLASSES,
    TableError,
    TypedTable,
    next_column_name,
    parse_class_names,
    table_command,
    table_of,
)

TARGET_HEADERS = {"classification": "class", "regression": "target"}


def _button(text: str, name: str, tip: str) -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.setToolTip(tip)
    b.setAutoDefault(False)
    return b


class DataEditor(QDialog):
    """Rows and columns of a data set typed in by hand; ``applied`` carries the command."""

    applied = Signal(object)
    """The ``ReplaceData`` command to send."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dataEditor")
        self.setWindowTitle("Data table")
        self.setModal(False)
        self._names: list[str] = ["x1", "x2"]
        self._from_run = False
        """True while the table holds the run's data with its columns unchanged."""
        self._run_data: DataView | None = None
        """The run's data in force (the window's newest snapshot): Apply of a table equal to
        it leaves the run alone."""

        self.task = QComboBox()
        self.task.setObjectName("dataTaskPicker")
        self.task.setToolTip("Classification: the last column names a class. Regression: it is "
                             "a number to predict.")
        self.task.addItem("Regression (targets are numbers)", "regression")
        self.task.addItem("Classification (targets are classes)", "classification")
        self.classes = QLineEdit(", ".join(DEFAULT_CLASSES))
        self.classes.setObjectName("classNamesEdit")
        self.classes.setToolTip("The classes, separated by commas (at least two; a class may "
                                "have no sample). Names typed in the class column are added.")
        self.classes_label = QLabel("Classes:")
        self.column_name = QLineEdit()
        self.column_name.setObjectName("columnNameEdit")
        self.column_name.setMaxLength(MAX_NAME)
        self.column_name.setToolTip("The name of the selected input column (press Enter)")
        self.column_name.setPlaceholderText("name of the selected column")

        self.table = QTableWidget(0, 0)
        self.table.setObjectName("dataTable")
        self.table.setAccessibleName("Data table: one row per sample")
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectItems)
        self.table.horizontalHeader().setDefaultSectionSize(84)

        self.add_row = _button("+ Row", "addRowButton", "Add a sample (row) at the end")
        self.delete_row = _button("− Rows", "deleteRowButton", "Delete the selected rows")
        self.add_column = _button("+ Column", "addColumnButton",
                                  "Add an input column before the target")
        self.remove_column = _button("− Column", "removeColumnButton",
                                     "Remove the selected input column")
        self.new_table = _button("New table", "newTableButton",
                                 "Start again from one empty row of x1, x2 and the target")
        self.reload = _button("Load current data", "reloadDataButton",
                              "Show the run's data again (drops unapplied edits)")
        self.apply_button = _button("Apply", "applyDataButton",
                                    "Make this table the run's data (the network is refitted)")
        self.apply_button.setDefault(True)
        self.close_button = _button("Close", "closeDataEditorButton", "Close the editor")
        self.error = QLabel()
        self.error.setObjectName("dataEditorError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {current().hex('error')};")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLabel()
        self.note.setObjectName("dataEditorNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        self._layout()

        self.add_row.clicked.connect(self.append_row)
        self.delete_row.clicked.connect(self.delete_selected_rows)
        self.add_column.clicked.connect(self.append_column)
        self.remove_column.clicked.connect(self.remove_selected_column)
        self.new_table.clicked.connect(self.start_new_table)
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.close)
        self.task.currentIndexChanged.connect(self._on_task)
        self.column_name.editingFinished.connect(self._rename_current)
        self.table.currentCellChanged.connect(self._on_current_cell)
        self.table.itemChanged.connect(lambda _item: self.error.clear())
        self.start_new_table()
        self.resize(620, 420)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Problem:"))
        top.addWidget(self.task)
        top.addWidget(self.classes_label)
        top.addWidget(self.classes, 3)
        top.addStretch(1)
        edits = QHBoxLayout()
        for b in (self.add_row, self.delete_row, self.add_column, self.remove_column):
            edits.addWidget(b)
        edits.addWidget(QLabel("Column name:"))
        edits.addWidget(self.column_name, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.new_table)
        bottom.addWidget(self.reload)
        bottom.addStretch(1)
        bottom.addWidget(self.apply_button)
        bottom.addWidget(self.close_button)
        v = QVBoxLayout(self)
        v.addLayout(top)
        v.addLayout(edits)
        v.addWidget(self.table, 1)
        v.addWidget(self.error)
        v.addWidget(self.note)
        v.addLayout(bottom)

    # -- contents ------------------------------------------------------------------------------
    @property
    def task_key(self) -> str:
        return str(self.task.currentData())

    def show_table(self, table: TypedTable, from_run: bool = False) -> None:
        """Fill the editor with ``table`` (the run's data, or a new one)."""
        self._from_run = from_run
        self._names = list(table.input_names)
        self.task.blockSignals(True)
        self.task.setCurrentIndex(self.task.findData(table.task))
        self.task.blockSignals(False)
        self.classes.setText(", ".join(table.class_names))
        self.table.blockSignals(True)
        self.table.setUpdatesEnabled(False)
        self.table.clear()
        self.table.setColumnCount(len(self._names) + 1)
        self.table.setRowCount(len(table.rows))
        for r, row in enumerate(table.rows):
            for k, text in enumerate(row):
                self.table.setItem(r, k, QTableWidgetItem(text))
        self.table.setUpdatesEnabled(True)
        self.table.blockSignals(False)
        self._show_headers()
        self._on_task_shown()
        self.error.clear()
        self._sync_column_name()

    def load_data(self, data: DataView) -> None:
        """Show the run's data; data too big to edit cell by cell opens a new table."""
        self._run_data = data
        table = table_of(data)
        if table is None:
            self.start_new_table()
            self.note.setText(f"The run's data ({len(data.y_train) + len(data.y_test):,} rows of "
                              f"{data.n_inputs} inputs) is too big to edit here; this is a new "
                              "table.")
            return
        self.show_table(table, from_run=True)
        self.note.setText("The run's data. Edit cells, add or delete rows, then Apply.")

    @Slot()
    def start_new_table(self) -> None:
        task = self.task_key if self.task.count() else "regression"
        self.show_table(TypedTable(("x1", "x2"), (("", "", ""),), task,
                                   tuple(parse_class_names(self.classes.text()))
                                   or DEFAULT_CLASSES))
        self.note.setText("Type one row per sample: the inputs, then the target. Apply makes "
                          "it the run's data; every row trains.")
        self.table.setCurrentCell(0, 0)

    def _show_headers(self) -> None:
        headers = [*self._names, TARGET_HEADERS[self.task_key]]
        self.table.setHorizontalHeaderLabels(headers)
        target = self.table.horizontalHeaderItem(len(self._names))
        if target is not None:
            target.setToolTip("The target: a class name (classification) or a number")

    def typed_table(self) -> TypedTable:
        """What the cells show, as text."""
        rows = []
        for r in range(self.table.rowCount()):
            cells = []
            for k in range(self.table.columnCount()):
                item = self.table.item(r, k)
                cells.append("" if item is None else item.text())
            rows.append(tuple(cells))
        return TypedTable(tuple(self._names), tuple(rows), self.task_key,
                          parse_class_names(self.classes.text()))

    def set_cell(self, row: int, column: int, text: str) -> None:
        """Type ``text`` into a cell (as a user would; used by tests too)."""
        self.table.setItem(row, column, QTableWidgetItem(text))

    # -- editing -------------------------------------------------------------------------------
    @Slot()
    def append_row(self) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setCurrentCell(r, 0)
        self.error.clear()

    @Slot()
    def delete_selected_rows(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}
                      or ({self.table.currentRow()} - {-1}), reverse=True)
        for r in rows:
            self.table.removeRow(r)
        self.error.clear()

    @Slot()
    def append_column(self) -> None:
        if len(self._names) >= MAX_INPUTS:
            self.error.setText(f"At most {MAX_INPUTS} input columns.")
            return
        k = len(self._names)
        self._names.append(next_column_name(tuple(self._names)))
        self.table.insertColumn(k)
        self._from_run = False
        self._show_headers()
        self.table.setCurrentCell(max(self.table.currentRow(), 0), k)

    @Slot()
    def remove_selected_column(self) -> None:
        k = self.table.currentColumn()
        if not 0 <= k < len(self._names):
            k = len(self._names) - 1
        if len(self._names) <= 1:
            self.error.setText("The table needs at least one input column.")
            return
        self._names.pop(k)
        self.table.removeColumn(k)
        self._from_run = False
        self._show_headers()
        self._sync_column_name()

    def rename_column(self, k: int, name: str) -> None:
        name = name.strip()
        if not name or not 0 <= k < len(self._names):
            return
        if name in self._names and self._names.index(name) != k:
            self.error.setText(f"Another input column is already named “{name}”.")
            return
        self._names[k] = name
        self._show_headers()

    @Slot()
    def _rename_current(self) -> None:
        self.rename_column(self.table.currentColumn(), self.column_name.text())

    @Slot(int, int, int, int)
    def _on_current_cell(self, _row: int, _column: int, _r0: int, _c0: int) -> None:
        self._sync_column_name()

    def _sync_column_name(self) -> None:
        """The name box shows the selected input column's name."""
        column = self.table.currentColumn()
        on_input = 0 <= column < len(self._names)
        self.column_name.setEnabled(on_input)
        self.column_name.setText(self._names[column] if on_input else "")

    @Slot(int)
    def _on_task(self, _index: int) -> None:
        self._show_headers()
        self._on_task_shown()
        self.error.clear()

    def _on_task_shown(self) -> None:
        classification = self.task_key == "classification"
        self.classes.setVisible(classification)
        self.classes_label.setVisible(classification)

    # -- apply ---------------------------------------------------------------------------------
    def set_run_data(self, data: DataView) -> None:
        """The run's data in force, from each snapshot (kept, not shown: the table is the
        user's until Reload)."""
        self._run_data = data

    def _unchanged(self) -> bool:
        """Whether the table shown equals the run's data in force, cell for cell (rows left
        blank do not count)."""
        if self._run_data is None:
            return False
        return self.typed_table().without_blank_rows() == table_of(self._run_data)

    def command(self) -> ReplaceData:
        """The command for the table shown; TableError names the first bad cell."""
        return table_command(self.typed_table(), keep_features=self._from_run)

    @Slot()
    def apply(self) -> bool:
        """Send the table as the run's data; False (and one line why) if a cell is bad."""
        if self._unchanged():
            self.error.clear()  # sending it would drop the test set and the data's kind
            self.note.setText("Nothing was edited: the run's data, its test set and its "
                              "pictures stay as they are.")
            return True
        try:
            cmd = self.command()
        except TableError as e:
            self.error.setText(str(e) + ".")
            return False
        self.error.clear()
        self.applied.emit(cmd)
        return True
