"""d2l's ``train_recsys_rating`` loop, resolving devices at call time and keeping a history."""
import math
import time
from dataclasses import dataclass, field

from mxnet import autograd, gluon

from .devices import try_all_gpus
from .evaluation import evaluator as autorec_evaluator
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
        no GPU (d2l evaluated its default once, at import).
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

    Notes
    -----
    Prints d2l's two summary lines. d2l's first line divides a running sum of running
    sums by the number of examples; here it shows the last epoch's train loss as plotted.
    """
    devices = try_all_gpus() if devices is None else list(devices)
    if evaluator is None:
        if inter_mat is None:
            raise TypeError('train_recsys_rating needs an evaluator, or inter_mat= for '
                            "AutoRec's default evaluator.")
        evaluator = autorec_evaluator
    history, examples, train_seconds = History(), 0, 0.0
    try:
        for epoch in range(1, num_epochs + 1):
            start, total, batches = time.perf_counter(), 0.0, 0
            for values in train_iter:
                values = values if isinstance(values, (list, tuple)) else [values]
                input_data = [gluon.utils.split_and_load(v, devices) for v in values]
                train_feat = input_data[:-1] if len(values) > 1 else input_data
                train_label = input_data[-1]
                with autograd.record():
                    preds = [net(*t) for t in zip(*train_feat)]
                    ls = [loss(p, s) for p, s in zip(preds, train_label)]
                for l in ls:
                    l.backward()
                total += sum(l.asnumpy() for l in ls).mean() / len(devices)
                batches += 1
                trainer.step(values[0].shape[0])
                examples += values[0].shape[0]
            train_seconds += time.perf_counter() - start
            if inter_mat is not None:
                test_rmse = evaluator(net, test_iter, inter_mat, devices)
            else:
                test_rmse = evaluator(net, test_iter, devices)
            history.epoch.append(epoch)
            history.train_loss.append(float(total / max(batches, 1)))
            history.test_rmse.append(float(test_rmse))
            history.seconds.append(time.perf_counter() - start)
            if not (math.isfinite(history.train_loss[-1]) and math.isfinite(test_rmse)):
                history.stopped = (f'diverged at epoch {epoch}: train loss '
                                   f'{history.train_loss[-1]}, test RMSE {test_rmse}. '
                                   f'Lower the learning rate (now '
                                   f'{trainer.learning_rate}) and train again.')
                break
    except KeyboardInterrupt:
        history.stopped = f'interrupted during epoch {len(history.epoch) + 1}'
    if history.stopped:
        print(f'Training stopped: {history.stopped}; '
              f'returning the {len(history.epoch)} completed epochs.')
    if history.epoch:
        print(f'train loss {history.train_loss[-1]:.3f}, '
              f'test RMSE {history.test_rmse[-1]:.3f}')
        print(f'{examples / max(train_seconds, 1e-9):.1f} examples/sec on {devices}')
        if plot and _in_notebook():
            show_figure(plot_history(history))
    return history
