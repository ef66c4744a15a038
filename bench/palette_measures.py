"""Issue 15's palette figures: every edge colour level's contrast against the three diagram
backgrounds, and how far the weight scale's ends are from the gradient scale's (CIEDE2000),
with normal vision and simulated protanopia, deuteranopia and tritanopia.

    .venv/bin/python bench/palette_measures.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gui.color_science import Deficiency, contrast, delta_e, simulate
from gui.colors import EdgePalette, edge_palette
from session.present.levels import EDGE_LEVELS, RGB, diverging_rgb

BACKGROUNDS: dict[str, tuple[RGB, bool]] = {
    "light (white)": ((255, 255, 255), False),
    "dark (32,33,36)": ((32, 33, 36), True),
    "high contrast (black)": ((0, 0, 0), True),
}
VISIONS: tuple[Deficiency | None, ...] = (None, Deficiency.PROTAN, Deficiency.DEUTAN,
                                          Deficiency.TRITAN)


def edge_levels(pal: EdgePalette) -> list[RGB]:
    """Every colour an edge takes (weights and gradients, all signed steps)."""
    out: list[RGB] = []
    for neg, pos in ((pal.negative, pal.positive), (pal.gradient_negative, pal.gradient_positive)):
        out += [diverging_rgb(q / EDGE_LEVELS, pal.zero, neg, pos)
                for q in range(-EDGE_LEVELS, EDGE_LEVELS + 1)]
    return out


def min_contrast(pal: EdgePalette, background: RGB) -> float:
    return min(contrast(c, background) for c in edge_levels(pal))


def min_weight_gradient_delta_e(pal: EdgePalette, vision: Deficiency | None) -> float:
    """Smallest ΔE00 between a weight end (−/+) and a gradient end (−/+), after simulation."""
    def seen(c: RGB) -> RGB:
        return c if vision is None else simulate(c, vision)
    return min(delta_e(seen(w), seen(g)) for w in (pal.negative, pal.positive)
               for g in (pal.gradient_negative, pal.gradient_positive))


def main() -> None:
    print("minimum contrast of any edge level against its background (need ≥ 3.0):")
    for name, (bg, dark) in BACKGROUNDS.items():
        print(f"  {name:24s} {min_contrast(edge_palette(dark), bg):.2f}:1")
    print("minimum ΔE00 weight end vs gradient end (need ≥ 20):")
    for dark in (False, True):
        for v in VISIONS:
            label = "normal" if v is None else v.value
            print(f"  {'dark' if dark else 'light'} palette, {label:13s} "
                  f"{min_weight_gradient_delta_e(edge_palette(dark), v):.1f}")


if __name__ == "__main__":
    main()
