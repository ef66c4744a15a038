"""Pictures of the plots for slides and reports, written atomically: PNG at 1×, 2× or 4× the
screen size, or SVG with real vector markers.

For a view holding one plot or diagram, only its canvas is drawn — the pyqtgraph scene —
never the check boxes, labels and legends around it. (Any other widget, such as the whole
window for ``--screenshot``, is drawn as it is on screen.)

pyqtgraph's own exporters do the drawing: they put every item in export mode, so scatter
points become vector paths (``QWidget.render`` into a QSvgGenerator drew each point as a
squashed copy of a sprite sheet, 2.4–4 MB per file) and text and lines are drawn again at the
chosen scale instead of enlarged pixels.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QBuffer, QIODevice, QPoint, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QWidget

from engine.fileio import atomic_write_bytes

__all__ = ["SCALES", "PictureTarget", "picture_canvas", "render_picture", "save_picture"]

SCALES = (1, 2, 4)
"""PNG sizes offered, in multiples of the size on screen."""

PictureTarget = QWidget | QGraphicsItem | QGraphicsScene
"""A widget holding one pyqtgraph canvas, or a scene or item to draw directly."""


def picture_canvas(target: PictureTarget) -> QGraphicsItem | QGraphicsScene | None:
    """What to draw for ``target``: a widget's one pyqtgraph canvas as a whole scene (the
    loss plot's accuracy axis lives beside its PlotItem, not inside it); None for a widget
    with none or several (it is drawn whole)."""
    if isinstance(target, QGraphicsItem | QGraphicsScene):
        return target
    views = ([target] if isinstance(target, pg.GraphicsView)
             else target.findChildren(pg.GraphicsView))
    return views[0].scene() if len(views) == 1 else None


def render_picture(target: PictureTarget, suffix: str, scale: int = 1,
                   title: str = "Backprop Playground") -> bytes:
    """The picture as PNG or SVG bytes (``suffix`` '.png' or '.svg'); ``scale`` multiplies
    the PNG's width and height (an SVG is drawn at screen size and scales by itself)."""
    canvas = picture_canvas(target)
    if canvas is None:
        assert isinstance(target, QWidget)
        return _widget_picture(target, suffix, scale, title)
    if suffix == ".svg":
        with _closed_paths_tolerated():
            svg: bytes = pg_exporters.SVGExporter(canvas).export(toBytes=True)
        return svg.replace(b"<title>pyqtgraph SVG export</title>",
                           f"<title>{_xml_text(title)}</title>".encode(), 1)
    exporter = pg_exporters.ImageExporter(canvas)
    params = exporter.parameters()
    width = int(params["width"])
    if width < 1 or int(params["height"]) < 1:
        raise ValueError("the view has no size yet: show it once, then export")
    params["width"] = width * int(scale)  # the height follows, keeping the aspect ratio
    image = exporter.export(toBytes=True)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("cannot encode the PNG picture")
    return bytes(buffer.data())


def save_picture(target: PictureTarget, path: str, scale: int = 1) -> None:
    """Write a PNG (``scale`` × the size on screen) or SVG picture of ``target``, atomically.
    Raises ValueError (bad name or scale) or OSError (cannot draw or write); the file is
    untouched then."""
    name = Path(path).name
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError(f"{name}: pictures are saved as .png or .svg")
    if scale not in SCALES:
        raise ValueError(f"scale: {scale!r} is not one of {', '.join(map(str, SCALES))}")
    title = target.accessibleName() if isinstance(target, QWidget) else ""
    try:
        data = render_picture(target, suffix, scale, title or "Backprop Playground")
    except (OSError, ValueError) as e:
        raise type(e)(f"{name}: {e}") from e
    except Exception as e:  # a third-party renderer: any failure is one plain line
        raise OSError(f"{name}: cannot draw the picture ({type(e).__name__}: {e})"[:300]) from e
    atomic_write_bytes(path, data)


def _widget_picture(widget: QWidget, suffix: str, scale: int, title: str) -> bytes:
    """A whole widget as on screen: pixels (redrawn ``scale`` times larger) or QSvgGenerator
    vectors (sprite-drawn points stay pixels there)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if suffix == ".png":
        if scale == 1:
            image = widget.grab().toImage()
        else:
            image = QImage(widget.size() * scale, QImage.Format.Format_ARGB32)
            image.fill(widget.palette().window().color())
            painter = QPainter(image)
            try:
                painter.scale(scale, scale)
                widget.render(painter, QPoint(0, 0))
            finally:
                painter.end()
        if not image.save(buffer, "PNG"):
            raise OSError("cannot encode the PNG picture")
        return bytes(buffer.data())
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(widget.rect())
    generator.setTitle(title)
    painter = QPainter(generator)
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    return bytes(buffer.data())


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@contextlib.contextmanager
def _closed_paths_tolerated() -> Iterator[None]:
    """pyqtgraph 0.14's SVG exporter cannot parse a closed path's "Z" (pyqtgraph issue #3495):
    every plot's view box outline has one. While exporting, take the "Z"s out of each path
    before pyqtgraph maps its coordinates and put them back after."""
    module: Any = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates

    def correct(node: Any, defs: Any, item: Any, options: Any) -> None:
        closed = []
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            marks = [i for i, t in enumerate(tokens) if t == "Z"]
            if marks:
                path.setAttribute("d", " ".join(t for t in tokens if t != "Z"))
                if len(marks) < len(tokens):  # a path of nothing but "Z" stays empty
                    closed.append((path, marks))
        original(node, defs, item, options)
        for path, marks in closed:  # one token out per token in: the indexes still hold
            tokens = path.getAttribute("d").split()
            for i in marks:
                tokens.insert(i, "Z")
            path.setAttribute("d", " ".join(tokens))

    module.correctCoordinates = correct
    try:
        yield
    finally:
        module.correctCoordinates = original
