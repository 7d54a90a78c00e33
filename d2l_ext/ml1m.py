"""MovieLens-1M, found, verified and read like MovieLens-100K.

The archive ``ml-1m.zip`` (https://files.grouplens.org/datasets/movielens/ml-1m.zip) holds
``ml-1m/ratings.dat``: 1,000,209 lines ``UserID::MovieID::Rating::Timestamp`` from 6040
users on 3706 movies. Movie ids run from 1 to 3952 with gaps (not every movie was rated),
so ids are mapped to contiguous ones here, which is what every interaction-matrix helper
of this package expects (``index = id - 1``).

Locations are looked at in :mod:`d2l_ext.download`'s order (argument, ``$D2L_DATA_DIR``,
``../data``); the archive is checked by the MD5 GroupLens publishes. No checksum of
``ratings.dat`` itself is published, so the file's format is validated while reading.
"""
import io

import numpy as onp
import pandas as pd

from .download import DatasetSpec, find_dataset
from .errors import DataFormatError

__all__ = ['ML1M', 'read_data_ml1m', 'parse_ratings_dat']

#: MovieLens-1M as GroupLens publishes it (MD5 from the ml-1m.zip.md5 file beside it).
#: No hash of ratings.dat is published: extraction records the archive member's SHA-256
#: beside it (ratings.dat.sha256), and later reads verify the file against that record.
ML1M = DatasetSpec('ml-1m', 'https://files.grouplens.org/datasets/movielens/ml-1m.zip',
                   ('md5', 'c4d9eecfca2ab87c1945afe126590906'), 'ratings.dat', None)


def parse_ratings_dat(path):
    """Read a ``ratings.dat`` file and map its ids to contiguous ones.

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
    with open(path, 'rb') as f:
        raw = f.read().decode('latin-1')
    if not raw.strip():
        raise DataFormatError(f'{path} is empty; expected lines '
                              f'"UserID::MovieID::Rating::Timestamp". Re-extract ml-1m.zip.')
    try:
        if '\t' in raw:  # '::' becomes a tab below, so a tab already there is an error
            raise ValueError('a tab character')
        frame = pd.read_csv(io.StringIO(raw.replace('::', '\t')), sep='\t', header=None,
                            names=['user_id', 'movie_id', 'rating', 'timestamp'],
                            dtype='int64', engine='c')
    except (ValueError, pd.errors.ParserError) as error:
        raise _first_bad_line(path, raw, error) from None
    out = ~frame.rating.between(1, 5)
    if out.any():
        first = int(onp.flatnonzero(out.to_numpy())[0])
        raise DataFormatError(f'{path}, line {first + 1}: ratings must be 1-5, found '
                              f'{int(frame.rating.iloc[first])} ({int(out.sum())} such lines).')
    users, user_ids = pd.factorize(frame.user_id, sort=True)
    items, movie_ids = pd.factorize(frame.movie_id, sort=True)
    data = pd.DataFrame({'user_id': users + 1, 'item_id': items + 1, 'rating': frame.rating,
                         'timestamp': frame.timestamp, 'movie_id': frame.movie_id})
    return data, len(user_ids), len(movie_ids)


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
        :data:`ML1M`'s address; offline, a :class:`~d2l_ext.DataNotFoundError` names every
        place looked at.

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
