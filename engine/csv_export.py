"""CSV out of the playground: the weights as labelled blocks, the loss history and the data.

Floats are written with Python's shortest round-tripping repr, so every number reads back
exactly; a value that does not apply (NaN) is an empty cell.
"""

from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING

import numpy as np

from engine.export_common import finite_layers, weights_metadata
from engine.history import COLUMNS

if TYPE_CHECKING:
    from engine.trainer import Trainer


def _num(v: float) -> str:
    """A float as CSV text that reads back to the same double ('' for NaN)."""
    v = float(v)
    return "" if math.isnan(v) else repr(v)


def weights_to_csv_text(trainer: Trainer) -> str:
    """Every layer's W and b as labelled blocks (``# layer 1 W (2x4)`` then its rows), one
    matrix row per line.

    Comment lines start with ``#`` and contain no commas, so a spreadsheet shows each label
    in a single cell above its numbers.
    """
    meta = weights_metadata(trainer)
    lines = [
        "# Backprop Playground weights",
        "# architecture {}; activations {}; biases {}; features {}; loss {}; epoch {}".format(
            "-".join(str(n) for n in meta["architecture"]),
            "/".join(meta["activations"]),
            "yes" if meta["use_bias"] else "no",
            "/".join(meta["features"]),
            meta["loss"],
            meta["epoch"],
        ),
        "# z = a_prev @ W + b; row i of W is input unit i and column j is unit j of the layer",
    ]
    scaling = trainer.split.scaling
    if scaling is not None:
        lines += ["# the network reads standardised features: a0 = (features - mean) / std",
                  "",
                  f"# normalization mean ({scaling.width})",
                  ",".join(_num(v) for v in scaling.mean),
                  f"# normalization std ({scaling.width})",
                  ",".join(_num(v) for v in scaling.scale)]
    for l, (w, b) in enumerate(finite_layers(trainer), start=1):
        lines.append("")
        lines.append(f"# layer {l} W ({w.shape[0]}x{w.shape[1]})")
        lines.extend(",".join(_num(v) for v in row) for row in w)
        if b is not None:
            lines.append(f"# layer {l} b ({b.shape[0]})")
            lines.append(",".join(_num(v) for v in b))
    return "\n".join(lines) + "\n"


def history_to_csv(trainer: Trainer) -> str:
    """The loss history as CSV: epoch,train_loss,test_loss,train_accuracy,test_accuracy.

    A value that does not apply (no test set, accuracy in regression) is an empty cell.
    """
    arrays = trainer.history.as_arrays()
    lines = [",".join(("epoch", *COLUMNS))]
    for k, epoch in enumerate(arrays["epoch"]):
        lines.append(",".join([str(int(epoch)), *(_num(arrays[c][k]) for c in COLUMNS)]))
    return "\n".join(lines) + "\n"


def dataset_to_csv(trainer: Trainer) -> str:
    """The data as CSV: the input columns (x1, x2, … or the names the data came with), then
    label (classification: the class's name) or target (regression), then split (train or
    test), one row per sample in the data set's order."""
    ds = trainer.dataset
    label = "label" if ds.task == "classification" else "target"
    in_train = np.zeros(ds.n_samples, dtype=bool)
    in_train[trainer.train_idx] = True
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*ds.input_names, label, "split"])
    for i in range(ds.n_samples):
        y = ds.class_names[int(ds.y[i])] if ds.task == "classification" else _num(ds.y[i])
        writer.writerow([*(_num(v) for v in ds.x[i]), y, "train" if in_train[i] else "test"])
    return out.getvalue()
