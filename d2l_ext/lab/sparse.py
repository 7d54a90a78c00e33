"""Sparse storage, dense batches: rating matrices too large to hold dense.

A dense float32 interaction matrix costs ``4 * rows * cols`` bytes whatever the number of
ratings: 25 MB for ML-1M, 3 GB for ML-10M (10,677 items x 69,878 users), 34 GB for
Netflix (17,770 x 480,189), and training holds several copies (train, validation, test,
the reconstruction). Stored as CSR (``scipy.sparse.csr_matrix``: the non-zero values,
their column indices, one offset per row) a matrix costs ``8 * ratings + 4 * rows``
bytes: 80 MB for ML-10M's 10M ratings.

The network still sees dense rows: each mini-batch of rows is made dense on the fly
(:func:`dense_rows`, 256 rows x 480k columns is 0.5 GB), so the model, its loss, its
mask and its parameters are exactly those of the dense path. Evaluation reconstructs a
batch of rows at a time and keeps only the predictions at the observed entries of the
held-out rows (:func:`observed_predictions`); those are scored by the package's one RMSE,
:func:`d2l_ext.masked_rmse`.

:func:`choose_storage` says which path :func:`d2l_ext.lab.fitting.fit_autorec` takes:
``'auto'`` stores sparse when one dense float32 copy would exceed
:data:`DENSE_LIMIT_BYTES` (1 GiB).
"""
import numpy as onp

from ..errors import DataFormatError, InvalidArgumentError

__all__ = ['DENSE_LIMIT_BYTES', 'STORAGES', 'dense_bytes', 'choose_storage', 'is_sparse',
           'sparse_interaction_matrix', 'storage_matrix', 'as_csr', 'dense_rows',
           'observed_predictions', 'fill_default', 'seen_mask', 'sparse_rmse']

#: ``'auto'`` stores a matrix sparse when one dense float32 copy would take more bytes.
DENSE_LIMIT_BYTES = 1 << 30
#: The accepted values of ``storage``.
STORAGES = ('auto', 'dense', 'sparse')


def dense_bytes(rows, cols, itemsize=4):
    """Bytes of one dense ``(rows, cols)`` matrix (float32 by default)."""
    return int(rows) * int(cols) * int(itemsize)


def is_sparse(matrix):
    """True for a ``scipy.sparse`` matrix or array (without importing scipy otherwise)."""
    return hasattr(matrix, 'tocsr') and hasattr(matrix, 'nnz')


def choose_storage(shape, storage='auto', limit=DENSE_LIMIT_BYTES):
    """Return ``'dense'`` or ``'sparse'`` for a matrix of ``shape``.

    Parameters
    ----------
    shape : (int, int)
        ``(rows, cols)`` of the interaction matrix.
    storage : {'auto', 'dense', 'sparse'}, default 'auto'
        ``'dense'`` and ``'sparse'`` force a path; ``'auto'`` is ``'sparse'`` when a dense
        float32 copy would exceed ``limit`` bytes, else ``'dense'``.
    limit : int, default :data:`DENSE_LIMIT_BYTES`

    Raises
    ------
    InvalidArgumentError
        ``storage`` is not one of :data:`STORAGES`.
    """
    if storage not in STORAGES:
        raise InvalidArgumentError(f'storage must be one of {STORAGES}; found {storage!r}.')
    if storage != 'auto':
        return storage
    return 'sparse' if dense_bytes(*shape) > limit else 'dense'


