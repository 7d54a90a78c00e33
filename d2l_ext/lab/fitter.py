"""The lab's one fitter interface: configs, the result, and what every fitter shares.

Every model of the lab is fitted the same way::

    from d2l_ext.lab.fitting import AutoRecFitter, EvalConfig, FitConfig

    fitter = AutoRecFitter(num_hidden=500)            # or MFFitter(), BiasFitter(), ...
    result = fitter.fit(train, {'val': val, 'test': test},
                        FitConfig(num_epochs=25, seed=0), EvalConfig(select_on='val'))
    result.best_epoch, result.best('test_rmse'), result.predict()

- a *fitter* (:class:`~d2l_ext.lab.fitting.AutoRecFitter`, and ``MFFitter``,
  ``BiasFitter``, ``MeanFitter`` of :mod:`d2l_ext.lab.baselines`) is a frozen record of
  the model's own hyperparameters with one method, ``fit(train, evals=None, config=None,
  evaluation=None) -> FitResult``;
- :class:`FitConfig` says how to train (optimiser, epochs, batches, seed, devices,
  storage, kvstore), :class:`EvalConfig` how to score and choose (post-processing, the
  selection matrix, patience, progress);
- :class:`FitResult` is what every fitter returns: the history, the fitted model, the
  chosen epoch, its scores, and the full predicted matrix (:meth:`FitResult.predict`).

Matrices are NumPy float32 arrays or ``scipy.sparse`` matrices with 0 = unobserved,
``(num_items, num_users)`` for item-based models (U-AutoRec: the transpose), see
:func:`d2l_ext.data.interaction_matrix`; each is checked before the first step
(:func:`d2l_ext.matrices.check_ratings`). Every epoch goes through the package's one loop
(:func:`d2l_ext.training.run_epochs`), every step through its one batch step
(:func:`d2l_ext.training.step_batch`), every score through its one RMSE
(:func:`d2l_ext.masked_rmse`).
"""
import dataclasses
import warnings
from dataclasses import dataclass, field
from types import MappingProxyType

import mxnet as mx
import numpy as onp
from mxnet import gluon, np

from ..devices import resolve_devices
from ..errors import InvalidArgumentError, ShapeMismatchError
from ..evaluation import masked_rmse
from ..history import History
from ..matrices import check_ratings, is_sparse
from ..plotting import make_reporter
from ..reproducibility import set_seed
from ..training import run_epochs
from .sparse import observed_predictions

__all__ = ['FitConfig', 'EvalConfig', 'FitResult', 'Fitter', 'RowPredictor', 'check_matrices',
           'scorer', 'train_epochs', 'setup', 'seed_first', 'split_options']

#: The held-out matrices a fitter scores after every epoch, besides the training one.
EVAL_NAMES = ('val', 'test')
#: Sparse storage reconstructs at most this many entries at once while evaluating.
EVAL_BATCH_ENTRIES = 1 << 25


@dataclass(frozen=True)
class FitConfig:
    """How a fitter trains: the settings every trained model shares (frozen: change one
    with ``dataclasses.replace(config, lr=0.01)``).

    Attributes
    ----------
    lr, wd : float
        Learning rate and Gluon weight decay (the chapter's 0.002 and 1e-5).
    num_epochs, batch_size : int
        Most epochs, and examples per step (rows for AutoRec, ratings for MF).
    sigma : float
        Initialisation ``Normal(sigma)``.
    optimizer : str
        A Gluon optimiser name (``'adam'``).
    seed : int, optional
        Seeds Python, NumPy and MXNet before initialisation, and the batch order.
    devices : list of mxnet.Context, optional
        Only the first is used; defaults to :func:`d2l_ext.try_all_gpus` (the CPU).
    storage : {'auto', 'dense', 'sparse'}
        AutoRec: hold the matrices dense, or CSR with each batch made dense
        (:func:`d2l_ext.matrices.choose_storage`); results are the same.
    kvstore : str or mxnet.kvstore.KVStore
        Passed to ``gluon.Trainer(..., kvstore=...)``: ``'device'`` (Gluon's default) or
        e.g. ``mx.kv.create('dist_sync')`` for data-parallel training on a parameter
        server (each worker fits its shard, see ``AutoRecFitter(train_rows=...)``).
    """

    lr: float = 0.002
    wd: float = 1e-5
    num_epochs: int = 25
    batch_size: int = 256
    sigma: float = 0.01
    optimizer: str = 'adam'
    seed: int = None
    devices: tuple = None
    storage: str = 'auto'
    kvstore: object = 'device'


