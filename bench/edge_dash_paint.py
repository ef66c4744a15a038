"""What dashing the negative edges costs: the diagram's EdgeItem painted into an offscreen
image, negative pens dashed (as drawn) against all solid, for a small and a dense network.
Prints the median paint time of each and their ratio.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/edge_dash_paint.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from gui.network.edges import EdgeItem
from session.present.levels import EDGE_LEVELS, signed_steps


def paint_ms(n_edges: int, dashed: bool, rounds: int = 30) -> float:
    rng = np.random.default_rng(0)
    xy = np.column_stack([rng.uniform(0, 900, (n_edges, 1)), rng.uniform(0, 500, (n_edges, 1)),
                          rng.uniform(0, 900, (n_edges, 1)), rng.uniform(0, 500, (n_edges, 1))])
    values = rng.normal(0, 0.5, n_edges)
    item = EdgeItem()
    item.dash_negative = dashed
    item.set_segments(xy, QRectF(0, 0, 900, 500))
    item.set_values(signed_steps(values, 1.0, EDGE_LEVELS), np.abs(values))
    image = QImage(900, 500, QImage.Format.Format_ARGB32_Premultiplied)
    times = []
    for _ in range(rounds):
        image.fill(0xFFFFFFFF)
        p = QPainter(image)
        t = time.perf_counter()
        item.paint(p)
        p.end()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    QApplication.instance() or QApplication([])
    for n in (9, 300, 3000, 10800):
        solid, dashed = paint_ms(n, False), paint_ms(n, True)
        print(f"{n:6d} edges: solid {solid:7.2f} ms, dashed negatives {dashed:7.2f} ms, "
              f"ratio {dashed / solid:.2f}")


if __name__ == "__main__":
    main()
