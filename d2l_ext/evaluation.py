"""Masked RMSE of AutoRec's reconstruction, as d2l's AutoRec ``evaluator``.

Notation (one for the whole package): the interaction matrix has the items as rows and the
users as columns, shape ``(num_items, num_users)`` for item-based AutoRec (the transpose for
user-based), 0 = unobserved. The net reconstructs each row of the *training* matrix; the
error is measured on the observed entries of the *test* matrix of the same shape.
"""
import numpy as onp
from mxnet import base

from .devices import resolve_devices, split_and_load
from .errors import EmptyDataError, InvalidArgumentError, ShapeMismatchError
from .matrices import is_sparse

__all__ = ['evaluator', 'predict', 'masked_rmse']


def predict(network, inter_matrix, devices=None):
    """Reconstruct every row that ``inter_matrix`` yields, in prediction mode.

    Parameters
    ----------
    network : mxnet.gluon.Block
        A trained AutoRec (or any Block mapping ``(batch, n)`` to ``(batch, n)``).
    inter_matrix : iterable of mxnet.numpy.ndarray
        Batches of rows of the *training* interaction matrix (item rows, shape
        ``(batch, num_users)``, for item-based AutoRec), in order, for example
        ``gluon.data.DataLoader(train_inter_mat, batch_size=1024, shuffle=False)``.
    devices : list of mxnet.Context, optional
        Defaults to :func:`try_all_gpus` (the CPU on a machine without GPUs); an empty
        list means the CPU with a warning, a missing GPU raises ``DeviceError`` (see
        :func:`d2l_ext.devices.resolve_devices`).

    Raises
    ------
    ShapeMismatchError
        The net cannot take the batches (built for another number of columns).
    EmptyDataError
        ``inter_matrix`` yields no batch.

    Returns
    -------
    numpy.ndarray
        float32 array of shape ``(rows, n)``.
    """
    devices = resolve_devices(devices)
    scores = []
    for values in inter_matrix:
        for part in split_and_load(values, devices, even_split=False):
            try:
                scores.append(network(part).asnumpy())
            except base.MXNetError as error:
                raise shape_error(network, part, error) from None
    if not scores:
        raise EmptyDataError('The batches to reconstruct (test_iter) yielded nothing: '
                             'expected the training matrix in batches of rows. Check that '
                             'the DataLoader was built from a non-empty matrix.')
    return onp.concatenate(scores)


def shape_error(network, batch, error):
    """A :class:`ShapeMismatchError` for a net that failed on ``batch`` (MXNet's words kept
    short), naming the parameter shapes the net already has."""
    known = [f'{name} {tuple(p.shape)}' for name, p in network.collect_params().items()
             if p.shape and all(d > 0 for d in p.shape)]
    lines = [l for l in str(error).splitlines() if l.strip() and 'Stack trace' not in l]
    return ShapeMismatchError(
        f'The net cannot take a batch of shape {tuple(batch.shape)}: '
        f'{lines[0][:300] if lines else type(error).__name__}. Parameters: '
        f'{", ".join(known) or "not yet initialised"}. Expected a net built for '
        f'{batch.shape[-1]} columns (e.g. AutoRec(num_hidden=500, num_users={batch.shape[-1]})): '
        f'build the net for this matrix, or the matrix from the same num_users/num_items.')


