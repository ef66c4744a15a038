"""Immutable pictures of a run that the session hands to the views.

The session builds a ``Snapshot`` (copies, plus the engine's maps) in the thread that owns it,
at most about 30 times a second while training; views only read it. ``generation`` changes
whenever the network or data is rebuilt, so a window can drop snapshots that were already
queued for an older model. ``handled`` counts the commands the session has handled, so a window
can tell whether a snapshot already reflects every command it sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.data.dataset import class_title
from engine.data.pixels import image_shape_from_names
from engine.data.real import REAL_BY_KEY
from engine.data.scaling import Scaling
from engine.explain import Explanation, WeightChain, explain_phase, explain_weight
from engine.features import feature_label
from engine.history import Metrics
from engine.layout import Layout
from engine.map_plane import PcaPlane
from engine.maps import CurveMaps, PlaneMaps, curve_maps, plane_maps
from engine.metrics import Scores, scores
from engine.notation import AUTO
from engine.scenario import Scenario
from engine.trace_display import TraceDisplay, phase_display
from engine.trainer import Trainer
from session.answer_slots import PhaseCheck
from session.pinned import ShownPin


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class DataView:
    """The data set as the views need it; shared by every snapshot of one generation."""

    task: str
    n_classes: int
    n_inputs: int
    domain: tuple[float, float, float, float]
    x_train: np.ndarray  # (N, d) raw inputs
    y_train: np.ndarray  # (N,) class labels or targets
    x_test: np.ndarray
    y_test: np.ndarray
    output_activation: str
    feature_keys: tuple[str, ...]
    input_names: tuple[str, ...] = ()
    """(d,) the raw columns' names: x1, x2, … or a file header's."""
    class_names: tuple[str, ...] = ()
    """(n_classes,) the classes' names: 0, 1, … or as the file wrote them."""
    scaling: Scaling | None = None
    """The inputs' standardisation, when the scenario asks for it."""
    image_shape: tuple[int, int] | None = None
    """(rows, columns) when each sample's raw inputs are an image's pixels, row by row."""

    @property
    def feature_labels(self) -> tuple[str, ...]:
        return tuple(feature_label(k, self.input_names) for k in self.feature_keys)

    def output_unit_names(self, n_out: int) -> tuple[str, ...]:
        """(n_out,) what each output unit stands for when there is one unit per class
        ("setosa", or "class 3" for a class named only by its number); () otherwise (one
        unit for two classes, or regression)."""
        if self.task != "classification" or not 1 < n_out == self.n_classes:
            return ()
        names = self.class_names
        return tuple(class_title(k, names[k] if k < len(names) else str(k))
                     for k in range(n_out))

    @classmethod
    def from_trainer(cls, t: Trainer) -> DataView:
        ds = t.dataset
        x0, x1, y0, y1 = (float(v) for v in ds.domain)
        return cls(
            task=ds.task,
            n_classes=ds.n_classes,
            n_inputs=ds.n_inputs,
            domain=(x0, x1, y0, y1),
            x_train=_frozen(ds.x[t.train_idx]),
            y_train=_frozen(ds.y[t.train_idx]),
            x_test=_frozen(ds.x[t.test_idx]),
            y_test=_frozen(ds.y[t.test_idx]),
            output_activation=t.spec.layers[-1].activation,
            feature_keys=tuple(t.scenario.data.features),
            input_names=ds.input_names,
            class_names=ds.class_names,
            scaling=t.split.scaling,
            image_shape=_image_shape(t),
        )


def _image_shape(t: Trainer) -> tuple[int, int] | None:
    """The shipped data set's image shape (digits: 8×8), if its inputs are an image's pixels;
    for custom data, what its column names say (r0c0 …, pixel0 …)."""
    info = REAL_BY_KEY.get(t.scenario.data.dataset)
    if info is not None:
        return info.image_shape
    if t.scenario.data.dataset == "custom":
        return image_shape_from_names(t.dataset.input_names)
    return None


