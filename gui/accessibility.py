"""What a screen reader hears (issue 15): labels tied to their controls, descriptions from the
tooltips, and labels whose text is news exposed as a value that is announced when it changes.

Qt on Linux names a combo box by its current value and finds its label only through a label's
buddy (or a group box title), so every combo needs a QLabel buddy; where a visible label would
not fit (the architecture strip's per-layer combos) ``hidden_label`` adds one that only
assistive technology sees, the desktop counterpart of the web's visually hidden label.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import (
    QAccessible,
    QAccessibleInterface,
    QAccessibleValueChangeEvent,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import QAccessibleWidget, QApplication, QLabel, QWidget


def plain(text: str) -> str:
    """``text`` without markup (tooltips and labels may be rich text)."""
    if "<" not in text:
        return text
    return QTextDocumentFragment.fromHtml(text).toPlainText()


class LiveLabel(QLabel):
    """A label whose text is news — the epoch counter, the error banner, the phase caption.
    Assistive technology gets its accessible name ("Epoch counter") as the name and its text
    ("Epoch 12") as the value, and is told each time the value changes."""

    def setText(self, text: str) -> None:
        changed = text != self.text()
        super().setText(text)
        if changed and QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleValueChangeEvent(self, plain(text)))

    def value(self) -> str:
        return plain(self.text())


class _LiveLabelInterface(QAccessibleWidget):
    """Static text with a value: what ``LiveLabel`` looks like to a screen reader."""

    def __init__(self, label: LiveLabel) -> None:
        super().__init__(label, QAccessible.Role.StaticText)
        self._label = label

    def text(self, t: QAccessible.Text) -> str:
        if t == QAccessible.Text.Value:
            return self._label.value()
        if t == QAccessible.Text.Name:
            return self._label.accessibleName() or self._label.value()
        return super().text(t)


def _factory(key: str, obj: QObject) -> QAccessibleInterface | None:
    if key == "LiveLabel" and isinstance(obj, LiveLabel):
        return _LiveLabelInterface(obj)
    return None


_installed = False


def install_interfaces() -> None:
    """Register the interfaces above with Qt's accessibility layer (once per process)."""
    global _installed
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True


def hidden_label(control: QWidget, text: str) -> QLabel:
    """A label for ``control`` that only assistive technology sees (see the module's note).
    Qt finds labels among a control's siblings: a control without a parent yet gets the
    label into its layout (``layout.addWidget``) from the caller."""
    label = QLabel(text, control.parentWidget())
    label.setBuddy(control)
    label.hide()
    return label


def buddy_label(text: str, control: QWidget) -> QLabel:
    """A visible label tied to ``control``: a screen reader names the control by it, and an
    Alt-letter in it (``&``) focuses the control."""
    label = QLabel(text)
    label.setBuddy(control)
    return label


MIRRORED = "mirroredTooltip"
"""The dynamic property holding the tooltip a description was copied from."""


def describe(widget: QWidget) -> None:
    """``widget``'s tooltip, in plain text, becomes its accessible description, unless it has
    a description of its own (one not copied from a tooltip)."""
    tip, current = plain(widget.toolTip()), widget.accessibleDescription()
    if current and widget.property(MIRRORED) != current:
        return
    if tip != current:
        widget.setAccessibleDescription(tip)
    widget.setProperty(MIRRORED, tip)


class TooltipDescriptions(QObject):
    """Application-wide: keeps each widget's description in step when its tooltip changes."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTipChange and isinstance(watched, QWidget):
            describe(watched)
        return False


_follower: TooltipDescriptions | None = None


def install_descriptions(window: QWidget) -> None:
    """Describe ``window``'s widgets from their tooltips now, and follow later changes (one
    application-wide filter however many windows there are)."""
    global _follower
    install_interfaces()
    for widget in [window, *window.findChildren(QWidget)]:
        describe(widget)
    app = QApplication.instance()
    if app is not None and _follower is None:
        _follower = TooltipDescriptions(app)
        app.installEventFilter(_follower)
