"""Training curves: the figure of a run, drawn once or live while it trains.

- :func:`plot_history` draws any :class:`~d2l_ext.History` (the chapter's loop or a lab
  fitter): training loss on the left, the RMSE columns the run tracked on the right.
- :func:`plot_runs` draws several runs' RMSE curves in one figure (sweeps, repeated splits).
- :class:`LiveFigure` shows one figure in a notebook and redraws it in place after every
  epoch (one display, updated through its display id: no stack of figures, no
  ``clear_output`` flicker); the stored output is the final figure.
- :class:`ProgressBar` is the terminal's counterpart: a ``tqdm`` bar per run with the
  latest losses.
- :func:`make_reporter` picks one of them for a run.

Figures are ``matplotlib.figure.Figure`` objects not registered with pyplot, so a
notebook shows them only when they are displayed, and scripts can ``savefig`` them.
"""
import io
import math
import sys

from .errors import EmptyDataError, InvalidArgumentError
from .history import LABELS

__all__ = ['plot_history', 'plot_runs', 'show_figure', 'LiveFigure', 'ProgressBar',
           'make_reporter', 'in_notebook']

#: Colours of the RMSE columns, the same in every figure.
COLORS = {'train_rmse': 'tab:green', 'val_rmse': 'tab:purple', 'test_rmse': 'tab:orange'}


def in_notebook():
    """True inside a Jupyter kernel (where figures can be displayed and updated)."""
    if 'IPython' not in sys.modules:  # a kernel has imported it; a script need not
        return False
    from IPython import get_ipython
    shell = get_ipython()
    return shell is not None and hasattr(shell, 'kernel')


def _png(fig, dpi=100):
    from IPython.display import Image
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=dpi)
    return Image(data=buffer.getvalue(), format='png')


def show_figure(fig, dpi=100):
    """Show ``fig`` once in a notebook as a PNG, whatever matplotlib backend is active.

    PNG rather than SVG: SVG output embeds dates and random ids, so stored notebook
    outputs would never compare equal (nbval skips PNG data and compares the rest).
    """
    from IPython.display import display
    display(_png(fig, dpi))


