"""MovieLens-100K as d2l reads, splits and loads it, vectorised.

The names, arguments and return values are d2l's (``d2l.read_data_ml100k``,
``d2l.split_data_ml100k``, ``d2l.load_data_ml100k``); the work is done with pandas and
NumPy on whole columns instead of one MXNet element at a time.

Conventions: user and item ids in the data frame start at 1; indices in the returned
lists and matrices start at 0 (``index = id - 1``). The interaction matrix
:math:`\\mathbf{R}` has the items as rows and the users as columns, shape
``(num_items, num_users)``, as d2l's ``inter_mat``: row ``i`` is item ``i``'s rating vector
:math:`\\mathbf{r}_i`, one training example of item-based AutoRec. A rating of 0 means
*unobserved*.
"""
import numpy as onp
from mxnet import np

from .datasets.ratings import COLUMNS
from .datasets.registry import ML100K
from .datasets.store import find_dataset
from .errors import DataFormatError, InvalidArgumentError
from .matrices import as_csr, check_ids, choose_storage

__all__ = ['read_data_ml100k', 'split_data_ml100k', 'load_data_ml100k', 'rating_matrix',
           'interaction_matrix']


def read_data_ml100k(data_dir=None):
    """Read the MovieLens-100K ratings.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Where to look first. Then ``$D2L_DATA_DIR``, then d2l's cache ``../data``; each
        may hold ``ml-100k/``, be that folder, or hold ``ml-100k.zip``. Missing data is
        downloaded from ``DATA_HUB['ml-100k']``; see :mod:`d2l_ext.datasets.store`.

    Returns
    -------
    data : pandas.DataFrame
        One row per rating, columns ``user_id, item_id, rating, timestamp`` (int64),
        in file order.
    num_users : int
        Number of distinct users (943).
    num_items : int
        Number of distinct items (1682).
    """
    import pandas as pd
    folder = find_dataset(ML100K, data_dir)
    data = pd.read_csv(folder / ML100K.key_file, sep='\t', names=COLUMNS, engine='c')
    return data, data.user_id.nunique(), data.item_id.nunique()


def split_data_ml100k(data, num_users, num_items, split_mode='random', test_ratio=0.1,
                      seed=None):
    """Split ratings into a training and a test set, as d2l does.

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings with columns ``user_id, item_id, rating, timestamp`` (in that order).
    num_users, num_items : int
        As returned by :func:`read_data_ml100k`.
    split_mode : {'random', 'seq-aware'}
        ``'random'``: each rating goes to the test set with probability ``test_ratio``.
        ``'seq-aware'``: each user's latest rating (the first of equal timestamps) is
        the test set; the rest, sorted by user then time, is the training set.
    test_ratio : float, default 0.1
        Share of ratings held out in ``'random'`` mode.
    seed : int, optional
        Seed of the random split. ``None`` draws from MXNet's global generator exactly
        as d2l does, so ``mx.random.seed(s)`` gives the same split as d2l's function.

    Returns
    -------
    train_data, test_data : pandas.DataFrame
        Row subsets of ``data`` (``'random'``, original index kept) or new frames with a
        fresh index (``'seq-aware'``).
    """
    if split_mode not in ('random', 'seq-aware'):
        raise InvalidArgumentError(f"split_mode must be 'random' or 'seq-aware'; found "
                                   f"{split_mode!r}.")
    num_users, num_items = _check_size(num_users, 'num_users'), _check_size(num_items,
                                                                            'num_items')
    if split_mode == 'seq-aware':
        _check_table(data, 4, num_users, num_items)
        return _split_seq_aware(data, num_users)
    _check_table(data, 3, num_users, num_items)
    if isinstance(test_ratio, bool) or not isinstance(test_ratio, (int, float, onp.number)) \
            or not 0 <= test_ratio <= 1:
        raise InvalidArgumentError(f'test_ratio must be a number from 0 to 1 (the share of '
                                   f'ratings held out); found {test_ratio!r}.')
    if seed is None:
        draws = np.random.uniform(0, 1, (len(data),)).asnumpy()
    else:
        draws = onp.random.default_rng(seed).uniform(0, 1, len(data))
    mask = draws < 1 - test_ratio
    return data[mask], data[~mask]


