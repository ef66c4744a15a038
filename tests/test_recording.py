"""Record animation: frames grabbed from the window's views while it trains or steps, written
as GIF, animated PNG or MP4, from the window (Recorder) and headless (``main.py record``)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from PIL import Image

import main
from engine.presets import get_preset
from engine.trainer import Trainer
from gui.animation import MAX_FRAMES, FrameStore, write_animation
from gui.record_options import Format, RecordSettings, SizeSpec, View, video_available
from session.commands import Pause, Run, Step, StepUnit
from tests.gui_helpers import TIMEOUT
from tests.helpers import ROOT


def frames_of(path) -> tuple[list[np.ndarray], list[float], tuple[int, int]]:
    """Every frame of an animated GIF or PNG as RGB, their durations (ms) and the size."""
    with Image.open(path) as im:
        frames, durations = [], []
        for k in range(im.n_frames):
            im.seek(k)
            frames.append(np.asarray(im.convert("RGB")).copy())
            durations.append(float(im.info["duration"]))
        return frames, durations, im.size


def assert_all_differ(frames: list[np.ndarray]) -> None:
    for k in range(1, len(frames)):
        assert not np.array_equal(frames[k - 1], frames[k]), f"frame {k} repeats frame {k - 1}"


def record_steps(qtbot, w, settings: RecordSettings, steps: int) -> FrameStore:
    """Record the window's picture now, then after each of ``steps`` epoch steps."""
    rec = w.recorder
    assert rec.start(settings) is None
    assert len(rec.store) == 1
    for k in range(steps):
        w.send(Step(StepUnit.EPOCH))
        qtbot.waitUntil(lambda k=k: len(rec.store) == k + 2, timeout=TIMEOUT)
    store = rec.stop()
    assert store is not None and not rec.recording
    return store


@pytest.mark.parametrize("fmt, suffix", [(Format.GIF, ".gif"), (Format.APNG, ".png")])
def test_window_recording_has_the_frames_size_and_changes_asked_for(qtbot, make_window,
                                                                   tmp_path, fmt, suffix):
    w = make_window("tf_default")
    settings = RecordSettings(views=(View.DIAGRAM, View.OUTPUT), fps=10,
                              size=SizeSpec(width=320), hold=0.5, format=fmt)
    store = record_steps(qtbot, w, settings, steps=4)
    out = tmp_path / f"clip{suffix}"
    w.recorder.write_in_background(store, str(out), fmt)  # behind the progress dialog
    qtbot.waitUntil(lambda: w.recorder.last_saved is not None, timeout=TIMEOUT)
    assert w.recorder.last_saved == (str(out), out.stat().st_size)
    frames, durations, size = frames_of(out)
    assert len(frames) == 5
    assert size[0] == 320 and size == (store.width, store.height)
    assert durations == [500.0] * 5  # a picture after a Step lasts the hold time
    assert_all_differ(frames)  # each epoch of training changes the picture
    if fmt is Format.APNG:  # lossless: exactly the pictures grabbed
        assert all(np.array_equal(f, store.rgb(k)) for k, f in enumerate(frames))


@pytest.mark.parametrize("every", [1, 0])
def test_frames_taken_while_running_last_one_frame_time(qtbot, make_window, tmp_path, every):
    """Every K epochs: one frame time each; as shown (0): until the next frame, in whole frame
    times."""
    w = make_window("tf_default")
    rec = w.recorder
    assert rec.start(RecordSettings(views=(View.LOSS,), fps=20, size=SizeSpec(scale=0.5),
                                    every=every)) is None
    w.send(Run())
    qtbot.waitUntil(lambda: len(rec.store) >= 6, timeout=TIMEOUT)
    w.send(Pause())
    store = rec.stop()
    write_animation(store, str(tmp_path / "run.gif"), Format.GIF)
    frames, durations, _ = frames_of(tmp_path / "run.gif")
    assert len(frames) == len(store) >= 6
    if every:
        assert durations[1:-1] == [50.0] * (len(frames) - 2)  # one frame time at 20 fps
    else:
        assert all(d % 50 == 0 and 50 <= d <= 1000 for d in durations[1:-1]), durations
    assert_all_differ(frames)


def test_record_button_starts_and_stop_saves(qtbot, make_window, tmp_path, monkeypatch):
    w = make_window("xor_221")
    rec = w.recorder
    assert rec.button.objectName() == "recordButton" and rec.button.isCheckable()
    assert rec.action in w.files.menu.actions()
    out = tmp_path / "button.png"
    rec.settings = RecordSettings(views=(View.DIAGRAM,), format=Format.APNG)
    monkeypatch.setattr(type(rec), "ask_path", lambda self: str(out))
    rec.button.click()
    assert rec.recording and rec.button.isChecked() and len(rec.store) == 1
    w.send(Step(StepUnit.EPOCH))
    qtbot.waitUntil(lambda: len(rec.store) == 2, timeout=TIMEOUT)
    rec.button.click()
    assert not rec.recording and not rec.button.isChecked()
    qtbot.waitUntil(lambda: rec.last_saved is not None, timeout=TIMEOUT)
    assert len(frames_of(out)[0]) == 2


