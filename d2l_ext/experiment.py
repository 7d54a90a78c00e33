"""Experiments beyond the chapter: item- or user-based AutoRec with validation tracking.

:func:`d2l_ext.train_recsys_rating` reproduces the book's loop. The notebooks that compare
variants, watch overfitting or follow the paper's protocol need more per epoch (train,
validation and test RMSE), a choice of the best epoch on validation data, and the same
batching for every variant. :func:`fit_autorec` does that with the same model, loss and
optimiser as the chapter.

Matrices here are NumPy float32 arrays with 0 = unobserved. Item-based AutoRec reads rows
of the ``(num_items, num_users)`` matrix; user-based reads rows of its transpose.
"""
import time
import warnings
from dataclasses import dataclass

import mxnet as mx
import numpy as onp
import pandas as pd
from mxnet import autograd, gluon, np

from .data import rating_matrix
from .devices import resolve_devices
from .errors import EmptyDataError, InvalidArgumentError, ShapeMismatchError
from .model import AutoRec
from .reproducibility import set_seed

__all__ = ['interaction_matrix', 'rmse_of', 'FitResult', 'check_evals', 'run_epochs',
           'fit_autorec']


def interaction_matrix(data, num_users, num_items, variant='item'):
    """Return the interaction matrix AutoRec reads, as a NumPy float32 array.

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings; the first three columns are user id, item id, rating (ids from 1).
    num_users, num_items : int
    variant : {'item', 'user'}
        ``'item'``: shape ``(num_items, num_users)`` (I-AutoRec, the chapter's);
        ``'user'``: shape ``(num_users, num_items)`` (U-AutoRec).

    Returns
    -------
    numpy.ndarray
        ``m[row, col]`` = rating, 0 = unobserved; a later duplicate pair overwrites.
    """
    if variant not in ('item', 'user'):
        raise InvalidArgumentError(f"variant must be 'item' or 'user'; found {variant!r}.")
    matrix = rating_matrix(data, num_users, num_items)
    return matrix if variant == 'item' else onp.ascontiguousarray(matrix.T)


def rmse_of(truth, recons, train=None, clip=None, default_rating=None):
    """Masked RMSE with the paper's optional post-processing.

    Parameters
    ----------
    truth : numpy.ndarray
        Held-out ratings, 0 = unobserved.
    recons : numpy.ndarray
        Reconstruction of the same shape.
    train : numpy.ndarray, optional
        The training matrix; needed for ``default_rating``.
    clip : (float, float), optional
        Clip predictions to this range (the paper: ``(1, 5)``).
    default_rating : float, optional
        Predict this for rows or columns with no training rating (the paper: 3).

    Returns
    -------
    float

    Raises
    ------
    EmptyDataError
        ``truth`` has no observed entry (the RMSE would be 0/0).
    """
    observed = truth != 0
    count = observed.sum()
    if count == 0:
        raise EmptyDataError(f'The held-out matrix of shape {truth.shape} has no observed '
                             f'(non-zero) rating, so its RMSE is undefined. Check the '
                             f'split that built it (an empty validation or test part).')
    pred = recons[observed].astype(onp.float64)
    if default_rating is not None:
        seen = train != 0
        rows, cols = onp.nonzero(observed)
        unseen = ~seen.any(axis=1)[rows] | ~seen.any(axis=0)[cols]
        pred[unseen] = default_rating
    if clip is not None:
        pred = onp.clip(pred, *clip)
    return float(onp.sqrt(onp.mean(onp.square(truth[observed] - pred))))


@dataclass
class FitResult:
    """What :func:`fit_autorec` returns.

    Attributes
    ----------
    history : pandas.DataFrame
        Indexed by epoch (from 1): ``train_loss``, ``train_rmse`` and one
        ``<name>_rmse`` column per evaluation matrix, plus ``seconds``.
    net : mxnet.gluon.Block
        The trained network; with ``restore_best=True``, the parameters of the best epoch.
    best_epoch : int or None
        Epoch with the lowest ``<select_on>_rmse``, or None without ``select_on``.
    """

    history: pd.DataFrame
    net: object
    best_epoch: int = None

    def best(self, column):
        """Value of ``column`` at the best epoch (the last epoch without selection)."""
        epoch = self.best_epoch or int(self.history.index[-1])
        return float(self.history.loc[epoch, column])


def check_evals(train, evals, select_on):
    """Check that every evaluation matrix fits the training matrix; return them as a dict.

    Raises
    ------
    ShapeMismatchError
        An evaluation matrix has another shape than ``train``.
    InvalidArgumentError
        ``select_on`` names no evaluation matrix.
    """
    evals = dict(evals or {})
    for name, matrix in evals.items():
        if matrix.shape != train.shape:
            raise ShapeMismatchError(f'evals[{name!r}] has shape {matrix.shape}, the training '
                                     f'matrix {train.shape}: build both from the same '
                                     f'num_users, num_items and variant.')
    if select_on is not None and select_on not in evals:
        raise InvalidArgumentError(f'select_on={select_on!r} is not one of evals: '
                                   f'{list(evals)}. Pass a validation matrix in evals.')
    return evals


