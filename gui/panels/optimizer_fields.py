"""The chosen optimiser's own hyperparameters (momentum μ; Adam's β₁, β₂; RMSprop's α; ε), as
rows of the training panel's form, each shown only for the optimisers that use it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QFormLayout

from engine.optimizers import OptimizerSpec
from gui.panels.widgets import combo_number, number_combo, set_combo_number


@dataclass(frozen=True)
class Field:
    """One hyperparameter: its ``OptimizerSpec`` field, label, suggestions and users."""

    key: str
    label: str
    object_name: str
    suggestions: tuple[str, ...]
    kinds: frozenset[str]
    tip: str


FIELDS = (
    Field("momentum", "Momentum μ", "momentumValue", ("0.5", "0.8", "0.9", "0.95", "0.99"),
          frozenset({"momentum"}),
          "How much of the last update carries on: v ← μ·v + g. At least 0, below 1. Applies "
          "live."),
    Field("beta1", "β₁", "beta1Value", ("0.8", "0.9", "0.95", "0.99"), frozenset({"adam"}),
          "Adam's decay of the gradient's running mean m. At least 0, below 1. Applies live."),
    Field("beta2", "β₂", "beta2Value", ("0.99", "0.999", "0.9999"), frozenset({"adam"}),
          "Adam's decay of the squared gradient's running mean v. At least 0, below 1. "
          "Applies live."),
    Field("alpha", "α", "alphaValue", ("0.9", "0.99", "0.999"), frozenset({"rmsprop"}),
          "RMSprop's smoothing constant (PyTorch's alpha): v ← α·v + (1 − α)·g². At least 0, "
          "below 1. Applies live."),
    Field("epsilon", "ε", "epsilonValue", ("1e-10", "1e-08", "1e-07", "1e-06", "0.0001"),
          frozenset({"adam", "rmsprop", "adagrad"}),
          "Added to √v before dividing, so a tiny v does not blow the step up. Above 0; "
          "PyTorch's default is 1e-08 (Adagrad 1e-10). Applies live."),
)


class OptimizerFields:
    """The combos of ``FIELDS``, added as rows of a form; ``show`` fills them from a spec and
    shows the rows the spec's optimiser uses."""

    def __init__(self, form: QFormLayout) -> None:
        self._form = form
        self.combos: dict[str, QComboBox] = {}
        for field in FIELDS:
            combo = number_combo(list(field.suggestions), field.object_name, field.label,
                                 field.tip)
            form.addRow(field.label, combo)
            self.combos[field.key] = combo

    def show(self, spec: OptimizerSpec) -> None:
        """Show ``spec``'s values (signals blocked) and only the rows its optimiser uses."""
        for field in FIELDS:
            combo = self.combos[field.key]
            combo.blockSignals(True)
            set_combo_number(combo, getattr(spec, field.key))
            combo.blockSignals(False)
            self._form.setRowVisible(combo, spec.kind in field.kinds)

    def changed(self, spec: OptimizerSpec, kind: str) -> dict[str, float] | None:
        """The entries of optimiser ``kind`` that differ from what ``show(spec)`` displayed, by
        field (an untouched entry is not sent: its text may be ``spec``'s value rounded);
        None when one is not a number."""
        chosen: dict[str, float] = {}
        for field in FIELDS:
            combo = self.combos[field.key]
            if kind not in field.kinds or combo.currentText() == f"{getattr(spec, field.key):g}":
                continue
            value = combo_number(combo)
            if value is None:
                return None
            chosen[field.key] = value
        return chosen
