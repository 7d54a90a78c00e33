"""Readers of the MovieLens files named in :mod:`.registry`.

- ML-100K's ``u.data`` and its canonical folds ``u1.base``/``u1.test`` ... (tab-separated
  ``user item rating timestamp``, ids from 1 without gaps);
- ML-1M's ``ratings.dat`` (``UserID::MovieID::Rating::Timestamp``; movie ids from 1 to 3952
  with gaps, so ids are mapped to contiguous ones by :func:`.ratings.remap_ids`, which is
  what every interaction-matrix helper of this package expects: ``index = id - 1``).

The ML-100K archive ships five 80/20 folds ``u1``..``u5`` whose test sets partition
``u.data`` (5-fold cross-validation), and ``ua``/``ub``, which hold out exactly 10 ratings
per user. The data set's folder is located and verified once per call of
:func:`canonical_splits_ml100k`, however many folds are read.
"""
import io

import numpy as onp

from ..errors import DataFormatError, DataNotFoundError, InvalidArgumentError
from .ratings import COLUMNS, remap_ids
from .registry import ML100K, ML1M
from .store import find_dataset

__all__ = ['read_table', 'read_split_ml100k', 'canonical_splits_ml100k', 'read_data_ml1m',
           'parse_ratings_dat']


def read_table(path):
    """Read a tab-separated ``user item rating timestamp`` file (``u.data``, ``u1.base``...).

    Returns
    -------
    pandas.DataFrame
        Columns ``user_id, item_id, rating, timestamp`` (int64), in file order.

    Raises
    ------
    DataNotFoundError
        The file is missing.
    DataFormatError
        A line is not four integers, or a rating is outside 1-5.
    """
    import pandas as pd
    if not path.is_file():
        raise DataNotFoundError(f'{path} is missing. The official {ML100K.name}.zip contains '
                                f'it: extract the whole archive, not only {ML100K.key_file}.')
    try:
        frame = pd.read_csv(path, sep='\t', names=COLUMNS, dtype='int64', engine='c')
    except (ValueError, pd.errors.ParserError) as error:
        raise DataFormatError(f'{path}: expected tab-separated integer lines "user item '
                              f'rating timestamp", as in u.data ({error}).') from None
    if len(frame) == 0 or not frame.rating.isin(ML100K.rating_scale).all():
        raise DataFormatError(f'{path}: expected ratings 1-5 on every line; found '
                              f'{len(frame)} lines with ratings '
                              f'{sorted(frame.rating.unique())[:10]}.')
    return frame


def read_split_ml100k(name, data_dir=None, *, folder=None):
    """Read one canonical split of MovieLens-100K.

    Parameters
    ----------
    name : {'u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub'}
    data_dir : str or os.PathLike, optional
        Where to look first; then as :func:`d2l_ext.read_data_ml100k`.
    folder : pathlib.Path, optional, keyword-only
        An already located and verified ``ml-100k/`` folder (skips the search).

    Returns
    -------
    train_data, test_data : pandas.DataFrame
        ``<name>.base`` and ``<name>.test`` with columns ``user_id, item_id, rating,
        timestamp`` (int64, ids from 1). Use ``num_users=943, num_items=1682`` (those of
        ``u.data``) for their matrices: a fold may miss some items.
    """
    if name not in ML100K.folds:
        raise InvalidArgumentError(f'name must be one of {ML100K.folds}; found {name!r}.')
    folder = find_dataset(ML100K, data_dir) if folder is None else folder
    return read_table(folder / f'{name}.base'), read_table(folder / f'{name}.test')


def canonical_splits_ml100k(names=('u1', 'u2', 'u3', 'u4', 'u5'), data_dir=None):
    """The 5-fold cross-validation of MovieLens-100K (or any of its named splits).

    The data set is located and verified once, then every fold is read from it.

    Returns
    -------
    list of (str, pandas.DataFrame, pandas.DataFrame)
        ``(name, train_data, test_data)``, the input of
        :func:`d2l_ext.lab.protocol.run_protocol`.
    """
    unknown = [name for name in names if name not in ML100K.folds]
    if unknown:
        raise InvalidArgumentError(f'Unknown folds {unknown}; expected names from '
                                   f'{ML100K.folds}.')
    folder = find_dataset(ML100K, data_dir)
    return [(name, *read_split_ml100k(name, folder=folder)) for name in names]