def _split_seq_aware(data, num_users):
    frame = data.iloc[:, :4].copy()
    frame.columns = COLUMNS
    frame['order'] = onp.arange(len(frame))
    # Each user's test rating: the latest; among equal times, the first in file order.
    latest = frame.sort_values(['user_id', 'timestamp', 'order'],
                               ascending=[True, False, True], kind='stable')
    test = latest.drop_duplicates('user_id', keep='first')
    # d2l lists test users in the order they first appear in the data.
    first_seen = frame.drop_duplicates('user_id').set_index('user_id')['order']
    test = test.assign(seen=test.user_id.map(first_seen)).sort_values('seen')
    test = test[COLUMNS].reset_index(drop=True)
    # Training: users 1..num_users by time; every row equal to its user's test row goes.
    train = frame[frame.user_id.between(1, num_users)].sort_values(
        ['user_id', 'timestamp', 'order'], kind='stable')
    hit = train.merge(test, on=COLUMNS, how='left', indicator=True)['_merge'].to_numpy()
    train = train[hit == 'left_only'][COLUMNS].reset_index(drop=True)
    return train, test


def load_data_ml100k(data, num_users, num_items, feedback='explicit'):
    """Turn ratings into index lists and an interaction matrix, as d2l does.

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings; the first three columns are user id, item id, rating (ids from 1).
    num_users, num_items : int
        Size of the interaction matrix.
    feedback : {'explicit', 'implicit'}
        ``'explicit'`` keeps the ratings; ``'implicit'`` records only that a user
        interacted with an item (score 1).

    Returns
    -------
    users, items : list of int
        0-based user and item index of each rating, in row order.
    scores : list of int
        The rating (explicit) or 1 (implicit) of each row.
    inter : mxnet.numpy.ndarray or dict
        ``'explicit'``: float32 matrix of shape ``(num_items, num_users)`` with
        ``inter[i, u]`` = the rating of user ``u`` for item ``i`` and 0 = unobserved (a
        later row for the same pair overwrites an earlier one). ``'implicit'``: a dict
        ``user index -> list of item indices`` in row order.
    """
    import pandas as pd
    if feedback not in ('explicit', 'implicit'):
        raise InvalidArgumentError(f"feedback must be 'explicit' or 'implicit'; found "
                                   f"{feedback!r}.")
    num_users, num_items = _check_size(num_users, 'num_users'), _check_size(num_items,
                                                                            'num_items')
    _check_table(data, 3, num_users, num_items, ratings=feedback == 'explicit')
    users = data.iloc[:, 0].to_numpy(dtype=onp.int64) - 1
    items = data.iloc[:, 1].to_numpy(dtype=onp.int64) - 1
    if feedback == 'explicit':
        scores = data.iloc[:, 2].to_numpy().astype(onp.int64)
        inter = np.array(_dense(items, users, scores, (num_items, num_users)))
    else:
        scores = onp.ones(len(users), dtype=onp.int64)
        inter = {int(u): group.tolist() for u, group in
                 pd.Series(items).groupby(users, sort=False)}
    return users.tolist(), items.tolist(), scores.tolist(), inter


def rating_matrix(data, num_users, num_items):
    """The explicit interaction matrix as a NumPy array (what ``load_data_ml100k`` wraps).

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings; the first three columns are user id, item id, rating (ids from 1).
    num_users, num_items : int
        Size of the matrix.

    Returns
    -------
    numpy.ndarray
        float32 of shape ``(num_items, num_users)``, ``m[i, u]`` = the rating of user ``u``
        for item ``i``, 0 = unobserved; a later row for the same pair overwrites an
        earlier one, as in d2l.
    """
    _check_table(data, 3, num_users, num_items, ratings=True)  # whole stars, as d2l
    return interaction_matrix(data, num_users, num_items, 'item')


def interaction_matrix(data, num_users, num_items, variant='item', storage='dense'):
    """The interaction matrix item- or user-based AutoRec reads: the package's one builder.

    Parameters
    ----------
    data, num_users, num_items
        As for :func:`rating_matrix`; ratings may be half stars (ML-10M).
    variant : {'item', 'user'}
        ``'item'``: shape ``(num_items, num_users)`` (I-AutoRec, the chapter's);
        ``'user'``: shape ``(num_users, num_items)`` (U-AutoRec).
    storage : {'dense', 'sparse', 'auto'}, default 'dense'
        ``'dense'``: a NumPy float32 array; ``'sparse'``: a canonical float32
        ``scipy.sparse.csr_matrix`` (see :func:`as_csr`); ``'auto'``: sparse when one dense
        float32 copy would exceed :data:`DENSE_LIMIT_BYTES` (see :func:`choose_storage`).

    Returns
    -------
    numpy.ndarray or scipy.sparse.csr_matrix
        ``m[row, col]`` = rating, 0 = unobserved; a later duplicate pair overwrites.

    Raises
    ------
    DataFormatError
        An id outside ``1..num_users``/``1..num_items``, or a rating that is not > 0.
    """
    if variant not in ('item', 'user'):
        raise InvalidArgumentError(f"variant must be 'item' or 'user'; found {variant!r}.")
    num_users, num_items = _check_size(num_users, 'num_users'), _check_size(num_items,
                                                                            'num_items')
    _check_table(data, 3, num_users, num_items, ratings='real')
    users = data.iloc[:, 0].to_numpy(dtype=onp.int64) - 1
    items = data.iloc[:, 1].to_numpy(dtype=onp.int64) - 1
    values = data.iloc[:, 2].to_numpy(dtype=onp.float32)
    rows, cols, shape = ((items, users, (num_items, num_users)) if variant == 'item'
                         else (users, items, (num_users, num_items)))
    if choose_storage(shape, storage) == 'dense':
        return _dense(rows, cols, values, shape)
    from scipy import sparse
    last = _last_of_duplicates(rows, cols, shape)
    return as_csr(sparse.csr_matrix((values[last], (rows[last], cols[last])), shape=shape))


