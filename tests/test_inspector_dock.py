"""The inspector in its own window (issue 12, "Room to read"): Detach moves the very same panel
into a floating dock, and closing it or unchecking Detach puts it back into its tab."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QMenu,
    QTableWidget,
    QToolButton,
)

from gui.inspector_dock import beside
from gui.window_layout import INSPECTOR_TAB
from tests.gui_helpers import TIMEOUT


def _detach(qtbot, w) -> tuple[QDockWidget, QToolButton]:
    w.tabs.setCurrentIndex(INSPECTOR_TAB)
    button = w.findChild(QToolButton, "inspectorDetach")
    assert button.isVisible() and w.tabs.cornerWidget() is button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dock = w.findChild(QDockWidget, "inspectorDock")
    qtbot.waitUntil(dock.isVisible, timeout=TIMEOUT)
    return dock, button


def _press_step(qtbot, w) -> None:
    """Step by phase with the Step button; wait until the inspector has drawn the new trace."""
    picker = w.findChild(QComboBox, "granularityPicker")
    picker.setCurrentIndex(picker.findData("phase"))
    qtbot.mouseClick(w.step_button, Qt.MouseButton.LeftButton)
    sent = w.client.sent
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.handled >= sent
                    and w.inspector._trace is w.rendered.trace, timeout=TIMEOUT)


def _attached(w) -> bool:
    return (w.tabs.widget(INSPECTOR_TAB) is w.inspector and w.tabs.isTabVisible(INSPECTOR_TAB)
            and w.tabs.currentIndex() == INSPECTOR_TAB and w.inspector.isVisible())


def test_detach_floats_the_same_panel_and_stepping_shows_in_it(qtbot, make_window):
    w = make_window("worked_example")
    panel = w.inspector
    dock, button = _detach(qtbot, w)
    assert dock.isFloating() and dock.windowTitle() == "Inspector" and dock.isWindow()
    assert dock.widget() is panel and dock.findChild(type(panel), "inspectorPanel") is panel
    assert not w.tabs.isTabVisible(INSPECTOR_TAB) and w.tabs.widget(INSPECTOR_TAB) is not panel
    assert w.tabs.tabText(INSPECTOR_TAB) == "Inspector"  # the tab keeps its place, hidden
    assert button.isVisible() and button.isChecked() and "Attach" in button.text()
    assert dock.width() >= 600 and dock.height() >= 500  # room to read, not a sliver
    assert w.output_view.isVisible()
    for phase in ("forward 1", "forward 2"):
        _press_step(qtbot, w)
        trace = w.rendered.trace
        assert trace.phases[trace.position - 1] == phase
        assert panel.title.text() == trace.explanation.title and panel.isVisible()
        names = {f"operand:{op.name}" for op in trace.explanation.operands}
        assert names
        qtbot.waitUntil(lambda names=names: any(t.objectName() in names and t.isVisible()
                        for t in dock.findChildren(QTableWidget)), timeout=TIMEOUT)  # deferred
    # Step selects the inspector; detached, it stays where it is and no hidden tab is shown
    assert w.tabs.currentIndex() != INSPECTOR_TAB and dock.isVisible()


def test_unchecking_detach_puts_the_panel_back_in_its_tab(qtbot, make_window):
    w = make_window("worked_example")
    w.resize(1440, 900)  # room for the button's words (a narrow window shows the arrow alone)
    panel, count = w.inspector, w.tabs.count()
    dock, button = _detach(qtbot, w)
    w.tabs.setCurrentIndex(0)  # the Loss tab, while the inspector is away
    assert button.isVisible()  # the way back is always there
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=TIMEOUT)
    assert _attached(w) and w.inspector is panel and dock.widget() is not panel
    assert not button.isChecked() and "Detach" in button.text()
    assert w.tabs.count() == count  # no tab left behind
    dock, button = _detach(qtbot, w)  # and again: the same window, the same panel
    assert dock.widget() is panel
    dock.setFloating(False)  # dragged onto the main window's right edge, it docks there
    assert w.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea and dock.isVisible()
    w.inspector_dock.action.trigger()  # the Attach action (Ctrl+Shift+I)
    assert _attached(w) and not dock.isVisible()


def test_closing_the_inspector_window_reattaches(qtbot, make_window):
    w = make_window("worked_example")
    dock, button = _detach(qtbot, w)
    w.tabs.setCurrentIndex(0)
    dock.close()
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=TIMEOUT)
    assert _attached(w) and not button.isChecked()


def test_zoom_and_digits_survive_the_trip_and_shortcuts_work_detached(qtbot, make_window):
    w = make_window("worked_example")
    _press_step(qtbot, w)
    panel = w.inspector
    w.view_menu.zoom.zoom_in.trigger()  # the window zoom: 110 %
    assert "font-size: 12.1pt" in panel.equations.text()  # 11 × 1.1
    dock, _button = _detach(qtbot, w)
    assert panel.zoom > 1 and "font-size: 12.1pt" in panel.equations.text()
    digits = panel.findChild(QComboBox, "digitsPicker")
    dock.activateWindow()
    digits.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is digits, timeout=TIMEOUT)
    QTest.keyClick(digits, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert w.view_menu.zoom.percent == 125  # the window's Ctrl++ reaches the floating dock
    assert f"font-size: {11 * 1.25:.1f}pt" in panel.equations.text()
    digits.setCurrentIndex(digits.findData(6))
    digits.activated.emit(digits.currentIndex())
    qtbot.waitUntil(lambda: w.rendered.digits == 6, timeout=TIMEOUT)
    dock.close()
    assert _attached(w) and panel.zoom == 1.25 and digits.currentData() == 6
    assert f"font-size: {11 * 1.25:.1f}pt" in panel.equations.text()


def test_enlarge_is_off_and_disabled_while_detached(qtbot, make_window):
    w = make_window("worked_example")
    w.tabs.setCurrentIndex(INSPECTOR_TAB)
    enlarge = w.findChild(QCheckBox, "inspectorEnlarge")
    enlarge.click()
    assert not w.output_view.isVisible()
    _dock, button = _detach(qtbot, w)
    assert w.output_view.isVisible() and not enlarge.isChecked() and not enlarge.isEnabled()
    button.click()
    assert enlarge.isEnabled() and w.output_view.isVisible()
    enlarge.click()
    assert not w.output_view.isVisible()  # Enlarge works again once attached


def test_the_window_with_detach_still_fits_a_1024_pixel_projector(qtbot, make_window):
    w = make_window("digits")  # four tabs: Loss, Inspector, Metrics, Images
    w.tabs.setCurrentIndex(INSPECTOR_TAB)
    button = w.findChild(QToolButton, "inspectorDetach")
    assert button.isVisible() and w.minimumSizeHint().width() <= 1024
    bar = w.tabs.tabBar()

    def every_tab_shows() -> bool:
        return (w.tabs.isTabVisible(w.tabs.indexOf(w.image_views))
                and bar.sizeHint().width() + button.width() <= w.tabs.width())

    w.resize(1024, 700)
    qtbot.waitUntil(lambda: w.width() == 1024, timeout=TIMEOUT)
    qtbot.waitUntil(every_tab_shows, timeout=TIMEOUT)  # the button gives way to the tabs
    assert button.text() == "↗" and "own window" in button.toolTip()
    w.resize(1600, 700)
    qtbot.waitUntil(lambda: button.text() == "Detach ↗", timeout=TIMEOUT)  # room for words
    assert every_tab_shows()
    _detach(qtbot, w)
    assert w.minimumSizeHint().width() <= 1024


def test_closing_the_main_window_while_detached_leaves_no_window(qtbot, make_window):
    w = make_window("worked_example")
    dock, _button = _detach(qtbot, w)
    w.files.confirm_unsaved = False
    assert w.close()
    assert not dock.isVisible() and not w.client.is_alive()
    assert not [t for t in QApplication.topLevelWidgets() if t.isVisible()
                and t.window() in (w, dock)]
    assert w.tabs.widget(INSPECTOR_TAB) is w.inspector  # back home, nothing dangling


def test_the_window_opens_beside_the_main_window_and_on_its_screen():
    screen = QRect(0, 0, 1920, 1080)
    size = QSize(700, 800)
    assert beside(QRect(0, 0, 1000, 700), size, screen) == QRect(1000, 0, 700, 800)
    assert beside(QRect(1100, 50, 800, 700), size, screen) == QRect(400, 50, 700, 800)
    middle = beside(QRect(300, 400, 1400, 900), size, screen)  # no room either side
    assert middle == QRect(1220, 280, 700, 800) and screen.contains(middle)
    small = QRect(0, 0, 1024, 700)  # a projector on its own: the window fits it
    assert beside(QRect(0, 0, 1024, 700), size, small) == QRect(324, 0, 700, 700)


def test_view_menu_item_detaches_and_follows_the_button(qtbot, make_window) -> None:
    """View › Inspector in its own window detaches; the Detach button puts it back and the
    menu item's check follows."""
    w = make_window()
    item = w.findChild(QAction, "inspectorWindowAction")
    assert item is not None and item in w.findChild(QMenu, "viewMenu").actions()
    item.trigger()
    dock = w.findChild(QDockWidget, "inspectorDock")
    qtbot.waitUntil(dock.isVisible, timeout=TIMEOUT)
    assert w.inspector_dock.detached and item.isChecked()
    qtbot.mouseClick(w.findChild(QToolButton, "inspectorDetach"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=TIMEOUT)
    assert not w.inspector_dock.detached and not item.isChecked()
