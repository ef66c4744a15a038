"""Start the window, or train a little and save a picture of it (``--screenshot``)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from engine.blas import limit_blas_threads

SCREENSHOT_SIZE = (1440, 900)


def run_window(preset: str | None = None, screenshot: str | None = None, epochs: int = 300) -> int:
    limit_blas_threads()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Backprop Playground")
    from engine.presets import load_presets
    from gui.main_window import MainWindow

    if preset is not None and preset not in load_presets():
        known = ", ".join(load_presets())
        sys.stderr.write(f"error: unknown preset {preset!r} (known: {known})\n")
        return 2
    if epochs < 0:
        sys.stderr.write(f"error: --epochs must be 0 or more, got {epochs}\n")
        return 2
    window = MainWindow(preset)
    if screenshot is None:
        window.show()
        return app.exec()
    return take_screenshot(app, window, screenshot, epochs)


def take_screenshot(app: QApplication, window, path: str, epochs: int,
                    timeout_s: float = 120.0) -> int:
    """Train ``epochs`` epochs, let the window render the result, save it as PNG, exit."""
    from gui.files import save_picture

    window.resize(*SCREENSHOT_SIZE)
    window.show()
    result = {"code": 1}

    def trained(snap) -> None:
        if snap.epoch >= epochs and not snap.running:
            window.client.snapshotArrived.disconnect(trained)
            QTimer.singleShot(150, save)

    def save() -> None:
        app.processEvents()
        try:
            save_picture(window, path)
            result["code"] = 0
        except (OSError, ValueError) as e:
            sys.stderr.write(f"error: cannot write {path}: {e}\n")
            result["code"] = 2
        window.files.dirty = False  # nothing of the user's to save in a screenshot run
        window.close()
        app.quit()

    def give_up() -> None:
        if result["code"] == 1:
            sys.stderr.write("error: the window did not finish training in time\n")
            window.close()
            app.quit()

    window.client.snapshotArrived.connect(trained)
    window.client.trainEpochsRequested.emit(epochs)
    QTimer.singleShot(int(timeout_s * 1000), give_up)
    app.exec()
    return result["code"]
