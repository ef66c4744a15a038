"""Shared pieces of the window tests: opening windows and waiting for the worker."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from session.commands import Publish

TIMEOUT = 20_000
"""Milliseconds to wait for a condition; generous for slow shared machines."""


def window_factory(qtbot):
    """``make(preset)`` opens a main window and waits for its first frame; ``close_all()``
    closes every one and checks that its run's host ended."""
    from gui.main_window import MainWindow

    windows: list[MainWindow] = []

    def make(preset: str = "tf_default") -> MainWindow:
        w = MainWindow(preset)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.frames_rendered > 0, timeout=TIMEOUT)
        windows.append(w)
        return w

    def close_all() -> None:
        for w in windows:
            w.files.confirm_unsaved = False
            w.close()
            assert not w.client.is_alive(), "the run's host outlived its window"

    return make, close_all


@pytest.fixture
def make_window(qtbot):
    """Open main windows on presets; close them at the end and check their hosts ended."""
    make, close_all = window_factory(qtbot)
    yield make
    close_all()


def fresh_snapshot(qtbot, w):
    """A snapshot published after every command sent so far has run (commands run in order
    in the worker thread), once the window has rendered it, so it can show that something did
    *not* happen and the widgets already show it."""
    w.client.send(Publish())
    sent = w.client.sent
    qtbot.waitUntil(lambda: w.rendered is not None and w.rendered.handled >= sent,
                    timeout=TIMEOUT)
    return w.rendered


def wait_event(qtbot, w, kind: type, action) -> object:
    """Run ``action`` and return the first event of type ``kind`` the session sends."""
    with qtbot.waitSignal(w.client.eventArrived, timeout=TIMEOUT,
                          check_params_cb=lambda e: isinstance(e, kind)) as blocker:
        action()
    return blocker.args[0]


def trainer(w):
    """The engine behind the window (read only while the worker is idle)."""
    return w.client.host.session.trainer


def focus_on(qtbot, w, widget: QWidget) -> None:
    """Give ``widget`` of window ``w`` the keyboard focus, as Tab would, and wait for it."""
    w.activateWindow()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=TIMEOUT)


def tab_round(qtbot, w, start: QWidget, limit: int = 400) -> list[QWidget]:
    """Press Tab until the focus comes back to ``start``; the widgets visited."""
    focus_on(qtbot, w, start)
    seen: list[QWidget] = []
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is start:
            return seen
        seen.append(now)
    names = [x.objectName() or type(x).__name__ for x in seen[-12:]]
    raise AssertionError(f"Tab never came back to the start; last stops: {names}")
