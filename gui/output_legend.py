"""What the output view writes: the legend under the plot, axis titles and class names.

Separate from the drawing so the wording for each kind of problem is in one place. Default
names keep their old look ("class 0", "x₁"); names from a file are shown as the file spells
them.
"""

from __future__ import annotations

from enum import Enum

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush

from engine.data.dataset import class_title
from gui.class_symbols import class_glyph
from gui.colors import NEGATIVE, POSITIVE, class_color, signed_lut
from session.snapshot import DataView

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class OutputKind(Enum):
    """What the output view draws for a data set."""

    CURVE = "curve"
    """One input: the network's function as a curve through the data."""
    PLANE = "plane"
    """Two inputs (or a classification over more): the map over two input columns."""
    FIT = "fit"
    """Regression over more than two inputs: each sample's prediction against its target."""


def output_kind(d: DataView) -> OutputKind:
    if d.n_inputs == 1:
        return OutputKind.CURVE
    if d.n_inputs > 2 and d.task == "regression":
        return OutputKind.FIT
    return OutputKind.PLANE


def class_label(d: DataView, k: int) -> str:
    """Class ``k`` as the legend names it: "class 3" for a default name, else the name."""
    return class_title(k, d.class_names[k] if k < len(d.class_names) else str(k))


def input_label(d: DataView, column: int) -> str:
    """Raw column ``column`` (0-based) as an axis title: "x₁" for a default name."""
    default = f"x{column + 1}"
    name = d.input_names[column] if column < len(d.input_names) else default
    return f"x{str(column + 1).translate(SUBSCRIPTS)}" if name == default else name


def _swatch(rgb: tuple[int, int, int], glyph: str = "■") -> str:
    return f"<span style='color: rgb{rgb}'>{glyph}</span>"


def legend_text(d: DataView, pca: bool = False) -> str:
    """What the colours and marker shapes mean for this data (1-D plots have no coloured
    background); ``pca``: the map is drawn over the first two principal components."""
    if d.task == "regression":
        neg, pos = _swatch(NEGATIVE), _swatch(POSITIVE)
    else:
        neg, pos = _swatch(NEGATIVE, class_glyph(0)), _swatch(POSITIVE, class_glyph(1))
    names = [class_label(d, k) for k in range(max(d.n_classes, 2))]
    kind = output_kind(d)
    if kind is OutputKind.FIT:
        return ("Dots: each sample's prediction (up) against its target (across): training "
                "data (white rim), test data (dark rim). Dashed: prediction = target.")
    if kind is OutputKind.CURVE:
        what = ("Curve: the network's output. " if d.task == "regression" else
                "Curve: the network's output; dashed: the decision threshold. ")
        if d.task == "regression":
            return what + f"Dots: the targets ({neg}&nbsp;negative · {pos}&nbsp;positive)."
        tight = [n.replace(" ", "&nbsp;") for n in names]
        return what + f"Dots: {neg}&nbsp;{tight[0]} · {pos}&nbsp;{tight[1]}."
    held = ("" if d.n_inputs <= 2 else " The plane: the training data's two main directions "
            "(PCA) through its mean." if pca else " Other inputs: their training mean.")
    if d.task == "regression":
        return ("Colour: the prediction — orange negative, blue positive. "
                "Points: the targets." + held)
    if d.n_classes > 2:
        listed = ", ".join(f"{_swatch(class_color(k), class_glyph(k))} {class_label(d, k)}"
                           for k in range(d.n_classes))
        return f"{listed}. Paler = less sure.{held}"
    return (f"{neg} {names[0]} · {pos} {names[1]}. Background: the network's output. "
            "Dots: training data (white rim), test data (dark rim)." + held)


def point_brushes(d: DataView, labels: np.ndarray) -> list[QBrush]:
    """One fill per data point (N,): its class's colour, or a regression target's place on
    the signed palette (±the largest |target|)."""
    if d.task == "regression":
        scale = float(np.max(np.abs(d.y_train))) if len(d.y_train) else 1.0
        lut = signed_lut()
        idx = np.clip(((labels / (scale or 1.0)) * 0.5 + 0.5) * 255, 0, 255).astype(int)
        return [pg.mkBrush(*lut[i][:3]) for i in idx]
    if d.n_classes > 2:
        return [pg.mkBrush(*class_color(int(k))) for k in labels]
    return [pg.mkBrush(*(POSITIVE if k == 1 else NEGATIVE)) for k in labels]
