"""Fitting AutoRec with validation data: the lab's training entry point.

:func:`d2l_ext.train_recsys_rating` reproduces the book's loop. The notebooks that compare
variants, watch overfitting or follow the paper's protocol need more per epoch (train,
validation and test RMSE), the best epoch chosen on validation data, early stopping, and
the same batching for every variant. :func:`fit_autorec` does that with the chapter's
model, loss and optimiser, through the package's one epoch loop
(:func:`d2l_ext.training.run_epochs`) and its one RMSE (:func:`d2l_ext.masked_rmse`).

Matrices here are NumPy float32 arrays or ``scipy.sparse`` CSR matrices with
0 = unobserved (see :func:`d2l_ext.data.interaction_matrix` and
:func:`d2l_ext.lab.sparse.sparse_interaction_matrix`). Item-based AutoRec reads rows of the
``(num_items, num_users)`` matrix; user-based reads rows of its transpose.

Two storage paths train the same model with the same loss and parameters
(``storage=``): ``'dense'`` holds the matrices as arrays, ``'sparse'`` holds them as CSR
and makes each batch of rows dense on the fly, scoring only the observed held-out
entries (see :mod:`d2l_ext.lab.sparse`). ``'auto'`` (the default) is sparse when one
dense float32 copy would exceed :data:`d2l_ext.lab.sparse.DENSE_LIMIT_BYTES` (1 GiB).
"""
from dataclasses import dataclass

import mxnet as mx
import numpy as onp
from mxnet import autograd, gluon, np

from ..devices import resolve_devices
from ..errors import InvalidArgumentError, ShapeMismatchError
from ..evaluation import masked_rmse
from ..history import History
from ..model import AutoRec
from ..plotting import make_reporter
from ..reproducibility import set_seed
from ..training import run_epochs
from . import sparse as sp

__all__ = ['FitResult', 'check_evals', 'dense_evaluation', 'fit_epochs', 'fit_autorec']

#: The held-out matrices a fitter scores after every epoch, besides the training one.
EVAL_NAMES = ('val', 'test')
#: The sparse path reconstructs at most this many entries at once while evaluating.
EVAL_BATCH_ENTRIES = 1 << 25


@dataclass
class FitResult:
    """What :func:`fit_autorec` and :func:`d2l_ext.lab.baselines.fit_mf` return.

    Attributes
    ----------
    history : History
        Per epoch: ``train_loss``, ``train_rmse``, ``val_rmse`` and ``test_rmse`` (for
        the matrices given), ``seconds``; ``history.chosen_epoch`` is the epoch chosen on
        ``select_on``.
    net : mxnet.gluon.Block
        The trained network; with ``restore_best=True``, the parameters of the best epoch.
    """

    history: History
    net: object

    @property
    def best_epoch(self):
        """Epoch with the lowest ``<select_on>_rmse``, or None without ``select_on``."""
        return self.history.chosen_epoch

    def best(self, column):
        """Value of ``column`` at the best epoch (the last epoch without selection)."""
        return self.history.best(column)


def check_evals(train, evals, select_on):
    """Check that every held-out matrix fits the training matrix; return them as a dict.

    Parameters
    ----------
    train : numpy.ndarray of shape (rows, cols)
    evals : dict of str to numpy.ndarray or None
        Keys among ``'val'`` and ``'test'``.
    select_on : str or None

    Raises
    ------
    InvalidArgumentError
        A key is not ``'val'`` or ``'test'``, or ``select_on`` names no given matrix.
    ShapeMismatchError
        A held-out matrix has another shape than ``train``.
    """
    evals = dict(evals or {})
    for name, matrix in evals.items():
        if name not in EVAL_NAMES:
            raise InvalidArgumentError(f'evals keys must be among {EVAL_NAMES}; found '
                                       f'{name!r}. Pass {{"val": ..., "test": ...}}.')
        if matrix.shape != train.shape:
            raise ShapeMismatchError(f'evals[{name!r}] has shape {matrix.shape}, the training '
                                     f'matrix {train.shape}: build both from the same '
                                     f'num_users, num_items and variant.')
    if select_on is not None and select_on not in evals:
        raise InvalidArgumentError(f'select_on={select_on!r} is not one of evals: '
                                   f'{list(evals)}. Pass a validation matrix in evals.')
    return evals


