"""The data panel: which data, how much, how noisy, how it is split and batched.

It shows the scenario in force (``show_scenario``) and sends what the user changes as commands
naming only the changed fields; the session decides how the run takes them.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.data.real import REAL_BY_KEY
from engine.datasets import DATASETS, generate
from engine.features import available_features
from engine.scenario import Scenario
from gui.class_symbols import class_path
from gui.colors import NEGATIVE, POSITIVE, class_color, signed_color
from gui.panels.widgets import EditSender, name, side_combo
from gui.theme import current
from session.commands import RegenerateData, Section, edit

CELL = QSize(72, 74)
ICON = 48
LONGEST_CAPTION = "Checkers"
"""The widest data-set caption in one line, which a cell must hold at any zoom."""
SHUFFLE_TIP = "Visit the training samples in a new order every epoch."
SHUFFLE_TF_TIP = ("Off with TensorFlow Playground rules: TF Playground shuffles once when the "
                  "data is made and trains in that one fixed order every epoch.")
"""One data set's cell in the gallery (thumbnail and caption)."""
SHORT_TITLES = {"xor": "XOR", "gauss": "Gauss", "spiral3": "3 spirals",
                "multi_gauss": "Bumps", "sine": "Sine", "xor_table": "XOR table",
                "and_table": "AND", "or_table": "OR", "not_table": "NOT", "iris": "Iris",
                "digits": "Digits 8×8", "diabetes": "Diabetes", "moons": "Moons",
                "checkerboard": "Checkers", "shifted": "Shifted"}
"""Gallery captions short enough to fit under a thumbnail; the tooltip has the full story."""


def dataset_icon(key: str, size: int = 56) -> QIcon:
    """A small picture of a data set: its points in the class or target colours (a set whose
    test points come from another region, as rings there)."""
    info = DATASETS[key]
    ds = generate(key, min(info.default_samples, 300), 0.0 if info.fixed_size else 0.05, 0)
    pix = QPixmap(size, size)
    pix.fill(current().qcolor("base"))
    real = REAL_BY_KEY.get(key)
    if real is not None and real.image_shape is not None:
        return QIcon(_image_icon(ds.x[0], real.image_shape, size))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    x0, x1, y0, y1 = ds.domain
    i, j = real.preview if real is not None else (0, 1)
    xs = ds.x[:, i]
    ys = ds.x[:, j] if ds.n_inputs >= 2 else ds.y.astype(float)
    if (i, j) != (0, 1):
        x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    px = 3 + (xs - x0) / (x1 - x0) * (size - 6)
    py = size - 3 - (ys - y0) / (y1 - y0) * (size - 6)
    radius = 5.0 if info.fixed_size else 1.6
    scale = float(np.max(np.abs(ds.y))) if ds.task == "regression" else 1.0
    p.setPen(Qt.PenStyle.NoPen)
    rings = np.zeros(ds.n_samples, dtype=bool)
    if info.split_column is not None:  # the region the test set comes from (half the data)
        column = ds.x[:, info.split_column]
        rings = column > np.median(column)
    for k, (cx, cy) in enumerate(zip(px, py, strict=True)):
        if ds.task == "regression":
            color = signed_color(float(ds.y[k]), scale or 1.0)
            if ds.n_inputs == 1:
                color = QColor(*POSITIVE)
        elif ds.n_classes > 2:
            color = QColor(*class_color(int(ds.y[k])))
        else:
            color = QColor(*(POSITIVE if ds.y[k] == 1 else NEGATIVE))
        if rings[k]:
            p.setPen(color)
            p.setBrush(Qt.BrushStyle.NoBrush)
        else:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
        if ds.task == "regression":
            p.drawEllipse(float(cx) - radius, float(cy) - radius, 2 * radius, 2 * radius)
        else:  # class shapes, as in the output view (at least 4 px, or a shape is lost)
            p.drawPath(class_path(int(ds.y[k]), float(cx), float(cy), max(2 * radius, 4.0)))
    p.end()
    return QIcon(pix)


