"""The lab notebooks' figures, so that a notebook cell that makes a plot shows the plot and
not a wall of plotting code.

Every function returns a ``matplotlib.figure.Figure`` (not registered with pyplot): a notebook
shows it with :func:`d2l_ext.show_figure` or as a cell's value, a script ``savefig``s it. Runs'
curves are drawn with :func:`d2l_ext.plot_runs` and :func:`d2l_ext.plot_history`; the
figures here are the ones particular to one lesson. Sections follow the notebooks.
"""

__all__ = []


# --- 01-data ----------------------------------------------------------------------------
#
#
#
#


# --- 02-autorec and 03-item-vs-user, 04-overfitting -------------------------------------
#
#
#
#


# --- 05-baselines, 06-exercises, 07-paper-protocol --------------------------------------

__all__ += ['plot_baselines', 'plot_sweep', 'plot_validation_curves', 'plot_protocol_bands']

#: Font size of tick labels and legends in these lessons' figures: readable on a slide.
FONT = 11


def _figure(width, height, ncols=1, **kwargs):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), layout='constrained')
    return fig, fig.subplots(1, ncols, squeeze=False, **kwargs)[0]


def _best(history):
    """(epoch, validation RMSE) chosen on validation data (the lowest, without selection)."""
    values = history.val_rmse
    epoch = history.best_epoch or history.epoch[min(range(len(values)), key=values.__getitem__)]
    return epoch, values[history.epoch.index(epoch)]


def plot_validation_curves(histories, title, *, ax=None, styles=None, ymax=None):
    """Validation RMSE per epoch of several runs, each run's chosen epoch starred.

    Unlike :func:`d2l_ext.plot_runs`, the y range always includes every run's chosen
    epoch, so a run far worse than the others (a sweep's outlier) stays visible.

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
        ax = _figure(6.5, 3.8)[1][0]
    styles = styles or {}
    bests = []
    for k, (label, history) in enumerate(histories.items()):
        epoch, value = _best(history)
        bests.append(value)
        ax.plot(history.epoch, history.val_rmse, styles.get(label, '-'), color=f'C{k}',
                lw=1.5, label=f'{label}: {value:.3f} (epoch {epoch})')
        ax.plot(epoch, value, '*', ms=13, color=f'C{k}')
    low, high = min(bests), max(bests)
    top = ymax if ymax is not None else high + max(0.05, 0.25 * (high - low))
    ax.set(xlabel='epoch', ylabel='validation RMSE', title=title, ylim=(low - 0.02, top))
    ax.tick_params(labelsize=FONT)
    ax.legend(fontsize=FONT - 1)
    ax.grid(alpha=0.3)
    return ax.figure


def plot_baselines(test_rmse, runs, lines):
    """Notebook 05's figure: the test RMSE of every model, and how the learned ones chose
    their epochs.

    Parameters
    ----------
    test_rmse : dict of str to float
        Model name -> test RMSE, in the order of the bars.
    runs : dict of str to History
        Label -> validation history of (at most three) learned models, in the order of
        their bars (blue, orange, green); the star marks the epoch chosen on it.
    lines : dict of str to float
        Model name -> validation RMSE of (at most two) models without epochs, drawn as
        horizontal lines.

    Returns
    -------
    matplotlib.figure.Figure
        Left: bars with their values, the axis from 0.8 (the bars exaggerate differences;
        the numbers are printed on them). Right: validation curves (star: chosen epoch).
    """
    fig, (ax_bar, ax_val) = _figure(11, 4.2, ncols=2)
    names, values = list(test_rmse), list(test_rmse.values())
    colors = ['0.6', '0.45', 'tab:blue', 'tab:orange', 'tab:green'][:len(names)]
    bars = ax_bar.bar(range(len(names)), values, color=colors)
    ax_bar.bar_label(bars, fmt='%.3f', fontsize=FONT)
    ax_bar.set_xticks(range(len(names)), [n.replace(' ', '\n', 1) if len(n) > 10 else n
                                          for n in names])
    ax_bar.tick_params(labelsize=FONT)
    ax_bar.set(ylabel='test RMSE (lower is better)', title='Same split, same metric',
               ylim=(0.8, max(values) + 0.05))
    for (name, history), color in zip(runs.items(), ['tab:blue', 'tab:orange', 'tab:green']):
        epoch, value = _best(history)
        ax_val.plot(history.epoch, history.val_rmse, color=color, lw=1.5, label=name)
        ax_val.plot(epoch, value, '*', ms=13, color=color)
    for (name, value), (color, style) in zip(lines.items(), [('0.45', '--'), ('0.6', ':')]):
        ax_val.axhline(value, color=color, ls=style, lw=1.5, label=name)
    low = min(min(h.val_rmse) for h in runs.values())
    ax_val.set(xlabel='epoch', ylabel='validation RMSE', title='Choosing epochs on validation',
               ylim=(low - 0.03, max([*lines.values(), low + 0.2]) + 0.05))
    ax_val.tick_params(labelsize=FONT)
    ax_val.legend(fontsize=FONT - 1)
    ax_val.grid(alpha=0.3)
    return fig


def plot_sweep(values, table, histories, *, xlabel, title):
    """Notebook 06's width figure: RMSE at the chosen epoch against a swept value, and the
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
    fig, (ax, ax_curves) = _figure(11, 4, ncols=2)
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


