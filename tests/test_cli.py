"""The headless CLI: exit codes, messages and files, run as a user runs it."""

import io
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import ROOT
from tests.helpers import run_cli as run


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
    for word in ("--epochs", "--seed", "--lr", "--batch-size", "--out", "--data", "--label",
                 "--inputs", "--task", "--skip-bad-lines"):
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
        (["train", "tf_default", "--epochs", "1", "--seed", str(2**63), "--out", "x.json"],
         ["--seed", str(2**63 - 1)]),
        (["train", "worked_example", "--epochs", "1", "--seed", "5", "--out", "x.json"],
         ["--seed has no effect", "fixed"]),
        (["train", "worked_example", "--epochs", "1", "--seed", "5", "--batch-size", "1",
          "--out", "x.json"], ["--seed has no effect", "shuffling is off"]),
        (["train", "xor_221", "--epochs", "1", "--out", "-"], ["standard output"]),
        (["train", "xor_221", "--epochs", "1", "--out", "nodir/"], ["names a folder"]),
        (["train", "xor_221", "--epochs", "1", "--out", ""], ["no file name"]),
        (["train", "xor_221", "--epochs", "1", "--out", "."], ["is a folder"]),
        (["train", "xor_221", "--epochs", "1", "--out", "/dev/null"], ["not a regular file"]),
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


@pytest.mark.parametrize("command", [["train", "xor_221", "--epochs", "1"],
                                     ["export", "xor_221", "--format", "py"]])
def test_unwritable_output_is_a_clean_failure(tmp_path, command):
    target = tmp_path / "no" / "such" / "dir" / "out.json"
    result = run(*command, "--out", str(target))
    assert_clean_failure(result, "cannot write", "does not exist")
    assert result.stderr.count("cannot write") == 1 and "Errno" not in result.stderr
    (tmp_path / "file").write_text("x")
    assert_clean_failure(run(*command, "--out", str(tmp_path / "file" / "out.json")),
                         "is a file, not a folder")


def test_export_notes_a_file_name_that_does_not_match_the_format(tmp_path):
    result = run("export", "xor_221", "--format", "npz", "--out", str(tmp_path / "w.json"))
    assert result.returncode == 0 and "holds npz data despite its .json ending" in result.stderr
    np.load(tmp_path / "w.json", allow_pickle=False).close()  # it is npz all the same
    result = run("export", "xor_221", "--format", "npz", "--out", str(tmp_path / "w.npz"))
    assert result.returncode == 0 and result.stderr == ""


def test_a_bad_output_path_is_refused_before_training(tmp_path):
    result = run("train", "tf_default", "--epochs", "100000", "--out", str(tmp_path))
    assert_clean_failure(result, "is a folder")
    assert "epoch" not in result.stdout  # not a single epoch was spent


def test_a_preset_name_that_is_also_a_file_here_is_ambiguous(tmp_path):
    (tmp_path / "tf_default").write_text("{}")
    assert_clean_failure(run("train", "tf_default", "--epochs", "1", "--out", "x.json",
                             cwd=tmp_path), "both a preset and a file", "./tf_default")


def test_seed_on_fixed_start_weights_sets_only_the_shuffle():
    """With explicit (textbook) start weights, --seed can only change the shuffle order."""
    from dataclasses import replace

    from engine import cli
    from engine.presets import get_preset
    from engine.trainer import Trainer

    s = get_preset("worked_example")
    shuffled = Trainer(replace(s, train=replace(s.train, shuffle=True, batch_size=1)))
    out = io.StringIO()
    t = cli._reseeded(shuffled, "worked_example", 3, False, None, out)
    assert "keeps its fixed start weights" in out.getvalue()
    assert t.scenario.train.seed == 3 and t.scenario.init == s.init
    np.testing.assert_array_equal(t.params.flat, shuffled.params.flat)
    with pytest.raises(cli.CliError, match="no effect"):  # batch 2 of 2: nothing to shuffle
        cli._reseeded(shuffled, "worked_example", 3, False, 2, out)


def test_progress_reader_going_away_does_not_stop_training(tmp_path):
    """`train ... | head -1`: the pipe closes, training finishes and the workspace is written."""
    out = tmp_path / "w.json"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "train", "xor_221", "--epochs", "3000",
         "--every", "1", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like head after its first line
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err
    assert json.loads(out.read_text())["state"]["epoch"] == 3000