@dataclass(frozen=True)
class EvalConfig:
    """How a fitter scores and chooses.

    Attributes
    ----------
    clip : (float, float), optional
        Clip held-out predictions first (the paper: ``(1, 5)``).
    default_rating : float, optional
        Predict it for held-out rows/columns without a training rating (the paper: 3).
    select_on : {'val', 'test'}, optional
        The held-out matrix whose RMSE chooses ``best_epoch`` (validation, never test).
    patience : int, optional
        With ``select_on``: stop this many epochs after the best one.
    restore_best : bool
        With ``select_on``: leave the best epoch's parameters in the model.
    progress : {'auto', 'figure', 'bar'}, callable or None
        How a run shows itself (:func:`d2l_ext.plotting.make_reporter`).
    title : str, optional
        The live figure's title or the progress bar's label.
    """

    clip: tuple = None
    default_rating: float = None
    select_on: str = None
    patience: int = None
    restore_best: bool = False
    progress: object = 'auto'
    title: str = None


@dataclass(frozen=True)
class FitResult:
    """What every fitter returns (immutable).

    Attributes
    ----------
    history : History
        Per epoch: ``train_loss``, ``train_rmse``, ``<name>_rmse`` per held-out matrix,
        ``seconds``; empty for a model without epochs (global mean, biases).
    net : object
        The fitted model: a Gluon Block (AutoRec, MF; with ``restore_best``, the best
        epoch's parameters), a :class:`~d2l_ext.lab.baselines.BiasBaseline` or the mean.
    best_epoch : int or None
        The epoch chosen on ``select_on``; None without selection or without epochs.
    scores : mapping of str to float (read-only)
        The RMSEs at ``best_epoch`` (the last epoch without selection; the only ones
        for a model without epochs): ``'train_rmse'``, ``'<name>_rmse'``.
    predict_rows : RowPredictor
        ``predict_rows(begin, end)``: rows ``begin:end`` of :meth:`predict`.
    """

    history: History
    net: object
    best_epoch: int
    scores: dict
    predict_rows: object = field(repr=False)

    def __post_init__(self):  # a read-only view: the record cannot be changed
        object.__setattr__(self, 'scores', MappingProxyType(dict(self.scores)))

    @property
    def shape(self):
        """``(rows, cols)`` of the matrix the model was fitted on."""
        return self.predict_rows.shape

    def predict(self):
        """The full predicted matrix, float32 of the training matrix's shape: a score for
        every (row, column), e.g. for a ranking metric (rows = items for item-based
        models; transpose a U-AutoRec's to get ``(num_items, num_users)``)."""
        return self.predict_rows(0, self.shape[0])

    def best(self, column):
        """Value of ``column`` at :attr:`best_epoch` (the last epoch without selection)."""
        return self.scores[column]

    def reconstruct(self, rows):
        """AutoRec only: the net's reconstruction of new rating rows, in prediction mode.

        Parameters
        ----------
        rows : array-like of shape (k, cols) or (cols,)
            Rating vectors laid out like the training rows (for U-AutoRec: a new user's
            ratings of every item, 0 = unrated).

        Returns
        -------
        numpy.ndarray of the same shape, float32
        """
        rows = onp.asarray(rows, dtype=onp.float32)
        flat = rows.ndim == 1
        device = next(iter(self.net.collect_params().values())).list_ctx()[0]
        out = self.net(np.array(rows.reshape(1, -1) if flat else rows, ctx=device))
        return out.asnumpy()[0] if flat else out.asnumpy()


class RowPredictor:
    """A model's ``predict_rows(begin, end)`` (a float32 block of rows ``begin:end``),
    knowing the ``shape`` of the whole matrix it predicts."""

    def __init__(self, shape, function):
        self.shape, self.function = tuple(shape), function

    def __call__(self, begin, end):
        return self.function(begin, end)


