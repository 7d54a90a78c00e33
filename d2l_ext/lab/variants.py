"""AutoRec variants for the chapter's exercises: other activations, deeper networks.

:class:`AutoRecVariant` generalises :class:`d2l_ext.AutoRec` in the two directions the
exercises ask about, and trains exactly like it (it masks its own output with
``sign(input)`` while training), so it plugs into
``d2l_ext.lab.fitting.fit_autorec(train, net=AutoRecVariant(...))``. Its first two
arguments are :class:`d2l_ext.AutoRec`'s, in the same order (``num_hidden, num_users,
dropout``); everything else is keyword-only.

With the defaults (one hidden layer, sigmoid encoder, identity decoder) it is the
chapter's AutoRec, parameter for parameter.
"""
from mxnet import np, npx
from mxnet.gluon import nn

from ..errors import InvalidArgumentError
from ..model import mask_unobserved

__all__ = ['ACTIVATIONS', 'AutoRecVariant']

#: Activation names accepted for the encoder and the decoder.
ACTIVATIONS = ('identity', 'sigmoid', 'tanh', 'relu')


def _check_activation(name, where):
    if name not in ACTIVATIONS:
        raise InvalidArgumentError(f'{where} must be one of {ACTIVATIONS}; found {name!r}.')
    return None if name == 'identity' else name


class AutoRecVariant(nn.Block):
    """AutoRec with a configurable encoder depth and encoder/decoder activations.

    .. math:: h(\\mathbf{r}) = f(\\mathbf{W}\\, g_k(\\dots g_1(\\mathbf{V}_1\\mathbf{r}
              + \\mu_1) \\dots) + b)

    Sedhain et al. (WWW 2015) use one hidden layer, :math:`g` = sigmoid and :math:`f` =
    identity; their Table 1 compares the identity and sigmoid for both.

    Parameters
    ----------
    num_hidden : int or sequence of int
        Widths of the hidden layers, e.g. ``500`` (the chapter: one layer, as in
        ``AutoRec(500, num_users)``) or ``(500, 250, 500)`` (three layers).
    num_users : int
        Length of an input row and of the output row (the number of items for
        user-based AutoRec).
    dropout : float, default 0.05
        Dropout rate on the last hidden layer (where the chapter's AutoRec has it).
    encoder_activation : str, default 'sigmoid', keyword-only
        :math:`g`, applied after every hidden layer; one of :data:`ACTIVATIONS`.
    decoder_activation : str, default 'identity', keyword-only
        :math:`f`, applied to the output layer; one of :data:`ACTIVATIONS`.
    rating_range : (float, float), default (1, 5), keyword-only
        A bounded decoder cannot output ratings 1..5 by itself: a sigmoid output
        :math:`s \\in (0, 1)` is mapped to ``low + (high - low) * s``, a tanh output
        :math:`t \\in (-1, 1)` to ``low + (high - low) * (t + 1) / 2``. Unused for the
        identity and relu decoders.

    Notes
    -----
    Input: float32 array of shape ``(batch_size, num_users)``, 0 = unobserved.
    Output: the reconstruction, same shape. While training (inside
    ``autograd.record()``) the output is multiplied by ``sign(input)``, so unobserved
    entries add neither loss nor gradient; in prediction mode the full reconstruction is
    returned.
    """

    def __init__(self, num_hidden, num_users, dropout=0.05, *,
                 encoder_activation='sigmoid', decoder_activation='identity',
                 rating_range=(1, 5)):
        super().__init__()
        widths = (num_hidden,) if isinstance(num_hidden, int) else tuple(num_hidden)
        if not widths or any(int(w) < 1 for w in widths):
            raise InvalidArgumentError(f'num_hidden must be a positive int or a non-empty '
                                       f'sequence of them, e.g. 500 or (500, 250, 500); '
                                       f'found {num_hidden!r}.')
        low, high = rating_range
        if not high > low:
            raise InvalidArgumentError(f'rating_range must be (low, high) with high > low, '
                                       f'e.g. (1, 5); found {rating_range!r}.')
        enc = _check_activation(encoder_activation, 'encoder_activation')
        self.decoder_activation = decoder_activation
        _check_activation(decoder_activation, 'decoder_activation')
        self.rating_range = (float(low), float(high))
        self.num_hidden = widths
        # Registered first, as in AutoRec: one hidden layer gives the same parameter order.
        self.encoder = nn.Sequential()
        for width in widths:
            self.encoder.add(nn.Dense(int(width), activation=enc, use_bias=True))
        self.decoder = nn.Dense(num_users, use_bias=True)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input):
        hidden = self.dropout(self.encoder(input))
        pred = self.decoder(hidden)
        low, high = self.rating_range
        if self.decoder_activation == 'sigmoid':
            pred = low + (high - low) * npx.sigmoid(pred)
        elif self.decoder_activation == 'tanh':
            pred = low + (high - low) * (np.tanh(pred) + 1) / 2
        elif self.decoder_activation == 'relu':
            pred = npx.relu(pred)
        return mask_unobserved(pred, input)
