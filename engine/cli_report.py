"""What ``python main.py train`` prints at the end besides the losses: the confusion matrix
of each set (classification) or R² and RMSE (regression), from ``engine.metrics.scores``."""

from __future__ import annotations

import math

from engine.metrics import ClassScores, RegressionScores, Scores, SetScores, scores
from engine.trainer import Trainer

MAX_PRINTED_CLASSES = 12
"""A confusion matrix wider than this is summarised (per-class accuracy only)."""


def _num(v: float) -> str:
    return "n/a" if not math.isfinite(v) else f"{v:.4f}"


def _confusion(name: str, s: ClassScores, classes: tuple[str, ...]) -> list[str]:
    k = s.confusion.shape[0]
    title = (f"{name} confusion matrix ({s.n} samples, accuracy {_num(s.accuracy)}; "
             "rows true class, columns predicted):")
    if k > MAX_PRINTED_CLASSES:
        listed = ", ".join(f"{classes[i]} {_num(float(s.per_class[i]))}" for i in range(k))
        return [f"{name} per-class accuracy ({k} classes): {listed}"]
    labels = [c[:10] for c in classes]
    width = max(5, *(len(label) for label in labels),
                *(len(str(int(v))) for v in s.confusion.ravel()))
    lines = [title, " " * (width + 2) + " ".join(f"{label:>{width}}" for label in labels)
             + f" {'recall':>7}"]
    for i in range(k):
        row = " ".join(f"{int(v):>{width}}" for v in s.confusion[i])
        recall = float(s.per_class[i])
        shown = "n/a" if not math.isfinite(recall) else f"{100 * recall:.1f}%"
        lines.append(f"  {labels[i]:>{width}} {row} {shown:>7}")
    return lines


def score_lines(sc: Scores, classes: tuple[str, ...]) -> list[str]:
    """The scores as text lines: per set a confusion matrix, or one line of R² and RMSE."""
    sets: list[tuple[str, SetScores]] = [("train", sc.train)]
    if sc.test is not None:
        sets.append(("test", sc.test))
    if isinstance(sc.train, RegressionScores):
        parts = [f"{name} R² {_num(s.r2)}, RMSE {_num(s.rmse)}" for name, s in sets
                 if isinstance(s, RegressionScores)]
        return ["scores: " + "; ".join(parts)]
    lines: list[str] = []
    for name, s in sets:
        if isinstance(s, ClassScores):
            lines.extend(_confusion(name, s, classes))
    return lines


def final_scores(trainer: Trainer) -> list[str]:
    """The trainer's current scores as ``score_lines`` writes them."""
    return score_lines(scores(trainer), trainer.dataset.class_names)


def progress_line(trainer: Trainer, total: int, done: int, elapsed: float) -> str | None:
    """One progress line: the epoch, losses, accuracies and epochs per second."""
    m = trainer.history.latest
    if m is None:
        return None
    parts = [f"epoch {trainer.epoch:>{len(str(total)) + 2}}", f"train loss {m.train_loss:.6g}"]
    if m.test_loss == m.test_loss:  # not NaN
        parts.append(f"test loss {m.test_loss:.6g}")
    if m.train_accuracy == m.train_accuracy:
        parts.append(f"train acc {100 * m.train_accuracy:.1f}%")
    if m.test_accuracy == m.test_accuracy:
        parts.append(f"test acc {100 * m.test_accuracy:.1f}%")
    if done and elapsed > 0:
        parts.append(f"{done / elapsed:,.0f} epochs/s")
    return "  ".join(parts)


def final_line(trainer: Trainer) -> str | None:
    """The last epoch's train and test loss and accuracy, as the workspace history keeps
    them (accuracy only for classification)."""
    m = trainer.history.latest
    if m is None:
        return None
    parts = [f"train loss {m.train_loss:.6g}"]
    if m.test_loss == m.test_loss:
        parts.append(f"test loss {m.test_loss:.6g}")
    if m.train_accuracy == m.train_accuracy:
        parts.append(f"train accuracy {m.train_accuracy:.4f}")
    if m.test_accuracy == m.test_accuracy:
        parts.append(f"test accuracy {m.test_accuracy:.4f}")
    return f"final (epoch {trainer.epoch}): " + ", ".join(parts)
