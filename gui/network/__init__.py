"""The network diagram, in parts: layout and hit-testing (``session.present.layout``), graphics
items, the inline editor, tooltips and legends. ``NetworkView`` is the widget."""

from gui.network.view import NetworkView

__all__ = ["NetworkView"]
