"""Read a ratings file of your own (the columns of MovieLens' ``u.data``), checked line by line.

The file has one rating per line: ``user id, item id, rating, timestamp``, separated by
tabs (or the ``sep`` given); the timestamp may be left out on every line (it is then 0).
Everything that d2l's code would crash on deep inside pandas or MXNet, or would silently
get wrong, is refused with a :class:`~d2l_ext.errors.DataFormatError` that names the file,
the line numbers and what to do:

- lines with the wrong number of fields, fields that are not whole numbers;
- ratings outside ``rating_range`` (1-5 by default; 0 would read as *unobserved*);
- the same (user, item) pair rated twice (or keep the first or last, on request).

User and item ids may have gaps or start anywhere: d2l counts ids with ``nunique()`` but
indexes the matrix with ``id - 1``, so ids ``1, 2, 5`` either crash (index 4 of a 3-wide
matrix) or, with other gaps, put ratings in the wrong column. :func:`remap_ids` maps the
sorted distinct ids to ``1..n`` and returns the mapping, so results can be reported with
the original ids. Ids that already run ``1..n`` map to themselves (MovieLens-100K does).
"""
import os
from dataclasses import dataclass

import numpy as onp

from ..errors import DataFormatError, DataNotFoundError, InvalidArgumentError

__all__ = ['COLUMNS', 'IdMap', 'read_ratings', 'remap_ids']

#: The columns of every ratings frame of this package (ids from 1).
COLUMNS = ['user_id', 'item_id', 'rating', 'timestamp']
_SHOW = 5  # offending lines quoted in an error message


@dataclass(frozen=True)
class IdMap:
    """Original ids of the contiguous ids ``1..n`` used in the data frame.

    Attributes
    ----------
    users : numpy.ndarray of int64, shape (num_users,)
        ``users[k]`` is the original id of user ``k + 1`` (matrix column ``k``).
    items : numpy.ndarray of int64, shape (num_items,)
        ``items[k]`` is the original id of item ``k + 1`` (matrix row ``k``).
    """

    users: onp.ndarray
    items: onp.ndarray

    def user_index(self, original_id):
        """0-based matrix index of an original user id (KeyError if unknown)."""
        return _lookup(self.users, original_id, 'user')

    def item_index(self, original_id):
        """0-based matrix index of an original item id (KeyError if unknown)."""
        return _lookup(self.items, original_id, 'item')


def _lookup(ids, original_id, what):
    k = int(onp.searchsorted(ids, original_id))
    if k == len(ids) or ids[k] != original_id:
        raise KeyError(f'{what} id {original_id} is not in the ratings')
    return k


def remap_ids(data):
    """Renumber user and item ids to ``1..n`` in sorted order of the original ids.

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings; the first two columns are integer user and item ids (any values).

    Returns
    -------
    data : pandas.DataFrame
        A copy with the first two columns replaced by ids ``1..num_users`` and
        ``1..num_items``; rows, order and the other columns unchanged.
    num_users, num_items : int
    id_map : IdMap
        The original id of each new id.
    """
    import pandas as pd
    data = data.copy()
    originals = []
    for column in data.columns[:2]:
        codes, uniques = pd.factorize(data[column], sort=True)
        data[column] = codes.astype(onp.int64) + 1
        originals.append(onp.asarray(uniques, dtype=onp.int64))
    return data, len(originals[0]), len(originals[1]), IdMap(*originals)


def _lines(source):
    """Return (name, text) of a path or a text/binary file object."""
    if hasattr(source, 'read'):
        name, raw = getattr(source, 'name', '<stream>'), source.read()
    else:
        name = os.fspath(source)
        if not os.path.isfile(name):
            raise DataNotFoundError(f'{name}: no such ratings file. Expected a text file '
                                    f'with one "user item rating timestamp" per line; '
                                    f'check the path.')
        with open(name, 'rb') as f:
            raw = f.read()
    if isinstance(raw, bytes):
        try:
            raw = raw.decode('utf-8')
        except UnicodeDecodeError as error:
            raise DataFormatError(f'{name}: not a text file (byte {error.start} is not '
                                  f'UTF-8). Expected "user item rating timestamp" lines; '
                                  f'is this the right file?') from None
    return name, raw.removeprefix('\ufeff')  # the byte-order mark editors may write


def _quote(name, lines, numbers, what, todo):
    shown = '\n'.join(f'  line {n}: {lines[n - 1]!r}' for n in numbers[:_SHOW])
    more = f'\n  ... and {len(numbers) - _SHOW} more' if len(numbers) > _SHOW else ''
    return DataFormatError(f'{name}: {len(numbers)} line(s) {what}:\n{shown}{more}\n{todo}')


