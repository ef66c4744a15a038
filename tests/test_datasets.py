"""Tests for engine.datasets: geometry, noise, determinism, validation and splitting."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.datasets import (
    DATASETS,
    Dataset,
    from_arrays,
    gauss_std,
    generate,
    split,
)

TF_CLASSIFICATION = ("circle", "xor", "gauss", "spiral")
TF_REGRESSION = ("plane", "multi_gauss")
RANDOM_KEYS = tuple(k for k, info in DATASETS.items() if not info.fixed_size)
TABLES = {
    "xor_table": [0, 1, 1, 0],
    "and_table": [0, 0, 0, 1],
    "or_table": [0, 1, 1, 1],
}


def _inside(ds: Dataset) -> np.ndarray:
    """Boolean per sample: is the plotted point inside the data set's domain?"""
    x1_min, x1_max, x2_min, x2_max = ds.domain
    first = (ds.x[:, 0] >= x1_min) & (ds.x[:, 0] <= x1_max)
    second_values = ds.x[:, 1] if ds.n_inputs >= 2 else ds.y
    second = (second_values >= x2_min) & (second_values <= x2_max)
    return first & second


# --------------------------------------------------------------------------- registry


def test_registry_lists_every_key_in_gui_order() -> None:
    assert list(DATASETS) == [
        "circle", "xor", "gauss", "spiral", "spiral3", "moons", "checkerboard", "shifted",
        "plane", "multi_gauss", "sine",
        "xor_table", "and_table", "or_table", "not_table", "iris", "digits", "diabetes",
    ]  # fmt: skip
    for key, info in DATASETS.items():
        assert info.key == key
        assert info.title and info.description and "\n" not in info.description


def test_registry_defaults_match_spec() -> None:
    for key in TF_CLASSIFICATION + TF_REGRESSION:
        assert DATASETS[key].default_noise == 0.0
        assert DATASETS[key].default_samples == 500
    assert DATASETS["sine"].default_samples == 200
    assert DATASETS["spiral3"].default_samples == 300
    assert DATASETS["spiral3"].default_noise == pytest.approx(0.2)
    assert DATASETS["spiral3"].n_classes == 3


@pytest.mark.parametrize("key", list(DATASETS))
def test_info_agrees_with_generated_data(key: str) -> None:
    info = DATASETS[key]
    ds = generate(key, n_samples=info.default_samples, noise=info.default_noise, seed=3)
    assert ds.name == key
    assert ds.task == info.task
    assert ds.n_inputs == info.n_inputs
    assert ds.n_classes == info.n_classes
    assert ds.n_samples == info.default_samples
    assert ds.x.dtype == np.float64 and ds.x.flags.c_contiguous
    if info.task == "classification":
        assert ds.y.dtype == np.int64
        assert info.n_classes >= 2
    else:
        assert ds.y.dtype == np.float64
        assert info.n_classes == 0


# --------------------------------------------------------------------------- sizes, balance


@pytest.mark.parametrize("key", RANDOM_KEYS)
@pytest.mark.parametrize("n", [1, 2, 7, 500, 501])
def test_sizes(key: str, n: int) -> None:
    ds = generate(key, n_samples=n, noise=0.1, seed=1)
    assert ds.x.shape == (n, DATASETS[key].n_inputs)
    assert ds.y.shape == (n,)


