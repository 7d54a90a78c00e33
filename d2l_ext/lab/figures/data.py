"""Figures of the data: how ratings are distributed, the long tail, the interaction matrix.

Each function returns a ``matplotlib.figure.Figure`` (not registered with pyplot): a notebook
shows it with :func:`d2l_ext.show_figure` or as a cell's value, a script ``savefig``s it.
"""
import matplotlib as mpl
import numpy as onp
from matplotlib.figure import Figure

from ...errors import EmptyDataError, ShapeMismatchError

__all__ = ['rating_distribution_figure', 'long_tail_figure', 'interaction_corner_figure']


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
