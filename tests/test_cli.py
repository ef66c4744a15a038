"""The headless CLI: exit codes, messages and files, run as a user runs it."""

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True,
        cwd=cwd, timeout=120,
    )


def assert_clean_failure(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for w in words:
        assert w in lines[0]


def test_presets_lists_every_preset_with_a_description():
    from engine.presets import load_presets

    result = run("presets")
    assert result.returncode == 0
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(load_presets())
    assert any(line.startswith("tf_default ") and "Circle" in line for line in lines)


def test_help_documents_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for word in ("presets", "train", "export", "--screenshot", "Exit codes"):
        assert word in result.stdout
    train_help = run("train", "--help").stdout
    for word in ("--epochs", "--seed", "--lr", "--batch-size", "--out"):
        assert word in train_help


def test_train_writes_a_workspace_and_continues_it(tmp_path):
    out = tmp_path / "run.json"
    result = run("train", "xor_221", "--epochs", "200", "--lr", "1.5", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "epoch" in result.stdout and "train loss" in result.stdout
    doc = json.loads(out.read_text())
    assert doc["state"]["epoch"] == 200
    assert doc["scenario"]["train"]["optimizer"]["learning_rate"] == 1.5
    more = tmp_path / "more.json"
    result = run("train", str(out), "--epochs", "50", "--out", str(more))
    assert result.returncode == 0, result.stderr
    assert json.loads(more.read_text())["state"]["epoch"] == 250


def test_seed_changes_the_result(tmp_path):
    a, b, c = (tmp_path / f"{n}.json" for n in "abc")
    for path, seed in ((a, "1"), (b, "1"), (c, "2")):
        assert run("train", "tf_default", "--epochs", "3", "--seed", seed, "--out",
                   str(path)).returncode == 0
    pa, pb, pc = (json.loads(p.read_text())["state"]["parameters"] for p in (a, b, c))
    assert pa == pb and pa != pc


def test_export_npz_and_json(tmp_path):
    ws = tmp_path / "ws.json"
    assert run("train", "xor_221", "--epochs", "5", "--out", str(ws)).returncode == 0
    npz, js = tmp_path / "w.npz", tmp_path / "w.json"
    assert run("export", str(ws), "--format", "npz", "--out", str(npz)).returncode == 0
    assert run("export", str(ws), "--format", "json", "--out", str(js)).returncode == 0
    params = json.loads(ws.read_text())["state"]["parameters"]
    with np.load(npz, allow_pickle=False) as f:
        assert sorted(f.files) == ["layer_1/W", "layer_1/b", "layer_2/W", "layer_2/b",
                                   "metadata"]
        np.testing.assert_array_equal(f["layer_1/W"], params[0]["W"])
        meta = json.loads(str(f["metadata"]))
    assert meta["architecture"] == [2, 2, 1] and meta["activations"] == ["sigmoid", "sigmoid"]
    doc = json.loads(js.read_text())
    assert doc["layers"][1]["b"] == params[1]["b"] and doc["loss"] == "bce"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["train", "no_such_preset", "--epochs", "1", "--out", "x.json"], ["no_such_preset"]),
        (["train", "missing.json", "--epochs", "1", "--out", "x.json"], ["missing.json"]),
        (["train", "xor_221", "--epochs", "1", "--lr", "-1", "--out", "x.json"],
         ["learning_rate"]),
        (["train", "xor_221", "--epochs", "1", "--lr", "nan", "--out", "x.json"],
         ["learning_rate"]),
        (["train", "xor_221", "--epochs", "1", "--batch-size", "0", "--out", "x.json"],
         ["batch_size"]),
        (["train", "xor_221", "--epochs", "-3", "--out", "x.json"], ["--epochs"]),
        (["export", "missing.json", "--format", "npz", "--out", "w.npz"], ["missing.json"]),
        (["export", "xor_221", "--format", "pdf", "--out", "w.pdf"], ["--format"]),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args, words):
    assert_clean_failure(run(*args, cwd=tmp_path), *words)
    assert not (tmp_path / "x.json").exists()


def test_corrupt_workspace_is_refused(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "backprop-playground-workspace", "schema_')
    assert_clean_failure(run("train", str(bad), "--epochs", "1", "--out", "x.json",
                             cwd=tmp_path), "bad.json")


def test_unwritable_output_is_a_clean_failure(tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "out.json"
    assert_clean_failure(run("train", "xor_221", "--epochs", "1", "--out", str(target)),
                         "cannot write")


def test_divergence_exits_3_and_still_writes(tmp_path):
    out = tmp_path / "d.json"
    result = run("train", "regression_plane", "--epochs", "50", "--lr", "1000000", "--out",
                 str(out))
    assert result.returncode == 3
    assert "diverged" in result.stderr and "lower learning rate" in result.stderr
    assert "Traceback" not in result.stderr
    assert out.exists()


def test_headless_training_holds_blas_to_one_thread(tmp_path, monkeypatch):
    """`train` trains in the main thread, so it must set the one-BLAS-thread limit itself."""
    from threadpoolctl import threadpool_info, threadpool_limits

    from engine import cli
    from engine.blas import limit_blas_threads

    calls = []
    monkeypatch.setattr(cli, "limit_blas_threads", lambda: calls.append(True))
    assert cli.train("xor_221", 5, str(tmp_path / "w.json"), out=io.StringIO()) == 0
    assert calls == [True]

    with threadpool_limits(limits=2, user_api="blas"):
        limit_blas_threads()
        pools = [p for p in threadpool_info() if p["user_api"] == "blas"]
        assert pools and all(p["num_threads"] == 1 for p in pools)
