"""AutoRec Block: shapes, the training-time mask, and that unobserved entries teach nothing."""
import mxnet as mx
import numpy as onp
import pytest
from mxnet import autograd, gluon, np, npx

import d2l_ext as d2l

npx.set_np()


def make_net(num_users=7, num_hidden=4, dropout=0.0):
    net = d2l.AutoRec(num_hidden, num_users, dropout=dropout)
    net.initialize(init=mx.init.Normal(0.1), ctx=mx.cpu())
    return net


def test_output_shape_matches_input_in_both_modes():
    net = make_net()
    X = np.array(onp.random.default_rng(0).integers(0, 6, (5, 7)), dtype='float32')
    assert net(X).shape == (5, 7)
    with autograd.record():
        assert net(X).shape == (5, 7)
    assert net.encoder.weight.shape == (4, 7) and net.decoder.weight.shape == (7, 4)


def test_training_output_is_zero_exactly_where_input_is_unobserved():
    net = make_net()
    X = np.array([[5, 0, 3, 0, 0, 1, 0], [0, 0, 0, 4, 2, 0, 0]], dtype='float32')
    with autograd.record():
        pred = net(X).asnumpy()
    observed = X.asnumpy() != 0
    assert (pred[~observed] == 0).all()
    assert (pred[observed] != 0).all()
    prediction_mode = net(X).asnumpy()  # no mask outside autograd.record()
    assert (prediction_mode != 0).all()


def test_no_gradient_flows_from_unobserved_entries():
    """Unobserved entries get no gradient, whatever target they are compared with."""
    net = make_net()
    X = np.array([[5, 0, 3, 0, 0, 1, 0]], dtype='float32')
    unobserved = [1, 3, 4, 6]
    loss = gluon.loss.L2Loss()

    def grads(target):
        with autograd.record():
            l = loss(net(X), target)
        l.backward()
        return [p.grad().asnumpy().copy() for p in net.collect_params().values()]

    base = grads(X)
    # The decoder weights and biases of unobserved users get no gradient at all ...
    assert onp.abs(net.decoder.weight.grad().asnumpy()[unobserved]).sum() == 0
    assert onp.abs(net.decoder.bias.grad().asnumpy()[unobserved]).sum() == 0
    assert onp.abs(net.decoder.weight.grad().asnumpy()[[0, 2, 5]]).sum() > 0
    # ... and a different target on unobserved entries changes no gradient anywhere.
    other = X.asnumpy().copy()
    other[0, unobserved] = 4
    for a, b in zip(base, grads(np.array(other))):
        assert onp.array_equal(a, b)
    # Without the mask (prediction mode inside record is not possible), the same change
    # would move the gradient: check the mask is what makes the difference.
    with autograd.record(train_mode=False):
        l = loss(net(X), np.array(other))
    l.backward()
    assert onp.abs(net.decoder.weight.grad().asnumpy()[unobserved]).sum() > 0


def test_dropout_is_active_only_while_training():
    net = make_net(dropout=0.5, num_hidden=64)
    X = np.ones((3, 7), dtype='float32')
    assert onp.allclose(net(X).asnumpy(), net(X).asnumpy())
    with autograd.record():
        a, b = net(X).asnumpy(), net(X).asnumpy()
    assert not onp.allclose(a, b)


@pytest.mark.parametrize('dropout', [0.0, 0.05])
def test_seeded_initialisation_is_reproducible(dropout):
    outs = []
    for _ in range(2):
        d2l.set_seed(3)
        net = make_net(dropout=dropout)
        outs.append(net(np.ones((2, 7))).asnumpy())
    assert onp.array_equal(*outs)
