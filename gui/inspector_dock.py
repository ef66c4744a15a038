"""The inspector in its own window (issue 12, "Room to read"): a teacher drags it onto the
projector and makes it as big as the wall.

The very same ``InspectorPanel`` moves between its tab and a floating ``QDockWidget``
(reparented, not rebuilt), so its trace, zoom, digits and scroll position stay. While it is
away an empty placeholder keeps its hidden tab, so every tab keeps its index.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QMainWindow,
    QTabWidget,
    QToolButton,
    QWidget,
)

FLOAT_SIZE = QSize(700, 800)
"""The detached window's first size (later detaches reuse where the user left it)."""
SHORTCUT = "Ctrl+Shift+I"
DETACH_TIP = ("Open the inspector in its own window, to drag onto a projector and make big "
              f"(it keeps its numbers and text size; {SHORTCUT})")
LABELS = {False: ("Detach ↗", "↗"), True: ("Attach ↙", "↙")}
"""The button's words, and its arrow alone for when the tabs would not fit beside them (four
tabs in a 1024-pixel window), by whether the inspector is detached."""
ATTACH_TIP = f"Put the inspector back in its tab (closing its window does it too; {SHORTCUT})"


def beside(frame: QRect, size: QSize, screen: QRect) -> QRect:
    """Where a ``size`` window opens next to ``frame`` (the main window) on ``screen`` (its
    available area): right of it if there is room, else left of it, else at the screen's
    right edge; always inside the screen, as far as the size allows."""
    width, height = min(size.width(), screen.width()), min(size.height(), screen.height())
    if frame.right() + 1 + width <= screen.right() + 1:
        x = frame.right() + 1
    elif frame.left() - width >= screen.left():
        x = frame.left() - width
    else:
        x = screen.right() + 1 - width
    y = min(max(frame.top(), screen.top()), screen.bottom() + 1 - height)
    return QRect(x, y, width, height)


class InspectorDock(QDockWidget):
    """The inspector's own window, and the Detach button (in the tab bar's corner) that moves
    the panel there and back. Closing the window, unchecking Detach or Ctrl+Shift+I puts the
    panel back into its tab."""

    def __init__(self, window: QMainWindow, tabs: QTabWidget, panel: QWidget) -> None:
        super().__init__("Inspector", window)
        self.setObjectName("inspectorDock")
        self.setAccessibleName("Inspector window")
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        # floating is the point; the right edge of the window is a place to put it, too
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea)
        self.toggleViewAction().setVisible(False)  # showing it empty would mean nothing
        self._window, self._tabs, self.panel = window, tabs, panel
        self._placeholder = QWidget()
        self._placeholder.setObjectName("inspectorAway")
        self._geometry: QRect | None = None
        self.detached = False

        self.action = QAction(LABELS[False][0], self)
        self.action.setObjectName("inspectorDetachAction")
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setToolTip(DETACH_TIP)
        self.action.toggled.connect(self._on_toggled)
        window.addAction(self.action)
        self.addAction(self.action)  # the shortcut works in the detached window as well
        self.button = QToolButton()
        self.button.setObjectName("inspectorDetach")
        self.button.setAccessibleName("Inspector in its own window")
        self.button.setDefaultAction(self.action)
        self.button.setAutoRaise(True)
        tabs.setCornerWidget(self.button, Qt.Corner.TopRightCorner)
        tabs.currentChanged.connect(self._show_button)
        tabs.installEventFilter(self)
        tabs.tabBar().installEventFilter(self)  # it grows when the Images tab shows
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.hide()
        self._show_button()

    # -- moving the panel ----------------------------------------------------------------------
    @Slot(bool)
    def _on_toggled(self, on: bool) -> None:
        if on:
            self.detach()
        else:
            self.attach()

    def detach(self) -> None:
        """Move the panel into the floating window; its tab hides."""
        if self.detached:
            return
        self.detached = True
        tabs = self._tabs
        index = tabs.indexOf(self.panel)
        text, tip = tabs.tabText(index), tabs.tabToolTip(index)
        tabs.removeTab(index)
        tabs.insertTab(index, self._placeholder, text)
        tabs.setTabToolTip(index, tip)
        tabs.setTabVisible(index, False)
        self._enlarge(False)
        self.setWidget(self.panel)
        self.setFloating(True)
        self.setGeometry(self._float_geometry())
        self.show()
        self._sync()

    def attach(self) -> None:
        """Put the panel back into its tab, at the same index, and select it."""
        if not self.detached:
            return
        self.detached = False
        if self.isFloating():
            self._geometry = self.geometry()
        self.hide()
        tabs = self._tabs
        index = tabs.indexOf(self._placeholder)
        text, tip = tabs.tabText(index), tabs.tabToolTip(index)
        tabs.removeTab(index)
        tabs.insertTab(index, self.panel, text)  # takes the panel out of this window
        tabs.setTabToolTip(index, tip)
        tabs.setCurrentIndex(index)
        self._enlarge(True)
        self._sync()

    def _float_geometry(self) -> QRect:
        """Where the user last left the window, if still on a screen; else beside the main
        window."""
        last = self._geometry
        if last is not None and QGuiApplication.screenAt(last.center()) is not None:
            return last
        return beside(self._window.frameGeometry(), FLOAT_SIZE,
                      self._window.screen().availableGeometry())

    def show_panel(self) -> None:
        """Bring the inspector into view: select its tab (a detached one is in view already)."""
        if not self.detached:
            self._tabs.setCurrentIndex(self._tabs.indexOf(self.panel))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window (its title bar's ×, or the main window quitting) re-attaches."""
        self.attach()
        super().closeEvent(event)

    # -- around it -----------------------------------------------------------------------------
    def _enlarge(self, usable: bool) -> None:
        """Enlarge (the whole right column for the inspector) means nothing while the inspector
        has a window of its own: it is turned off, so the output view shows, and disabled."""
        enlarge = self.panel.findChild(QCheckBox, "inspectorEnlarge")
        if enlarge is None:
            return
        if not usable and enlarge.isChecked():
            enlarge.setChecked(False)  # its toggled signal shows the output view again
        enlarge.setEnabled(usable)

    def _sync(self) -> None:
        if self.action.isChecked() != self.detached:
            self.action.setChecked(self.detached)
        self.action.setToolTip(ATTACH_TIP if self.detached else DETACH_TIP)
        self._show_button()

    def _label(self) -> None:
        """The button's words where there is room beside the tabs, else its arrow alone (its
        tooltip and accessible name still say what it does)."""
        full, short = LABELS[self.detached]
        self.action.setText(full)
        room = self._tabs.width() - self._tabs.tabBar().sizeHint().width()
        if self.button.sizeHint().width() > room:
            self.action.setText(short)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.button.isVisible():
            self._label()
        return False

    @Slot()
    def _show_button(self) -> None:
        """Detach shows with the Inspector tab (Attach whenever the inspector is away), so it
        never reads as detaching the loss plot."""
        self.button.setVisible(self.detached or self._tabs.currentWidget() is self.panel)
        if self.button.isVisibleTo(self._tabs):
            self._label()
