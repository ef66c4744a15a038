"""Small widget helpers shared by the panels: names for tests and screen readers, and editable
number combos."""

from __future__ import annotations

import contextlib

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollArea,
    QSlider,
    QWidget,
)

from engine.scenario import Scenario
from session.commands import Command, EditScenario
from session.edits import apply_changes


def name(widget: QWidget, object_name: str, accessible: str, tip: str = "") -> QWidget:
    """Give a widget the names tests, automation and screen readers look for."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(tip)
    return widget


def number_combo(values: list[str], object_name: str, accessible: str, tip: str) -> QComboBox:
    """An editable combo of suggested numbers that accepts any finite, non-negative value."""
    combo = side_combo()
    combo.setEditable(True)
    combo.addItems(values)
    validator = QDoubleValidator(0.0, 1e6, 10, combo)
    validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
    combo.lineEdit().setValidator(validator)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    name(combo, object_name, accessible, tip)
    return combo


def set_combo_number(combo: QComboBox, value: float) -> None:
    text = f"{value:g}"
    i = combo.findText(text)
    if i >= 0:
        combo.setCurrentIndex(i)
    else:
        combo.setEditText(text)


def combo_number(combo: QComboBox) -> float | None:
    try:
        v = float(combo.currentText())
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def side_combo() -> QComboBox:
    """A combo for the side panel that may be narrower than its longest entry (the list
    still shows entries in full), so the panel fits a small screen."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


class EditSender:
    """For controls that edit the scenario. Each edit also applies at once to the control's
    own view of the scenario, so quick successive edits (two clicks in one event-loop turn, a
    change and its revert) build on each other rather than on the last scenario shown; the
    window replaces that view with the session's scenario once every command has run."""

    _scenario: Scenario | None

    def send_edit(self, command: Command) -> None:
        if self._scenario is not None and isinstance(command, EditScenario):
            with contextlib.suppress(ValueError):  # the session refuses it and says why
                self._scenario = apply_changes(self._scenario, command.changes)
        self.commandRequested.emit(command)  # type: ignore[attr-defined]


class WheelGuard(QObject):
    """Scrolling the side panel never changes a setting by accident: the wheel reaches a combo,
    spin box or slider only once it has focus (a click); otherwise it scrolls the panel."""

    def __init__(self, scroll: QScrollArea) -> None:
        super().__init__(scroll)
        self._scroll = scroll

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False
        QApplication.sendEvent(self._scroll.verticalScrollBar(), event)
        return True


def guard_wheel(scroll: QScrollArea) -> WheelGuard:
    """Install a WheelGuard on every value control inside ``scroll``."""
    guard = WheelGuard(scroll)
    content = scroll.widget()
    for kind in (QComboBox, QAbstractSpinBox, QSlider):
        for control in content.findChildren(kind):
            control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel gives no focus
            control.installEventFilter(guard)
    return guard