def dense_evaluation(reconstruct, train, evals, clip=None, default_rating=None):
    """The per-epoch scoring of a fitter that reconstructs the whole matrix at once.

    Returns ``evaluate(epoch)``: it calls ``reconstruct()`` (the full prediction, a NumPy
    array of ``train``'s shape) and scores it with :func:`masked_rmse` on ``train`` and on
    every matrix of ``evals`` (with the paper's ``clip`` and ``default_rating`` on the
    held-out ones), as ``{'train_rmse': ..., '<name>_rmse': ...}``.
    """

    def evaluate(epoch):
        recons = reconstruct()
        row = {'train_rmse': masked_rmse(train, recons, clip=clip)}
        for name, matrix in evals.items():
            row[f'{name}_rmse'] = masked_rmse(matrix, recons, train=train, clip=clip,
                                              default_rating=default_rating)
        return row

    return evaluate


def fit_epochs(net, train_epoch, evaluate, num_epochs, *, select_on=None, patience=None,
               restore_best=False, progress='auto', title=None, learning_rate=None):
    """Run a lab fitter's epochs through :func:`d2l_ext.training.run_epochs`.

    Shared by :func:`fit_autorec` (both storage paths) and
    :func:`d2l_ext.lab.baselines.fit_mf`: each epoch calls ``train_epoch()`` (one pass,
    returning the mean training loss), then ``evaluate(epoch)`` (e.g. from
    :func:`dense_evaluation`), which returns ``{'train_rmse': ..., '<name>_rmse': ...}``.

    Returns
    -------
    FitResult
    """
    history = run_epochs(lambda epoch: train_epoch(), evaluate, num_epochs, net=net,
                         select_on=select_on, patience=patience, restore_best=restore_best,
                         reporter=make_reporter(progress, num_epochs, title),
                         learning_rate=learning_rate)
    return FitResult(history=history, net=net)


def fit_autorec(train, evals=None, *, num_hiddens=500, dropout=0.05, lr=0.002, wd=1e-5,
                num_epochs=25, batch_size=256, sigma=0.01, optimizer='adam', seed=None,
                net=None, devices=None, clip=None, default_rating=None, select_on=None,
                patience=None, restore_best=False, progress='auto', title=None,
                storage='auto'):
    """Train AutoRec on one interaction matrix and evaluate it after every epoch.

    The model, loss and optimiser are the chapter's: :class:`AutoRec` (or ``net``),
    ``gluon.loss.L2Loss`` on the masked output, Adam with weight decay ``wd``,
    ``Normal(sigma)`` initialisation. Each epoch visits every row once in a new random
    order (the last batch may be smaller), then reconstructs all rows from ``train``.

    Parameters
    ----------
    train : numpy.ndarray or scipy.sparse matrix of shape (rows, cols)
        Training ratings, 0 = unobserved (see :func:`d2l_ext.data.interaction_matrix`,
        :func:`d2l_ext.lab.sparse.sparse_interaction_matrix`).
    evals : dict of str to numpy.ndarray or scipy.sparse matrix, optional
        Held-out matrices of the same shape: ``{'val': ..., 'test': ...}`` (either or both).
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
        Post-processing for the held-out RMSEs, see :func:`d2l_ext.masked_rmse`.
    select_on : str, optional
        Name in ``evals`` whose RMSE picks ``best_epoch`` (use a validation matrix,
        never the test matrix).
    patience : int, optional
        With ``select_on``: stop after this many epochs without a new best.
    restore_best : bool, default False
        With ``select_on``: leave the best epoch's parameters in the returned net.
    progress : {'auto', 'figure', 'bar'}, callable or None, default 'auto'
        How the run shows itself while it trains: a live figure in a notebook, a progress
        bar in a terminal (see :func:`d2l_ext.plotting.make_reporter`).
    title : str, optional
        The live figure's title or the progress bar's label.
    storage : {'auto', 'dense', 'sparse'}, default 'auto'
        How the matrices are held while training (see :func:`d2l_ext.lab.sparse.choose_storage`):
        ``'sparse'`` keeps them CSR and makes each batch of rows dense; ``'auto'`` is sparse
        when one dense float32 copy of ``train`` would exceed 1 GiB. Either input type
        works with either path; the model, loss, parameters, batches and seeded
        results are the same.

    Returns
    -------
    FitResult
    """
    evals = check_evals(train, evals, select_on)
    if sp.choose_storage(train.shape, storage) == 'sparse':
        return _fit_sparse(train, evals, num_hiddens=num_hiddens, dropout=dropout, lr=lr,
                           wd=wd, num_epochs=num_epochs, batch_size=batch_size,
                           sigma=sigma, optimizer=optimizer, seed=seed, net=net,
                           devices=devices, clip=clip, default_rating=default_rating,
                           select_on=select_on, patience=patience,
                           restore_best=restore_best, progress=progress, title=title)
    train = train.toarray() if sp.is_sparse(train) else train
    evals = {name: m.toarray() if sp.is_sparse(m) else m for name, m in evals.items()}
    device, net, trainer, loss = _setup(train.shape, num_hiddens, dropout, lr, wd, sigma,
                                        optimizer, seed, net, devices)
    train_nd = np.array(train, ctx=device)
    train_epoch = _row_epochs(
        net, loss, trainer, train.shape[0], batch_size, onp.random.default_rng(seed),
        lambda index: train_nd[np.array(index, ctx=device, dtype='int64')])
    evaluate = dense_evaluation(lambda: net(train_nd).asnumpy(), train, evals, clip,
                                default_rating)
    return fit_epochs(net, train_epoch, evaluate, num_epochs, select_on=select_on,
                      patience=patience, restore_best=restore_best, progress=progress,
                      title=title, learning_rate=lr)


