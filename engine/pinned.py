"""Pinned runs: a finished (or paused) run's loss and accuracy curves kept for comparison, with
a summary of its settings from which a short label says how it differs from the run in force.

A ``PinnedRun`` holds no network: only its name (None: labelled automatically), its settings
summary (``summarize``) and its curves, decimated to at most ``MAX_PINNED_POINTS`` points so
that six of them stay cheap to draw and small in a workspace. ``auto_label`` compares two
summaries: the pinned run's values that differ from the current run's, in a fixed order
("lr 0.03, tanh 4-2").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace

import numpy as np

from engine.features import feature_label
from engine.history import COLUMNS, History
from engine.scenario import Scenario

MAX_PINNED = 6
"""Most runs pinned at once (each has its own dash pattern and marker)."""
MAX_PINNED_POINTS = 2000
"""Most points a pinned curve keeps (and a workspace may hold per pinned run)."""
MAX_LABEL = 40
"""Most characters of a pinned run's name."""
MAX_SUMMARY_ITEMS = 32
MAX_SUMMARY_KEY = 24
MAX_SUMMARY_TEXT = 80
LABEL_ITEMS = 3
"""An automatic label names at most this many differences, then says how many more."""
SAME = "same settings"
OTHER = "other settings"
DIGEST = "digest"
"""The summary item that fingerprints every setting (never shown), so a difference the other
items do not name still shows as "other settings"."""

Summary = tuple[tuple[str, str], ...]
"""((key, text), …): each setting as the label writes it, e.g. ("lr", "lr 0.03")."""


@dataclass(frozen=True, eq=False)
class PinnedRun:
    """One pinned run. Arrays are read-only, each (n,) with n ≤ MAX_PINNED_POINTS, aligned
    with ``epochs`` (increasing); NaN marks what does not apply (no test set, accuracy in
    regression)."""

    name: str | None
    summary: Summary
    epochs: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.epochs)
        for field in ("epochs", *COLUMNS):
            a = np.array(getattr(self, field), dtype=np.int64 if field == "epochs" else float)
            if a.shape != (n,):
                raise ValueError(f"pinned run: {field} has shape {a.shape}, expected ({n},)")
            a.flags.writeable = False
            object.__setattr__(self, field, a)

    def column(self, name: str) -> np.ndarray:
        """One of ``engine.history.COLUMNS``."""
        if name not in COLUMNS:
            raise KeyError(name)
        return getattr(self, name)

    def label(self, current: Summary) -> str:
        """Its name, or what differs from the ``current`` run's summary."""
        return self.name if self.name else auto_label(self.summary, current)

    def renamed(self, name: str | None) -> PinnedRun:
        return replace(self, name=check_name(name))


def check_name(name: str | None) -> str | None:
    """A pinned run's name as given: one line, at most MAX_LABEL characters; empty or None
    means the automatic label."""
    if name is None:
        return None
    text = " ".join(str(name).split())
    if len(text) > MAX_LABEL:
        raise ValueError(f"a pinned run's name has at most {MAX_LABEL} characters, got "
                         f"{len(text)}")
    return text or None


def pin(scenario: Scenario, history: History, name: str | None = None) -> PinnedRun:
    """The run's curves so far (its latest measurement included) under its summary."""
    arrays = history.as_arrays()
    latest = history.latest
    if latest is not None and (not len(arrays["epoch"]) or latest.epoch > arrays["epoch"][-1]):
        arrays = {"epoch": np.append(arrays["epoch"], latest.epoch),
                  **{c: np.append(arrays[c], getattr(latest, c)) for c in COLUMNS}}
    keep = decimated(len(arrays["epoch"]))
    return PinnedRun(check_name(name), summarize(scenario), arrays["epoch"][keep],
                     *(arrays[c][keep] for c in COLUMNS))


def decimated(n: int, most: int = MAX_PINNED_POINTS) -> np.ndarray:
    """Indices of at most ``most`` of n points, evenly spread, the first and last kept."""
    if n <= most:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, most).round().astype(np.int64))


# ---------------------------------------------------------------------------------------------
# Summaries and labels
# ---------------------------------------------------------------------------------------------


