"""The window on data with more than two inputs (issue 11): features, standardisation and
class names (pytest-qt)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QListWidget

from tests.gui_helpers import TIMEOUT, fresh_snapshot


def test_iris_shows_its_columns_standardisation_and_species(qtbot, make_window):
    w = make_window("iris")
    snap = fresh_snapshot(qtbot, w)
    assert snap.data.n_inputs == 4
    columns = w.findChild(QLabel, "rawColumnsLabel")
    qtbot.waitUntil(lambda: columns.isVisible(), timeout=TIMEOUT)
    assert columns.text().startswith("4 raw columns: sepal_length, sepal_width")
    assert not w.findChild(QCheckBox, "feature_x1_sq").isVisible()
    toggle = w.findChild(QCheckBox, "standardizeToggle")
    assert toggle.isChecked()
    picker = w.inspector.target
    texts = [picker.itemText(i) for i in range(picker.count())]
    assert any(t.endswith("→ setosa") for t in texts)
    assert not any("→ class" in t for t in texts)

    toggle.click()  # off: a rebuild without standardisation
    qtbot.waitUntil(lambda: w.rendered is not None
                    and not w.rendered.scenario.data.standardize
                    and w.rendered.data.scaling is None, timeout=TIMEOUT)
    assert not toggle.isChecked()


def test_picking_digits_in_the_gallery_feeds_all_64_columns_standardised(qtbot, make_window):
    w = make_window("tf_default")
    gallery = w.findChild(QListWidget, "datasetPicker")
    items = [gallery.item(i) for i in range(gallery.count())]
    digits = next(i for i in items if i.data(Qt.ItemDataRole.UserRole) == "digits")
    assert digits.text() == "Digits 8×8"
    gallery.setCurrentItem(digits)
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.data.n_inputs == 64,
                    timeout=TIMEOUT)
    snap = fresh_snapshot(qtbot, w)
    assert snap.sizes[0] == 64 and snap.sizes[-1] == 10
    assert snap.data.class_names == tuple("0123456789")
    assert snap.scenario.data.standardize and snap.data.scaling is not None
    assert snap.scenario.model.output_activation == "softmax"
    assert w.findChild(QLabel, "rawColumnsLabel").text().startswith("64 raw columns: r0c0")