def run_epochs(net, train_epoch, reconstruct, train, evals, num_epochs, *, clip=None,
               default_rating=None, select_on=None, patience=None, restore_best=False,
               progress=None):
    """The epoch loop shared by :func:`fit_autorec` and :func:`d2l_ext.baselines.fit_mf`.

    Each epoch calls ``train_epoch()`` (one pass over the training data, returning the
    mean training loss), then ``reconstruct()`` (the full prediction, a NumPy array of
    ``train``'s shape) and scores it on ``train`` and on every matrix of ``evals``. A loss
    that stops being finite ends the loop with a ``RuntimeWarning`` naming the epoch; the
    epochs so far are returned.

    Parameters
    ----------
    net : mxnet.gluon.Block
        The model being trained (its parameters are saved and restored for
        ``restore_best``).
    train_epoch, reconstruct : callable
        See above.
    train : numpy.ndarray of shape (rows, cols)
        Training ratings, 0 = unobserved.
    evals : dict of str to numpy.ndarray
        Checked held-out matrices (see :func:`check_evals`).
    num_epochs : int
    clip, default_rating, select_on, patience, restore_best, progress
        As in :func:`fit_autorec`.

    Returns
    -------
    FitResult
    """
    records, best, best_params, since_best = [], None, None, 0
    for epoch in range(1, num_epochs + 1):
        start = time.perf_counter()
        train_loss = train_epoch()
        recons = reconstruct()
        row = {'train_loss': train_loss, 'train_rmse': rmse_of(train, recons, clip=clip)}
        for name, matrix in evals.items():
            row[f'{name}_rmse'] = rmse_of(matrix, recons, train, clip, default_rating)
        row['seconds'] = time.perf_counter() - start
        records.append(row)
        if progress is not None:
            progress(epoch, row)
        if not onp.isfinite(row['train_loss']):
            warnings.warn(f'Training diverged at epoch {epoch} (train loss '
                          f'{row["train_loss"]}); stopping with the {epoch} epochs so far. '
                          f'Lower the learning rate and train again.', RuntimeWarning,
                          stacklevel=3)
            break
        if select_on is not None:
            score = row[f'{select_on}_rmse']
            if best is None or score < records[best - 1][f'{select_on}_rmse']:
                best, since_best = epoch, 0
                if restore_best:
                    best_params = {k: v.data().copy()
                                   for k, v in net.collect_params().items()}
            else:
                since_best += 1
                if patience is not None and since_best >= patience:
                    break
    if restore_best and best_params is not None:
        for k, v in net.collect_params().items():
            v.set_data(best_params[k])
    history = pd.DataFrame(records, index=pd.Index(range(1, len(records) + 1),
                                                   name='epoch'))
    return FitResult(history=history, net=net, best_epoch=best)


def fit_autorec(train, evals=None, *, num_hiddens=500, dropout=0.05, lr=0.002, wd=1e-5,
                num_epochs=25, batch_size=256, sigma=0.01, optimizer='adam', seed=None,
                net=None, devices=None, clip=None, default_rating=None, select_on=None,
                patience=None, restore_best=False, progress=None):
    """Train AutoRec on one interaction matrix and evaluate it after every epoch.

    The model, loss and optimiser are the chapter's: :class:`AutoRec` (or ``net``),
    ``gluon.loss.L2Loss`` on the masked output, Adam with weight decay ``wd``,
    ``Normal(sigma)`` initialisation. Each epoch visits every row once in a new random
    order (the last batch may be smaller), then reconstructs all rows from ``train``.

    Parameters
    ----------
    train : numpy.ndarray of shape (rows, cols)
        Training ratings, 0 = unobserved (see :func:`interaction_matrix`).
    evals : dict of str to numpy.ndarray, optional
        Held-out matrices of the same shape, e.g. ``{'val': ..., 'test': ...}``.
    num_hiddens, dropout, lr, wd, num_epochs, batch_size, sigma, optimizer
        Hyperparameters; the defaults are the chapter's.
    seed : int, optional
        Seeds Python, NumPy and MXNet before initialisation (see :func:`set_seed`).
    net : mxnet.gluon.Block, optional
        A custom network mapping ``(batch, cols)`` to ``(batch, cols)`` that masks its own
        output while training, as :class:`AutoRec` does. It is initialised here.
    devices : list of mxnet.Context, optional
        Only the first is used; defaults to :func:`d2l_ext.try_all_gpus`.
    clip, default_rating
        Post-processing for the evaluation RMSEs, see :func:`rmse_of`.
    select_on : str, optional
        Name in ``evals`` whose RMSE picks ``best_epoch`` (use a validation matrix,
        never the test matrix).
    patience : int, optional
        With ``select_on``: stop after this many epochs without a new best.
    restore_best : bool, default False
        With ``select_on``: leave the best epoch's parameters in the returned net.
    progress : callable, optional
        Called as ``progress(epoch, row)`` after each epoch with that epoch's values.

    Returns
    -------
    FitResult
    """
    evals = check_evals(train, evals, select_on)
    device = resolve_devices(devices)[0]
    if seed is not None:
        set_seed(seed)
    net = AutoRec(num_hiddens, train.shape[1], dropout) if net is None else net
    net.initialize(init=mx.init.Normal(sigma), ctx=device, force_reinit=True)
    trainer = gluon.Trainer(net.collect_params(), optimizer,
                            {'learning_rate': lr, 'wd': wd})
    loss = gluon.loss.L2Loss()
    train_nd = np.array(train, ctx=device)
    rows, rng = train.shape[0], onp.random.default_rng(seed)

    def train_epoch():
        losses, order = [], rng.permutation(rows)
        for begin in range(0, rows, batch_size):
            index = np.array(order[begin:begin + batch_size], ctx=device, dtype='int64')
            X = train_nd[index]
            with autograd.record():
                l = loss(net(X), X)
            l.backward()
            trainer.step(X.shape[0])
            losses.append(l.sum())
        return float(sum(losses)) / rows

    return run_epochs(net, train_epoch, lambda: net(train_nd).asnumpy(), train, evals,
                      num_epochs, clip=clip, default_rating=default_rating,
                      select_on=select_on, patience=patience, restore_best=restore_best,
                      progress=progress)
