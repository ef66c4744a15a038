"""The network diagram, in parts: layout and hit-testing, graphics items, the inline editor,
tooltips and legends."""
