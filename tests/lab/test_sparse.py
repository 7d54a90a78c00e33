"""Sparse storage, dense batches: the same model, loss, gradients and RMSE as the dense path."""
import numpy as onp
import pandas as pd
import pytest
from mxnet import autograd, gluon, np, npx
from scipy import sparse

import d2l_ext as d2l
from d2l_ext.data import interaction_matrix
from d2l_ext.evaluation import masked_rmse
from d2l_ext.lab import sparse as sp
from d2l_ext.lab.fitting import fit_autorec
from d2l_ext.matrices import as_csr, choose_storage, dense_bytes
from tests.conftest import low_rank_ratings

npx.set_np()


def _split(variant='item'):
    data, nu, ni = low_rank_ratings()
    train, test = d2l.split_data_ml100k(data, nu, ni, seed=0)
    fit, val = d2l.split_data_ml100k(train, nu, ni, seed=1)
    dense = [interaction_matrix(x, nu, ni, variant) for x in (fit, val, test)]
    csr = [interaction_matrix(x, nu, ni, variant, storage='sparse') for x in (fit, val, test)]
    return dense, csr


@pytest.mark.parametrize('variant', ['item', 'user'])
def test_sparse_matrix_is_the_dense_one_stored_sparse(variant):
    dense, csr = _split(variant)
    for d, c in zip(dense, csr):
        assert sparse.isspmatrix_csr(c) and c.dtype == onp.float32
        assert c.indices.dtype == onp.int32 and c.has_sorted_indices
        onp.testing.assert_array_equal(c.toarray(), d)


def test_sparse_matrix_keeps_the_last_duplicate_and_half_stars():
    data = pd.DataFrame({'user_id': [1, 2, 1], 'item_id': [1, 1, 1],
                         'rating': [4.0, 0.5, 2.5], 'timestamp': 0})
    m = interaction_matrix(data, 2, 1, storage='sparse')
    onp.testing.assert_array_equal(m.toarray(), [[2.5, 0.5]])
    onp.testing.assert_array_equal(interaction_matrix(data, 2, 1, storage='dense'),
                                   [[2.5, 0.5]])


def test_sparse_matrix_refuses_ids_out_of_range():
    data = pd.DataFrame({'user_id': [3], 'item_id': [1], 'rating': [4], 'timestamp': 0})
    with pytest.raises(d2l.DataFormatError, match='num_users=2'):
        interaction_matrix(data, 2, 1, storage='sparse')


def test_dense_rows_in_any_order_with_a_reused_buffer():
    rng = onp.random.default_rng(0)
    dense = (rng.uniform(size=(30, 17)) < 0.2) * rng.integers(1, 6, (30, 17))
    csr = as_csr(dense)
    buffer = onp.full((8, 17), 9, dtype=onp.float32)
    for index in ([3, 0, 29, 7], [5], onp.arange(30)[::-1][:8]):
        got = sp.dense_rows(csr, onp.array(index), buffer if len(index) <= 8 else None)
        onp.testing.assert_array_equal(got, dense[index])


def test_choose_storage_by_size_and_by_flag():
    assert choose_storage((1682, 943)) == 'dense'
    assert choose_storage((10_677, 69_878)) == 'sparse'   # ML-10M: 3 GB dense
    assert choose_storage((10_677, 69_878), 'dense') == 'dense'
    assert choose_storage((3, 3), 'sparse') == 'sparse'
    assert dense_bytes(17_770, 480_189) == 34_131_834_120  # Netflix: 34 GB per copy
    with pytest.raises(d2l.InvalidArgumentError, match='storage must be one of'):
        choose_storage((3, 3), 'csr')


def test_one_batch_has_the_same_loss_and_gradients_from_either_storage():
    dense, csr = _split()
    index = onp.array([5, 1, 40, 77, 3])
    grads = []
    for X in (np.array(dense[0][index]), np.array(sp.dense_rows(csr[0], index))):
        d2l.set_seed(0)
        net = d2l.AutoRec(8, dense[0].shape[1], dropout=0.0)
        net.initialize(init='normal', force_reinit=True)
        with autograd.record():
            l = gluon.loss.L2Loss()(net(X), X)
        l.backward()
        grads.append([l.asnumpy()] + [p.grad().asnumpy()
                                      for p in net.collect_params().values()])
    for a, b in zip(*grads):
        onp.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize('variant', ['item', 'user'])
