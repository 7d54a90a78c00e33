"""The AutoRec paper's evaluation protocol (Sedhain et al., WWW 2015), for any fitter of
:mod:`d2l_ext.lab.fitter`.

The paper splits the ratings at random 90/10 into training and test sets, repeats that
five times with different seeds and reports the mean test RMSE with a 95% confidence
interval. Hidden layer 500, sigmoid encoder, identity decoder; test users or items with
no training rating get the default rating 3; predictions are clipped to [1, 5]; the
regularisation strength and the number of epochs are chosen on a validation part (10%) of
the training set, never on the test set.

Here one run on one ``(train, test)`` split does:

1. hold out ``val_ratio`` of the training ratings as a validation set;
2. train on the rest with the run's fitter (AutoRec by default; the baselines of
   :mod:`d2l_ext.lab.baselines` run through the very same steps), evaluating validation
   and test RMSE after every epoch (the test curve is recorded for the plot only) and
   stopping ``patience`` epochs after the best validation RMSE;
3. with ``refit=True`` (the default), train again on the whole training set for the
   number of epochs chosen in step 2 and report the test RMSE after the last of them.

Hyperparameters (AutoRec's and MF's weight decay ``wd``, the biases' ``reg_item`` and
``reg_user``) are chosen once, on the first split's validation set, from a small grid.
Gluon's ``wd`` is the paper's L2 strength rescaled: minimising the masked ``L2Loss`` with
weight decay ``wd`` is minimising the paper's objective with
``lambda = 2 * wd * rows * cols``, except that Gluon also decays the biases.

Conventions: rating frames have columns ``user_id, item_id, rating[, timestamp]`` with ids
from 1; interaction matrices have 0 = unobserved; item-based rows are items, shape
``(num_items, num_users)``; user-based rows are users.
"""
import dataclasses
import math
import time
from dataclasses import dataclass, field

import numpy as onp
import pandas as pd
from mxnet import npx
from scipy import stats

from ..data import interaction_matrix, split_data_ml100k
from ..errors import EmptyDataError, InvalidArgumentError
from ..history import History
from .fitter import split_options
from .fitting import AutoRecFitter

__all__ = ['PUBLISHED', 'BASELINES', 'POST', 'RunResult', 'ProtocolResult', 'holdout_splits',
           'mean_ci', 'paper_lambda', 'validation_split', 'evaluate_split', 'run_protocol']

#: The paper's post-processing of every held-out prediction: clip to [1, 5], predict the
#: default rating 3 for test users or items without a training rating.
POST = dict(clip=(1, 5), default_rating=3)

#: The baselines :func:`run_protocol` runs over the same splits as AutoRec (with
#: ``fitter=``): method key -> name in the result tables.
BASELINES = {'mean': 'global mean', 'bias': 'user/item biases', 'mf': 'MF (d2l)'}

#: Published test RMSEs, printed beside ours: (dataset, protocol, method) -> (rmse, source).
#: Surprise's numbers are its README's benchmark (default parameters, 5-fold
#: cross-validation with its own random folds, not u1..u5); GLocal-K's is on u1.base/u1.test.
_PAPER = 'AutoRec paper (Sedhain et al. 2015), Table 1'
_SURPRISE = 'Surprise README benchmark'
_GLOCAL = 'GLocal-K README (Han et al., CIKM 2021)'


def _surprise(dataset, rmse):
    """Surprise's rows for one data set (``{method: rmse}``), in the order given."""
    return {(dataset, 'random 5-fold', f'{name} (Surprise)'): (value, _SURPRISE)
            for name, value in rmse.items()}


PUBLISHED = {
    ('ml-1m', 'random 90/10 x5', 'I-AutoRec'): (0.831, _PAPER),
    ('ml-1m', 'random 90/10 x5', 'U-AutoRec'): (0.874, _PAPER),
    ('ml-10m', 'random 90/10 x5', 'I-AutoRec'): (0.782, _PAPER),
    ('netflix', 'random 90/10 x5', 'I-AutoRec'): (0.823, _PAPER),
    **_surprise('ml-1m', {'SVD': 0.873, 'SVD++': 0.862, 'k-NN Baseline': 0.895,
                          'BaselineOnly': 0.909}),
    ('ml-1m', 'its own 90/10 split', 'GLocal-K'): (0.823, _GLOCAL),
    ('ml-100k', 'random 90/10', 'I-AutoRec, book setting (25 epochs)'):
        (0.901, 'd2l chapter code, 20 seeds measured here: 0.901 +- 0.006'),
    ('ml-100k', 'random 90/10', 'U-AutoRec, book setting (25 epochs)'):
        (1.00, 'd2l chapter code, user-based, measured here: ~1.00'),
    **_surprise('ml-100k', {'SVD': 0.934, 'SVD++': 0.920, 'k-NN Baseline': 0.931,
                            'NMF': 0.963, 'BaselineOnly': 0.944}),
    ('ml-100k', 'u1 only', 'GLocal-K'): (0.889, f'{_GLOCAL}: 0.8889'),
}


