"""Everything a user can do to a run, as small frozen values the ``Session`` handles in order.

Controls build a command and send it; they never change the scenario themselves. A scenario
edit names only the fields the user touched (``EditScenario``), so it applies to the scenario
in force when it arrives, never to a stale copy: a point added a moment earlier survives a
learning-rate change sent in the same event-loop turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from engine.map_plane import Projection
from engine.scenario import Scenario
from engine.training.stopping import StopRule


class StepUnit(StrEnum):
    """What one Step does."""

    EPOCH = "epoch"
    BATCH = "batch"
    """One minibatch step, fully traced."""
    SAMPLE = "sample"
    """One training step on a single sample: the traced one, else the next in turn."""
    PHASE = "phase"
    """One phase of backprop: forward layer by layer, loss, backward, update."""


class Section(Enum):
    """The part of a scenario a field belongs to."""

    DATA = "data"
    MODEL = "model"
    INIT = "init"
    TRAIN = "train"
    OPTIMIZER = "optimizer"


class ExportKind(StrEnum):
    """What File › Export writes; the weight formats' values are engine.export's names."""

    NPZ = "npz"
    JSON = "json"
    ONNX = "onnx"
    SCRIPT = "py"
    WEIGHTS_CSV = "csv"
    TORCH = "torch"
    SAFETENSORS = "safetensors"
    DATASET_CSV = "dataset_csv"
    HISTORY_CSV = "history_csv"


@dataclass(frozen=True)
class FieldChange:
    """Set one field of one section, e.g. ``FieldChange(Section.DATA, "noise", 0.2)``."""

    section: Section
    field: str
    value: object


class Command:
    """Base of every command (for type hints)."""


# -- running ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run(Command):
    """Train continuously (paced by ``SetSpeed``) until paused."""


@dataclass(frozen=True)
class Pause(Command):
    pass


@dataclass(frozen=True)
class Step(Command):
    """Advance by one unit; pauses a run."""

    unit: StepUnit = StepUnit.EPOCH


@dataclass(frozen=True)
class StepBack(Command):
    """Undo the last phase of the step in progress, or else the last whole step."""


@dataclass(frozen=True)
class TrainEpochs(Command):
    """Train exactly ``epochs`` epochs now, then stay paused (used by ``--screenshot``)."""

    epochs: int


@dataclass(frozen=True)
class Reset(Command):
    """New initial weights with the next seed (a scenario with explicit weights: back to
    them); same data, epoch 0."""


@dataclass(frozen=True)
class SetSpeed(Command):
    """About this many epochs a second; 0 trains as fast as the machine allows."""

    epochs_per_second: float


@dataclass(frozen=True)
class Publish(Command):
    """Publish a snapshot now (after every command sent before it has run)."""


# -- the scenario ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadScenario(Command):
    """Replace the run with a new scenario (a preset); the run becomes untitled."""

    scenario: Scenario
    message: str = ""
    """What the status bar says once it is loaded."""


@dataclass(frozen=True)
class EditScenario(Command):
    """Set fields of the scenario in force. The session applies live what can change live
    (optimiser, learning rate, regularisation, batch size, order, reduction) and rebuilds the
    network for the rest."""

    changes: tuple[FieldChange, ...]


def edit(section: Section, **fields: object) -> EditScenario:
    """``edit(Section.DATA, noise=0.2)``: an EditScenario of fields in one section."""
    return EditScenario(tuple(FieldChange(section, k, v) for k, v in fields.items()))


@dataclass(frozen=True)
class RegenerateData(Command):
    """Draw the data again with the next data seed."""


@dataclass(frozen=True)
class SetWeight(Command):
    """Weight W[i, j] of weight layer ``layer`` (0-based)."""

    layer: int
    i: int
    j: int
    value: float


@dataclass(frozen=True)
class SetBias(Command):
    """Bias b[j] of weight layer ``layer`` (0-based)."""

    layer: int
    j: int
    value: float


@dataclass(frozen=True)
class AddPoint(Command):
    """Add a data point at (x, y) of class ``label`` (1-D regression: y is the target)."""

    x: float
    y: float
    label: int


@dataclass(frozen=True)
class RemovePoint(Command):
    """Remove the data point nearest to (x, y)."""

    x: float
    y: float


# -- tracing ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class TraceSample(Command):
    """Trace one training sample (its index) or, with None, the current minibatch."""

    index: int | None


@dataclass(frozen=True)
class SetDigits(Command):
    """Significant digits of the inspector's numbers: 4, 6, 10 or 0 for every digit (exact)."""

    digits: int


@dataclass(frozen=True)
class ExpandDelta(Command):
    """In the selected chain rule, show (or hide again) how δ of ``unit`` (0-based) in
    ``layer`` (1-based) came about: a clicked term of a δ's sum."""

    layer: int
    unit: int


@dataclass(frozen=True)
class SetLayout(Command):
    """The inspector's textbook layout: "rows" (samples as rows, X·W) or "columns" (samples
    as columns, W·X; every matrix shown transposed)."""

    layout: str