def _band(histories, column):
    """Epochs, mean, min and max of ``column`` over the runs that reached each epoch."""
    import numpy as onp
    last = max(h.epoch[-1] for h in histories.values())
    epochs, mean, low, high = [], [], [], []
    for epoch in range(1, last + 1):
        values = [getattr(h, column)[h.epoch.index(epoch)] for h in histories.values()
                  if epoch in h.epoch]
        epochs.append(epoch)
        mean.append(float(onp.mean(values)))
        low.append(min(values))
        high.append(max(values))
    return epochs, mean, low, high


def plot_protocol_bands(runs, title, *, references=None):
    """Notebook 07's figure: per variant, the mean RMSE over the runs with a min-max band,
    validation and test, side by side on one shared y scale.

    Parameters
    ----------
    runs : dict of str to dict of str to History
        Panel title (e.g. ``'I-AutoRec'``) -> split name -> the selection fit's history
        (``val_rmse`` and ``test_rmse``). Runs stop at different epochs (early stopping):
        at each epoch the mean and band are over the runs that reached it.
    title : str
    references : dict of str to float, optional
        Label -> RMSE drawn as a horizontal line in every panel (e.g. a baseline's mean
        test RMSE on the same splits).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per variant; a vertical tick marks each run's chosen epoch.
    """
    fig, axes = _figure(5.5 * len(runs), 4.2, ncols=len(runs), sharey=True)
    lows = []
    for ax, (name, histories) in zip(axes, runs.items()):
        for column, color, style, label in [('val_rmse', 'tab:purple', '--', 'validation'),
                                            ('test_rmse', 'tab:orange', '-', 'test')]:
            epochs, mean, low, high = _band(histories, column)
            ax.fill_between(epochs, low, high, color=color, alpha=0.25, lw=0)
            n = len(histories)
            ax.plot(epochs, mean, style, color=color, lw=1.8,
                    label=f'{label}: mean of {n} run{"s" * (n > 1)}, min-max band')
            lows.append(min(low))
        for history in histories.values():
            epoch, value = _best(history)
            ax.plot(epoch, value, '|', ms=14, mew=2, color='tab:purple')
        ax.plot([], [], '|', ms=14, mew=2, color='tab:purple', label='chosen epoch (per run)')
        for k, (label, value) in enumerate((references or {}).items()):
            ax.axhline(value, color=f'{0.2 + 0.25 * k:.2f}', ls=':', lw=1.5, label=label)
        ax.set(title=name, xlabel='epoch')
        ax.tick_params(labelsize=FONT)
        ax.grid(alpha=0.3)
    low = min(lows)
    axes[0].set(ylabel='RMSE (clipped, default 3)', ylim=(low - 0.01, low + 0.2))
    axes[-1].legend(fontsize=FONT - 1, loc='upper right')
    fig.suptitle(title, fontsize=FONT + 2)
    return fig