def paper_lambda(wd, rows, cols):
    """The paper's L2 strength equivalent to Gluon's ``wd`` on a ``(rows, cols)`` matrix.

    Returns ``2 * wd * rows * cols`` (for the weights; Gluon also decays the biases).
    """
    return 2 * wd * rows * cols


def holdout_splits(data, num_users, num_items, runs=5, test_ratio=0.1, seed=0):
    """The paper's random splits: ``runs`` independent 90/10 splits of the ratings.

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings (``user_id, item_id, rating, ...``; ids from 1).
    num_users, num_items : int
    runs : int, default 5
    test_ratio : float, default 0.1
    seed : int, default 0
        Split ``k`` (from 0) uses seed ``seed + k``.

    Returns
    -------
    list of (str, pandas.DataFrame, pandas.DataFrame)
        ``(name, train_data, test_data)`` per run, names ``'seed=<s>'``.
    """
    splits = []
    for k in range(runs):
        train, test = split_data_ml100k(data, num_users, num_items, 'random', test_ratio,
                                        seed=seed + k)
        splits.append((f'seed={seed + k}', train, test))
    return splits


def mean_ci(values, confidence=0.95):
    """Mean and half-width of its ``confidence`` interval (Student's t, ``n - 1`` dof).

    Returns
    -------
    (float, float)
        The half-width is NaN for fewer than two values.
    """
    values = onp.asarray(values, dtype=float)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, float('nan')
    sem = values.std(ddof=1) / onp.sqrt(len(values))
    return mean, float(stats.t.ppf(0.5 + confidence / 2, len(values) - 1) * sem)


@dataclass(frozen=True)
class RunResult:
    """One run of the protocol on one ``(train, test)`` split (immutable).

    Attributes
    ----------
    split : str
        The split's name (``'seed=3'``, ``'u2'``...).
    wd : float
        Weight decay used (NaN for a model without epochs: global mean, biases).
    best_epoch : int
        Epoch with the lowest validation RMSE (0 for a model without epochs).
    val_rmse : float
        That validation RMSE.
    test_rmse : float
        The reported test RMSE: after refitting on the whole training set for
        ``best_epoch`` epochs, or (``refit=False``) of the validation-selected model.
    test_rmse_selected : float
        Test RMSE of the model trained without the validation part, at ``best_epoch``.
    seconds : float
        Wall time of the run (both fits).
    history : History
        Per epoch of the selection fit: ``train_loss, train_rmse, val_rmse, test_rmse,
        seconds`` (the test column is recorded for plotting, never used to choose); empty
        for a model without epochs.
    params : dict
        Other hyperparameters chosen by :func:`run_protocol`'s grid (the biases'
        ``reg_item``, ``reg_user``), else empty.
    """

    split: str
    wd: float
    best_epoch: int
    val_rmse: float
    test_rmse: float
    test_rmse_selected: float
    seconds: float
    history: History = field(repr=False)
    params: dict = field(default_factory=dict)


def validation_split(train_data, num_users, num_items, val_ratio=0.1, seed=0):
    """The protocol's validation split of one run's training ratings.

    :func:`evaluate_split` holds out this part for every fitter, so AutoRec and the
    baselines choose their hyperparameters on the same ratings.

    Parameters
    ----------
    train_data : pandas.DataFrame
        The run's training ratings (ids from 1).
    num_users, num_items : int
    val_ratio : float, default 0.1
    seed : int, default 0
        The run's seed; the split is drawn with ``seed + 10_000``.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``(fit_part, val_part)``.

    Raises
    ------
    EmptyDataError
        One of the two parts is empty.
    """
    fit_part, val_part = split_data_ml100k(train_data, num_users, num_items, 'random',
                                           val_ratio, seed=seed + 10_000)
    if len(val_part) == 0 or len(fit_part) == 0:
        raise EmptyDataError(f'The validation split of {len(train_data)} training ratings with '
                             f'val_ratio={val_ratio} left {len(fit_part)} to train on and '
                             f'{len(val_part)} to validate: use more data or another ratio.')
    return fit_part, val_part


