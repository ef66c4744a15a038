"""Which two raw input columns a decision map starts on, for data with more than two.

The first two columns are often the dullest: digits' corner pixels are blank in every
sample, so a map over them is one colour. The two columns that vary most over the training
set show the most of what the network learned, so a wide data set starts on those.
"""

from __future__ import annotations

import numpy as np


def default_map_axes(x_train: np.ndarray) -> tuple[int, int]:
    """(i, j), i < j: the two columns of ``x_train`` (N, d) with the largest variance
    (ties: the earlier column); (0, 1) for d <= 2 or no samples."""
    x = np.asarray(x_train, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] <= 2 or x.shape[0] == 0:
        return (0, 1)
    spread = x.var(axis=0)
    spread = np.where(np.isfinite(spread), spread, -1.0)
    first, second = np.argsort(-spread, kind="stable")[:2]
    i, j = sorted((int(first), int(second)))
    return (i, j)
