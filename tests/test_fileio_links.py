"""Writes to awkward targets (issue 10): a symbolic-link loop is refused before any work, and a
file name at the file system's length limit can still be written atomically."""

from __future__ import annotations

import os

import pytest

from engine.fileio import WriteError, atomic_write_text, check_writable
from tests.helpers import run_cli


def test_a_symbolic_link_loop_is_refused_up_front(tmp_path) -> None:
    loop = tmp_path / "loop.json"
    os.symlink("loop.json", loop)
    with pytest.raises(WriteError, match=r"loop\.json: it is a symbolic link that loops"):
        check_writable(loop)
    with pytest.raises(WriteError, match="loops"):
        atomic_write_text(loop, "{}")
    assert loop.is_symlink() and sorted(os.listdir(tmp_path)) == ["loop.json"]


def test_cli_train_refuses_a_link_loop_before_training(tmp_path) -> None:
    os.symlink("loop.json", tmp_path / "loop.json")
    result = run_cli("train", "tf_default", "--epochs", "5", "--out", "loop.json", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "symbolic link that loops" in result.stderr and "Traceback" not in result.stderr
    assert "epoch" not in result.stdout  # refused before training


def test_writing_through_a_link_and_a_dangling_link_still_work(tmp_path) -> None:
    (tmp_path / "real.json").write_text("old")
    os.symlink("real.json", tmp_path / "link.json")
    atomic_write_text(tmp_path / "link.json", "new")
    assert (tmp_path / "real.json").read_text() == "new"
    os.symlink("made.json", tmp_path / "dangling.json")
    atomic_write_text(tmp_path / "dangling.json", "made")
    assert (tmp_path / "made.json").read_text() == "made"


def test_a_name_at_the_length_limit_is_written(tmp_path) -> None:
    target = tmp_path / ("n" * 244 + ".json")  # 249 characters: legal, near NAME_MAX (255)
    atomic_write_text(target, "{}")
    atomic_write_text(target, "[]")  # and replaced
    assert target.read_text() == "[]"
    assert sorted(os.listdir(tmp_path)) == [target.name]
