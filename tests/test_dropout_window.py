"""The architecture bar's dropout pickers (issue 13): one per hidden layer, none on the output;
choosing a rate rebuilds the network with it from the same start weights; boxes still fit a
1024-pixel window."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox

from engine.dropout import DROPOUT_CHOICES
from tests.gui_helpers import TIMEOUT, fresh_snapshot, trainer


def test_each_hidden_layer_has_a_dropout_picker_that_rebuilds_with_the_rate(qtbot, make_window):
    w = make_window("tf_default")
    before = trainer(w).initial_params.flat.copy()
    pickers = [w.findChild(QComboBox, f"dropoutPicker{k}") for k in (1, 2)]
    assert all(p is not None and p.accessibleName() for p in pickers)
    assert w.findChild(QComboBox, "dropoutPicker3") is None  # the output layer has none
    assert [pickers[0].itemData(i) for i in range(pickers[0].count())] == list(DROPOUT_CHOICES)
    assert pickers[0].currentData() == 0.0
    pickers[1].activated.emit(pickers[1].findData(0.5))
    snap = fresh_snapshot(qtbot, w)
    assert [h.dropout for h in trainer(w).scenario.model.hidden] == [0.0, 0.5]
    assert snap is not None
    assert np.array_equal(trainer(w).initial_params.flat, before)  # the same start
    bar = w.architecture
    qtbot.waitUntil(lambda: bar.boxes[1].dropout.currentData() == 0.5, timeout=TIMEOUT)
    assert bar.boxes[0].dropout.currentData() == 0.0


def test_a_rate_from_a_file_is_shown_even_if_not_a_choice(qtbot, make_window):
    from dataclasses import replace

    from session import commands as c

    w = make_window("tf_default")
    s = trainer(w).scenario
    hidden = (replace(s.model.hidden[0], dropout=0.25), s.model.hidden[1])
    w.send(c.LoadScenario(replace(s, model=replace(s.model, hidden=hidden)), "loaded"))
    fresh_snapshot(qtbot, w)
    box = w.architecture.boxes[0]
    qtbot.waitUntil(lambda: box.dropout.currentData() == 0.25, timeout=TIMEOUT)
    assert box.dropout.currentText().endswith(".25")  # "drop 0.25", or ".25" when narrow


def test_at_1024_pixels_eight_boxes_with_pickers_fit(qtbot, make_window):
    w = make_window("vanishing_gradients")
    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024, timeout=TIMEOUT)
    bar = w.architecture
    qtbot.waitUntil(lambda: all(b.geometry().right() < bar.width()
                                for b in [*bar.boxes, bar.output_box]), timeout=TIMEOUT)
    for box in bar.boxes:
        assert box.dropout is not None and box.dropout.isVisible()
        assert box.dropout.geometry().bottom() <= box.height()
        assert box.geometry().bottom() <= bar.height()