@dataclass(frozen=True)
class SetTracePreview(Command):
    """A traced sample's step: ``True`` previews its update (shown, then undone: the weights
    stay, as in a worked example); ``False`` applies it (an extra step on that sample)."""

    on: bool


@dataclass(frozen=True)
class TraceNearest(Command):
    """Trace the training sample nearest to a point clicked in the output view."""

    x: float
    y: float


@dataclass(frozen=True)
class SelectWeight(Command):
    """Explain this weight's chain rule (layer 0-based, as the diagram reports it)."""

    layer: int
    i: int
    j: int


@dataclass(frozen=True)
class SelectBias(Command):
    """Explain this bias's chain rule (layer 0-based, as the diagram reports a unit's)."""

    layer: int
    j: int


@dataclass(frozen=True)
class GradientCheck(Command):
    """Compare backprop with central differences on the traced samples."""


# -- check my work ---------------------------------------------------------------------------
@dataclass(frozen=True)
class SetCheckWork(Command):
    """"Check my work" on: the inspector hides each phase's results until the student has
    answered them (or asked for the solution); off: everything shows."""

    on: bool


@dataclass(frozen=True)
class CheckAnswer(Command):
    """The student's answer for result operand ``name`` of the phase on screen: its cells as
    typed, row by row, in the shape the answer grid shows (``AnswerSlot.rows`` × ``cols``)."""

    name: str
    cells: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ShowSolution(Command):
    """Reveal result ``name`` of the phase on screen, or with None every result of it."""

    name: str | None = None


# -- files -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SaveWorkspace(Command):
    path: str


@dataclass(frozen=True)
class OpenWorkspace(Command):
    path: str


@dataclass(frozen=True)
class Export(Command):
    kind: ExportKind
    path: str
    weights_beside: bool = False
    """TORCH only: the script's weights go to NAME.safetensors beside it."""


@dataclass(frozen=True)
class ImportWeights(Command):
    """Load weights into the current network when the shapes match; otherwise the session
    reports ``WeightsMismatch`` and the user may ``AdoptWeights``."""

    path: str


@dataclass(frozen=True)
class AdoptWeights(Command):
    """Take the file's architecture, then its weights (after the user agreed)."""

    imported: object
    """The ``engine.importer.ImportedWeights`` a ``WeightsMismatch`` event carried."""


@dataclass(frozen=True)
class ImportCsv(Command):
    path: str
    label_column: int | str
    task: str
    """"classification" or "regression"."""
    train_fraction: float
    input_columns: tuple[int | str, ...] | None = None
    """The input columns (indices or header names); None: every column but the label."""
    skip_bad_lines: bool = False
    """Leave bad rows out (their line numbers are reported) instead of refusing the file."""


# -- typed in by hand (the data table and weights editors) -----------------------------------
@dataclass(frozen=True)
class ReplaceData(Command):
    """Replace the data with a table typed in by hand; the network is rebuilt to fit it (the
    weights kept when the network stays the same). Every row trains (no test set)."""

    x: tuple[tuple[float, ...], ...]
    """n rows of d raw inputs."""
    y: tuple[float, ...]
    """n class indices into ``class_names`` (classification) or targets (regression)."""
    task: str
    """"classification" or "regression"."""
    input_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()
    keep_features: bool = False
    """Keep the input features and standardisation in force (an edit of the data shown, same
    columns); otherwise the network takes the raw columns, unscaled."""


@dataclass(frozen=True)
class SetLayer(Command):
    """Set one weight layer's W (n_in rows of n_out numbers, the public convention) and b
    (n_out numbers; empty for a network without biases). Step back undoes it."""

    layer: int
    """0-based weight layer."""
    w: tuple[tuple[float, ...], ...]
    b: tuple[float, ...] = ()


# -- views -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SetMapAxes(Command):
    """Draw the decision map over raw input columns ``x`` and ``y`` (0-based; data with more
    than two inputs holds the others at their training mean), or with ``projection`` PCA over
    the plane of the first two principal components (``x`` and ``y`` then stay as chosen)."""

    x: int
    y: int
    projection: Projection = Projection.COLUMNS


# -- compared runs ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PinRun(Command):
    """Keep the run's loss and accuracy curves in the loss plot as a ghost, named ``label``
    (None: labelled by what differs from the run in force)."""

    label: str | None = None


@dataclass(frozen=True)
class UnpinRun(Command):
    """Drop the pinned run at ``index`` (0-based, in pinning order), or every one with None."""

    index: int | None = None


@dataclass(frozen=True)
class RenamePinned(Command):
    """Name the pinned run at ``index``; an empty name goes back to the automatic label."""

    index: int
    label: str


# -- stop conditions -------------------------------------------------------------------------
@dataclass(frozen=True)
class SetStopRule(Command):
    """When a playing run stops by itself (``TrainSpec.stop``): applies live, the weights
    stay. Each condition is 0 when off."""

    rule: StopRule
