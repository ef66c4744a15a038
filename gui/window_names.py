"""Names, labels and tab stops of the window's parts that have no place of their own to say
them (issue 15): the tab widget, the scroll areas, the plots, the inspector's pickers whose
visible text is only their value; and descriptions from tooltips for every control."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea, QWidget

from gui.accessibility import hidden_label, install_descriptions
from gui.window_layout import WindowLayout


def _no_tab_stop(view: QWidget) -> None:
    """A view a keyboard cannot operate is read, not visited: off the Tab chain, its viewport
    too (a scroll area's viewport takes focus of its own)."""
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    viewport = getattr(view, "viewport", None)
    if callable(viewport):
        viewport().setFocusPolicy(Qt.FocusPolicy.NoFocus)


def name_window(window: WindowLayout) -> None:
    """Give every part a screen reader reaches a name, and keep views nobody can operate by
    keyboard out of the Tab chain."""
    window.tabs.setAccessibleName("Loss, inspector, metrics and images")
    # Tab reaches the controls inside these; a scroll area scrolls to the focused one
    for key, text in (("sidePanel", "Settings: data, features and training"),
                      ("windowScroll", "Backprop Playground")):
        scroll = window.findChild(QScrollArea, key)
        if scroll is not None:
            scroll.setAccessibleName(text)
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for scroll in window.inspector.findChildren(QScrollArea):
        if not scroll.accessibleName():
            scroll.setObjectName(scroll.objectName() or "inspectorScroll")
            scroll.setAccessibleName("The phase's working (arrow keys scroll)")
    hidden_label(window.inspector.layout_picker, "Matrix layout")
    hidden_label(window.inspector.digits, "Digits shown")
    _no_tab_stop(window.output_view.plot_widget)
    _no_tab_stop(window.loss_plot.plot_widget)
    install_descriptions(window)
