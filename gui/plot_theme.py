"""The plots follow the theme (issue 15): background, axes, tick text and the theme-coloured
curves are restyled on every change; the data colours (gui.colors) stay as they are."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt

from gui.theme import Theme


def style_plot(widget: pg.PlotWidget, theme: Theme) -> None:
    """Background, axis lines (graphics colour) and axis text (text colour) of ``widget``."""
    widget.setBackground(theme.qcolor("base"))
    plot = widget.getPlotItem()
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(theme.axis))
        axis.setTextPen(pg.mkPen(theme.text))
        if axis.labelText:  # the label keeps its own colour unless set again
            style = {**axis.labelStyle, "color": theme.hex("text")}
            axis.setLabel(axis.labelText, units=axis.labelUnits or None,
                          unitPrefix=axis.labelUnitPrefix or None, **style)


def restyle_loss_plot(view: Any, theme: Theme) -> None:
    """The loss plot (gui.loss_plot.LossPlot): the loss curves are drawn in the text colour."""
    style_plot(view.plot_widget, theme)
    view.train_loss_curve.setPen(pg.mkPen(theme.text, width=2))
    view.test_loss_curve.setPen(pg.mkPen(theme.text, width=2, style=Qt.PenStyle.DashLine))
    view.test_loss_curve.setSymbolBrush(pg.mkBrush(theme.base))
    view.test_loss_curve.setSymbolPen(pg.mkPen(theme.text, width=1.5))
    view.hover_line.setPen(pg.mkPen(theme.faint_text, width=1, style=Qt.PenStyle.DotLine))
    view.hover_text.setColor(theme.qcolor("text"))
    view.hover_text.fill = pg.mkBrush(theme.text_box)
    view.hover_text.border = pg.mkPen(theme.outline)
    view.hover_text.update()
    if getattr(view, "legend", None) is not None:  # built after the plot
        view._update_legend()


def restyle_output_view(view: Any, theme: Theme) -> None:
    """The output view (gui.output_view.OutputView): its axes and the curve drawn on the plot's
    background; the markers drawn over the signed map keep their dark/white rings."""
    style_plot(view.plot_widget, theme)
    view.curve.setPen(pg.mkPen(theme.text, width=3))
    view.threshold.setPen(pg.mkPen(theme.faint_text, width=1, style=Qt.PenStyle.DashLine))
