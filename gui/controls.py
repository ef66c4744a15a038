"""The side panel: data, input features and training settings.

Each panel shows a ``Scenario`` (``show``) and, when the user changes something, emits
``changed(kind, scenario)`` with a new scenario built by ``dataclasses.replace``:

* ``"optimizer"`` — learning rate, optimiser, regularisation: applied live, weights kept;
* ``"training"`` — batch size, shuffling, reduction: applied live, weights kept;
* ``"rebuild"`` — data, features, loss, initialisation: needs new weights (the window says so).

The panels hold no state of their own beyond their widgets; the window owns the scenario.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QDoubleValidator, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
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

from engine.datasets import DATASETS, generate
from engine.features import FEATURES, available_features
from engine.initializers import INIT_SCHEMES
from engine.losses import LOSSES
from engine.optimizers import OPTIMIZERS, REGULARIZATIONS
from engine.scenario import Scenario
from gui.colors import NEGATIVE, POSITIVE, class_color, signed_color

LEARNING_RATES = ["0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1",
                  "3", "10"]
REG_RATES = ["0", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]
MAX_SEED = 2**31 - 1
GALLERY_COLUMNS = 4
SHORT_TITLES = {"xor": "XOR", "gauss": "Gauss", "spiral3": "3 spirals",
                "multi_gauss": "Bumps", "sine": "Sine", "xor_table": "XOR table",
                "and_table": "AND", "or_table": "OR", "not_table": "NOT"}
"""Gallery captions short enough to fit under a thumbnail; the tooltip has the full story."""


def name(widget: QWidget, object_name: str, accessible: str, tip: str = "") -> QWidget:
    """Give a widget the names tests, automation and screen readers look for."""
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    if tip:
        widget.setToolTip(tip)
    return widget


def number_combo(values: list[str], object_name: str, accessible: str, tip: str) -> QComboBox:
    """An editable combo of suggested numbers that accepts any finite, non-negative value."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(values)
    validator = QDoubleValidator(0.0, 1e6, 10, combo)
    validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
    combo.lineEdit().setValidator(validator)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    name(combo, object_name, accessible, tip)
    return combo


def set_combo_number(combo: QComboBox, value: float) -> None:
    text = f"{value:g}"
    i = combo.findText(text)
    if i >= 0:
        combo.setCurrentIndex(i)
    else:
        combo.setEditText(text)


def combo_number(combo: QComboBox) -> float | None:
    try:
        v = float(combo.currentText())
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def dataset_icon(key: str, size: int = 56) -> QIcon:
    """A small picture of a data set: its points in the class or target colours."""
    info = DATASETS[key]
    ds = generate(key, min(info.default_samples, 300), 0.0 if info.fixed_size else 0.05, 0)
    pix = QPixmap(size, size)
    pix.fill(QColor(250, 250, 250))
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    x0, x1, y0, y1 = ds.domain
    xs = ds.x[:, 0]
    ys = ds.x[:, 1] if ds.n_inputs == 2 else ds.y.astype(float)
    px = 3 + (xs - x0) / (x1 - x0) * (size - 6)
    py = size - 3 - (ys - y0) / (y1 - y0) * (size - 6)
    radius = 5.0 if info.fixed_size else 1.6
    scale = float(np.max(np.abs(ds.y))) if ds.task == "regression" else 1.0
    p.setPen(Qt.PenStyle.NoPen)
    for k, (cx, cy) in enumerate(zip(px, py, strict=True)):
        if ds.task == "regression":
            color = signed_color(float(ds.y[k]), scale or 1.0)
            if ds.n_inputs == 1:
                color = QColor(*POSITIVE)
        elif ds.n_classes > 2:
            color = QColor(*class_color(int(ds.y[k])))
        else:
            color = QColor(*(POSITIVE if ds.y[k] == 1 else NEGATIVE))
        p.setBrush(color)
        p.drawEllipse(float(cx) - radius, float(cy) - radius, 2 * radius, 2 * radius)
    p.end()
    return QIcon(pix)


