"""The colour measures themes and palettes are held to (gui.color_science), against published
values: WCAG's contrast endpoints, Sharma et al.'s CIEDE2000 test pairs, Machado's matrices
keeping greys grey, and the figures issue 15 reported for the old palette."""

from __future__ import annotations

import numpy as np
import pytest

from gui import color_science as cs


def test_contrast_endpoints_and_a_known_pair() -> None:
    assert cs.contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert cs.contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert cs.contrast((245, 147, 34), (255, 255, 255)) == pytest.approx(2.31, abs=0.01)


# (L1, a1, b1, L2, a2, b2, ΔE00) from Sharma, Wu & Dalal (2005), table 1
SHARMA = [
    (50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425),
    (50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0000),
    (50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065),
    (50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492),
    (50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


@pytest.mark.parametrize("row", SHARMA)
def test_ciede2000_matches_sharma(row) -> None:
    lab1, lab2, expected = np.array(row[:3]), np.array(row[3:6]), row[6]
    assert cs._ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert cs._ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("deficiency", list(cs.Deficiency))
def test_simulation_keeps_greys_and_merges_what_it_should(deficiency) -> None:
    for grey in (0, 128, 255):
        assert all(abs(c - grey) <= 1 for c in cs.simulate((grey, grey, grey), deficiency))
    red, green = (200, 60, 60), (60, 140, 60)
    if deficiency is not cs.Deficiency.TRITAN:  # red–green confusion is what these are
        assert (cs.delta_e(cs.simulate(red, deficiency), cs.simulate(green, deficiency))
                < cs.delta_e(red, green) / 2)


def test_reproduces_the_issues_figures_for_the_old_palette() -> None:
    blue, purple, green = (8, 119, 189), (123, 50, 148), (0, 136, 55)
    deutan = cs.delta_e(cs.simulate(purple, cs.Deficiency.DEUTAN),
                        cs.simulate(blue, cs.Deficiency.DEUTAN))
    tritan = cs.delta_e(cs.simulate(green, cs.Deficiency.TRITAN),
                        cs.simulate(blue, cs.Deficiency.TRITAN))
    assert deutan == pytest.approx(9.2, abs=0.05) and tritan == pytest.approx(10.0, abs=0.05)
    assert cs.worst_delta_e(purple, blue) == pytest.approx(9.2, abs=0.05)
