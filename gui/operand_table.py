"""One operand of the inspector as a compact read-only table: its rows and columns named
(samples, units), large matrices cut with an ellipsis unless "show all" is on, each cell's
exact value in its tooltip."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from engine.notation import fmt
from engine.operands import Operand

TRUNCATE = 6
"""Rows and columns shown before an ellipsis, unless "show all" is on."""


def table_for(op: Operand, show_all: bool, points: float = 9.0) -> QTableWidget:
    """A compact read-only table of an operand, truncated with '…' unless ``show_all``, its
    text ``points`` large."""
    values = np.atleast_2d(op.values) if op.values.ndim < 2 else op.values
    rows, cols = values.shape
    r_show = rows if show_all or rows <= TRUNCATE else TRUNCATE
    c_show = cols if show_all or cols <= TRUNCATE else TRUNCATE
    extra_r, extra_c = int(r_show < rows), int(c_show < cols)
    table = QTableWidget(r_show + extra_r, c_show + extra_c)
    table.setObjectName(f"operand:{op.name}")
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setAccessibleName(f"{op.name}: {op.meaning} ({op.shape_text})")
    # read-only: not a Tab stop (Tab would loop over its cells: a keyboard trap); a click
    # still selects a cell to copy
    table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    table.setTabKeyNavigation(False)
    rows_named = len(op.row_labels) == rows and op.values.ndim == 2
    cols_named = len(op.col_labels) == cols
    table.horizontalHeader().setVisible(cols_named)
    table.verticalHeader().setVisible(rows_named)
    if cols_named:
        table.setHorizontalHeaderLabels([*op.col_labels[:c_show], *(["…"] if extra_c else [])])
    if rows_named:
        table.setVerticalHeaderLabels([*op.row_labels[:r_show], *(["⋮"] if extra_r else [])])
    table.setShowGrid(True)
    table.setStyleSheet(f"QTableWidget {{ font-size: {points:.1f}pt; }}")
    for r in range(r_show):
        for c in range(c_show):
            item = QTableWidgetItem(fmt(values[r, c]))
            item.setToolTip(repr(float(values[r, c])))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    if extra_r:
        for c in range(c_show + extra_c):
            table.setItem(r_show, c, QTableWidgetItem("⋮"))
    if extra_c:
        for r in range(r_show):
            table.setItem(r, c_show, QTableWidgetItem("…"))
    table.resizeColumnsToContents()
    table.resizeRowsToContents()
    height = sum(table.rowHeight(r) for r in range(table.rowCount())) + 4
    width = sum(table.columnWidth(c) for c in range(table.columnCount())) + 4
    if cols_named:
        height += table.horizontalHeader().sizeHint().height()
    if rows_named:
        width += table.verticalHeader().sizeHint().width()
    table.setFixedHeight(min(height, 220))
    table.setMaximumWidth(width + 18)
    table.setMinimumWidth(min(width, 300))  # no scroll bar for what fits the column
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return table