@dataclass(frozen=True, eq=False)
class TraceInfo:
    """The phase stepper's state for the window: built from the engine's trace in the worker
    thread, immutable afterwards (the live StepTrace keeps changing as phases run)."""

    phases: tuple[str, ...]
    position: int
    """Phases run so far; ``phases[position - 1]`` is the one just shown."""
    explanation: Explanation | None
    display: TraceDisplay
    chain: WeightChain | None
    indices: tuple[int, ...]
    """Training-set positions of the traced samples."""
    regular: bool
    """True for the epoch's next minibatch, False for an extra step on chosen samples."""
    check: PhaseCheck | None = None
    """"Check my work": the results to answer (None when the mode is off). While any is
    unanswered, ``explanation``, ``display`` and ``chain`` withhold them
    (``session.check_work``)."""

    @property
    def done(self) -> bool:
        return self.position == len(self.phases)


def trace_info(trainer: Trainer, selected: tuple[int, int, int] | None,
               expanded: frozenset[tuple[int, int]] = frozenset()) -> TraceInfo | None:
    """TraceInfo for the trainer's current or just-finished phase step, if there is one, with
    the chain rule of the ``selected`` weight and the δ's ``expanded`` in it."""
    stepper = trainer.current_step
    if stepper is None:
        return None
    trace, position, phases = stepper.trace, stepper.position, stepper.phases
    activations = tuple(layer.activation for layer in trainer.spec.layers)
    explanation = None
    if position:
        explanation = explain_phase(trace, phases[position - 1], activations,
                                    trainer.spec.use_bias, trainer.scenario.train.tf_rules)
    chain = None
    if selected is not None and selected[0] in trace.dW:
        try:
            chain = explain_weight(trace, *selected, expanded=expanded)
        except (IndexError, ValueError):
            chain = None  # the selection belongs to a network no longer shown
    return TraceInfo(
        phases=tuple(p.label for p in phases),
        position=position,
        explanation=explanation,
        display=phase_display(trace, position, phases, trainer.spec.depth),
        chain=chain,
        indices=tuple(int(i) for i in trace.indices),
        regular=stepper.regular,
    )


@dataclass(frozen=True)
class FileState:
    """The run's file: where it was last saved or opened (None: untitled), and whether it has
    changes that file does not hold."""

    path: str | None = None
    dirty: bool = False


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything the window shows about the model at one moment (all arrays read-only).

    Weights use the public convention: ``weights[l]`` is (n_in, n_out) for layer l + 1.
    ``grad_weights``/``grad_biases`` are the last training step's ∂L/∂W and ∂L/∂b.
    """

    generation: int
    epoch: int
    batch_index: int
    batches_per_epoch: int
    running: bool
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    use_bias: bool
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray | None, ...]
    grad_weights: tuple[np.ndarray, ...]
    grad_biases: tuple[np.ndarray | None, ...]
    metrics: Metrics | None
    history: dict[str, np.ndarray]
    maps: PlaneMaps | CurveMaps
    data: DataView
    learning_rate: float
    epochs_per_second: float
    diverged: str | None
    title: str
    scenario: Scenario
    """The scenario in force (the session owns it; controls show it)."""
    handled: int = 0
    """Commands the session had handled when this was taken."""
    file: FileState = FileState()
    trace: TraceInfo | None = None
    traced_sample: int | None = None
    """The training sample chosen for tracing (None: the current minibatch)."""
    trace_preview: bool = True
    """A traced sample's step previews its update (weights stay) rather than applying it."""
    digits: int = AUTO
    """Significant digits of the inspector's numbers (AUTO: 4, more where a line needs them to
    recompute; 0: all, exact)."""
    layout: Layout = Layout.ROWS
    """The inspector's textbook layout: samples as rows (X·W) or as columns (W·X)."""
    can_step_back: bool = False
    dead_links: tuple[np.ndarray, ...] = ()
    """Per layer, (n_in, n_out) bool: True for a dead link (TF rules, L1); () with TF rules off."""
    scores: Scores | None = None
    """Confusion matrix / R² and RMSE on both sets, refreshed with the maps."""
    check_work: bool = False
    """"Check my work" is on (``trace.check`` says what is to answer)."""
    pinned: tuple[ShownPin, ...] = ()
    """The runs pinned for comparison, labelled against this scenario (``session.pinned``)."""

    @property
    def depth(self) -> int:
        return len(self.weights)