def _row_epochs(net, loss, trainer, rows, batch_size, rng, fetch, wait_previous=False):
    """One epoch of either storage path: every row once, in a new random order.

    ``fetch(index)`` returns the dense batch of rows ``index`` on the device; with
    ``wait_previous`` a batch's step waits for the previous batch to finish, so at most
    two batches are in flight. Returns
    ``train_epoch()``, which returns the epoch's mean loss per row.
    """

    def train_epoch():
        losses, order = [], rng.permutation(rows)
        for begin in range(0, rows, batch_size):
            X = fetch(order[begin:begin + batch_size])
            with autograd.record():
                l = loss(net(X), X)
            l.backward()
            trainer.step(X.shape[0])
            if wait_previous and losses:
                losses[-1].wait_to_read()
            losses.append(l.sum())
        return float(sum(losses)) / rows

    return train_epoch


def _setup(train_shape, num_hiddens, dropout, lr, wd, sigma, optimizer, seed, net,
           devices):
    """The device, seeded and initialised net, trainer and loss of both storage paths."""
    device = resolve_devices(devices)[0]
    if seed is not None:
        set_seed(seed)
    net = AutoRec(num_hiddens, train_shape[1], dropout) if net is None else net
    net.initialize(init=mx.init.Normal(sigma), ctx=device, force_reinit=True)
    trainer = gluon.Trainer(net.collect_params(), optimizer,
                            {'learning_rate': lr, 'wd': wd})
    return device, net, trainer, gluon.loss.L2Loss()


def _fit_sparse(train, evals, *, num_hiddens, dropout, lr, wd, num_epochs, batch_size,
                sigma, optimizer, seed, net, devices, clip, default_rating, select_on,
                patience, restore_best, progress, title):
    """:func:`fit_autorec` with CSR storage: same steps, batches made dense on the fly."""
    train = sp.as_csr(train)
    evals = {name: sp.as_csr(m) for name, m in evals.items()}
    device, net, trainer, loss = _setup(train.shape, num_hiddens, dropout, lr, wd, sigma,
                                        optimizer, seed, net, devices)
    rows, cols = train.shape
    # MXNet runs asynchronously: at most two wide batches in flight, or the queued
    # batches hold GBs of buffers.
    train_epoch = _row_epochs(
        net, loss, trainer, rows, batch_size, onp.random.default_rng(seed),
        lambda index: np.array(sp.dense_rows(train, index), ctx=device),
        wait_previous=True)

    eval_rows = max(1, min(rows, EVAL_BATCH_ENTRIES // max(cols, 1)))

    def reconstruct_rows(begin, end):
        X = np.array(train[begin:end].toarray(), ctx=device)
        return net(X).asnumpy()

    def evaluate(epoch):
        names = list(evals)
        preds = sp.observed_predictions(reconstruct_rows, [train] + [evals[n] for n in names],
                                        eval_rows)
        row = {'train_rmse': sp.sparse_rmse(train, preds[0], clip=clip)}
        for name, pred in zip(names, preds[1:]):
            row[f'{name}_rmse'] = sp.sparse_rmse(evals[name], pred, train=train, clip=clip,
                                                 default_rating=default_rating)
        return row

    return fit_epochs(net, train_epoch, evaluate, num_epochs, select_on=select_on,
                      patience=patience, restore_best=restore_best, progress=progress,
                      title=title, learning_rate=lr)