@pytest.mark.parametrize("presses", [1, 2, 4])
def test_ctrl_c_writes_the_workspace_at_the_last_whole_epoch(tmp_path, presses):
    """One press stops after the epoch, a second at once; more presses must not cut the
    rollback or the save short (that once left a workspace that could not be loaded). The
    run continues a workspace in place, so a broken save would lose the user's file."""
    import signal
    import time

    from engine.presets import get_preset
    from engine.trainer import Trainer
    from engine.workspace import load_workspace

    ws = tmp_path / "w.json"
    assert run("train", "tf_default", "--epochs", "20", "--out", str(ws)).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "train", str(ws), "--epochs", "100000000",
         "--every", "50", "--out", str(ws)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, text=True,
    )
    assert proc.stdout is not None
    for _ in range(3):  # the start line and two progress lines: training is under way
        proc.stdout.readline()
    for _ in range(presses):
        proc.send_signal(signal.SIGINT)
        time.sleep(0.02)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted: writing the workspace at epoch" in err
    loaded = load_workspace(ws)
    assert loaded.epoch >= 120 and loaded.batch_index == 0
    reference = Trainer(get_preset("tf_default"))
    reference.train(loaded.epoch)
    np.testing.assert_array_equal(loaded.params.flat, reference.params.flat)


@pytest.mark.parametrize("every", ["1", "3", "10"])
def test_divergence_keeps_the_last_finite_epoch_whatever_the_progress_step(tmp_path, every):
    out = tmp_path / "d.json"
    result = run("train", "regression_plane", "--epochs", "100", "--lr", "10", "--every", every,
                 "--out", str(out))
    assert result.returncode == 3, result.stderr
    # Epoch 4 takes a weight beyond ±1e100 (the loss would turn NaN only in epoch 6).
    assert "diverged in epoch 4" in result.stderr and "last good epoch (3)" in result.stderr
    assert "exceed ±1e+100" in result.stderr
    assert json.loads(out.read_text())["state"]["epoch"] == 3


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


def _env_without_display() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items()
            if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display detection is Linux's")