def run_record(capsys, *args: str) -> tuple[int, str, str]:
    code = main.main(["record", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_record_command_writes_a_gif_with_a_frame_per_k_epochs(qapp, tmp_path, capsys):
    out = tmp_path / "clip.gif"
    code, stdout, err = run_record(capsys, "xor_221", "--epochs", "6", "--every", "2",
                                   "--what", "diagram,loss", "--width", "300", "--fps", "5",
                                   "--out", str(out))
    assert code == 0, err
    assert stdout.count("\n") == 1 and stdout.startswith("wrote clip.gif: 4 frames, 300×")
    frames, durations, size = frames_of(out)
    assert len(frames) == 4 and size[0] == 300  # epochs 0, 2, 4, 6
    assert durations == [1000.0, 200.0, 200.0, 1000.0]  # first and last held 1 s
    assert_all_differ(frames)


def test_record_phases_takes_one_frame_per_phase(tmp_path):
    """Run as a user runs it (the training process, offscreen Qt)."""
    out = tmp_path / "step.gif"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "record", "xor_221", "--phases", "--epochs",
         "3", "--what", "diagram", "--scale", "0.5", "--hold", "0.8", "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    reference = Trainer(get_preset("xor_221"))
    stepper = reference.begin_step()
    frames, durations, _ = frames_of(out)
    assert len(frames) == len(stepper.phases) == 6
    assert durations == [800.0] * len(frames)
    assert_all_differ(frames)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("option, value, words", [
    ("--fps", "0", ("--fps", "1 to 50")), ("--fps", "ten", ("--fps", "whole number")),
    ("--scale", "9", ("--scale",)), ("--what", "weights", ("--what", "weights")),
    ("--every", "0", ("--every",))])
def test_bad_options_are_refused_in_one_line(tmp_path, option, value, words):
    out = tmp_path / "x.gif"
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "record", "tf_default",
                             "--epochs", "3", option, value, "--out", str(out)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert all(w in lines[0] for w in words), lines[0]
    assert not out.exists()


def test_too_many_frames_and_unknown_suffix_are_refused(qapp, tmp_path, capsys):
    code, _, err = run_record(capsys, "xor_221", "--epochs", "5000", "--every", "1",
                              "--out", str(tmp_path / "x.gif"))
    assert code == 2 and "limit is 600" in err and err.count("\n") == 1
    code, _, err = run_record(capsys, "xor_221", "--epochs", "5", "--out",
                              str(tmp_path / "x.avi"))
    assert code == 2 and ".gif" in err and err.count("\n") == 1


def test_mp4_has_every_frame_time(qapp, tmp_path, capsys):
    if not video_available():
        pytest.skip("imageio-ffmpeg is not installed (pip install -e '.[video]'), so MP4 "
                    "cannot be written")
    import imageio_ffmpeg

    out = tmp_path / "clip.mp4"
    code, _, err = run_record(capsys, "xor_221", "--epochs", "4", "--every", "1",
                                   "--what", "output", "--width", "201", "--hold", "0.2",
                                   "--out", str(out))
    assert code == 0, err
    with warnings.catch_warnings():  # imageio-ffmpeg's reader leaves its pipes to the GC
        warnings.simplefilter("ignore", ResourceWarning)
        reader = imageio_ffmpeg.read_frames(str(out))
        meta = next(reader)
        count = sum(1 for _ in reader)
        reader.close()
        del reader
        gc.collect()
    assert meta["fps"] == 10 and meta["size"][0] == 202  # padded to even for H.264
    assert count == 2 + 3 + 2  # first and last held 0.2 s (2 frame times), 3 in between


def test_the_store_stops_at_its_frame_limit_and_merges_repeats():
    store = FrameStore(4, 3, 10, threaded=False)
    blank = np.zeros((3, 4, 3), np.uint8)
    assert store.add(blank, 5)
    assert store.add(blank, 5, extend=False) and store.frames[-1].ticks == 5  # drawn again
    assert store.add(blank, 1) and store.frames[-1].ticks == 6  # time passed
    for k in range(1, MAX_FRAMES):
        frame = blank.copy()
        frame.flat[:3] = (k % 256, k // 256, 1)
        assert store.add(frame)
    assert len(store) == MAX_FRAMES and store.full is None
    assert not store.add(np.full((3, 4, 3), 9, np.uint8))
    assert store.full is not None and "600 frames" in store.full
    with pytest.raises(ValueError, match="shape"):
        store.add(np.zeros((2, 2, 3), np.uint8))


def test_a_failed_write_says_why_in_one_line_and_keeps_the_frames(qtbot, make_window,
                                                                  tmp_path, monkeypatch):
    w = make_window("xor_221")
    rec = w.recorder
    store = record_steps(qtbot, w, RecordSettings(views=(View.DIAGRAM,)), steps=1)
    asked: list[str] = []
    good = tmp_path / "second try.gif"
    monkeypatch.setattr(type(rec), "ask_path", lambda self: asked.append("?") or str(good))
    rec.write_in_background(store, str(tmp_path / "no such folder" / "clip.gif"), Format.GIF)
    qtbot.waitUntil(lambda: rec.last_saved is not None, timeout=TIMEOUT)
    assert asked == ["?"] and len(frames_of(good)[0]) == 2  # asked again, then written
    assert not (tmp_path / "no such folder").exists()


def test_the_dialog_builds_the_settings_it_shows(qtbot, make_window):
    from PySide6.QtWidgets import QDialogButtonBox

    from gui.capture import Capture
    from gui.record_dialog import RecordDialog

    w = make_window("xor_221")
    dialog = RecordDialog(w, RecordSettings(), lambda views, cap: Capture(
        w, views, SizeSpec(), cap).natural_size())
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.view_boxes[View.WINDOW].setChecked(True)  # the whole window goes alone
    assert dialog.views() == (View.WINDOW,) and not dialog.caption.isEnabled()
    dialog.view_boxes[View.WINDOW].setChecked(False)
    assert dialog.views() == () and not ok.isEnabled() and "at least one" in \
        dialog.size_label.text()
    dialog.view_boxes[View.LOSS].setChecked(True)
    dialog.view_boxes[View.DIAGRAM].setChecked(True)
    dialog.fps.setValue(25)
    dialog.scale.setCurrentIndex(dialog.scale.findData(2.0))
    dialog.every.setValue(5)
    dialog.format.setCurrentIndex(dialog.format.findData(Format.APNG))
    settings = dialog.settings()
    assert settings == RecordSettings(views=(View.DIAGRAM, View.LOSS), fps=25,
                                      size=SizeSpec(scale=2.0), every=5, format=Format.APNG)
    natural = Capture(w, settings.views, SizeSpec()).natural_size()
    assert dialog.size_label.text() == f"{natural[0] * 2} × {natural[1] * 2} pixels"
    assert ok.isEnabled()


def test_a_diverging_run_writes_what_it_recorded_and_exits_3(qapp, tmp_path, capsys):
    workspace = tmp_path / "hot.json"
    assert main.main(["train", "tf_default", "--epochs", "0", "--lr", "1e300", "--out",
                      str(workspace)]) == 0
    capsys.readouterr()
    out = tmp_path / "hot.gif"
    code, stdout, _ = run_record(capsys, str(workspace), "--epochs", "20", "--every", "5",
                                 "--what", "loss", "--width", "200", "--out", str(out))
    assert code == 3 and "stopped: training diverged" in stdout
    assert len(frames_of(out)[0]) == 2  # epoch 0, then the last good state


def test_ctrl_c_writes_the_frames_so_far_and_a_second_writes_nothing(qapp, tmp_path, capsys,
                                                                     monkeypatch):
    from gui import record_cli

    settle = record_cli.HeadlessRecording.settle
    presses_at = {3: 1}  # the third wait (epoch 2 of 10): Ctrl-C

    def pressing(self, what):
        self.calls = getattr(self, "calls", 0) + 1
        for _ in range(presses_at.get(self.calls, 0)):
            self._on_sigint(2, None)
        return settle(self, what)

    monkeypatch.setattr(record_cli.HeadlessRecording, "settle", pressing)
    out = tmp_path / "cut.gif"
    args = ("xor_221", "--epochs", "10", "--every", "1", "--width", "120", "--out", str(out))
    code, stdout, err = run_record(capsys, *args)
    assert code == 130 and "stopped: interrupted" in stdout, err
    assert len(frames_of(out)[0]) == 2  # epochs 0 and 1; the press came while epoch 2 ran
    out.unlink()
    presses_at[3] = 2
    code, stdout, err = run_record(capsys, *args)
    assert code == 130 and stdout == "" and "nothing written" in err and not out.exists()


def test_a_corrupt_workspace_is_one_line(qapp, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, stdout, err = run_record(capsys, str(bad), "--epochs", "2", "--out",
                                   str(tmp_path / "x.gif"))
    assert code == 2 and stdout == "" and err.count("\n") == 1 and "bad.json" in err
    assert not (tmp_path / "x.gif").exists()


def test_closing_while_recording_asks_before_losing_the_frames(qtbot, make_window,
                                                              monkeypatch):
    w = make_window("xor_221")
    rec = w.recorder
    assert rec.start(RecordSettings(views=(View.DIAGRAM,))) is None
    answers = [False, True]
    monkeypatch.setattr(type(rec), "may_discard", lambda self: answers.pop(0))
    w.files.confirm_unsaved = False
    assert not w.close()  # "Cancel": the window and the recording stay
    assert w.isVisible() and rec.recording and w.client.is_alive()
    assert w.close() and not answers  # "Discard"
