"""MovieLens-100K's canonical splits, read from the data folder.

The archive ships five 80/20 folds ``u1.base``/``u1.test`` ... ``u5.base``/``u5.test``
whose test sets partition ``u.data`` (5-fold cross-validation), and ``ua``/``ub``, which
hold out exactly 10 ratings per user. Each file has ``u.data``'s layout (tab-separated
``user item rating timestamp``, ids from 1), so the frames returned here work with
everything that takes :func:`d2l_ext.read_data_ml100k`'s frame.
"""
import pandas as pd

from .data import COLUMNS
from .download import find_ml100k
from .errors import DataFormatError, DataNotFoundError

__all__ = ['SPLITS_ML100K', 'read_split_ml100k', 'canonical_splits_ml100k']

#: The split names the archive ships.
SPLITS_ML100K = ('u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub')


def _read(path):
    if not path.is_file():
        raise DataNotFoundError(f'{path} is missing. The official ml-100k.zip contains it: '
                                f'extract the whole archive, not only u.data.')
    try:
        frame = pd.read_csv(path, sep='\t', names=COLUMNS, dtype='int64', engine='c')
    except (ValueError, pd.errors.ParserError) as error:
        raise DataFormatError(f'{path}: expected tab-separated integer lines "user item '
                              f'rating timestamp", as in u.data ({error}).') from None
    if len(frame) == 0 or not frame.rating.between(1, 5).all():
        raise DataFormatError(f'{path}: expected ratings 1-5 on every line; found '
                              f'{len(frame)} lines with ratings {sorted(frame.rating.unique())[:10]}.')
    return frame


def read_split_ml100k(name, data_dir=None):
    """Read one canonical split of MovieLens-100K.

    Parameters
    ----------
    name : {'u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub'}
    data_dir : str or os.PathLike, optional
        Where to look first; then as :func:`d2l_ext.read_data_ml100k`.

    Returns
    -------
    train_data, test_data : pandas.DataFrame
        ``<name>.base`` and ``<name>.test`` with columns ``user_id, item_id, rating,
        timestamp`` (int64, ids from 1). Use ``num_users=943, num_items=1682`` (those of
        ``u.data``) for their matrices: a fold may miss some items.
    """
    if name not in SPLITS_ML100K:
        raise ValueError(f'name must be one of {SPLITS_ML100K}, not {name!r}.')
    folder = find_ml100k(data_dir)
    return _read(folder / f'{name}.base'), _read(folder / f'{name}.test')


def canonical_splits_ml100k(names=('u1', 'u2', 'u3', 'u4', 'u5'), data_dir=None):
    """The 5-fold cross-validation of MovieLens-100K (or any of its named splits).

    Returns
    -------
    list of (str, pandas.DataFrame, pandas.DataFrame)
        ``(name, train_data, test_data)``, the input of :func:`d2l_ext.protocol.run_protocol`.
    """
    return [(name, *read_split_ml100k(name, data_dir)) for name in names]
