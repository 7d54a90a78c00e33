"""Reader of the Netflix Prize training data (the paper's third data set).

The data (100,480,507 ratings of 17,770 movies by 480,189 users, whole stars 1-5) is no
longer distributed by Netflix, so it is not in :mod:`.registry`'s table of downloadable
data sets: point :func:`read_data_netflix` at a copy you have. It reads both layouts the
data has been shared in:

- ``training_set/mv_0000001.txt`` ... ``mv_0017770.txt``: one file per movie;
- ``combined_data_1.txt`` ... ``combined_data_4.txt``: the same blocks concatenated.

Both hold blocks of the form::

    1:
    1488844,3,2005-09-06
    822109,5,2005-05-13

a ``MovieID:`` line, then one ``CustomerID,Rating,Date`` line per rating of that movie.
Customer ids run up to 2,649,429 with gaps, so user and item ids are mapped to contiguous
ones by :func:`d2l_ext.datasets.ratings.remap_ids`, the package's one remapper.
"""
import os
from pathlib import Path

import numpy as onp

from ..errors import DataFormatError, DataNotFoundError
from .ratings import COLUMNS, remap_ids

__all__ = ['NETFLIX_RATING_SCALE', 'netflix_files', 'parse_netflix', 'read_data_netflix']

#: The ratings the Netflix Prize data holds.
NETFLIX_RATING_SCALE = (1, 2, 3, 4, 5)
_CHUNK_LINES = 5_000_000


def netflix_files(source):
    """The data files of a Netflix Prize copy, in reading order.

    Parameters
    ----------
    source : str, os.PathLike or list of them
        A file, a list of files, or a folder holding ``combined_data_*.txt``,
        ``training_set/mv_*.txt`` or ``mv_*.txt``.

    Raises
    ------
    DataNotFoundError
        Nothing of that layout is there.
    """
    if isinstance(source, (list, tuple)):
        return [Path(s) for s in source]
    source = Path(source)
    if source.is_file():
        return [source]
    for pattern in ('combined_data_*.txt', 'training_set/mv_*.txt', 'mv_*.txt'):
        files = sorted(source.glob(pattern))
        if files:
            return files
    raise DataNotFoundError(
        f'{os.path.abspath(source)} holds no Netflix Prize data: expected '
        f'combined_data_1.txt ... combined_data_4.txt, or training_set/mv_0000001.txt ... '
        f'(lines "MovieID:" followed by "CustomerID,Rating,Date"). Pass the folder that '
        f'holds them, or the files.')