def evaluate_split(train_data, test_data, num_users, num_items, variant='item', *,
                   fitter=None, name='', val_ratio=0.1, seed=0, refit=True, **options):
    """Run the protocol on one split with any fitter: choose the epoch on validation data,
    report the test RMSE. Calls ``npx.set_np()`` (MXNet's NumPy mode, for AutoRec).

    Parameters
    ----------
    train_data, test_data : pandas.DataFrame
        Ratings (ids from 1).
    num_users, num_items : int
    variant : {'item', 'user'}
        Item-based (rows = items) or user-based matrices: I-AutoRec or U-AutoRec.
    fitter : Fitter, optional
        ``AutoRecFitter()`` by default, or a baseline of :mod:`d2l_ext.lab.baselines`
        (``MeanFitter()``, ``BiasFitter(reg_item=2, reg_user=5)``, ``MFFitter()``).
    name : str, optional
        The split's name, kept in the result and shown in the progress bars.
    val_ratio : float, default 0.1
        Share of the training ratings held out for validation (the paper's 10%).
    seed : int
        Seeds the validation split and both fits.
    refit : bool, default True
        Retrain on the whole training set (for ``best_epoch`` epochs) and report that
        model's test RMSE.
    **options
        Fields of the fitter (``num_hidden``...), of
        :class:`~d2l_ext.lab.fitting.FitConfig` (``wd``, ``lr``, ``num_epochs``,
        ``storage``, ``devices``...) and of :class:`~d2l_ext.lab.fitting.EvalConfig`
        (``patience``, ``progress``). The protocol's defaults: ``num_epochs=150``,
        ``patience=20``, ``progress='bar'``; clip and default rating are :data:`POST`.

    Returns
    -------
    RunResult
    """
    start = time.perf_counter()
    npx.set_np()
    options = {'num_epochs': 150, 'patience': 20, 'progress': 'bar', **options, 'seed': seed}
    fitter, config, evaluation = split_options(fitter or AutoRecFitter(), options)
    evaluation = dataclasses.replace(evaluation, select_on='val', **POST)
    fit_part, val_part = validation_split(train_data, num_users, num_items, val_ratio, seed)
    m = {part: interaction_matrix(frame, num_users, num_items, variant, config.storage)
         for part, frame in [('fit', fit_part), ('val', val_part), ('train', train_data),
                             ('test', test_data)]}
    selection = fitter.fit(m['fit'], {'val': m['val'], 'test': m['test']}, config,
                           dataclasses.replace(evaluation, title=f'{name} select'.strip()))
    best = selection.best_epoch or 0
    test_rmse = test_selected = selection.best('test_rmse')
    if refit:
        again = config if not fitter.has_epochs else dataclasses.replace(config,
                                                                          num_epochs=best)
        final = fitter.fit(m['train'], {'test': m['test']}, again,
                           dataclasses.replace(evaluation, select_on=None, patience=None,
                                               title=f'{name} refit'.strip()))
        test_rmse = final.best('test_rmse')
    return RunResult(split=name, wd=config.wd if fitter.has_epochs else math.nan,
                     best_epoch=int(best), val_rmse=float(selection.best('val_rmse')),
                     test_rmse=float(test_rmse), test_rmse_selected=float(test_selected),
                     seconds=time.perf_counter() - start, history=selection.history)


@dataclass(frozen=True)
class ProtocolResult:
    """What :func:`run_protocol` returns (immutable).

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per split: ``split, wd, best_epoch, val_rmse, test_rmse,
        test_rmse_selected, seconds`` and the chosen ``params``.
    histories : dict of str to History
        The selection fit's per-epoch history of each split (none for a model without
        epochs).
    grid : pandas.DataFrame
        The search on the first split: one row per grid point, its values then
        ``best_epoch, val_rmse`` (AutoRec also ``lambda``, see :func:`paper_lambda`);
        empty without a grid.
    wd : float
        The chosen weight decay (NaN for the global mean and the biases).
    grid_seconds : float
        Time of the search's fits that were not reused as the first run.
    params : dict
        Other chosen hyperparameters (the biases' ``reg_item``, ``reg_user``).
    """

    runs: pd.DataFrame
    histories: dict
    grid: pd.DataFrame
    wd: float
    grid_seconds: float = 0.0
    params: dict = field(default_factory=dict)

    def summary(self, **labels):
        """One row: ``labels`` then ``runs, mean_rmse, ci95, std_rmse, min_rmse, max_rmse,
        mean_rmse_selected, ci95_selected, wd, mean_best_epoch, seconds, chosen``."""
        mean, ci = mean_ci(self.runs.test_rmse)
        mean_sel, ci_sel = mean_ci(self.runs.test_rmse_selected)
        rmse = self.runs.test_rmse
        chosen = [f'{k}={v:g}' for k, v in self.params.items()]
        if not math.isnan(self.wd):
            chosen.insert(0, f'wd={self.wd:g}')
        return {**labels, 'runs': len(self.runs), 'mean_rmse': mean, 'ci95': ci,
                'std_rmse': float(rmse.std(ddof=1)) if len(rmse) > 1 else float('nan'),
                'min_rmse': float(rmse.min()), 'max_rmse': float(rmse.max()),
                'mean_rmse_selected': mean_sel, 'ci95_selected': ci_sel, 'wd': self.wd,
                'mean_best_epoch': float(self.runs.best_epoch.mean()),
                'seconds': float(self.runs.seconds.sum() + self.grid_seconds),
                'chosen': ', '.join(chosen) or '-'}