@pytest.mark.parametrize("key", ["gauss", "spiral"])
@pytest.mark.parametrize("n", [500, 501])
def test_two_class_sets_are_balanced_by_construction(key: str, n: int) -> None:
    ds = generate(key, n_samples=n, noise=0.5, seed=2)
    counts = np.bincount(ds.y, minlength=2)
    assert sorted(counts.tolist()) == [n // 2, n - n // 2]


def test_circle_is_balanced_without_noise() -> None:
    ds = generate("circle", n_samples=400, noise=0.0, seed=4)
    assert np.bincount(ds.y, minlength=2).tolist() == [200, 200]


@pytest.mark.parametrize("n", [300, 301, 302])
def test_spiral3_splits_classes_evenly(n: int) -> None:
    ds = generate("spiral3", n_samples=n, noise=0.2, seed=0)
    counts = np.bincount(ds.y, minlength=3)
    assert counts.sum() == n
    assert counts.max() - counts.min() <= 1


# --------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("key", [k for k in DATASETS if k not in ("gauss", "moons")])
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_points_lie_inside_domain(key: str, noise: float) -> None:
    info = DATASETS[key]
    ds = generate(key, n_samples=info.default_samples, noise=noise, seed=5)
    assert np.all(_inside(ds))


def test_gauss_inside_domain_without_noise_but_tails_leave_it_at_full_noise() -> None:
    # TF draws unclipped normals: std 0.5 keeps the blobs ~8 std inside [-6, 6], std 4 does not.
    assert np.all(_inside(generate("gauss", n_samples=2000, noise=0.0, seed=6)))
    assert not np.all(_inside(generate("gauss", n_samples=2000, noise=0.5, seed=6)))


def test_circle_geometry_without_noise() -> None:
    ds = generate("circle", n_samples=1000, noise=0.0, seed=7)
    r = np.hypot(ds.x[:, 0], ds.x[:, 1])
    assert np.all(r[ds.y == 1] < 2.5)
    assert np.all((r[ds.y == 0] >= 3.5) & (r[ds.y == 0] <= 5.0))


def test_xor_geometry_without_noise() -> None:
    ds = generate("xor", n_samples=1000, noise=0.0, seed=8)
    assert np.all(np.abs(ds.x) >= 0.3) and np.all(np.abs(ds.x) <= 5.3)
    expected = (ds.x[:, 0] * ds.x[:, 1] >= 0).astype(np.int64)
    np.testing.assert_array_equal(ds.y, expected)
    # Random quadrants: roughly, not exactly, balanced.
    assert 0.4 < ds.y.mean() < 0.6


def test_gauss_blob_centres() -> None:
    ds = generate("gauss", n_samples=4000, noise=0.0, seed=9)
    np.testing.assert_allclose(ds.x[ds.y == 1].mean(axis=0), [2.0, 2.0], atol=0.05)
    np.testing.assert_allclose(ds.x[ds.y == 0].mean(axis=0), [-2.0, -2.0], atol=0.05)


def test_spiral_arms_without_noise() -> None:
    n = 400
    ds = generate("spiral", n_samples=n, noise=0.0, seed=10)
    m = n // 2
    arm1, arm0 = ds.x[ds.y == 1], ds.x[ds.y == 0]
    expected_r = np.arange(m) / m * 5.0
    np.testing.assert_allclose(np.sort(np.hypot(arm1[:, 0], arm1[:, 1])), expected_r, atol=1e-12)
    # The second arm is the first turned by half a turn (delta = pi).
    np.testing.assert_allclose(arm0, -arm1, atol=1e-12)
    t = 1.75 * np.arange(m) / m * 2 * np.pi
    np.testing.assert_allclose(arm1[:, 0], expected_r * np.sin(t), atol=1e-12)
    np.testing.assert_allclose(arm1[:, 1], expected_r * np.cos(t), atol=1e-12)


def test_spiral3_radius_ignores_noise() -> None:
    ds = generate("spiral3", n_samples=300, noise=0.2, seed=11)
    for k in range(3):
        arm = ds.x[ds.y == k]
        r = np.hypot(arm[:, 0], arm[:, 1])
        np.testing.assert_allclose(r, 5.5 * np.linspace(0, 1, 100), atol=1e-12)


@pytest.mark.parametrize("noise", [0.1, 0.2, 0.4])
def test_spiral3_angle_jitter_std_is_noise(noise: float) -> None:
    m = 2000
    ds = generate("spiral3", n_samples=3 * m, noise=noise, seed=21)
    residuals = []
    for k in range(3):
        arm = ds.x[ds.y == k][1:]  # the first point sits at r = 0 and has no angle
        t = np.linspace(4.0 * k, 4.0 * (k + 1), m)[1:]
        angle = np.arctan2(arm[:, 0], arm[:, 1])  # x = r sin t, y = r cos t
        residuals.append(np.angle(np.exp(1j * (angle - t))))  # wrap to (-pi, pi]
    assert np.concatenate(residuals).std() == pytest.approx(noise, rel=0.05)


def test_spiral3_without_noise_follows_cs231n_angles() -> None:
    ds = generate("spiral3", n_samples=30, noise=0.0, seed=0)
    arm = ds.x[ds.y == 2]
    t = np.linspace(8.0, 12.0, 10)
    r = 5.5 * np.linspace(0, 1, 10)
    np.testing.assert_allclose(arm, np.column_stack([r * np.sin(t), r * np.cos(t)]), atol=1e-12)


def test_plane_targets_without_noise() -> None:
    ds = generate("plane", n_samples=500, noise=0.0, seed=12)
    np.testing.assert_allclose(ds.y, (ds.x[:, 0] + ds.x[:, 1]) / 10)


@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_plane_is_tf_regress_plane_unclamped(noise: float) -> None:
    # TF regressPlane: label = labelScale(x + noiseX + y + noiseY), a linear scale from
    # [-10, 10] onto [-1, 1] with no clamp; noiseX, noiseY = randUniform(-6, 6) * noise.
    seed = 21
    ds = generate("plane", n_samples=20_000, noise=noise, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-6.0, 6.0, (20_000, 2))
    offset = rng.uniform(-6.0, 6.0, (20_000, 2)) * noise
    np.testing.assert_array_equal(ds.x, x)
    np.testing.assert_allclose(ds.y, (x[:, 0] + offset[:, 0] + x[:, 1] + offset[:, 1]) / 10,
                               rtol=0, atol=1e-15)
    beyond = np.abs(ds.y) > 1.0
    assert 0.01 < beyond.mean() < 0.15  # 2.8% at noise 0, 6.4% at noise 0.5 in TF's own runs
    assert np.abs(ds.y).max() <= (12.0 + 12.0 * noise) / 10 + 1e-12


def test_multi_gauss_targets_without_noise() -> None:
    ds = generate("multi_gauss", n_samples=2000, noise=0.0, seed=13)
    # TF's regressGaussian, written out here rather than imported so the test checks the code.
    centres = np.array([[-4, 2.5], [0, 2.5], [4, 2.5], [-4, -2.5], [0, -2.5], [4, -2.5]])
    signs = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    d = np.linalg.norm(ds.x[:, None, :] - centres[None, :, :], axis=2)
    nearest = np.argmin(d, axis=1)
    # Centres are >= 4 apart, so only the nearest one (cone radius 2) can be non-zero.
    d_near = d[np.arange(len(d)), nearest]
    expected = signs[nearest] * np.maximum(0.0, 1.0 - d_near / 2.0)
    np.testing.assert_allclose(ds.y, expected, atol=1e-12)
    assert np.any(ds.y > 0.5) and np.any(ds.y < -0.5) and np.any(ds.y == 0)


@pytest.mark.parametrize("key", ["multi_gauss"])  # plane is unclamped, as in TF
@pytest.mark.parametrize("noise", [0.0, 0.5, 3.0])
def test_regression_targets_in_unit_range(key: str, noise: float) -> None:
    ds = generate(key, n_samples=1000, noise=noise, seed=14)
    assert np.all((ds.y >= -1.0) & (ds.y <= 1.0))


def test_sine_is_sorted_and_on_the_curve_without_noise() -> None:
    ds = generate("sine", n_samples=200, noise=0.0, seed=15)
    assert np.all(np.diff(ds.x[:, 0]) >= 0)
    assert np.all(np.abs(ds.x) <= 6.0)
    np.testing.assert_allclose(ds.y, np.sin(ds.x[:, 0]), atol=1e-15)
    assert ds.domain == (-6.0, 6.0, -1.5, 1.5)


def test_sine_domain_widens_for_large_noise() -> None:
    ds = generate("sine", n_samples=500, noise=1.0, seed=16)
    assert ds.y.min() < -1.5 or ds.y.max() > 1.5  # precondition for the test to mean anything
    assert ds.domain[2] < ds.y.min() and ds.domain[3] > ds.y.max()
    assert ds.domain[2] <= -1.5 and ds.domain[3] >= 1.5


# --------------------------------------------------------------------------- truth tables


@pytest.mark.parametrize("key", list(TABLES))
def test_truth_tables_exact(key: str) -> None:
    ds = generate(key)
    np.testing.assert_array_equal(ds.x, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(ds.y, TABLES[key])
    assert ds.domain == (-0.5, 1.5, -0.5, 1.5)
    assert ds.n_classes == 2 and ds.task == "classification"


def test_not_table_exact() -> None:
    ds = generate("not_table")
    np.testing.assert_array_equal(ds.x, [[0.0], [1.0]])
    np.testing.assert_array_equal(ds.y, [1, 0])
    assert ds.domain == (-0.5, 1.5, -0.25, 1.25)


@pytest.mark.parametrize("key", [*TABLES, "not_table"])
def test_truth_tables_ignore_size_noise_and_seed(key: str) -> None:
    a = generate(key, n_samples=500, noise=0.0, seed=0)
    b = generate(key, n_samples=3, noise=0.4, seed=99)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert DATASETS[key].fixed_size


# --------------------------------------------------------------------------- noise


@pytest.mark.parametrize("key", ["circle", "xor"])
def test_noise_flips_labels_only_when_present(key: str) -> None:
    def rule(x: np.ndarray) -> np.ndarray:
        if key == "circle":
            return (np.hypot(x[:, 0], x[:, 1]) < 2.5).astype(np.int64)
        return (x[:, 0] * x[:, 1] >= 0).astype(np.int64)

    clean = generate(key, n_samples=1000, noise=0.0, seed=17)
    noisy = generate(key, n_samples=1000, noise=0.5, seed=17)
    assert np.count_nonzero(clean.y != rule(clean.x)) == 0
    flipped = np.count_nonzero(noisy.y != rule(noisy.x))
    assert 0.05 * 1000 < flipped < 0.5 * 1000


@pytest.mark.parametrize("noise", [0.0, 0.1, 0.25, 0.5])
def test_gauss_spread_follows_tf_noise_mapping(noise: float) -> None:
    ds = generate("gauss", n_samples=8000, noise=noise, seed=18)
    centred = np.where(ds.y[:, None] == 1, ds.x - 2.0, ds.x + 2.0)
    assert centred.std() == pytest.approx(gauss_std(noise), rel=0.03)


def test_gauss_std_endpoints() -> None:
    # TF maps noise onto a variance of 0.5..4 and draws with its square root.
    assert gauss_std(0.0) == pytest.approx(math.sqrt(0.5))
    assert gauss_std(0.5) == pytest.approx(2.0)


@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_gauss_std_is_root_of_tf_variance(noise: float) -> None:
    # TF classifyTwoGaussData: variance = linear([0, .5] -> [0.5, 4])(noise);
    # normalRandom(mean, variance) returns mean + sqrt(variance) * N(0, 1).
    ds = generate("gauss", n_samples=20_000, noise=noise, seed=22)
    centred = np.where(ds.y[:, None] == 1, ds.x - 2.0, ds.x + 2.0)
    expected = math.sqrt(0.5 + noise * 3.5 / 0.5)
    assert centred.std() == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("noise", [0.05, 0.3])
def test_sine_residual_std_matches_noise(noise: float) -> None:
    ds = generate("sine", n_samples=5000, noise=noise, seed=19)
    residual = ds.y - np.sin(ds.x[:, 0])
    assert residual.std() == pytest.approx(noise, rel=0.05)
    assert abs(residual.mean()) < 4 * noise / math.sqrt(5000)


@pytest.mark.parametrize("key", ["spiral", "spiral3", "plane", "multi_gauss"])
def test_noise_changes_the_data(key: str) -> None:
    clean = generate(key, n_samples=300, noise=0.0, seed=20)
    noisy = generate(key, n_samples=300, noise=0.3, seed=20)
    assert not (np.array_equal(clean.x, noisy.x) and np.array_equal(clean.y, noisy.y))


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("key", RANDOM_KEYS)
def test_same_seed_same_arrays_different_seed_different_arrays(key: str) -> None:
    a = generate(key, n_samples=200, noise=0.2, seed=42)
    b = generate(key, n_samples=200, noise=0.2, seed=42)
    c = generate(key, n_samples=200, noise=0.2, seed=43)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.domain == b.domain
    assert not np.array_equal(a.x, c.x) or not np.array_equal(a.y, c.y)


# --------------------------------------------------------------------------- immutability


def test_arrays_are_read_only() -> None:
    ds = generate("circle", n_samples=10, seed=0)
    assert not ds.x.flags.writeable and not ds.y.flags.writeable
    with pytest.raises(ValueError):
        ds.x[0, 0] = 1.0
    with pytest.raises(ValueError):
        ds.y[0] = 1


def test_from_arrays_copies_input() -> None:
    x = np.array([[0.0, 1.0], [2.0, 3.0]])
    y = np.array([0, 1])
    ds = from_arrays(x, y, "classification")
    x[0, 0] = 99.0
    y[0] = 1
    assert ds.x[0, 0] == 0.0 and ds.y[0] == 0
    assert x.flags.writeable  # the caller's arrays are left alone


# --------------------------------------------------------------------------- bad arguments


def test_unknown_key_lists_known_keys() -> None:
    with pytest.raises(ValueError, match="unknown data set 'swiss_roll'") as err:
        generate("swiss_roll")
    for key in DATASETS:
        assert key in str(err.value)


@pytest.mark.parametrize("n", [0, -1, 100_001])
def test_bad_sample_count(n: int) -> None:
    with pytest.raises(ValueError, match="n_samples"):
        generate("circle", n_samples=n)


def test_sample_count_bounds_are_inclusive() -> None:
    assert generate("plane", n_samples=100_000).n_samples == 100_000
    assert generate("plane", n_samples=1).n_samples == 1


@pytest.mark.parametrize("n", [2.5, "10", True])
def test_non_integer_sample_count(n: object) -> None:
    with pytest.raises(TypeError, match="n_samples"):
        generate("circle", n_samples=n)  # type: ignore[arg-type]


@pytest.mark.parametrize("noise", [-0.01, math.nan, math.inf, -math.inf])
def test_bad_noise(noise: float) -> None:
    with pytest.raises(ValueError, match="noise"):
        generate("xor", noise=noise)


def test_bad_noise_rejected_for_truth_tables_too() -> None:
    with pytest.raises(ValueError, match="noise"):
        generate("xor_table", noise=-1.0)


def test_bad_seed() -> None:
    with pytest.raises(ValueError, match="seed"):
        generate("circle", seed=-1)
    with pytest.raises(TypeError, match="seed"):
        generate("circle", seed=1.5)  # type: ignore[arg-type]


def test_non_numeric_noise() -> None:
    with pytest.raises(TypeError, match="noise"):
        generate("circle", noise="0.1")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- split


@pytest.mark.parametrize(
    ("n", "fraction", "n_train"),
    [(100, 0.8, 80), (10, 0.5, 5), (7, 0.5, 4), (3, 0.01, 1), (1, 0.5, 1), (9, 1.0, 9)],
)
def test_split_sizes_disjoint_and_cover(n: int, fraction: float, n_train: int) -> None:
    train, test = split(n, fraction, seed=0)
    assert train.dtype == np.int64 and test.dtype == np.int64
    assert len(train) == n_train == min(max(round(n * fraction), 1), n)
    assert len(test) == n - n_train
    assert len(np.intersect1d(train, test)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(n))


def test_split_full_fraction_leaves_test_empty() -> None:
    train, test = split(50, 1.0, seed=1)
    assert len(train) == 50 and test.shape == (0,) and test.dtype == np.int64


def test_split_is_shuffled_and_seeded() -> None:
    a_train, a_test = split(200, 0.7, seed=5)
    b_train, b_test = split(200, 0.7, seed=5)
    c_train, _ = split(200, 0.7, seed=6)
    np.testing.assert_array_equal(a_train, b_train)
    np.testing.assert_array_equal(a_test, b_test)
    assert not np.array_equal(a_train, c_train)
    assert not np.array_equal(np.concatenate([a_train, a_test]), np.arange(200))


@pytest.mark.parametrize("fraction", [0.0, -0.1, 1.0001, 2.0, math.nan, math.inf])
def test_split_bad_fraction(fraction: float) -> None:
    with pytest.raises(ValueError, match="train_fraction"):
        split(10, fraction, seed=0)


def test_split_bad_n() -> None:
    with pytest.raises(ValueError, match="n must be"):
        split(0, 0.5, seed=0)


# --------------------------------------------------------------------------- from_arrays


def test_from_arrays_classification() -> None:
    x = [[0.0, 1.0], [2.0, -1.0], [4.0, 3.0]]
    ds = from_arrays(x, [0.0, 2.0, 1.0], "classification", name="mine")
    assert ds.name == "mine"
    assert ds.y.dtype == np.int64 and ds.y.tolist() == [0, 2, 1]
    assert ds.n_classes == 3 and ds.n_inputs == 2 and ds.n_samples == 3
    assert np.all(_inside(ds))
    assert ds.domain[0] < 0.0 and ds.domain[1] > 4.0  # padded, edge points not on the border


def test_from_arrays_regression_1d() -> None:
    x = np.linspace(-1, 1, 5)
    y = x**3
    ds = from_arrays(x, y, "regression")
    assert ds.name == "custom"
    assert ds.x.shape == (5, 1) and ds.n_classes == 0
    np.testing.assert_array_equal(ds.y, y)
    assert np.all(_inside(ds))


def test_from_arrays_constant_column_gets_nonzero_domain() -> None:
    ds = from_arrays([[1.0, 2.0], [1.0, 2.0]], [0, 1], "classification")
    x1_min, x1_max, x2_min, x2_max = ds.domain
    assert x1_min < 1.0 < x1_max and x2_min < 2.0 < x2_max


@pytest.mark.parametrize(
    ("x", "y", "task", "message"),
    [
        ([[0.0, math.nan], [1.0, 1.0]], [0, 1], "classification", "x contains NaN"),
        ([[0.0, 1.0], [math.inf, 1.0]], [0.0, 1.0], "regression", "x contains NaN or infinite"),
        ([[0.0, 1.0], [1.0, 1.0]], [0.0, math.nan], "regression", "y contains NaN"),
        (np.zeros((2, 1025)), [0, 1], "classification", r"1 to 1024 input columns"),
        (np.zeros((2, 2, 1)), [0, 1], "classification", r"1 to 1024 input columns"),
        (np.zeros((0, 2)), [], "classification", "at least one sample"),
        ([[0.0, 1.0], [1.0, 1.0]], [0, 1, 1], "classification", "2 samples but y has 3"),
        ([[0.0, 1.0], [1.0, 1.0]], [[0, 1], [1, 0]], "classification", "one-dimensional"),
        ([[0.0, 1.0], [1.0, 1.0]], [0.5, 1.0], "classification", "whole numbers"),
        ([[0.0, 1.0], [1.0, 1.0]], [-1, 1], "classification", ">= 0"),
        ([[0.0, 1.0], [1.0, 1.0]], [0, 0], "classification", "at least two classes"),
        ([[0.0], [1.0], [2.0]], [1, 2, 2], "classification", "missing: 0"),
        ([[0.0], [1.0], [2.0], [3.0], [4.0]], [0, 3, 3, 3, 0], "classification",
         "missing: 1, 2"),
        ([[0.0], [1.0], [2.0]], [0, 1, 1e12], "classification", "k at most 3"),
        ([["a", "b"], ["c", "d"]], [0, 1], "classification", "x must be numeric"),
        ([[0.0, 1.0], [1.0, 1.0]], ["a", "b"], "regression", "y must be numeric"),
        ([[0.0, 1.0], [1.0, 1.0]], [0, 1], "clustering", "task must be one of"),
    ],
)
def test_from_arrays_validation(x: object, y: object, task: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        from_arrays(x, y, task)  # type: ignore[arg-type]


def test_dataset_rejects_inconsistent_fields() -> None:
    x = np.zeros((2, 2))
    with pytest.raises(ValueError, match="labels must lie"):
        Dataset("d", x, np.array([0, 2]), "classification", 2, (0.0, 1.0, 0.0, 1.0))
    with pytest.raises(ValueError, match="integer dtype"):
        Dataset("d", x, np.array([0.0, 1.0]), "classification", 2, (0.0, 1.0, 0.0, 1.0))
    with pytest.raises(ValueError, match="n_classes must be 0"):
        Dataset("d", x, np.array([0.0, 1.0]), "regression", 2, (0.0, 1.0, 0.0, 1.0))
    with pytest.raises(ValueError, match="domain"):
        Dataset("d", x, np.array([0.0, 1.0]), "regression", 0, (1.0, 0.0, 0.0, 1.0))


# --------------------------------------------------------------------------- property test

# Loose per-set bounds on |coordinate| implied by each generator, for noise in [0, 0.5].
_COORD_BOUND = {
    "circle": lambda noise: 5.0,
    "xor": lambda noise: 5.3,
    "gauss": lambda noise: math.inf,
    "spiral": lambda noise: 5.0 + noise,
    "spiral3": lambda noise: 5.5,
    "plane": lambda noise: 6.0,
    "multi_gauss": lambda noise: 6.0,
    "sine": lambda noise: 6.0,
    "moons": lambda noise: math.inf,  # Gaussian jitter, as make_moons
    "checkerboard": lambda noise: 6.0,
    "shifted": lambda noise: 6.0,
}


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(RANDOM_KEYS),
    n=st.integers(min_value=1, max_value=1500),
    noise=st.floats(min_value=0.0, max_value=0.5, allow_nan=False),
    seed=st.integers(min_value=0, max_value=2**63 - 1),
)
def test_any_valid_arguments_give_well_formed_data(
    key: str, n: int, noise: float, seed: int
) -> None:
    info = DATASETS[key]
    ds = generate(key, n_samples=n, noise=noise, seed=seed)
    assert ds.x.shape == (n, info.n_inputs) and ds.y.shape == (n,)
    assert np.all(np.isfinite(ds.x)) and np.all(np.isfinite(ds.y))
    assert np.all(np.abs(ds.x) <= _COORD_BOUND[key](noise) + 1e-9)
    if info.task == "classification":
        assert ds.y.dtype == np.int64
        assert ds.y.min() >= 0 and ds.y.max() < info.n_classes
    else:
        assert ds.y.dtype == np.float64
        if key == "plane":  # unclamped, as in TF: |x₁ + x₂ + noise| / 10
            assert np.all(np.abs(ds.y) <= (12.0 + 12.0 * noise) / 10 + 1e-9)
        elif key != "sine":
            assert np.all(np.abs(ds.y) <= 1.0)
    if key not in ("gauss", "moons"):  # Gaussian tails may leave the view
        assert np.all(_inside(ds))
    x1_min, x1_max, x2_min, x2_max = ds.domain
    assert x1_min < x1_max and x2_min < x2_max
