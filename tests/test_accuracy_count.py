"""The evaluation's count of right predictions against argmax (first index wins ties) and the
threshold rule, on the cases where a shortcut could differ: ties, NaN, one output unit."""

import numpy as np
import pytest

from engine.accuracy_count import AccuracyCount


def counted(o: np.ndarray, labels: np.ndarray, threshold: float = 0.5) -> int:
    acc = AccuracyCount(o, labels, threshold)
    for call in acc.calls:
        call()
    (count,) = acc.counts()
    return count


def by_argmax(o: np.ndarray, labels: np.ndarray) -> int:
    return int(np.sum(np.argmax(o, axis=0) == labels))


@pytest.mark.parametrize("seed", range(5))
def test_random_outputs_count_as_argmax(seed):
    rng = np.random.default_rng(seed)
    o = rng.normal(size=(10, 300))
    labels = rng.integers(0, 10, 300)
    labels[:40] = np.argmax(o[:, :40], axis=0)  # some right, the rest mostly wrong
    assert counted(o, labels) == by_argmax(o, labels)


def test_ties_go_to_the_first_class_as_argmax_decides():
    o = np.zeros((3, 6))  # every class ties: argmax says class 0 for all
    labels = np.array([0, 1, 2, 0, 1, 2])
    assert counted(o, labels) == 2
    o[:, 3:] = [[0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]  # ties of two at the top
    assert counted(o, labels) == by_argmax(o, labels)


def test_nan_outputs_count_as_argmax():
    o = np.array([[0.2, np.nan, 0.9], [0.8, 0.1, np.nan]])
    labels = np.array([1, 0, 1])
    assert counted(o, labels) == by_argmax(o, labels)


def test_the_calls_read_the_buffer_as_it_is_at_run_time():
    o = np.zeros((2, 4))
    labels = np.array([0, 1, 1, 1])
    acc = AccuracyCount(o, labels, 0.5)
    o[1] = 1.0  # written after the calls were built, as a forward pass does
    for call in acc.calls:
        call()
    assert acc.counts() == (3,)


def test_a_strided_buffer_is_counted_too():
    rng = np.random.default_rng(7)
    full = rng.normal(size=(10, 200))
    o = full[:, ::2]
    labels = rng.integers(0, 10, 100)
    assert counted(o, labels) == by_argmax(o, labels)


def test_one_output_unit_counts_by_the_threshold():
    o = np.array([[0.2, 0.7, 0.5, 0.9]])
    labels = np.array([0, 1, 1, 0])
    assert counted(o, labels, threshold=0.5) == 2  # 0.5 is not above 0.5


def test_column_maxima_filled_by_an_earlier_call_are_read_not_recomputed():
    rng = np.random.default_rng(11)
    o = rng.normal(size=(4, 50))
    labels = rng.integers(0, 4, 50)
    top = np.full(50, np.inf)  # what the shared call will overwrite
    acc = AccuracyCount(o, labels, 0.5, top)
    assert len(acc.calls) == len(AccuracyCount(o, labels, 0.5).calls) - 1
    np.maximum.reduce(o, 0, None, top)
    for call in acc.calls:
        call()
    assert acc.counts() == (by_argmax(o, labels),)


def test_sets_side_by_side_are_counted_each_on_its_own():
    """A tie in the second set sends only that set to argmax; the first keeps its count."""
    rng = np.random.default_rng(3)
    o = rng.normal(size=(5, 70))
    labels = rng.integers(0, 5, 70)
    o[:, 60:] = 0.0  # ties: argmax says class 0
    labels[60:65] = 0
    sets = (slice(0, 40), slice(40, 70), slice(70, 70))
    acc = AccuracyCount(o, labels, 0.5, sets=sets)
    for call in acc.calls:
        call()
    assert acc.counts() == tuple(by_argmax(o[:, s], labels[s]) for s in sets)
    assert acc.counts()[2] == 0
