"""Sparse storage, dense batches: rating matrices too large to hold dense.

A dense float32 interaction matrix costs ``4 * rows * cols`` bytes whatever the number of
ratings: 25 MB for ML-1M, 3 GB for ML-10M (10,677 items x 69,878 users), 34 GB for
Netflix (17,770 x 480,189), and training holds several copies (train, validation, test,
the reconstruction). Stored as CSR (``scipy.sparse.csr_matrix``: the non-zero values,
their column indices, one offset per row) a matrix costs ``8 * ratings + 4 * rows``
bytes: 80 MB for ML-10M's 10M ratings. Build one with
``d2l_ext.data.interaction_matrix(..., storage='sparse')`` (or ``'auto'``, see
:func:`d2l_ext.matrices.choose_storage`).

The network still sees dense rows: each mini-batch of rows is made dense on the fly
(:func:`dense_rows`, 256 rows x 480k columns is 0.5 GB), so the model, its loss, its
mask and its parameters are exactly those of the dense path. Evaluation reconstructs a
batch of rows at a time and keeps only the predictions at the observed entries of the
held-out rows (:func:`observed_predictions`); those are scored by the package's one RMSE,
:func:`d2l_ext.masked_rmse`, which takes them with the CSR held-out matrix.
"""
import numpy as onp

# The storage names, where the notebooks' ``sp.`` finds them (defined in d2l_ext.matrices).
from ..matrices import DENSE_LIMIT_BYTES, STORAGES, as_csr, choose_storage, dense_bytes, is_sparse

__all__ = ['dense_rows', 'observed_predictions', 'DENSE_LIMIT_BYTES', 'STORAGES', 'as_csr',
           'choose_storage', 'dense_bytes', 'is_sparse']


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
