"""Issue 15: View › Theme switches the whole window live — diagram, plots and the weight editor
are measured from their pixels and colours after the switch — and System follows the desktop."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QImage
from PySide6.QtWidgets import QWidget

from gui.color_science import GRAPHICS_CONTRAST, RGB, TEXT_CONTRAST, contrast
from gui.theme import DARK, HIGH_CONTRAST, LIGHT, ThemeChoice, current, notifier
from tests.gui_helpers import TIMEOUT

ACTIONS = {ThemeChoice.SYSTEM: "themeSystemAction", ThemeChoice.LIGHT: "themeLightAction",
           ThemeChoice.DARK: "themeDarkAction",
           ThemeChoice.HIGH_CONTRAST: "themeHighContrastAction"}


@pytest.fixture(autouse=True)
def _back_to_light():
    """The theme is process-wide: leave the next test the light one it expects."""
    yield
    notifier().choose(ThemeChoice.LIGHT, remember=False)


def _pixels(widget: QWidget, step: int = 2) -> Counter[RGB]:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    counts: Counter[RGB] = Counter()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            c = image.pixelColor(x, y)
            counts[(c.red(), c.green(), c.blue())] += 1
    return counts


def _background(widget: QWidget) -> RGB:
    return _pixels(widget).most_common(1)[0][0]


def _action(w, choice: ThemeChoice) -> QAction:
    action = w.findChild(QAction, ACTIONS[choice])
    assert action is not None and action.isCheckable()
    return action


def test_theme_menu_lists_the_themes_as_radio_items(make_window) -> None:
    w = make_window()
    texts = [_action(w, c).text() for c in ThemeChoice]
    assert texts == ["&System", "&Light", "&Dark", "&High contrast"]
    _action(w, ThemeChoice.DARK).trigger()
    checked = [c for c in ThemeChoice if _action(w, c).isChecked()]
    assert checked == [ThemeChoice.DARK]


@pytest.mark.parametrize("choice, theme", [(ThemeChoice.DARK, DARK),
                                           (ThemeChoice.HIGH_CONTRAST, HIGH_CONTRAST)])
def test_switching_recolours_diagram_and_plots_live(make_window, qtbot, choice, theme) -> None:
    w = make_window()
    views = {"diagram": w.network_view._canvas, "loss plot": w.loss_plot.plot_widget}
    assert _background(views["diagram"]) == LIGHT.base
    _action(w, choice).trigger()
    assert current() is theme
    for view in views.values():
        qtbot.waitUntil(lambda v=view: _background(v) == theme.base, timeout=TIMEOUT)
    # the output plot's frame around the map, and the axis text drawn on it
    out = w.output_view.plot_widget
    assert out.backgroundBrush().color().getRgb()[:3] == theme.base
    axis = out.getPlotItem().getAxis("left")
    assert contrast(axis.textPen().color().getRgb()[:3], theme.base) >= TEXT_CONTRAST
    assert contrast(axis.pen().color().getRgb()[:3], theme.base) >= GRAPHICS_CONTRAST
    # the window's own palette: text on window and on fields
    qtbot.waitUntil(lambda: w.palette().window().color().getRgb()[:3] == theme.window,
                    timeout=TIMEOUT)
    pal = w.palette()
    assert contrast(pal.text().color().getRgb()[:3], pal.base().color().getRgb()[:3]) >= 12
    # the faint grey of edges not computed yet and the dead links' dashes follow too
    from gui.network.style import DEAD_EDGE, MUTED_EDGE

    edges = w.network_view._scene.edges
    qtbot.waitUntil(lambda: edges._muted_pen.color() == MUTED_EDGE
                    and edges.dead_pen.color() == DEAD_EDGE, timeout=TIMEOUT)


def test_weight_editor_is_readable_in_dark(make_window, qtbot) -> None:
    w = make_window()
    _action(w, ThemeChoice.DARK).trigger()
    view = w.network_view
    view.begin_edit_weight(0, 0, 0)
    editor = view.editor()
    qtbot.waitUntil(editor.isVisible, timeout=TIMEOUT)
    editor.setText("-0.1234567")
    editor.deselect()
    counts = _pixels(editor)
    background = counts.most_common(1)[0][0]
    ink = max(counts, key=lambda c: contrast(c, background))
    assert background == DARK.base  # not the old white
    assert contrast(ink, background) >= TEXT_CONTRAST


def test_system_follows_the_desktop_scheme(make_window, qtbot) -> None:
    w = make_window()
    _action(w, ThemeChoice.SYSTEM).trigger()
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert current() is DARK
    qtbot.waitUntil(lambda: _background(w.network_view._canvas) == DARK.base, timeout=TIMEOUT)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert current() is LIGHT
    _action(w, ThemeChoice.DARK).trigger()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert current() is DARK  # a chosen theme stays put


@pytest.mark.parametrize(("choice", "theme"),
                         [(ThemeChoice.DARK, DARK), (ThemeChoice.LIGHT, LIGHT)])
def test_controls_show_their_frames_and_a_2px_focus_ring(qtbot, choice, theme) -> None:
    from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit

    notifier().choose(choice, remember=False)
    box = QWidget()
    qtbot.addWidget(box)
    check, field = QCheckBox("shuffle", box), QLineEdit(box)
    row = QHBoxLayout(box)
    row.addWidget(check)
    row.addWidget(field)
    box.show()
    qtbot.waitExposed(box)
    if theme is DARK:  # Fusion alone draws it near the window's colour; light keeps its own
        assert DARK.outline in _pixels(check, step=1)
    assert contrast(theme.outline, theme.window) >= GRAPHICS_CONTRAST
    assert contrast(theme.focus, theme.window) >= GRAPHICS_CONTRAST
    check.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(check.hasFocus, timeout=TIMEOUT)
    image = check.grab().toImage()
    ring = [(x, y) for y in range(image.height()) for x in range(image.width())
            if image.pixelColor(x, y).getRgb()[:3] == theme.focus]
    assert ring, "no focus ring in the focus colour"
    xs = sorted({x for x, _ in ring})
    assert any(x + 1 in xs for x in xs)  # at least 2 px thick


def test_the_inspector_redraws_in_a_new_theme_at_once(make_window, qtbot) -> None:
    """Its phase line is rich text with the theme's colours in it: switching theme while
    stepping redraws it then, not at the next step."""
    from session import commands as c

    w = make_window("xor_221")
    w.client.send(c.Step(c.StepUnit.PHASE))
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.trace is not None,
                    timeout=TIMEOUT)
    qtbot.waitUntil(lambda: LIGHT.hex("highlight") in w.inspector.progress.text(),
                    timeout=TIMEOUT)
    steps = w.rendered.trace.position
    _action(w, ThemeChoice.DARK).trigger()
    assert DARK.hex("highlight") in w.inspector.progress.text()
    assert w.rendered.trace.position == steps  # no step was needed


@pytest.mark.parametrize("choice", [ThemeChoice.LIGHT, ThemeChoice.DARK, ThemeChoice.HIGH_CONTRAST])
def test_every_kind_of_control_shows_a_2px_focus_ring(qtbot, choice) -> None:
    """Buttons, fields, combos, spin boxes and sliders draw their focus as a ring in the
    theme's focus colour (≥ 3:1), at least 2 px thick, in every theme."""
    from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QSlider, QSpinBox

    notifier().choose(choice, remember=False)
    theme = current()
    box = QWidget()
    qtbot.addWidget(box)
    combo = QComboBox()
    combo.addItems(["tanh", "relu"])
    controls = [combo, QSpinBox(), QLineEdit(), QPushButton("Step"),
                QSlider(Qt.Orientation.Horizontal)]
    row = QHBoxLayout(box)
    for control in controls:
        row.addWidget(control)
    box.show()
    qtbot.waitExposed(box)
    for control in controls:
        assert theme.focus not in _pixels(control, step=1)  # not before it has the focus
        control.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(control.hasFocus, timeout=TIMEOUT)
        image = control.grab().toImage()
        ring = {(x, y) for y in range(image.height()) for x in range(image.width())
                if image.pixelColor(x, y).getRgb()[:3] == theme.focus}
        assert any((x + 1, y) in ring for x, y in ring), type(control).__name__  # 2 px wide
        assert any((x, y + 1) in ring for x, y in ring), type(control).__name__  # 2 px tall
    assert contrast(theme.focus, theme.window) >= GRAPHICS_CONTRAST
