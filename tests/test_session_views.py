"""The session's view choices: the decision map's axes and the scores in every snapshot."""

from __future__ import annotations

import numpy as np
import pytest

from engine.map_axes import default_map_axes
from engine.metrics import ClassScores
from engine.presets import get_preset
from session import commands as c
from session.events import Event, Refused
from session.session import Session


def make(preset: str) -> tuple[Session, list[Event]]:
    events: list[Event] = []
    return Session(get_preset(preset), emit=events.append), events


def test_set_map_axes_redraws_the_map_over_the_chosen_columns():
    s, events = make("iris")
    first = s.snapshot()
    assert first is not None and first.maps.axes == (0, 2)  # the two that vary most
    s.handle(c.SetMapAxes(2, 3))
    snap = s.snapshot()
    assert snap is not None and snap.maps.axes == (2, 3) and not events
    assert not np.array_equal(snap.maps.output, first.maps.output)
    x = s.require_trainer().dataset.x
    x0, x1, y0, y1 = snap.maps.domain
    assert x0 < x[:, 2].min() and x1 > x[:, 2].max()
    assert y0 < x[:, 3].min() and y1 > x[:, 3].max()
    s.handle(c.Reset())  # new weights, same data: the choice stays
    assert s.snapshot().maps.axes == (2, 3)


def test_bad_map_axes_are_refused_and_change_nothing():
    s, events = make("iris")
    for bad in (c.SetMapAxes(1, 1), c.SetMapAxes(0, 4), c.SetMapAxes(-1, 2)):
        s.handle(bad)
    refusals = [e for e in events if isinstance(e, Refused)]
    assert len(refusals) == 3 and all(len(e.text) <= 300 for e in refusals)
    assert "different" in refusals[0].text and "1..4" in refusals[1].text
    assert s.snapshot().maps.axes == (0, 2)
    two, events2 = make("tf_default")
    two.handle(c.SetMapAxes(1, 0))
    assert isinstance(events2[-1], Refused) and two.snapshot().maps.axes == (0, 1)


def test_the_pca_plane_is_chosen_drawn_traced_and_kept_per_data():
    from engine.map_plane import Projection

    s, events = make("iris")
    # from three inputs the PCA plane first: a two-column slice can contradict the scores
    assert s.snapshot().maps.pca is not None
    s.handle(c.SetMapAxes(0, 2))
    assert s.snapshot().maps.pca is None
    s.handle(c.SetMapAxes(0, 2, projection=Projection.PCA))
    snap = s.snapshot()
    pca = snap.maps.pca
    assert pca is not None and snap.maps.axes == (0, 2) and not events
    assert snap.maps.domain == pca.domain and sum(pca.variance) > 0.9  # iris is nearly flat
    t = s.require_trainer()
    np.testing.assert_allclose(pca.train_xy, pca.project(t.dataset.x[t.train_idx]))
    assert s.map_pca() is pca  # computed once for this data
    k = 17
    s.handle(c.TraceNearest(float(pca.train_xy[k, 0]), float(pca.train_xy[k, 1])))
    assert s.snapshot().traced_sample == k
    s.handle(c.Reset())  # new weights, same data: the plane stays
    assert s.snapshot().maps.pca is pca
    s.handle(c.SetMapAxes(0, 2, projection="diagonal"))  # type: ignore[arg-type]
    assert isinstance(events[-1], Refused) and "columns, pca" in events[-1].text
    s.handle(c.SetMapAxes(1, 3))
    assert s.snapshot().maps.pca is None and s.snapshot().maps.axes == (1, 3)
    s.handle(c.LoadScenario(get_preset("digits")))  # 64 pixels: the PCA plane first
    assert s.snapshot().maps.pca is not None


def test_other_data_starts_on_its_two_liveliest_columns():
    s, _ = make("iris")
    s.handle(c.SetMapAxes(3, 1))
    s.handle(c.LoadScenario(get_preset("digits")))
    x = s.require_trainer().dataset.x[s.require_trainer().train_idx]
    axes = s.snapshot().maps.axes
    assert axes == default_map_axes(x) and x[:, list(axes)].var(axis=0).min() > 0
    s.handle(c.LoadScenario(get_preset("tf_default")))
    assert s.snapshot().maps.axes == (0, 1)


def test_default_map_axes_by_hand():
    x = np.array([[0.0, 1.0, 5.0, 2.0],
                  [0.0, 3.0, 1.0, 2.0],
                  [0.0, 2.0, 9.0, 2.5]])
    # variances: 0, 2/3, 10.67, 0.056 -> columns 2 and 1, in column order
    assert default_map_axes(x) == (1, 2)
    assert default_map_axes(x[:, :2]) == (0, 1)
    assert default_map_axes(np.zeros((3, 5))) == (0, 1)


def test_trace_nearest_uses_the_chosen_columns():
    s, _ = make("iris")
    s.handle(c.SetMapAxes(2, 3))
    t = s.require_trainer()
    pts = t.dataset.x[t.train_idx]
    k = 17
    s.handle(c.TraceNearest(float(pts[k, 2]), float(pts[k, 3])))
    chosen = s.stepping.traced_sample
    assert chosen is not None
    assert np.allclose(pts[chosen, 2:4], pts[k, 2:4])


def test_snapshots_carry_scores_of_the_current_weights():
    s, _ = make("iris")
    before = s.snapshot().scores
    assert before is not None and before.epoch == 0
    s.handle(c.TrainEpochs(30))
    after = s.snapshot()
    assert after.scores is not None and after.scores.epoch == 30
    assert isinstance(after.scores.test, ClassScores)
    assert after.scores.test.accuracy == pytest.approx(after.metrics.test_accuracy)
    assert after.scores is not before


def test_new_axes_are_drawn_at_once_even_while_running():
    """Running, the maps refresh at most ~7×/s; a new choice must not wait for that."""
    now = [0.0]
    s = Session(get_preset("iris"), clock=lambda: now[0])
    s.handle(c.Run())
    assert s.snapshot().maps.axes == (0, 2)
    s.handle(c.SetMapAxes(1, 3))  # the clock has not moved: the old maps are still fresh
    assert s.snapshot().maps.axes == (1, 3)
