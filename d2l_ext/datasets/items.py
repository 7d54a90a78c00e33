"""MovieLens-100K's movies: titles with their year, release dates and genres (``u.item``).

``u.item`` has one line per movie, ``|``-separated, in **Latin-1** (not UTF-8: titles such
as "Cité des enfants perdus" hold bytes that are not valid UTF-8)::

    movie id | title (year) | release date | video release date | IMDb URL | 19 genre flags

The 19 flags are 0/1 and follow the genres listed in ``u.genre`` (``name|index`` lines,
``unknown|0`` to ``Western|18``). A movie may have several genres. Movie ids run from 1 to
1682, the item ids of ``u.data``, so row ``i`` of the interaction matrix is the movie with
id ``i + 1``.

:func:`read_items_ml100k` locates the data set as :func:`d2l_ext.read_data_ml100k` does
(which verifies ``u.data``), then checks ``u.item`` and ``u.genre`` against their SHA-256
before reading them; :func:`parse_items` reads files of that layout without a checksum
(your own catalogue, or a test's).
"""
import re

import numpy as onp

from ..errors import DataFormatError, DataNotFoundError
from .registry import ML100K
from .store import _verify, find_dataset

__all__ = ['ITEM_FILES_SHA256', 'ITEM_COLUMNS', 'read_genres', 'parse_items',
           'read_items_ml100k']

#: SHA-256 of the official ML-100K files this module reads (from the extracted archive).
ITEM_FILES_SHA256 = {
    'u.item': '553841ebc7de3a0fd0d6b62a204ea30c1e651aacfb2814c7a6584ac52f2c5701',
    'u.genre': '9757e0d3e6b298159a80dd48eaf938114690e911e39af97a76949ef1663610bb',
}
#: The columns of :func:`parse_items`' frame before the genre flags.
ITEM_COLUMNS = ['item_id', 'title', 'year', 'release_date', 'genres']
ENCODING = 'latin-1'
_YEAR = re.compile(r'\((\d{4})\)')


def _read_text(path, what):
    if not path.is_file():
        raise DataNotFoundError(f'{path} is missing: expected {what}. The official '
                                f'{ML100K.name}.zip contains it: extract the whole '
                                f'archive, not only {ML100K.key_file}.')
    return path.read_bytes().decode(ENCODING)  # Latin-1 decodes every byte


