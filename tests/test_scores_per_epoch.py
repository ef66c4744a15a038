"""R² in the per-epoch history (regression), in workspaces and in the loss plot; the
confusion matrix and R²/RMSE at the end of ``python main.py train``."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest

from engine import cli
from engine.history import R2_COLUMNS, History, Metrics
from engine.metrics import scores
from engine.presets import get_preset
from engine.trainer import Trainer
from engine.workspace import load_workspace, save_workspace
from tests.helpers import run_cli


@pytest.mark.parametrize("preset", ["regression_plane", "sine_regression", "diabetes"])
def test_the_history_records_the_r2_the_metrics_tab_shows(preset):
    t = Trainer(get_preset(preset))
    for _ in range(3):
        t.train(7)
        m, sc = t.history.latest, scores(t)
        assert m.train_r2 == pytest.approx(sc.train.r2, rel=1e-12, abs=1e-12)
        assert m.test_r2 == pytest.approx(sc.test.r2, rel=1e-12, abs=1e-12)
    r2 = t.history.column("train_r2")
    assert r2.shape == (22,) and np.all(np.isfinite(r2)) and r2[-1] > r2[0]


def test_classification_has_no_r2():
    t = Trainer(get_preset("tf_default"))
    t.train(5)
    for name in R2_COLUMNS:
        assert np.all(np.isnan(t.history.column(name)))


def test_a_full_batch_fixed_order_run_scores_the_weights_it_reports():
    """The static path evaluates from the step's own buffers: R² must still be current."""
    t = Trainer(get_preset("regression_plane"))
    t.set_training(batch_size=10_000, shuffle=False)
    assert t.program.static
    t.train(12)
    assert t.history.latest.train_r2 == pytest.approx(scores(t).train.r2, rel=1e-12)


def test_r2_is_saved_for_regression_only_and_older_files_read_as_nan(tmp_path):
    t = Trainer(get_preset("regression_plane"))
    t.train(6)
    path = tmp_path / "r.json"
    save_workspace(t, path)
    doc = json.loads(path.read_text())
    assert len(doc["history"]["train_r2"]) == 7
    back = load_workspace(path)
    np.testing.assert_array_equal(back.history.column("test_r2"), t.history.column("test_r2"))
    for name in R2_COLUMNS:
        del doc["history"][name]
    path.write_text(json.dumps(doc))
    old = load_workspace(path)
    assert np.all(np.isnan(old.history.column("train_r2"))) and old.epoch == 6
    c = Trainer(get_preset("tf_default"))
    save_workspace(c, tmp_path / "c.json")
    assert "train_r2" not in json.loads((tmp_path / "c.json").read_text())["history"]


def test_history_keeps_r2_through_decimation_and_truncation():
    h = History(capacity=8)
    for k in range(20):
        h.record(Metrics(k, 1.0 / (k + 1), 2.0, math.nan, math.nan, k / 20, k / 40))
    assert h.stride > 1
    np.testing.assert_allclose(h.column("train_r2"), h.epochs / 20)
    h.truncate_after(9)
    assert h.latest.test_r2 == pytest.approx(h.epochs[-1] / 40)


# ------------------------------------------------------------------------------ the CLI
def test_cli_prints_the_confusion_matrices_at_the_end(tmp_path):
    out = io.StringIO()
    assert cli.train("tf_default", 40, str(tmp_path / "w.json"), out=out) == 0
    lines = out.getvalue().splitlines()
    sc = scores(load_workspace(tmp_path / "w.json"))
    for name, s in (("train", sc.train), ("test", sc.test)):
        k = next(i for i, line in enumerate(lines) if line.startswith(f"{name} confusion"))
        assert f"({s.n} samples, accuracy {s.accuracy:.4f};" in lines[k]
        rows = [[int(v) for v in line.split()[1:3]] for line in lines[k + 2 : k + 4]]
        assert rows == s.confusion.tolist()


def test_cli_prints_r2_and_rmse_for_regression(tmp_path):
    r = run_cli("train", "regression_plane", "--epochs", "30", "--out", str(tmp_path / "r.json"))
    assert r.returncode == 0, r.stderr
    sc = scores(load_workspace(tmp_path / "r.json"))
    assert (f"scores: train R² {sc.train.r2:.4f}, RMSE {sc.train.rmse:.4f}; "
            f"test R² {sc.test.r2:.4f}, RMSE {sc.test.rmse:.4f}") in r.stdout
    assert "confusion" not in r.stdout


def test_cli_trains_a_preset_network_on_a_new_data_set(tmp_path):
    r = run_cli("train", "sine_regression", "--dataset", "moons", "--epochs", "20",
                "--out", str(tmp_path / "m.json"))
    assert r.returncode == 0, r.stderr
    back = load_workspace(tmp_path / "m.json")
    assert back.scenario.data.dataset == "moons" and back.epoch == 20
    assert back.is_classification and "train confusion matrix" in r.stdout
    assert "note: " in r.stdout  # what fitting the network to the data changed
    both = run_cli("train", "tf_default", "--dataset", "moons", "--data", "x.csv",
                   "--epochs", "2", "--out", str(tmp_path / "x.json"))
    assert both.returncode == 2 and "--dataset and --data" in both.stderr
