"""Fusion with the theme's outlines (issue 15): on a dark or black window Fusion draws check-box,
button and field frames a shade darker than the window, so they vanish, and its focus frame is a
faint 1-px line. This proxy draws those frames in the theme's outline colour (3:1) and every
focus frame as a 2-px ring in the theme's focus colour (3:1). The light theme keeps the native
style and only gets the ring (``frames=False``)."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QStyleOptionComplex,
    QWidget,
)

_INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
               QStyle.PrimitiveElement.PE_IndicatorRadioButton)
_FRAMED = (QStyle.PrimitiveElement.PE_PanelButtonCommand,
           QStyle.PrimitiveElement.PE_FrameLineEdit)
"""Push buttons and text fields: Fusion's frames are as dark as the window in these themes."""


_FOCUS_FRAMED = (QStyle.PrimitiveElement.PE_PanelButtonCommand,
                 QStyle.PrimitiveElement.PE_FrameLineEdit, QStyle.PrimitiveElement.PE_PanelLineEdit)
_FOCUS_CONTROLS = (QStyle.ComplexControl.CC_ComboBox, QStyle.ComplexControl.CC_Slider)


def _focused(option: QStyleOption) -> bool:
    return bool(option.state & QStyle.StateFlag.State_HasFocus)  # type: ignore[attr-defined]


class ThemedStyle(QProxyStyle):
    """``base`` (Fusion by default), with frames in ``outline`` and focus rings in ``focus``
    (the theme's colours; gui.theme passes them, so this module does not import it back)."""

    def __init__(self, outline: QColor, focus: QColor, base: str = "Fusion",
                 frames: bool = True) -> None:
        super().__init__(QStyleFactory.create(base) or QStyleFactory.create("Fusion"))
        self._colours = {"outline": QColor(outline), "focus": QColor(focus)}
        self._frames = frames

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:
            self._ring(painter, option.rect, "focus", 2)  # type: ignore[attr-defined]
            return
        super().drawPrimitive(element, option, painter, widget)
        if element in _FOCUS_FRAMED and _focused(option):
            # buttons and fields draw their focus as part of their frame: a ring instead
            self._ring(painter, option.rect, "focus", 2)  # type: ignore[attr-defined]
            return
        if not self._frames:
            return
        if element in _FRAMED:
            self._ring(painter, option.rect, "outline", 1)  # type: ignore[attr-defined]
        if element in _INDICATORS:
            self._ring(painter, option.rect, "outline", 1,  # type: ignore[attr-defined]
                       round_=element == _INDICATORS[1])

    def drawComplexControl(self, control: QStyle.ComplexControl,
                           option: QStyleOptionComplex, painter: QPainter,
                           widget: QWidget | None = None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in _FOCUS_CONTROLS and _focused(option):  # combos and sliders
            self._ring(painter, option.rect, "focus", 2)  # type: ignore[attr-defined]

    def _ring(self, painter: QPainter, rect: QRect, field: str, width: int,
              round_: bool = False) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, round_)
        pen = QPen(self._colours[field], width)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = (width + 1) // 2
        r = rect.adjusted(inset - 1 + width % 2, inset - 1 + width % 2, -inset, -inset)
        if round_:
            painter.drawEllipse(r)
        else:
            painter.drawRect(r)
        painter.restore()
