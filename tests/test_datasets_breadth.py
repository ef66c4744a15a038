"""The moons, checkerboard and shifted-test data sets, and the split by region
(``split_by``) that gives the shifted set a test set from another distribution."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from engine.data.shapes import (
    MOONS_CENTRE,
    MOONS_SCALE,
    checker_class,
    wave_class,
)
from engine.datasets import DATASETS, generate, split, split_by
from engine.presets import get_preset
from engine.scenario import CustomData, scenario_from_dict, scenario_to_dict
from engine.trainer import Trainer
from engine.workspace import load_workspace, save_workspace

NEW = ("moons", "checkerboard", "shifted")


@pytest.mark.parametrize("key", NEW)
@pytest.mark.parametrize("n", [1, 2, 7, 500, 501])
def test_shapes_and_types(key: str, n: int) -> None:
    ds = generate(key, n_samples=n, noise=0.2, seed=1)
    assert ds.x.shape == (n, 2) and ds.y.shape == (n,)
    assert ds.x.dtype == np.float64 and ds.y.dtype == np.int64
    assert ds.task == "classification" and ds.n_classes == 2
    assert set(ds.y.tolist()) <= {0, 1}


@pytest.mark.parametrize("key", NEW)
@pytest.mark.parametrize("n", [400, 401])
def test_labels_are_balanced(key: str, n: int) -> None:
    clean = np.bincount(generate(key, n_samples=n, noise=0.0, seed=2).y, minlength=2)
    assert sorted(clean.tolist()) == [n // 2, n - n // 2]
    noisy = np.bincount(generate(key, n_samples=n, noise=0.3, seed=2).y, minlength=2)
    assert 0.4 * n < noisy.min()  # label noise flips both ways


@pytest.mark.parametrize("key", NEW)
def test_reproducible_per_seed(key: str) -> None:
    a = generate(key, n_samples=300, noise=0.2, seed=11)
    b = generate(key, n_samples=300, noise=0.2, seed=11)
    c = generate(key, n_samples=300, noise=0.2, seed=12)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


def _moon_distance(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(n,) how far each point is from its own (unit) half circle, in moon radii."""
    unit = x / MOONS_SCALE + np.array(MOONS_CENTRE)
    centre = np.where(y[:, None] == 0, [0.0, 0.0], [1.0, 0.5])
    return np.abs(np.hypot(*(unit - centre).T) - 1.0)


def test_moons_lie_on_their_half_circles_and_noise_is_their_spread() -> None:
    clean = generate("moons", n_samples=1000, noise=0.0, seed=3)
    assert np.max(_moon_distance(clean.x, clean.y)) < 1e-12
    unit = clean.x / MOONS_SCALE + np.array(MOONS_CENTRE)
    upper, lower = unit[clean.y == 0], unit[clean.y == 1]
    assert np.all(upper[:, 1] >= -1e-12) and np.all(lower[:, 1] <= 0.5 + 1e-12)
    spreads = []
    for noise in (0.05, 0.1, 0.2):
        ds = generate("moons", n_samples=4000, noise=noise, seed=3)
        unit = ds.x / MOONS_SCALE + np.array(MOONS_CENTRE)
        clean_unit = generate("moons", n_samples=4000, noise=0.0, seed=3).x / MOONS_SCALE
        jitter = unit - (clean_unit + np.array(MOONS_CENTRE))
        spreads.append(float(np.std(jitter)))
    # the same draws: the jitter is noise × N(0, 1), its spread the slider's value
    np.testing.assert_allclose(spreads, [0.05, 0.1, 0.2], rtol=0.05)


def test_checkerboard_follows_its_squares_and_noise_flips_labels_near_edges() -> None:
    clean = generate("checkerboard", n_samples=2000, noise=0.0, seed=4)
    np.testing.assert_array_equal(clean.y, checker_class(clean.x))
    assert np.all(np.abs(clean.x) <= 6.0)
    cells = np.floor((clean.x + 6.0) / 3.0).astype(int)
    assert len({tuple(c) for c in cells.tolist()}) == 16  # all 4 × 4 squares are used
    flipped = []
    for noise in (0.1, 0.3, 0.5):
        ds = generate("checkerboard", n_samples=2000, noise=noise, seed=4)
        wrong = ds.y != checker_class(ds.x)
        flipped.append(float(np.mean(wrong)))
        # a point moved by at most noise · 3 keeps its label if it is that far from an edge
        to_edge = np.min(np.abs(((ds.x + 6.0) / 3.0) - np.round((ds.x + 6.0) / 3.0)), axis=1)
        assert not np.any(wrong & (to_edge * 3.0 > noise * 3.0 + 1e-12))
    assert 0.0 < flipped[0] < flipped[1] < flipped[2] < 0.5


