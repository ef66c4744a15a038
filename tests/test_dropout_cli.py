"""``train --dropout`` (issue 13): one rate for every hidden layer or one per hidden layer;
bad rates are refused with one line and exit code 2; the workspace keeps the rates."""

from __future__ import annotations

import json

import numpy as np
import pytest

from engine.workspace import load_workspace
from tests.helpers import run_cli


def test_train_with_dropout_writes_it_into_the_workspace_and_repeats(tmp_path):
    runs = []
    for name, rates in (("a", "0.2,0.1"), ("b", "0.2,0.1"), ("c", "0.3")):
        out = tmp_path / f"{name}.json"
        done = run_cli("train", "tf_default", "--epochs", "3", "--out", str(out),
                       "--dropout", rates)
        assert done.returncode == 0, done.stderr
        runs.append(load_workspace(out))
    hidden = json.loads((tmp_path / "a.json").read_text())["scenario"]["model"]["hidden"]
    assert [h.get("dropout") for h in hidden] == [0.2, 0.1]
    assert [h.dropout for h in runs[2].scenario.model.hidden] == [0.3, 0.3]
    assert np.array_equal(runs[0].params.flat, runs[1].params.flat)
    assert not np.array_equal(runs[0].params.flat, runs[2].params.flat)


@pytest.mark.parametrize(("rates", "words"), [
    ("0.2,0.1,0.5", "3 rates for 2 hidden layers"), ("1", "below 1"),
    ("-0.2", "at least 0"), ("half", "expected numbers"),
])
def test_a_bad_dropout_is_refused_in_one_line(tmp_path, rates, words):
    out = tmp_path / "x.json"
    done = run_cli("train", "tf_default", "--epochs", "1", "--out", str(out),
                   f"--dropout={rates}")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --dropout: ") and words in lines[0]
    assert "Traceback" not in done.stderr and not out.exists()


def test_dropout_on_a_workspace_is_refused(tmp_path):
    ws = tmp_path / "ws.json"
    assert run_cli("train", "tf_default", "--epochs", "1", "--out", str(ws)).returncode == 0
    done = run_cli("train", str(ws), "--epochs", "1", "--out", str(ws), "--dropout", "0.2")
    assert done.returncode == 2 and "a workspace continues its own run" in done.stderr
