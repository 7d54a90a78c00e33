"""Figures of the evaluation protocol: models compared on one split (06), and the paper's
protocol over repeated splits (08).

Each returns a ``matplotlib.figure.Figure`` (not registered with pyplot). The epoch marked
on a run is the one it chose on validation data (``History.chosen_epoch``), or its lowest
validation RMSE (:meth:`d2l_ext.History.best_epoch`).
"""
import numpy as onp

from .curves import FONT, lesson_axes

__all__ = ['plot_baselines', 'plot_protocol_bands']


def _best(history):
    """(epoch, validation RMSE) chosen on validation data (the lowest, without selection)."""
    epoch = history.chosen_epoch or history.best_epoch('val_rmse')
    return epoch, history.at(epoch)['val_rmse']


def plot_baselines(test_rmse, runs, lines):
    """Notebook 06's figure: the test RMSE of every model, and how the learned ones chose
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
    fig, (ax_bar, ax_val) = lesson_axes(11, 4.2, ncols=2)
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


def _band(histories, column):
    """Epochs, mean, min and max of ``column`` over the runs that reached each epoch."""
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
    """Notebook 08's figure: per variant, the mean RMSE over the runs with a min-max band,
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
    fig, axes = lesson_axes(5.5 * len(runs), 4.2, ncols=len(runs), sharey=True)
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
