"""The window as users run it: the session in a training process of its own (pytest-qt).

The other window tests host the session in a thread so they can read the engine; these drive
the same window through the process and its pipes, reading only what the window reads."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gui.main_window import MainWindow
from session import commands as c
from session.events import FileDone, Refused
from tests.gui_helpers import TIMEOUT, wait_event, window_factory


@pytest.fixture
def process_window(qtbot, monkeypatch):
    monkeypatch.setenv("BACKPROP_WORKER", "process")
    make, close_all = window_factory(qtbot)
    opened: list[MainWindow] = []
    yield lambda preset="tf_default": opened.append(make(preset)) or opened[-1]
    close_all()
    for w in opened:
        assert not w.client._process.is_alive(), "the training process outlived its window"


def test_the_run_lives_in_its_own_process(process_window):
    w = process_window()
    assert w.client.mode == "process" and w.client.host is None
    assert w.client._process.pid != os.getpid() and w.client._process.is_alive()


def test_run_step_and_pause_through_the_process(qtbot, process_window):
    w = process_window("tf_default")
    start = w.client.sync()
    qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.rendered.epoch >= 20 and w.rendered.running, timeout=TIMEOUT)
    qtbot.mouseClick(w.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.client.running, timeout=TIMEOUT)
    paused = w.client.sync()
    assert paused.metrics.train_loss < start.metrics.train_loss
    w.send(c.Step(c.StepUnit.EPOCH))
    assert w.client.sync().epoch == paused.epoch + 1
    # maps and data are sent once and put back: every rendered snapshot has them
    assert w.rendered.maps is not None and w.rendered.data is not None


def test_phase_stepping_and_back_through_the_process(qtbot, process_window):
    w = process_window("xor_241")
    before = w.client.sync()
    w.granularity.setCurrentIndex(w.granularity.findData(c.StepUnit.PHASE))
    for _ in range(3):
        w.step()
    snap = w.client.sync()
    assert snap.trace is not None and snap.trace.position == 3
    for _ in range(3):
        w.step_back()
    after = w.client.sync()
    for a, b in zip(after.weights, before.weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_files_through_the_process(qtbot, process_window, tmp_path):
    w = process_window("xor_221")
    w.send(c.TrainEpochs(5))
    path = str(tmp_path / "run.json")
    event = wait_event(qtbot, w, FileDone, lambda: w.files.save_to(path))
    assert event.path == path
    w.send(c.TrainEpochs(3))
    wait_event(qtbot, w, FileDone, lambda: w.files.open_path(path))
    assert w.client.sync().epoch == 5
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    w.files.open_path(str(bad))
    qtbot.waitUntil(lambda: w.files.last_message is not None, timeout=TIMEOUT)
    assert "bad.json" in w.files.last_message[1]


def test_a_refusal_comes_back_as_one_line(qtbot, process_window):
    w = process_window("xor_221")
    event = wait_event(qtbot, w, Refused,
                       lambda: w.send(c.edit(c.Section.TRAIN, batch_size=0)))
    assert "batch_size" in event.text and "\n" not in event.text


@pytest.mark.parametrize("round_", range(3))
def test_closing_during_long_training_ends_the_process_quickly(qtbot, process_window, round_):
    w = process_window("deep_tanh_spiral")
    w.send(c.TrainEpochs(10**9))
    w.send(c.Publish())  # queued behind the long command: it never arrives before the close
    w.files.confirm_unsaved = False
    w.close()
    assert not w.client.is_alive() and not w.client._process.is_alive()
    assert w.client._process.exitcode == 0  # ended by the cancel flag, not terminated


def test_a_preset_with_explicit_start_weights_renders_through_the_process(qtbot,
                                                                           process_window):
    """The worked example's start weights are arrays: a scenario unpickled from the process
    compares with the one shown number by number (it raised 'truth value of an array')."""
    w = process_window("worked_example")
    w.client.send(c.edit(c.Section.OPTIMIZER, learning_rate=0.5))
    w.client.send(c.Step(c.StepUnit.PHASE))
    sent = w.client.sent
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.handled >= sent,
                    timeout=TIMEOUT)
    assert w.rendered.scenario.train.optimizer.learning_rate == 0.5
    assert w.rendered.scenario.initial_weights is not None