def plot_history(history, title=None):
    """Draw a run's training loss and its RMSE columns against the epoch, side by side.

    Parameters
    ----------
    history : History
        From :func:`d2l_ext.train_recsys_rating` (test RMSE) or a lab fitter (train,
        validation and test RMSE, and the epoch chosen on validation data).
    title : str, optional
        A title over both panels.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure
    fig = Figure(figsize=(8, 3), layout='constrained')
    ax_loss, ax_rmse = fig.subplots(1, 2)
    ax_loss.plot(history.epoch, history.train_loss, 'o-', ms=3, color='tab:blue')
    ax_loss.set(xlabel='epoch', ylabel='train loss', title='Training loss (masked L2)')
    rmse_columns = [c for c in ('train_rmse', 'val_rmse', 'test_rmse') if getattr(history, c)]
    for column in rmse_columns:
        ax_rmse.plot(history.epoch, getattr(history, column), 'o-', ms=3,
                     color=COLORS[column], label=LABELS[column])
    chosen = 'val_rmse' if history.val_rmse else 'test_rmse'
    values = getattr(history, chosen)
    if values:
        best = history.epoch.index(history.chosen_epoch or history.best_epoch(chosen))
        ax_rmse.axvline(history.epoch[best], color='grey', ls=':', lw=1)
        ax_rmse.plot(history.epoch[best], values[best], '*', ms=12, color='tab:red',
                     label=f'lowest {LABELS[chosen]}: {values[best]:.3f} '
                           f'(epoch {history.epoch[best]})')
        ax_rmse.legend(loc='upper right', fontsize=8)
    names = ' and '.join(LABELS[c] for c in rmse_columns) or 'RMSE'
    ax_rmse.set(xlabel='epoch', ylabel='RMSE on held-out ratings'
                if rmse_columns != ['train_rmse'] else 'RMSE',
                title=names[0].upper() + names[1:])
    for ax in (ax_loss, ax_rmse):
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


def plot_runs(histories, title, column='val_rmse', *, ax=None, ylabel=None, styles=None,
              ymax=None, distinct=False, fontsize=8):
    """One column of several runs against the epoch, each run's best epoch starred.

    The star marks the epoch the run chose (``History.chosen_epoch``) or, when it chose
    none, the epoch with the lowest ``column`` (:meth:`History.best_epoch`). The y range
    always includes every star, so a run far worse than the others stays visible.

    Parameters
    ----------
    histories : dict of str to History
        Label -> history (e.g. one per setting of a sweep, or one per split).
    title : str
    column : str, default 'val_rmse'
        The column to draw (a name of :data:`d2l_ext.history.METRICS`).
    ax : matplotlib.axes.Axes, optional
        Draw into these axes; by default a new 6.5 x 3.8 inch figure.
    ylabel : str, optional
        Defaults to the column's label.
    styles : dict of str to str, optional
        Label -> line style (e.g. ``'--'``) for some of the runs.
    ymax : float, optional
        Top of the y axis; by default a little above the highest star.
    distinct : bool, default False
        Keep runs whose curves coincide visible: each later line is thinner, in another
        line style, with its own markers at other epochs, and drawn above the earlier ones.
    fontsize : float, default 8
        Of the legend.

    Returns
    -------
    matplotlib.figure.Figure
        The figure drawn into.
    """
    if ax is None:
        from matplotlib.figure import Figure
        fig = Figure(figsize=(6.5, 3.8), layout='constrained')
        ax = fig.subplots()
    styles = styles or {}
    line_styles, markers = ('-', '--', '-.', ':'), ('o', 's', '^', 'D', 'v', 'P')
    lows, highs, stars = [], [], []
    for k, (label, history) in enumerate(histories.items()):
        values = getattr(history, column)
        look = dict(color=f'C{k}', lw=1.5, ls=styles.get(label, '-'))
        if distinct:
            look.update(lw=max(3.2 - 0.8 * k, 1.0), marker=markers[k % len(markers)], ms=4,
                        markevery=(k % 5, 5), zorder=2 + k,
                        ls=styles.get(label, line_styles[k % len(line_styles)]))
        best = history.chosen_epoch or history.best_epoch(column)
        if best is None:  # no finite value: a run that diverged at once
            ax.plot(history.epoch, values, label=f'{label} (diverged)', **look)
            continue
        at_best = values[history.epoch.index(best)]
        ax.plot(history.epoch, values, label=f'{label} (best epoch {best}: {at_best:.3f})',
                **look)
        ax.plot(best, at_best, '*', ms=12, color=look['color'], mec='black', mew=0.5,
                zorder=20)
        finite = [v for v in values if math.isfinite(v)]
        lows.append(min(finite))
        highs.append(max(finite))
        stars.append(at_best)
    if not stars:
        raise EmptyDataError(f'None of the {len(histories)} runs has a finite {column!r}: '
                             f'nothing to draw. Check the runs (they diverged at once).')
    low = min(lows)
    top = ymax if ymax is not None else max(
        min(max(highs), low + 0.3) + 0.01,
        max(stars) + max(0.05, 0.25 * (max(stars) - min(stars))))
    ax.set(xlabel='epoch', ylabel=ylabel or LABELS[column], title=title,
           ylim=(low - 0.02, top))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=fontsize)
    return ax.figure


class LiveFigure:
    """The figure of a run, shown once in a notebook and redrawn after every epoch.

    Parameters
    ----------
    title : str, optional
        Title over the figure.
    draw : callable, default :func:`plot_history`
        ``draw(history, title)`` returns the figure to show.

    Notes
    -----
    The first :meth:`update` displays the figure with a display id; later ones replace
    it through that id (``update_display_data``), which nbclient applies to the stored
    output, so an executed notebook keeps one final figure and nbval compares it.
    """

    def __init__(self, title=None, draw=plot_history):
        self.title, self.draw, self.handle, self.updates = title, draw, None, 0

    def update(self, history):
        """Redraw the figure from ``history`` (called after every epoch)."""
        image = _png(self.draw(history, self.title))
        if self.handle is None:
            from IPython.display import display
            self.handle = display(image, display_id=True)
        else:
            self.handle.update(image)
        self.updates += 1

    def close(self, history):
        """Nothing left to do: the last update is the final figure."""


class ProgressBar:
    """A ``tqdm`` progress bar over a run's epochs, with the latest losses beside it.

    Parameters
    ----------
    total : int
        The most epochs the run can take.
    label : str, optional
        Shown before the bar.
    stream : file object, default sys.stderr
    """

    def __init__(self, total, label=None, stream=None):
        from tqdm import tqdm
        self.bar = tqdm(total=total, desc=label, unit='epoch', leave=True,
                        file=stream or sys.stderr, dynamic_ncols=True)

    def update(self, history):
        """Advance by one epoch and show that epoch's numbers."""
        self.bar.set_postfix({LABELS[c].replace(' RMSE', ''): f'{getattr(history, c)[-1]:.4f}'
                              for c in history.columns if c != 'seconds'}, refresh=False)
        self.bar.update(1)

    def close(self, history):
        """End the bar (it stays on screen with the last numbers)."""
        self.bar.close()


class _Callback:
    """Adapts a plain ``progress(epoch, row)`` callable to the reporter interface."""

    def __init__(self, function):
        self.function = function

    def update(self, history):
        self.function(history.epoch[-1], history.at(history.epoch[-1]))

    def close(self, history):
        pass


def make_reporter(progress, num_epochs, title=None):
    """Choose how a run shows its progress.

    Parameters
    ----------
    progress : {'auto', 'figure', 'bar'}, callable, reporter or None
        ``'auto'``: a :class:`LiveFigure` in a notebook, a :class:`ProgressBar` in a
        terminal (standard error is a TTY), nothing otherwise. ``'figure'`` or ``'bar'``:
        that one. A callable is called as ``progress(epoch, row)`` after each epoch, with
        ``row`` the epoch's values. An object with ``update(history)`` and
        ``close(history)`` is used as it is. ``None`` or ``False``: nothing.
    num_epochs : int
        The most epochs of the run (the bar's length).
    title : str, optional
        The figure's title or the bar's label.

    Returns
    -------
    reporter or None
    """
    if progress is None or progress is False:
        return None
    if progress == 'auto':
        if in_notebook():
            progress = 'figure'
        elif sys.stderr is not None and sys.stderr.isatty():
            progress = 'bar'
        else:
            return None
    if progress == 'figure':
        return LiveFigure(title)
    if progress == 'bar':
        return ProgressBar(num_epochs, title)
    if hasattr(progress, 'update') and hasattr(progress, 'close'):
        return progress
    if callable(progress):
        return _Callback(progress)
    raise InvalidArgumentError(f"progress must be 'auto', 'figure', 'bar', None, a "
                               f"callable progress(epoch, row) or an object with "
                               f"update(history) and close(history); found {progress!r}.")