def masked_rmse(test_data, recons, *, train=None, clip=None, default_rating=None):
    """Root mean squared error over the observed (non-zero) entries of ``test_data``.

    The one RMSE of this package: the chapter's evaluator, the lab's fitters (dense or
    sparse storage) and the paper's protocol all score with it.

    Parameters
    ----------
    test_data : array-like or scipy.sparse matrix of shape (rows, n)
        Held-out ratings, 0 = unobserved: rows are items and columns users for
        item-based AutoRec. NumPy or MXNet arrays, or a CSR (any scipy.sparse) matrix.
    recons : array-like of shape (rows, n), or of shape (nnz,) for a CSR ``test_data``
        Predictions for every entry; for a sparse ``test_data``, either that or only the
        predictions at its stored entries in CSR order (row by row, columns sorted: see
        :func:`d2l_ext.lab.sparse.observed_predictions`).
    train : array-like or scipy.sparse matrix of shape (rows, n), optional, keyword-only
        The training ratings; needed for ``default_rating``.
    clip : (float, float), optional, keyword-only
        Clip the predictions to this range first (the paper: ``(1, 5)``).
    default_rating : float, optional, keyword-only
        Predict this for the rows and columns with no training rating, i.e. users or
        items never seen in training (the paper: 3).

    Returns
    -------
    float
        :math:`\\sqrt{\\sum_{(i,u) \\in T} (R_{iu} - \\hat R_{iu})^2 / |T|}` with T the
        observed (non-zero) (item, user) entries of ``test_data``.

    Raises
    ------
    ShapeMismatchError
        The shapes differ.
    EmptyDataError
        ``test_data`` has no observed entry (the RMSE would be 0/0).
    InvalidArgumentError
        ``default_rating`` without ``train``.
    """
    if default_rating is not None and train is None:
        raise InvalidArgumentError('default_rating needs train=, the training matrix that '
                                   'says which users and items were seen, e.g. '
                                   'masked_rmse(test, recons, train=train, default_rating=3).')
    recons = _as_numpy(recons)
    if is_sparse(test_data):
        csr = _canonical_csr(test_data)
        rows = onp.repeat(onp.arange(csr.shape[0]), onp.diff(csr.indptr))
        cols, truth = csr.indices, csr.data
        if recons.shape != (csr.nnz,):
            _check_shapes(csr.shape, recons.shape)
            recons = recons[rows, cols]
        pred, shape = recons.astype(onp.float64), csr.shape
    else:
        # Only the observed entries are converted to float64 (a few percent of the matrix).
        test_data = _as_numpy(test_data)
        _check_shapes(test_data.shape, recons.shape)
        observed = test_data != 0  # a boolean mask: 10x faster than nonzero() here
        truth, pred, shape = test_data[observed], recons[observed].astype(onp.float64), \
            test_data.shape
        if default_rating is not None:
            rows, cols = onp.nonzero(observed)
    if truth.size == 0:
        raise EmptyDataError(f'The held-out matrix of shape {shape} has no '
                             f'observed (non-zero) rating, so the RMSE is undefined '
                             f'(expected at least one rating). Check the split: the test '
                             f'or validation part is empty (test_ratio=0, or too little '
                             f'data).')
    if default_rating is not None:
        rows_seen, cols_seen = _seen(train)
        pred[~rows_seen[rows] | ~cols_seen[cols]] = default_rating
    if clip is not None:
        pred = onp.clip(pred, *clip)
    error = truth.astype(onp.float64) - pred
    return float(onp.sqrt(onp.square(error).sum() / truth.size))


def _check_shapes(test_shape, recons_shape):
    if tuple(test_shape) != tuple(recons_shape):
        raise ShapeMismatchError(
            f'The reconstruction has shape {tuple(recons_shape)} but the test matrix has '
            f'shape {tuple(test_shape)}: both must be (rows, columns) of the same '
            f'interaction matrix. Check that test_iter yields the training matrix in its '
            f'original order (shuffle=False) and that the net was built for '
            f'{test_shape[-1]} columns.')


def _canonical_csr(matrix):
    """CSR with sorted indices and no stored zeros (a copy only when needed)."""
    csr = matrix.tocsr()
    if not csr.has_sorted_indices or (csr.data == 0).any():
        csr = csr.copy()
        csr.eliminate_zeros()
        csr.sort_indices()
    return csr


def _seen(train):
    """Which rows and which columns of ``train`` (dense or sparse) hold a rating."""
    if is_sparse(train):
        csr = _canonical_csr(train)
        return (onp.diff(csr.indptr) > 0,
                onp.bincount(csr.indices, minlength=csr.shape[1]) > 0)
    seen = _as_numpy(train) != 0
    return seen.any(axis=1), seen.any(axis=0)


def _as_numpy(array):
    return onp.asarray(array.asnumpy() if hasattr(array, 'asnumpy') else array)


def evaluator(network, inter_matrix, test_data, devices=None):
    """Test RMSE of AutoRec, as in d2l's AutoRec section.

    The network reconstructs each row :math:`\\mathbf{r}_i` (item :math:`i`'s ratings by
    all users) of the training matrix (``inter_matrix``); the error is measured only
    where ``test_data`` has a rating:
    :math:`\\sqrt{\\sum_{(i,u) \\in T} (R^{test}_{iu} - h(\\mathbf{r}_i)_u)^2 / |T|}`.

    Parameters
    ----------
    network : mxnet.gluon.Block
        The AutoRec to evaluate.
    inter_matrix : iterable of mxnet.numpy.ndarray
        Batches of the training interaction matrix's rows, in order (d2l's ``test_iter``).
    test_data : mxnet.numpy.ndarray or numpy.ndarray
        Test interaction matrix of shape ``(num_items, num_users)``, 0 = unobserved.
    devices : list of mxnet.Context, optional
        Defaults to :func:`try_all_gpus` (see :func:`predict`).

    Returns
    -------
    float
        The masked RMSE (see :func:`masked_rmse`).
    """
    return masked_rmse(test_data, predict(network, inter_matrix, devices))
