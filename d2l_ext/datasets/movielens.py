"""Readers of the MovieLens files named in :mod:`.registry`.

- ML-100K's ``u.data`` and its canonical folds ``u1.base``/``u1.test`` ... (tab-separated
  ``user item rating timestamp``, ids from 1 without gaps);
- ML-1M's ``ratings.dat`` (``UserID::MovieID::Rating::Timestamp``; movie ids from 1 to 3952
  with gaps, so ids are mapped to contiguous ones by :func:`.ratings.remap_ids`, which is
  what every interaction-matrix helper of this package expects: ``index = id - 1``);
- ML-10M's ``ratings.dat``, the same layout with half stars (0.5 to 5.0), inside the
  folder ``ml-10M100K/`` of ``ml-10m.zip``.

Each reader accepts exactly the rating scale its data set has (``rating_scale`` in
:mod:`.registry`).

The ML-100K archive ships five 80/20 folds ``u1``..``u5`` whose test sets partition
``u.data`` (5-fold cross-validation), and ``ua``/``ub``, which hold out exactly 10 ratings
per user. The data set's folder is located and verified once per call of
:func:`canonical_splits_ml100k`, however many folds are read.
"""
import io

import numpy as onp

from ..errors import DataFormatError, DataNotFoundError, InvalidArgumentError
from .ratings import COLUMNS, remap_ids
from .registry import ML1M, ML10M, ML100K
from .store import find_dataset

__all__ = ['read_table', 'read_split_ml100k', 'canonical_splits_ml100k', 'read_data_ml1m',
           'read_data_ml10m', 'parse_ratings_dat']


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


def parse_ratings_dat(path, spec=ML1M):
    """Read a ``ratings.dat`` file (ML-1M's or ML-10M's layout); map ids to contiguous ones.

    Parameters
    ----------
    path : str or os.PathLike
        Lines ``UserID::MovieID::Rating::Timestamp``: integer ids and timestamps, ratings
        from ``spec.rating_scale`` (1-5 for ML-1M; 0.5-5.0 in half stars for ML-10M).
    spec : DatasetSpec, default :data:`~.registry.ML1M`
        Whose rating scale is accepted (and named in error messages).

    Returns
    -------
    data : pandas.DataFrame
        ``user_id, item_id, rating, timestamp, movie_id``, in file order; int64, except
        ``rating``, which is float64 when the scale has half stars. ``user_id`` and
        ``item_id`` run from 1 to ``num_users`` and ``num_items`` (in increasing order of
        the original ids, by :func:`.ratings.remap_ids`); ``movie_id`` keeps the original.
    num_users, num_items : int

    Raises
    ------
    DataFormatError
        A line without four ``::``-separated fields (integers, the rating a number), a
        rating outside the scale, or an empty file; the message names the file and the
        first bad line.
    """
    import pandas as pd
    with open(path, 'rb') as f:
        raw = f.read()
    if not raw.strip():
        raise DataFormatError(f'{path} is empty; expected lines '
                              f'"UserID::MovieID::Rating::Timestamp". Re-extract '
                              f'{spec.name}.zip.')
    try:
        if b'\t' in raw:  # '::' becomes a tab below, so a tab already there is an error
            raise ValueError('a tab character')
        frame = pd.read_csv(io.BytesIO(raw.replace(b'::', b'\t')), sep='\t', header=None,
                            names=COLUMNS, engine='c',
                            dtype={'user_id': 'int64', 'item_id': 'int64',
                                   'rating': 'float64', 'timestamp': 'int64'})
    except (ValueError, pd.errors.ParserError) as error:
        raise _first_bad_line(path, raw.decode('latin-1'), error, spec) from None
    del raw
    out = ~frame.rating.isin(spec.rating_scale)
    if out.any():
        first = int(onp.flatnonzero(out.to_numpy())[0])
        raise DataFormatError(f'{path}, line {first + 1}: ratings must be '
                              f'{_scale_words(spec)}, found {frame.rating.iloc[first]:g} '
                              f'({int(out.sum())} such lines).')
    if spec.whole_stars:
        frame['rating'] = frame.rating.astype('int64')
    movie_id = frame.item_id.to_numpy()
    data, num_users, num_items, _ = remap_ids(frame)
    data['movie_id'] = movie_id
    return data, num_users, num_items


def _scale_words(spec):
    """``'1-5'`` or ``'0.5-5 in steps of 0.5'``: the scale as people say it."""
    scale = sorted(spec.rating_scale)
    step = scale[1] - scale[0] if len(scale) > 1 else 1
    words = f'{scale[0]:g}-{scale[-1]:g}'
    return words if step == 1 else f'{words} in steps of {step:g}'


def _first_bad_line(path, raw, error, spec=ML1M):
    """The error to raise for a file the fast parser refused: name its first bad line."""
    what = ('four integers' if spec.whole_stars
            else 'integers, the rating a number like 3.5')
    for number, line in enumerate(raw.splitlines(), start=1):
        fields = line.split('::')
        if len(fields) != 4 or not all(_is_number(f, k == 2 and not spec.whole_stars)
                                       for k, f in enumerate(fields)):
            return DataFormatError(f'{path}, line {number}: expected {what} '
                                   f'"UserID::MovieID::Rating::Timestamp", found '
                                   f'{line[:80]!r}. Re-extract the official '
                                   f'{spec.name}.zip.')
    return DataFormatError(f'{path}: expected lines "UserID::MovieID::Rating::Timestamp" '
                           f'({error}). Re-extract the official {spec.name}.zip.')


def _is_number(field, fraction):
    field = field.strip().lstrip('-')
    if fraction and field.count('.') == 1:
        field = field.replace('.', '')
    return field.isdigit()


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


def read_data_ml10m(data_dir=None):
    """Read the MovieLens-10M ratings (half stars), as :func:`read_data_ml1m` reads ML-1M.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Where to look first; then ``$D2L_DATA_DIR``, then ``../data``. Each may hold
        ``ml-10M100K/`` (the archive's folder), be that folder, or hold ``ml-10m.zip``.
        Missing data is downloaded from :data:`~.registry.ML10M`'s address (65 MB).

    Returns
    -------
    data : pandas.DataFrame
        ``user_id, item_id, rating, timestamp, movie_id``; ``rating`` is float64 in
        0.5..5.0; ids contiguous from 1 (see :func:`parse_ratings_dat`).
    num_users : int
        69878 for the official file.
    num_items : int
        10677 (rated movies) for the official file.

    Notes
    -----
    A dense float32 ``(num_items, num_users)`` matrix of ML-10M takes 3 GB: build its
    interaction matrices sparse (``d2l_ext.data.interaction_matrix(..., storage='sparse')``).
    """
    folder = find_dataset(ML10M, data_dir)
    return parse_ratings_dat(folder / ML10M.key_file, ML10M)
