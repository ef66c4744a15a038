"""Issue 15: every theme's text colours reach 4.5:1 and its outlines and focus ring 3:1 against
every background they are drawn on, computed here with gui.color_science."""

from __future__ import annotations

import pytest

from gui.answer_panel import LOOK, MARK_TEXT
from gui.color_science import GRAPHICS_CONTRAST, RGB, TEXT_CONTRAST, contrast, over
from gui.theme import DARK, HIGH_CONTRAST, LIGHT, THEMES, Theme, ThemeChoice, for_scheme

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt


def _flat(rgba: tuple[int, ...], under: RGB) -> RGB:
    """A translucent theme colour as it reaches the eye over ``under``."""
    return over(rgba[:3], rgba[3] / 255, under) if len(rgba) == 4 else rgba[:3]  # type: ignore


def backgrounds(t: Theme) -> dict[str, RGB]:
    """Every surface text is drawn on: the window, fields/diagram/plots, the active column's
    band and caption, the number boxes over edges, and the veil over columns not reached."""
    return {
        "window": t.window, "base": t.base, "caption": t.caption_bg,
        "band": _flat(t.band, t.base), "text box": _flat(t.text_box, t.base),
        "veil": _flat(t.veil, t.base),
    }


def text_pairs(t: Theme) -> list[tuple[str, RGB, str, RGB]]:
    """(what, colour, on, background): text, faint text (captions, axis labels, not-yet-reached
    phases), the current phase (highlight), links, error/ok/warning lines (banner, editors,
    verdicts), axis tick text, and selected text."""
    pairs = []
    for on, bg in backgrounds(t).items():
        pairs += [("text", t.text, on, bg), ("faint text", t.faint_text, on, bg)]
    for name in ("highlight", "link", "error", "ok", "warning"):
        for on in ("window", "base"):
            pairs.append((name, getattr(t, name), on, getattr(t, on)))
    pairs.append(("selected text", t.highlight_text, "highlight", t.highlight))
    return pairs


def graphics_pairs(t: Theme) -> list[tuple[str, RGB, str, RGB]]:
    pairs = []
    for name in ("outline", "focus", "axis", "dead_edge", "error", "text"):
        for on in ("window", "base"):
            pairs.append((name, getattr(t, name), on, getattr(t, on)))
    pairs.append(("focus", t.focus, "caption", t.caption_bg))
    return pairs


@pytest.mark.parametrize("theme", THEMES.values(), ids=lambda t: t.key.value)
def test_text_reaches_4_5(theme: Theme) -> None:
    low = [(what, on, round(contrast(c, bg), 2)) for what, c, on, bg in text_pairs(theme)
           if contrast(c, bg) < TEXT_CONTRAST]
    assert not low, low


@pytest.mark.parametrize("theme", THEMES.values(), ids=lambda t: t.key.value)
def test_graphics_and_focus_reach_3(theme: Theme) -> None:
    low = [(what, on, round(contrast(c, bg), 2)) for what, c, on, bg in graphics_pairs(theme)
           if contrast(c, bg) < GRAPHICS_CONTRAST]
    assert not low, low


def test_themes_differ_where_it_matters() -> None:
    # a dark theme that kept white backgrounds would pass the contrast tests by accident
    assert not LIGHT.is_dark and DARK.is_dark and HIGH_CONTRAST.is_dark
    assert min(contrast(t.text, t.base) for t in (DARK, HIGH_CONTRAST)) >= 12
    assert contrast(HIGH_CONTRAST.text, HIGH_CONTRAST.base) == pytest.approx(21.0)


def _hex(code: str) -> RGB:
    return int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16)


@pytest.mark.parametrize("mark", list(LOOK))
def test_answer_marks_readable_in_every_theme(mark) -> None:
    # marked cells carry their own pale background, so glyph and entry text are fixed too
    background, _glyph, colour = LOOK[mark]
    assert contrast(_hex(colour), _hex(background)) >= TEXT_CONTRAST
    assert contrast(_hex(MARK_TEXT), _hex(background)) >= TEXT_CONTRAST


def test_system_maps_the_desktop_scheme() -> None:
    assert for_scheme(Qt.ColorScheme.Dark) is DARK
    assert for_scheme(Qt.ColorScheme.Light) is LIGHT
    assert for_scheme(Qt.ColorScheme.Unknown) is LIGHT
    assert {t.key for t in THEMES.values()} == set(ThemeChoice) - {ThemeChoice.SYSTEM}


def minimum_ratios() -> dict[str, tuple[float, float]]:
    """Per theme: the lowest text and the lowest graphics ratio (printed by ``python -m``)."""
    return {t.key.value: (min(contrast(c, bg) for _, c, _, bg in text_pairs(t)),
                          min(contrast(c, bg) for _, c, _, bg in graphics_pairs(t)))
            for t in THEMES.values()}


if __name__ == "__main__":
    for key, (text, graphics) in minimum_ratios().items():
        print(f"{key:14} text ≥ {text:.2f}:1   graphics ≥ {graphics:.2f}:1")
