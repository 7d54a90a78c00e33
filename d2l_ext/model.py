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
        The decoder's output and the input rows, 0 = unobserved.
    """
    if autograd.is_training():  # Mask the gradient during training
        return pred * np.sign(input)
    return pred


class AutoRec(nn.Block):
    """Item-based AutoRec: reconstruct an item's ratings from all users.

    Sedhain, Menon, Sanner and Xie, "AutoRec: Autoencoders Meet Collaborative
    Filtering", WWW 2015. For the rating column :math:`\\mathbf{r}` of one item,

    .. math:: h(\\mathbf{r}) = f(\\mathbf{W}\\, g(\\mathbf{V}\\mathbf{r} + \\mu) + b)

    with :math:`g` the sigmoid (encoder) and :math:`f` the identity (decoder).

    Parameters
    ----------
    num_hidden : int
        Width of the bottleneck (500 in d2l and the paper).
    num_users : int
        Length of an input row, which is also the length of the output row.
        For user-based AutoRec pass the number of items and feed the transposed matrix.
    dropout : float, default 0.05
        Dropout rate on the hidden layer.

    Notes
    -----
    Input: float32 array of shape ``(batch_size, num_users)``, 0 = unobserved.
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
