"""Interaction matrices as the package stores them: dense or CSR, and their checks.

A dense float32 interaction matrix costs ``4 * rows * cols`` bytes whatever the number of
ratings (3 GB for ML-10M); stored as CSR (``scipy.sparse.csr_matrix``) it costs about
``8 * ratings`` bytes. :func:`d2l_ext.data.interaction_matrix` builds either
(``storage=``); :func:`choose_storage` says which ``'auto'`` means. Every fitter checks its
matrices with :func:`check_ratings` before its first step; every ratings table has its ids
checked by :func:`check_ids`. 0 = unobserved everywhere.
"""
import numpy as onp

from .errors import DataFormatError, InvalidArgumentError

__all__ = ['STORAGES', 'DENSE_LIMIT_BYTES', 'dense_bytes', 'choose_storage', 'is_sparse',
           'as_csr', 'check_ids', 'check_ratings']

#: The accepted values of ``storage``.
STORAGES = ('auto', 'dense', 'sparse')
#: ``storage='auto'`` stores a matrix sparse when one dense float32 copy would take more.
DENSE_LIMIT_BYTES = 1 << 30


def dense_bytes(rows, cols, itemsize=4):
    """Bytes of one dense ``(rows, cols)`` matrix (float32 by default)."""
    return int(rows) * int(cols) * int(itemsize)


def choose_storage(shape, storage='auto', limit=DENSE_LIMIT_BYTES):
    """``'dense'`` or ``'sparse'`` for a matrix of ``shape``: ``'auto'`` is sparse when one
    dense float32 copy would exceed ``limit`` bytes; the others are returned as they are.

    Raises
    ------
    InvalidArgumentError
        ``storage`` is not one of :data:`STORAGES`.
    """
    if storage not in STORAGES:
        raise InvalidArgumentError(f'storage must be one of {STORAGES}; found {storage!r}. '
                                   f"Use 'dense', 'sparse' or 'auto'.")
    if storage != 'auto':
        return storage
    return 'sparse' if dense_bytes(*shape) > limit else 'dense'


def is_sparse(matrix):
    """True for a ``scipy.sparse`` matrix or array (without importing scipy otherwise)."""
    return hasattr(matrix, 'tocsr') and hasattr(matrix, 'nnz')


def as_csr(matrix):
    """``matrix`` (dense or any scipy.sparse) as a canonical float32 CSR matrix: int32
    indices where they fit, sorted column indices, no stored zeros (0 = unobserved)."""
    from scipy import sparse
    csr = sparse.csr_matrix(matrix, dtype=onp.float32)
    if csr is matrix:
        csr = csr.copy()
    csr.eliminate_zeros()
    csr.sort_indices()
    if csr.indices.dtype != onp.int32 and csr.nnz < 2 ** 31 and csr.shape[1] < 2 ** 31:
        csr.indices = csr.indices.astype(onp.int32)
        csr.indptr = csr.indptr.astype(onp.int32)
    return csr


def check_ids(ids, size, what):
    """Refuse 1-based ids outside ``1..size``: the package's one id-range check.

    Parameters
    ----------
    ids : array-like of numbers
        User or item ids as read (from 1).
    size : int
        ``num_users`` or ``num_items``.
    what : {'user', 'item'}

    Raises
    ------
    DataFormatError
        Naming the first id out of range and how many there are.
    """
    ids = onp.asarray(ids, dtype=onp.float64)
    bad = (ids < 1) | (ids > size)
    if bad.any():
        raise DataFormatError(
            f'{what} ids must run from 1 to num_{what}s={size}; found {what} id '
            f'{int(ids[bad][0])} ({int(bad.sum())} rows out of range). Pass the right '
            f'num_{what}s, or map the ids to 1..n first with d2l.remap_ids (d2l '
            f'indexes the matrix with id - 1).')


def check_ratings(matrix, name):
    """Refuse NaN, inf, negative ratings (and, in a sparse matrix, stored zeros).

    Called by every fitter of :mod:`d2l_ext.lab` on its training and held-out matrices
    before the first step. In a dense matrix 0 means unobserved; a sparse matrix stores
    only observed entries, so a stored 0 is a rating coded as 0, which the package cannot
    tell from "unobserved".

    Parameters
    ----------
    matrix : numpy.ndarray or scipy.sparse matrix of shape (rows, cols)
    name : str
        How the error names the matrix (e.g. ``'train'``, ``"evals['val']"``).

    Raises
    ------
    DataFormatError
        Naming the matrix, the first bad entry ``[row, col]`` and its value.
    """
    if is_sparse(matrix):
        csr = matrix.tocsr()
        values = csr.data
        bad = ~onp.isfinite(values) | (values <= 0)
        if bad.any():
            k = int(onp.flatnonzero(bad)[0])
            row = int(onp.searchsorted(csr.indptr, k, side='right') - 1)
            where, value = (row, int(csr.indices[k])), values[k]
    else:
        values = onp.asarray(matrix)
        bad = ~onp.isfinite(values) | (values < 0)
        if bad.any():
            where = onp.unravel_index(int(onp.flatnonzero(bad)[0]), values.shape)
            value = values[where]
    if bad.any():
        coded = ' (a stored 0 in a sparse matrix)' if value == 0 else ''
        raise DataFormatError(
            f'The {name} matrix must hold ratings > 0 where observed and 0 elsewhere; '
            f'found {float(value)!r}{coded} at [{int(where[0])}, {int(where[1])}] '
            f'({int(bad.sum())} such entries). Drop or fix those ratings before fitting '
            f'(build the matrix with d2l_ext.data.interaction_matrix).')
