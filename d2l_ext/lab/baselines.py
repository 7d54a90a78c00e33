"""Baselines that AutoRec must beat: global mean, user/item biases, matrix factorisation.

Every model here is fitted on the same ``(num_items, num_users)`` interaction matrix that
item-based AutoRec reads (0 = unobserved, see :func:`d2l_ext.data.interaction_matrix`)
and returns a full reconstruction of that shape, so all of them are scored by the same
:func:`d2l_ext.masked_rmse` on the same held-out matrix: a like-for-like comparison.

Each is a fitter of :mod:`d2l_ext.lab.fitting` (``fit(train, evals, config, evaluation)
-> FitResult``), so the protocol runs them exactly as it runs AutoRec:

- :class:`MeanFitter` (:func:`global_mean`): predict the mean training rating everywhere.
- :class:`BiasFitter` (:func:`fit_bias`): :math:`\\hat r_{iu} = \\mu + b_i + b_u`,
  regularised least squares, solved by alternating closed-form updates (Koren, "Factor in
  the neighbors", 2008).
- :class:`MFFitter` (:class:`MF`, :func:`fit_mf`): d2l's matrix factorisation section
  (Koren, Bell and Volinsky, 2009): user/item embeddings plus biases,
  ``gluon.loss.L2Loss``, Adam, with the book's settings (30 factors, lr 0.002, wd 1e-5,
  batch size 512, 20 epochs) as defaults.
"""
from dataclasses import dataclass

import numpy as onp
from mxnet import np
from mxnet.gluon import nn

from ..errors import EmptyDataError, InvalidArgumentError, ShapeMismatchError
from ..history import History
from ..matrices import as_csr, is_sparse
from ..training import step_batch
from . import fitter as api

__all__ = ['global_mean', 'BiasBaseline', 'fit_bias', 'MF', 'mf_reconstruction', 'fit_mf',
           'MeanFitter', 'BiasFitter', 'MFFitter']


def _observed(train):
    """Row (item) indices, column (user) indices and ratings of the observed entries of a
    dense or sparse matrix, in row-major order."""
    if getattr(train, 'ndim', 2) != 2:
        raise ShapeMismatchError(f'Expected an interaction matrix of shape (num_items, '
                                 f'num_users); found an array of shape {train.shape}. Build '
                                 f'it with d2l_ext.data.interaction_matrix.')
    if is_sparse(train):
        coo = as_csr(train).tocoo()
        items, users, values = coo.row, coo.col, coo.data
    else:
        items, users = onp.nonzero(train)
        values = train[items, users]
    if items.size == 0:
        raise EmptyDataError('The training matrix has no observed (non-zero) rating: '
                             'nothing to fit. Check the split.')
    return items.astype(onp.int64), users.astype(onp.int64), values.astype(onp.float64)


def global_mean(train):
    """Mean of the observed training ratings.

    Parameters
    ----------
    train : numpy.ndarray or scipy.sparse matrix of shape (num_items, num_users)
        Training ratings, 0 = unobserved.

    Returns
    -------
    float
        Predict it for every pair: ``onp.full(train.shape, global_mean(train))``.
    """
    return float(_observed(train)[2].mean())


@dataclass
class BiasBaseline:
    """:math:`\\hat r_{iu} = \\mu + b_i + b_u`, as fitted by :func:`fit_bias`.

    Attributes
    ----------
    mu : float
        Global mean rating.
    item_bias : numpy.ndarray of shape (num_items,)
    user_bias : numpy.ndarray of shape (num_users,)
        0 for items and users without a training rating.
    """

    mu: float
    item_bias: onp.ndarray
    user_bias: onp.ndarray

    def predict(self, begin=0, end=None):
        """The prediction of rows ``begin:end`` (all rows by default) for every column,
        float32 of shape ``(end - begin, num_users)``."""
        rows = self.item_bias[begin:end]
        return (self.mu + rows[:, None] + self.user_bias[None, :]).astype(onp.float32)


