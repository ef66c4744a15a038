""""Check my work" in the inspector: one editable grid per result of the phase, a Check and a
Show solution button under each, the verdict's line, and each checked entry marked — red with
✗ when wrong, green with ✓ when right, yellow with ? when blank (never colour alone).

The grids show no numbers of their own: what the student typed, and the marks of the
snapshot's ``PhaseCheck`` (the session checks; this panel only sends the typed text). Typed
text survives redraws within one round of answers; a new round (another phase) starts empty.
Keys: Tab moves between cells, Enter checks the grid.
"""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.answers import TOLERANCE_SHORT, TOLERANCE_TEXT, Mark
from gui.theme import current
from session.answer_slots import AnswerSlot, PhaseCheck, SlotState

MARK_ROLE = Qt.ItemDataRole.UserRole + 1
"""A cell's mark after a check (an ``engine.answers.Mark`` value), or None."""
LOOK = {  # background, glyph, glyph colour
    Mark.RIGHT: ("#d8f0dc", "✓", "#186a2c"),
    Mark.WRONG: ("#f9d0d0", "✗", "#b00020"),
    Mark.UNREADABLE: ("#f9d0d0", "✗", "#b00020"),
    Mark.BLANK: ("#fff1c2", "?", "#735a00"),
}
MARK_TEXT = "#202124"
"""The entry's own text on a marked cell's pale background (whatever the theme)."""
STATE_TEXT = {
    SlotState.OPEN: "type your answer, then Check (Enter)",
    SlotState.WRONG: "Fix the entries marked ✗ and Check again.",
    SlotState.CORRECT: "✓ right",
    SlotState.REVEALED: "solution shown below",
}


def check_toggle() -> QCheckBox:
    """The inspector's "Check my work" switch."""
    box = QCheckBox("Check my work")
    box.setObjectName("checkMyWorkToggle")
    box.setAccessibleName("Check my work")
    box.setToolTip("Hide each phase's results until you have computed them: type your answer "
                   "into the grids, press Check, or Show solution")
    return box


class MarkDelegate(QStyledItemDelegate):
    """Draws a cell's mark (✓ ✗ ?) at its right edge, and a red frame round a wrong one; Enter
    in a cell's editor commits it and asks for a check."""

    enterPressed = Signal()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        mark = index.data(MARK_ROLE)
        if mark is None:
            return
        _bg, glyph, colour = LOOK[Mark(mark)]
        painter.save()
        rect: QRect = option.rect  # type: ignore[attr-defined]
        if mark in (Mark.WRONG, Mark.UNREADABLE):
            painter.setPen(QPen(QColor(colour), 2))
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(colour))
        painter.drawText(rect.adjusted(5, 0, 0, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, glyph)
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        """The cell's editor, named for a screen reader: which grid, row and column."""
        editor = super().createEditor(parent, option, index)
        table = self.parent()
        grid = table.accessibleName() if isinstance(table, QWidget) else "Answer"
        editor.setAccessibleName(f"{grid}, row {index.row() + 1}, column {index.column() + 1}")
        return editor

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and isinstance(editor, QWidget)):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self.enterPressed.emit()
            return True
        return super().eventFilter(editor, event)


class AnswerTable(QTableWidget):
    """A grid to type into: it keeps the keys a table needs (arrows, letters) from the
    window's single-key shortcuts, and Enter outside an editor checks it."""

    checkRequested = Signal()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ShortcutOverride and isinstance(e, QKeyEvent) and not (
                e.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                 | Qt.KeyboardModifier.AltModifier)):
            e.accept()
            return True
        return super().event(e)

    def _at_edge(self, forward: bool) -> bool:
        """The current cell is the last (forward) or first cell: Tab leaves the grid there."""
        if forward:
            return (self.currentRow() >= self.rowCount() - 1
                    and self.currentColumn() >= self.columnCount() - 1)
        return self.currentRow() <= 0 and self.currentColumn() <= 0

    def focusNextPrevChild(self, forward: bool) -> bool:
        if self._at_edge(forward):  # no keyboard trap: past the last cell, on to the next control
            return QWidget.focusNextPrevChild(self, forward)
        return super().focusNextPrevChild(forward)

    def closeEditor(self, editor: QWidget, hint: QStyledItemDelegate.EndEditHint) -> None:
        hints = QStyledItemDelegate.EndEditHint
        forward = hint == hints.EditNextItem
        if hint in (hints.EditNextItem, hints.EditPreviousItem) and self._at_edge(forward):
            super().closeEditor(editor, hints.NoHint)
            QWidget.focusNextPrevChild(self, forward)
            return
        super().closeEditor(editor, hint)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            for editor in self.viewport().findChildren(QLineEdit):  # an open cell keeps its text
                self.commitData(editor)
                self.closeEditor(editor, QStyledItemDelegate.EndEditHint.NoHint)
            self.checkRequested.emit()
            return
        super().keyPressEvent(e)