def parse_ratings_dat(path):
    """Read a ``ratings.dat`` file (ML-1M's layout) and map its ids to contiguous ones.

    Parameters
    ----------
    path : str or os.PathLike
        Lines ``UserID::MovieID::Rating::Timestamp`` (integers, ratings 1-5).

    Returns
    -------
    data : pandas.DataFrame
        ``user_id, item_id, rating, timestamp, movie_id`` (int64), in file order.
        ``user_id`` and ``item_id`` run from 1 to ``num_users`` and ``num_items``
        (in increasing order of the original ids); ``movie_id`` keeps the original id.
    num_users, num_items : int

    Raises
    ------
    DataFormatError
        A line without four ``::``-separated integers, a rating outside 1-5, or an
        empty file; the message names the file and the first bad line.
    """
    import pandas as pd
    with open(path, 'rb') as f:
        raw = f.read().decode('latin-1')
    if not raw.strip():
        raise DataFormatError(f'{path} is empty; expected lines '
                              f'"UserID::MovieID::Rating::Timestamp". Re-extract ml-1m.zip.')
    try:
        if '\t' in raw:  # '::' becomes a tab below, so a tab already there is an error
            raise ValueError('a tab character')
        frame = pd.read_csv(io.StringIO(raw.replace('::', '\t')), sep='\t', header=None,
                            names=COLUMNS, dtype='int64', engine='c')
    except (ValueError, pd.errors.ParserError) as error:
        raise _first_bad_line(path, raw, error) from None
    out = ~frame.rating.isin(ML1M.rating_scale)
    if out.any():
        first = int(onp.flatnonzero(out.to_numpy())[0])
        raise DataFormatError(f'{path}, line {first + 1}: ratings must be 1-5, found '
                              f'{int(frame.rating.iloc[first])} ({int(out.sum())} such lines).')
    data, num_users, num_items, _ = remap_ids(frame)
    data['movie_id'] = frame.item_id
    return data, num_users, num_items


def _first_bad_line(path, raw, error):
    """The error to raise for a file the fast parser refused: name its first bad line."""
    for number, line in enumerate(raw.splitlines(), start=1):
        fields = line.split('::')
        if len(fields) != 4 or not all(f.strip().lstrip('-').isdigit() for f in fields):
            return DataFormatError(f'{path}, line {number}: expected four integers '
                                   f'"UserID::MovieID::Rating::Timestamp", found '
                                   f'{line[:80]!r}. Re-extract the official ml-1m.zip.')
    return DataFormatError(f'{path}: expected lines "UserID::MovieID::Rating::Timestamp" '
                           f'({error}). Re-extract the official ml-1m.zip.')


def read_data_ml1m(data_dir=None):
    """Read the MovieLens-1M ratings, as :func:`d2l_ext.read_data_ml100k` reads ML-100K.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Where to look first; then ``$D2L_DATA_DIR``, then ``../data``. Each may hold
        ``ml-1m/``, be that folder, or hold ``ml-1m.zip``. Missing data is downloaded from
        :data:`~.registry.ML1M`'s address; offline, a :class:`~d2l_ext.DataNotFoundError`
        names every place looked at.

    Returns
    -------
    data : pandas.DataFrame
        ``user_id, item_id, rating, timestamp, movie_id``; ids contiguous from 1 (see
        :func:`parse_ratings_dat`).
    num_users : int
        6040 for the official file.
    num_items : int
        3706 (rated movies) for the official file.
    """
    folder = find_dataset(ML1M, data_dir)
    return parse_ratings_dat(folder / ML1M.key_file)
