"""Scenario edits: apply the fields a user changed and decide how the run takes them.

Optimiser settings and batch size, order and reduction change live (the weights stay); every
other change needs a new network, so the edited scenario is first fitted to its data
(``engine.scenario.fit_to_data``: features, output activation and loss that suit it) and the
notes say what that adjusted.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from engine.scenario import Scenario, fit_to_data, scenario_to_dict
from session.commands import FieldChange, Section

LIVE_TRAINING_FIELDS = frozenset({"batch_size", "shuffle", "reduction"})
"""Fields of ``TrainSpec`` the trainer changes without new weights."""


class EditKind(Enum):
    NONE = "none"
    """Nothing changed."""
    OPTIMIZER = "optimizer"
    """Optimiser, learning rate, regularisation: live."""
    TRAINING = "training"
    """Batch size, order, reduction: live."""
    REBUILD = "rebuild"
    """Anything else: new data and/or network, new weights."""


@dataclass(frozen=True)
class PlannedEdit:
    scenario: Scenario
    """The scenario after the edit (fitted to its data for a rebuild)."""
    kind: EditKind
    training_changes: dict[str, Any]
    """For ``EditKind.TRAINING``: the live fields that change, as ``set_training`` takes them."""
    notes: tuple[str, ...] = ()
    """What fitting to the data adjusted besides the edit itself."""


def _section_of(s: Scenario, section: Section) -> Any:
    if section is Section.OPTIMIZER:
        return s.train.optimizer
    return getattr(s, section.value)


def _with_section(s: Scenario, section: Section, value: Any) -> Scenario:
    if section is Section.OPTIMIZER:
        return replace(s, train=replace(s.train, optimizer=value))
    return replace(s, **{section.value: value})


def apply_changes(s: Scenario, changes: tuple[FieldChange, ...]) -> Scenario:
    """The scenario with the changes applied (no validation beyond field names)."""
    for change in changes:
        part = _section_of(s, change.section)
        names = {f.name for f in dataclasses.fields(part)}
        if change.field not in names:
            raise ValueError(f"{change.section.value}.{change.field}: no such setting")
        if change.section is Section.OPTIMIZER and change.field == "kind":
            s = _with_section(s, change.section, part.with_kind(change.value))  # its own ε
        else:
            s = _with_section(s, change.section, replace(part, **{change.field: change.value}))
    return s


def _kind(before: Scenario, after: Scenario, changes: tuple[FieldChange, ...]) -> EditKind:
    if after == before:
        return EditKind.NONE
    sections = {c.section for c in changes}
    if sections == {Section.OPTIMIZER}:
        return EditKind.OPTIMIZER
    if sections == {Section.TRAIN} and {c.field for c in changes} <= LIVE_TRAINING_FIELDS:
        return EditKind.TRAINING
    return EditKind.REBUILD


def plan_edit(current: Scenario, changes: tuple[FieldChange, ...]) -> PlannedEdit:
    """How ``changes`` apply to ``current``; raises ValueError for an impossible edit."""
    edited = apply_changes(current, changes)
    kind = _kind(current, edited, changes)
    if kind is EditKind.TRAINING:
        live = {f: getattr(edited.train, f) for f in LIVE_TRAINING_FIELDS
                if getattr(edited.train, f) != getattr(current.train, f)}
        return PlannedEdit(edited, kind, live)
    if kind is not EditKind.REBUILD:
        return PlannedEdit(edited, kind, {})
    fitted, notes = fit_to_data(edited)
    return PlannedEdit(fitted, kind, {}, tuple(notes))


def _comparable(s: Scenario) -> dict[str, Any]:
    """A scenario as plain data, seeds left out (Reset moves to the next seed)."""
    d = scenario_to_dict(s)
    d["init"].pop("seed", None)
    d["train"].pop("seed", None)
    return d


def edited_from(s: Scenario, preset: Scenario) -> bool:
    """True when ``s`` has settings other than ``preset``'s (seed changes aside)."""
    return _comparable(s) != _comparable(preset)
