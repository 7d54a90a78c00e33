"""FastAutoRec computes what the taught AutoRec Block computes; row_batches batches rows."""
import mxnet as mx
import numpy as onp
import pytest
from mxnet import autograd, gluon, np, npx

import d2l_ext as d2l
from d2l_ext.lab.fast import FastAutoRec, copy_parameters, row_batches

npx.set_np()


def _ratings(rows=40, cols=30, seed=0):
    rng = onp.random.default_rng(seed)
    m = rng.integers(1, 6, (rows, cols)) * (rng.random((rows, cols)) < 0.2)
    return np.array(m.astype(onp.float32))


def _pair(dropout, hybridize):
    d2l.set_seed(0)
    block = d2l.AutoRec(8, 30, dropout)
    block.initialize(init=mx.init.Normal(0.1))
    fast = FastAutoRec(8, 30, dropout)
    fast.initialize(init=mx.init.Normal(0.1))
    block(_ratings())  # AutoRec infers its input width on the first call.
    copy_parameters(block, fast)
    if hybridize:
        fast.hybridize(static_alloc=True, static_shape=True)
    return block, fast


@pytest.mark.parametrize('hybridize', [False, True])
def test_same_prediction(hybridize):
    block, fast = _pair(0.05, hybridize)
    x = _ratings()
    onp.testing.assert_allclose(fast(x).asnumpy(), block(x).asnumpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize('hybridize', [False, True])
def test_same_training_output_and_gradients(hybridize):
    # dropout=0 makes the training pass deterministic, so outputs compare exactly.
    block, fast = _pair(0.0, hybridize)
    x = _ratings()
    outs, grads = [], []
    for net in (block, fast):
        with autograd.record():
            out = net(x)
            loss = gluon.loss.L2Loss()(out, x)
        loss.backward()
        outs.append(out.asnumpy())
        grads.append(net.encoder.weight.grad().asnumpy())
    onp.testing.assert_allclose(outs[1], outs[0], rtol=1e-6, atol=1e-6)
    onp.testing.assert_allclose(grads[1], grads[0], rtol=1e-5, atol=1e-7)
    # The mask: unobserved inputs predict exactly 0 while training.
    assert (outs[1][x.asnumpy() == 0] == 0).all()
    assert (outs[1][x.asnumpy() != 0] != 0).all()


def test_same_training_output_with_dropout_and_same_seed():
    block, fast = _pair(0.5, True)
    x = _ratings()
    outs = []
    for net in (block, fast):
        mx.random.seed(3)
        with autograd.record():
            outs.append(net(x).asnumpy())
    # Dropout draws from MXNet's generator in both; compiled or not, the same mask.
    onp.testing.assert_allclose(outs[1], outs[0], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize('last_batch', ['keep', 'discard', 'rollover'])
def test_row_batches_cover_rows(last_batch):
    x = _ratings(rows=10)
    batches = row_batches(x, 4, shuffle=True, last_batch=last_batch)
    seen = onp.concatenate([b.asnumpy() for b in batches])
    sizes = [len(b) for b in row_batches(x, 4, shuffle=False, last_batch=last_batch)]
    expected = {'keep': [4, 4, 2], 'discard': [4, 4], 'rollover': [4, 4]}[last_batch]
    assert sizes == expected
    rows = {tuple(r) for r in x.asnumpy()}
    assert all(tuple(r) in rows for r in seen)
    if last_batch == 'keep':
        assert sorted(map(tuple, seen)) == sorted(map(tuple, x.asnumpy()))


def test_row_batches_rollover_carries_rows():
    x = np.array(onp.arange(10, dtype=onp.float32).reshape(10, 1))
    batches = row_batches(x, 4, shuffle=False, last_batch='rollover')
    first = onp.concatenate([b.asnumpy() for b in batches]).ravel()
    second = onp.concatenate([b.asnumpy() for b in batches]).ravel()
    assert first.tolist() == list(range(8))
    assert second.tolist() == [8, 9] + list(range(10))  # rows 8, 9 carried over


def test_fast_trains_in_train_recsys_rating():
    x = _ratings(rows=40, cols=30)
    d2l.set_seed(1)
    net = FastAutoRec(16, 30)
    net.initialize(init=mx.init.Normal(0.01))
    net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})
    history = d2l.train_recsys_rating(net, row_batches(x, 8, shuffle=True), [x],
                                      gluon.loss.L2Loss(), trainer, 5, [mx.cpu()],
                                      d2l.evaluator, inter_mat=x, plot=False)
    assert len(history.epoch) == 5
    assert history.train_loss[-1] < history.train_loss[0]
