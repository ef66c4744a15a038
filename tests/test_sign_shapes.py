"""Sign and class beyond colour (issue 15), in the window: negative weights (and, while
stepping, negative ∂L/∂w) are stroked with dashed pens and the rest solid; negative biases get
a minus bar; the legend's edge sample is dashed for negative and solid for positive; each
class has its own marker shape in the output view's scatter (pytest-qt)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QComboBox

from gui.main_window import MainWindow
from session.present.levels import BIAS_LEVELS, signed_steps, weight_color_scale
from tests.test_network_gradscale import _step_to


def _is_dashed(p: QPen) -> bool:
    return p.style() != Qt.PenStyle.SolidLine


def _pens_by_sign(w: MainWindow) -> tuple[list[QPen], list[QPen]]:
    """The edge pens of negative colour steps and of the others, found by their colour."""
    edges = w.network_view._scene.edges
    step_of: dict[int, int] = {}
    for q in range(-8, 9):
        for alpha in (255, 150):
            step_of[edges.color(q, alpha).rgba()] = q
    negative, other = [], []
    for p in edges.thin_pens() + edges.wide_pens():
        q = step_of.get(p.color().rgba())
        if q is None:
            continue  # muted, dead or faded pens: not a value's colour
        (negative if q < 0 else other).append(p)
    return negative, other


def test_negative_weights_are_dashed_and_positive_solid(qtbot, make_window) -> None:
    w = make_window("xor_221")
    snap = w.rendered
    levels = w.network_view._scene.coloring.levels
    assert (levels < 0).any() and (levels > 0).any()  # the preset has weights of both signs
    negative, other = _pens_by_sign(w)
    assert negative and other
    assert all(_is_dashed(p) for p in negative)
    assert not any(_is_dashed(p) for p in other)
    assert any(np.asarray(x).min() < 0 for x in snap.weights)


def test_negative_gradients_follow_the_dash_rule(qtbot, make_window) -> None:
    w = make_window("xor_221")
    view = w.network_view
    picker = w.findChild(QComboBox, "granularityPicker")
    picker.setCurrentIndex(picker.findData("phase"))
    _step_to(qtbot, w, "update")
    assert view._scene.coloring.gradient_palette
    levels = view._scene.coloring.levels
    assert (levels < 0).any() and (levels > 0).any()
    negative, other = _pens_by_sign(w)
    assert negative and other
    assert all(_is_dashed(p) for p in negative)
    assert not any(_is_dashed(p) for p in other)


def test_negative_biases_carry_a_minus_bar(qtbot, make_window) -> None:
    w = make_window("xor_221")
    snap = w.rendered
    biases = np.concatenate([np.asarray(b).ravel() for b in snap.biases if b is not None])
    scale = weight_color_scale([np.asarray(x) for x in snap.weights] + [biases],
                               snap.scenario.train.tf_rules)
    n_negative = int((signed_steps(biases, scale, BIAS_LEVELS) < 0).sum())
    assert n_negative > 0
    assert len(w.network_view._scene.decor.negative_bias_marks()) == n_negative


def test_legend_sample_is_dashed_for_negative_and_solid_for_positive(qtbot, make_window) -> None:
    w = make_window("xor_221")
    bar = w.network_view._legend.colorbar
    negative, positive = bar.sample_pens()
    assert _is_dashed(negative) and not _is_dashed(positive)
    image = bar.grab().toImage()
    background = image.pixelColor(0, image.height() - 1)

    def runs(x0: int, x1: int, y: int) -> int:
        """Stretches of drawn pixels on row y between x0 and x1."""
        inked = [_far(image.pixelColor(x, y), background) for x in range(x0, x1)]
        return sum(1 for a, b in zip([False, *inked], inked, strict=False) if b and not a)

    mid = image.width() // 2
    rows = range(image.height() // 2, image.height())
    left = max(runs(int(image.width() * 0.25), mid - 4, y) for y in rows)
    right = max(runs(mid + 4, int(image.width() * 0.7), y) for y in rows)
    assert left >= 3  # dashes
    assert right == 1  # one solid stroke


def _far(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()),
               abs(a.blue() - b.blue())) > 40


def _symbols_by_class(item, labels: np.ndarray) -> dict[int, set[str]]:
    symbols = item.data["symbol"]
    assert len(symbols) == len(labels)
    out: dict[int, set[str]] = {}
    for k, s in zip(labels.tolist(), symbols.tolist(), strict=True):
        out.setdefault(int(k), set()).add(str(s))
    return out


def test_classes_have_distinct_marker_shapes(qtbot, make_window) -> None:
    for preset, n in (("tf_default", 2), ("softmax_spiral3", 3)):
        w = make_window(preset)
        d = w.rendered.data
        view = w.output_view
        for item, labels in ((view.train_points, d.y_train), (view.test_points, d.y_test)):
            if not len(item.data):
                continue  # test points hidden
            by_class = _symbols_by_class(item, np.asarray(labels))
            assert len(by_class) == n
            assert all(len(s) == 1 for s in by_class.values())  # one shape per class
            assert len(set().union(*by_class.values())) == n  # and no two alike