def _num(v: float) -> str:
    return f"{v:g}"


def _network(s: Scenario) -> str:
    hidden = s.model.hidden
    if not hidden:
        return "no hidden layer"
    sizes = "-".join(str(h.units) for h in hidden)
    acts = {h.activation for h in hidden}
    if len(acts) == 1:
        return f"{hidden[0].activation} {sizes}"
    return " ".join(f"{h.units} {h.activation}" for h in hidden)


def _data(s: Scenario) -> str:
    c = s.data.custom
    if c is None:
        return s.data.dataset
    return f"custom data ({len(c.y)} rows)"


def _features(s: Scenario) -> str:
    keys = s.data.features
    names = () if s.data.custom is None else s.data.custom.input_names
    if len(keys) <= 4:
        return " ".join(feature_label(k, names) for k in keys)
    return f"{len(keys)} features"


def _optimizer(s: Scenario) -> str:
    o = s.train.optimizer
    if o.kind == "momentum":
        return f"momentum {_num(o.momentum)}"
    return o.kind


def _regularization(s: Scenario) -> str:
    o = s.train.optimizer
    if o.regularization == "none":
        return "no regularisation"
    return f"{o.regularization.upper()} {_num(o.reg_rate)}"


def _digest(s: Scenario) -> str:
    """A fingerprint of every setting but the names (key, title, description)."""
    plain = replace(s, key="", title="", description="", initial_weights=None,
                    data=replace(s.data, custom=None))
    h = hashlib.sha1(json.dumps(asdict(plain), sort_keys=True, default=str).encode())
    c = s.data.custom
    if c is not None:
        h.update(np.ascontiguousarray(c.x).tobytes())
        h.update(np.ascontiguousarray(c.y).tobytes())
    for w, b in s.initial_weights or ():
        h.update(np.ascontiguousarray(w).tobytes())
        if b is not None:
            h.update(np.ascontiguousarray(b).tobytes())
    return h.hexdigest()[:12]


def summarize(s: Scenario) -> Summary:
    """The settings a label may name, in the order it names them."""
    d, t, o = s.data, s.train, s.train.optimizer
    items = [
        ("data", _data(s)),
        ("lr", f"lr {_num(o.learning_rate)}"),
        ("network", _network(s)),
        ("output", f"{s.model.output_activation} output"),
        ("noise", f"noise {_num(d.noise)}"),
        ("features", _features(s)),
        ("batch", f"batch {t.batch_size}"),
        ("optimizer", _optimizer(s)),
        ("regularization", _regularization(s)),
        ("loss", f"{t.loss} loss"),
        ("reduction", f"{t.reduction} reduction"),
        ("init", f"{s.init.scheme} init"),
        ("seed", f"seed {s.init.seed}"),
        ("samples", f"{d.n_samples} samples"),
        ("split", f"train {_num(100 * d.train_fraction)}%"),
        ("data_seed", f"data seed {d.seed}"),
        ("shuffle", f"shuffle seed {t.seed}" if t.shuffle else "no shuffle"),
        ("standardize", "standardised" if d.standardize else "raw inputs"),
        ("bias", "biases" if s.model.use_bias else "no biases"),
        ("rules", "TF rules" if t.tf_rules else "own rules"),
        (DIGEST, _digest(s)),
    ]
    if o.kind == "adam":
        items.insert(8, ("adam", f"β {_num(o.beta1)}/{_num(o.beta2)}"))
    return tuple(items)


def auto_label(pinned: Summary, current: Summary) -> str:
    """What the pinned run's settings are where they differ from the current run's: at most
    LABEL_ITEMS of them, then "+k more"; "same settings" when nothing differs."""
    now = dict(current)
    differ = [text for key, text in pinned if key != DIGEST and now.get(key) != text]
    if not differ:
        digest = dict(pinned).get(DIGEST)
        return OTHER if digest is not None and digest != now.get(DIGEST) else SAME
    shown = ", ".join(differ[:LABEL_ITEMS])
    more = len(differ) - LABEL_ITEMS
    return f"{shown} +{more} more" if more > 0 else shown