def test_shifted_follows_the_wave_and_noise_flips_labels() -> None:
    clean = generate("shifted", n_samples=2000, noise=0.0, seed=5)
    np.testing.assert_array_equal(clean.y, wave_class(clean.x))
    noisy = generate("shifted", n_samples=2000, noise=0.3, seed=5)
    assert 0.05 < np.mean(noisy.y != wave_class(noisy.x)) < 0.5


def test_split_by_trains_on_the_lowest_values_in_a_seeded_order() -> None:
    values = np.random.default_rng(0).uniform(-1.0, 1.0, 101)
    train, test = split_by(values, 0.3, seed=7)
    assert train.size == 30 and test.size == 71
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(101))
    assert values[train].max() < values[test].min()
    # each set in the order of the random split's one shuffle (same seed)
    order = np.concatenate(split(101, 0.3, seed=7))
    np.testing.assert_array_equal(train, order[np.isin(order, train)])
    np.testing.assert_array_equal(test, order[np.isin(order, test)])
    assert not np.all(np.diff(values[train]) > 0)  # not left-to-right
    again = split_by(values, 0.3, seed=7)
    assert np.array_equal(again[0], train) and np.array_equal(again[1], test)
    assert split_by(values, 0.7, seed=7, round_down=True)[0].size == 70


def _trainer(dataset: str, seed: int = 0, fraction: float = 0.5) -> Trainer:
    s = get_preset("tf_default")
    return Trainer(replace(s, data=replace(s.data, dataset=dataset, seed=seed,
                                           train_fraction=fraction)))


def test_only_the_shifted_set_is_split_by_region() -> None:
    t = _trainer("shifted", seed=3)
    x1 = t.dataset.x[:, 0]
    assert x1[t.train_idx].max() < x1[t.test_idx].min()
    assert x1[t.test_idx].mean() - x1[t.train_idx].mean() > 4.0  # the test set is shifted
    assert t.n_train == 250
    for other in ("moons", "checkerboard"):
        u = _trainer(other, seed=3)
        assert abs(u.dataset.x[u.train_idx, 0].mean() - u.dataset.x[u.test_idx, 0].mean()) < 1


def test_a_model_trained_on_the_shifted_set_shows_a_train_test_gap() -> None:
    """The same points split at random generalise; split by region they do not."""
    gaps = []
    for seed in (0, 1, 2):
        t = _trainer("shifted", seed=seed)
        s = t.scenario
        mixed = Trainer(replace(s, data=replace(s.data, dataset="custom", custom=CustomData(
            t.dataset.x, t.dataset.y, "classification", t.dataset.domain))))
        for run in (t, mixed):
            run.train(400)
        m, r = t.history.latest, mixed.history.latest
        assert m.train_accuracy > 0.95
        gaps.append((m.train_accuracy - m.test_accuracy, r.train_accuracy - r.test_accuracy))
        assert m.test_loss > 3 * m.train_loss
    shifted_gap = float(np.mean([g for g, _ in gaps]))
    random_gap = float(np.mean([g for _, g in gaps]))
    assert shifted_gap > 0.1 and shifted_gap > random_gap + 0.08, gaps


@pytest.mark.parametrize("key", NEW)
def test_scenarios_and_workspaces_accept_the_keys(key: str, tmp_path) -> None:
    t = _trainer(key, seed=4)
    text = json.dumps(scenario_to_dict(t.scenario))
    assert scenario_from_dict(json.loads(text)) == t.scenario
    t.train(5)
    save_workspace(t, tmp_path / "w.json")
    back = load_workspace(tmp_path / "w.json")
    assert back.scenario.data.dataset == key and back.epoch == 5
    assert np.array_equal(back.train_idx, t.train_idx)
    np.testing.assert_array_equal(back.params.flat, t.params.flat)


def test_the_registry_describes_the_new_sets() -> None:
    for key in NEW:
        info = DATASETS[key]
        assert info.task == "classification" and not info.fixed_size
    assert DATASETS["shifted"].split_column == 0
    assert "not at random" in DATASETS["shifted"].description
    assert all(DATASETS[k].split_column is None for k in DATASETS if k != "shifted")
