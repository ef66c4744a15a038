"""Themes (issue 15): the chrome and text colours of the window, the diagram and the plots, in a
light, a dark and a high-contrast set, so that nothing is drawn in a hard-coded white. The signed
data palette (weights, gradients, classes) stays in gui.colors; this module holds what sits
around it. ``ThemeChoice.SYSTEM`` follows the desktop's colour scheme and its changes.

Views read ``current()`` when they render and listen to ``notifier().changed`` to render again,
so switching theme needs no restart. Every text colour here is held to 4.5:1 and every outline
or focus colour to 3:1 against the backgrounds it is drawn on (tests/test_themes.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyle

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]


class ThemeChoice(Enum):
    """What the user picked in View › Theme (or with ``--theme``)."""
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high-contrast"


@dataclass(frozen=True)
class Theme:
    """One set of chrome colours; sRGB triples so the tests can measure them without Qt."""
    key: ThemeChoice
    label: str
    window: RGB
    base: RGB
    """Background of editable fields, tables, the diagram and the plots."""
    text: RGB
    faint_text: RGB
    """Secondary text: captions, not-yet-reached phases, axis labels."""
    outline: RGB
    """Unit outlines and frames (graphics: 3:1)."""
    link: RGB
    error: RGB
    ok: RGB
    warning: RGB
    highlight: RGB
    """Selected / current item outline (graphics) and selection background."""
    highlight_text: RGB
    caption_bg: RGB
    """Background of the caption of the column the current phase works on."""
    band: RGBA
    """Phase stepping: the translucent band behind the active column."""
    veil: RGBA
    """Phase stepping: the veil over columns not computed yet."""
    muted_edge: RGB
    dead_edge: RGB
    text_box: RGBA
    """Translucent box behind numbers drawn over edges."""
    axis: RGB
    focus: RGB
    """Focus outline (≥ 2 px, 3:1 against window and base)."""

    @property
    def plot_background(self) -> RGB:
        return self.base

    @property
    def plot_foreground(self) -> RGB:
        return self.text

    def qcolor(self, name: str) -> QColor:
        """The colour field ``name`` as a QColor (with alpha where the field has one)."""
        return QColor(*getattr(self, name))

    def hex(self, name: str) -> str:
        """The colour field ``name`` as #rrggbb (opaque), for style sheets and HTML."""
        r, g, b = getattr(self, name)[:3]
        return f"#{r:02x}{g:02x}{b:02x}"

    @property
    def is_dark(self) -> bool:
        return sum(self.base) < 3 * 128


LIGHT = Theme(
    key=ThemeChoice.LIGHT, label="Light",
    window=(239, 239, 239), base=(255, 255, 255), text=(32, 33, 36), faint_text=(95, 99, 104),
    outline=(128, 131, 135), link=(11, 87, 208), error=(179, 38, 30), ok=(19, 115, 51),
    warning=(138, 90, 0), highlight=(11, 83, 148), highlight_text=(255, 255, 255),
    caption_bg=(255, 241, 193), band=(255, 226, 120, 95), veil=(255, 255, 255, 190),
    muted_edge=(214, 216, 218), dead_edge=(128, 131, 135), text_box=(255, 255, 255, 225),
    axis=(80, 84, 89), focus=(11, 83, 148),
)
DARK = Theme(
    key=ThemeChoice.DARK, label="Dark",
    window=(41, 42, 45), base=(27, 28, 30), text=(232, 234, 237), faint_text=(178, 183, 189),
    outline=(128, 134, 139), link=(138, 180, 248), error=(242, 139, 130), ok=(129, 201, 149),
    warning=(253, 214, 99), highlight=(138, 180, 248), highlight_text=(20, 20, 22),
    caption_bg=(74, 63, 18), band=(255, 210, 80, 55), veil=(27, 28, 30, 190),
    muted_edge=(60, 64, 67), dead_edge=(128, 134, 139), text_box=(27, 28, 30, 225),
    axis=(189, 193, 198), focus=(138, 180, 248),
)
HIGH_CONTRAST = Theme(
    key=ThemeChoice.HIGH_CONTRAST, label="High contrast",
    window=(0, 0, 0), base=(0, 0, 0), text=(255, 255, 255), faint_text=(230, 230, 230),
    outline=(255, 255, 255), link=(128, 208, 255), error=(255, 128, 128), ok=(128, 255, 128),
    warning=(255, 255, 0), highlight=(255, 255, 0), highlight_text=(0, 0, 0),
    caption_bg=(64, 64, 0), band=(255, 255, 0, 70), veil=(0, 0, 0, 200),
    muted_edge=(90, 90, 90), dead_edge=(192, 192, 192), text_box=(0, 0, 0, 230),
    axis=(255, 255, 255), focus=(255, 255, 0),
)
THEMES: dict[ThemeChoice, Theme] = {t.key: t for t in (LIGHT, DARK, HIGH_CONTRAST)}
_SETTING = "view/theme"