def compute_maps(
    trainer: Trainer, data: DataView, map_res: int = 100, unit_res: int = 24,
    axes: tuple[int, int] = (0, 1), pca: PcaPlane | None = None,
) -> PlaneMaps | CurveMaps:
    """The decision map and unit maps (plane, over raw columns ``axes`` or the ``pca`` plane)
    or curves (1-D) for the current weights."""
    if data.n_inputs >= 2:
        return plane_maps(trainer, map_res, unit_res, axes, pca)
    return curve_maps(trainer, 2 * map_res)


def build_snapshot(
    trainer: Trainer,
    generation: int,
    data: DataView,
    *,
    running: bool,
    epochs_per_second: float = 0.0,
    map_res: int = 100,
    unit_res: int = 24,
    maps: PlaneMaps | CurveMaps | None = None,
    trace: TraceInfo | None = None,
    traced_sample: int | None = None,
    trace_preview: bool = True,
    digits: int = AUTO,
    layout: Layout = Layout.ROWS,
    can_step_back: bool = False,
    metrics: Metrics | None = None,
    handled: int = 0,
    file: FileState | None = None,
    model_scores: Scores | None = None,
) -> Snapshot:
    """Copy what the views need out of the trainer (call in the worker thread).

    ``maps`` reuses maps computed earlier (the worker refreshes them less often than the
    weights while training runs, since they cost the most to compute); ``model_scores`` the
    scores computed with them (a forward pass over both sets: refreshed at the maps' rate)."""
    params = trainer.params.as_list()
    grads = trainer.grad.as_list()
    if maps is None:
        maps = compute_maps(trainer, data, map_res, unit_res)
    if model_scores is None:
        model_scores = scores(trainer)
    history = trainer.history.as_arrays()
    for v in history.values():
        v.flags.writeable = False
    return Snapshot(
        generation=generation,
        epoch=trainer.epoch,
        batch_index=trainer.batch_index,
        batches_per_epoch=trainer.batches_per_epoch,
        running=running,
        sizes=trainer.spec.sizes,
        activations=tuple(layer.activation for layer in trainer.spec.layers),
        use_bias=trainer.spec.use_bias,
        weights=tuple(_frozen(w) for w, _ in params),
        biases=tuple(None if b is None else _frozen(b) for _, b in params),
        grad_weights=tuple(_frozen(w) for w, _ in grads),
        grad_biases=tuple(None if b is None else _frozen(b) for _, b in grads),
        metrics=trainer.history.latest if metrics is None else metrics,
        history=history,
        maps=maps,
        data=data,
        learning_rate=trainer.learning_rate,
        epochs_per_second=epochs_per_second,
        diverged=None if trainer.diverged is None else str(trainer.diverged),
        title=trainer.scenario.title,
        scenario=trainer.scenario,
        handled=handled,
        file=FileState() if file is None else file,
        trace=trace,
        traced_sample=traced_sample,
        trace_preview=trace_preview,
        digits=digits,
        layout=layout,
        can_step_back=can_step_back,
        dead_links=_dead_links(trainer),
        scores=model_scores,
    )


def _dead_links(trainer: Trainer) -> tuple[np.ndarray, ...]:
    """Read-only per-layer dead-link masks, or () when TF rules are off (no link can die)."""
    if not trainer.scenario.train.tf_rules:
        return ()
    return tuple(_frozen(d) for d in trainer.dead_links)