class AnswerBlock(QWidget):
    """One result: its name and shape, the grid, the verdict's line and the two buttons."""

    checkRequested = Signal(str, object)
    """(name, cells): the typed text, row by row."""
    solutionRequested = Signal(object)
    """The result's name."""

    def __init__(self, slot: AnswerSlot, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = slot.name
        self.setObjectName(f"answerBlock:{slot.name}")
        part = ""
        if slot.rows * slot.cols < slot.total:
            part = (f" — answer the first {slot.rows * slot.cols} entries; the rest show with "
                    "the solution")
        self.header = QLabel(f"<b>{html.escape(slot.name)}</b>  ({slot.shape_text}) — "
                             f"{html.escape(slot.meaning)}{html.escape(part)}")
        self.header.setWordWrap(True)
        self.table = AnswerTable(slot.rows, slot.cols)
        self.table.setObjectName(f"answer:{slot.name}")
        self.table.setAccessibleName(f"Your answer for {slot.name}")
        self.table.setTabKeyNavigation(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.delegate = MarkDelegate(self.table)
        self.table.setItemDelegate(self.delegate)
        self.table.horizontalHeader().setVisible(bool(slot.col_labels))
        self.table.verticalHeader().setVisible(bool(slot.row_labels))
        if slot.col_labels:
            self.table.setHorizontalHeaderLabels(list(slot.col_labels))
        if slot.row_labels:
            self.table.setVerticalHeaderLabels(list(slot.row_labels))
        for r in range(slot.rows):
            for c in range(slot.cols):
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.verdict = QLabel()
        self.verdict.setObjectName(f"answerVerdict:{slot.name}")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.check_button = QPushButton("Check")
        self.check_button.setObjectName("checkAnswerButton")
        self.check_button.setAccessibleName(f"Check {slot.name}")
        self.check_button.setToolTip("Check every entry of this grid (Enter)")
        self.solution_button = QPushButton("Show solution")
        self.solution_button.setObjectName("showSolutionButton")
        self.solution_button.setAccessibleName(f"Show the solution for {slot.name}")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.solution_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        for w in (self.header, self.table):
            layout.addWidget(w)
        layout.addLayout(buttons)
        layout.addWidget(self.verdict)
        self.check_button.clicked.connect(self._check)
        self.table.checkRequested.connect(self._check)
        self.delegate.enterPressed.connect(self._check_after_enter)
        self.solution_button.clicked.connect(lambda: self.solutionRequested.emit(self.name))
        self.table.itemChanged.connect(self._edited)
        self._points = 0.0
        self.set_points(points)
        self.show_slot(slot)

    def cells(self) -> tuple[tuple[str, ...], ...]:
        t = self.table
        return tuple(tuple((t.item(r, c).text() if t.item(r, c) is not None else "")
                           for c in range(t.columnCount())) for r in range(t.rowCount()))

    def _check(self) -> None:
        self.checkRequested.emit(self.name, self.cells())

    def _check_after_enter(self) -> None:
        self._check()
        # Return leaves a text field for the window's shortcuts; keep typing here instead
        QTimer.singleShot(0, self.table.setFocus)

    def _edited(self, item: QTableWidgetItem) -> None:
        """An edited entry's old mark no longer applies."""
        if item.data(MARK_ROLE) is not None:
            self._mark(item, None, "")

    def _mark(self, item: QTableWidgetItem, mark: Mark | None, tip: str) -> None:
        self.table.blockSignals(True)
        item.setData(MARK_ROLE, None if mark is None else str(mark))
        item.setBackground(QBrush() if mark is None else QBrush(QColor(LOOK[mark][0])))
        # the marks' pale backgrounds are the same in every theme, so is the text on them
        item.setData(Qt.ItemDataRole.ForegroundRole,
                     None if mark is None else QBrush(QColor(MARK_TEXT)))
        item.setToolTip(tip)
        self.table.blockSignals(False)
        self.table.viewport().update()

    def set_points(self, points: float) -> None:
        """Text ``points`` large; columns share the width (wide enough for −0.1234)."""
        if points == self._points:
            return
        self._points = points
        t = self.table
        t.setStyleSheet(f"QTableWidget {{ font-size: {points:.1f}pt; }}")
        header = t.horizontalHeader()
        header.setMinimumSectionSize(int(points * 6.5))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        t.resizeRowsToContents()
        rows_h = sum(t.rowHeight(r) for r in range(t.rowCount())) + 4
        if not header.isHidden():
            rows_h += header.sizeHint().height()
        side = t.verticalHeader().sizeHint().width() if not t.verticalHeader().isHidden() else 0
        least = header.minimumSectionSize() * t.columnCount() + side + 4
        if least > 280:  # too wide for the inspector's column: it scrolls sideways
            rows_h += t.horizontalScrollBar().sizeHint().height()
        t.setFixedHeight(min(rows_h, 280))
        t.setMaximumWidth(int(points * 12) * t.columnCount() + side + 22)
        t.setMinimumWidth(min(least, 240))

    def show_slot(self, slot: AnswerSlot) -> None:
        """The slot's state: marks on the entries still as checked, the verdict, buttons."""
        verdict = slot.verdict
        for r in range(self.table.rowCount()):
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                checked = (verdict is not None and r < len(slot.cells)
                           and item.text() == slot.cells[r][c])
                if checked and verdict is not None:
                    self._mark(item, verdict.marks[r][c], verdict.reasons[r][c])
                elif item.data(MARK_ROLE) is not None:
                    self._mark(item, None, "")
        final = slot.state.final
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if final
                                   else QAbstractItemView.EditTrigger.AllEditTriggers)
        self.check_button.setEnabled(not final)
        self.solution_button.setEnabled(not final)
        line = verdict.line if verdict is not None else ""
        state = STATE_TEXT[slot.state]
        self.verdict.setText(line if slot.state is SlotState.CORRECT and line
                             else f"{line} {state}" if line else state)
        theme = current()
        colour = theme.hex({SlotState.CORRECT: "ok", SlotState.WRONG: "error"}.get(slot.state,
                                                                                   "text"))
        self.verdict.setStyleSheet(f"color: {colour};")


class AnswerPanel(QWidget):
    """Every result of the phase on screen as an answer block (hidden when the mode is off)."""

    answerChecked = Signal(str, object)
    """(name, cells) to check."""
    solutionRequested = Signal(object)
    """A result's name, or None for every result of the phase."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("answerPanel")
        self.intro = QLabel()
        self.intro.setObjectName("checkWorkIntro")
        self.intro.setWordWrap(True)
        self.all_button = QPushButton("Show the whole solution")
        self.all_button.setObjectName("showAllSolutionsButton")
        self.all_button.setAccessibleName("Show the whole solution of this phase")
        self.all_button.clicked.connect(lambda: self.solutionRequested.emit(None))
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 4)
        self._layout.addWidget(self.intro)
        self._layout.addWidget(self.all_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.blocks: dict[str, AnswerBlock] = {}
        self._key: object = None
        self.hide()

    def show_check(self, check: PhaseCheck | None, points: float = 9.0) -> None:
        """Show ``check`` (None: hide); the same round keeps what was typed."""
        if check is None or not check.slots:
            self._clear()
            self.hide()
            return
        key = (check.round, tuple((s.name, s.rows, s.cols) for s in check.slots))
        if key != self._key:
            self._clear()
            self._key = key
            for slot in check.slots:
                block = AnswerBlock(slot, points, self)
                block.checkRequested.connect(self.answerChecked)
                block.solutionRequested.connect(self.solutionRequested)
                self.blocks[slot.name] = block
                self._layout.addWidget(block)
        for slot in check.slots:
            self.blocks[slot.name].set_points(points)
            self.blocks[slot.name].show_slot(slot)
        names = ", ".join(s.name for s in check.slots if not s.state.final)
        self.intro.setText(
            "<b>Solved</b> — the worked solution is above." if check.solved else
            f"<b>Your turn:</b> compute {html.escape(names)} from the tables above.<br>"
            f"<span style='color:{current().hex('faint_text')}'>An entry is right within "
            f"{TOLERANCE_SHORT}.</span>")
        self.intro.setToolTip(f"An entry counts as right {TOLERANCE_TEXT}.")
        self.all_button.setVisible(not check.solved)
        self.show()

    def _clear(self) -> None:
        for block in self.blocks.values():
            self._layout.removeWidget(block)
            block.hide()
            block.deleteLater()
        self.blocks.clear()
        self._key = None
