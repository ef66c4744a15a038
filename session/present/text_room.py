"""The room the text around the network diagram needs, measured by the view's fonts and
handed to ``session.present.layout.compute_layout`` (Qt-free: plain pixel widths)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_THUMB = 48.0
"""The largest unit thumbnail side at 100 % zoom."""
OUTPUT_LABEL_GAP = 6.0
"""Pixels between an output unit and its name."""
OUTPUT_LABEL_SHARE = 0.25
"""The output units' names take at most this share of the diagram's width (a narrow or
zoomed window cuts them short rather than squeeze the network)."""


@dataclass(frozen=True)
class TextRoom:
    """What the text around the diagram needs, in pixels (measured by the view's fonts)."""

    label_width: float
    """The widest input feature label, left of the inputs."""
    bias_text_width: float
    """Room for one number under a unit."""
    bias_text: bool
    """Whether to print a number under each unit (small networks), if it fits."""
    caption_height: float
    """The column captions' row at the bottom."""
    max_thumb: float = MAX_THUMB
    """The largest thumbnail side (the window zoom grows it for a projector)."""
    text_gap: float = 12.0
    """The height of a bias number under its unit (grows with the zoom)."""
    output_label_width: float = 0.0
    """The widest output unit's name right of the output (0: the units are not named)."""
