"""Summaries of a ratings table: sizes, sparsity, ratings per user and per item.

The data frames are those of :func:`d2l_ext.read_data_ml100k` (first three columns: user
id, item id, rating; ids from 1). Interaction matrices follow the package's convention:
shape ``(num_items, num_users)`` for item-based AutoRec, 0 = unobserved.
"""
import numpy as onp
import pandas as pd

from ..errors import InvalidArgumentError
from ..matrices import check_ids

__all__ = ['describe_ratings', 'ratings_per', 'dense_corner']


def describe_ratings(data, num_users, num_items):
    """Sizes and sparsity of a ratings table.

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings; the first three columns are user id, item id, rating.
    num_users, num_items : int
        Size of the interaction matrix the ratings fill.

    Returns
    -------
    pandas.Series
        ``num_users``, ``num_items``, ``num_ratings`` (distinct (user, item) pairs),
        ``density`` (share of the ``num_users * num_items`` cells observed),
        ``sparsity`` (``1 - density``) and ``mean_rating``.
    """
    pairs = data.iloc[:, :2].drop_duplicates()
    density = len(pairs) / (num_users * num_items)
    return pd.Series({'num_users': num_users, 'num_items': num_items,
                      'num_ratings': len(pairs), 'density': density,
                      'sparsity': 1 - density,
                      'mean_rating': float(data.iloc[:, 2].mean())})


def ratings_per(data, by, size):
    """Number of ratings of each user or each item, zeros included.

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings; the first three columns are user id, item id, rating (ids from 1).
    by : {'user', 'item'}
    size : int
        ``num_users`` or ``num_items``; ids without a rating get a count of 0.

    Returns
    -------
    numpy.ndarray of shape (size,)
        ``counts[index]`` for ``index = id - 1`` (int64).
    """
    if by not in ('user', 'item'):
        raise InvalidArgumentError(f"by must be 'user' or 'item', not {by!r}.")
    ids = data.iloc[:, 0 if by == 'user' else 1].to_numpy(dtype=onp.int64)
    check_ids(ids, size, by)
    return onp.bincount(ids - 1, minlength=size)


def dense_corner(inter_mat, k=50):
    """The ``k`` most-rated rows by the ``k`` most-rated columns of an interaction matrix.

    Parameters
    ----------
    inter_mat : numpy.ndarray of shape (rows, cols)
        Ratings, 0 = unobserved (rows = items and columns = users for item-based AutoRec).
    k : int, default 50

    Returns
    -------
    corner : numpy.ndarray of shape (min(k, rows), min(k, cols))
        The sub-matrix, rows and columns ordered from most to least rated (ties by index).
    rows, cols : numpy.ndarray of int
        Their 0-based indices in ``inter_mat``.
    """
    observed = onp.asarray(inter_mat) != 0
    rows = onp.argsort(-observed.sum(axis=1), kind='stable')[:k]
    cols = onp.argsort(-observed.sum(axis=0), kind='stable')[:k]
    return onp.asarray(inter_mat)[onp.ix_(rows, cols)], rows, cols
