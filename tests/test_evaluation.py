"""The masked-RMSE evaluator against values computed by hand."""
import mxnet as mx
import numpy as onp
import pytest
from mxnet import gluon, np, npx

import d2l_ext as d2l

npx.set_np()


class Constant(gluon.nn.Block):
    """A 'network' that predicts the same fixed matrix row by row."""

    def __init__(self, table):
        super().__init__()
        self.table, self.row = onp.asarray(table, dtype='float32'), 0

    def forward(self, X):
        out = self.table[self.row:self.row + X.shape[0]]
        self.row += X.shape[0]
        return np.array(out)


def test_masked_rmse_by_hand():
    test = onp.array([[4, 0, 0], [0, 2, 5]], dtype='float32')
    recons = onp.array([[3, 9, 9], [9, 4, 5]], dtype='float32')
    # observed errors: 1, -2, 0 -> sqrt((1 + 4 + 0) / 3)
    assert d2l.masked_rmse(test, recons) == pytest.approx((5 / 3) ** 0.5)


def test_evaluator_reconstructs_from_the_iterator_in_order_and_masks_the_test_matrix():
    train = onp.array([[5, 0, 1], [0, 3, 0], [2, 2, 0]], dtype='float32')
    recons = onp.array([[4.5, 1, 1], [0, 3.5, 2], [1, 2, 4]], dtype='float32')
    test = np.array([[0, 2, 0], [1, 0, 0], [0, 0, 3]], dtype='float32')
    loader = gluon.data.DataLoader(np.array(train), batch_size=2, shuffle=False)
    rmse = d2l.evaluator(Constant(recons), loader, test, [mx.cpu()])
    expected = onp.sqrt(((2 - 1) ** 2 + (1 - 0) ** 2 + (3 - 4) ** 2) / 3)
    assert rmse == pytest.approx(expected)
    assert isinstance(rmse, float)


def test_evaluator_agrees_with_the_chapter_formula_on_random_data():
    rng = onp.random.default_rng(1)
    recons = rng.uniform(1, 5, (6, 4)).astype('float32')
    test = (rng.integers(0, 6, (6, 4)) * (rng.uniform(size=(6, 4)) < 0.4)).astype('float32')
    loader = gluon.data.DataLoader(np.zeros((6, 4)), batch_size=4)
    ours = d2l.evaluator(Constant(recons), loader, np.array(test), [mx.cpu()])
    t = np.array(test)
    chapter = float(np.sqrt(np.sum(np.square(t - np.sign(t) * np.array(recons)))
                            / np.sum(np.sign(t))))
    assert ours == pytest.approx(chapter, rel=1e-5)


def test_no_observed_test_entry_is_a_clear_error_not_nan():
    with pytest.raises(d2l.D2LExtError, match='no observed'):
        d2l.masked_rmse(onp.zeros((2, 3)), onp.ones((2, 3)))


def test_shape_mismatch_is_a_clear_error():
    with pytest.raises(d2l.D2LExtError, match='shape'):
        d2l.masked_rmse(onp.ones((2, 3)), onp.ones((3, 3)))


def test_masked_rmse_applies_the_papers_default_rating_and_clipping():
    train = onp.array([[4, 3], [0, 0]], dtype='float32')   # row 2 has no training rating
    truth = onp.array([[0, 5], [2, 0]], dtype='float32')
    recons = onp.array([[9, 7], [1, 1]], dtype='float32')
    assert d2l.masked_rmse(truth, recons) == pytest.approx(onp.sqrt((4 + 1) / 2))
    # Clipped to [1, 5]: 7 -> 5 (error 0); row 2 unseen -> default 3 (error 1).
    got = d2l.masked_rmse(truth, recons, train=train, clip=(1, 5), default_rating=3)
    assert got == pytest.approx(onp.sqrt((0 + 1) / 2))


def test_masked_rmse_an_empty_held_out_matrix_is_a_clear_error():
    with pytest.raises(d2l.EmptyDataError, match='no observed'):
        d2l.masked_rmse(onp.zeros((2, 3), dtype='float32'), onp.ones((2, 3), dtype='float32'))
