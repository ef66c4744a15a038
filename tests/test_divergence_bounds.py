"""Huge but finite numbers (issue 10): a start range that overflows is refused, weights of
1e308 are not "non-finite", and weights beyond ±1e100 are a divergence with a clear cause."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from engine.initializers import InitSpec
from engine.network import PARAMETER_LIMIT, parameters_ok
from engine.presets import get_preset
from engine.trainer import Trainer
from engine.workspace import WorkspaceError, trainer_from_dict, workspace_to_dict
from tests.helpers import run_cli


def test_an_init_range_that_would_overflow_is_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match=r"^init\.low: must be between -1e\+100 and 1e\+100"):
        InitSpec(scheme="uniform", low=-1e308, high=1e308)
    doc = workspace_to_dict(Trainer(get_preset("tf_default")))
    doc["scenario"]["init"] = {"scheme": "uniform", "low": -1e308, "high": 1e308}
    with pytest.raises(WorkspaceError, match=r"^scenario\.init\.low: must be between"):
        trainer_from_dict(doc)


def test_the_parameter_check_cannot_overflow() -> None:
    assert not parameters_ok(np.full(10, 1e308))  # finite, but beyond the limit
    assert parameters_ok(np.full(10, PARAMETER_LIMIT))
    assert not parameters_ok(np.array([0.0, np.nan]))
    assert not parameters_ok(np.array([-np.inf, 0.0]))


def test_weights_of_1e308_are_reported_as_too_large_not_non_finite() -> None:
    t = Trainer(get_preset("tf_default"))
    t.set_parameters([(np.full(w.shape, 1e308), None if b is None else np.full(b.shape, 1e308))
                      for w, b in t.params.as_list()])
    report = t.train(3)
    assert report.diverged is not None
    assert "exceed ±1e+100" in report.diverged.cause
    assert "non-finite" not in report.diverged.cause


def test_a_huge_learning_rate_in_classification_is_a_divergence_rolled_back() -> None:
    s = get_preset("tf_default")
    s = replace(s, train=replace(s.train, optimizer=replace(s.train.optimizer,
                                                            learning_rate=1e300)))
    t = Trainer(s)
    report = t.train(50)
    assert report.diverged is not None and report.diverged.epoch == 1
    assert "exceed ±1e+100" in report.diverged.cause
    assert t.epoch == report.diverged.rolled_back_to == 0
    assert parameters_ok(t.params.flat)
    np.testing.assert_array_equal(t.params.flat, Trainer(s).params.flat)


def test_cli_train_at_a_huge_learning_rate_exits_3_and_writes(tmp_path) -> None:
    out = tmp_path / "w.json"
    result = run_cli("train", "tf_default", "--epochs", "20", "--lr", "1e300", "--out", str(out))
    assert result.returncode == 3, result.stderr
    assert "exceed ±1e+100" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(out.read_text())["state"]["epoch"] == 0
