"""The Metrics tab: how the current network does on the training or the test set.

Classification: the confusion matrix (rows the true class, columns the predicted one, counts
shaded by their share of the row: blue on the diagonal, orange off it) with each class's
accuracy (recall) in the last column. Regression: R² and RMSE. The numbers are the engine's
(``Snapshot.scores``, refreshed with the maps while training); this only lays them out, and
only while the tab is shown.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.metrics import ClassScores, RegressionScores, Scores, SetScores
from gui.colors import NEGATIVE, POSITIVE
from gui.output_legend import class_label
from gui.theme import current
from session.snapshot import Snapshot


def cell_colour(share: float, diagonal: bool) -> QColor:
    """White for none, up to the full blue (right) or orange (confused) for the whole row."""
    base = POSITIVE if diagonal else NEGATIVE
    s = 0.0 if not math.isfinite(share) else min(max(share, 0.0), 1.0)
    return QColor(*(round(255 - (255 - c) * 0.85 * s) for c in base))


def _short_name(snap: Snapshot, k: int) -> str:
    names = snap.data.class_names
    return names[k] if k < len(names) else str(k)


def _percent(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{100 * value:.1f}%"


def _number(value: float) -> str:
    return "—" if not math.isfinite(value) else f"{value:.4g}"


class MetricsView(QWidget):
    """The Metrics tab (``metricsPanel``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metricsPanel")
        self.setAccessibleName("Metrics")
        self._snap: Snapshot | None = None
        self._shown: tuple[object, bool] | None = None
        self._names: tuple[str, ...] = ()

        self.train_button = QRadioButton("Training set")
        self.train_button.setObjectName("metricsTrain")
        self.test_button = QRadioButton("Test set")
        self.test_button.setObjectName("metricsTest")
        self.test_button.setToolTip("Samples the network never trains on: how well it "
                                    "generalises.")
        self.test_button.setChecked(True)
        self.sets = QButtonGroup(self)
        self.sets.addButton(self.train_button)
        self.sets.addButton(self.test_button)
        self.summary = QLabel()
        self.summary.setObjectName("metricsSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("confusionMatrix")
        self.table.setAccessibleName("Confusion matrix")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setMinimumSectionSize(15)
        self.table.horizontalHeader().setHighlightSections(False)
        self.caption = QLabel("Rows: the true class · columns: the class predicted · "
                              "“right”: the share of the row predicted right.")
        self.caption.setObjectName("metricsCaption")
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: palette(placeholder-text);")
        self.table.setToolTip(self.caption.text())
        self.regression = QLabel()
        self.regression.setObjectName("regressionScores")
        self.regression.setWordWrap(True)
        self.regression.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.regression.setTextFormat(Qt.TextFormat.RichText)

        top = QHBoxLayout()
        top.addWidget(self.train_button)
        top.addWidget(self.test_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.regression, 1)
        self.sets.buttonToggled.connect(self._on_set)

    # -- public --------------------------------------------------------------------------------
    def set_snapshot(self, snap: Snapshot) -> None:
        """Keep the newest snapshot; draw it now if the tab is shown (else when it is)."""
        self._snap = snap
        if self.isVisible():
            self.refresh()

    @property
    def showing_test(self) -> bool:
        return self.test_button.isChecked() and self.test_button.isEnabled()

    def refresh(self) -> None:
        snap = self._snap
        if snap is None or snap.scores is None:
            return
        scores = snap.scores
        has_test = scores.test is not None
        if self.test_button.isEnabled() != has_test:
            self.test_button.setEnabled(has_test)
        key = (scores, self.showing_test)
        if key == self._shown:
            return  # scores refresh with the maps, not with every snapshot
        self._shown = key
        chosen: SetScores = scores.test if self.showing_test and scores.test else scores.train
        which = "test" if chosen is scores.test else "training"
        classification = isinstance(chosen, ClassScores)
        self.table.setVisible(classification)
        # ten rows need the room: then the table's tooltip says what the caption says
        self.caption.setVisible(isinstance(chosen, ClassScores) and chosen.confusion.shape[0] <= 5)
        self.regression.setVisible(not classification)
        if isinstance(chosen, ClassScores):
            self._show_classes(snap, scores, chosen, which)
        else:
            self._show_regression(scores, chosen, which)

    # -- drawing -------------------------------------------------------------------------------
    def _show_classes(self, snap: Snapshot, scores: Scores, s: ClassScores, which: str) -> None:
        self.summary.setText(f"Epoch {scores.epoch:,} · {which} set: {s.n:,} samples, "
                             f"accuracy {_percent(s.accuracy)}")
        k = s.confusion.shape[0]
        names = tuple(class_label(snap.data, i) for i in range(k))
        if names != self._names or self.table.rowCount() != k:
            self._names = names
            self.table.clear()
            self.table.setRowCount(k)
            self.table.setColumnCount(k + 1)
            short = [_short_name(snap, i) for i in range(k)]  # "3", not "class 3"
            self.table.setHorizontalHeaderLabels([*short, "right"])
            self.table.setVerticalHeaderLabels(short)
            font = self.table.font()
            font.setPointSizeF(self.font().pointSizeF() * (0.85 if k > 5 else 1.0))
            self.table.setFont(font)
            header = self.table.horizontalHeader()
            header.setMinimumSectionSize(22 if k > 5 else 30)
            header.setSectionResizeMode(k, QHeaderView.ResizeMode.ResizeToContents)
            self.table.horizontalHeaderItem(k).setToolTip("The share of the class (row) "
                                                          "predicted right: its recall")
            for i in range(k):
                for j in range(k + 1):
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.table.setItem(i, j, item)
        totals = s.confusion.sum(axis=1)
        for i in range(k):
            for j in range(k):
                count = int(s.confusion[i, j])
                share = count / totals[i] if totals[i] else float("nan")
                item = self.table.item(i, j)
                item.setText(str(count))
                colour = cell_colour(share, i == j)
                item.setBackground(QBrush(colour))
                item.setForeground(QBrush(QColor(255, 255, 255) if colour.lightness() < 140
                                          else QColor(30, 30, 30)))
                item.setToolTip(f"true {names[i]}, predicted {names[j]}: {count} "
                                f"sample{'s' * (count != 1)} ({_percent(share)} of the row)")
            item = self.table.item(i, k)
            item.setText(_percent(float(s.per_class[i])))
            item.setToolTip(f"{names[i]}: {int(s.confusion[i, i])} of {int(totals[i])} "
                            "predicted right" if totals[i] else
                            f"{names[i]}: no sample in the {which} set")

    def _show_regression(self, scores: Scores, s: SetScores, which: str) -> None:
        assert isinstance(s, RegressionScores)
        self.summary.setText(f"Epoch {scores.epoch:,} · {which} set: {s.n:,} samples")
        spread = float(np.std(s.true)) if s.n else float("nan")
        self.regression.setText(
            f"<p style='font-size: 15pt'>R² = <b>{_number(s.r2)}</b> &nbsp; "
            f"RMSE = <b>{_number(s.rmse)}</b></p>"
            f"<p style='color: {current().hex('faint_text')}'>R²: the share of the targets' "
            "variance the network explains (1 is perfect; 0 is no better than always "
            "predicting the mean). RMSE: "
            f"the typical error, in the targets' units (the targets spread by "
            f"{_number(spread)}).</p>")

    # -- events --------------------------------------------------------------------------------
    @Slot()
    def _on_set(self, *_args: object) -> None:
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
