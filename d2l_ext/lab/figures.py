"""The lab notebooks' figures, so that a notebook cell that makes a plot shows the plot and
not a wall of plotting code.

Every function returns a ``matplotlib.figure.Figure`` (not registered with pyplot): a notebook
shows it with :func:`d2l_ext.show_figure` or as a cell's value, a script ``savefig``s it. Runs'
curves are drawn with :func:`d2l_ext.plot_runs` and :func:`d2l_ext.plot_history`; the
figures here are the ones particular to one lesson. Sections follow the notebooks.
"""

__all__ = []


# --- 01-data ----------------------------------------------------------------------------
# Imports are local to each function, so that every section of this file stays
# self-contained.

__all__ += ['rating_distribution_figure', 'long_tail_figure', 'interaction_corner_figure']


def rating_distribution_figure(ratings, title='MovieLens-100K: rating distribution'):
    """A bar chart of the share of ratings at each star value (01-data).

    Parameters
    ----------
    ratings : array-like of int
        One entry per rating, e.g. ``data.rating``.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as onp
    from matplotlib.figure import Figure

    from ..errors import EmptyDataError
    values, counts = onp.unique(onp.asarray(ratings), return_counts=True)
    if not len(values):
        raise EmptyDataError('rating_distribution_figure needs at least one rating; found '
                             'none. Pass the rating column of a non-empty table.')
    fig = Figure(figsize=(5, 2.7), layout='constrained')
    ax = fig.subplots()
    ax.bar(values, counts / counts.sum(), color='tab:blue')
    ax.set(xlabel='rating (stars)', ylabel='share of all ratings', xticks=values,
           title=title)
    return fig


def long_tail_figure(per_user, per_item, min_per_user=20, few=5):
    """Ratings per user and per item, sorted, in two panels with a shared log scale (01-data).

    One panel per curve, so the two can never be confused, each with its reference lines
    labelled in a legend: ``min_per_user`` (MovieLens kept only users with at least that
    many ratings) and, on the item panel, ``few`` (how many items have fewer ratings).

    Parameters
    ----------
    per_user, per_item : array-like of int
        Number of ratings of each user and of each item (e.g. from
        :func:`d2l_ext.lab.stats.ratings_per`).
    min_per_user : int, default 20
        Drawn as a dotted line on both panels.
    few : int, default 5
        Drawn as a dashed line on the item panel; its label counts the items below it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import numpy as onp
    from matplotlib.figure import Figure

    from ..errors import EmptyDataError
    per_user, per_item = onp.asarray(per_user), onp.asarray(per_item)
    if not (per_user.size and per_item.size):
        raise EmptyDataError(f'long_tail_figure needs counts for at least one user and one '
                             f'item; found {per_user.size} and {per_item.size}.')
    fig = Figure(figsize=(9, 3.0), layout='constrained')
    axes = fig.subplots(1, 2, sharey=True)
    panels = ((axes[0], per_user, 'users', 'tab:blue', '-'),
              (axes[1], per_item, 'items', 'tab:orange', '--'))
    for ax, counts, name, color, style in panels:
        ranked = onp.sort(counts)[::-1]
        ax.plot(onp.arange(1, len(ranked) + 1), ranked, style,
                color=color, lw=2, label=f'{name} ({len(ranked)}), most ratings first')
        ax.axhline(min_per_user, color='grey', ls=':', lw=1.5,
                   label=f'{min_per_user} ratings: the minimum per user')
        ax.set(yscale='log', xlabel=f'rank of the {name[:-1]}',
               title=f'Ratings per {name[:-1]}')
        ax.grid(alpha=0.3)
    below = int((per_item < few).sum())
    axes[1].axhline(few, color='tab:red', ls='-.', lw=1.5,
                    label=f'{few} ratings: {below} items have fewer')
    axes[0].set(ylabel='number of ratings (log scale)')
    for ax in axes:
        ax.legend(loc='upper right', fontsize=8)
    return fig


