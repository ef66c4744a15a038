"""Shared pieces of the window tests: opening windows and waiting for the worker."""

from __future__ import annotations

import pytest

TIMEOUT = 20_000
"""Milliseconds to wait for a condition; generous for slow shared machines."""


@pytest.fixture
def make_window(qtbot):
    """Open main windows on presets; close them at the end and check their threads ended."""
    from gui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(preset: str = "tf_default") -> MainWindow:
        w = MainWindow(preset)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.frames_rendered > 0, timeout=TIMEOUT)
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.files.dirty = False
        w.close()
        assert not w.client.thread.isRunning(), "the worker thread outlived its window"


def fresh_snapshot(qtbot, w):
    """A snapshot published after every command sent so far has run (commands run in order
    in the worker thread), so it can show that something did *not* happen."""
    with qtbot.waitSignal(w.client.snapshotArrived, timeout=TIMEOUT):
        w.client.publishRequested.emit()
    return w.client.latest


def trainer(w):
    """The engine behind the window (read only while the worker is idle)."""
    return w.client.worker.trainer
