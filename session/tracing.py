"""What a step traces and what the output view maps: the traced sample (a preview of its
update, or applied), the sample nearest a click, and what the map is drawn over (two input
columns, or the plane of the first two principal components).

Functions of the session that owns the run (``session.session.Session``), as ``files`` and
``hand_edits`` are; each raises ValueError for an impossible choice, which the session turns
into one Refused line.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from engine.map_plane import PcaPlane, Projection
from engine.trainer import Trainer
from session import commands as c
from session.events import Event, Notice
from session.stepping import StepControl


class Session(Protocol):
    """What these commands need of the session that owns the run."""

    stepping: StepControl
    map_axes: tuple[int, int]
    map_projection: Projection

    def map_pca(self) -> PcaPlane | None: ...

    def require_trainer(self) -> Trainer: ...
    def emit(self, event: Event) -> None: ...
    def refresh_maps(self) -> None: ...

TRACE_PREVIEW_TEXT = {
    True: "Its step is a preview: the update is shown, then undone; the weights stay.",
    False: "Its step is applied: an extra step on that sample (the epoch counter does not "
           "move).",
}
"""What the status bar says of a traced sample's step, by ``SetTracePreview.on``."""


def trace_sample(s: Session, cmd: c.TraceSample) -> None:
    trace(s, s.require_trainer(), cmd.index)


def trace(s: Session, t: Trainer, index: int | None) -> None:
    """Trace a sample (or the minibatch again) and say whether its steps will update."""
    s.stepping.trace(t, index)
    text = ("Tracing the current minibatch." if index is None else
            f"Tracing training sample #{index + 1}. "
            + TRACE_PREVIEW_TEXT[s.stepping.preview_trace])
    step = t.active_step
    if step is not None and step.position > 0:
        text += " The step in progress keeps its samples; this applies from the next step."
    s.emit(Notice(text))


def set_trace_preview(s: Session, cmd: c.SetTracePreview) -> None:
    if not isinstance(cmd.on, bool):
        raise ValueError(f"trace preview: expected on or off, got {cmd.on!r}")
    s.stepping.preview_trace = cmd.on
    if s.stepping.traced_sample is not None:
        s.emit(Notice(f"Tracing training sample #{s.stepping.traced_sample + 1}. "
                      + TRACE_PREVIEW_TEXT[cmd.on]))


def trace_nearest(s: Session, cmd: c.TraceNearest) -> None:
    t = s.require_trainer()
    pca = s.map_pca()
    if pca is None and (s.map_axes == (0, 1) or t.dataset.n_inputs < 3):
        index = t.nearest_sample(cmd.x, cmd.y)
    else:  # the click is in the plane drawn: two chosen columns, or the PCA plane
        pts = pca.train_xy if pca is not None else t.dataset.x[t.train_idx][:, list(s.map_axes)]
        index = int(np.argmin((pts[:, 0] - cmd.x) ** 2 + (pts[:, 1] - cmd.y) ** 2))
    trace(s, t, index)


def set_map_axes(s: Session, cmd: c.SetMapAxes) -> None:
    d = s.require_trainer().dataset.n_inputs
    x, y = int(cmd.x), int(cmd.y)
    if d < 3:
        raise ValueError(f"the map axes can only be chosen with more than 2 inputs; "
                         f"this data has {d}")
    if not (0 <= x < d and 0 <= y < d):
        raise ValueError(f"map axes must be input columns 1..{d}, got {x + 1} and {y + 1}")
    if x == y:
        raise ValueError("the map needs two different input columns")
    try:
        projection = Projection(cmd.projection)
    except ValueError:
        known = ", ".join(p.value for p in Projection)
        raise ValueError(f"map projection: expected one of {known}, got "
                         f"{str(cmd.projection)[:40]!r}") from None
    if (x, y) != s.map_axes or projection is not s.map_projection:
        s.map_axes, s.map_projection = (x, y), projection
        s.refresh_maps()  # the next snapshot draws the new plane