def interaction_corner_figure(corner, k=None):
    """A corner of the interaction matrix, unobserved cells in light grey (01-data).

    Parameters
    ----------
    corner : array-like of shape (rows, cols)
        Ratings 1-5, 0 = unobserved (e.g. from :func:`d2l_ext.lab.stats.dense_corner`):
        rows are items, columns users.
    k : int, optional
        The corner's size, for the axis labels; defaults to its number of rows.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib as mpl
    import numpy as onp
    from matplotlib.figure import Figure

    from ..errors import ShapeMismatchError
    corner = onp.asarray(corner)
    if corner.ndim != 2 or not corner.size:
        raise ShapeMismatchError(f'interaction_corner_figure needs a non-empty 2-d matrix '
                                 f'(items x users); found shape {corner.shape}.')
    k = corner.shape[0] if k is None else k
    cmap = mpl.colormaps['viridis'].resampled(5).copy()
    cmap.set_bad('0.9')  # masked cells (0 = unobserved) in light grey
    fig = Figure(figsize=(5.2, 4.2), layout='constrained')
    ax = fig.subplots()
    image = ax.imshow(onp.ma.masked_equal(corner, 0), cmap=cmap, vmin=0.5, vmax=5.5)
    fig.colorbar(image, ax=ax, ticks=range(1, 6), label='rating')
    ax.set(xlabel=f'user ({k} most active)', ylabel=f'item ({k} most rated)',
           title='Corner of the interaction matrix (grey = unobserved)')
    ax.locator_params(integer=True)  # ticks on whole ranks, also for a small corner
    return fig




# --- 02-autorec and 04-item-vs-user, 05-overfitting -------------------------------------
#
#
#
#

# 04-item-vs-user: validation curves of several seeds per variant, the spread made visible.

def _seed_curves(histories, column):
    """Stack equal-length runs' ``column`` into an array of shape ``(runs, epochs)``."""
    import numpy as onp

    from ..errors import InvalidArgumentError
    lengths = {len(h) for h in histories}
    if len(lengths) != 1:
        raise InvalidArgumentError(f'The runs of one variant must have the same number of epochs; '
                         f'found lengths {sorted(lengths)}. Train every seed for as many '
                         f'epochs.')
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
    import numpy as onp
    from matplotlib.figure import Figure

    from ..history import LABELS
    fig = Figure(figsize=(9, 4.6), layout='constrained')
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
        bests = [int(c.argmin()) for c in curves]
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
                    ylim=(low - 0.002, low + 0.014))
        ax_zoom.legend(fontsize=7, loc='upper center', ncol=2)
    ax_epoch.set(xlabel='epoch', ylabel=LABELS[column], title='Per epoch (unequal work)',
                 ylim=(min(0.85, lowest - 0.02), max(1.15, lowest + 0.25)))
    ax_step.set(xlabel='optimizer steps', title='Per optimizer step (fair)')
    zooms[0].set(ylabel=LABELS[column])
    ax_step.legend(fontsize=8)
    for ax in (ax_epoch, ax_step, *zooms):
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig


