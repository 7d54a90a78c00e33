"""Baselines that AutoRec must beat: global mean, user/item biases, matrix factorisation.

Every model here is fitted on the same ``(num_items, num_users)`` interaction matrix that
item-based AutoRec reads (0 = unobserved, see :func:`d2l_ext.data.interaction_matrix`)
and returns a full reconstruction of that shape, so all of them are scored by the same
:func:`d2l_ext.masked_rmse` on the same held-out matrix: a like-for-like comparison.

- :func:`global_mean`: predict the mean training rating everywhere.
- :func:`fit_bias`: :math:`\\hat r_{iu} = \\mu + b_i + b_u`, regularised least squares,
  solved by alternating closed-form updates (Koren, "Factor in the neighbors", 2008).
- :class:`MF` and :func:`fit_mf`: d2l's matrix factorisation section (Koren, Bell and
  Volinsky, 2009): user/item embeddings plus biases, ``gluon.loss.L2Loss``, Adam, with the
  book's settings (30 factors, lr 0.002, wd 1e-5, batch size 512) as defaults.
"""
from dataclasses import dataclass

import mxnet as mx
import numpy as onp
from mxnet import autograd, gluon, np
from mxnet.gluon import nn

from ..devices import resolve_devices
from ..errors import EmptyDataError, InvalidArgumentError, ShapeMismatchError
from ..reproducibility import set_seed
from .fitting import check_evals, dense_evaluation, fit_epochs

__all__ = ['global_mean', 'BiasBaseline', 'fit_bias', 'MF', 'mf_reconstruction', 'fit_mf']


def _observed(train):
    """Row (item) indices, column (user) indices and ratings of the non-zero entries."""
    if train.ndim != 2:
        raise ShapeMismatchError(f'Expected an interaction matrix of shape '
                                 f'(num_items, num_users); '
                          f'found an array of shape {train.shape}. Build it with '
                                 f'd2l_ext.data.interaction_matrix.')
    items, users = onp.nonzero(train)
    if items.size == 0:
        raise EmptyDataError('The training matrix has no observed (non-zero) rating: '
                             'nothing to fit. Check the split.')
    return items, users, train[items, users].astype(onp.float64)


def global_mean(train):
    """Mean of the observed training ratings.

    Parameters
    ----------
    train : numpy.ndarray of shape (num_items, num_users)
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

    def predict(self):
        """Return the full prediction matrix, shape ``(num_items, num_users)``, float32."""
        return (self.mu + self.item_bias[:, None] + self.user_bias[None, :]).astype(
            onp.float32)


def fit_bias(train, reg_item=10.0, reg_user=10.0, num_iters=10):
    """Fit the user/item bias baseline by regularised least squares.

    Minimises :math:`\\sum_{(i,u)} (r_{iu} - \\mu - b_i - b_u)^2 + \\lambda_i \\sum_i b_i^2
    + \\lambda_u \\sum_u b_u^2` with :math:`\\mu` the global mean, alternating the exact
    minimisers over the item and the user biases (each step cannot increase the objective).

    Parameters
    ----------
    train : numpy.ndarray of shape (num_items, num_users)
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
    P = net.P.weight.data().asnumpy()
    Q = net.Q.weight.data().asnumpy()
    b_u = net.user_bias.weight.data().asnumpy()[:, 0]
    b_i = net.item_bias.weight.data().asnumpy()[:, 0]
    return (Q @ P.T + b_i[:, None] + b_u[None, :]).astype(onp.float32)


def fit_mf(train, evals=None, *, num_factors=30, lr=0.002, wd=1e-5, num_epochs=20,
           batch_size=512, sigma=0.01, optimizer='adam', seed=None, devices=None,
           clip=None, default_rating=None, select_on=None, patience=None,
           restore_best=False, progress='auto', title=None):
    """Train d2l's :class:`MF` on the observed entries of an interaction matrix.

    The loop is the book's (``gluon.loss.L2Loss`` on each rating, Adam with weight decay
    ``wd`` on every parameter, ``Normal(sigma)`` initialisation, minibatches of ratings in
    a new random order each epoch) with the bookkeeping of
    :func:`d2l_ext.lab.fitting.fit_autorec`, so the two are trained and scored alike.

    Parameters
    ----------
    train : numpy.ndarray of shape (num_items, num_users)
        Training ratings, 0 = unobserved.
    evals : dict of str to numpy.ndarray, optional
        Held-out matrices of the same shape, e.g. ``{'val': ..., 'test': ...}``.
    num_factors, lr, wd, num_epochs, batch_size, sigma, optimizer
        Hyperparameters; the defaults are d2l's MF section's.
    seed : int, optional
        Seeds Python, NumPy and MXNet before initialisation, and the batch order.
    devices : list of mxnet.Context, optional
        Only the first is used; defaults to :func:`d2l_ext.try_all_gpus`.
    clip, default_rating, select_on, patience, restore_best, progress, title
        As in :func:`d2l_ext.lab.fitting.fit_autorec`.

    Returns
    -------
    FitResult
        ``history`` has ``train_loss`` (mean L2 loss per rating), ``train_rmse``, one
        ``<name>_rmse`` per evaluation matrix and ``seconds`` per epoch; ``net`` is the
        :class:`MF`.
    """
    evals = check_evals(train, evals, select_on)
    items, users, ratings = _observed(train)
    num_items, num_users = train.shape
    device = resolve_devices(devices)[0]
    if seed is not None:
        set_seed(seed)
    net = MF(num_factors, num_users, num_items)
    net.initialize(init=mx.init.Normal(sigma), ctx=device, force_reinit=True)
    trainer = gluon.Trainer(net.collect_params(), optimizer,
                            {'learning_rate': lr, 'wd': wd})
    loss = gluon.loss.L2Loss()
    u_nd = np.array(users, ctx=device, dtype='int64')
    i_nd = np.array(items, ctx=device, dtype='int64')
    r_nd = np.array(ratings, ctx=device, dtype='float32')
    rng = onp.random.default_rng(seed)

    def train_epoch():
        losses, order = [], rng.permutation(ratings.size)
        for begin in range(0, ratings.size, batch_size):
            index = np.array(order[begin:begin + batch_size], ctx=device, dtype='int64')
            u, i, r = u_nd[index], i_nd[index], r_nd[index]
            with autograd.record():
                l = loss(net(u, i), r)
            l.backward()
            trainer.step(r.shape[0])
            losses.append(l.sum())
        return float(sum(losses)) / ratings.size

    evaluate = dense_evaluation(lambda: mf_reconstruction(net), train, evals, clip,
                                default_rating)
    return fit_epochs(net, train_epoch, evaluate, num_epochs, select_on=select_on,
                      patience=patience, restore_best=restore_best, progress=progress,
                      title=title, learning_rate=lr)
