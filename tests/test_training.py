"""train_recsys_rating with the chapter's call, and the one epoch loop, on small synthetic
ratings."""
import mxnet as mx
import pytest
from mxnet import gluon, np, npx

import d2l_ext as d2l
from tests.conftest import low_rank_ratings

npx.set_np()


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


def test_early_stopping_rule_is_the_loops_rule():
    from d2l_ext.training import EarlyStopping
    assert EarlyStopping.replay([1.0, 0.9, 0.95, 0.96, 0.97], patience=2) == (4, 2)
    assert EarlyStopping.replay([1.0, 0.9, 0.8], patience=2) == (3, 3)
    rule, history = EarlyStopping(patience=None), d2l.History()
    history.append(1, val_rmse=0.5)
    assert rule.check(history, 'val_rmse') == (True, False)
    history.append(2, val_rmse=0.5)  # equal is not better: the first of equal ones stays
    assert rule.check(history, 'val_rmse') == (False, False)
    history.append(3, val_rmse=float('nan'))  # a non-finite score is passed over
    assert rule.check(history, 'val_rmse') == (False, False)
    assert EarlyStopping(patience=2).check(history, 'val_rmse') == (False, True)
