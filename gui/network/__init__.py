"""The network diagram, in parts: ``view`` (the ``NetworkView`` widget: mouse, hover, editor),
``scene`` (what is drawn, rebuilt per architecture, re-coloured per frame), ``edges``, ``items``,
``thumbnails`` and ``phase`` (graphics items), ``legend``, ``editor`` and ``tooltips``. Layout,
hit-testing and colour levels are Qt-free in ``session.present``.

Drawing is built for 30 frames a second without starving the trainer of the GIL: geometry is
rebuilt only when the architecture changes; each frame re-colours a few arrays. A column's
thumbnails are one mosaic ``ImageItem``; all edges are one item that strokes ~17 colour buckets
as single 1-px paths plus the strongest few hundred as wide lines (see DESIGN-NOTES). The view
box maps one view unit to one canvas pixel, so layout, text and hit tests work in pixels.
"""

from gui.network.view import NetworkView

__all__ = ["NetworkView"]