class DataPanel(QGroupBox):
    """Which data, how much, how noisy, how it is split and batched."""

    changed = Signal(str, object)
    regenerateRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        self._scenario: Scenario | None = None
        layout = QVBoxLayout(self)

        self.task = name(QComboBox(), "problemType", "Problem type",
                         "Classification: predict a class. Regression: predict a number.")
        self.task.addItem("Classification", "classification")
        self.task.addItem("Regression", "regression")
        row = QHBoxLayout()
        row.addWidget(QLabel("Problem"))
        row.addWidget(self.task, 1)
        layout.addLayout(row)

        self.gallery = name(QListWidget(), "datasetPicker", "Data set",
                            "Pick a data set. Orange and blue are the two classes.")
        self.gallery.setViewMode(QListWidget.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(48, 48))
        self.gallery.setGridSize(QSize(72, 74))
        self.gallery.setMovement(QListWidget.Movement.Static)
        self.gallery.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.gallery.setWordWrap(True)
        self.gallery.setFixedHeight(2 * 74 + 8)
        self.gallery.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        self.shuffle = name(QCheckBox("shuffle"), "shuffle", "Shuffle each epoch",
                            "Visit the training samples in a new order every epoch.")
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
        self.regenerate.clicked.connect(self.regenerateRequested)

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
        self.shuffle.setChecked(s.train.shuffle)
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
        rows = -(-self.gallery.count() // GALLERY_COLUMNS)
        self.gallery.setFixedHeight(max(1, rows) * 74 + 8)

    def _emit(self, kind: str, **data_changes: object) -> None:
        if self._scenario is None:
            return
        s = self._scenario
        self.changed.emit(kind, replace(s, data=replace(s.data, **data_changes)))

    @Slot(int)
    def _on_task(self, _index: int) -> None:
        task = self.task.currentData()
        first = next(k for k, info in DATASETS.items() if info.task == task)
        info = DATASETS[first]
        self._emit("rebuild", dataset=first, custom=None, n_samples=info.default_samples,
                   noise=info.default_noise)

    @Slot(object, object)
    def _on_dataset(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is None or self._scenario is None:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        if key == self._scenario.data.dataset:
            return
        info = DATASETS[key]
        n = self._scenario.data.n_samples if not info.fixed_size else info.default_samples
        self._emit("rebuild", dataset=key, custom=None, n_samples=n)

    @Slot(int)
    def _on_noise_moved(self, value: int) -> None:
        self.noise_label.setText(f"{value}%")
        if not self.noise.isSliderDown():
            self._on_noise()

    @Slot()
    def _on_noise(self) -> None:
        self._emit("rebuild", noise=self.noise.value() / 100.0)

    @Slot(int)
    def _on_ratio_moved(self, value: int) -> None:
        self.ratio_label.setText(f"{value}%")
        if not self.ratio.isSliderDown():
            self._on_ratio()

    @Slot()
    def _on_ratio(self) -> None:
        self._emit("rebuild", train_fraction=self.ratio.value() / 100.0)

    @Slot(int)
    def _on_samples(self, value: int) -> None:
        self._emit("rebuild", n_samples=value)

    @Slot(int)
    def _on_batch(self, value: int) -> None:
        if self._scenario is not None:
            s = self._scenario
            self.changed.emit("training", replace(s, train=replace(s.train, batch_size=value)))

    @Slot(bool)
    def _on_shuffle(self, on: bool) -> None:
        if self._scenario is not None:
            s = self._scenario
            self.changed.emit("training", replace(s, train=replace(s.train, shuffle=on)))


class FeaturePanel(QGroupBox):
    """Which input features feed the network (TensorFlow Playground's seven)."""

    changed = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Input features", parent)
        self._scenario: Scenario | None = None
        grid = QGridLayout(self)
        self.boxes: dict[str, QCheckBox] = {}
        for k, (key, feature) in enumerate(FEATURES.items()):
            box = name(QCheckBox(feature.label), f"feature_{key}", f"Feature {feature.label}",
                       f"Feed {feature.label} to the network. Changing features rebuilds the "
                       "network with new weights.")
            box.toggled.connect(self._on_toggle)
            grid.addWidget(box, k // 2, k % 2)
            self.boxes[key] = box

    def show_scenario(self, s: Scenario) -> None:
        self._scenario = s
        n_inputs = 1 if s.data.dataset != "custom" and DATASETS[s.data.dataset].n_inputs == 1 \
            else 2
        if s.data.dataset == "custom" and s.data.custom is not None:
            n_inputs = len(s.data.custom.x[0])
        allowed = available_features(n_inputs)
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(key in s.data.features)
            box.setEnabled(key in allowed)
            box.blockSignals(False)

    @Slot(bool)
    def _on_toggle(self, _on: bool) -> None:
        if self._scenario is None:
            return
        chosen = tuple(k for k, box in self.boxes.items() if box.isChecked())
        if not chosen:
            self.show_scenario(self._scenario)  # at least one feature stays on
            return
        s = self._scenario
        self.changed.emit("rebuild", replace(s, data=replace(s.data, features=chosen)))


class TrainingPanel(QGroupBox):
    """Learning rate, optimiser, loss, regularisation, initialisation and seed."""

    changed = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Training", parent)
        self._scenario: Scenario | None = None
        form = QFormLayout(self)
        self.lr = number_combo(LEARNING_RATES, "learningRate", "Learning rate",
                               "Step size η of each update. Applies live, without a reset.")
        form.addRow("Learning rate", self.lr)
        self.optimizer = name(QComboBox(), "optimizer", "Optimizer",
                              "How gradients become updates. Applies live.")
        for key, title in OPTIMIZERS.items():
            self.optimizer.addItem(title, key)
        form.addRow("Optimizer", self.optimizer)
        self.loss = name(QComboBox(), "loss", "Loss function",
                         "What training minimises. Changing it re-initialises the weights.")
        for key, loss in LOSSES.items():
            self.loss.addItem(loss.title, key)
        form.addRow("Loss", self.loss)
        self.reduction = name(QComboBox(), "reduction", "Batch reduction",
                              "Mean divides gradients by the batch size; sum (as many "
                              "notebooks do) adds them up. Applies live.")
        self.reduction.addItem("mean over batch", "mean")
        self.reduction.addItem("sum over batch", "sum")
        form.addRow("Reduction", self.reduction)
        self.regularization = name(QComboBox(), "regularization", "Regularization",
                                   "Penalty on large weights (never biases). Applies live.")
        for key, title in REGULARIZATIONS.items():
            self.regularization.addItem(title, key)
        form.addRow("Regularization", self.regularization)
        self.reg_rate = number_combo(REG_RATES, "regRate", "Regularization rate",
                                     "Strength λ of the penalty. Applies live.")
        form.addRow("Reg. rate", self.reg_rate)
        self.init = name(QComboBox(), "initScheme", "Initialization",
                         "How the starting weights are drawn. Changing it re-initialises.")
        for key, text in INIT_SCHEMES.items():
            if key != "explicit":
                self.init.addItem(text.split(":")[0], key)
        self.init.addItem("Explicit (preset's weights)", "explicit")
        form.addRow("Init", self.init)
        self.seed = name(QSpinBox(), "seed", "Seed",
                         "Seed of the starting weights and of the shuffle order: the same "
                         "seed repeats a run exactly. Reset moves to the next seed.")
        self.seed.setRange(0, MAX_SEED)
        self.seed.setKeyboardTracking(False)
        form.addRow("Seed", self.seed)

        self.lr.activated.connect(self._on_optimizer)
        self.lr.lineEdit().editingFinished.connect(self._on_optimizer)
        self.reg_rate.activated.connect(self._on_optimizer)
        self.reg_rate.lineEdit().editingFinished.connect(self._on_optimizer)
        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        self.regularization.currentIndexChanged.connect(self._on_optimizer)
        self.reduction.currentIndexChanged.connect(self._on_reduction)
        self.loss.currentIndexChanged.connect(self._on_rebuild)
        self.init.currentIndexChanged.connect(self._on_rebuild)
        self.seed.valueChanged.connect(self._on_rebuild)

    def show_scenario(self, s: Scenario) -> None:
        self._scenario = s
        widgets = (self.lr, self.optimizer, self.loss, self.reduction, self.regularization,
                   self.reg_rate, self.init, self.seed)
        for w in widgets:
            w.blockSignals(True)
        o = s.train.optimizer
        set_combo_number(self.lr, o.learning_rate)
        self.optimizer.setCurrentIndex(self.optimizer.findData(o.kind))
        self.loss.setCurrentIndex(self.loss.findData(s.train.loss))
        self.reduction.setCurrentIndex(self.reduction.findData(s.train.reduction))
        self.regularization.setCurrentIndex(self.regularization.findData(o.regularization))
        set_combo_number(self.reg_rate, o.reg_rate)
        self.reg_rate.setEnabled(o.regularization != "none")
        self.init.setCurrentIndex(self.init.findData(s.init.scheme))
        self.seed.setValue(s.init.seed)
        self.seed.setEnabled(s.init.scheme != "explicit")
        for w in widgets:
            w.blockSignals(False)

    @Slot()
    def _on_optimizer(self, *_args: object) -> None:
        if self._scenario is None:
            return
        s = self._scenario
        lr = combo_number(self.lr)
        rate = combo_number(self.reg_rate)
        if lr is None or lr <= 0 or rate is None:
            self.show_scenario(s)  # not a usable number: show the value in force again
            self.changed.emit("refused", "the learning rate must be a number above 0 and "
                              "the regularisation rate a number of at least 0")
            return
        o = replace(s.train.optimizer, learning_rate=lr, kind=self.optimizer.currentData(),
                    regularization=self.regularization.currentData(), reg_rate=rate)
        if o != s.train.optimizer:
            self.changed.emit("optimizer", replace(s, train=replace(s.train, optimizer=o)))

    @Slot(int)
    def _on_reduction(self, _index: int) -> None:
        if self._scenario is not None:
            s = self._scenario
            train = replace(s.train, reduction=self.reduction.currentData())
            self.changed.emit("training", replace(s, train=train))

    @Slot()
    def _on_rebuild(self, *_args: object) -> None:
        if self._scenario is None:
            return
        s = self._scenario
        init = replace(s.init, scheme=self.init.currentData(), seed=self.seed.value())
        train = replace(s.train, loss=self.loss.currentData(), seed=self.seed.value())
        self.changed.emit("rebuild", replace(s, init=init, train=train))
