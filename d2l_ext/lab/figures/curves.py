"""Curves of runs against the epoch: seeds, overfitting, sweeps.

The general figure of several runs is :func:`d2l_ext.plot_runs`; the ones here are
particular to a lesson (04, 05, 07) and draw on it where they show runs side by side. Each
returns a ``matplotlib.figure.Figure`` (not registered with pyplot). The best epoch is
always :meth:`d2l_ext.History.best_epoch` (or the epoch a run chose, ``chosen_epoch``).
"""
import math

import numpy as onp
from matplotlib.figure import Figure

from ...errors import InvalidArgumentError
from ...history import LABELS
from ...plotting import COLORS, plot_runs

__all__ = ['plot_seed_curves', 'plot_overfitting', 'plot_sweep', 'plot_validation_curves',
           'plot_width_sweep']

#: Font size of tick labels and legends in the lessons' figures: readable on a slide.
FONT = 11


def lesson_axes(width, height, ncols=1, **kwargs):
    """A figure of ``ncols`` axes side by side, laid out for a slide; returns
    ``(figure, axes)``."""
    fig = Figure(figsize=(width, height), layout='constrained')
    return fig, fig.subplots(1, ncols, squeeze=False, **kwargs)[0]


def _seed_curves(histories, column):
    """Stack equal-length runs' ``column`` into an array of shape ``(runs, epochs)``."""
    lengths = {len(h) for h in histories}
    if len(lengths) != 1:
        raise InvalidArgumentError(f'The runs of one variant must have the same number of '
                                   f'epochs; found lengths {sorted(lengths)}. Train every '
                                   f'seed for as many epochs.')
    return onp.array([getattr(h, column) for h in histories], dtype=float)


def plot_seed_curves(runs, steps_per_epoch, title=None, column='val_rmse', run_labels=None):
    """Several seeds' curves per variant, whole and zoomed in near each variant's minimum.

    Top row: the mean curve of each variant (thick) with every seed's curve (thin) against
    the epoch and against optimizer steps, a star at the mean curve's minimum. Bottom
    row, one panel per variant: the same curves zoomed in around the minimum, every seed
    drawn in its own line style with a dot at its best epoch, so that the spread across
    seeds (a few thousandths of RMSE) can be seen.

    Parameters
    ----------
    runs : dict of str to list of History
        Variant label -> one history per seed, all of the same length.
    steps_per_epoch : dict of str to int
        Variant label -> optimizer steps per epoch (the x scale of the fair view).
    title : str, optional
        A title over the figure.
    column : str, default 'val_rmse'
    run_labels : list of str, optional
        The zoomed panels' name for each run (e.g. ``['seed 0', 'seed 1']``); by default
        ``'run 1'``, ``'run 2'``, ...

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    InvalidArgumentError
        The runs of one variant have different numbers of epochs.
    """
    fig = Figure(figsize=(10, 5.2), layout='constrained')
    top, bottom = fig.subfigures(2, 1, height_ratios=(1, 1))
    ax_epoch, ax_step = top.subplots(1, 2, sharey=True)
    zooms = onp.atleast_1d(bottom.subplots(1, len(runs)))
    styles = ('-', '--', ':', '-.')
    lowest = min(min(getattr(h, column)) for hs in runs.values() for h in hs)
    for k, ((label, histories), ax_zoom) in enumerate(zip(runs.items(), zooms)):
        color, curves = f'C{k}', _seed_curves(histories, column)
        mean, epochs = curves.mean(axis=0), onp.arange(1, curves.shape[1] + 1)
        for ax, x in ((ax_epoch, epochs), (ax_step, epochs * steps_per_epoch[label])):
            for curve in curves:
                ax.plot(x, curve, color=color, lw=0.6, alpha=0.6)
            ax.plot(x, mean, color=color, lw=2, label=f'{label} (mean of {len(curves)})')
            ax.plot(x[mean.argmin()], mean.min(), '*', ms=12, color=color)
        bests = [h.epoch.index(h.best_epoch(column)) for h in histories]
        start = max(0, min(bests) // 2)
        for s, (curve, best) in enumerate(zip(curves, bests)):
            ax_zoom.plot(epochs[start:], curve[start:], color=color, lw=1,
                         ls=styles[s % len(styles)],
                         label=run_labels[s] if run_labels else f'run {s + 1}')
            ax_zoom.plot(epochs[best], curve[best], 'o', ms=5, color=color)
        ax_zoom.plot(epochs[start:], mean[start:], color='black', lw=1.5, alpha=0.7,
                     label='mean')
        low = curves[:, start:].min()
        ax_zoom.set(xlabel='epoch', title=f'{label}: zoom (dot = each run\'s best)',
                    ylim=(low - 0.002, low + 0.016))
        ax_zoom.legend(fontsize=FONT - 1, loc='upper center', ncol=2)
    ax_epoch.set(xlabel='epoch', ylabel=LABELS[column], title='Per epoch (unequal work)',
                 ylim=(min(0.85, lowest - 0.02), max(1.15, lowest + 0.25)))
    ax_step.set(xlabel='optimizer steps', title='Per optimizer step (fair)')
    zooms[0].set(ylabel=LABELS[column])
    ax_step.legend(fontsize=FONT - 1)
    for ax in (ax_epoch, ax_step, *zooms):
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


def plot_overfitting(history, title=None):
    """Train, validation and test RMSE of one run against the epoch, best epoch marked.

    The epoch marked is the one with the lowest validation RMSE (the first of equal ones,
    as :class:`d2l_ext.training.EarlyStopping` chooses), so the figure can also serve as
    a live figure (``d2l_ext.LiveFigure(title, draw=plot_overfitting)``) while
    ``chosen_epoch`` is not yet set.

    Parameters
    ----------
    history : History
        With ``train_rmse``, ``val_rmse`` and ``test_rmse``.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(6.5, 3.0), layout='constrained')
    ax = fig.subplots()
    for column, label in (('train_rmse', 'train'), ('val_rmse', 'validation'),
                          ('test_rmse', 'test')):
        ax.plot(history.epoch, getattr(history, column), color=COLORS[column], label=label)
    best = history.best_epoch('val_rmse')
    top = 1.2
    if best is not None:  # None while every validation RMSE is NaN (a diverged run)
        at_best = history.at(best)
        ax.axvline(best, color='grey', ls=':')
        ax.plot(best, at_best['val_rmse'], '*', color='tab:red', ms=12,
                label=f'best on validation: epoch {best}, {at_best["val_rmse"]:.3f}')
        top = max(top, at_best['val_rmse'] + 0.3)
    finite_train = [v for v in history.train_rmse if math.isfinite(v)] or [0.3]
    ax.set(xlabel='epoch', ylabel='RMSE', xlim=(0, max(10, len(history)) + 1),
           title=title or f'{len(history)} epochs',
           ylim=(min(0.3, min(finite_train) - 0.02), top))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc='lower left')
    return fig


def plot_sweep(histories, title, column='val_rmse'):
    """A sweep's curves, every one visible even where they coincide, beside its table.

    Left: ``column`` of each run against the epoch, each best epoch starred
    (:func:`d2l_ext.plot_runs` with ``distinct=True``: each later line thinner, in another
    line style, with markers at other epochs). Right: a table of each run's best epoch and
    its validation and test RMSE.

    Parameters
    ----------
    histories : dict of str to History
        Label -> history with ``val_rmse`` and ``test_rmse`` and a ``chosen_epoch`` (the
        lowest ``column`` is used when there is none).
    title : str
    column : str, default 'val_rmse'

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(11, 4.2), layout='constrained')
    ax, ax_table = fig.subplots(1, 2, width_ratios=(1.4, 1))
    plot_runs(histories, title, column, ax=ax, distinct=True, fontsize=FONT - 1)
    rows = []
    for history in histories.values():
        best = history.chosen_epoch or history.best_epoch(column)
        at_best = history.at(best)
        rows.append([str(best), f'{at_best["val_rmse"]:.3f}', f'{at_best["test_rmse"]:.3f}'])
    ax_table.axis('off')
    table = ax_table.table(cellText=rows, rowLabels=list(histories),
                           colLabels=['best epoch', 'val RMSE', 'test RMSE'], loc='upper center',
                           cellLoc='center')
    table.auto_set_font_size(False)
    table.set_fontsize(FONT - 1)
    table.scale(1, 1.8)
    for k in range(len(rows)):
        table[k + 1, -1].get_text().set_color(f'C{k}')
    ax_table.set_title('At each best epoch (chosen on validation)', fontsize=FONT)
    # The legend goes under the table, where it cannot hide the curves.
    handles, labels = ax.get_legend_handles_labels()
    ax.get_legend().remove()
    ax_table.legend(handles, labels, fontsize=FONT - 1, loc='lower center', frameon=False)
    return fig