def _dense(rows, cols, values, shape):
    """A float32 matrix of ``shape`` with ``values`` at ``(rows, cols)``; the last wins."""
    matrix = onp.zeros(shape, dtype=onp.float32)
    last = _last_of_duplicates(rows, cols, shape)
    matrix[rows[last], cols[last]] = values[last]
    return matrix


def _last_of_duplicates(rows, cols, shape):
    """Which entries to keep: of repeated ``(row, col)`` pairs, the last one."""
    import pandas as pd
    return ~pd.Series(rows * shape[1] + cols).duplicated(keep='last').to_numpy()


def _check_size(value, name):
    """Return ``value`` as an int if it is a whole number >= 0."""
    if isinstance(value, (bool, onp.bool_)) or not isinstance(value, (int, onp.integer)) \
            or value < 0:
        raise InvalidArgumentError(f'{name} must be a whole number >= 0 (the size of the '
                                   f'interaction matrix); found {value!r}.')
    return int(value)


_NAMES = ['user id', 'item id', 'rating', 'timestamp']


def _check_table(data, columns, num_users, num_items, ratings=False):
    """Refuse a ratings table d2l's code would crash on or silently misread.

    Checks (vectorised) that ``data`` is a DataFrame with at least ``columns`` columns,
    whose first ``columns`` hold whole numbers (no NaN, no text), ids within
    ``1..num_users`` and ``1..num_items``, and, with ``ratings``, ratings > 0.
    """
    import pandas as pd
    if not isinstance(data, pd.DataFrame):
        raise DataFormatError(f'Expected the ratings as a pandas DataFrame with columns '
                              f'user_id, item_id, rating, timestamp; found '
                              f'{type(data).__name__}. Read them with d2l.read_ratings or '
                              f'd2l.read_data_ml100k.')
    if data.shape[1] < columns:
        raise DataFormatError(f'Expected at least {columns} columns ({", ".join(_NAMES[:columns])}'
                              f'); found {data.shape[1]}: {list(data.columns)}. Read the '
                              f'file with d2l.read_ratings.')
    for k in range(columns):
        column = data.iloc[:, k]
        if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(
                column)):
            raise DataFormatError(f'Column {k} ({data.columns[k]!r}) must hold the '
                                  f'{_NAMES[k]}s as numbers; found dtype {column.dtype}. '
                                  f'Convert it (pd.to_numeric) or read the file with '
                                  f'd2l.read_ratings, which says which lines are wrong.')
        values = column.to_numpy(dtype=onp.float64, na_value=onp.nan)
        if k == 2 and not ratings:  # a split may carry half stars (ML-10M) through
            bad, rule = ~onp.isfinite(values), 'numbers'
        elif k == 2 and ratings == 'real':
            bad, rule = ~(onp.isfinite(values) & (values > 0)), 'numbers > 0 (0 = unobserved)'
        elif k == 2:
            bad = ~(onp.isfinite(values) & (onp.floor(values) == values) & (values > 0))
            rule = 'whole numbers > 0 (0 means unobserved; d2l keeps int(rating))'
        else:
            bad = ~(onp.isfinite(values) & (onp.floor(values) == values))
            rule = 'whole numbers'
        if bad.any():
            row = int(onp.flatnonzero(bad)[0])
            raise DataFormatError(f'Column {k} ({data.columns[k]!r}) must hold {rule}; '
                                  f'found {values[row]!r} in row {data.index[row]!r} '
                                  f'({int(bad.sum())} such rows). Fix or drop those rows.')
    for k, size, what in ((0, num_users, 'user'), (1, num_items, 'item')):
        check_ids(data.iloc[:, k].to_numpy(dtype=onp.float64), size, what)