def test_no_display_is_one_line_and_a_screenshot_needs_none(tmp_path):
    env = _env_without_display()
    window = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True,
                            text=True, env=env, timeout=60)
    assert_clean_failure(window, "no display", "--screenshot")
    bad = subprocess.run([sys.executable, str(ROOT / "main.py"), "--preset", "nosuch",
                          "--screenshot", str(tmp_path / "x.png")], capture_output=True,
                         text=True, env=env, timeout=60)
    assert_clean_failure(bad, "unknown preset 'nosuch'")
    shot = tmp_path / "shot.png"
    ok = subprocess.run([sys.executable, str(ROOT / "main.py"), "--screenshot", str(shot),
                         "--epochs", "0"], capture_output=True, text=True, env=env, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert shot.read_bytes().startswith(b"\x89PNG")


# ---------------------------------------------------------------------------------------------
# Issue 11: the shipped Iris preset, and a preset's settings on a CSV file (--data)
# ---------------------------------------------------------------------------------------------


def _final_numbers(stdout: str) -> dict[str, float]:
    line = next(s for s in stdout.splitlines() if s.startswith("final (epoch"))
    fields = line.split(": ", 1)[1].split(", ")
    return {k.rsplit(" ", 1)[0]: float(k.rsplit(" ", 1)[1]) for k in fields}


def test_train_iris_prints_the_final_loss_and_accuracy_and_stores_them(tmp_path):
    out = tmp_path / "iris.json"
    result = run("train", "iris", "--epochs", "40", "--out", str(out))
    assert result.returncode == 0, result.stderr
    final = _final_numbers(result.stdout)
    assert set(final) == {"train loss", "test loss", "train accuracy", "test accuracy"}
    history = json.loads(out.read_text())["history"]
    assert history["test_accuracy"][-1] == pytest.approx(final["test accuracy"], abs=1e-4)
    assert history["train_loss"][-1] == pytest.approx(final["train loss"], rel=1e-5)
    assert final["test accuracy"] > 0.5  # trained well past chance (1/3)


def _csv(tmp_path, bad_line: bool = False):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(90, 4))
    kinds = np.where(x[:, 0] - x[:, 2] > 0, "up", "down")
    lines = ["id,a,b,c,d,kind"] + [f"{i},{','.join(f'{v:.4f}' for v in r)},{k}"
                                   for i, (r, k) in enumerate(zip(x, kinds, strict=True))]
    if bad_line:
        lines.insert(4, "99,1,2")  # line 5
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_train_on_csv_data_uses_the_presets_settings_and_the_files_columns(tmp_path):
    data, out = _csv(tmp_path, bad_line=True), tmp_path / "run.json"
    result = run("train", "iris", "--data", str(data), "--label", "kind", "--inputs", "a,c,5",
                 "--skip-bad-lines", "--epochs", "30", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "data: 90 rows, inputs a, c, d, classification on kind" in result.stdout
    assert "data: skipped 1 bad line: 5" in result.stdout
    final = _final_numbers(result.stdout)
    doc = json.loads(out.read_text())
    scenario = doc["scenario"]
    custom = scenario["data"]["custom"]
    assert custom["input_names"] == ["a", "c", "d"] and custom["class_names"] == ["up", "down"]
    assert len(custom["x"]) == 90 and len(custom["x"][0]) == 3
    assert doc["state"]["epoch"] == 30
    assert doc["history"]["test_accuracy"][-1] == pytest.approx(final["test accuracy"],
                                                               abs=1e-4)
    iris = json.loads(run_preset_json("iris"))
    assert [h["units"] for h in scenario["model"]["hidden"]] == \
        [h["units"] for h in iris["model"]["hidden"]]
    assert len(doc["state"]["parameters"][0]["W"]) == 3  # the input width follows the data
    assert len(doc["state"]["parameters"][-1]["W"][0]) == 2  # two classes, softmax


def run_preset_json(key: str) -> str:
    from engine.presets import get_preset
    from engine.scenario import scenario_to_dict

    return json.dumps(scenario_to_dict(get_preset(key)))


def test_train_on_csv_data_regression_by_column_number(tmp_path):
    data, out = _csv(tmp_path), tmp_path / "reg.json"
    result = run("train", "diabetes", "--data", str(data), "--label", "3", "--inputs", "a",
                 "--epochs", "5", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "regression on b" in result.stdout
    final = _final_numbers(result.stdout)
    assert set(final) == {"train loss", "test loss"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--label", "kind"], ["data.csv", "line 5: 3 values, expected 6"]),
        (["--label", "nope"], ["no column named 'nope'"]),
        (["--label", "kind", "--inputs", "a,a"], ["listed twice"]),
        (["--label", "kind", "--inputs", "kind"], ["both the label and an input"]),
        (["--label", "0"], ["column numbers start at 1"]),
        (["--label", "9"], ["--label: column 9 does not exist (the file has 6 columns: 1 to 6"]),
        (["--label", "kind", "--inputs", "1,-7"], ["--inputs: column -7 does not exist"]),
    ],
)
def test_bad_csv_data_is_one_line_and_exit_2(tmp_path, args, words):
    data, out = _csv(tmp_path, bad_line=True), tmp_path / "never.json"
    result = run("train", "iris", "--data", str(data), *args, "--epochs", "3",
                 "--out", str(out))
    assert_clean_failure(result, *words)
    assert not out.exists()


def test_without_inputs_text_columns_are_left_out_and_named(tmp_path):
    """As the import dialog ticks them: every column of numbers but the label."""
    path = tmp_path / "notes.csv"
    rows = [f"{'ab'[i % 2]},note {i},{i / 9:.3f},{(i * 7 % 11) / 5:.3f}" for i in range(40)]
    path.write_text("kind,note,a,b\n" + "\n".join(rows) + "\n")
    out = tmp_path / "n.json"
    result = run("train", "iris", "--data", str(path), "--label", "kind", "--epochs", "2",
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "data: left out column 2 'note': text, not numbers" in result.stdout
    assert json.loads(out.read_text())["scenario"]["data"]["custom"]["input_names"] == ["a", "b"]
    path.write_text("kind,note\n" + "\n".join(r.rsplit(",", 2)[0] for r in rows) + "\n")
    result = run("train", "iris", "--data", str(path), "--label", "kind", "--epochs", "2",
                 "--out", str(out))
    assert_clean_failure(result, "no column of numbers besides the label",
                         "column 2 'note' holds text", "--inputs")


def test_a_fractional_label_column_trains_as_regression_without_task(tmp_path):
    path = tmp_path / "targets.csv"
    rows = [f"{i / 7:.4f},{(i % 5) / 3:.4f},{(i * 0.37) % 2:.5f}" for i in range(60)]
    path.write_text("a,b,target\n" + "\n".join(rows) + "\n")
    out = tmp_path / "t.json"
    result = run("train", "tf_default", "--data", str(path), "--epochs", "3", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "regression on target" in result.stdout
    assert "classes" not in result.stdout


def test_data_options_without_data_are_refused(tmp_path):
    result = run("train", "iris", "--label", "kind", "--epochs", "1", "--out",
                 str(tmp_path / "x.json"))
    assert_clean_failure(result, "--label only applies with --data")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["train", "iris", "--epochs", "abc", "--out", "x.json"],
         ["--epochs: invalid int value: 'abc'", "python main.py train --help"]),
        (["train", "iris", "--task", "foo", "--epochs", "2", "--out", "x.json"],
         ["--task: invalid choice: 'foo'"]),
        (["train", "iris", "--out", "x.json"], ["--epochs"]),
        (["--no-such-option"], ["unrecognized arguments: --no-such-option",
                                "python main.py --help"]),
    ],
)
def test_a_bad_option_is_one_line_not_the_usage_block(tmp_path, args, words):
    assert_clean_failure(run(*args), *words)
