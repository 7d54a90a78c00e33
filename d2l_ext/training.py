"""Training: the one epoch loop of the package, and d2l's ``train_recsys_rating`` on it.

:func:`run_epochs` is the loop every training run goes through, the chapter's and the
lab's alike. Each epoch it trains (a callable), evaluates (a callable), records a row of
the :class:`~d2l_ext.History`, and shows it (a live figure in a notebook, a progress bar
in a terminal). It stops on divergence (NaN or inf), on an interrupt (Ctrl-C, the
notebook's stop button) and, when asked, early (``patience`` epochs without a better
validation RMSE), and always returns the completed epochs.

:func:`train_recsys_rating` is d2l's function with d2l's arguments: it builds the epoch
and the evaluation of the chapter's code and hands them to :func:`run_epochs`.
"""
import math
import time
import warnings

import numpy as onp
from mxnet import autograd, base

from .devices import resolve_devices, split_and_load
from .errors import EmptyDataError, ShapeMismatchError
from .evaluation import evaluator as autorec_evaluator
from .evaluation import shape_error
from .history import LABELS, History
from .matrices import check_ratings
from .plotting import make_reporter

__all__ = ['EarlyStopping', 'run_epochs', 'step_batch', 'train_recsys_rating']


class EarlyStopping:
    """The rule that stops a run that no longer improves, on :meth:`History.best_epoch`.

    The best epoch is :meth:`d2l_ext.History.best_epoch` of the selection column (the
    first of equal lowest finite values); the run stops ``patience`` epochs after it.

    Parameters
    ----------
    patience : int, optional
        Stop after this many epochs without a new best score; ``None`` never stops.
    """

    def __init__(self, patience=None):
        self.patience = patience

    def check(self, history, column):
        """After an epoch: ``(is_new_best, should_stop)`` for ``history``'s last epoch."""
        epoch, best = history.epoch[-1], history.best_epoch(column)
        stop = (self.patience is not None and best is not None
                and epoch - best >= self.patience)
        return best == epoch, stop

    @classmethod
    def replay(cls, scores, patience):
        """The epoch at which a run with these per-epoch scores would stop (the last epoch
        if it would not), and the best epoch; epochs count from 1."""
        rule, history = cls(patience), History()
        for epoch, score in enumerate(scores, start=1):
            history.append(epoch, val_rmse=score)
            if rule.check(history, 'val_rmse')[1]:
                break
        return len(history), history.best_epoch('val_rmse')


def step_batch(net, loss, trainer, parts, batch_size):
    """One optimisation step: the batch loop's body, shared by every trainer here.

    Parameters
    ----------
    net, loss, trainer
        The Block, the per-example loss and the ``gluon.Trainer``.
    parts : list of tuple
        One ``(features..., label)`` tuple per device; the loss is
        ``loss(net(*features), label)`` (AutoRec: ``(X, X)``; MF: ``(users, items,
        ratings)``).
    batch_size : int
        Examples in the whole batch; ``trainer.step`` normalises by it.

    Returns
    -------
    list of mxnet.numpy.ndarray
        The per-example losses of each part, still on their devices.
    """
    with autograd.record():
        preds = [net(*part[:-1]) for part in parts]
        losses = [loss(p, part[-1]) for p, part in zip(preds, parts)]
    for l in losses:
        l.backward()
    trainer.step(batch_size)
    return losses


