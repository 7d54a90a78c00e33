"""fit_autorec: train, validation and test RMSE per epoch, selection, early stopping."""
import numpy as onp
import pytest
from mxnet import np, npx

import d2l_ext as d2l
from d2l_ext.data import interaction_matrix
from d2l_ext.evaluation import masked_rmse
from d2l_ext.lab.fitting import fit_autorec
from tests.conftest import low_rank_ratings

npx.set_np()


@pytest.mark.parametrize('variant', ['item', 'user'])
def test_fit_autorec_tracks_every_matrix_and_selects_on_validation(variant):
    data, nu, ni = low_rank_ratings()
    train, test = d2l.split_data_ml100k(data, nu, ni, seed=0)
    fit, val = d2l.split_data_ml100k(train, nu, ni, seed=1)
    mats = [interaction_matrix(x, nu, ni, variant) for x in (fit, val, test)]
    assert mats[0].shape == ((ni, nu) if variant == 'item' else (nu, ni))
    result = fit_autorec(mats[0], {'val': mats[1], 'test': mats[2]}, num_hidden=32,
                         lr=0.01, num_epochs=12, batch_size=16, seed=0, select_on='val')
    h = result.history
    assert h.columns == ['train_loss', 'train_rmse', 'val_rmse', 'test_rmse', 'seconds']
    assert result.best_epoch == h.epoch[int(onp.argmin(h.val_rmse))]
    assert h.train_rmse[-1] < h.train_rmse[0]
    assert list(h.to_frame().columns) == h.columns


def test_fit_autorec_restores_the_best_epoch_and_stops_with_patience():
    data, nu, ni = low_rank_ratings()
    train, val = d2l.split_data_ml100k(data, nu, ni, seed=0)
    tr, va = interaction_matrix(train, nu, ni), interaction_matrix(val, nu, ni)
    # A large learning rate overfits quickly, so validation stops improving early.
    result = fit_autorec(tr, {'val': va}, num_hidden=64, lr=0.05, wd=0, num_epochs=60,
                         batch_size=8, seed=0, select_on='val', patience=3,
                         restore_best=True)
    assert len(result.history) < 60
    assert len(result.history) == result.best_epoch + 3
    recons = result.net(np.array(tr)).asnumpy()
    assert masked_rmse(va, recons) == pytest.approx(result.best('val_rmse'), rel=1e-5)


def test_fit_autorec_stops_with_a_warning_when_the_loss_diverges():
    data, nu, ni = low_rank_ratings()
    train, val = d2l.split_data_ml100k(data, nu, ni, seed=0)
    tr, va = interaction_matrix(train, nu, ni), interaction_matrix(val, nu, ni)
    with pytest.warns(RuntimeWarning, match='diverged at epoch'):
        result = fit_autorec(tr, {'val': va}, num_hidden=16, lr=1e30, optimizer='sgd',
                             num_epochs=20, batch_size=8, seed=0)
    assert len(result.history) < 20
    assert not onp.isfinite(result.history.train_loss[-1])
    assert 'diverged at epoch' in result.history.stopped
