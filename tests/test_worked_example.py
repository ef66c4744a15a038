"""The two-sample worked example (../shared/seeds/003) reproduced digit for digit.

The notebook starts from np.random.seed(42) weights, uses binary cross-entropy and sums its
gradients over the batch (δ² = a² − y without 1/N), which is our ``sum`` reduction. The numbers
below are the ones the notebook printed.
"""

import numpy as np
import pytest

from engine.presets import get_preset
from engine.trainer import Trainer

SIG = 1e-9  # nine significant digits

PRINTED_LOSS = 0.9590413360683729
PRINTED_DW2 = [[0.6144307], [0.62712197]]
PRINTED_DB2 = [0.6267222]
PRINTED_DW1 = [[0.00274407, 0.01512979], [0.0035295, 0.01584567]]
PRINTED_DB1 = [0.00078544, 0.00071587]
UPDATED_W1 = [[0.37426571, 0.94920133], [0.73164099, 0.59707392]]
UPDATED_B1 = [0.1559401, 0.15592293]
UPDATED_W2 = [[-0.00335946], [0.80346395]]
UPDATED_B2 = [0.53844279]
# "Epoch e, Loss: ..." from the 1000-epoch loop, which starts after the single update above.
LOOP_LOSSES = {
    0: 0.903348793298792,
    100: 0.6785156101299639,
    200: 0.6558760710323448,
    300: 0.6005594228611344,
    400: 0.4793240909116128,
    500: 0.322165987070469,
    600: 0.20531123826507064,
    700: 0.1379114421875627,
    800: 0.09950109101359064,
    900: 0.07616360712960568,
}


def _printed(value, digits):
    """Tolerance matching what the notebook printed: numpy shows 8 significant digits."""
    return pytest.approx(np.asarray(value, dtype=float), rel=0, abs=0.5 * 10.0**-digits)


def test_start_weights_are_seed_42():
    np.random.seed(42)
    expected = [np.random.rand(2, 2), np.random.rand(1, 2), np.random.rand(2, 1),
                np.random.rand(1, 1)]
    (w1, b1), (w2, b2) = Trainer(get_preset("worked_example")).params.as_list()
    for got, want in zip((w1, b1, w2, b2), expected, strict=True):
        np.testing.assert_array_equal(got, want.reshape(got.shape))


def test_one_step_reproduces_printed_loss_gradients_and_update():
    trainer = Trainer(get_preset("worked_example"))
    trace = trainer.begin_step().run_to_end()
    # The notebook prints the mean loss; with the sum reduction the batch loss is N × that.
    assert trace.loss / 2 == pytest.approx(PRINTED_LOSS, rel=SIG)
    assert np.mean(trace.sample_loss) == pytest.approx(PRINTED_LOSS, rel=SIG)
    assert trace.dW[2] == _printed(PRINTED_DW2, 8)
    assert trace.db[2] == _printed(PRINTED_DB2, 7)
    assert trace.dW[1] == _printed(PRINTED_DW1, 8)
    assert trace.db[1] == _printed(PRINTED_DB1, 8)
    (w1, b1), (w2, b2) = trace.params_after
    assert w1 == _printed(UPDATED_W1, 8)
    assert b1 == _printed(UPDATED_B1, 8)
    assert w2 == _printed(UPDATED_W2, 8)
    assert b2 == _printed(UPDATED_B2, 8)


def test_gradients_match_an_independent_notebook_computation_to_nine_digits():
    """The printed gradients have 8 digits; recompute the notebook's own formulas in full
    precision and demand agreement to 1e-9 relative."""
    np.random.seed(42)
    w1, b1, w2, b2 = (np.random.rand(2, 2), np.random.rand(1, 2), np.random.rand(2, 1),
                      np.random.rand(1, 1))
    x = np.array([[1, 2], [2, 3]])
    y = np.array([[1], [0]])
    a1 = 1 / (1 + np.exp(-(x @ w1 + b1)))
    a2 = 1 / (1 + np.exp(-(a1 @ w2 + b2)))
    d2 = a2 - y
    d1 = d2 @ w2.T * a1 * (1 - a1)
    trace = Trainer(get_preset("worked_example")).begin_step().run_to_end()
    np.testing.assert_allclose(trace.dW[2], a1.T @ d2, rtol=SIG)
    np.testing.assert_allclose(trace.db[2], d2.sum(0), rtol=SIG)
    np.testing.assert_allclose(trace.dW[1], x.T @ d1, rtol=SIG)
    np.testing.assert_allclose(trace.db[1], d1.sum(0), rtol=SIG)
    np.testing.assert_allclose(trace.delta[2], d2, rtol=SIG)


def test_loss_trace_of_the_1000_epoch_loop():
    trainer = Trainer(get_preset("worked_example"))
    trainer.train(1001)
    losses = dict(zip(trainer.history.epochs.tolist(),
                      trainer.history.column("train_loss"), strict=True))
    assert losses[0] == pytest.approx(PRINTED_LOSS, rel=SIG)
    for e, printed in LOOP_LOSSES.items():
        # loop epoch e printed the loss after e + 1 updates from the seed weights
        assert losses[e + 1] == pytest.approx(printed, rel=SIG), e


def test_mean_reduction_halves_the_two_sample_gradients():
    from dataclasses import replace

    s = get_preset("worked_example")
    mean = replace(s, train=replace(s.train, reduction="mean"))
    t_sum = Trainer(s).begin_step().run_to_end()
    t_mean = Trainer(mean).begin_step().run_to_end()
    for layer in (1, 2):
        np.testing.assert_allclose(t_mean.dW[layer], t_sum.dW[layer] / 2, rtol=1e-14)
    assert t_mean.loss == pytest.approx(PRINTED_LOSS, rel=SIG)


@pytest.mark.parametrize("key", ["xor_241", "not_111"])
def test_the_notebook_presets_run_the_notebooks_own_update(key):
    """../shared/seeds/000: output_error = output − target (no σ′: binary cross-entropy's
    gradient through the sigmoid), gradients summed over the batch, w −= 0.1·dw."""
    t = Trainer(get_preset(key))
    (w1, b1), (w2, b2) = (tuple(np.array(a, dtype=float) for a in layer)
                          for layer in t.params.as_list())
    x = t.dataset.x.astype(float)
    target = t.dataset.y.astype(float).reshape(-1, 1)

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    a1 = sigmoid(x @ w1 + b1)
    out = sigmoid(a1 @ w2 + b2)
    output_error = out - target
    dw2, db2 = a1.T @ output_error, output_error.sum(axis=0)
    hidden_error = (output_error @ w2.T) * (a1 * (1 - a1))
    dw1, db1 = x.T @ hidden_error, hidden_error.sum(axis=0)
    t.train(1)
    (nw1, nb1), (nw2, nb2) = t.params.as_list()
    np.testing.assert_allclose(nw2, w2 - 0.1 * dw2, rtol=0, atol=1e-15)
    np.testing.assert_allclose(nb2, b2 - 0.1 * db2, rtol=0, atol=1e-15)
    np.testing.assert_allclose(nw1, w1 - 0.1 * dw1, rtol=0, atol=1e-15)
    np.testing.assert_allclose(nb1, b1 - 0.1 * db1, rtol=0, atol=1e-15)
    assert "prints the mean squared error" in get_preset(key).description
