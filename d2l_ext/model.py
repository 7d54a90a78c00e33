"""The AutoRec model (Sedhain et al., WWW 2015) as a Gluon Block, as in d2l."""
from mxnet import autograd, np
from mxnet.gluon import nn

__all__ = ['AutoRec', 'mask_unobserved']


def mask_unobserved(pred, input):
    """AutoRec's masking step: while training, keep predictions only where ``input`` has a
    rating.

    Inside ``autograd.record()`` returns ``pred * sign(input)``: unobserved entries
    (0 in ``input``) predict 0, so with an L2 loss against the input they add neither loss
    nor gradient. In prediction mode returns ``pred`` unchanged (the full reconstruction).
    Every AutoRec of this package (the chapter's, the fast one, the variants) ends with it.

    Parameters
    ----------
    pred, input : mxnet.numpy.ndarray of shape (batch_size, n)
        The decoder's output and the input rows (item rows :math:`\\mathbf{r}_i` of the
        ``(num_items, num_users)`` matrix for item-based AutoRec), 0 = unobserved.
    """
    if autograd.is_training():  # Mask the gradient during training
        return pred * np.sign(input)
    return pred


class AutoRec(nn.Block):
    """Item-based AutoRec: reconstruct one item's ratings by all users.

    Sedhain, Menon, Sanner and Xie, "AutoRec: Autoencoders Meet Collaborative
    Filtering", WWW 2015. The rating matrix :math:`\\mathbf{R} \\in \\mathbb{R}^{m \\times n}`
    has the :math:`m` items as rows and the :math:`n` users as columns (d2l's
    ``inter_mat``, shape ``(num_items, num_users)``, 0 = unobserved). For item
    :math:`i`'s rating row :math:`\\mathbf{r}_i = \\mathbf{R}_{i*} \\in \\mathbb{R}^n`,

    .. math:: h(\\mathbf{r}_i) = f(\\mathbf{W}\\, g(\\mathbf{V}\\mathbf{r}_i + \\mu) + b)

    with the encoder :math:`\\mathbf{V} \\in \\mathbb{R}^{k \\times n}` (Gluon's
    ``encoder.weight``, shape ``(k, n)``), :math:`\\mu \\in \\mathbb{R}^k`, the decoder
    :math:`\\mathbf{W} \\in \\mathbb{R}^{n \\times k}` (``decoder.weight``, shape ``(n, k)``),
    :math:`b \\in \\mathbb{R}^n`, :math:`g` the sigmoid and :math:`f` the identity. One row
    is one training example (one row of a minibatch).

    Trained with ``gluon.loss.L2Loss`` and a ``Trainer`` with weight decay ``wd``, it
    minimises the paper's objective

    .. math:: \\sum_{(i,u) \\in O} (R_{iu} - h(\\mathbf{r}_i)_u)^2
              + \\frac{\\lambda}{2} (\\|\\mathbf{W}\\|_F^2 + \\|\\mathbf{V}\\|_F^2)

    (O the observed pairs) with :math:`\\lambda = 2 \\cdot wd \\cdot m \\cdot n`, except
    that Gluon also decays the biases :math:`\\mu` and :math:`b`
    (:func:`d2l_ext.lab.protocol.paper_lambda`).

    Parameters
    ----------
    num_hidden : int
        Width of the bottleneck (500 in d2l and the paper).
    num_users : int
        :math:`n`, the length of an input row (an item's ratings by all users), which is
        also the length of the output row. For user-based AutoRec pass the number of
        items and feed the transposed matrix (users as rows).
    dropout : float, default 0.05
        Dropout rate on the hidden layer.

    Notes
    -----
    Input: float32 array of shape ``(batch_size, num_users)``: rows :math:`\\mathbf{r}_i`
    of the interaction matrix, 0 = unobserved.
    Output: the reconstruction, same shape. While training (inside
    ``autograd.record()``) the output is multiplied by ``sign(input)``, so unobserved
    entries predict 0 and, with an L2 loss against the input, add neither loss nor
    gradient: only observed ratings are learned from. In prediction mode the full
    reconstruction is returned.
    """

    def __init__(self, num_hidden, num_users, dropout=0.05):
        super().__init__()
        self.encoder = nn.Dense(num_hidden, activation='sigmoid', use_bias=True)
        self.decoder = nn.Dense(num_users, use_bias=True)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input):
        hidden = self.dropout(self.encoder(input))
        pred = self.decoder(hidden)
        return mask_unobserved(pred, input)