def plot_validation_curves(histories, title, *, ax=None, styles=None, ymax=None):
    """Validation RMSE per epoch of several runs, each run's chosen epoch starred, in the
    lessons' slide-sized fonts (:func:`d2l_ext.plot_runs` of ``val_rmse``).

    Parameters
    ----------
    histories : dict of str to History
        Label -> history with a ``val_rmse`` column.
    title : str
    ax : matplotlib.axes.Axes, optional
        Draw into these axes; by default a new 6.5 x 3.8 inch figure.
    styles : dict of str to str, optional
        Label -> line style (e.g. ``'--'``); ``'-'`` otherwise.
    ymax : float, optional
        Top of the y axis; by default a little above the worst chosen RMSE.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if ax is None:
        ax = lesson_axes(6.5, 3.8)[1][0]
    plot_runs(histories, title, 'val_rmse', ax=ax, styles=styles, ymax=ymax,
              fontsize=FONT - 1)
    ax.tick_params(labelsize=FONT)
    return ax.figure


def plot_width_sweep(values, table, histories, *, xlabel, title):
    """Notebook 07's width figure: RMSE at the chosen epoch against a swept value, and the
    runs' validation curves.

    Parameters
    ----------
    values : sequence of float
        The swept values (x axis, log scale), e.g. hidden sizes.
    table : pandas.DataFrame
        Indexed by ``values``, with columns ``'val RMSE'`` and ``'test RMSE'``.
    histories : dict of str to History
        Label -> the run's history, in the order of ``values``.
    xlabel, title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax, ax_curves) = lesson_axes(11, 4, ncols=2)
    ax.plot(values, table['val RMSE'], 'o-', label='validation')
    ax.plot(values, table['test RMSE'], 's--', label='test (at the chosen epoch)')
    ax.set_xscale('log')
    ax.set_xticks(list(values), [str(v) for v in values])
    ax.minorticks_off()
    ax.set(xlabel=xlabel, ylabel='RMSE', title=title)
    ax.tick_params(labelsize=FONT)
    ax.legend(fontsize=FONT - 1)
    ax.grid(alpha=0.3)
    plot_validation_curves(histories, 'Validation curves', ax=ax_curves)
    return fig
