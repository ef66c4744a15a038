"""The decision map over the plane of the first two principal components (engine.map_plane),
checked against an eigen-decomposition of the covariance written out here."""

from __future__ import annotations

import numpy as np
import pytest

from engine.data.scaling import Scaling
from engine.map_plane import PCA_ROWS, Projection, pca_plane
from engine.maps import plane_maps
from engine.presets import get_preset
from engine.trainer import Trainer


def correlated(n: int, d: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mix = rng.normal(size=(d, d)) * rng.uniform(0.1, 3.0, size=d)
    return rng.normal(size=(n, d)) @ mix + rng.normal(scale=5.0, size=d)


@pytest.mark.parametrize("standardise", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_components_and_shares_match_the_covariances_eigenvectors(seed, standardise):
    x = correlated(300, 7, seed)
    scaling = Scaling.fit(x) if standardise else None
    plane = pca_plane(x, x[:40], standardise)
    z = (x - x.mean(axis=0)) / (x.std(axis=0) if standardise else 1.0)
    values, vectors = np.linalg.eigh(z.T @ z / len(z))
    order = np.argsort(values)[::-1]
    sigma = scaling.scale if scaling is not None else np.ones(7)
    for k in range(2):
        v = vectors[:, order[k]]
        axis = plane.readers[k] * sigma  # the component itself, in the standardised space
        assert abs(abs(axis @ v) - 1.0) < 1e-10
        assert axis[np.argmax(np.abs(axis))] > 0  # the sign rule
        np.testing.assert_allclose(plane.directions[k] / sigma, axis, atol=1e-12)
        assert plane.variance[k] == pytest.approx(values[order[k]] / values.sum(), rel=1e-9)
    np.testing.assert_allclose(plane.train_xy, plane.project(x), atol=1e-12)
    np.testing.assert_allclose(plane.test_xy, plane.project(x[:40]), atol=1e-12)


def test_lift_and_project_are_a_projection_onto_the_plane():
    x = correlated(200, 5, 7)
    plane = pca_plane(x, x[:0], True)
    uv = np.random.default_rng(1).normal(size=(50, 2))
    np.testing.assert_allclose(plane.project(plane.lift(uv)), uv, atol=1e-10)
    on = plane.lift(plane.project(x))  # the samples' feet on the plane
    sigma = np.sqrt(plane.directions[0] / plane.readers[0])  # directions = a·σ, readers = a/σ
    np.testing.assert_allclose(sigma, x.std(axis=0), rtol=1e-12)
    residual = (x - on) / sigma
    axes = plane.readers * sigma
    np.testing.assert_allclose(residual @ axes.T, 0.0, atol=1e-9)  # orthogonal to it
    lo_u, hi_u, lo_v, hi_v = plane.domain
    assert lo_u < plane.train_xy[:, 0].min() and plane.train_xy[:, 0].max() < hi_u
    assert lo_v < plane.train_xy[:, 1].min() and plane.train_xy[:, 1].max() < hi_v


def test_degenerate_data_still_gives_a_plane():
    one = pca_plane(np.array([[1.0, 2.0, 3.0]]), np.zeros((0, 3)), False)
    assert np.isfinite(one.directions).all() and abs(one.directions[0] @ one.directions[1]) < 1e-12
    flat = pca_plane(np.ones((10, 4)), np.ones((2, 4)), True)
    assert np.isfinite(flat.domain).all() and flat.variance == (0.0, 0.0)
    big = correlated(PCA_ROWS + 500, 3, 2)  # components from evenly spaced rows
    full = pca_plane(big[:PCA_ROWS], big[:0], False)
    assert abs(pca_plane(big, big[:0], False).readers[0] @ full.readers[0]) > 0.99


def test_the_map_over_the_pca_plane_is_the_networks_output_at_the_lifted_inputs():
    t = Trainer(get_preset("iris"))
    t.train(5)
    x = t.dataset.x
    plane = pca_plane(x[t.train_idx], x[t.test_idx], t.scenario.data.standardize)
    maps = plane_maps(t, res=9, unit_res=5, pca=plane)
    assert maps.pca is plane and maps.domain == plane.domain
    u0, u1, v0, v1 = plane.domain
    u, v = np.linspace(u0, u1, 9)[4], np.linspace(v0, v1, 9)[7]
    expected = t.predict(plane.lift(np.array([[u, v]])))[0]
    np.testing.assert_allclose(maps.output[:, 7, 4], expected, rtol=1e-6)  # float32


def test_a_second_component_far_smaller_than_the_first_is_still_found():
    """Found in review: columns spread 1e5 and 1e-2 apart (unstandardised) lost the second
    component to zᵀz's rounding; it must be the small column's direction, with its variance."""
    rng = np.random.default_rng(4)
    x = np.column_stack([rng.normal(scale=1e5, size=400), rng.normal(scale=1e-2, size=400),
                         np.full(400, 3.0)])
    plane = pca_plane(x, x[:0], False)
    assert abs(plane.readers[1, 1]) == pytest.approx(1.0, abs=1e-9)
    assert plane.variance[1] > 0 and np.ptp(plane.train_xy[:, 1]) > 1e-3


def test_the_plane_follows_the_raw_columns_whatever_the_feature_order():
    """Found in review: with features x4, x3, x2, x1 the scaling (in feature order) was taken
    as the raw columns', and the plane missed the training mean."""
    from dataclasses import replace

    from session.commands import SetMapAxes
    from session.session import Session

    s = get_preset("iris")
    shuffled = replace(s, data=replace(s.data, features=tuple(reversed(s.data.features))))
    planes = []
    for scenario in (s, shuffled):
        session = Session(scenario, emit=lambda e: None)
        session.handle(SetMapAxes(0, 2, projection=Projection.PCA))
        planes.append(session.snapshot().maps.pca)
    a, b = planes
    np.testing.assert_allclose(a.origin, b.origin)
    np.testing.assert_allclose(a.train_xy, b.train_xy, atol=1e-9)
    np.testing.assert_allclose(a.train_xy.mean(axis=0), 0.0, atol=1e-9)