def read_ratings(source, sep='\t', *, rating_range=(1, 5), duplicates='error',
                 remap=True):
    """Read and check a ratings file with ``u.data``'s columns.

    Parameters
    ----------
    source : str, os.PathLike or file object
        The file (text or binary, UTF-8/ASCII), as editors and spreadsheets save it: a
        byte-order mark, Windows (CRLF) or old Mac (CR) line ends, spaces around fields
        and blank lines (at the end or anywhere) are read as the ratings they hold.
    sep : str or None, default '\\t'
        Field separator; ``None`` splits on any run of whitespace.
    rating_range : (int, int), default (1, 5)
        Smallest and largest allowed rating (whole numbers; 0 must stay out of range,
        it means *unobserved* in an interaction matrix).
    duplicates : {'error', 'first', 'last'}, default 'error'
        What to do when a (user, item) pair is rated on more than one line: refuse, or
        keep its first or last line (d2l's matrix keeps the last).
    remap : bool, default True
        Map ids to ``1..n`` (see :func:`remap_ids`). With ``False``, ids must already be
        exactly ``1..n`` with no gap, else the file is refused.

    Returns
    -------
    data : pandas.DataFrame
        Columns ``user_id, item_id, rating, timestamp`` (int64), one row per kept line in
        file order, ids ``1..n``: ready for :func:`d2l_ext.split_data_ml100k`.
    num_users, num_items : int
    id_map : IdMap
        Original id of every new id (the identity when ids already run ``1..n``).

    Raises
    ------
    DataNotFoundError
        There is no such file.
    DataFormatError
        The file is empty, or lines are malformed, non-numeric, out of range or
        duplicated (the message quotes the first offending lines with their numbers).
    """
    import pandas as pd
    if duplicates not in ('error', 'first', 'last'):
        raise InvalidArgumentError(f"duplicates must be 'error', 'first' or 'last'; "
                                   f"found {duplicates!r}.")
    low, high = rating_range
    if not (isinstance(low, int) and isinstance(high, int) and 0 < low <= high):
        raise InvalidArgumentError(f'rating_range must be two whole numbers 0 < low <= '
                                   f'high (0 means unobserved); found {rating_range!r}.')
    name, text = _lines(source)
    lines = text.splitlines()
    numbers, rows = [], []
    for n, line in enumerate(lines, 1):
        if line.strip():
            numbers.append(n)
            rows.append(line.strip('\r\n').split(sep) if sep is not None else line.split())
    if not rows:
        raise DataFormatError(f'{name}: the file holds no ratings (it is empty). Expected '
                              f'one "user item rating timestamp" line per rating.')
    sep_word = 'tabs' if sep == '\t' else repr(sep)
    width = len(rows[0])
    bad = [n for n, r in zip(numbers, rows) if len(r) != width or width not in (3, 4)]
    if bad:
        raise _quote(name, lines, bad, f'do not have {width if width in (3, 4) else 4} '
                     f'fields separated by {sep_word}',
                     'Expected "user item rating timestamp" (the timestamp may be left '
                     'out on every line). Fix those lines, or pass the right sep=.')
    table = onp.array(rows, dtype=object)
    values = onp.zeros((len(rows), 4), dtype=onp.int64)
    for column in range(width):
        parsed = pd.to_numeric(pd.Series(table[:, column]).str.strip(), errors='coerce')
        floats = parsed.to_numpy(dtype=onp.float64, na_value=onp.nan)
        whole = onp.isfinite(floats) & (onp.floor(floats) == floats) & (
            onp.abs(floats) < 2 ** 53)
        if not whole.all():
            bad = [numbers[k] for k in onp.flatnonzero(~whole)]
            raise _quote(name, lines, bad, f'have a {COLUMNS[column]} that is not a whole '
                         f'number', 'Every field must be a whole number (ratings too: '
                         'round half stars first). Fix or delete those lines.')
        values[:, column] = floats.astype(onp.int64)
    data = pd.DataFrame(values, columns=COLUMNS)
    out = ~data.rating.between(low, high).to_numpy()
    if out.any():
        bad = [numbers[k] for k in onp.flatnonzero(out)]
        raise _quote(name, lines, bad, f'have a rating outside {low}-{high}',
                     f'Ratings must be whole numbers from {low} to {high} (0 would mean '
                     f'"unobserved"). Fix those lines, or pass rating_range=.')
    pairs = data.duplicated(['user_id', 'item_id'], keep=False).to_numpy()
    if pairs.any():
        if duplicates == 'error':
            bad = [numbers[k] for k in onp.flatnonzero(pairs)]
            raise _quote(name, lines, bad, 'rate a (user, item) pair that is rated on '
                         'another line too', "Keep one line per pair, or pass "
                         "duplicates='last' (d2l's matrix keeps the last) or 'first'.")
        keep = ~data.duplicated(['user_id', 'item_id'], keep=duplicates).to_numpy()
        data = data[keep].reset_index(drop=True)
    if remap:
        return remap_ids(data)
    for column, what in (('user_id', 'user'), ('item_id', 'item')):
        ids = onp.unique(data[column].to_numpy())
        if ids[0] != 1 or ids[-1] != len(ids):
            missing = (onp.setdiff1d(onp.arange(1, ids[-1] + 1), ids)[:_SHOW].tolist()
                       if 0 < ids[-1] <= 10 ** 7 else [])
            raise DataFormatError(
                f'{name}: {what} ids must run 1..n without gaps for d2l (it indexes the '
                f'matrix with id - 1); found {len(ids)} distinct ids from {ids[0]} to '
                f'{ids[-1]}' + (f', missing e.g. {missing}' if missing else '') +
                '. Pass remap=True to map them to 1..n.')
    num_users, num_items = int(data.user_id.max()), int(data.item_id.max())
    return data, num_users, num_items, IdMap(onp.arange(1, num_users + 1),
                                             onp.arange(1, num_items + 1))