def fit_bias(train, reg_item=10.0, reg_user=10.0, num_iters=10):
    """Fit the user/item bias baseline by regularised least squares.

    Minimises :math:`\\sum_{(i,u)} (r_{iu} - \\mu - b_i - b_u)^2 + \\lambda_i \\sum_i b_i^2
    + \\lambda_u \\sum_u b_u^2` with :math:`\\mu` the global mean, alternating the exact
    minimisers over the item and the user biases (each step cannot increase the objective).

    Parameters
    ----------
    train : numpy.ndarray or scipy.sparse matrix of shape (num_items, num_users)
        Training ratings, 0 = unobserved.
    reg_item, reg_user : float, default 10.0
        :math:`\\lambda_i, \\lambda_u \\ge 0`: shrink the biases of items and users with few
        ratings towards 0. Choose them on validation data.
    num_iters : int, default 10
        Alternating rounds (an item step then a user step).

    Returns
    -------
    BiasBaseline
    """
    if reg_item < 0 or reg_user < 0:
        raise InvalidArgumentError(f'reg_item and reg_user must be >= 0; found {reg_item}, '
                                   f'{reg_user}. Use 0 for no shrinkage.')
    items, users, ratings = _observed(train)
    num_items, num_users = train.shape
    mu = ratings.mean()
    n_item = onp.bincount(items, minlength=num_items)
    n_user = onp.bincount(users, minlength=num_users)
    b_item, b_user = onp.zeros(num_items), onp.zeros(num_users)
    for _ in range(num_iters):
        resid = ratings - mu - b_user[users]
        b_item = onp.bincount(items, resid, num_items) / onp.maximum(n_item + reg_item, 1e-12)
        resid = ratings - mu - b_item[items]
        b_user = onp.bincount(users, resid, num_users) / onp.maximum(n_user + reg_user, 1e-12)
    return BiasBaseline(float(mu), b_item, b_user)


class _ClosedForm(api.Fitter):
    """A fitter without epochs: fit once, score once; an empty history."""

    has_epochs = False

    def _fit(self, train, evals, config, evaluation):
        model, predict_rows = self._model(train)
        predict = api.RowPredictor(train.shape, predict_rows)
        scores = api.scorer(predict, train, evals, evaluation)()
        return api.FitResult(History(), model, None, scores, predict)


@dataclass(frozen=True)
class MeanFitter(_ClosedForm):
    """Predict the mean training rating everywhere (:func:`global_mean`)."""

    def _model(self, train):
        mu = global_mean(train)
        return mu, lambda begin, end: onp.full((end - begin, train.shape[1]), mu, onp.float32)


@dataclass(frozen=True)
class BiasFitter(_ClosedForm):
    """The user/item biases (:func:`fit_bias`): ``reg_item``, ``reg_user``, ``num_iters``."""

    reg_item: float = 10.0
    reg_user: float = 10.0
    num_iters: int = 10

    def _model(self, train):
        model = fit_bias(train, self.reg_item, self.reg_user, self.num_iters)
        return model, model.predict


class MF(nn.Block):
    """Matrix factorisation with biases, exactly as in d2l's MF section.

    Koren, Bell and Volinsky, "Matrix factorization techniques for recommender systems",
    IEEE Computer 2009: :math:`\\hat r_{ui} = \\mathbf{p}_u^\\top \\mathbf{q}_i + b_u + b_i`.

    Parameters
    ----------
    num_factors : int
        Length of each latent vector (30 in d2l).
    num_users, num_items : int

    Notes
    -----
    Input: two int arrays of shape ``(batch_size,)``, 0-based user and item indices.
    Output: predicted ratings, shape ``(batch_size,)``. As in d2l there is no global-mean
    term: the biases (initialised near 0) learn it.
    """

    def __init__(self, num_factors, num_users, num_items, **kwargs):
        super().__init__(**kwargs)
        self.P = nn.Embedding(input_dim=num_users, output_dim=num_factors)
        self.Q = nn.Embedding(input_dim=num_items, output_dim=num_factors)
        self.user_bias = nn.Embedding(num_users, 1)
        self.item_bias = nn.Embedding(num_items, 1)

    def forward(self, user_id, item_id):
        P_u = self.P(user_id)
        Q_i = self.Q(item_id)
        b_u = self.user_bias(user_id)
        b_i = self.item_bias(item_id)
        outputs = (P_u * Q_i).sum(axis=1) + np.squeeze(b_u) + np.squeeze(b_i)
        return outputs.flatten()