def read_genres(path):
    """Read ``u.genre``: the genre names in the order of ``u.item``'s flags.

    Parameters
    ----------
    path : pathlib.Path
        Lines ``name|index`` with indices ``0, 1, 2, ...`` in order (blank lines skipped).

    Returns
    -------
    list of str
        ``['unknown', 'Action', ..., 'Western']`` for the official file (19 names).

    Raises
    ------
    DataNotFoundError
        The file is missing.
    DataFormatError
        A line is not ``name|index``, or the indices do not run ``0, 1, 2, ...``.
    """
    names = []
    for number, line in enumerate(_read_text(path, 'the genre names').splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split('|')
        if len(fields) != 2 or fields[1].strip() != str(len(names)) or not fields[0]:
            raise DataFormatError(f'{path}, line {number}: expected "name|{len(names)}" '
                                  f'(genre names numbered from 0 in order), found '
                                  f'{line[:80]!r}. Re-extract the official '
                                  f'{ML100K.name}.zip.')
        names.append(fields[0])
    if not names:
        raise DataFormatError(f'{path} is empty; expected one "name|index" line per genre. '
                              f'Re-extract the official {ML100K.name}.zip.')
    return names


def parse_items(path, genres):
    """Read a file in ``u.item``'s layout (Latin-1, ``|``-separated), checked line by line.

    Parameters
    ----------
    path : pathlib.Path
        One movie per line: id, title (usually ending with its year in parentheses),
        release date (``01-Jan-1995`` or empty), video release date, IMDb URL, then one
        0/1 flag per genre. Ids must run ``1..n`` in order (they index the matrix rows).
    genres : list of str
        The genre names, in the order of the flags (see :func:`read_genres`).

    Returns
    -------
    pandas.DataFrame
        One row per movie, in id order: ``item_id`` (int64), ``title`` (as in the file,
        e.g. ``'Godfather, The (1972)'``), ``year`` (nullable Int64, from the title's last
        ``(yyyy)``), ``release_date`` (datetime64, NaT when empty), ``genres`` (the
        movie's genre names joined by ``'|'``), then one int8 column per genre.

    Raises
    ------
    DataNotFoundError
        The file is missing.
    DataFormatError
        A line has the wrong number of fields, a flag that is not 0 or 1, a date that is
        not ``dd-Mon-yyyy``, or an id out of order; the message quotes the first bad line.
    """
    import pandas as pd
    text = _read_text(path, "the movies' titles and genres")
    width = 5 + len(genres)
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split('|')
        problem = _problem(fields, width, len(rows) + 1)
        if problem:
            raise DataFormatError(f'{path}, line {number}: {problem}; found {line[:100]!r}. '
                                  f'Expected "id|title (year)|release date|video release '
                                  f'date|IMDb URL|{len(genres)} genre flags", Latin-1, as '
                                  f"in {ML100K.name}'s u.item: re-extract the official "
                                  f'{ML100K.name}.zip.')
        rows.append(fields)
    if not rows:
        raise DataFormatError(f'{path} holds no movie (it is empty); expected one line per '
                              f'movie. Re-extract the official {ML100K.name}.zip.')
    flags = onp.array([r[5:] for r in rows], dtype=onp.int8)
    titles = [r[1] for r in rows]
    years = [_year(title) for title in titles]
    frame = pd.DataFrame({
        'item_id': onp.arange(1, len(rows) + 1, dtype=onp.int64),
        'title': titles,
        'year': pd.array(years, dtype='Int64'),
        'release_date': pd.to_datetime([r[2] or None for r in rows], format='%d-%b-%Y'),
        'genres': ['|'.join(g for g, f in zip(genres, row) if f) for row in flags]})
    return pd.concat([frame, pd.DataFrame(flags, columns=genres)], axis=1)


def _problem(fields, width, expected_id):
    """What is wrong with one split line of ``u.item``, or ``''``."""
    if len(fields) != width:
        return f'expected {width} "|"-separated fields, found {len(fields)}'
    if fields[0].strip() != str(expected_id):
        return f'expected movie id {expected_id} (ids run 1, 2, 3, ... in order)'
    if any(flag not in ('0', '1') for flag in fields[5:]):
        return 'expected genre flags 0 or 1'
    if fields[2] and not re.fullmatch(r'\d{1,2}-[A-Z][a-z]{2}-\d{4}', fields[2]):
        return 'expected a release date like 01-Jan-1995 (or nothing)'
    return ''


def _year(title):
    found = _YEAR.findall(title)
    return int(found[-1]) if found else None


def read_items_ml100k(data_dir=None):
    """Read MovieLens-100K's movies (``u.item`` with the genre names of ``u.genre``).

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Where to look first; then as :func:`d2l_ext.read_data_ml100k` (``$D2L_DATA_DIR``,
        then ``../data``; missing data is downloaded).

    Returns
    -------
    pandas.DataFrame
        1682 rows, one per movie in id order (row ``i`` = item id ``i + 1`` = row ``i``
        of the item-based interaction matrix); columns as in :func:`parse_items`.

    Raises
    ------
    DataNotFoundError
        The data set, or ``u.item``/``u.genre`` in it, is missing.
    DataChecksumError
        ``u.item`` or ``u.genre`` is not the official file (damaged, or re-saved in
        another encoding).
    DataFormatError
        See :func:`parse_items`.
    """
    folder = find_dataset(ML100K, data_dir)
    for name, digest in ITEM_FILES_SHA256.items():
        _read_text(folder / name, "the movies' titles and genres")  # missing: say so first
        _verify(folder / name, digest, 'sha256',
                f'Replace {folder} with the extracted official {ML100K.name}.zip (the file '
                f'is Latin-1: an editor that saved it as UTF-8 changes it).')
    return parse_items(folder / 'u.item', read_genres(folder / 'u.genre'))