def test_fit_autorec_same_losses_rmses_and_parameters_on_either_path(variant):
    dense, csr = _split(variant)
    kw = dict(num_hidden=16, lr=0.01, num_epochs=4, batch_size=16, seed=0, progress=None,
              clip=(1, 5), default_rating=3, select_on='val', restore_best=True)
    a = fit_autorec(dense[0], {'val': dense[1], 'test': dense[2]}, storage='dense', **kw)
    b = fit_autorec(csr[0], {'val': csr[1], 'test': csr[2]}, storage='sparse', **kw)
    for column in ('train_loss', 'train_rmse', 'val_rmse', 'test_rmse'):
        onp.testing.assert_allclose(getattr(a.history, column), getattr(b.history, column),
                                    rtol=1e-5)
    assert a.best_epoch == b.best_epoch
    for p, q in zip(a.net.collect_params().values(), b.net.collect_params().values()):
        onp.testing.assert_allclose(p.data().asnumpy(), q.data().asnumpy(), rtol=1e-5,
                                    atol=1e-6)


def test_fit_autorec_accepts_csr_on_the_dense_path_and_arrays_on_the_sparse_path():
    dense, csr = _split()
    kw = dict(num_hidden=8, num_epochs=2, batch_size=32, seed=0, progress=None)
    a = fit_autorec(csr[0], {'test': csr[2]}, **kw)             # auto: small, so dense
    b = fit_autorec(dense[0], {'test': dense[2]}, storage='sparse', **kw)
    onp.testing.assert_allclose(a.history.test_rmse, b.history.test_rmse, rtol=1e-5)


def test_masked_rmse_of_csr_is_the_dense_one_with_clip_and_default_rating():
    rng = onp.random.default_rng(1)
    train = (rng.uniform(size=(20, 12)) < 0.3) * rng.integers(1, 6, (20, 12))
    train[4] = 0          # an item nobody rated in training
    train[:, 7] = 0       # a user with no training rating
    test = (rng.uniform(size=(20, 12)) < 0.3) * rng.integers(1, 6, (20, 12))
    recons = rng.normal(3, 2, size=(20, 12)).astype(onp.float32)
    held, tr = as_csr(test), as_csr(train)
    [pred] = sp.observed_predictions(lambda b, e: recons[b:e], [held], batch_rows=3)
    for kw in ({}, {'clip': (1, 5)}, {'clip': (1, 5), 'default_rating': 3}):
        expected = masked_rmse(test, recons, train=train, **kw)
        # CSR held-out with predictions at its entries, or with the full matrix; CSR or
        # dense training matrix: the same number, bit for bit.
        assert masked_rmse(held, pred, train=tr, **kw) == expected
        assert masked_rmse(held, recons, train=train, **kw) == expected
        assert masked_rmse(test, recons, train=tr, **kw) == expected


def test_observed_predictions_skips_batches_without_entries():
    held = as_csr(onp.array([[0, 0], [0, 0], [0, 0], [4, 0]], dtype=onp.float32))
    calls = []

    def rows(b, e):
        calls.append((b, e))
        return onp.full((e - b, 2), 2.0, dtype=onp.float32)
    assert sp.observed_predictions(rows, [held], batch_rows=2)[0].tolist() == [2.0]
    assert calls == [(2, 4)]


def test_sparse_path_gives_the_dense_rmse_on_ml100k(real_data_dir):
    data, nu, ni = d2l.read_data_ml100k(real_data_dir)
    train, test = d2l.split_data_ml100k(data, nu, ni, seed=0)
    kw = dict(num_hidden=100, num_epochs=3, seed=0, progress=None, clip=(1, 5),
              default_rating=3)
    dense = fit_autorec(interaction_matrix(train, nu, ni),
                        {'test': interaction_matrix(test, nu, ni)}, storage='dense', **kw)
    csr = fit_autorec(interaction_matrix(train, nu, ni, storage='sparse'),
                      {'test': interaction_matrix(test, nu, ni, storage='sparse')},
                      storage='sparse', **kw)
    assert abs(dense.history.test_rmse[-1] - csr.history.test_rmse[-1]) < 0.002
    assert 0.8 < csr.history.test_rmse[-1] < 1.2
