"""train_recsys_rating with the chapter's call, and fit_autorec, on small synthetic ratings."""
import mxnet as mx
import numpy as onp
import pandas as pd
import pytest
from mxnet import gluon, np, npx

import d2l_ext as d2l
from d2l_ext.experiment import fit_autorec, interaction_matrix, rmse_of

npx.set_np()


def low_rank_ratings(num_users=60, num_items=80, density=0.3, seed=0):
    """Ratings 1-5 from a rank-2 model, so there is structure to learn."""
    rng = onp.random.default_rng(seed)
    scores = rng.normal(size=(num_users, 2)) @ rng.normal(size=(2, num_items))
    ratings = onp.clip(onp.rint(3 + scores), 1, 5)
    users, items = onp.nonzero(rng.uniform(size=ratings.shape) < density)
    return pd.DataFrame({'user_id': users + 1, 'item_id': items + 1,
                         'rating': ratings[users, items].astype(int),
                         'timestamp': 0}), num_users, num_items


def chapter_setup(num_hidden=32, lr=0.01, seed=0):
    d2l.set_seed(seed)
    data, num_users, num_items = low_rank_ratings()
    train, test = d2l.split_data_ml100k(data, num_users, num_items, seed=seed)
    _, _, _, train_mat = d2l.load_data_ml100k(train, num_users, num_items)
    _, _, _, test_mat = d2l.load_data_ml100k(test, num_users, num_items)
    train_iter = gluon.data.DataLoader(train_mat, shuffle=True, last_batch='rollover',
                                       batch_size=16)
    test_iter = gluon.data.DataLoader(np.array(train_mat), shuffle=False, batch_size=64)
    net = d2l.AutoRec(num_hidden, num_users)
    net.initialize(ctx=[mx.cpu()], init=mx.init.Normal(0.01))
    trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': lr, 'wd': 1e-5})
    return net, train_iter, test_iter, trainer, test_mat


def test_chapter_call_trains_prints_d2ls_lines_and_returns_the_history(capsys):
    net, train_iter, test_iter, trainer, test_mat = chapter_setup()
    history = d2l.train_recsys_rating(net, train_iter, test_iter, gluon.loss.L2Loss(),
                                      trainer, 8, None, d2l.evaluator, inter_mat=test_mat)
    assert history.epoch == list(range(1, 9)) and history.stopped is None
    assert len(history.train_loss) == len(history.test_rmse) == len(history.seconds) == 8
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.test_rmse[-1] < history.test_rmse[0]
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-2] == (f'train loss {history.train_loss[-1]:.3f}, '
                         f'test RMSE {history.test_rmse[-1]:.3f}')
    assert lines[-1].endswith('examples/sec on [cpu(0)]')
    frame = history.to_frame()
    assert list(frame.columns) == ['train_loss', 'test_rmse', 'seconds']
    assert 'epochs' in repr(history)


def test_seeded_runs_print_the_same_numbers():
    runs = []
    for _ in range(2):
        net, train_iter, test_iter, trainer, test_mat = chapter_setup(seed=3)
        runs.append(d2l.train_recsys_rating(net, train_iter, test_iter,
                                            gluon.loss.L2Loss(), trainer, 3,
                                            inter_mat=test_mat).test_rmse)
    assert runs[0] == runs[1]


def test_an_evaluator_is_required_without_inter_mat():
    net, train_iter, test_iter, trainer, _ = chapter_setup()
    with pytest.raises(TypeError, match='evaluator'):
        d2l.train_recsys_rating(net, train_iter, test_iter, gluon.loss.L2Loss(), trainer, 1)


@pytest.mark.parametrize('variant', ['item', 'user'])
def test_fit_autorec_tracks_every_matrix_and_selects_on_validation(variant):
    data, nu, ni = low_rank_ratings()
    train, test = d2l.split_data_ml100k(data, nu, ni, seed=0)
    fit, val = d2l.split_data_ml100k(train, nu, ni, seed=1)
    mats = [interaction_matrix(x, nu, ni, variant) for x in (fit, val, test)]
    assert mats[0].shape == ((ni, nu) if variant == 'item' else (nu, ni))
    result = fit_autorec(mats[0], {'val': mats[1], 'test': mats[2]}, num_hiddens=32,
                         lr=0.01, num_epochs=12, batch_size=16, seed=0, select_on='val')
    h = result.history
    assert list(h.columns) == ['train_loss', 'train_rmse', 'val_rmse', 'test_rmse', 'seconds']
    assert result.best_epoch == int(h.val_rmse.idxmin())
    assert h.train_rmse.iloc[-1] < h.train_rmse.iloc[0]


def test_fit_autorec_restores_the_best_epoch_and_stops_with_patience():
    data, nu, ni = low_rank_ratings()
    train, val = d2l.split_data_ml100k(data, nu, ni, seed=0)
    tr, va = interaction_matrix(train, nu, ni), interaction_matrix(val, nu, ni)
    # A large learning rate overfits quickly, so validation stops improving early.
    result = fit_autorec(tr, {'val': va}, num_hiddens=64, lr=0.05, wd=0, num_epochs=60,
                         batch_size=8, seed=0, select_on='val', patience=3,
                         restore_best=True)
    assert len(result.history) < 60
    assert len(result.history) == result.best_epoch + 3
    recons = result.net(np.array(tr)).asnumpy()
    assert rmse_of(va, recons) == pytest.approx(result.best('val_rmse'), rel=1e-5)


def test_rmse_of_applies_the_papers_default_rating_and_clipping():
    train = onp.array([[4, 3], [0, 0]], dtype='float32')   # row 2 has no training rating
    truth = onp.array([[0, 5], [2, 0]], dtype='float32')
    recons = onp.array([[9, 7], [1, 1]], dtype='float32')
    assert rmse_of(truth, recons) == pytest.approx(onp.sqrt((4 + 1) / 2))
    # Clipped to [1, 5]: 7 -> 5 (error 0); row 2 unseen -> default 3 (error 1).
    assert rmse_of(truth, recons, train, clip=(1, 5), default_rating=3) == pytest.approx(
        onp.sqrt((0 + 1) / 2))


def test_fit_autorec_stops_with_a_warning_when_the_loss_diverges():
    data, nu, ni = low_rank_ratings()
    train, val = d2l.split_data_ml100k(data, nu, ni, seed=0)
    tr, va = interaction_matrix(train, nu, ni), interaction_matrix(val, nu, ni)
    with pytest.warns(RuntimeWarning, match='diverged at epoch'):
        result = fit_autorec(tr, {'val': va}, num_hiddens=16, lr=1e30, optimizer='sgd',
                             num_epochs=20, batch_size=8, seed=0)
    assert len(result.history) < 20
    assert not onp.isfinite(result.history.train_loss.iloc[-1])


def test_rmse_of_an_empty_held_out_matrix_is_a_clear_error():
    with pytest.raises(d2l.EmptyDataError, match='no observed'):
        rmse_of(onp.zeros((2, 3), dtype='float32'), onp.ones((2, 3), dtype='float32'))