def _image_icon(pixels: np.ndarray, shape: tuple[int, int], size: int) -> QPixmap:
    """One sample of image data as a greyscale thumbnail (ink dark on light)."""
    rows, cols = shape
    ink = np.asarray(pixels, dtype=float).reshape(rows, cols)
    grey = (250 - 230 * ink / max(float(ink.max()), 1e-12)).astype(np.uint8)
    image = QImage(grey.tobytes(), cols, rows, cols, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(image.copy()).scaled(size, size)


class DatasetGallery(QListWidget):
    """Data sets as thumbnails that flow into as many columns as the panel's width allows,
    always tall enough to show every one (no scrolling inside the side panel)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setMovement(QListWidget.Movement.Static)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._size_cells()

    def _cell(self) -> QSize:
        """A thumbnail's cell: CELL at the application's font, growing with the window zoom
        (and wide enough for the longest caption)."""
        base = QApplication.font().pointSizeF()
        factor = max(1.0, self.font().pointSizeF() / base) if base > 0 else 1.0
        caption = self.fontMetrics().horizontalAdvance(LONGEST_CAPTION) + 10
        return QSize(max(round(CELL.width() * factor), caption), round(CELL.height() * factor))

    def _size_cells(self) -> None:
        cell = self._cell()
        icon = round(ICON * cell.height() / CELL.height())
        self.setIconSize(QSize(icon, icon))
        self.setGridSize(cell)
        self.setMinimumWidth(2 * cell.width() + 8)
        self.fit_height()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # the window zoom
            self._size_cells()
        super().changeEvent(event)

    def fit_height(self) -> None:
        cell = self.gridSize()
        columns = max(1, (self.viewport().width()) // cell.width())
        rows = max(1, -(-self.count() // columns))
        self.setFixedHeight(rows * cell.height() + 2 * self.frameWidth() + 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_height()


class DataPanel(EditSender, QGroupBox):
    """Which data, how much, how noisy, how it is split and batched."""

    commandRequested = Signal(object)
    """An ``EditScenario`` or ``RegenerateData`` command."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        self._scenario: Scenario | None = None
        layout = QVBoxLayout(self)

        self.task = name(side_combo(), "problemType", "Problem type",
                         "Classification: predict a class. Regression: predict a number.")
        self.task.addItem("Classification", "classification")
        self.task.addItem("Regression", "regression")
        row = QHBoxLayout()
        problem = QLabel("Problem")
        problem.setBuddy(self.task)
        row.addWidget(problem)
        row.addWidget(self.task, 1)
        layout.addLayout(row)

        self.gallery = name(DatasetGallery(), "datasetPicker", "Data set",
                            "Pick a data set. Orange and blue are the two classes.")
        self._icons = {key: dataset_icon(key) for key in DATASETS}
        layout.addWidget(self.gallery)

        form = QFormLayout()
        self.noise = name(QSlider(Qt.Orientation.Horizontal), "noise", "Noise",
                          "How much the data is scattered (0–50%).")
        self.noise.setRange(0, 50)
        self.noise_label = QLabel()
        noise_row = QHBoxLayout()
        noise_row.addWidget(self.noise, 1)
        noise_row.addWidget(self.noise_label)
        form.addRow("Noise", noise_row)
        self.samples = name(QSpinBox(), "sampleCount", "Number of samples",
                            "How many points to generate.")
        self.samples.setRange(1, 5000)
        self.samples.setSingleStep(50)
        self.samples.setKeyboardTracking(False)
        form.addRow("Samples", self.samples)
        self.ratio = name(QSlider(Qt.Orientation.Horizontal), "trainRatio",
                          "Training data ratio", "Share of the data used for training; the "
                          "rest is the test set.")
        self.ratio.setRange(10, 100)
        self.ratio.setSingleStep(10)
        self.ratio.setPageStep(10)
        self.ratio_label = QLabel()
        ratio_row = QHBoxLayout()
        ratio_row.addWidget(self.ratio, 1)
        ratio_row.addWidget(self.ratio_label)
        form.addRow("Train %", ratio_row)
        self.batch = name(QSpinBox(), "batchSize", "Batch size",
                          "Samples per weight update. Applies live; larger than the training "
                          "set means full batch.")
        self.batch.setRange(1, 5000)
        self.batch.setKeyboardTracking(False)
        self.shuffle = name(QCheckBox("shuffle"), "shuffle", "Shuffle each epoch", SHUFFLE_TIP)
        batch_row = QHBoxLayout()
        batch_row.addWidget(self.batch, 1)
        batch_row.addWidget(self.shuffle)
        form.addRow("Batch size", batch_row)
        layout.addLayout(form)
        self.regenerate = name(QPushButton("Regenerate data"), "regenerateButton",
                               "Regenerate data", "Draw new points (new data seed); "
                               "the weights are re-initialised.")
        layout.addWidget(self.regenerate)

        self.task.currentIndexChanged.connect(self._on_task)
        self.gallery.currentItemChanged.connect(self._on_dataset)
        self.noise.valueChanged.connect(self._on_noise_moved)
        self.noise.sliderReleased.connect(self._on_noise)
        self.ratio.valueChanged.connect(self._on_ratio_moved)
        self.ratio.sliderReleased.connect(self._on_ratio)
        self.samples.valueChanged.connect(self._on_samples)
        self.batch.valueChanged.connect(self._on_batch)
        self.shuffle.toggled.connect(self._on_shuffle)
        self.regenerate.clicked.connect(self._on_regenerate)

    def show_scenario(self, s: Scenario) -> None:
        self._scenario = s
        widgets = (self.task, self.gallery, self.noise, self.samples, self.ratio, self.batch,
                   self.shuffle)
        for w in widgets:
            w.blockSignals(True)
        d = s.data
        custom = d.dataset == "custom"
        task = d.custom.task if custom and d.custom else DATASETS[d.dataset].task
        self.task.setCurrentIndex(self.task.findData(task))
        self._fill_gallery(task, d.dataset)
        fixed = custom or DATASETS[d.dataset].fixed_size
        self.noise.setValue(round(d.noise * 100))
        self.noise_label.setText(f"{round(d.noise * 100)}%")
        if custom and d.custom is not None:
            self.samples.setValue(len(d.custom.x))
        elif fixed:
            self.samples.setValue(DATASETS[d.dataset].default_samples)
        else:
            self.samples.setValue(d.n_samples)
        for w in (self.noise, self.samples):
            w.setEnabled(not fixed)
        self.ratio.setValue(round(d.train_fraction * 100))
        self.ratio_label.setText(f"{round(d.train_fraction * 100)}%")
        self.batch.setValue(s.train.batch_size)
        self.shuffle.setChecked(s.train.shuffle and not s.train.tf_rules)  # TF: one order
        self.shuffle.setEnabled(not s.train.tf_rules)
        self.shuffle.setToolTip(SHUFFLE_TF_TIP if s.train.tf_rules else SHUFFLE_TIP)
        self.regenerate.setEnabled(not fixed)
        for w in widgets:
            w.blockSignals(False)

    def _fill_gallery(self, task: str, current: str) -> None:
        self.gallery.clear()
        for key, info in DATASETS.items():
            if info.task != task:
                continue
            item = QListWidgetItem(self._icons[key], SHORT_TITLES.get(key, info.title))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{info.title}: {info.description}")
            self.gallery.addItem(item)
            if key == current:
                self.gallery.setCurrentItem(item)
        self.gallery.fit_height()

    def _emit(self, **data_changes: object) -> None:
        if self._scenario is not None:
            self.send_edit(edit(Section.DATA, **data_changes))

    @Slot()
    def _on_regenerate(self) -> None:
        self.send_edit(RegenerateData())

    @Slot(int)
    def _on_task(self, _index: int) -> None:
        task = self.task.currentData()
        first = next(k for k, info in DATASETS.items() if info.task == task)
        info = DATASETS[first]
        tf_rules = self._scenario is not None and self._scenario.train.tf_rules
        self._emit(dataset=first, custom=None, n_samples=info.samples(tf_rules),
                   noise=info.default_noise)

    @Slot(object, object)
    def _on_dataset(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None or self._scenario is None:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        if key == self._scenario.data.dataset:
            return
        info = DATASETS[key]
        was_real = self._scenario.data.dataset in REAL_BY_KEY
        n = info.default_samples if info.fixed_size or was_real else self._scenario.data.n_samples
        changes: dict[str, object] = {"dataset": key, "custom": None, "n_samples": n}
        if key in REAL_BY_KEY:
            # Real measurements come in their own units (cm, ink counts): standardise them,
            # and feed every column.
            changes.update(standardize=True, features=tuple(available_features(info.n_inputs)))
        elif was_real:
            changes.update(standardize=False)
        self._emit(**changes)

    @Slot(int)
    def _on_noise_moved(self, value: int) -> None:
        self.noise_label.setText(f"{value}%")
        if not self.noise.isSliderDown():
            self._on_noise()

    @Slot()
    def _on_noise(self) -> None:
        self._emit(noise=self.noise.value() / 100.0)

    @Slot(int)
    def _on_ratio_moved(self, value: int) -> None:
        self.ratio_label.setText(f"{value}%")
        if not self.ratio.isSliderDown():
            self._on_ratio()

    @Slot()
    def _on_ratio(self) -> None:
        self._emit(train_fraction=self.ratio.value() / 100.0)

    @Slot(int)
    def _on_samples(self, value: int) -> None:
        self._emit(n_samples=value)

    @Slot(int)
    def _on_batch(self, value: int) -> None:
        if self._scenario is not None:
            self.send_edit(edit(Section.TRAIN, batch_size=value))

    @Slot(bool)
    def _on_shuffle(self, on: bool) -> None:
        if self._scenario is not None:
            self.send_edit(edit(Section.TRAIN, shuffle=on))