def for_scheme(scheme: Qt.ColorScheme) -> Theme:
    """The theme ``SYSTEM`` means under the desktop's colour scheme."""
    return DARK if scheme == Qt.ColorScheme.Dark else LIGHT


class ThemeNotifier(QObject):
    """Holds the current choice and says when the theme in force changes."""
    changed = Signal(object)  # the new Theme

    def __init__(self) -> None:
        super().__init__()
        self.choice = ThemeChoice.SYSTEM
        self.theme: Theme = LIGHT
        self._native_style: str | None = None
        self._following = False
        self._style: QStyle | None = None

    def resolve(self) -> Theme:
        if self.choice is ThemeChoice.SYSTEM:
            return for_scheme(QGuiApplication.styleHints().colorScheme())
        return THEMES[self.choice]

    def choose(self, choice: ThemeChoice, remember: bool = True) -> None:
        """Put ``choice`` in force (and in the settings unless ``remember`` is False)."""
        self.choice = choice
        if remember:
            QSettings("BackpropPlayground", "BackpropPlayground").setValue(_SETTING, choice.value)
        hints = QGuiApplication.styleHints()
        if choice is ThemeChoice.SYSTEM and not self._following:
            hints.colorSchemeChanged.connect(self._scheme_changed)
            self._following = True
        self._apply(self.resolve())

    def _scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.choice is ThemeChoice.SYSTEM:
            self._apply(for_scheme(scheme))

    def _apply(self, theme: Theme) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            if self._native_style is None:
                self._native_style = app.style().name()
            # Fusion honours the palette everywhere (a native style may keep its own colours);
            # the proxy gives it visible check-box frames and 2-px focus rings on dark windows
            from gui.theme_style import ThemedStyle

            if theme is LIGHT:  # the desktop's own look, with a focus ring that shows
                self._style = ThemedStyle(theme.qcolor("outline"), theme.qcolor("focus"),
                                          self._native_style, frames=False)
            else:
                self._style = ThemedStyle(theme.qcolor("outline"), theme.qcolor("focus"))
            app.setStyle(self._style)
            app.setPalette(palette(theme))
        changed = theme is not self.theme
        self.theme = theme
        if changed:
            self.changed.emit(theme)


def palette(theme: Theme) -> QPalette:
    """The application palette of ``theme``."""
    p = QPalette()
    c = theme.qcolor
    roles = {
        QPalette.ColorRole.Window: c("window"), QPalette.ColorRole.WindowText: c("text"),
        QPalette.ColorRole.Base: c("base"), QPalette.ColorRole.AlternateBase: c("window"),
        QPalette.ColorRole.Text: c("text"), QPalette.ColorRole.Button: c("window"),
        QPalette.ColorRole.ButtonText: c("text"), QPalette.ColorRole.ToolTipBase: c("base"),
        QPalette.ColorRole.ToolTipText: c("text"), QPalette.ColorRole.Highlight: c("highlight"),
        QPalette.ColorRole.HighlightedText: c("highlight_text"), QPalette.ColorRole.Link: c("link"),
        QPalette.ColorRole.PlaceholderText: c("faint_text"), QPalette.ColorRole.Mid: c("outline"),
        QPalette.ColorRole.BrightText: c("error"),
    }
    for role, color in roles.items():
        p.setColor(role, color)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, c("faint_text"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, c("faint_text"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, c("faint_text"))
    return p


_notifier: ThemeNotifier | None = None


def notifier() -> ThemeNotifier:
    """The one notifier of this process."""
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier()
    return _notifier


def current() -> Theme:
    """The theme in force (light until one is applied)."""
    return notifier().theme


def remembered_choice() -> ThemeChoice:
    """The choice saved by the last run, SYSTEM if none (or an unknown value)."""
    value = QSettings("BackpropPlayground", "BackpropPlayground").value(_SETTING, "system")
    try:
        return ThemeChoice(str(value))
    except ValueError:
        return ThemeChoice.SYSTEM


class ThemeFollower(QObject):
    """A child of ``owner`` (so Qt disconnects it with its owner) that calls ``restyle`` with
    the theme in force now and after every change."""

    def __init__(self, owner: QObject, restyle: Callable[[Theme], None],
                 now: bool = True) -> None:
        super().__init__(owner)
        self._restyle = restyle
        if now:
            restyle(current())
        notifier().changed.connect(self.on_change)

    @Slot(object)
    def on_change(self, theme: Theme) -> None:
        self._restyle(theme)
