"""AutoRecVariant: the chapter's AutoRec by default, and the exercises' variations."""
import numpy as onp
import pytest
from mxnet import autograd, np, npx

from d2l_ext.errors import InvalidArgumentError
from d2l_ext.lab.fitting import fit_autorec
from d2l_ext.lab.variants import AutoRecVariant

npx.set_np()


def ratings(rows=30, cols=12, seed=0):
    rng = onp.random.default_rng(seed)
    values = rng.integers(1, 6, (rows, cols)).astype(onp.float32)
    return onp.where(rng.uniform(size=values.shape) < 0.5, values, 0).astype(onp.float32)


def test_default_variant_is_the_chapters_autorec():
    train = ratings()
    a = fit_autorec(train, {'val': train}, num_hidden=8, num_epochs=3, seed=1)
    b = fit_autorec(train, {'val': train}, num_epochs=3, seed=1,
                    net=AutoRecVariant(8, train.shape[1]))
    onp.testing.assert_array_equal(a.history.val_rmse, b.history.val_rmse)
    assert [p.shape for p in a.net.collect_params().values()] == \
        [p.shape for p in b.net.collect_params().values()]


@pytest.mark.parametrize('hiddens, enc, dec', [(8, 'identity', 'identity'),
                                               ((8, 4, 8), 'sigmoid', 'identity'),
                                               (8, 'relu', 'sigmoid'), (8, 'tanh', 'tanh')])
def test_shapes_and_mask_while_training(hiddens, enc, dec):
    x = np.array(ratings(5, 12))
    net = AutoRecVariant(hiddens, 12, dropout=0.0, encoder_activation=enc,
                         decoder_activation=dec)
    net.initialize()
    assert net(x).shape == (5, 12)
    with autograd.record():
        out = net(x)
    onp.testing.assert_array_equal(out.asnumpy()[x.asnumpy() == 0], 0)
    assert len(net.encoder) == (1 if isinstance(hiddens, int) else len(hiddens))


@pytest.mark.parametrize('dec', ['sigmoid', 'tanh'])
def test_bounded_decoder_spans_the_rating_range(dec):
    net = AutoRecVariant(4, 6, dropout=0.0, encoder_activation='identity',
                         decoder_activation=dec, rating_range=(1, 5))
    net.initialize()
    net.decoder.bias.set_data(np.array([-50, -1, 0, 1, 50, 0], dtype='float32'))
    net.decoder.weight.set_data(np.zeros((6, 4)))
    out = net(np.ones((1, 6))).asnumpy()[0]
    assert out[0] == pytest.approx(1, abs=1e-4) and out[4] == pytest.approx(5, abs=1e-4)
    assert out[2] == pytest.approx(3, abs=1e-5)
    assert onp.all(onp.diff(out[:5]) > 0)


def test_variants_train_with_fit_autorec():
    train = ratings(40, 12, seed=2)
    deep = fit_autorec(train, num_epochs=30, lr=0.01, seed=0,
                       net=AutoRecVariant((16, 8, 16), 12, dropout=0.0))
    assert deep.history.train_rmse[-1] < deep.history.train_rmse[0]
    sig = fit_autorec(train, num_epochs=30, lr=0.01, seed=0,
                      net=AutoRecVariant(16, 12, dropout=0.0,
                                          encoder_activation='sigmoid',
                                          decoder_activation='sigmoid'))
    assert sig.history.train_rmse[-1] < sig.history.train_rmse[0]


def test_arguments_in_autorecs_order():
    """AutoRec(num_hidden, num_users, dropout): the same positions; the rest keyword-only."""
    net = AutoRecVariant(4, 7, 0.2)
    assert net.num_hidden == (4,) and net.dropout._rate == 0.2
    net.initialize()
    assert net(np.ones((2, 7))).shape == (2, 7)
    assert net.encoder[0].weight.shape == (4, 7)
    with pytest.raises(TypeError):
        AutoRecVariant(4, 7, 0.2, 'sigmoid')


def test_rejects_bad_arguments():
    with pytest.raises(InvalidArgumentError, match='encoder_activation'):
        AutoRecVariant(4, 5, encoder_activation='softmax')
    with pytest.raises(InvalidArgumentError, match='decoder_activation'):
        AutoRecVariant(4, 5, decoder_activation='elu')
    with pytest.raises(InvalidArgumentError, match='num_hidden'):
        AutoRecVariant((), 5)
    with pytest.raises(InvalidArgumentError, match='rating_range'):
        AutoRecVariant(4, 5, rating_range=(5, 1))
