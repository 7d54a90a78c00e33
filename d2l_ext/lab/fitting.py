"""AutoRec's fitter, and :func:`fit_autorec`, the keyword shortcut the notebooks use.

:class:`AutoRecFitter` implements the lab's one fitter interface
(:mod:`d2l_ext.lab.fitter`, whose names are importable from here too)::

    from d2l_ext.lab.fitting import AutoRecFitter, EvalConfig, FitConfig

    result = AutoRecFitter(num_hidden=500).fit(
        train, {'val': val, 'test': test}, FitConfig(num_epochs=25, seed=0),
        EvalConfig(select_on='val'))

Two storage paths train the same model with the same loss, parameters and seeded
results (``FitConfig.storage``): ``'dense'`` holds the matrices as arrays, ``'sparse'``
holds them as CSR and makes each batch of rows dense on the fly, scoring only the
observed held-out entries (see :mod:`d2l_ext.lab.sparse`). ``'auto'`` (the default) is
sparse when one dense float32 copy would exceed 1 GiB.
"""
from dataclasses import dataclass, field

import numpy as onp
from mxnet import np

from ..matrices import as_csr, choose_storage, is_sparse
from ..model import AutoRec
from ..training import step_batch
from .fitter import (
    EvalConfig,
    FitConfig,
    FitResult,
    Fitter,
    seed_first,
    setup,
    split_options,
    train_epochs,
)
from .sparse import dense_rows

__all__ = ['AutoRecFitter', 'fit_autorec', 'FitConfig', 'EvalConfig', 'FitResult', 'Fitter']


@dataclass(frozen=True)
class AutoRecFitter(Fitter):
    """AutoRec (item- or user-based: pass the matrix or its transpose), the chapter's way.

    The model, loss and optimiser are the chapter's: :class:`d2l_ext.AutoRec` (or
    ``net``), ``gluon.loss.L2Loss`` on the masked output, Adam with weight decay,
    ``Normal(sigma)`` initialisation. Each epoch visits every training row once in a new
    random order (the last batch may be smaller), then reconstructs all rows.

    Parameters
    ----------
    num_hidden : int, default 500
        Width of the bottleneck.
    dropout : float, default 0.05
    net : mxnet.gluon.Block, optional
        A custom network mapping ``(batch, cols)`` to ``(batch, cols)`` that masks its own
        output while training (e.g. :class:`~d2l_ext.lab.variants.AutoRecVariant`); it is
        initialised by ``fit``.
    train_rows : array of int, optional
        Train on these rows only (a worker's shard in data-parallel training); every row
        is still reconstructed and scored, so the held-out RMSEs are on the full matrices.
    """

    num_hidden: int = 500
    dropout: float = 0.05
    net: object = field(default=None, compare=False)
    train_rows: object = field(default=None, compare=False)

    def _fit(self, train, evals, config, evaluation):
        sparse = choose_storage(train.shape, config.storage) == 'sparse'
        train = as_csr(train) if sparse else (train.toarray() if is_sparse(train) else train)
        evals = {name: as_csr(m) if sparse else (m.toarray() if is_sparse(m) else m)
                 for name, m in evals.items()}
        seed_first(config)
        net = AutoRec(self.num_hidden, train.shape[1], self.dropout) if self.net is None \
            else self.net
        device, trainer, loss = setup(net, config)
        rows = (onp.arange(train.shape[0]) if self.train_rows is None
                else onp.asarray(self.train_rows, dtype=onp.int64))
        if sparse:
            def fetch(index):
                return np.array(dense_rows(train, index), ctx=device)

            def predict_rows(begin, end):
                return net(np.array(train[begin:end].toarray(), ctx=device)).asnumpy()
        else:
            train_nd = np.array(train, ctx=device)

            def fetch(index):
                return train_nd[np.array(index, ctx=device, dtype='int64')]

            def predict_rows(begin, end):
                whole = begin == 0 and end == train.shape[0]
                return net(train_nd if whole else train_nd[begin:end]).asnumpy()

        def step(index):
            X = fetch(rows[index])
            return step_batch(net, loss, trainer, [(X, X)], X.shape[0])

        return train_epochs(net, step, len(rows), predict_rows, train, evals, config,
                            evaluation)


def fit_autorec(train, evals=None, *, net=None, **options):
    """Train AutoRec on one interaction matrix and score it after every epoch.

    The notebooks' shortcut for
    ``AutoRecFitter(num_hidden, dropout, net).fit(train, evals, FitConfig(...),
    EvalConfig(...))``.

    Parameters
    ----------
    train : numpy.ndarray or scipy.sparse matrix of shape (rows, cols)
        Training ratings, 0 = unobserved.
    evals : dict of str to matrix, optional
        Held-out matrices of the same shape: ``{'val': ..., 'test': ...}``.
    net : mxnet.gluon.Block, optional
        See :class:`AutoRecFitter`.
    **options
        Fields of :class:`AutoRecFitter` (``num_hidden``, ``dropout``, ``train_rows``),
        :class:`FitConfig` (``lr``, ``wd``, ``num_epochs``, ``batch_size``, ``seed``,
        ``storage``...) and :class:`EvalConfig` (``select_on``, ``patience``,
        ``restore_best``, ``progress``, ``clip``...).

    Returns
    -------
    FitResult
    """
    fitter, config, evaluation = split_options(AutoRecFitter, options, net=net)
    return fitter.fit(train, evals, config, evaluation)
