"""Print the main window's minimum size in device pixels: ``python -m tests.window_size_probe
[POINT_SIZE]`` (set QT_SCALE_FACTOR in the environment). Run in a subprocess by the tests,
because the scale factor is read once, when the application starts."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("BACKPROP_WORKER", "thread")


def main() -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if len(sys.argv) > 2:  # a settings folder of its own (tests): no remembered zoom
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, sys.argv[2])
    if len(sys.argv) > 1 and float(sys.argv[1]) > 0:
        font = app.font()
        font.setPointSizeF(float(sys.argv[1]))
        app.setFont(font)
    from gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    app.processEvents()
    size = window.minimumSizeHint().expandedTo(window.minimumSize())
    ratio = window.devicePixelRatioF()
    print(f"{round(size.width() * ratio)} {round(size.height() * ratio)} {ratio:g}")
    window.close()


if __name__ == "__main__":
    main()
