"""Epoch orders drawn several at a time are the orders drawn one at a time, in any sequence
of epochs a run asks for (onward, a rollback's jump back, far ahead)."""

import numpy as np

from engine.training import epoch as epoch_module
from engine.training.epoch import EpochOrder, OrdersAhead


def test_orders_equal_the_single_draws_whatever_the_sequence():
    order = EpochOrder(n_train=37, seed=5, reshuffles=True, batch=4)
    ahead = OrdersAhead(order)
    for epoch in [0, 1, 2, 7, 8, 9, 3, 3, 30, 12, 0]:
        np.testing.assert_array_equal(ahead(epoch), order.permutation(epoch))


def test_large_sets_draw_fewer_orders_at_a_time(monkeypatch):
    monkeypatch.setattr(epoch_module, "AHEAD_BYTES", 8 * 100 * 3)
    order = EpochOrder(n_train=100, seed=1, reshuffles=True, batch=10)
    ahead = OrdersAhead(order)
    np.testing.assert_array_equal(ahead(4), order.permutation(4))
    assert ahead._block.shape == (3, 100)
    big = OrdersAhead(EpochOrder(n_train=10_000, seed=1, reshuffles=True, batch=10))
    assert big._block.shape[0] == 1


def test_a_trained_run_visits_the_samples_in_the_single_draws_order():
    from engine.presets import get_preset
    from engine.trainer import Trainer

    t = Trainer(get_preset("digits"))
    t.train(10)
    p = t.program
    assert p.order.reshuffles
    np.testing.assert_array_equal(p.positions, p.order.permutation(9))
