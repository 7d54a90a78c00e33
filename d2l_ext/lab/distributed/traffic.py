"""How many bytes one training step moves, for AutoRec's shape, three ways.

I-AutoRec on a ``(rows, cols)`` matrix has an encoder ``Dense(num_hidden)`` over ``cols``
inputs and a decoder ``Dense(cols)``: ``2 * num_hidden * cols + num_hidden + cols``
float32 parameters. Per step and per worker:

- ``dense`` (what ``dist_sync`` does here): push the whole gradient, pull the whole sum
  (or the whole updated weights): ``4 * parameters`` bytes each way;
- ``row_sparse``: push and pull only the encoder columns and decoder rows of the columns
  observed in the batch (MXNet's ``row_sparse`` storage with
  ``kv.row_sparse_pull``; the gradient elsewhere is exactly zero, because of the mask);
  the saving is the fraction of columns a batch leaves untouched;
- ``item_sharded``: no copy of the model per worker; each of ``workers`` machines owns
  ``cols / workers`` of the encoder's inputs and of the decoder's outputs, and a step
  exchanges only the hidden layer: the partial encoder sums forward and the hidden
  gradient backward, ``batch_size * num_hidden`` floats each, all-reduced (every
  machine sees the whole batch, and only its columns of it).

All three are arithmetic on shapes (the dense one matches the bytes metered by
:class:`~d2l_ext.lab.distributed.kvstore.AveragingKVStore`).
"""
import numpy as onp

__all__ = ['FLOAT_BYTES', 'NETFLIX', 'autorec_shapes', 'dense_bytes', 'touched_fraction',
           'expected_touched_fraction', 'step_traffic']

#: Bytes of one float32.
FLOAT_BYTES = 4
#: Netflix Prize (I-AutoRec rows are items): items, users, ratings.
NETFLIX = (17_770, 480_189, 100_480_507)


def autorec_shapes(num_hidden, num_cols):
    """The parameter shapes of AutoRec over ``num_cols`` columns (encoder, decoder)."""
    return [(num_hidden, num_cols), (num_hidden,), (num_cols, num_hidden), (num_cols,)]


def dense_bytes(shapes):
    """Bytes of float32 arrays of these shapes."""
    return FLOAT_BYTES * sum(int(onp.prod(s)) for s in shapes)


def touched_fraction(csr, batch_size, seed=0, batches=50):
    """Mean fraction of columns with at least one rating in a random batch of rows.

    Parameters
    ----------
    csr : scipy.sparse.csr_matrix of shape (rows, cols)
    batch_size : int
    seed : int
    batches : int
        How many random batches to average (bounded work).

    Returns
    -------
    float
    """
    rng = onp.random.default_rng(seed)
    rows, cols = csr.shape
    fractions = []
    for _ in range(batches):
        index = rng.choice(rows, size=min(batch_size, rows), replace=False)
        fractions.append(len(onp.unique(csr[index].indices)) / cols)
    return float(onp.mean(fractions))


def expected_touched_fraction(num_rows, num_ratings, num_cols, batch_size):
    """The same fraction, estimated when every column has the mean number of ratings and
    rows are drawn at random: ``1 - (1 - r / num_rows) ** batch_size`` with
    ``r = num_ratings / num_cols``. Skewed data leave more columns untouched."""
    per_col = num_ratings / num_cols
    return 1.0 - (1.0 - per_col / num_rows) ** batch_size


def step_traffic(num_hidden, num_cols, batch_size=256, workers=2, touched=None):
    """Bytes per step and per worker, pushed and pulled, three ways (see the module).

    Parameters
    ----------
    num_hidden, num_cols : int
        AutoRec's width and the matrix's columns (users, for I-AutoRec).
    batch_size : int
        The global batch (rows per step over all workers).
    workers : int
    touched : float, optional
        Fraction of columns a worker's batch touches (:func:`touched_fraction`); default:
        :func:`expected_touched_fraction` at Netflix's density.

    Returns
    -------
    dict of str to dict
        ``{'dense': {'push': ..., 'pull': ...}, 'row_sparse': ..., 'item_sharded': ...}``.
    """
    dense = dense_bytes(autorec_shapes(num_hidden, num_cols))
    if touched is None:
        rows, _, ratings = NETFLIX
        touched = expected_touched_fraction(rows, ratings, num_cols, batch_size // workers)
    per_col = FLOAT_BYTES * (2 * num_hidden + 1)   # an encoder column, a decoder row, bias
    sparse = FLOAT_BYTES * num_hidden + touched * num_cols * per_col
    # Two all-reduces of batch x hidden floats (forward sums, backward hidden gradient);
    # a ring all-reduce sends and receives 2 (workers - 1) / workers of the array each.
    ring = 2 * (workers - 1) / workers
    sharded = 2 * ring * FLOAT_BYTES * batch_size * num_hidden
    return {'dense': {'push': dense, 'pull': dense},
            'row_sparse': {'push': sparse, 'pull': sparse},
            'item_sharded': {'push': sharded, 'pull': sharded}}
