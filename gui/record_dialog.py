"""The Record animation dialog: what to record, frames per second, size, pacing and format.

It only asks; ``gui.recording.Recorder`` records. The size line shows the frame's pixels for
the views chosen, so a teacher sees at once whether it fits a slide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui.animation import MAX_FRAMES
from gui.capture import OWN_CAPTION
from gui.record_options import (
    MAX_FPS,
    MAX_HOLD,
    MIN_FPS,
    MIN_HOLD,
    VIDEO_HINT,
    VIEW_ORDER,
    VIEW_TITLES,
    Format,
    OptionError,
    RecordSettings,
    SizeSpec,
    View,
    check_size,
    video_available,
)

SCALES = (0.5, 0.75, 1.0, 1.5, 2.0)
FORMATS = [(Format.GIF, "Animated GIF (.gif) — plays everywhere, 256 colours"),
           (Format.APNG, "Animated PNG (.png) — full colour, larger"),
           (Format.MP4, "MP4 video (.mp4) — smallest, for video players")]

W = TypeVar("W", bound=QWidget)


def named(widget: W, object_name: str, accessible: str, tip: str = "") -> W:
    """``widget`` with the names tests and screen readers look for (and its tooltip)."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(tip)
    return widget


NaturalSize = Callable[[tuple[View, ...], bool], tuple[int, int]]
"""The on-screen size in pixels of views laid out together (with a caption or not)."""


class RecordDialog(QDialog):
    """Choices for one recording (objectName ``recordDialog``)."""

    def __init__(self, parent: QWidget | None, settings: RecordSettings,
                 natural: NaturalSize) -> None:
        super().__init__(parent)
        self.setObjectName("recordDialog")
        self.setWindowTitle("Record animation")
        self._natural = natural
        self.view_boxes: dict[View, QCheckBox] = {}
        views = QHBoxLayout()
        for view in (*VIEW_ORDER, View.WINDOW):
            box = named(QCheckBox(VIEW_TITLES[view]), f"record{view.value.capitalize()}",
                       f"Record the {VIEW_TITLES[view].lower()}")
            box.setChecked(view in settings.views)
            box.toggled.connect(lambda on, v=view: self._on_view(v, on))
            self.view_boxes[view] = box
            views.addWidget(box)
        self.fps = named(QSpinBox(), "recordFps", "Frames per second",
                        "Frames per second of the clip; GIF allows at most 50")
        self.fps.setRange(MIN_FPS, MAX_FPS)
        self.fps.setValue(settings.fps)
        self.scale = named(QComboBox(), "recordScale", "Size",
                          "The clip's size as a multiple of the size on screen; larger sizes "
                          "are drawn again, so text stays sharp")
        for s in SCALES:
            self.scale.addItem(f"{s:g}×" + (" (as on screen)" if s == 1 else ""), s)
        self.scale.setCurrentIndex(max(0, self.scale.findData(settings.size.scale)))
        self.size_label = named(QLabel(), "recordSizeLabel", "Frame size in pixels")
        self.every = named(QSpinBox(), "recordEvery", "Frame every K epochs",
                          "While training runs: a frame every K epochs, or (as shown) at most "
                          "the frames per second of real time")
        self.every.setRange(0, 100_000)
        self.every.setSpecialValueText("a frame each time it is drawn, up to the fps")
        self.every.setPrefix("a frame every ")
        self.every.setSuffix(" epochs")
        self.every.setValue(settings.every)
        self.hold = named(QDoubleSpinBox(), "recordHold", "Step frames last",
                         "How long a picture after a Step (a phase) or a pause stays on")
        self.hold.setRange(MIN_HOLD, MAX_HOLD)
        self.hold.setSingleStep(0.5)
        self.hold.setDecimals(1)
        self.hold.setSuffix(" s")
        self.hold.setValue(settings.hold)
        self.caption = named(QCheckBox("Caption with the epoch and loss, or the phase"),
                            "recordCaption", "Caption",
                            "A line above the views saying what the frame shows (the whole "
                            "window and the loss plot show their own)")
        self.caption.setChecked(settings.caption)
        self.caption.toggled.connect(self._update)
        self.format = named(QComboBox(), "recordFormat", "File format")
        for fmt, text in FORMATS:
            self.format.addItem(text, fmt)
        if not video_available():
            i = self.format.findData(Format.MP4)
            self.format.setItemText(i, "MP4 video — needs the imageio-ffmpeg package")
            self.format.model().item(i).setEnabled(False)  # type: ignore[attr-defined]
            self.format.setItemData(i, VIDEO_HINT, 3)  # ToolTipRole
        chosen = settings.format if settings.format is not Format.MP4 or video_available() \
            else Format.GIF
        self.format.setCurrentIndex(self.format.findData(chosen))

        form = QFormLayout()
        form.addRow("Record", views)
        form.addRow("Frames per second", self.fps)
        form.addRow("Size", self.scale)
        form.addRow("", self.size_label)
        form.addRow("", self.caption)
        form.addRow("While training runs", self.every)
        form.addRow("A frame after a Step lasts", self.hold)
        form.addRow("Format", self.format)
        note = QLabel(f"Then Run or Step as usual. Press ■ in the toolbar (or File › Stop "
                      f"recording) to save. Recording stops by itself at {MAX_FRAMES} frames.")
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start recording")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addLayout(form)
        v.addWidget(note)
        v.addWidget(self.buttons)
        self.scale.currentIndexChanged.connect(self._update)
        self._update()

    def views(self) -> tuple[View, ...]:
        if self.view_boxes[View.WINDOW].isChecked():
            return (View.WINDOW,)
        return tuple(v for v in VIEW_ORDER if self.view_boxes[v].isChecked())

    def settings(self) -> RecordSettings:
        return RecordSettings(views=self.views(), fps=self.fps.value(),
                              size=SizeSpec(scale=float(self.scale.currentData())),
                              every=self.every.value(), hold=round(self.hold.value(), 1),
                              format=Format(self.format.currentData()),
                              caption=self.caption.isChecked())

    def _on_view(self, view: View, on: bool) -> None:
        """The whole window holds the other views: it is chosen alone."""
        if on and view is View.WINDOW:
            for v in VIEW_ORDER:
                self.view_boxes[v].setChecked(False)
        elif on:
            self.view_boxes[View.WINDOW].setChecked(False)
        self._update()

    def _update(self) -> None:
        views = self.views()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if not views:
            self.size_label.setText("Choose at least one view.")
            ok.setEnabled(False)
            return
        self.caption.setEnabled(views not in OWN_CAPTION)
        size = SizeSpec(scale=float(self.scale.currentData())).output_size(
            self._natural(views, self.caption.isChecked()))
        try:
            check_size(size)
        except OptionError as e:
            self.size_label.setText(str(e))
            ok.setEnabled(False)
            return
        self.size_label.setText(f"{size[0]} × {size[1]} pixels")
        ok.setEnabled(True)