def parse_netflix(path, chunk_lines=_CHUNK_LINES):
    """Read one Netflix Prize file into raw ``(user, movie, rating, timestamp)`` arrays.

    Parameters
    ----------
    path : str or os.PathLike
        ``combined_data_*.txt`` or ``mv_*.txt``.
    chunk_lines : int
        Lines parsed at once (bounds the memory of the date strings).

    Returns
    -------
    users, movies, ratings, timestamps : numpy.ndarray of int64
        The original ids, the ratings (1-5) and the dates as Unix seconds (UTC midnight),
        in file order.

    Raises
    ------
    DataFormatError
        A rating line before any ``MovieID:`` line, a line that is neither, or a rating
        outside 1-5; the message names the file and the line.
    """
    import pandas as pd
    parts, movie, line0 = [], None, 0
    try:
        # ':' starts a comment, so "123:" reads as a line with one field, 123, and no rating.
        reader = pd.read_csv(path, sep=',', header=None, names=['user', 'rating', 'date'],
                             comment=':', dtype={'user': 'int64', 'rating': 'float64',
                                                 'date': 'object'},
                             skip_blank_lines=True, engine='c', chunksize=chunk_lines)
        for chunk in reader:
            header = chunk.rating.isna().to_numpy()
            ids = chunk.user.to_numpy()
            marks = onp.where(header, onp.arange(len(chunk)), -1)
            last = onp.maximum.accumulate(marks) if len(marks) else marks
            if movie is None and len(last) and last[0] < 0:
                raise _bad(path, line0 + 1, 'a rating line before any "MovieID:" line')
            movies = onp.where(last >= 0, ids[onp.maximum(last, 0)], movie or 0)
            if len(chunk):
                movie = int(movies[-1])
            keep = ~header
            if header.any() and chunk.date[header].notna().any():
                first = int(onp.flatnonzero(header & chunk.date.notna().to_numpy())[0])
                raise _bad(path, line0 + first + 1, 'a line that is neither "MovieID:" '
                           'nor "CustomerID,Rating,Date"')
            rating = chunk.rating.to_numpy()[keep]
            out = ~onp.isin(rating, NETFLIX_RATING_SCALE)
            if out.any():
                first = int(onp.flatnonzero(keep)[onp.flatnonzero(out)[0]])
                raise _bad(path, line0 + first + 1, f'a rating of {rating[out][0]:g}; '
                           f'ratings are whole stars 1-5')
            dates = pd.to_datetime(chunk.date[keep].str.strip(), format='%Y-%m-%d')  # 'date  '
            parts.append((ids[keep], movies[keep], rating.astype(onp.int64),
                          dates.to_numpy().astype('datetime64[s]').astype(onp.int64)))
            line0 += len(chunk)
    except (ValueError, pd.errors.ParserError) as error:
        raise DataFormatError(f'{path}: expected "MovieID:" lines, each followed by '
                              f'"CustomerID,Rating,Date" lines (e.g. "1488844,3,2005-09-06")'
                              f' ({error}). Is this a Netflix Prize file?') from None
    if not parts or not sum(len(p[0]) for p in parts):
        raise DataFormatError(f'{path} holds no ratings; expected "MovieID:" lines '
                              f'followed by "CustomerID,Rating,Date" lines.')
    return tuple(onp.concatenate([p[k] for p in parts]) for k in range(4))


def _bad(path, number, what):
    return DataFormatError(f'{path}, line {number} (counting non-blank lines): found {what}. '
                           f'Expected "MovieID:" lines, each followed by '
                           f'"CustomerID,Rating,Date" lines.')


def read_data_netflix(source):
    """Read the Netflix Prize ratings with contiguous user and item ids.

    Parameters
    ----------
    source : str, os.PathLike or list of them
        See :func:`netflix_files`.

    Returns
    -------
    data : pandas.DataFrame
        ``user_id, item_id, rating, timestamp`` (int64; ids ``1..n`` in increasing
        order of the original ids; ``timestamp`` = the date in Unix seconds), in file order.
    num_users, num_items : int
        480,189 and 17,770 for the full training set.
    id_map : IdMap
        The original customer and movie id of every new id.

    Notes
    -----
    The full data holds 100M ratings: 3.2 GB as this frame. Build its interaction
    matrices sparse (``d2l_ext.data.interaction_matrix(..., storage='sparse')``): a dense
    float32 (items, users) matrix would take 34 GB.
    """
    import pandas as pd
    columns = [parse_netflix(path) for path in netflix_files(source)]
    arrays = [onp.concatenate([c[k] for c in columns]) for k in range(4)]
    del columns
    frame = pd.DataFrame(dict(zip(COLUMNS, arrays)), copy=False)
    del arrays
    duplicated = frame.duplicated(['user_id', 'item_id']).to_numpy()
    if duplicated.any():
        first = int(onp.flatnonzero(duplicated)[0])
        raise DataFormatError(f'{source}: customer {frame.user_id.iloc[first]} rates movie '
                              f'{frame.item_id.iloc[first]} twice ({int(duplicated.sum())} '
                              f'repeated pairs). Read each file once.')
    data, num_users, num_items, id_map = remap_ids(frame)
    return data, num_users, num_items, id_map
