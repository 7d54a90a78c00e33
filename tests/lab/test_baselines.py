"""Baselines on small synthetic ratings: each must recover what generated the data."""
import numpy as onp
import pytest
from mxnet import np, npx

from d2l_ext.errors import EmptyDataError, InvalidArgumentError, ShapeMismatchError
from d2l_ext.evaluation import masked_rmse as rmse_of
from d2l_ext.lab.baselines import MF, fit_bias, fit_mf, global_mean, mf_reconstruction

npx.set_np()


def synthetic(num_items=40, num_users=30, rank=2, density=0.5, noise=0.0, seed=0):
    """Ratings r = 3 + b_i + b_u + q_i.p_u (+ noise), observed at random; 0 = unobserved."""
    rng = onp.random.default_rng(seed)
    b_i, b_u = rng.normal(0, 0.5, num_items), rng.normal(0, 0.5, num_users)
    Q, P = rng.normal(0, 0.5, (num_items, rank)), rng.normal(0, 0.5, (num_users, rank))
    full = (3 + b_i[:, None] + b_u[None, :] + Q @ P.T
            + rng.normal(0, noise, (num_items, num_users)))
    mask = rng.uniform(size=full.shape) < density
    train = onp.where(mask, full, 0).astype(onp.float32)
    held = onp.where(~mask, full, 0).astype(onp.float32)
    return train, held, full


def test_global_mean_is_mean_of_observed_entries():
    train = onp.array([[5, 0], [0, 1], [3, 0]], dtype=onp.float32)
    assert global_mean(train) == pytest.approx(3.0)


def test_global_mean_rejects_empty_and_non_matrix():
    with pytest.raises(EmptyDataError, match='no observed'):
        global_mean(onp.zeros((3, 4), dtype=onp.float32))
    with pytest.raises(ShapeMismatchError, match='num_items, num_users'):
        global_mean(onp.ones(5, dtype=onp.float32))


def test_bias_baseline_recovers_additive_ratings():
    rng = onp.random.default_rng(1)
    b_i, b_u = rng.normal(0, 0.5, 25), rng.normal(0, 0.5, 20)
    full = (3 + b_i[:, None] + b_u[None, :]).astype(onp.float32)
    mask = rng.uniform(size=full.shape) < 0.6
    train, held = onp.where(mask, full, 0), onp.where(~mask, full, 0)
    model = fit_bias(train, reg_item=0, reg_user=0, num_iters=200)
    assert model.predict().shape == (25, 20)
    assert rmse_of(held, model.predict()) < 1e-3
    mean_only = onp.full(full.shape, global_mean(train))
    assert rmse_of(held, model.predict()) < rmse_of(held, mean_only)


def test_bias_regularisation_shrinks_biases_and_unseen_get_zero():
    train, _, _ = synthetic()
    train[:, -1] = 0  # a user without ratings
    loose, tight = fit_bias(train, 0, 0), fit_bias(train, 100, 100)
    assert onp.abs(tight.item_bias).sum() < onp.abs(loose.item_bias).sum()
    assert onp.abs(tight.user_bias).sum() < onp.abs(loose.user_bias).sum()
    assert loose.user_bias[-1] == 0
    with pytest.raises(InvalidArgumentError, match='>= 0'):
        fit_bias(train, -1, 0)


def test_mf_forward_matches_d2l_formula_and_reconstruction():
    net = MF(4, num_users=6, num_items=5)
    net.initialize()
    users, items = np.array([0, 5, 2], dtype='int64'), np.array([4, 0, 2], dtype='int64')
    out = net(users, items)
    assert out.shape == (3,)
    P, Q = net.P.weight.data().asnumpy(), net.Q.weight.data().asnumpy()
    bu = net.user_bias.weight.data().asnumpy()[:, 0]
    bi = net.item_bias.weight.data().asnumpy()[:, 0]
    u, i = users.asnumpy(), items.asnumpy()
    expected = (P[u] * Q[i]).sum(axis=1) + bu[u] + bi[i]
    onp.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-5, atol=1e-6)
    recons = mf_reconstruction(net)
    assert recons.shape == (5, 6)
    onp.testing.assert_allclose(recons[i, u], expected, rtol=1e-5, atol=1e-6)


def test_fit_mf_learns_low_rank_ratings_and_is_seeded():
    train, held, _ = synthetic(rank=2, density=0.6)
    kwargs = dict(num_factors=4, lr=0.05, wd=0, num_epochs=40, batch_size=64, seed=3)
    result = fit_mf(train, {'test': held}, **kwargs)
    hist = result.history
    assert hist.columns == ['train_loss', 'train_rmse', 'test_rmse', 'seconds']
    assert len(hist) == 40 and hist.epoch[0] == 1
    assert hist.train_rmse[-1] < 0.2 < hist.train_rmse[0]
    # Beats the bias baseline on held-out entries, which cannot model the q_i.p_u part.
    assert hist.test_rmse[-1] < rmse_of(held, fit_bias(train, 0, 0).predict())
    again = fit_mf(train, {'test': held}, **kwargs).history
    onp.testing.assert_array_equal(hist.test_rmse, again.test_rmse)


def test_fit_mf_selects_and_restores_best_epoch():
    train, held, _ = synthetic(rank=2, density=0.3, noise=0.3)
    result = fit_mf(train, {'val': held}, num_factors=20, lr=0.05, wd=0, num_epochs=60,
                    batch_size=32, seed=0, select_on='val', patience=5, restore_best=True)
    hist = result.history
    assert result.best_epoch == hist.epoch[int(onp.argmin(hist.val_rmse))]
    assert len(hist) <= result.best_epoch + 5
    restored = rmse_of(held, mf_reconstruction(result.net))
    assert restored == pytest.approx(min(hist.val_rmse), rel=1e-5)


def test_fit_mf_checks_its_inputs():
    train, held, _ = synthetic()
    with pytest.raises(ShapeMismatchError, match='shape'):
        fit_mf(train, {'val': held[:-1]})
    with pytest.raises(InvalidArgumentError, match='select_on'):
        fit_mf(train, {'val': held}, select_on='test')
