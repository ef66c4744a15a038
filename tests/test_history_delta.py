"""The history crosses to the window as new rows only, and is put back whole and exact
(session/history_delta.py), whatever happened to it between two snapshots."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.history import History, Metrics
from engine.presets import get_preset
from session import commands as c
from session.history_delta import WHOLE, HistoryReceiver, HistorySender
from session.host import Published, Receiver, SessionHost
from session.host import Stop as _Stop
from tests.test_host_publish import _Inbox


def _metrics(epoch: int, rng: np.random.Generator) -> Metrics:
    values = rng.random(6)
    values[rng.random(6) < 0.2] = math.nan  # gaps, as a run without a test set has
    return Metrics(epoch, *map(float, values))


def _assert_same(got: dict[str, np.ndarray], want: dict[str, np.ndarray]) -> None:
    assert got.keys() == want.keys()
    for k in want:
        assert got[k].dtype == want[k].dtype, k
        np.testing.assert_array_equal(got[k], want[k], err_msg=k)


@pytest.mark.parametrize("seed", range(6))
def test_every_change_to_a_history_arrives_exactly(seed):
    """Appends, a full history's decimation, an undone step, a refreshed last point and a new
    history, in random order: after each snapshot the receiver holds what the sender had."""
    rng = np.random.default_rng(seed)
    history, epoch = History(capacity=16), 0
    history.record(_metrics(0, rng))
    sender, receiver = HistorySender(), HistoryReceiver()
    held: list[tuple[dict[str, np.ndarray], dict[str, np.ndarray]]] = []
    starts = []
    for _ in range(120):
        move = rng.random()
        if move < 0.7:
            for _ in range(int(rng.integers(1, 6))):
                epoch += 1
                history.record(_metrics(epoch, rng))
        elif move < 0.8 and epoch > 0:
            epoch = int(rng.integers(0, epoch))
            history.truncate_after(epoch)
        elif move < 0.9:  # the last point measured again (an edit at the same epoch)
            history.truncate_after(epoch - 1)
            history.record(_metrics(epoch, rng))
        else:
            history = history.copy()
        arrays = history.as_arrays()
        start, rows = sender.part(arrays)
        starts.append(start)
        got = receiver.complete(start, {k: v.copy() for k, v in rows.items()})
        _assert_same(got, arrays)
        assert not any(v.flags.writeable for v in got.values())
        held.append((got, {k: v.copy() for k, v in arrays.items()}))
    for got, want in held:  # a snapshot kept by the window never changes afterwards
        _assert_same(got, want)
    assert WHOLE in starts and any(s > 0 for s in starts)


def test_appended_rows_are_all_that_is_sent():
    rng = np.random.default_rng(7)
    history = History()
    sender = HistorySender()
    for epoch in range(500):
        history.record(_metrics(epoch, rng))
    assert sender.part(history.as_arrays())[0] == WHOLE
    for epoch in range(500, 503):
        history.record(_metrics(epoch, rng))
    start, rows = sender.part(history.as_arrays())
    assert start == 500
    assert all(len(v) == 3 for v in rows.values())
    np.testing.assert_array_equal(rows["epoch"], [500, 501, 502])


def test_rows_that_do_not_follow_are_refused():
    receiver = HistoryReceiver()
    receiver.complete(WHOLE, {"epoch": np.arange(3), "train_loss": np.ones(3)})
    with pytest.raises(ValueError, match="do not follow"):
        receiver.complete(5, {"epoch": np.arange(1), "train_loss": np.ones(1)})


def test_the_host_sends_new_rows_and_the_window_sees_the_whole_history():
    sent: list[object] = []
    host = SessionHost(get_preset("tf_default"), _Inbox(), sent.append)
    receiver = Receiver()
    host._publish()
    for _ in range(4):
        host.session.handle(c.TrainEpochs(3))
        host._publish()
    published = [m for m in sent if isinstance(m, Published)]
    assert published[0].history_from == WHOLE
    assert published[-1].history_from > 0
    assert len(published[-1].snapshot.history["epoch"]) < 5
    for message in published:
        whole = receiver.complete(message)
    trainer = host.session.trainer
    assert trainer is not None
    _assert_same(whole.history, trainer.history.as_arrays())
    # a reset starts a new history: sent whole again
    host.session.handle(c.Reset())
    host._publish()
    last = [m for m in sent if isinstance(m, Published)][-1]
    assert last.history_from == WHOLE
    _assert_same(receiver.complete(last).history, host.session.trainer.history.as_arrays())


def test_a_value_that_changes_only_its_sign_bit_is_sent_again():
    """0.0 and −0.0 compare equal, but the read-out shows them apart ("−0.0000")."""
    sender, receiver = HistorySender(), HistoryReceiver()
    first = {"epoch": np.arange(3), "train_r2": np.array([0.5, 0.0, 0.3])}
    receiver.complete(*sender.part(first))
    second = {"epoch": np.arange(3), "train_r2": np.array([0.5, -0.0, 0.3])}
    start, rows = sender.part(second)
    assert start == WHOLE
    got = receiver.complete(start, rows)
    assert np.signbit(got["train_r2"][1])


def test_a_missing_snapshot_is_noticed_and_a_resync_brings_the_whole_one():
    """Should a snapshot ever go missing, the receiver must not piece together a wrong
    history or stale parts: it drops what follows until the host, asked with ``Resync``,
    sends one whole."""
    from session.host import Resync

    sent: list[object] = []
    inbox = _Inbox()
    host = SessionHost(get_preset("tf_default"), inbox, sent.append)
    receiver = Receiver()
    host._publish()
    assert receiver.complete(sent[-1]) is not None  # type: ignore[arg-type]
    host.session.handle(c.TrainEpochs(2))
    host._publish()  # this one is lost on the way
    host.session.handle(c.TrainEpochs(2))
    host._publish()
    assert receiver.complete(sent[-1]) is None  # type: ignore[arg-type]
    assert receiver.lost
    host.session.handle(c.TrainEpochs(1))
    host._publish()
    assert receiver.complete(sent[-1]) is None  # type: ignore[arg-type]  # still dropped
    inbox.q.put(Resync())
    inbox.q.put(_Stop())
    host.run()
    published = [m for m in sent if isinstance(m, Published)]
    whole = receiver.complete(published[-1])
    assert whole is not None and not receiver.lost
    assert published[-1].history_from == WHOLE and published[-1].omitted == ()
    _assert_same(whole.history, host.session.trainer.history.as_arrays())
