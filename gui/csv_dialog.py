"""The CSV data import dialog: label column, problem type and train/test split."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)


class CsvImportDialog(QDialog):
    """Label column, problem type and train/test split for a CSV data import."""

    def __init__(self, parent: QWidget, path: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import data — {Path(path).name}")
        form = QFormLayout(self)
        self.label = QLineEdit("-1")
        self.label.setToolTip("Column with the labels or targets: a header name, or a number "
                              "(1 = first column, -1 = last)")
        self.task = QComboBox()
        self.task.addItem("Classification (labels are classes)", "classification")
        self.task.addItem("Regression (labels are numbers to predict)", "regression")
        self.train = QSpinBox()
        self.train.setRange(10, 100)
        self.train.setSuffix(" %")
        self.train.setValue(70)
        form.addRow("Label column", self.label)
        form.addRow("Problem", self.task)
        form.addRow("Training share", self.train)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def label_column(self) -> int | str:
        text = self.label.text().strip()
        try:
            n = int(text)
        except ValueError:
            return text
        return n - 1 if n > 0 else n
