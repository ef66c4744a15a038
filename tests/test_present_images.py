"""Image data as pictures (Qt-free): grey levels of a sample, the weight mosaic, which sample
is shown."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from session.present.images import grey_fractions, input_ranges, shown_sample, weight_mosaic
from tests.factories import make_snapshot


def test_grey_fractions_span_the_range() -> None:
    t = grey_fractions(np.array([0.0, 8.0, 16.0, 20.0, 3.0]), np.zeros(5),
                       np.array([16.0, 16.0, 16.0, 16.0, 3.0]))
    np.testing.assert_allclose(t, [0.0, 0.5, 1.0, 1.0, 1.0])
    assert grey_fractions(np.array([5.0]), np.array([5.0]), np.array([5.0]))[0] == 0.0


def test_weight_mosaic_places_each_units_weights() -> None:
    rng = np.random.default_rng(3)
    w = rng.normal(size=(6, 5))  # 2×3 images, 5 units
    m = weight_mosaic(w, (2, 3))
    assert m.scale == np.quantile(np.abs(w), 0.98) < np.abs(w).max() and m.n_units == 5
    rows, cols = m.grid
    assert rows * cols >= 5 and m.fractions.shape == (rows * 3 - 1, cols * 4 - 1)
    for j in range(5):
        r, c = m.origin(j)
        np.testing.assert_allclose(m.fractions[r:r + 2, c:c + 3],
                                   np.clip(w[:, j] / m.scale, -1, 1).reshape(2, 3))
        assert m.unit_at(r + 1, c + 2) == j
    assert np.isnan(m.fractions[2, :]).all()  # the gap row between tile rows
    assert m.unit_at(2, 0) is None
    assert weight_mosaic(np.zeros((6, 5)), (2, 3)).scale == 1.0  # nothing to scale to
    sparse = np.zeros((6, 20))
    sparse[0, 0] = -0.4  # under 2 % of the 120 weights nonzero: the quantile is 0, the peak
    assert weight_mosaic(sparse, (2, 3)).scale == 0.4


def test_digits_ranges_and_the_sample_shown() -> None:
    snap = make_snapshot("digits", 1)
    assert snap.data.image_shape == (8, 8)
    lo, hi = input_ranges(snap.data)
    assert (lo == snap.data.x_train.min()).all() and (hi == snap.data.x_train.max()).all()
    assert shown_sample(snap) == 0
    assert shown_sample(replace(snap, traced_sample=7)) == 7
    assert shown_sample(replace(snap, traced_sample=10**6)) == 0
    assert make_snapshot("tf_default", 1).data.image_shape is None
