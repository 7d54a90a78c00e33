"""Masked RMSE of AutoRec's reconstruction, as d2l's AutoRec ``evaluator``."""
import numpy as onp
from mxnet import gluon

from .devices import try_all_gpus
from .errors import D2LExtError

__all__ = ['evaluator', 'predict', 'masked_rmse']


def predict(network, inter_matrix, devices=None):
    """Reconstruct every row that ``inter_matrix`` yields, in prediction mode.

    Parameters
    ----------
    network : mxnet.gluon.Block
        A trained AutoRec (or any Block mapping ``(batch, n)`` to ``(batch, n)``).
    inter_matrix : iterable of mxnet.numpy.ndarray
        Batches of rows of the *training* interaction matrix, in order, for example
        ``gluon.data.DataLoader(train_inter_mat, batch_size=1024, shuffle=False)``.
    devices : list of mxnet.Context, optional
        Defaults to :func:`try_all_gpus` (the CPU on a machine without GPUs).

    Returns
    -------
    numpy.ndarray
        float32 array of shape ``(rows, n)``.
    """
    devices = try_all_gpus() if devices is None else devices
    scores = []
    for values in inter_matrix:
        for part in gluon.utils.split_and_load(values, devices, even_split=False):
            scores.append(network(part).asnumpy())
    return onp.concatenate(scores)


def masked_rmse(test_data, recons):
    """Root mean squared error over the observed (non-zero) entries of ``test_data``.

    Parameters
    ----------
    test_data : array-like of shape (rows, n)
        Held-out ratings, 0 = unobserved. NumPy or MXNet arrays.
    recons : array-like of shape (rows, n)
        Predictions for every entry.

    Returns
    -------
    float
        :math:`\\sqrt{\\sum_{(i,u) \\in O} (r_{iu} - \\hat r_{iu})^2 / |O|}` with O the
        non-zero entries of ``test_data``.
    """
    # Only the observed entries are converted to float64 (a few percent of the matrix).
    test_data = onp.asarray(test_data.asnumpy() if hasattr(test_data, 'asnumpy')
                            else test_data)
    recons = onp.asarray(recons.asnumpy() if hasattr(recons, 'asnumpy') else recons)
    if test_data.shape != recons.shape:
        raise D2LExtError(
            f'The reconstruction has shape {recons.shape} but the test matrix has shape '
            f'{test_data.shape}: both must be (rows, columns) of the same interaction '
            f'matrix. Check that test_iter yields the training matrix in its original '
            f'order (shuffle=False) and that the net was built for {test_data.shape[1]} '
            f'columns.')
    observed = onp.nonzero(test_data)
    count = len(observed[0])
    if count == 0:
        raise D2LExtError('The test matrix has no observed (non-zero) entries, so the '
                          'RMSE is undefined. Check the split: the test set is empty.')
    error = (test_data[observed].astype(onp.float64)
             - recons[observed].astype(onp.float64))
    return float(onp.sqrt(onp.square(error).sum() / count))


def evaluator(network, inter_matrix, test_data, devices=None):
    """Test RMSE of AutoRec, as in d2l's AutoRec section.

    The network reconstructs each row of the training matrix (``inter_matrix``); the
    error is measured only where ``test_data`` has a rating.

    Parameters
    ----------
    network : mxnet.gluon.Block
        The AutoRec to evaluate.
    inter_matrix : iterable of mxnet.numpy.ndarray
        Batches of the training interaction matrix's rows, in order (d2l's ``test_iter``).
    test_data : mxnet.numpy.ndarray or numpy.ndarray
        Test interaction matrix of shape ``(num_items, num_users)``, 0 = unobserved.
    devices : list of mxnet.Context, optional
        Defaults to :func:`try_all_gpus`.

    Returns
    -------
    float
        The masked RMSE (see :func:`masked_rmse`).
    """
    return masked_rmse(test_data, predict(network, inter_matrix, devices))
