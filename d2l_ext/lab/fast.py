"""A faster AutoRec for training on a CPU: the same model, with the mask outside the graph.

`d2l_ext.AutoRec` is the model the chapter teaches: a Gluon ``Block`` whose
``forward`` multiplies the prediction by ``sign(input)`` while training. That ``if`` on
``autograd.is_training()`` cannot live inside a hybridized (compiled) graph, so the Block
always runs op by op from Python.

:class:`FastAutoRec` computes exactly the same function with the same parameters: the
dense part (encoder, dropout, decoder) is a ``HybridBlock`` that can be compiled with
``hybridize()``, and the mask is applied outside it. Use it when training time matters
(benchmarks, sweeps over many settings); use :class:`d2l_ext.AutoRec` to read and teach
the model. :func:`copy_parameters` moves parameters from one to the other.

:func:`row_batches` yields mini-batches of rows of an interaction matrix with one
gather per batch, where ``gluon.data.DataLoader`` indexes the matrix row by row.
"""
import numpy as onp
from mxnet import np
from mxnet.gluon import nn

from ..errors import InvalidArgumentError
from ..model import mask_unobserved

__all__ = ['FastAutoRec', 'copy_parameters', 'row_batches']


class _DenseAutoRec(nn.HybridBlock):
    """Encoder (sigmoid), dropout, decoder (identity): AutoRec without its mask."""

    def __init__(self, num_hidden, num_users, dropout=0.05):
        super().__init__()
        self.encoder = nn.Dense(num_hidden, activation='sigmoid', use_bias=True,
                                in_units=num_users)
        self.dropout = nn.Dropout(dropout)
        self.decoder = nn.Dense(num_users, use_bias=True, in_units=num_hidden)

    def hybrid_forward(self, F, x):
        return self.decoder(self.dropout(self.encoder(x)))


class FastAutoRec(nn.Block):
    """AutoRec with a hybridizable body; same outputs as :class:`d2l_ext.AutoRec`.

    Parameters
    ----------
    num_hidden : int
        Width of the bottleneck (500 in d2l and the paper).
    num_users : int
        Length of an input row and of the output row.
    dropout : float, default 0.05
        Dropout rate on the hidden layer.

    Notes
    -----
    Input: float32 array of shape ``(batch_size, num_users)``, 0 = unobserved.
    Output: the reconstruction of the same shape; while training (inside
    ``autograd.record()``) it is multiplied by ``sign(input)``, as in
    :class:`d2l_ext.AutoRec`, so unobserved entries add neither loss nor gradient.
    Call ``net.hybridize(static_alloc=True, static_shape=True)`` after ``initialize``
    to compile the dense part. Like the chapter's code, it expects ``npx.set_np()``
    to have been called before the net is built.
    """

    def __init__(self, num_hidden, num_users, dropout=0.05):
        super().__init__()
        self.body = _DenseAutoRec(num_hidden, num_users, dropout)

    @property
    def encoder(self):
        return self.body.encoder

    @property
    def decoder(self):
        return self.body.decoder

    def forward(self, input):
        return mask_unobserved(self.body(input), input)  # outside the compiled graph


def copy_parameters(source, target):
    """Copy encoder and decoder weights and biases from one AutoRec to another.

    Works between :class:`d2l_ext.AutoRec` and :class:`FastAutoRec` in either direction.
    Both must be initialized and have the same ``num_hidden`` and ``num_users``; an
    :class:`d2l_ext.AutoRec` learns its input width on its first call, so call it once
    (on any batch) before copying from or to it.
    """
    for layer in ('encoder', 'decoder'):
        src, dst = getattr(source, layer), getattr(target, layer)
        dst.weight.set_data(src.weight.data())
        dst.bias.set_data(src.bias.data())


class row_batches:
    """Mini-batches of rows of an interaction matrix, re-iterable like a DataLoader.

    Parameters
    ----------
    matrix : mxnet.numpy.ndarray of shape (rows, cols)
        The interaction matrix, 0 = unobserved.
    batch_size : int
    shuffle : bool, default False
        Visit the rows in a new random order (NumPy's global generator) every pass.
    last_batch : {'keep', 'discard', 'rollover'}, default 'keep'
        As ``gluon.data.DataLoader``: keep a smaller last batch, drop it, or carry its
        rows over to the start of the next pass.

    Yields
    ------
    mxnet.numpy.ndarray of shape (batch_size, cols)
        Copies of the selected rows (one gather per batch).
    """

    def __init__(self, matrix, batch_size, shuffle=False, last_batch='keep'):
        if last_batch not in ('keep', 'discard', 'rollover'):
            raise InvalidArgumentError(f"last_batch must be 'keep', 'discard' or 'rollover', "
                             f"not {last_batch!r}.")
        self.matrix, self.batch_size = matrix, int(batch_size)
        self.shuffle, self.last_batch = shuffle, last_batch
        self._carry = onp.zeros(0, dtype=onp.int64)

    def __iter__(self):
        rows = self.matrix.shape[0]
        order = onp.random.permutation(rows) if self.shuffle else onp.arange(rows)
        if self.last_batch == 'rollover':
            order = onp.concatenate([self._carry, order])
        full = len(order) // self.batch_size * self.batch_size
        if self.last_batch == 'rollover':
            self._carry = order[full:]
        elif self.last_batch == 'keep':
            full = len(order)
        if not self.shuffle and self.last_batch != 'rollover':
            for begin in range(0, full, self.batch_size):  # Slices: no gather needed.
                yield self.matrix[begin:min(begin + self.batch_size, full)]
            return
        index = np.array(order[:full], dtype='int64', ctx=self.matrix.ctx)
        for begin in range(0, full, self.batch_size):
            yield np.take(self.matrix, index[begin:begin + self.batch_size], axis=0)

    def __len__(self):
        rows = self.matrix.shape[0] + (len(self._carry) if self.last_batch == 'rollover'
                                       else 0)
        if self.last_batch == 'keep':
            return -(-rows // self.batch_size)
        return rows // self.batch_size
