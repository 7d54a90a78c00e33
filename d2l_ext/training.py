"""d2l's ``train_recsys_rating`` loop, resolving devices at call time and keeping a history."""
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as onp
from mxnet import autograd, base, gluon

from .devices import resolve_devices
from .errors import EmptyDataError, ShapeMismatchError
from .evaluation import evaluator as autorec_evaluator
from .evaluation import shape_error
from .plotting import plot_history, show_figure

__all__ = ['History', 'train_recsys_rating']


@dataclass
class History:
    """Per-epoch record of a training run.

    Attributes
    ----------
    epoch : list of int
        1-based epoch numbers.
    train_loss : list of float
        Mean over the epoch's batches of the batch's mean loss (the curve d2l plots).
    test_rmse : list of float
        What the evaluator returned after the epoch.
    seconds : list of float
        Wall-clock seconds of the epoch, evaluation included.
    stopped : str or None
        Why training ended early (divergence, interruption), or None.
    """

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    test_rmse: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    stopped: str = None

    def to_frame(self):
        """Return the history as a ``pandas.DataFrame`` indexed by epoch."""
        import pandas as pd
        return pd.DataFrame({'train_loss': self.train_loss, 'test_rmse': self.test_rmse,
                             'seconds': self.seconds},
                            index=pd.Index(self.epoch, name='epoch'))

    def __repr__(self):
        if not self.epoch:
            return 'History(no epoch completed)'
        return (f'History({len(self.epoch)} epochs: train loss {self.train_loss[-1]:.3f}, '
                f'test RMSE {self.test_rmse[-1]:.3f}, {sum(self.seconds):.1f} s)')


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, 'kernel')


def _check_test_matrix(inter_mat):
    """Refuse a test matrix with no rating before any training is done; return its
    largest absolute rating: predicting 0 everywhere has no larger RMSE."""
    matrix = inter_mat.asnumpy() if hasattr(inter_mat, 'asnumpy') else onp.asarray(inter_mat)
    if matrix.ndim != 2:
        raise ShapeMismatchError(f'inter_mat must be the test interaction matrix of shape '
                                 f'(num_items, num_users); found shape {matrix.shape}.')
    if not (matrix != 0).any():
        raise EmptyDataError(f'The test matrix inter_mat {matrix.shape} has no observed '
                             f'(non-zero) rating, so the test RMSE would be undefined. '
                             f'Expected at least one held-out rating: check the split '
                             f'(test_ratio > 0, enough data).')
    return float(onp.abs(matrix).max())


def _check_first_batch(net, loss, values, devices, inter_mat):
    """Run the net and the loss on one example in prediction mode; raise a clear error
    when the shapes of the net, the batch and the test matrix do not fit."""
    one = [v[:1].as_in_context(devices[0]) if hasattr(v, 'as_in_context') else v[:1]
           for v in values]
    features = one[:-1] if len(one) > 1 else one
    try:
        out = net(*features)
        if len(one) == 1 and out.shape != one[0].shape:  # AutoRec: output = input's shape
            raise ShapeMismatchError(
                f'The net maps a row of {one[0].shape[-1]} columns to {out.shape[-1]} '
                f'columns; a reconstruction must have the input\'s width. Expected a net '
                f'built for {one[0].shape[-1]} columns, e.g. AutoRec(num_hiddens, '
                f'{one[0].shape[-1]}): build the net for the number of users (columns) '
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
        In a notebook, show one figure of the curves when training ends.

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
    if evaluator is None:
        if inter_mat is None:
            raise TypeError('train_recsys_rating needs an evaluator, or inter_mat= for '
                            "AutoRec's default evaluator.")
        evaluator = autorec_evaluator
    ceiling = _check_test_matrix(inter_mat) if inter_mat is not None else math.inf
    history, examples, train_seconds = History(), 0, 0.0
    try:
        for epoch in range(1, num_epochs + 1):
            start, batch_means, batches = time.perf_counter(), [], 0
            for values in train_iter:
                values = values if isinstance(values, (list, tuple)) else [values]
                if epoch == 1 and batches == 0:  # before the first step: do shapes fit?
                    _check_first_batch(net, loss, values, devices, inter_mat)
                input_data = [gluon.utils.split_and_load(v, devices) for v in values]
                train_feat = input_data[:-1] if len(values) > 1 else input_data
                train_label = input_data[-1]
                with autograd.record():
                    preds = [net(*t) for t in zip(*train_feat)]
                    ls = [loss(p, s) for p, s in zip(preds, train_label)]
                for l in ls:
                    l.backward()
                # Kept on the device: one copy to NumPy per epoch, not a sync per batch.
                batch_means.append([l.mean() for l in ls])
                batches += 1
                trainer.step(values[0].shape[0])
                examples += values[0].shape[0]
            if batches == 0:
                raise EmptyDataError(f'train_iter yielded no batch in epoch {epoch}: '
                                     f'expected batches of training rows. Check that it '
                                     f'was built from a non-empty matrix (and is not a '
                                     f'generator already used up).')
            total = sum(sum(float(m) for m in means) for means in batch_means) / len(devices)
            train_seconds += time.perf_counter() - start
            if inter_mat is not None:
                test_rmse = evaluator(net, test_iter, inter_mat, devices)
            else:
                test_rmse = evaluator(net, test_iter, devices)
            history.epoch.append(epoch)
            history.train_loss.append(float(total / max(batches, 1)))
            history.test_rmse.append(float(test_rmse))
            history.seconds.append(time.perf_counter() - start)
            if math.isfinite(test_rmse) and test_rmse > ceiling:
                warnings.warn(f'Test RMSE {test_rmse:.3f} at epoch {epoch} is worse than '
                              f'predicting 0 for every rating (at most {ceiling:.3f}): '
                              f'training is diverging or unstable; lower the learning '
                              f'rate (now {trainer.learning_rate}).', RuntimeWarning,
                              stacklevel=2)
                ceiling = math.inf  # warn once
            if not (math.isfinite(history.train_loss[-1]) and math.isfinite(test_rmse)):
                history.stopped = (f'diverged at epoch {epoch} (train loss '
                                   f'{history.train_loss[-1]}, test RMSE {test_rmse}); '
                                   f'lower the learning rate (now '
                                   f'{trainer.learning_rate}) and train again')
                break
    except KeyboardInterrupt:
        # An interrupt between the appends above must not leave the columns uneven.
        complete = min(len(history.epoch), len(history.train_loss),
                       len(history.test_rmse), len(history.seconds))
        for column in (history.epoch, history.train_loss, history.test_rmse,
                       history.seconds):
            del column[complete:]
        history.stopped = f'interrupted during epoch {complete + 1}'
    if history.stopped:
        print(f'Training stopped: {history.stopped}. '
              f'Returning the history of {len(history.epoch)} epochs.')
    if history.epoch:
        print(f'train loss {history.train_loss[-1]:.3f}, '
              f'test RMSE {history.test_rmse[-1]:.3f}')
        print(f'{examples / max(train_seconds, 1e-9):.1f} examples/sec on {devices}')
        if plot and _in_notebook():
            show_figure(plot_history(history))
    return history
