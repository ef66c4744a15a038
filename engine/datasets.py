"""Toy data sets for the playground, plus validation for data the user brings.

One import for the data API; each concept has its own module in ``engine.data``: the
``Dataset`` type and ``from_arrays`` (``dataset``), the built-in generators and their registry
(``generators``), and the train/test ``split`` (``split``; ``split_by`` for a test set
from another region).
"""

from engine.data.dataset import TASKS, Dataset, Task, from_arrays
from engine.data.generators import (
    DATASETS,
    MAX_SAMPLES,
    MULTI_GAUSS_CENTRES,
    NOT_DOMAIN,
    SINE_DOMAIN,
    TABLE_DOMAIN,
    TF_DOMAIN,
    DatasetInfo,
    gauss_std,
    generate,
)
from engine.data.split import split, split_by

__all__ = [
    "DATASETS",
    "MAX_SAMPLES",
    "MULTI_GAUSS_CENTRES",
    "NOT_DOMAIN",
    "SINE_DOMAIN",
    "TABLE_DOMAIN",
    "TASKS",
    "TF_DOMAIN",
    "Dataset",
    "DatasetInfo",
    "Task",
    "from_arrays",
    "gauss_std",
    "generate",
    "split",
    "split_by",
]
