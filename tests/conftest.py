"""Test set-up: offscreen Qt before anything imports it, and the repository on sys.path."""

import os
import sys
from pathlib import Path

pytest_plugins = ["tests.gui_helpers"]  # the make_window fixture for the window tests

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Windows host their run in a thread, so tests can read the engine behind them
# (tests/test_window_process.py covers the training process the app uses).
os.environ.setdefault("BACKPROP_WORKER", "thread")
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _quiet_files(tmp_path_factory, monkeypatch):
    """Keep recent-file settings out of the user's home, never block on a modal dialog, and
    let closing a window with unsaved work discard it (tests that care override this)."""
    monkeypatch.setenv("BACKPROP_NO_DIALOGS", "1")
    try:
        from PySide6.QtCore import QSettings

        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                          str(tmp_path_factory.mktemp("settings")))
        from gui.files import FileActions
    except ImportError:  # engine-only environments
        return
    monkeypatch.setattr(FileActions, "ask_unsaved", lambda self: "discard")
    monkeypatch.setattr(FileActions, "ask_adopt", lambda self, message: True)


@pytest.fixture(autouse=True)
def _collect_qt_garbage(request):
    """After a Qt test (and after pytest-qt has closed its widgets: this fixture is set up
    first, so it is torn down last), collect Python's garbage at once. Left to chance, the
    collector once ran inside a later test's window construction, while Qt held a lock, and
    deleting a dead test's QObject there waited on that lock for ever (a hung CI run, seen
    once in five on 2026-12-02: ``QObject::~QObject`` → ``QBasicMutex::lockInternal``)."""
    yield
    if "qtbot" in request.fixturenames:
        import gc

        gc.collect()


@pytest.fixture
def view(qtbot):
    """A network diagram, 800×500 and shown (a test module may define its own ``view``)."""
    from gui.network import NetworkView

    v = NetworkView()
    qtbot.addWidget(v)
    v.resize(800, 500)
    v.show()
    qtbot.waitExposed(v)
    return v