def run_epochs(train_epoch, evaluate, num_epochs, *, net=None, select_on=None,
               patience=None, restore_best=False, reporter=None, learning_rate=None):
    """The epoch loop: train, evaluate, record, show; stop when it must.

    Parameters
    ----------
    train_epoch : callable
        ``train_epoch(epoch)`` makes one pass over the training data and returns the
        epoch's mean training loss (``epoch`` from 1).
    evaluate : callable
        ``evaluate(epoch)`` returns the epoch's RMSEs as a dict with keys among
        ``'train_rmse', 'val_rmse', 'test_rmse'``.
    num_epochs : int
        The most epochs to run.
    net : mxnet.gluon.Block, optional
        The model; needed for ``restore_best``.
    select_on : {'val', 'test', 'train'}, optional
        The RMSE that chooses ``history.chosen_epoch`` (use validation data, never test).
    patience : int, optional
        With ``select_on``: stop after this many epochs without a new best.
    restore_best : bool, default False
        With ``select_on``: leave the best epoch's parameters in ``net``.
    reporter : object, optional
        Has ``update(history)`` (after each epoch) and ``close(history)`` (at the end),
        e.g. from :func:`d2l_ext.plotting.make_reporter`.
    learning_rate : float, optional
        Named in the message when training diverges.

    Returns
    -------
    History
        Every completed epoch; ``stopped`` says why the run ended early, if it did. A
        diverged epoch is kept, so the history ends with it.

    Warns
    -----
    RuntimeWarning
        When the loss or an RMSE stops being finite (the run stops there).
    """
    history, best_params = History(), None
    column = None if select_on is None else f'{select_on}_rmse'
    rule = EarlyStopping(patience)
    try:
        for epoch in range(1, num_epochs + 1):
            start = time.perf_counter()
            train_loss = train_epoch(epoch)
            metrics = evaluate(epoch)
            history.append(epoch, train_loss=train_loss, **metrics,
                           seconds=time.perf_counter() - start)
            if not all(math.isfinite(v) for v in (train_loss, *metrics.values())):
                history.stopped = _diverged(epoch, train_loss, metrics, learning_rate)
                warnings.warn(f'Training {history.stopped}.', RuntimeWarning, stacklevel=3)
            elif column is not None:
                new_best, stop = rule.check(history, column)
                if new_best:
                    history.chosen_epoch = epoch
                    if restore_best:
                        best_params = {k: v.data().copy()
                                       for k, v in net.collect_params().items()}
                elif stop:
                    history.stopped = (f'stopped early at epoch {epoch}: no better '
                                       f'{select_on} RMSE in {patience} epochs after epoch '
                                       f'{history.chosen_epoch}')
            if reporter is not None:
                reporter.update(history)
            if history.stopped:
                break
    except KeyboardInterrupt:
        history.truncate()
        history.stopped = f'interrupted during epoch {len(history) + 1}'
    finally:
        if reporter is not None:
            reporter.close(history)
    if restore_best and best_params is not None:
        for k, v in net.collect_params().items():
            v.set_data(best_params[k])
    return history


def _diverged(epoch, train_loss, metrics, learning_rate):
    shown = ', '.join(f'{LABELS[k]} {v}' for k, v in metrics.items())
    now = '' if learning_rate is None else f' (now {learning_rate})'
    return (f'diverged at epoch {epoch} (train loss {train_loss}, {shown}); lower the '
            f'learning rate{now} and train again')




def _check_test_matrix(inter_mat):
    """Refuse a test matrix with no rating before any training is done; return its
    largest absolute rating: predicting 0 everywhere has no larger RMSE."""
    matrix = inter_mat.asnumpy() if hasattr(inter_mat, 'asnumpy') else onp.asarray(inter_mat)
    if matrix.ndim != 2:
        raise ShapeMismatchError(f'inter_mat must be the test interaction matrix of shape '
                                 f'(num_items, num_users); found shape {matrix.shape}.')
    check_ratings(matrix, 'test (inter_mat)')
    if not (matrix != 0).any():
        raise EmptyDataError(f'The test matrix inter_mat {matrix.shape} has no observed '
                             f'(non-zero) rating, so the test RMSE would be undefined. '
                             f'Expected at least one held-out rating: check the split '
                             f'(test_ratio > 0, enough data).')
    return float(onp.abs(matrix).max())


def _check_first_batch(net, loss, values, devices, inter_mat):
    """Run the net and the loss on one example in prediction mode; raise a clear error
    when the shapes of the net, the batch and the test matrix do not fit."""
    one = [v[:1].as_in_ctx(devices[0]) if hasattr(v, 'as_in_ctx') else v[:1]
           for v in values]
    features = one[:-1] if len(one) > 1 else one
    try:
        out = net(*features)
        if len(one) == 1 and out.shape != one[0].shape:  # AutoRec: output = input's shape
            raise ShapeMismatchError(
                f'The net maps a row of {one[0].shape[-1]} columns to {out.shape[-1]} '
                f'columns; a reconstruction must have the input\'s width. Expected a net '
                f'built for {one[0].shape[-1]} columns, e.g. AutoRec(num_hidden=500, '
                f'num_users={one[0].shape[-1]}): build the net for the number of users (columns) '
                f'of the matrix it trains on.')
        loss(out, one[-1])
    except base.MXNetError as error:
        raise shape_error(net, one[0], error) from None
    if inter_mat is not None and len(one) == 1 and inter_mat.shape[-1] != one[0].shape[-1]:
        raise ShapeMismatchError(
            f'The training rows have {one[0].shape[-1]} columns but the test matrix '
            f'inter_mat has shape {tuple(inter_mat.shape)}: both must be (num_items, '
            f'num_users) matrices built with the same num_users and num_items.')


