"""The inspector: the current phase's equations with the real numbers, every operand as a
small table with its shape, the chain rule of a clicked weight, and the gradient check.

Every number shown comes from the snapshot's ``TraceInfo`` (the engine's own trace, explained
by ``engine.explain``); this widget only formats and lays them out.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.explain import Operand, fmt
from engine.gradcheck import GradCheckReport
from engine.layout import Layout
from engine.notation import AUTO, DIGIT_CHOICES, FULL, precision
from gui.accessibility import buddy_label
from gui.answer_panel import AnswerPanel, check_toggle
from gui.chain_rule_view import chain_html, parse_link
from gui.gradcheck_table import CHECK_COLUMNS, check_row, check_table
from gui.operand_table import table_for
from gui.output_legend import class_label
from gui.theme import current
from session.snapshot import Snapshot, TraceInfo

MONO = "font-family: 'DejaVu Sans Mono', monospace;"
PENDING = object()
"""The gradient check shown belongs to the next idle snapshot."""
class InspectorPanel(QWidget):
    """Equations, operands, chain rule and gradient check for the phase just run."""

    traceTargetChanged = Signal(object)
    enlargeToggled = Signal(bool)
    """Give the inspector the whole right column (True) or share it again."""
    digitsChanged = Signal(int)
    """Significant digits chosen for the numbers (0: every digit)."""
    layoutChanged = Signal(str)
    """The textbook layout chosen: "rows" (X·W) or "columns" (W·X)."""
    tracePreviewChanged = Signal(bool)
    """Preview a traced sample's update (True) or apply it (False)."""
    """None for the current minibatch, or a training-sample index."""
    gradientCheckRequested = Signal()
    checkWorkToggled = Signal(bool)
    deltaExpandRequested = Signal(int, int)
    """(layer 1-based, unit 0-based) of a δ clicked in the chain rule: expand or fold it."""
    """"Check my work" on or off (``answers`` sends the answers)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectorPanel")
        self.setAccessibleName("Inspector: the phase's formulas with the numbers")
        self._trace: TraceInfo | None = None
        self._data_key: object = None

        self.target = QComboBox()
        self.target.setObjectName("traceSamplePicker")
        self.target.setAccessibleName("What the step traces")
        self.target.setToolTip("Trace the current minibatch, or one chosen sample (you can also "
                               "click a point in the output view)")
        self.target.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.target.setMinimumContentsLength(14)
        self.preview = QCheckBox("Preview only")
        self.preview.setObjectName("previewTraceToggle")
        self.preview.setAccessibleName("Preview a traced sample's update")
        self.preview.setToolTip("On: a traced sample's update is shown, then undone, so the "
                                "weights stay (a worked example keeps its numbers). Off: the "
                                "update is applied, an extra step on that sample.")
        self.preview.setChecked(True)
        self.preview.setEnabled(False)  # until a sample is traced
        self.preview.toggled.connect(self.tracePreviewChanged)
        self.digits = QComboBox()
        self.digits.setObjectName("digitsPicker")
        self.digits.setAccessibleName("Digits")
        self.digits.setToolTip("Significant digits of the numbers shown. 'checkable' (the "
                               "default): 4, and more in any line that needs them, so that "
                               "working a line out from its shown numbers gives its shown "
                               "result; 'all' writes each number exactly (hover a table cell "
                               "for it, too)")
        for n in DIGIT_CHOICES:
            self.digits.addItem("all digits" if n == FULL else "checkable" if n == AUTO
                                else f"{n} digits", n)
        self.digits.activated.connect(
            lambda _i: self.digitsChanged.emit(int(self.digits.currentData())))
        self._digits = AUTO
        self.layout_picker = QComboBox()
        self.layout_picker.setObjectName("layoutPicker")
        self.layout_picker.setAccessibleName("Layout of the equations")
        self.layout_picker.setToolTip(
            "How samples sit in the matrices. X·W: samples as rows, W of shape (n_in, n_out), "
            "as in the worked-example notebooks. W·X: samples as columns, W of shape "
            "(n_out, n_in), as in Andrew Ng's course; every equation, table and chain rule is "
            "rewritten in that layout")
        for choice in Layout:  # short, for a narrow column; the item's tooltip says it in full
            self.layout_picker.addItem("X·W rows" if choice is Layout.ROWS else "W·X cols",
                                       choice.value)
            self.layout_picker.setItemData(self.layout_picker.count() - 1, choice.label,
                                           Qt.ItemDataRole.ToolTipRole)
        self.layout_picker.activated.connect(
            lambda _i: self.layoutChanged.emit(str(self.layout_picker.currentData())))
        self._layout = Layout.ROWS
        self.enlarge = QCheckBox("Enlarge")
        self.enlarge.setObjectName("inspectorEnlarge")
        self.enlarge.setToolTip("Give the inspector the whole right column (the output view "
                                "hides); Ctrl+plus and Ctrl+minus size its text")
        self.enlarge.toggled.connect(self.enlargeToggled)
        self.show_all = QCheckBox("Show all")
        self.show_all.setObjectName("showAllValues")
        self.show_all.setToolTip("Show every row and column of large matrices")
        self.check_button = QPushButton("Gradient check")
        self.check_button.setObjectName("gradientCheckButton")
        self.check_button.setAccessibleName("Gradient check")
        self.check_button.setToolTip("Compare backprop with numerical differentiation "
                                     "(central differences) on the traced samples")
        head = QGridLayout()  # two rows, so the panel fits a narrow column
        head.addWidget(buddy_label("Trace:", self.target), 0, 0)
        head.addWidget(self.target, 0, 1, 1, 2)
        self.check_mode = check_toggle()
        self.check_mode.toggled.connect(self.checkWorkToggled)
        head.addWidget(self.preview, 1, 0)
        head.addWidget(self.layout_picker, 1, 1)
        head.addWidget(self.digits, 1, 2)
        head.addWidget(self.enlarge, 2, 0)
        head.addWidget(self.show_all, 2, 1)
        head.addWidget(self.check_button, 2, 2)
        head.addWidget(self.check_mode, 3, 0, 1, 3)
        head.setColumnStretch(1, 1)
        self.progress = QLabel()
        self.progress.setObjectName("phaseProgress")
        self.progress.setWordWrap(True)
        self.title = QLabel()
        self.title.setObjectName("phaseTitle")
        self.title.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.equations = QLabel()
        self.equations.setObjectName("phaseEquations")
        self.equations.setTextFormat(Qt.TextFormat.RichText)
        self.equations.setWordWrap(True)
        self.equations.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(placeholder-text);")
        self.chain = QLabel()
        self.chain.setObjectName("chainRule")
        self.chain.setWordWrap(True)
        self.chain.setTextFormat(Qt.TextFormat.RichText)
        self.chain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.chain.setOpenExternalLinks(False)
        self.chain.linkActivated.connect(self._on_chain_link)
        self.check_result = QLabel()
        self.check_result.setObjectName("gradientCheckResult")
        self.check_result.setWordWrap(True)
        self.check_table = check_table()
        self.check_worst = QLabel()
        self.check_worst.setObjectName("gradientCheckWorst")
        self.check_worst.setWordWrap(True)
        self.check_worst.setTextFormat(Qt.TextFormat.PlainText)
        self._check_key: object = None

        self.answers = AnswerPanel()
        self.tables = QWidget()
        self.tables_layout = QVBoxLayout(self.tables)
        self.tables_layout.setContentsMargins(0, 0, 0, 0)
        body = QWidget()
        self._body = body
        self.zoom = 1.0
        """Text size of the body, relative: follows the window zoom (View › Zoom, Ctrl++)."""
        self._base_font = body.font().pointSizeF()
        bv = QVBoxLayout(body)
        bv.setContentsMargins(6, 4, 6, 4)
        for w in (self.progress, self.title, self.equations, self.chain, self.note,
                  self.check_result, self.check_table, self.check_worst, self.tables,
                  self.answers):
            bv.addWidget(w)
        bv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(head)
        layout.addWidget(scroll, 1)

        self.target.activated.connect(self._on_target)
        self.show_all.toggled.connect(self._redraw)
        self.check_button.clicked.connect(self.gradientCheckRequested)
        self.operands: tuple[Operand, ...] = ()
        self._show_idle()

    # -- input ---------------------------------------------------------------------------------
    @Slot(str)
    def _on_chain_link(self, href: str) -> None:
        ref = parse_link(href)
        if ref is not None:
            self.deltaExpandRequested.emit(*ref)

    @Slot(int)
    def _on_target(self, _index: int) -> None:
        self.traceTargetChanged.emit(self.target.currentData())

    # -- display -------------------------------------------------------------------------------
    def set_snapshot(self, snap: Snapshot) -> None:
        if snap.data is not self._data_key:
            self._data_key = snap.data
            self._fill_targets(snap)
        key = step_key(snap)
        if self._check_key is PENDING:
            if not snap.running:  # the check paused the run: this is the state it checked
                self._check_key = key
        elif key != self._check_key:
            self._check_key = key
            self.clear_gradient_check()  # a check of other weights or samples would mislead
        i = self.target.findData(snap.traced_sample)
        if i >= 0 and i != self.target.currentIndex():
            self.target.setCurrentIndex(i)
        if snap.digits != self._digits:
            self._digits = snap.digits
            self.digits.setCurrentIndex(max(0, self.digits.findData(snap.digits)))
            self._redraw()
        if snap.layout != self._layout:
            self._layout = snap.layout
            self.layout_picker.setCurrentIndex(max(0, self.layout_picker.findData(snap.layout)))
        self.preview.setEnabled(snap.traced_sample is not None)
        if self.preview.isChecked() != snap.trace_preview:
            self.preview.blockSignals(True)
            self.preview.setChecked(snap.trace_preview)
            self.preview.blockSignals(False)
        if self.check_mode.isChecked() != snap.check_work:
            self.check_mode.blockSignals(True)
            self.check_mode.setChecked(snap.check_work)
            self.check_mode.blockSignals(False)
        if snap.trace is not self._trace:
            self._trace = snap.trace
            self._redraw()

    def _fill_targets(self, snap: Snapshot) -> None:
        d = snap.data
        self.target.blockSignals(True)
        self.target.clear()
        self.target.addItem("current minibatch", None)
        for k, (x, y) in enumerate(zip(d.x_train, d.y_train, strict=True)):
            coords = ", ".join(fmt(v, 3) for v in x[:4]) + (", …" if len(x) > 4 else "")
            label = (class_label(d, int(y)) if d.task == "classification"
                     else f"target {fmt(y, 3)}")
            self.target.addItem(f"sample #{k + 1}  ({coords}) → {label}", k)
        self.target.blockSignals(False)

    def _show_idle(self) -> None:
        self.progress.setText("")
        self.title.setText("Step through backprop")
        self.equations.setText(
            "Choose <b>Phase</b> in “Step by” and press <b>Step</b> (→): the forward pass layer "
            "by layer, the loss, the backward pass layer by layer, then the update — each "
            "with its formula and the real numbers. <b>Sample</b> and <b>Batch</b> run a "
            "whole step at once and show it here. Click a weight in the diagram to see its "
            "chain rule.")
        self.note.setText("")
        self.chain.setText("")
        self.answers.show_check(None)
        self._clear_tables()

    def _clear_tables(self) -> None:
        while self.tables_layout.count():
            item = self.tables_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # gone now, not when the event loop deletes it
                item.widget().deleteLater()
        self.operands = ()

    @Slot()
    def _redraw(self, *_args: object) -> None:
        with precision(self._digits):
            self._draw()

    def _draw(self) -> None:
        trace = self._trace
        if trace is None:
            self._show_idle()
            return
        steps, theme = [], current()  # done: text; current: highlight; not yet: faint text
        for k, label in enumerate(trace.phases):
            if k == trace.position - 1:
                steps.append(f"<b style='color:{theme.hex('highlight')}'>▶ {label}</b>")
            else:
                faint = theme.hex("text" if k < trace.position else "faint_text")
                steps.append(f"<span style='color:{faint}'>{label}</span>")
        self.progress.setText(" · ".join(steps))
        self.progress.setTextFormat(Qt.TextFormat.RichText)
        e = trace.explanation
        self._clear_tables()
        if e is None:
            self.title.setText("Ready")
            self.equations.setText("Press Step for the first phase: forward through layer 1.")
            self.note.setText(trace.display.caption)
        else:
            self.title.setText(e.title)
            self.equations.setText("<br>".join(
                f"<span style=\"{MONO} font-size: {11 * self.zoom:.1f}pt;\">"
                f"{html.escape(line)}</span>"
                for line in e.equations))
            self.note.setText(e.note)
            self.operands = e.operands
            for op in e.operands:
                label = QLabel(f"<b>{html.escape(op.name)}</b>  ({op.shape_text}) — "
                               f"{html.escape(op.meaning)}")
                label.setWordWrap(True)  # a long meaning wraps rather than widen the panel
                self.tables_layout.addWidget(label)
                self.tables_layout.addWidget(table_for(op, self.show_all.isChecked(),
                                                       9 * self.zoom))
        self.answers.show_check(trace.check, 9 * self.zoom)
        if trace.check is not None and not trace.check.solved:
            self.chain.setText("<i>The chain rule shows once this phase is solved.</i>")
        elif trace.chain is not None:
            self.chain.setText(chain_html(trace.chain))
        else:
            self.chain.setText("<i>Click a weight (edge) or a unit (its bias) in the diagram, "
                               "after its backward phase, to see its chain rule with "
                               "numbers.</i>")

    def set_zoom(self, factor: float) -> None:
        """The body's text ``factor`` × normal (the window zoom, gui.zoom)."""
        self.zoom = factor
        font = self._body.font()
        font.setPointSizeF(self._base_font * self.zoom)
        self._body.setFont(font)
        self.title.setStyleSheet(f"font-size: {12 * self.zoom:.1f}pt; font-weight: 600;")
        self._redraw()

    def show_gradient_check(self, report: GradCheckReport) -> None:
        """The check of the weights and samples shown now; cleared by the next step."""
        self.check_result.setText(
            f"<b>Gradient check</b> ({report.n_samples} sample"
            f"{'s' * (report.n_samples != 1)}, ε = {report.epsilon:g}): "
            f"{html.escape(report.summary())}.")
        table = self.check_table
        table.setRowCount(len(report.layers))
        for r, layer in enumerate(report.layers):
            for k, text in enumerate(check_row(layer)):
                item = QTableWidgetItem(text)
                if 0 < k < len(CHECK_COLUMNS) - 1:  # numbers right-aligned, words left
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, k, item)
        table.resizeColumnsToContents()
        table.resizeRowsToContents()
        height = (table.horizontalHeader().height() + 6
                  + sum(table.rowHeight(r) for r in range(table.rowCount())))
        table.setFixedHeight(min(height, 260))
        table.show()
        # The report comes before the snapshot of the state it checked (a check pauses a
        # run): that snapshot, not an older one still queued, says what it belongs to.
        self._check_key = PENDING
        w = report.worst
        self.check_worst.setText(
            f"Worst parameter: {w.name} (layer {w.layer}) — backprop {fmt(w.backprop, 6)}, "
            f"numerical {fmt(w.numerical, 6)}.")

    def clear_gradient_check(self) -> None:
        self.check_result.setText("")
        self.check_worst.setText("")
        self.check_table.setRowCount(0)
        self.check_table.hide()

    @property
    def gradient_check_rows(self) -> list[tuple[str, ...]]:
        """The table's cells, row by row (what a reader sees)."""
        t = self.check_table
        return [tuple(t.item(r, k).text() for k in range(t.columnCount()))
                for r in range(t.rowCount())]


def step_key(snap: Snapshot) -> tuple[object, ...]:
    """What a gradient check was made of: the network (generation), the step reached and the
    samples traced. A new step, phase or trace changes it."""
    trace = snap.trace
    where = None if trace is None else (trace.position, trace.indices, trace.regular)
    return (snap.generation, snap.epoch, snap.batch_index, where, snap.traced_sample)
