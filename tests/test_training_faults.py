"""Training and evaluation faults: clear errors before the first step, a clean stop on
divergence or interruption with the history kept, devices that do not exist.

Tiny synthetic matrices (30 items x 20 users) and tiny nets keep each test well under a
second.
"""
import math
import re

import mxnet as mx
import numpy as onp
import pytest
from mxnet import gluon, np, npx
from mxnet.gluon import nn

import d2l_ext as d2l
from d2l_ext import training

npx.set_np()
NUM_ITEMS, NUM_USERS = 30, 20


def matrices(seed=0):
    rng = onp.random.default_rng(seed)
    ratings = rng.integers(1, 6, (NUM_ITEMS, NUM_USERS))
    train = ((rng.random(ratings.shape) < 0.4) * ratings).astype('float32')
    test = ((rng.random(ratings.shape) < 0.1) * ratings * (train == 0)).astype('float32')
    return np.array(train), np.array(test)


def setup(num_users=NUM_USERS, lr=0.01, optimizer='adam', seed=0):
    d2l.set_seed(seed)
    train, test = matrices(seed)
    net = d2l.AutoRec(4, num_users)
    net.initialize(ctx=[mx.cpu()], init=mx.init.Normal(0.01))
    trainer = gluon.Trainer(net.collect_params(), optimizer, {'learning_rate': lr})
    train_iter = gluon.data.DataLoader(train, batch_size=8, shuffle=True)
    test_iter = gluon.data.DataLoader(train, batch_size=8, shuffle=False)
    return net, trainer, train_iter, test_iter, test


CPU = (mx.cpu(),)


def fit(net, trainer, train_iter, test_iter, test, num_epochs=3, devices=CPU, **kwargs):
    return d2l.train_recsys_rating(net, train_iter, test_iter, gluon.loss.L2Loss(),
                                   trainer, num_epochs, devices and list(devices),
                                   d2l.evaluator, inter_mat=test, **kwargs)


class Never:
    """A train_iter that fails the test if training starts."""

    def __iter__(self):
        raise AssertionError('training started')


def params_of(net):
    return {k: v.data().asnumpy().copy() for k, v in net.collect_params().items()}


def test_a_normal_run_returns_the_history(capsys):
    net, trainer, train_iter, test_iter, test = setup()
    history = fit(net, trainer, train_iter, test_iter, test)
    assert history.epoch == [1, 2, 3] and history.stopped is None
    assert all(math.isfinite(v) for v in history.train_loss + history.test_rmse)
    assert 'test RMSE' in capsys.readouterr().out


def test_net_built_for_other_number_of_users_fails_before_training(capsys):
    net, trainer, train_iter, test_iter, test = setup(num_users=NUM_USERS + 5)
    with pytest.raises(d2l.ShapeMismatchError) as info:
        fit(net, trainer, train_iter, test_iter, test)
    message = str(info.value)
    assert f'{NUM_USERS} columns' in message
    [call] = re.findall(r'AutoRec\([^)]*\)', message)
    suggested = eval(call, {'AutoRec': d2l.AutoRec})  # the suggested call runs as written
    suggested.initialize()
    assert suggested(np.ones((1, NUM_USERS))).shape == (1, NUM_USERS)
    assert capsys.readouterr().out == ''  # no epoch ran, nothing printed


def test_net_already_shaped_for_another_matrix_fails_before_any_step():
    net, trainer, train_iter, test_iter, test = setup()
    net(np.zeros((1, NUM_USERS + 3)))  # parameters now fixed to 23 inputs
    before = params_of(net)
    with pytest.raises(d2l.ShapeMismatchError) as info:
        fit(net, trainer, train_iter, test_iter, test)
    assert f'({NUM_USERS + 3}' in str(info.value) or f'{NUM_USERS + 3})' in str(info.value)
    after = params_of(net)
    assert all((before[k] == after[k]).all() for k in before)


def test_test_matrix_of_other_width_fails_before_training():
    net, trainer, train_iter, test_iter, _ = setup()
    wrong = np.ones((NUM_ITEMS, NUM_USERS + 1))
    with pytest.raises(d2l.ShapeMismatchError, match='inter_mat'):
        fit(net, trainer, train_iter, test_iter, wrong)


def test_test_matrix_without_ratings_fails_before_training():
    net, trainer, _, test_iter, test = setup()
    with pytest.raises(d2l.EmptyDataError, match='no observed'):
        fit(net, trainer, Never(), test_iter, np.zeros_like(test))


def test_empty_train_iter_is_a_clear_error():
    net, trainer, _, test_iter, test = setup()
    with pytest.raises(d2l.EmptyDataError, match='no batch'):
        fit(net, trainer, [], test_iter, test)


def test_evaluator_on_empty_test_data_is_an_error_not_nan():
    net, _, _, test_iter, test = setup()
    with pytest.raises(d2l.EmptyDataError, match='no observed'):
        d2l.evaluator(net, test_iter, np.zeros_like(test), [mx.cpu()])
    with pytest.raises(d2l.EmptyDataError, match='yielded nothing'):
        d2l.evaluator(net, [], test, [mx.cpu()])
    with pytest.raises(d2l.EmptyDataError):
        d2l.masked_rmse(onp.zeros((0, 3)), onp.zeros((0, 3)))


def test_evaluator_with_a_net_of_other_width_is_a_shape_error():
    net, _, _, _, test = setup()
    net(np.zeros((1, NUM_USERS)))
    wide = gluon.data.DataLoader(np.ones((NUM_ITEMS, NUM_USERS + 2)), batch_size=8)
    with pytest.raises(d2l.ShapeMismatchError, match=f'shape \\(8, {NUM_USERS + 2}\\)'):
        d2l.evaluator(net, wide, test, [mx.cpu()])