def train_recsys_rating(net, train_iter, test_iter, loss, trainer, num_epochs,
                        devices=None, evaluator=None, *, inter_mat=None, plot=True):
    """Train a recommender on explicit ratings and evaluate it after every epoch.

    The chapter's call works unchanged::

        train_recsys_rating(net, train_iter, test_iter, loss, trainer, num_epochs,
                            devices, evaluator, inter_mat=test_inter_mat)

    Parameters
    ----------
    net : mxnet.gluon.Block
        The model; called as ``net(*features)`` on each batch.
    train_iter : iterable
        Training batches. A batch that is a list ``[features..., label]`` trains
        ``net(*features)`` against ``label`` (matrix factorisation); a single array
        trains ``net(x)`` against ``x`` itself (AutoRec: rows of the interaction
        matrix, ``(batch_size, num_users)``, 0 = unobserved).
    test_iter : iterable
        Passed to the evaluator. For AutoRec: batches of the *training* matrix in order,
        which the net reconstructs.
    loss : mxnet.gluon.loss.Loss
        Per-example loss, e.g. ``gluon.loss.L2Loss()``.
    trainer : mxnet.gluon.Trainer
        Steps the parameters once per batch, normalised by the batch size.
    num_epochs : int
    devices : list of mxnet.Context, optional
        Resolved when called: defaults to :func:`try_all_gpus`, the CPU when there is
        no GPU (d2l evaluated its default once, at import). An empty list means the CPU
        (with a warning); a GPU that does not exist raises :class:`DeviceError`.
    evaluator : callable, optional
        ``evaluator(net, test_iter, inter_mat, devices)`` when ``inter_mat`` is given,
        otherwise ``evaluator(net, test_iter, devices)``. Defaults to AutoRec's
        :func:`d2l_ext.evaluator` when ``inter_mat`` is given.
    inter_mat : array-like, optional
        The test interaction matrix ``(num_items, num_users)``, 0 = unobserved (AutoRec).
    plot : bool, default True
        Show the run's progress: in a notebook, one figure of the curves redrawn in place
        after every epoch (the stored output is the final figure); in a terminal, a
        progress bar per epoch. ``False`` shows nothing but the summary lines.

    Returns
    -------
    History
        Train loss, test RMSE and seconds per completed epoch. Training stops early,
        keeping what was done, when the loss or RMSE stops being finite or when it is
        interrupted (Ctrl-C, the notebook's stop button).

    Raises
    ------
    ShapeMismatchError
        Before the first step, when the net, the batches and ``inter_mat`` do not fit
        (e.g. a net built for another number of users).
    EmptyDataError
        ``inter_mat`` has no observed rating (checked before training), or
        ``train_iter`` yields no batch.
    DeviceError
        A device in ``devices`` does not exist.

    Notes
    -----
    A test RMSE above the largest test rating (worse than predicting 0 everywhere, e.g.
    Adam with ``lr=2`` on ML-100K: test RMSE 63 after epoch 1) gives one
    ``RuntimeWarning`` naming the epoch; training goes on, as the loss is still finite.
    A diverged epoch (NaN or inf) is kept in the history, so the returned history ends
    with it and ``history.stopped`` names it.

    Prints d2l's two summary lines, with two honest differences: d2l's first line divides
    a running sum of running sums by the number of examples, so here it shows the last
    epoch's train loss as plotted; d2l's second line counts matrix entries (rows x
    columns) per second for AutoRec, here it counts examples (rows, or ratings for matrix
    factorisation) per second of training.
    """
    devices = resolve_devices(devices)
    evaluate = _chapter_evaluation(net, test_iter, evaluator, inter_mat, devices, trainer)
    train_epoch, speed = _chapter_epoch(net, train_iter, loss, trainer, devices, inter_mat)
    reporter = make_reporter('auto' if plot else None, num_epochs)
    history = run_epochs(train_epoch, evaluate, num_epochs, reporter=reporter,
                         learning_rate=trainer.learning_rate)
    _print_summary(history, speed, devices)
    return history


