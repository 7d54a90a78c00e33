"""The record of a training run: one row of numbers per epoch."""
import math
from dataclasses import dataclass, field

from .errors import InvalidArgumentError

__all__ = ['History', 'METRICS', 'LABELS']

#: The per-epoch columns a history can hold, in display order.
METRICS = ('train_loss', 'train_rmse', 'val_rmse', 'test_rmse', 'seconds')
#: How each column is named in text and plots.
LABELS = {'train_loss': 'train loss', 'train_rmse': 'train RMSE',
          'val_rmse': 'validation RMSE', 'test_rmse': 'test RMSE', 'seconds': 'seconds'}


@dataclass(slots=True)
class History:
    """Per-epoch record of a training run, from :func:`d2l_ext.train_recsys_rating` or a
    fitter of :mod:`d2l_ext.lab`.

    Attributes
    ----------
    epoch : list of int
        1-based epoch numbers.
    train_loss : list of float
        Mean training loss of the epoch (the curve d2l plots).
    train_rmse, val_rmse, test_rmse : list of float
        RMSE on the training, validation and test ratings after the epoch; a column the
        run did not track stays empty (the chapter's loop tracks only ``test_rmse``).
    seconds : list of float
        Wall-clock seconds of the epoch, evaluation included.
    stopped : str or None
        Why training ended early (divergence, interruption, early stopping), or None.
    chosen_epoch : int or None
        The epoch the run chose on its ``select_on`` RMSE (validation data), or None when
        it chose none; :meth:`best_epoch` finds the lowest epoch of any column.
    """

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_rmse: list = field(default_factory=list)
    val_rmse: list = field(default_factory=list)
    test_rmse: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    stopped: str = None
    chosen_epoch: int = None

    def __len__(self):
        return len(self.epoch)

    @property
    def columns(self):
        """The metric columns this run tracked (non-empty ones), in :data:`METRICS` order."""
        return [name for name in METRICS if getattr(self, name)]

    def append(self, epoch, **values):
        """Add one epoch; ``values`` maps column names of :data:`METRICS` to floats.

        All columns are appended together, so an interrupt never leaves them uneven.
        """
        unknown = set(values) - set(METRICS)
        if unknown:
            raise KeyError(f'Unknown history columns {sorted(unknown)}; expected names '
                           f'from {METRICS}.')
        tracked = self.columns if self.epoch else list(values)
        if self.epoch and set(values) != set(tracked):
            raise KeyError(f'Epoch {epoch} has columns {sorted(values)}, earlier epochs '
                           f'{sorted(tracked)}: every epoch must record the same ones.')
        self.epoch.append(int(epoch))
        for name, value in values.items():
            getattr(self, name).append(float(value))

    def truncate(self):
        """Drop a partly recorded last epoch (after an interrupt), so columns stay even."""
        complete = min(len(getattr(self, name)) for name in ['epoch', *self.columns])
        for name in ['epoch', *METRICS]:
            del getattr(self, name)[complete:]

    def at(self, epoch):
        """The values of one epoch as a dict ``{column: value}`` (``epoch`` from 1)."""
        k = self.epoch.index(epoch)
        return {name: getattr(self, name)[k] for name in self.columns}

    def best_epoch(self, column):
        """The epoch with the lowest value of ``column``: the first of equal values, as
        :class:`d2l_ext.training.EarlyStopping` keeps the first; epochs whose value is not
        finite (a diverged run) are passed over.

        Parameters
        ----------
        column : str
            A tracked column of :data:`METRICS`, e.g. ``'val_rmse'``.

        Returns
        -------
        int or None
            The epoch (from 1), or None when no epoch has a finite value.
        """
        if column not in METRICS:
            raise KeyError(f'Unknown history column {column!r}; expected one of {METRICS}.')
        values = getattr(self, column)
        if not values:
            raise InvalidArgumentError(
                f'This run did not track {column!r} (it tracked {self.columns}); ask for '
                f'one of those, or train with the matrix that {column!r} needs.')
        finite = [k for k, value in enumerate(values) if math.isfinite(value)]
        if not finite:
            return None
        return self.epoch[min(finite, key=values.__getitem__)]

    def best(self, column):
        """Value of ``column`` at :attr:`chosen_epoch` (the last epoch when none was
        chosen)."""
        epoch = self.chosen_epoch or self.epoch[-1]
        return self.at(epoch)[column]

    def to_frame(self):
        """Return the history as a ``pandas.DataFrame`` indexed by epoch."""
        import pandas as pd
        return pd.DataFrame({name: getattr(self, name) for name in self.columns},
                            index=pd.Index(self.epoch, name='epoch'))

    @classmethod
    def from_frame(cls, frame):
        """The inverse of :meth:`to_frame`: a history from a frame indexed by epoch (for
        example read back from a CSV file); unknown columns are ignored."""
        history = cls(epoch=[int(e) for e in frame.index])
        for name in METRICS:
            if name in frame:
                setattr(history, name, [float(v) for v in frame[name]])
        return history

    def __repr__(self):
        if not self.epoch:
            return 'History(no epoch completed)'
        shown = ', '.join(f'{LABELS[name]} {getattr(self, name)[-1]:.3f}'
                          for name in self.columns if name != 'seconds')
        return f'History({len(self.epoch)} epochs: {shown}, {sum(self.seconds):.1f} s)'