# 05-overfitting: the long run's three curves, and sweeps whose lines may coincide.

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
    from matplotlib.figure import Figure

    from ..plotting import COLORS
    fig = Figure(figsize=(6.5, 3.0), layout='constrained')
    ax = fig.subplots()
    for column, label in (('train_rmse', 'train'), ('val_rmse', 'validation'),
                          ('test_rmse', 'test')):
        ax.plot(history.epoch, getattr(history, column), color=COLORS[column], label=label)
    val = history.val_rmse
    best = history.best_epoch('val_rmse')
    at_best = history.at(best)
    ax.axvline(best, color='grey', ls=':')
    ax.plot(best, at_best['val_rmse'], '*', color='tab:red', ms=12,
            label=f'best on validation: epoch {best}, {at_best["val_rmse"]:.3f}')
    ax.set(xlabel='epoch', ylabel='RMSE', xlim=(0, max(10, len(history)) + 1),
           title=title or f'{len(history)} epochs',
           ylim=(min(0.3, min(history.train_rmse) - 0.02), max(1.2, min(val) + 0.3)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc='lower left')
    return fig


def plot_sweep(histories, title, column='val_rmse'):
    """A sweep's curves, every one visible even where they coincide, beside its table.

    Left: ``column`` of each run against the epoch, each best epoch starred. Lines that
    fall on top of each other stay visible: each later line is thinner, in another line
    style and with its own markers placed at other epochs. Right: a table of each run's
    best epoch and its validation and test RMSE.

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
    from matplotlib.figure import Figure

    from ..history import LABELS
    fig = Figure(figsize=(10, 3.6), layout='constrained')
    ax, ax_table = fig.subplots(1, 2, width_ratios=(1.5, 1))
    styles, markers = ('-', '--', '-.', ':'), ('o', 's', '^', 'D', 'v', 'P')
    rows, colors, lows = [], [], []
    for k, (label, history) in enumerate(histories.items()):
        values = getattr(history, column)
        best = history.chosen_epoch or history.best_epoch(column)
        color, at_best = f'C{k}', history.at(best)
        ax.plot(history.epoch, values, color=color, lw=max(3.2 - 0.8 * k, 1.0),
                ls=styles[k % len(styles)], marker=markers[k % len(markers)], ms=4,
                markevery=(k % 5, 5), label=label, zorder=2 + k)
        ax.plot(best, at_best[column], '*', ms=13, color=color, mec='black', mew=0.6,
                zorder=10)
        rows.append([str(best), f'{at_best["val_rmse"]:.3f}', f'{at_best["test_rmse"]:.3f}'])
        colors.append(color)
        lows.append(min(values))
    low = min(lows)
    ax.set(xlabel='epoch', ylabel=LABELS[column], title=title,
           ylim=(min(0.85, low - 0.02), max(1.1, low + 0.2)))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax_table.axis('off')
    table = ax_table.table(cellText=rows, rowLabels=list(histories),
                           colLabels=['best epoch', 'val RMSE', 'test RMSE'], loc='upper center',
                           cellLoc='center')
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.5)
    for k, color in enumerate(colors):
        table[k + 1, -1].get_text().set_color(color)
    ax_table.set_title('At each best epoch (chosen on validation)', fontsize=9)
    return fig


__all__ += ['plot_seed_curves', 'plot_overfitting', 'plot_sweep']


# --- 06-baselines, 07-exercises, 08-paper-protocol --------------------------------------

__all__ += ['plot_baselines', 'plot_width_sweep', 'plot_validation_curves',
            'plot_protocol_bands']

#: Font size of tick labels and legends in these lessons' figures: readable on a slide.
FONT = 11


def _figure(width, height, ncols=1, **kwargs):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), layout='constrained')
    return fig, fig.subplots(1, ncols, squeeze=False, **kwargs)[0]


def _best(history):
    """(epoch, validation RMSE) chosen on validation data (the lowest, without selection)."""
    epoch = history.chosen_epoch or history.best_epoch('val_rmse')
    return epoch, history.at(epoch)['val_rmse']


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


# --- 09-scaling -------------------------------------------------------------------------

__all__ += ['plot_scaling']


def plot_scaling(frame, *, machine_gb=24, target_gb=4):
    """Peak memory and seconds per epoch of dense and sparse storage, against ratings.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``benchmarks/scaling.csv``: one row per (shape, storage) with ``shape, ratings,
        storage`` ('dense' or 'sparse'), ``status`` ('measured' or 'computed'),
        ``peak_mb`` and ``epoch_s`` (NaN where not run).
    machine_gb, target_gb : float
        Drawn as horizontal lines on the memory panel (the machine's memory, a target).

    Returns
    -------
    matplotlib.figure.Figure
        Left: peak memory (GB, log scale); computed values are hollow markers. Right:
        seconds per epoch of the runs that were measured; extrapolated ones hollow.
    """
    from matplotlib.figure import Figure
    fig = Figure(figsize=(10, 3.8), layout='constrained')
    ax_mem, ax_time = fig.subplots(1, 2)
    # Dense squares are drawn larger, so that equal values of the two stay visible.
    styles = {'dense': dict(color='C3', marker='s', markersize=9),
              'sparse': dict(color='C0', marker='o', markersize=5)}
    for storage, style in styles.items():
        part = frame[frame.storage == storage]
        if part.empty:
            continue
        hollow = dict(style, linestyle='none', markerfacecolor='white', markersize=10)
        ax_mem.loglog(part.ratings, part.peak_mb / 1024, '-', label=storage, **style)
        computed = part[part.status == 'computed']
        if len(computed):
            ax_mem.loglog(computed.ratings, computed.peak_mb / 1024,
                          label=f'{storage}, computed', **hollow)
        timed = part[(part.status == 'measured') & part.epoch_s.notna()]
        ax_time.loglog(timed.ratings, timed.epoch_s, '-', label=storage, **style)
        guessed = timed[timed['method'].astype(str).str.startswith('extrapolated')] \
            if 'method' in timed else timed.iloc[:0]
        if len(guessed):
            ax_time.loglog(guessed.ratings, guessed.epoch_s,
                           label=f'{storage}, extrapolated', **hollow)
        for _, row in part.iterrows():
            ax_mem.annotate(row['shape'], (row.ratings, row.peak_mb / 1024), fontsize=8,
                            textcoords='offset points',
                            xytext=(6, -12 if storage == 'sparse' else 6))
    ax_mem.axhline(machine_gb, color='gray', linestyle=':', label=f'machine ({machine_gb} GB)')
    ax_mem.axhline(target_gb, color='gray', linestyle='--', label=f'target ({target_gb} GB)')
    ax_mem.set(xlabel='ratings', ylabel='peak memory (GB)', title='peak memory of one run')
    ax_time.set(xlabel='ratings', ylabel='seconds per epoch',
                title='training + evaluation, s / epoch')
    low, high = ax_mem.get_ylim()
    ax_mem.set_ylim(low / 2, high * 3)  # room for the labels above and below
    ax_mem.set_xlim(right=ax_mem.get_xlim()[1] * 4)  # and on the right
    ax_mem.legend(fontsize=8, loc='upper left')
    ax_time.legend(fontsize=8, loc='upper left')
    return fig
