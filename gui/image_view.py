"""Image data as pictures (digits): the shown training sample as an upscaled grey image, and
each first-layer hidden unit's incoming weights as a small image on the diagram's palette
(orange negative, blue positive) — the classic weight picture, live while training runs.

Levels and arrangement come from ``session.present.images``; this module only colours and
scales them (nearest-neighbour, so every pixel stays a crisp square).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gui.colors import signed_lut
from gui.network.block import grey_rgba
from session.present.images import (
    SATURATED,
    WeightMosaic,
    grey_fractions,
    input_ranges,
    shown_sample,
    weight_mosaic,
)
from session.snapshot import Snapshot

BACKGROUND = (255, 255, 255, 255)
NO_IMAGES = "Weights as images: for image data (such as the 8×8 digits) only."


def signed_rgba(t: np.ndarray) -> np.ndarray:
    """(..., 4) uint8 RGBA of signed fractions in [−1, 1] on the weights' palette; NaN: white."""
    lut = signed_lut(256)
    idx = np.rint((np.clip(np.nan_to_num(t), -1, 1) + 1) * 127.5).astype(np.intp)
    out = lut[idx]
    out[np.isnan(t)] = BACKGROUND
    return np.ascontiguousarray(out, dtype=np.uint8)


def to_pixmap(rgba: np.ndarray, size: QSize) -> QPixmap:
    """An (H, W, 4) RGBA image scaled to fit ``size`` by a whole factor (≥ 1), nearest pixel."""
    h, w = rgba.shape[:2]
    image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
    k = max(1, min(size.width() // max(w, 1), size.height() // max(h, 1)))
    return QPixmap.fromImage(image.scaled(w * k, h * k, Qt.AspectRatioMode.IgnoreAspectRatio,
                                          Qt.TransformationMode.FastTransformation))


class ImageViews(QWidget):
    """The sample (``sampleImage``) and the weight picture (``weightImages``) side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageViews")
        self.setAccessibleName("Weights as images")
        self.sample_image = QLabel()
        self.sample_image.setObjectName("sampleImage")
        self.sample_image.setAccessibleName("The shown training sample as an image")
        self.sample_caption = QLabel()
        self.sample_caption.setObjectName("sampleCaption")
        self.weight_images = QLabel()
        self.weight_images.setObjectName("weightImages")
        self.weight_images.setAccessibleName("Each first-layer unit's incoming weights")
        self.weight_caption = QLabel()
        self.weight_caption.setObjectName("weightCaption")
        self.weight_caption.setWordWrap(True)
        for label in (self.sample_image, self.weight_images):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            label.setMinimumSize(40, 40)
        left = QVBoxLayout()
        left.addWidget(self.sample_image, 1)
        left.addWidget(self.sample_caption)
        right = QVBoxLayout()
        right.addWidget(self.weight_images, 1)
        right.addWidget(self.weight_caption)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 4, 4, 4)
        row.addLayout(left, 1)
        row.addLayout(right, 3)
        self._snap: Snapshot | None = None
        self._drawn: tuple[Snapshot, int | None] | None = None
        self._ranges: tuple[object, np.ndarray, np.ndarray] | None = None
        self.mosaic: WeightMosaic | None = None
        """The weight picture drawn last (None: none), for tests."""
        self.sample_fractions: np.ndarray | None = None
        """(rows, cols) grey fractions of the sample drawn last, for tests."""

    @staticmethod
    def applies(snap: Snapshot | None) -> bool:
        """Whether ``snap``'s data are images whose pixels are the network's raw inputs."""
        return (snap is not None and snap.data.image_shape is not None and len(snap.sizes) > 1
                and snap.sizes[0] == int(np.prod(snap.data.image_shape)))

    def set_snapshot(self, snap: Snapshot | None) -> None:
        """Show ``snap``; drawing waits until the widget is visible (then costs ~1 ms)."""
        self._snap = snap
        if self.isVisible():
            self._draw()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._draw()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._drawn = None
        self._draw()

    def _draw(self) -> None:
        snap = self._snap
        if not self.applies(snap):
            self._drawn, self.mosaic, self.sample_fractions = None, None, None
            for label in (self.sample_image, self.weight_images):
                label.clear()
            self.sample_caption.setText("")
            self.weight_caption.setText(NO_IMAGES)
            return
        assert snap is not None and snap.data.image_shape is not None
        key = (snap, shown_sample(snap))
        if self._drawn is not None and self._drawn[0] is snap and self._drawn[1] == key[1]:
            return
        self._drawn = key
        self._draw_sample(snap, snap.data.image_shape)
        box = self.weight_images.size()
        mosaic = weight_mosaic(snap.weights[0], snap.data.image_shape,
                               aspect=box.width() / max(box.height(), 1))
        self.mosaic = mosaic
        self.weight_images.setPixmap(to_pixmap(signed_rgba(mosaic.fractions), box))
        self.weight_caption.setText(
            f"Layer 1's {snap.sizes[1]} units, each one's incoming weights in unit order "
            f"(orange −, blue +; ±{mosaic.scale:.3g}, the largest {SATURATED:.0%} beyond)"
        )

    def _draw_sample(self, snap: Snapshot, shape: tuple[int, int]) -> None:
        k = shown_sample(snap)
        if self._ranges is None or self._ranges[0] is not snap.data:
            self._ranges = (snap.data, *input_ranges(snap.data))
        _, lo, hi = self._ranges
        if k is None:
            self.sample_fractions = np.full(shape, np.nan)
            self.sample_caption.setText("no training sample")
        else:
            x = snap.data.x_train[k]
            self.sample_fractions = grey_fractions(x, lo, hi).reshape(shape)
            label = int(snap.data.y_train[k]) if snap.data.task == "classification" else None
            names = snap.data.class_names
            name = "" if label is None else (
                f": {names[label]}" if label < len(names) else f": class {label}")
            how = " (traced)" if snap.traced_sample is not None else ""
            self.sample_caption.setText(f"Sample {k + 1}{how}{name}")
        self.sample_image.setPixmap(to_pixmap(grey_rgba(self.sample_fractions),
                                              self.sample_image.size()))
