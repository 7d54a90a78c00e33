"""The AutoRec paper's evaluation protocol (Sedhain et al., WWW 2015), on top of
:mod:`d2l_ext.lab.fitting`.

The paper splits the ratings at random 90/10 into training and test sets, repeats that
five times with different seeds and reports the mean test RMSE with a 95% confidence
interval. Hidden layer 500, sigmoid encoder, identity decoder; test users or items with
no training rating get the default rating 3; predictions are clipped to [1, 5]; the
regularisation strength and the number of epochs are chosen on a validation part (10%) of
the training set, never on the test set.

Here one run on one ``(train, test)`` split does:

1. hold out ``val_ratio`` of the training ratings as a validation set;
2. train on the rest with :func:`~d2l_ext.lab.fitting.fit_autorec`, evaluating validation
   and test RMSE after every epoch (the test curve is recorded for the plot only) and
   stopping ``patience`` epochs after the best validation RMSE;
3. with ``refit=True`` (the default), train again on the whole training set for the
   number of epochs chosen in step 2 and report the test RMSE after the last of them.

The weight decay ``wd`` is chosen once, on the first split's validation set, from a small
grid. Gluon's ``wd`` is the paper's L2 strength rescaled: the masked ``L2Loss`` averages
over a row's ``cols`` entries and ``Trainer.step`` over the batch, so minimising it with
weight decay ``wd`` is minimising the paper's objective with
``lambda = 2 * wd * rows * cols`` -- except that Gluon also decays the biases, which the
paper does not regularise.

Conventions: rating frames have columns ``user_id, item_id, rating[, timestamp]`` with ids
from 1; interaction matrices are NumPy float32 with 0 = unobserved; item-based
(I-AutoRec) rows are items, shape ``(num_items, num_users)``; user-based (U-AutoRec) rows
are users, shape ``(num_users, num_items)``.
"""
import time
from dataclasses import dataclass, field

import numpy as onp
import pandas as pd
from mxnet import npx
from scipy import stats

from ..data import interaction_matrix, split_data_ml100k
from ..errors import EmptyDataError, InvalidArgumentError
from ..evaluation import masked_rmse
from ..history import History
from .baselines import fit_bias, fit_mf, global_mean
from .fitting import fit_autorec
from .sparse import storage_matrix

__all__ = ['PUBLISHED', 'BASELINES', 'POST', 'RunResult', 'ProtocolResult', 'holdout_splits',
           'mean_ci', 'paper_lambda', 'validation_split', 'evaluate_split', 'run_protocol',
           'evaluate_baseline_split', 'run_baseline_protocol']

#: The paper's post-processing of every held-out prediction: clip to [1, 5], predict the
#: default rating 3 for test users or items without a training rating.
POST = dict(clip=(1, 5), default_rating=3)

#: The baselines :func:`run_baseline_protocol` runs over the same splits as AutoRec:
#: method key -> name in the result tables.
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