def sparse_interaction_matrix(data, num_users, num_items, variant='item'):
    """The interaction matrix as CSR: :func:`d2l_ext.interaction_matrix`, stored sparse.

    Parameters
    ----------
    data : pandas.DataFrame
        Ratings; the first three columns are user id, item id, rating (ids from 1;
        ratings > 0, half stars allowed).
    num_users, num_items : int
    variant : {'item', 'user'}
        ``'item'``: shape ``(num_items, num_users)``; ``'user'``: its transpose.

    Returns
    -------
    scipy.sparse.csr_matrix
        float32 values, int32 indices, sorted column indices; a later duplicate
        (user, item) pair overwrites an earlier one, as in the dense matrix.

    Raises
    ------
    DataFormatError
        An id is outside ``1..num_users``/``1..num_items`` or a rating is not > 0.
    """
    from scipy import sparse
    if variant not in ('item', 'user'):
        raise InvalidArgumentError(f"variant must be 'item' or 'user'; found {variant!r}.")
    users = data.iloc[:, 0].to_numpy(dtype=onp.int64) - 1
    items = data.iloc[:, 1].to_numpy(dtype=onp.int64) - 1
    values = data.iloc[:, 2].to_numpy(dtype=onp.float32)
    for ids, size, what in ((users, num_users, 'user'), (items, num_items, 'item')):
        bad = (ids < 0) | (ids >= size)
        if bad.any():
            raise DataFormatError(f'{what} ids must run from 1 to num_{what}s={size}; found '
                                  f'{int(ids[bad][0]) + 1} ({int(bad.sum())} rows out of '
                                  f'range). Pass the right num_{what}s or remap the ids '
                                  f'(d2l.remap_ids).')
    if not (values > 0).all():
        raise DataFormatError(f'ratings must be > 0 (0 means unobserved); found '
                              f'{float(values[~(values > 0)][0])}. Drop those rows.')
    rows, cols, shape = ((items, users, (num_items, num_users)) if variant == 'item'
                         else (users, items, (num_users, num_items)))
    # The last of duplicate pairs wins: a stable sort by cell keeps file order within one.
    cells = rows * shape[1] + cols
    order = onp.argsort(cells, kind='stable')
    cells = cells[order]
    last = onp.ones(len(cells), dtype=bool)
    last[:-1] = cells[1:] != cells[:-1]
    keep = order[last]
    matrix = sparse.csr_matrix((values[keep], (rows[keep].astype(onp.int32),
                                               cols[keep].astype(onp.int32))), shape=shape)
    return as_csr(matrix)


def storage_matrix(data, num_users, num_items, variant='item', storage='auto'):
    """The interaction matrix in the storage :func:`choose_storage` picks for its shape.

    Dense matrices are :func:`d2l_ext.interaction_matrix`'s (NumPy float32) when every
    rating is a whole number, else the CSR matrix made dense (half stars); sparse ones
    are :func:`sparse_interaction_matrix`'s.
    """
    shape = (num_items, num_users) if variant == 'item' else (num_users, num_items)
    if choose_storage(shape, storage) == 'sparse':
        return sparse_interaction_matrix(data, num_users, num_items, variant)
    ratings = data.iloc[:, 2].to_numpy(dtype=onp.float64)
    if onp.all(onp.floor(ratings) == ratings):
        from ..data import interaction_matrix
        return interaction_matrix(data, num_users, num_items, variant)
    return sparse_interaction_matrix(data, num_users, num_items, variant).toarray()


def as_csr(matrix):
    """``matrix`` (dense or any scipy.sparse) as a canonical float32 CSR matrix.

    Canonical: int32 indices where they fit, sorted column indices, no explicit zeros
    (0 means unobserved, so a stored zero is not a rating).
    """
    from scipy import sparse
    csr = sparse.csr_matrix(matrix, dtype=onp.float32)
    if csr is matrix:
        csr = csr.copy()
    csr.eliminate_zeros()
    csr.sort_indices()
    if csr.indices.dtype != onp.int32 and csr.nnz < 2 ** 31 and csr.shape[1] < 2 ** 31:
        csr.indices = csr.indices.astype(onp.int32)
        csr.indptr = csr.indptr.astype(onp.int32 if csr.nnz < 2 ** 31 else onp.int64)
    return csr


