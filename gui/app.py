"""Start the window, or train a little and save a picture of it (``--screenshot``)."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from engine.blas import limit_blas_threads

SCREENSHOT_SIZE = (1440, 900)


def _has_display() -> bool:
    """False only where Qt would abort for want of a screen: Linux with no X11 or Wayland
    display and no platform chosen (QT_QPA_PLATFORM=offscreen, for example)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_window(preset: str | None = None, screenshot: str | None = None, epochs: int = 300,
               workspace: str | None = None, scenario_text: str | None = None,
               theme: str | None = None, zoom: str | None = None) -> int:
    from engine.fileio import WriteError, check_writable
    from engine.presets import load_presets
    from engine.scenario_text import decode

    # Arguments first: a mistake gets its one line before Qt needs a screen.
    from gui.zoom import parse_zoom

    percent = None if zoom is None else parse_zoom(zoom)
    if zoom is not None and percent is None:
        sys.stderr.write(f"error: --zoom wants a percent from 50 to 300, not {zoom!r}\n")
        return 2
    if preset is not None and preset not in load_presets():
        known = ", ".join(load_presets())
        sys.stderr.write(f"error: unknown preset {preset!r} (known: {known})\n")
        return 2
    if preset is not None and workspace is not None:
        sys.stderr.write("error: give a preset or a workspace to open, not both\n")
        return 2
    shared = None
    if scenario_text is not None:
        if preset is not None or workspace is not None:
            sys.stderr.write("error: give a preset, a workspace or a scenario text, not two\n")
            return 2
        try:
            shared = decode(scenario_text)
        except ValueError as e:
            sys.stderr.write(f"error: {e}\n")
            return 2
    if workspace is not None and not os.path.isfile(workspace):
        sys.stderr.write(f"error: {workspace}: no such workspace file\n")
        return 2
    if epochs < 0:
        sys.stderr.write(f"error: --epochs must be 0 or more, got {epochs}\n")
        return 2
    if screenshot is not None:
        try:
            check_writable(screenshot)
        except WriteError as e:
            sys.stderr.write(f"error: {e}\n")
            return 2
    if not _has_display():
        if screenshot is None:
            sys.stderr.write("error: no display found (DISPLAY and WAYLAND_DISPLAY are unset), "
                             "so the window cannot open; --screenshot FILE works without one\n")
            return 2
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # a picture needs no screen
    from gui.system_check import install_hint, missing_xcb_libraries, uses_xcb

    if uses_xcb() and (missing := missing_xcb_libraries()):
        sys.stderr.write(f"error: {install_hint(missing)}\n")
        return 2
    limit_blas_threads()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Backprop Playground")
    from gui.theme import ThemeChoice, notifier, remembered_choice

    # --theme for this run only; otherwise the choice the View menu saved last time
    notifier().choose(ThemeChoice(theme) if theme else remembered_choice(), remember=False)
    from gui.main_window import MainWindow

    window = MainWindow(preset, workspace=workspace)
    if percent is not None:
        window.view_menu.zoom.set_percent(percent, remember=False)
    if shared is not None:
        window.load_scenario(shared, f"Opened the shared scenario “{shared.title}”.")
    if screenshot is None:
        window.show()
        return app.exec()
    return take_screenshot(app, window, screenshot, epochs)


def take_screenshot(app: QApplication, window, path: str, epochs: int,
                    timeout_s: float = 120.0) -> int:
    """Train ``epochs`` epochs, let the window render the result, save it as PNG, exit."""
    from engine.fileio import write_failure
    from gui.pictures import save_picture
    from session.commands import TrainEpochs

    window.files.confirm_unsaved = False  # nothing of the user's to save in a screenshot run
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
            sys.stderr.write(f"error: {write_failure(path, e)}\n")
            result["code"] = 2
        window.close()
        app.quit()

    def give_up() -> None:
        if result["code"] == 1:
            sys.stderr.write("error: the window did not finish training in time\n")
            window.close()
            app.quit()

    window.client.snapshotArrived.connect(trained)
    window.client.send(TrainEpochs(epochs))
    QTimer.singleShot(int(timeout_s * 1000), give_up)
    app.exec()
    return result["code"]
