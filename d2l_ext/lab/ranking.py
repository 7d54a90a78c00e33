"""Ranking metrics on held-out ratings: Recall@K and NDCG@K.

An RMSE grades predicted *ratings*; a recommender shows a *list*. These metrics grade the
list. For each user:

- the **candidates** are the items the user has not rated in the training matrix (a
  recommender never proposes what the user has already rated);
- the **relevant** items are those with a held-out (test) rating of at least
  ``threshold`` (4 by default: "liked");
- the model ranks the candidates by its score, highest first (ties: lower item index
  first), and keeps the top ``k``.

Then, with :math:`\\mathrm{rel}_p = 1` when the item at position :math:`p` is relevant,

.. math:: \\mathrm{Recall@}K = \\frac{\\sum_{p=1}^{K} \\mathrm{rel}_p}{|\\mathrm{relevant}|},
   \\qquad
   \\mathrm{NDCG@}K = \\frac{\\sum_{p=1}^{K} \\mathrm{rel}_p / \\log_2(p + 1)}
                          {\\sum_{p=1}^{\\min(K, |\\mathrm{relevant}|)} 1 / \\log_2(p + 1)}.

Both lie in [0, 1]; NDCG also rewards putting the hits near the top. They are averaged over
the users with at least one relevant item (the others cannot be graded).

Matrices use the item-based layout of :func:`d2l_ext.data.interaction_matrix`:
shape ``(num_items, num_users)``, 0 = unobserved. A user-based reconstruction
``(num_users, num_items)`` is passed transposed (``recons.T``).
"""
import numpy as onp

from ..errors import InvalidArgumentError, ShapeMismatchError

__all__ = ['popularity_scores', 'top_k', 'ranking_metrics', 'recall_at_k', 'ndcg_at_k',
           'ranking_table']


def popularity_scores(train):
    """The popularity model: every user gets the items with the most training ratings.

    Parameters
    ----------
    train : numpy.ndarray of shape (num_items, num_users)
        Training ratings, 0 = unobserved.

    Returns
    -------
    numpy.ndarray of shape (num_items, num_users), float32
        ``scores[i, u]`` = number of users who rated item ``i`` in ``train`` (the same
        for every user).
    """
    counts = (onp.asarray(train) != 0).sum(axis=1).astype(onp.float32)
    return onp.repeat(counts[:, None], train.shape[1], axis=1)


def _check(scores, train, k, test=None):
    if not isinstance(k, (int, onp.integer)) or isinstance(k, bool) or k < 1:
        raise InvalidArgumentError(f'k must be a whole number >= 1 (the length of the '
                                   f'list); found {k!r}.')
    for name, matrix in (('train', train), ('test', test)):
        if matrix is not None and matrix.shape != scores.shape:
            raise ShapeMismatchError(
                f'scores have shape {scores.shape} but {name} has {matrix.shape}: pass all '
                f'three as (num_items, num_users), e.g. a user-based reconstruction as '
                f'recons.T.')


def top_k(scores, train, k=10):
    """Each user's ``k`` highest-scored items among those not rated in ``train``.

    Parameters
    ----------
    scores : numpy.ndarray of shape (num_items, num_users)
        Any score, higher = better (a predicted rating, a popularity count...).
    train : numpy.ndarray of shape (num_items, num_users)
        Training ratings, 0 = unobserved; rated items are never recommended.
    k : int, default 10

    Returns
    -------
    numpy.ndarray of shape (num_users, k), int64
        Item indices (0-based rows), best first; ties go to the lower index. A user with
        fewer than ``k`` candidates gets ``-1`` in the remaining places.
    """
    scores, train = onp.asarray(scores, dtype=onp.float64), onp.asarray(train)
    _check(scores, train, k)
    masked = onp.where(train != 0, -onp.inf, scores)
    order = onp.argsort(-masked, axis=0, kind='stable')[:k].T  # (num_users, k)
    taken = onp.take_along_axis(masked.T, order, axis=1)
    return onp.where(onp.isneginf(taken), -1, order).astype(onp.int64)


def ranking_metrics(scores, train, test, k=10, threshold=4):
    """Recall@K and NDCG@K of every user with at least one relevant held-out item.

    Parameters
    ----------
    scores, train : numpy.ndarray of shape (num_items, num_users)
        As for :func:`top_k`.
    test : numpy.ndarray of shape (num_items, num_users)
        Held-out ratings, 0 = unobserved.
    k : int, default 10
    threshold : float, default 4
        A held-out rating ``>= threshold`` makes an item relevant.

    Returns
    -------
    pandas.DataFrame
        One row per graded user (0-based ``user`` index): ``relevant`` (how many), ``hits``
        (relevant items in the top ``k``), ``recall`` and ``ndcg``.
    """
    import pandas as pd
    test = onp.asarray(test)
    _check(onp.asarray(scores), onp.asarray(train), k, test)
    relevant = (test >= threshold) & (onp.asarray(train) == 0)  # (num_items, num_users)
    counts = relevant.sum(axis=0)
    users = onp.flatnonzero(counts)
    lists = top_k(scores, train, k)[users]  # (graded users, k)
    gains = onp.where(lists >= 0, relevant[onp.maximum(lists, 0), users[:, None]], False)
    discounts = 1 / onp.log2(onp.arange(2, k + 2))
    ideal = onp.cumsum(discounts)[onp.minimum(counts[users], k) - 1]
    return pd.DataFrame({'user': users, 'relevant': counts[users],
                         'hits': gains.sum(axis=1),
                         'recall': gains.sum(axis=1) / counts[users],
                         'ndcg': (gains * discounts).sum(axis=1) / ideal})


def recall_at_k(scores, train, test, k=10, threshold=4):
    """Recall@K averaged over the users with a relevant held-out item (see module)."""
    return float(ranking_metrics(scores, train, test, k, threshold)['recall'].mean())


def ndcg_at_k(scores, train, test, k=10, threshold=4):
    """NDCG@K averaged over the users with a relevant held-out item (see module)."""
    return float(ranking_metrics(scores, train, test, k, threshold)['ndcg'].mean())


def ranking_table(models, train, test, k=10, threshold=4):
    """Recall@K and NDCG@K of several models on one split, one row per model.

    Parameters
    ----------
    models : dict of str to numpy.ndarray
        Name -> scores of shape ``(num_items, num_users)``.
    train, test, k, threshold
        As for :func:`ranking_metrics`.

    Returns
    -------
    pandas.DataFrame
        Index: the model names, in order; columns ``recall@{k}`` and ``ndcg@{k}``.
    """
    import pandas as pd
    rows = {}
    for name, scores in models.items():
        per_user = ranking_metrics(scores, train, test, k, threshold)
        rows[name] = {f'recall@{k}': per_user['recall'].mean(),
                      f'ndcg@{k}': per_user['ndcg'].mean()}
    return pd.DataFrame.from_dict(rows, orient='index')
