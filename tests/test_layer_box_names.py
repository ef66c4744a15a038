"""A layer box shows each activation's full name where it fits, the short one only in a box
too narrow for it (found at 1024 px: "soft" for Softmax in a box wide enough for "Softmax")."""

from __future__ import annotations

from gui.architecture import LayerBox


def shown(box: LayerBox, key: str) -> str:
    return box.activation.itemText(box.activation.findData(key))


def test_full_names_where_they_fit_short_ones_where_not(qtbot) -> None:
    box = LayerBox("the output layer", hidden=False)
    qtbot.addWidget(box)
    metrics = box.activation.fontMetrics()
    box.setFixedWidth(int(metrics.horizontalAdvance("Softmax")) + 40)
    box.set_compact(True)  # a compact (narrow-column) box that still has room
    assert shown(box, "softmax") == "Softmax" and shown(box, "tanh") == "Tanh"
    box.setFixedWidth(40)
    box.set_compact(True)
    assert shown(box, "softmax") == "soft" and shown(box, "sigmoid") == "σ"
    tip = box.activation.itemData(box.activation.findData("softmax"), 3)  # ToolTipRole
    assert tip == "Softmax"
