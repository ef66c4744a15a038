"""What crosses from the session's host to the window: repeated parts are left out of a
Published snapshot and put back by the Receiver, so the window sees whole snapshots."""

from __future__ import annotations

import queue

from engine.presets import get_preset
from session import commands as c
from session.host import REPEATABLE, Published, Receiver, SessionHost


class _Inbox:
    def __init__(self) -> None:
        self.q: queue.SimpleQueue[object] = queue.SimpleQueue()

    def poll(self, timeout: float | None = None) -> bool:
        return not self.q.empty()

    def recv(self) -> object:
        return self.q.get()


def test_repeated_parts_are_left_out_and_put_back_whole():
    sent: list[object] = []
    host = SessionHost(get_preset("iris"), _Inbox(), sent.append)
    host._publish()
    host.session.handle(c.Step(c.StepUnit.BATCH))
    host._publish()
    first, second = (m for m in sent if isinstance(m, Published))
    assert first.omitted == ()
    assert "data" in second.omitted and "scenario" in second.omitted
    for part in second.omitted:
        assert getattr(second.snapshot, part) is None
    receiver = Receiver()
    whole1 = receiver.complete(first)
    whole2 = receiver.complete(second)
    for part in REPEATABLE:
        assert getattr(whole2, part) is not None
        if part in second.omitted:
            assert getattr(whole2, part) is getattr(whole1, part)
    assert whole2.epoch == whole1.epoch and whole2.batch_index == whole1.batch_index + 1
    # an edit makes a new scenario: it is sent again
    host.session.handle(c.edit(c.Section.OPTIMIZER, learning_rate=0.02))
    host._publish()
    third = [m for m in sent if isinstance(m, Published)][-1]
    assert "scenario" not in third.omitted
    assert receiver.complete(third).scenario.train.optimizer.learning_rate == 0.02