def test_divergence_stops_with_the_epoch_named_and_history_kept(capsys):
    # AutoRec's sigmoid saturates and stays finite on this tiny matrix even with SGD at
    # lr=100; a linear autoencoder with lr=2 overflows to NaN within a few epochs.
    _, _, train_iter, test_iter, test = setup()
    net = nn.Sequential()
    net.add(nn.Dense(4), nn.Dense(NUM_USERS))
    net.initialize(ctx=[mx.cpu()], init=mx.init.Normal(0.1))
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 2})
    with pytest.warns(RuntimeWarning, match='at epoch 1 is worse than predicting 0'):
        history = fit(net, trainer, train_iter, test_iter, test, num_epochs=20)
    last = len(history.epoch)
    assert last < 20 and history.epoch == list(range(1, last + 1))
    assert not (math.isfinite(history.train_loss[-1]) and math.isfinite(history.test_rmse[-1]))
    assert all(math.isfinite(v) for v in history.train_loss[:-1])
    assert history.stopped.startswith(f'diverged at epoch {last}')
    assert 'lower the learning rate (now 2' in history.stopped
    out = capsys.readouterr().out
    assert f'diverged at epoch {last}' in out and f'history of {last} epochs' in out


def test_an_rmse_worse_than_any_constant_guess_warns_once():
    net, trainer, train_iter, test_iter, test = setup()
    scores = iter([50.0, 40.0, 1.0])
    with pytest.warns(RuntimeWarning, match='at epoch 1 is worse than predicting 0') as w:
        history = d2l.train_recsys_rating(
            net, train_iter, test_iter, gluon.loss.L2Loss(), trainer, 3, [mx.cpu()],
            lambda *args: next(scores), inter_mat=test)
    assert len([x for x in w if issubclass(x.category, RuntimeWarning)]) == 1
    assert history.test_rmse == [50.0, 40.0, 1.0] and history.stopped is None


class InterruptAt:
    """Yields the loader's batches, raising KeyboardInterrupt at the n-th batch overall."""

    def __init__(self, loader, n):
        self.loader, self.n, self.seen = loader, n, 0

    def __iter__(self):
        for batch in self.loader:
            self.seen += 1
            if self.seen == self.n:
                raise KeyboardInterrupt
            yield batch


def test_interrupt_keeps_the_history_and_the_figure(monkeypatch, capsys):
    net, trainer, train_iter, test_iter, test = setup()
    shown = []

    class Recorder:  # stands in for the notebook's live figure
        def update(self, history):
            shown.append(d2l.plot_history(history))

        def close(self, history):
            pass

    monkeypatch.setattr(training, 'make_reporter', lambda progress, num_epochs: Recorder())
    per_epoch = len(train_iter)
    history = fit(net, trainer, InterruptAt(train_iter, 2 * per_epoch + 2), test_iter, test,
                  num_epochs=5)
    assert history.epoch == [1, 2] and len(history.test_rmse) == 2
    assert history.stopped == 'interrupted during epoch 3'
    assert 'Returning the history of 2 epochs' in capsys.readouterr().out
    assert len(shown) == 2  # one figure update per completed epoch
    figure = shown[-1]
    lines = figure.axes[1].get_lines()
    assert list(lines[0].get_xdata()) == [1, 2]
    assert list(lines[0].get_ydata()) == history.test_rmse


def test_interrupt_in_the_first_epoch_returns_an_empty_history():
    net, trainer, train_iter, test_iter, test = setup()
    history = fit(net, trainer, InterruptAt(train_iter, 2), test_iter, test)
    assert history.epoch == [] and 'epoch 1' in history.stopped
    assert repr(history) == 'History(no epoch completed)'


def test_empty_devices_means_the_cpu_with_a_warning():
    net, trainer, train_iter, test_iter, test = setup()
    with pytest.warns(UserWarning, match='using the CPU'):
        history = fit(net, trainer, train_iter, test_iter, test, num_epochs=1, devices=[])
    assert history.epoch == [1]
    with pytest.warns(UserWarning, match='using the CPU'):
        d2l.evaluator(net, test_iter, test, [])


def test_a_gpu_that_does_not_exist_is_a_clear_error():
    net, trainer, _, test_iter, test = setup()
    missing = mx.gpu(d2l.num_gpus())
    with pytest.raises(d2l.DeviceError, match='try_all_gpus') as info:
        fit(net, trainer, Never(), test_iter, test, devices=[missing])
    assert str(missing) in str(info.value)
    with pytest.raises(d2l.DeviceError, match="found 'cpu'"):
        fit(net, trainer, Never(), test_iter, test, devices=['cpu'])


@pytest.mark.parametrize('bad', [onp.nan, -1.0])
def test_the_chapter_refuses_bad_ratings_in_its_matrices_naming_them(bad):
    net, trainer, train_iter, test_iter, test = setup()
    poisoned = test.copy()
    poisoned[1, 2] = bad
    with pytest.raises(d2l.DataFormatError, match=r'test \(inter_mat\) matrix.*\[1, 2\]'):
        fit(net, trainer, train_iter, test_iter, poisoned)


def test_the_chapter_refuses_a_nan_in_the_training_rows_in_the_first_epoch():
    net, trainer, _, test_iter, test = setup()
    train = matrices(0)[0].asnumpy()
    train[5, 3] = onp.nan
    train_iter = gluon.data.DataLoader(np.array(train), batch_size=64, shuffle=False)
    with pytest.raises(d2l.DataFormatError, match=r'training \(train_iter, batch 1.*\[5, 3\]'):
        fit(net, trainer, train_iter, test_iter, test)