class Fitter:
    """The interface every lab model implements: ``fit(train, evals, config, evaluation)``.

    Subclasses are frozen dataclasses of the model's own hyperparameters; they set
    :attr:`defaults` (their :class:`FitConfig` when none is given) and implement
    ``_fit(train, evals, config, evaluation) -> FitResult`` on checked matrices.
    """

    #: The training settings used when ``fit`` gets no ``config``.
    defaults = FitConfig()
    #: Whether the model trains in epochs (``num_epochs`` applies; the protocol refits
    #: for the chosen number of epochs).
    has_epochs = True

    def fit(self, train, evals=None, config=None, evaluation=None):
        """Fit on ``train``, scoring ``train`` and every held-out matrix.

        Parameters
        ----------
        train : numpy.ndarray or scipy.sparse matrix of shape (rows, cols)
            Training ratings, 0 = unobserved.
        evals : dict of str to matrix, optional
            Held-out matrices of the same shape, keys among ``'val'`` and ``'test'``.
        config : FitConfig, optional
            Defaults to :attr:`defaults`.
        evaluation : EvalConfig, optional
            Defaults to ``EvalConfig()``.

        Returns
        -------
        FitResult

        Raises
        ------
        DataFormatError
            A matrix holds NaN, inf, a negative rating or a stored zero (before any step).
        ShapeMismatchError, InvalidArgumentError
            Held-out shapes or names that do not fit, ``select_on`` naming no matrix.
        """
        config = self.defaults if config is None else config
        evaluation = EvalConfig() if evaluation is None else evaluation
        evals = check_matrices(train, evals, evaluation.select_on)
        return self._fit(train, evals, config, evaluation)

    def _fit(self, train, evals, config, evaluation):
        raise NotImplementedError


def check_matrices(train, evals, select_on):
    """Check the training and held-out matrices at the fitter boundary; return ``evals``
    as a dict (see :meth:`Fitter.fit` for what is refused)."""
    if getattr(train, 'ndim', 2) != 2:
        raise ShapeMismatchError(f'Expected the training interaction matrix of shape '
                                 f'(rows, cols); found shape {train.shape}. Build it with '
                                 f'd2l_ext.data.interaction_matrix.')
    check_ratings(train, 'training')
    evals = dict(evals or {})
    for name, matrix in evals.items():
        if name not in EVAL_NAMES:
            raise InvalidArgumentError(f'evals keys must be among {EVAL_NAMES}; found '
                                       f'{name!r}. Pass {{"val": ..., "test": ...}}.')
        if matrix.shape != train.shape:
            raise ShapeMismatchError(f'evals[{name!r}] has shape {matrix.shape}, the training '
                                     f'matrix {train.shape}: build both from the same '
                                     f'num_users, num_items and variant.')
        check_ratings(matrix, f'evals[{name!r}]')
    if select_on is not None and select_on not in evals:
        raise InvalidArgumentError(f'select_on={select_on!r} is not one of evals: '
                                   f'{list(evals)}. Pass a validation matrix in evals.')
    return evals


