"""The gradient check's per-layer table: backprop against central differences, one row per
layer, each column explained in its header's tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem

from engine.gradcheck import NOISE_MARGIN, TOLERANCE, LayerCheck

CHECK_COLUMNS = (
    ("layer", "The layer whose weights and biases were checked (1 = first hidden layer)"),
    ("parameters", "How many weights and biases the layer has"),
    ("relative error", "‖g_backprop − g_numerical‖ / (‖g_backprop‖ + ‖g_numerical‖); "
                       f"below {TOLERANCE:.0e} the two agree"),
    ("difference", "‖g_backprop − g_numerical‖ over the layer's parameters"),
    ("noise floor", "The finite differences' own error over the layer; a difference within "
                    f"{NOISE_MARGIN:g}× this is noise, not a backprop bug"),
    ("agrees", "Whether backprop and numerical differentiation agree for this layer"),
)


def check_row(c: LayerCheck) -> tuple[str, ...]:
    """One layer's cells, in the order of ``CHECK_COLUMNS``."""
    verdict = "yes" if c.precise else "yes (within noise)" if c.agrees else "NO"
    return (str(c.layer), str(c.n_parameters), f"{c.relative_error:.1e}",
            f"{c.difference:.1e}", f"{c.noise:.1e}", verdict)


def check_table() -> QTableWidget:
    """The gradient check as a table: one row per layer under the headers above."""
    table = QTableWidget(0, len(CHECK_COLUMNS))
    table.setObjectName("gradientCheckTable")
    table.setAccessibleName("Gradient check per layer")
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # read-only: not a Tab stop
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    for k, (name, tip) in enumerate(CHECK_COLUMNS):
        header = QTableWidgetItem(name)
        header.setToolTip(tip)
        table.setHorizontalHeaderItem(k, header)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    table.hide()
    return table