def dense_rows(csr, index, out=None):
    """Rows ``index`` of a CSR matrix as a dense float32 array ``(len(index), cols)``.

    Parameters
    ----------
    csr : scipy.sparse.csr_matrix
    index : array of int
        Row numbers, in the order wanted (e.g. a shuffled slice).
    out : numpy.ndarray, optional
        A float32 buffer of at least ``(len(index), cols)`` to fill (reused between
        batches to save allocations).
    """
    index = onp.asarray(index)
    rows = csr[index]  # scipy's row gather (compiled), then its compiled densify
    if out is None:
        return rows.toarray()
    out = out[:len(index)]
    out[...] = 0
    return rows.toarray(out=out)


def seen_mask(train):
    """Which rows and columns of a CSR training matrix hold at least one rating.

    Returns
    -------
    rows_seen, cols_seen : numpy.ndarray of bool
        Shapes ``(rows,)`` and ``(cols,)``; what ``default_rating`` of
        :func:`d2l_ext.masked_rmse` looks at.
    """
    rows_seen = onp.diff(train.indptr) > 0
    cols_seen = onp.bincount(train.indices, minlength=train.shape[1]) > 0
    return rows_seen, cols_seen


def observed_predictions(reconstruct_rows, held_out, batch_rows):
    """The predictions at the observed entries of CSR matrices, one batch of rows at a time.

    Parameters
    ----------
    reconstruct_rows : callable
        ``reconstruct_rows(begin, end)`` returns the prediction of rows ``begin:end``,
        a NumPy array ``(end - begin, cols)``.
    held_out : list of scipy.sparse.csr_matrix
        The matrices to score (canonical CSR, see :func:`as_csr`), all of one shape; one
        reconstruction of a batch serves them all. Batches of rows where none of them has
        an entry are not reconstructed.
    batch_rows : int
        Rows reconstructed at once.

    Returns
    -------
    list of numpy.ndarray
        One float32 vector per matrix: its predictions in CSR order (matching ``.data``).
    """
    rows = held_out[0].shape[0]
    preds = [onp.empty(m.nnz, dtype=onp.float32) for m in held_out]
    for begin in range(0, rows, batch_rows):
        end = min(begin + batch_rows, rows)
        if all(m.indptr[begin] == m.indptr[end] for m in held_out):
            continue
        recons = reconstruct_rows(begin, end)
        for m, pred in zip(held_out, preds):
            lo, hi = m.indptr[begin], m.indptr[end]
            local = onp.repeat(onp.arange(end - begin), onp.diff(m.indptr[begin:end + 1]))
            pred[lo:hi] = recons[local, m.indices[lo:hi]]
    return preds


def fill_default(pred, held_out, train, default_rating):
    """Predict ``default_rating`` where :func:`d2l_ext.masked_rmse` would: at the observed
    entries of ``held_out`` whose row or column has no rating in ``train`` (in place).

    Parameters
    ----------
    pred : numpy.ndarray
        Predictions at ``held_out``'s entries, in CSR order (from
        :func:`observed_predictions`).
    held_out, train : scipy.sparse.csr_matrix
    default_rating : float or None
        None leaves ``pred`` as it is.
    """
    if default_rating is None:
        return pred
    rows_seen, cols_seen = seen_mask(train)
    row_of = onp.repeat(onp.arange(held_out.shape[0]), onp.diff(held_out.indptr))
    pred[~rows_seen[row_of] | ~cols_seen[held_out.indices]] = default_rating
    return pred


def sparse_rmse(held_out, pred, *, train=None, clip=None, default_rating=None):
    """:func:`d2l_ext.masked_rmse` of predictions at a CSR matrix's observed entries.

    The observed entries and their predictions are handed to :func:`d2l_ext.masked_rmse`
    as one row each (``default_rating`` filled in first by :func:`fill_default`), so the
    package keeps one RMSE formula, ``clip`` included.
    """
    from ..evaluation import masked_rmse
    if default_rating is not None and train is None:
        raise InvalidArgumentError('default_rating needs train=, the training matrix that '
                                   'says which users and items were seen.')
    pred = fill_default(pred.copy(), held_out, train, default_rating)
    return masked_rmse(held_out.data[None, :], pred[None, :], clip=clip)