def _chapter_epoch(net, train_iter, loss, trainer, devices, inter_mat):
    """d2l's training pass over ``train_iter``, and a record of its speed.

    Returns ``(train_epoch, speed)``: ``train_epoch(epoch)`` returns the mean over the
    epoch's batches of each batch's mean loss (the curve d2l plots); ``speed`` counts
    the examples and seconds of training, evaluation excluded.
    """
    speed = {'examples': 0, 'seconds': 0.0}

    def train_epoch(epoch):
        start, batch_means, batches = time.perf_counter(), [], 0
        for values in train_iter:
            values = values if isinstance(values, (list, tuple)) else [values]
            if epoch == 1 and batches == 0:  # before the first step: do shapes fit?
                _check_first_batch(net, loss, values, devices, inter_mat)
            if epoch == 1 and len(values) == 1:  # AutoRec's rows: ratings, 0 = unobserved
                check_ratings(values[0].asnumpy(), f'training (train_iter, batch '
                                                   f'{batches + 1}: [row in batch, column])')
            input_data = [split_and_load(v, devices) for v in values]
            if len(values) == 1:  # AutoRec: the rows are the features and the label
                input_data = input_data * 2
            ls = step_batch(net, loss, trainer, list(zip(*input_data)), values[0].shape[0])
            # Kept on the device: one copy to NumPy per epoch, not a sync per batch.
            batch_means.append([l.mean() for l in ls])
            batches += 1
            speed['examples'] += values[0].shape[0]
        if batches == 0:
            raise EmptyDataError(f'train_iter yielded no batch in epoch {epoch}: expected '
                                 f'batches of training rows. Check that it was built from '
                                 f'a non-empty matrix (and is not a generator already '
                                 f'used up).')
        total = sum(sum(float(m) for m in means) for means in batch_means) / len(devices)
        speed['seconds'] += time.perf_counter() - start
        return float(total / batches)

    return train_epoch, speed


def _chapter_evaluation(net, test_iter, evaluator, inter_mat, devices, trainer):
    """The evaluation after each epoch: ``evaluate(epoch) -> {'test_rmse': ...}``.

    Checks the test matrix before training, calls the evaluator with d2l's two
    signatures, and warns once when the test RMSE is worse than predicting 0 everywhere.
    """
    if evaluator is None:
        if inter_mat is None:
            raise TypeError('train_recsys_rating needs an evaluator, or inter_mat= for '
                            "AutoRec's default evaluator.")
        evaluator = autorec_evaluator
    ceiling = [_check_test_matrix(inter_mat) if inter_mat is not None else math.inf]

    def evaluate(epoch):
        if inter_mat is not None:
            test_rmse = float(evaluator(net, test_iter, inter_mat, devices))
        else:
            test_rmse = float(evaluator(net, test_iter, devices))
        if math.isfinite(test_rmse) and test_rmse > ceiling[0]:
            warnings.warn(f'Test RMSE {test_rmse:.3f} at epoch {epoch} is worse than '
                          f'predicting 0 for every rating (at most {ceiling[0]:.3f}): '
                          f'training is diverging or unstable; lower the learning rate '
                          f'(now {trainer.learning_rate}).', RuntimeWarning, stacklevel=4)
            ceiling[0] = math.inf  # warn once
        return {'test_rmse': test_rmse}

    return evaluate


def _print_summary(history, speed, devices):
    """d2l's two summary lines, after a line saying why training stopped, if it did."""
    if history.stopped:
        print(f'Training stopped: {history.stopped}. '
              f'Returning the history of {len(history.epoch)} epochs.')
    if history.epoch:
        print(f'train loss {history.train_loss[-1]:.3f}, '
              f'test RMSE {history.test_rmse[-1]:.3f}')
        print(f'{speed["examples"] / max(speed["seconds"], 1e-9):.1f} examples/sec on '
              f'{list(devices)}')