def run_protocol(splits, num_users, num_items, variant='item', *, fitter=None, grid=None,
                 val_ratio=0.1, seed=0, refit=True, **options):
    """Run the paper's protocol over several splits, with any fitter.

    The hyperparameters of ``grid`` are chosen on the first split's validation set
    (lowest validation RMSE at its best epoch); every split is then evaluated with them by
    :func:`evaluate_split` (the first split's run is reused). The test set is never used
    to choose anything. Split ``k`` (from 0) is evaluated with seed ``seed + k``, so every
    fitter's run ``k`` holds out the same validation ratings.

    Parameters
    ----------
    splits : list of (str, pandas.DataFrame, pandas.DataFrame)
        ``(name, train_data, test_data)``, e.g. from :func:`holdout_splits` or
        :func:`d2l_ext.datasets.movielens.canonical_splits_ml100k`.
    num_users, num_items : int
    variant : {'item', 'user'}
    fitter : Fitter, optional
        AutoRec by default; e.g. ``MFFitter()``, ``BiasFitter()``, ``MeanFitter()``.
    grid : sequence of dict, optional
        The points tried on the first split, each a dict of options, e.g.
        ``[{'wd': 1e-5}, {'wd': 1e-4}]`` or ``[{'reg_item': 2, 'reg_user': 5}, ...]``.
        ``wd_grid=(...)`` in ``options`` is short for ``[{'wd': w} for w in wd_grid]``.
    val_ratio, refit, **options
        See :func:`evaluate_split`.
    seed : int

    Returns
    -------
    ProtocolResult
    """
    if not splits:
        raise InvalidArgumentError('run_protocol needs at least one (name, train, test) split,'
                                   ' e.g. holdout_splits(data, num_users, num_items).')
    grid = [{'wd': wd} for wd in options.pop('wd_grid')] if 'wd_grid' in options else grid
    grid = [dict(point) for point in (grid or [{}])]
    common = dict(fitter=fitter, val_ratio=val_ratio, refit=refit, **options)
    (name0, train0, test0), tried = splits[0], []
    for point in grid:
        tried.append(evaluate_split(train0, test0, num_users, num_items, variant,
                                    name=' '.join([name0, *_labels(point)]), seed=seed,
                                    **{**common, **point}))
    best = int(onp.argmin([r.val_rmse for r in tried]))
    chosen = {k: v for k, v in grid[best].items() if k != 'wd'}
    results = [dataclasses.replace(tried[best], split=name0, params=chosen)]
    for k, (name, train, test) in enumerate(splits[1:], start=1):
        result = evaluate_split(train, test, num_users, num_items, variant,
                                name=' '.join([name, *_labels(grid[best])]),
                                seed=seed + k, **{**common, **grid[best]})
        results.append(dataclasses.replace(result, split=name, params=chosen))
    return ProtocolResult(
        runs=pd.DataFrame([{**{k: getattr(r, k) for k in
                               ('split', 'wd', 'best_epoch', 'val_rmse', 'test_rmse',
                                'test_rmse_selected', 'seconds')}, **r.params}
                           for r in results]),
        histories={r.split: r.history for r in results if len(r.history)},
        grid=_grid_frame(grid, tried, fitter, variant, num_users, num_items),
        wd=results[0].wd, params=chosen,
        grid_seconds=sum(r.seconds for k, r in enumerate(tried) if k != best))


def _labels(point):  # how a grid point names its fits: ['wd=1e-05']
    return [f'{k}={v:g}' for k, v in point.items()]


def _grid_frame(grid, tried, fitter, variant, num_users, num_items):
    """The grid search's table: each point's values, AutoRec's ``lambda``, then the best
    epoch and validation RMSE; empty without a grid."""
    if not any(grid):
        return pd.DataFrame()
    rows, cols = (num_items, num_users) if variant == 'item' else (num_users, num_items)
    autorec = fitter is None or isinstance(fitter, AutoRecFitter)
    return pd.DataFrame([{**point, **({'lambda': paper_lambda(point['wd'], rows, cols)}
                                      if autorec and 'wd' in point else {}),
                          'best_epoch': r.best_epoch, 'val_rmse': r.val_rmse}
                         for point, r in zip(grid, tried)])