def mf_reconstruction(net):
    """All predictions of a trained :class:`MF` at once.

    Returns
    -------
    numpy.ndarray of shape (num_items, num_users), float32
        ``recons[i, u]`` = :math:`\\mathbf{q}_i^\\top \\mathbf{p}_u + b_i + b_u`, the layout
        of AutoRec's reconstruction, ready for :func:`d2l_ext.masked_rmse`.
    """
    return _mf_rows(net)(0, net.Q.weight.shape[0])


def _mf_rows(net):
    """``predict_rows(begin, end)`` of a trained :class:`MF` (items as rows)."""

    def predict_rows(begin, end):
        P = net.P.weight.data().asnumpy()
        Q = net.Q.weight.data()[begin:end].asnumpy()
        b_u = net.user_bias.weight.data().asnumpy()[:, 0]
        b_i = net.item_bias.weight.data()[begin:end].asnumpy()[:, 0]
        return (Q @ P.T + b_i[:, None] + b_u[None, :]).astype(onp.float32)

    return predict_rows


@dataclass(frozen=True)
class MFFitter(api.Fitter):
    """d2l's :class:`MF` trained on the observed entries of an interaction matrix.

    The loop is the book's (``gluon.loss.L2Loss`` on each rating, Adam with weight decay
    on every parameter, ``Normal(sigma)`` initialisation, minibatches of ratings in a new
    random order each epoch) through the same set-up, batch step and scoring as
    :class:`~d2l_ext.lab.fitting.AutoRecFitter`, so the two are trained and scored alike.
    ``history.train_loss`` is the mean L2 loss per rating.

    Parameters
    ----------
    num_factors : int, default 30
    """

    num_factors: int = 30
    defaults = api.FitConfig(num_epochs=20, batch_size=512)

    def _fit(self, train, evals, config, evaluation):
        items, users, ratings = _observed(train)
        num_items, num_users = train.shape
        api.seed_first(config)
        net = MF(self.num_factors, num_users, num_items)
        device, trainer, loss = api.setup(net, config)
        u_nd = np.array(users, ctx=device, dtype='int64')
        i_nd = np.array(items, ctx=device, dtype='int64')
        r_nd = np.array(ratings, ctx=device, dtype='float32')

        def step(index):
            index = np.array(index, ctx=device, dtype='int64')
            part = (u_nd[index], i_nd[index], r_nd[index])
            return step_batch(net, loss, trainer, [part], part[2].shape[0])

        return api.train_epochs(net, step, ratings.size, _mf_rows(net), train, evals, config,
                            evaluation)


def fit_mf(train, evals=None, **options):
    """Train d2l's :class:`MF`: the shortcut for ``MFFitter(num_factors).fit(train,
    evals, FitConfig(...), EvalConfig(...))``.

    Parameters
    ----------
    train : numpy.ndarray or scipy.sparse matrix of shape (num_items, num_users)
        Training ratings, 0 = unobserved.
    evals : dict of str to matrix, optional
        Held-out matrices of the same shape, e.g. ``{'val': ..., 'test': ...}``.
    **options
        ``num_factors``, fields of :class:`~d2l_ext.lab.fitting.FitConfig` (defaults:
        d2l's MF section, 20 epochs, batch size 512) and of
        :class:`~d2l_ext.lab.fitting.EvalConfig`.

    Returns
    -------
    FitResult
        ``net`` is the :class:`MF`.
    """
    fitter, config, evaluation = api.split_options(MFFitter, options)
    return fitter.fit(train, evals, config, evaluation)