@dataclass
class RunResult:
    """One run of the protocol on one ``(train, test)`` split.

    Attributes
    ----------
    split : str
        The split's name (``'seed=3'``, ``'u2'``...).
    wd : float
        Weight decay used.
    best_epoch : int
        Epoch with the lowest validation RMSE.
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
        for the baselines without epochs (global mean, biases).
    params : dict
        Other hyperparameters used (the biases' ``reg_item``, ``reg_user``), else empty.
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

    :func:`evaluate_split` and :func:`evaluate_baseline_split` both hold out this part, so
    AutoRec and the baselines choose their hyperparameters on the same ratings.

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
                   wd=1e-5, num_epochs=150, patience=20, val_ratio=0.1, seed=0, refit=True,
                   progress='bar', label='', **hyper):
    """Run the protocol on one split: choose the epoch on validation data, report test RMSE.

    Parameters
    ----------
    train_data, test_data : pandas.DataFrame
        Ratings (ids from 1).
    num_users, num_items : int
    variant : {'item', 'user'}
        I-AutoRec or U-AutoRec.
    wd : float
        Gluon weight decay (see :func:`paper_lambda`).
    num_epochs : int
        Most epochs of the selection fit.
    patience : int or None
        Stop the selection fit after this many epochs without a better validation RMSE.
    val_ratio : float, default 0.1
        Share of the training ratings held out for validation (the paper's 10%).
    seed : int
        Seeds the validation split and both fits.
    refit : bool, default True
        Retrain on the whole training set for ``best_epoch`` epochs and report that
        model's test RMSE.
    progress : {'bar', 'auto', 'figure'} or None, default 'bar'
        How each fit shows its progress (see :func:`d2l_ext.plotting.make_reporter`): by
        default one progress bar for the selection fit, then one for the refit.
    label : str, optional
        Names the run in the progress bars (e.g. the split).
    **hyper
        Passed to :func:`~d2l_ext.lab.fitting.fit_autorec` (``num_hiddens``, ``lr``,
        ``dropout``, ``batch_size``, ``devices``...).

    Returns
    -------
    RunResult

    Notes
    -----
    Calls ``npx.set_np()`` (MXNet's NumPy mode, which :class:`~d2l_ext.AutoRec` needs).
    """
    start = time.perf_counter()
    npx.set_np()
    fit_part, val_part = validation_split(train_data, num_users, num_items, val_ratio, seed)
    matrices = {name: storage_matrix(frame, num_users, num_items, variant,
                                     hyper.get('storage', 'auto'))
                for name, frame in [('fit', fit_part), ('val', val_part),
                                    ('train', train_data), ('test', test_data)]}
    selection = fit_autorec(matrices['fit'], {'val': matrices['val'], 'test': matrices['test']},
                            wd=wd, num_epochs=num_epochs, seed=seed, select_on='val',
                            patience=patience, progress=progress,
                            title=f'{label} select'.strip(), **POST, **hyper)
    best = selection.best_epoch
    test_selected = selection.best('test_rmse')
    test_rmse = test_selected
    if refit:
        final = fit_autorec(matrices['train'], {'test': matrices['test']}, wd=wd,
                            num_epochs=best, seed=seed, progress=progress,
                            title=f'{label} refit'.strip(), **POST, **hyper)
        test_rmse = final.history.test_rmse[-1]
    return RunResult(split='', wd=wd, best_epoch=int(best),
                     val_rmse=selection.best('val_rmse'), test_rmse=test_rmse,
                     test_rmse_selected=test_selected,
                     seconds=time.perf_counter() - start, history=selection.history)


@dataclass
class ProtocolResult:
    """What :func:`run_protocol` returns.

    Attributes
    ----------
    runs : pandas.DataFrame
        One row per split: ``split, wd, best_epoch, val_rmse, test_rmse,
        test_rmse_selected, seconds``.
    histories : dict of str to History
        The selection fit's per-epoch history of each split.
    grid : pandas.DataFrame
        The search on the first split: ``wd, lambda, best_epoch, val_rmse`` for AutoRec,
        ``wd, best_epoch, val_rmse`` for MF, ``reg_item, reg_user, val_rmse`` for the
        biases, empty for the global mean.
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

    def summary(self, **labels):
        """One row: ``labels`` then ``runs, mean_rmse, ci95, std_rmse, min_rmse, max_rmse,
        mean_rmse_selected, ci95_selected, wd, mean_best_epoch, seconds``."""
        mean, ci = mean_ci(self.runs.test_rmse)
        mean_sel, ci_sel = mean_ci(self.runs.test_rmse_selected)
        rmse = self.runs.test_rmse
        chosen = ', '.join(f'{k}={v:g}' for k, v in self.params.items())
        if self.wd == self.wd:  # not NaN
            chosen = ', '.join(filter(None, [f'wd={self.wd:g}', chosen]))
        return {**labels, 'runs': len(self.runs), 'mean_rmse': mean, 'ci95': ci,
                'std_rmse': float(rmse.std(ddof=1)) if len(rmse) > 1 else float('nan'),
                'min_rmse': float(rmse.min()), 'max_rmse': float(rmse.max()),
                'mean_rmse_selected': mean_sel, 'ci95_selected': ci_sel, 'wd': self.wd,
                'mean_best_epoch': float(self.runs.best_epoch.mean()),
                'seconds': float(self.runs.seconds.sum() + self.grid_seconds),
                'chosen': chosen or '-'}

    grid_seconds: float = 0.0
    params: dict = field(default_factory=dict)


def run_protocol(splits, num_users, num_items, variant='item', *, wd_grid=(1e-5,),
                 num_epochs=150, patience=20, val_ratio=0.1, seed=0, refit=True,
                 progress='bar', **hyper):
    """Run the paper's protocol over several splits.

    The weight decay is chosen on the first split's validation set from ``wd_grid``
    (lowest validation RMSE at its best epoch); every split is then evaluated with it by
    :func:`evaluate_split`. The test set is never used to choose anything.

    Parameters
    ----------
    splits : list of (str, pandas.DataFrame, pandas.DataFrame)
        ``(name, train_data, test_data)``, e.g. from :func:`holdout_splits` or
        :func:`d2l_ext.datasets.movielens.canonical_splits_ml100k`.
    num_users, num_items : int
    variant : {'item', 'user'}
    wd_grid : sequence of float
        Weight decays tried on the first split.
    num_epochs, patience, val_ratio, refit, **hyper
        See :func:`evaluate_split`.
    seed : int
        Split ``k`` (from 0) is evaluated with seed ``seed + k``.
    progress : {'bar', 'auto', 'figure'} or None, default 'bar'
        How each fit shows its progress; the bars are labelled with the split and the
        weight decay (see :func:`evaluate_split`).

    Returns
    -------
    ProtocolResult
    """
    if not splits:
        raise InvalidArgumentError('run_protocol needs at least one (name, train, test) split.')
    name0, train0, test0 = splits[0]
    rows = num_items if variant == 'item' else num_users
    cols = num_users if variant == 'item' else num_items
    tried, grid_rows = {}, []
    for wd in wd_grid:
        result = evaluate_split(train0, test0, num_users, num_items, variant, wd=wd,
                                num_epochs=num_epochs, patience=patience,
                                val_ratio=val_ratio, seed=seed, refit=refit,
                                progress=progress, label=f'{name0} wd={wd:g}', **hyper)
        result.split = name0
        tried[wd] = result
        grid_rows.append({'wd': wd, 'lambda': paper_lambda(wd, rows, cols),
                          'best_epoch': result.best_epoch, 'val_rmse': result.val_rmse})
    grid = pd.DataFrame(grid_rows)
    best_wd = float(grid.loc[grid.val_rmse.idxmin(), 'wd'])
    grid_seconds = sum(r.seconds for w, r in tried.items() if w != best_wd)
    results = [tried[best_wd]]
    for k, (name, train, test) in enumerate(splits[1:], start=1):
        result = evaluate_split(train, test, num_users, num_items, variant, wd=best_wd,
                                num_epochs=num_epochs, patience=patience,
                                val_ratio=val_ratio, seed=seed + k, refit=refit,
                                progress=progress, label=f'{name} wd={best_wd:g}', **hyper)
        result.split = name
        results.append(result)
    return ProtocolResult(runs=_runs_frame(results),
                          histories={r.split: r.history for r in results},
                          grid=grid, wd=best_wd, grid_seconds=grid_seconds)


def _runs_frame(results):
    """One row per :class:`RunResult`: its numbers, then its chosen ``params``."""
    return pd.DataFrame([{**{k: getattr(r, k) for k in
                             ('split', 'wd', 'best_epoch', 'val_rmse', 'test_rmse',
                              'test_rmse_selected', 'seconds')}, **r.params} for r in results])


def _check_method(method):
    if method not in BASELINES:
        raise InvalidArgumentError(f'method must be one of {list(BASELINES)}; found '
                                   f'{method!r}. AutoRec itself runs with run_protocol.')


def evaluate_baseline_split(train_data, test_data, num_users, num_items, method, *,
                            wd=1e-5, reg_item=2.0, reg_user=5.0, num_epochs=150,
                            patience=20, val_ratio=0.1, seed=0, refit=True, progress='bar',
                            label='', **hyper):
    """Run a baseline through the protocol on one split, exactly as :func:`evaluate_split`
    runs AutoRec.

    The same validation part (:func:`validation_split` with the same ``seed``), the same
    item-based ``(num_items, num_users)`` matrices, the same :func:`~d2l_ext.masked_rmse`
    with the paper's post-processing (:data:`POST`: clip to [1, 5], default rating 3), and
    the same refit on the whole training set, so the test RMSEs compare like for like.

    Parameters
    ----------
    train_data, test_data : pandas.DataFrame
        Ratings (ids from 1).
    num_users, num_items : int
    method : {'mean', 'bias', 'mf'}
        :func:`~d2l_ext.lab.baselines.global_mean`, :func:`~d2l_ext.lab.baselines.fit_bias`
        or :func:`~d2l_ext.lab.baselines.fit_mf`.
    wd : float, default 1e-5
        MF's weight decay.
    reg_item, reg_user : float
        The biases' shrinkage.
    num_epochs, patience : int
        MF: the selection fit's most epochs, and early stopping on validation RMSE.
    val_ratio, seed, refit, progress, label
        As in :func:`evaluate_split`. Without epochs (mean, biases) ``refit`` fits the
        same model on the whole training set.
    **hyper
        Passed to :func:`~d2l_ext.lab.baselines.fit_mf` (``num_factors``, ``lr``...).

    Returns
    -------
    RunResult
        ``best_epoch`` is 0 and ``history`` empty for the mean and the biases.
    """
    _check_method(method)
    start = time.perf_counter()
    npx.set_np()
    fit_part, val_part = validation_split(train_data, num_users, num_items, val_ratio, seed)
    m = {name: interaction_matrix(frame, num_users, num_items, 'item')
         for name, frame in [('fit', fit_part), ('val', val_part), ('train', train_data),
                             ('test', test_data)]}
    params, history, best = {}, History(), 0
    if method == 'mf':
        selection = fit_mf(m['fit'], {'val': m['val'], 'test': m['test']}, wd=wd,
                           num_epochs=num_epochs, seed=seed, select_on='val',
                           patience=patience, progress=progress,
                           title=f'{label} select'.strip(), **POST, **hyper)
        best, history = selection.best_epoch, selection.history
        val_rmse, test_selected = selection.best('val_rmse'), selection.best('test_rmse')
        test_rmse = test_selected
        if refit:
            final = fit_mf(m['train'], {'test': m['test']}, wd=wd, num_epochs=best,
                           seed=seed, progress=progress, title=f'{label} refit'.strip(),
                           **POST, **hyper)
            test_rmse = final.history.test_rmse[-1]
    else:
        if method == 'mean':
            def predict(train):
                return onp.full(train.shape, global_mean(train), onp.float32)
            wd = float('nan')
        else:
            def predict(train):
                return fit_bias(train, reg_item, reg_user).predict()
            params, wd = {'reg_item': reg_item, 'reg_user': reg_user}, float('nan')

        def score(train, held_out):
            return masked_rmse(held_out, predict(train), train=train, **POST)

        val_rmse, test_selected = score(m['fit'], m['val']), score(m['fit'], m['test'])
        test_rmse = score(m['train'], m['test']) if refit else test_selected
    return RunResult(split='', wd=wd, best_epoch=int(best), val_rmse=float(val_rmse),
                     test_rmse=float(test_rmse), test_rmse_selected=float(test_selected),
                     seconds=time.perf_counter() - start, history=history, params=params)


def _bias_grid(train_data, num_users, num_items, reg_grid, val_ratio, seed):
    """Validation RMSE of every ``(reg_item, reg_user)`` of the grid on one split."""
    fit_part, val_part = validation_split(train_data, num_users, num_items, val_ratio, seed)
    fit_mat = interaction_matrix(fit_part, num_users, num_items, 'item')
    val_mat = interaction_matrix(val_part, num_users, num_items, 'item')
    return pd.DataFrame([{'reg_item': ri, 'reg_user': ru,
                          'val_rmse': masked_rmse(val_mat, fit_bias(fit_mat, ri, ru).predict(),
                                                  train=fit_mat, **POST)}
                         for ri in reg_grid for ru in reg_grid])


def run_baseline_protocol(splits, num_users, num_items, method, *,
                          wd_grid=(1e-5, 3e-5, 1e-4), reg_grid=(0, 1, 2, 5, 10, 25),
                          num_epochs=150, patience=20, val_ratio=0.1, seed=0, refit=True,
                          progress='bar', **hyper):
    """Run a baseline over the same splits as :func:`run_protocol` runs AutoRec.

    Hyperparameters are chosen as AutoRec's are: on the first split's validation part
    (:func:`validation_split`), never on a test set: MF's weight decay from ``wd_grid``
    (each with early stopping; MF's number of epochs is then chosen on every split's own
    validation part, as AutoRec's is), the biases' ``reg_item`` and ``reg_user`` from
    ``reg_grid`` x ``reg_grid``. Split ``k`` (from 0) is evaluated with seed ``seed + k``,
    so run ``k`` holds out the same validation ratings as AutoRec's run ``k``.

    Parameters
    ----------
    splits : list of (str, pandas.DataFrame, pandas.DataFrame)
        ``(name, train_data, test_data)``, e.g. from :func:`holdout_splits` or
        :func:`d2l_ext.datasets.movielens.canonical_splits_ml100k`.
    num_users, num_items : int
    method : {'mean', 'bias', 'mf'}
    wd_grid : sequence of float
        MF's weight decays tried on the first split.
    reg_grid : sequence of float
        The biases' shrinkage values tried on the first split (for items and users).
    num_epochs, patience, val_ratio, refit, progress, **hyper
        See :func:`evaluate_baseline_split`.
    seed : int

    Returns
    -------
    ProtocolResult
        ``histories`` holds MF's selection fits (empty for the mean and the biases).
    """
    _check_method(method)
    if not splits:
        raise InvalidArgumentError('run_baseline_protocol needs at least one '
                                   '(name, train, test) split.')
    name0, train0, test0 = splits[0]
    options = dict(num_epochs=num_epochs, patience=patience, val_ratio=val_ratio,
                   refit=refit, progress=progress, **hyper)
    chosen, first, grid, grid_seconds = {}, None, pd.DataFrame(), 0.0
    if method == 'mf':
        tried = {}
        for wd in wd_grid:
            tried[wd] = evaluate_baseline_split(train0, test0, num_users, num_items, 'mf',
                                                wd=wd, seed=seed, label=f'{name0} wd={wd:g}',
                                                **options)
        grid = pd.DataFrame([{'wd': wd, 'best_epoch': r.best_epoch, 'val_rmse': r.val_rmse}
                             for wd, r in tried.items()])
        chosen['wd'] = float(grid.loc[grid.val_rmse.idxmin(), 'wd'])
        first = tried[chosen['wd']]
        grid_seconds = sum(r.seconds for w, r in tried.items() if w != chosen['wd'])
    elif method == 'bias':
        start = time.perf_counter()
        grid = _bias_grid(train0, num_users, num_items, reg_grid, val_ratio, seed)
        best = grid.loc[grid.val_rmse.idxmin()]
        chosen.update(reg_item=float(best.reg_item), reg_user=float(best.reg_user))
        grid_seconds = time.perf_counter() - start
    results = []
    for k, (name, train, test) in enumerate(splits):
        if k == 0 and first is not None:
            result = first
        else:
            result = evaluate_baseline_split(train, test, num_users, num_items, method,
                                             seed=seed + k, label=name, **chosen, **options)
        result.split = name
        results.append(result)
    runs = _runs_frame(results)
    params = {k: v for k, v in chosen.items() if k != 'wd'}
    histories = {r.split: r.history for r in results if len(r.history)}
    return ProtocolResult(runs=runs, histories=histories, grid=grid,
                          wd=chosen.get('wd', float('nan')), grid_seconds=grid_seconds,
                          params=params)
