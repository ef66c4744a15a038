"""Pictures of widgets for slides and reports, written atomically: PNG (pixels as on screen) or
SVG (vector)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QPoint, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from engine.fileio import atomic_write_bytes


def save_picture(widget: QWidget, path: str) -> None:
    """Write a PNG (pixels as on screen) or SVG (vector) picture of a widget, atomically."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"{Path(path).name}: pictures are saved as .png or .svg")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if suffix == ".png":
        if not widget.grab().save(buffer, "PNG"):
            raise OSError(f"cannot render {Path(path).name}")
    else:
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(QSize(widget.width(), widget.height()))
        generator.setViewBox(widget.rect())
        generator.setTitle(widget.accessibleName() or "Backprop Playground")
        painter = QPainter(generator)
        try:
            widget.render(painter, QPoint(0, 0))
        finally:
            painter.end()
    atomic_write_bytes(path, bytes(buffer.data()))