def scorer(predict_rows, train, evals, evaluation):
    """``evaluate(epoch)``: the RMSEs of a model's predictions, one for each matrix.

    With dense matrices the whole prediction is made at once; with CSR ones a batch of
    rows at a time, keeping only the predictions at the observed entries
    (:func:`~d2l_ext.lab.sparse.observed_predictions`). Held-out scores get
    ``evaluation``'s clip and default rating; the training score only its clip.
    """
    post = dict(clip=evaluation.clip, default_rating=evaluation.default_rating)
    names = list(evals)

    def evaluate(epoch=None):
        if is_sparse(train):
            batch = max(1, min(train.shape[0], EVAL_BATCH_ENTRIES // max(train.shape[1], 1)))
            preds = observed_predictions(predict_rows, [train, *evals.values()], batch)
        else:
            preds = [predict_rows(0, train.shape[0])] * (len(names) + 1)
        row = {'train_rmse': masked_rmse(train, preds[0], clip=evaluation.clip)}
        for name, pred in zip(names, preds[1:]):
            row[f'{name}_rmse'] = masked_rmse(evals[name], pred, train=train, **post)
        return row

    return evaluate


def train_epochs(net, step, num_examples, predict_rows, train, evals, config, evaluation):
    """The epochs of every trained fitter, through :func:`d2l_ext.training.run_epochs`.

    Each epoch visits the ``num_examples`` examples (rows for AutoRec, ratings for MF)
    once in a new random order (``config.seed``), calling ``step(index)`` per batch of
    ``config.batch_size``; ``step`` makes one step (:func:`d2l_ext.training.step_batch`)
    and returns the examples' losses. Then the model is scored with :func:`scorer`
    through ``predict_rows(begin, end)``.

    Returns
    -------
    FitResult
    """
    predict = RowPredictor(train.shape, predict_rows)
    rng = onp.random.default_rng(config.seed)
    wait = is_sparse(train)  # CSR: at most two wide batches in flight, as MXNet is async

    def train_epoch(epoch):
        losses, order = [], rng.permutation(num_examples)
        for begin in range(0, num_examples, config.batch_size):
            [l] = step(order[begin:begin + config.batch_size])
            if wait and losses:
                losses[-1].wait_to_read()
            losses.append(l.sum())
        return float(sum(losses)) / num_examples

    history = run_epochs(train_epoch, scorer(predict, train, evals, evaluation),
                         config.num_epochs, net=net, select_on=evaluation.select_on,
                         patience=evaluation.patience, restore_best=evaluation.restore_best,
                         reporter=make_reporter(evaluation.progress, config.num_epochs,
                                                evaluation.title),
                         learning_rate=config.lr)
    chosen = history.chosen_epoch
    scores = history.at(chosen or history.epoch[-1]) if len(history) else {}
    scores.pop('seconds', None)
    return FitResult(history, net, chosen, scores, predict)


def setup(net, config):
    """The one set-up of a trained model: seed, initialise ``Normal(sigma)`` on the first
    device, and a ``gluon.Trainer`` with ``config``'s optimiser, lr, wd and kvstore.

    Returns ``(device, trainer, loss)`` with ``loss = gluon.loss.L2Loss()``. Call
    :func:`seed_first` before building ``net``.
    """
    device = resolve_devices(config.devices)[0]
    net.initialize(init=mx.init.Normal(config.sigma), ctx=device, force_reinit=True)
    trainer = gluon.Trainer(net.collect_params(), config.optimizer,
                            {'learning_rate': config.lr, 'wd': config.wd},
                            kvstore=config.kvstore)
    return device, trainer, gluon.loss.L2Loss()


def seed_first(config):
    """Seed Python, NumPy and MXNet when ``config.seed`` is set (before building a net)."""
    if config.seed is not None:
        set_seed(config.seed)


def split_options(fitter, options, **fitter_fields):
    """Sort keyword options into a fitter, a :class:`FitConfig` and an :class:`EvalConfig`.

    Parameters
    ----------
    fitter : Fitter or type
        A fitter to change, or a :class:`Fitter` dataclass to build (e.g.
        ``AutoRecFitter``).
    options : dict
        Keyword arguments, each a field of the fitter, of :class:`FitConfig` or of
        :class:`EvalConfig`. ``num_hiddens`` (d2l's spelling) is read as ``num_hidden``
        with a ``DeprecationWarning``.
    **fitter_fields
        Fitter fields given separately (e.g. ``net``).

    Returns ``(fitter, FitConfig, EvalConfig)``; raises :class:`InvalidArgumentError` for
    an option that none of the three has.
    """
    options, kind = dict(options), fitter if isinstance(fitter, type) else type(fitter)
    if 'num_hiddens' in options:
        warnings.warn('num_hiddens is deprecated: the width of AutoRec is called '
                      'num_hidden, as in AutoRec(num_hidden, num_users, dropout). Pass '
                      'num_hidden=...', DeprecationWarning, stacklevel=3)
        options['num_hidden'] = options.pop('num_hiddens')
    parts, kinds = [], (kind, FitConfig, EvalConfig)
    for each in kinds:
        names = {f.name for f in dataclasses.fields(each)}
        parts.append({k: options.pop(k) for k in list(options) if k in names})
    if options:
        known = sorted(f.name for each in kinds for f in dataclasses.fields(each))
        raise InvalidArgumentError(f'Unknown option(s) {sorted(options)} for '
                                   f'{kind.__name__}; expected among {known}.')
    changes = {**parts[0], **fitter_fields}
    fitter = kind(**changes) if isinstance(fitter, type) else dataclasses.replace(fitter,
                                                                                  **changes)
    return fitter, dataclasses.replace(fitter.defaults, **parts[1]), EvalConfig(**parts[2])
