"""A drawing of item-based AutoRec and its mask, made locally with matplotlib (no network).

:func:`autorec_diagram` draws one item's rating row :math:`\\mathbf{r}_i` (observed
ratings and empty, unobserved entries), the encoder :math:`\\mathbf{V}` into a sigmoid
bottleneck, the decoder :math:`\\mathbf{W}`, and the reconstruction
:math:`h(\\mathbf{r}_i)`: every output entry gets a prediction, but only those with an
observed rating enter the loss; the others are multiplied by 0 (the mask), so they get
exactly zero gradient.
"""
import numpy as onp

__all__ = ['autorec_diagram']

OBSERVED, MISSING, HIDDEN, MASKED = '#4c72b0', '#d9d9d9', '#dd8452', '#c44e52'


def _spread(count, top, bottom):
    """y positions of ``count`` nodes spread evenly from ``top`` down to ``bottom``."""
    return onp.linspace(top, bottom, count) if count > 1 else onp.array([0.5])


def autorec_diagram(ratings=(5, 0, 3, 0, 0, 4, 0), num_hidden=3, ax=None):
    """Draw item-based AutoRec for one item row, with the mask.

    Parameters
    ----------
    ratings : sequence of int, default (5, 0, 3, 0, 0, 4, 0)
        The item's ratings by ``len(ratings)`` users, 0 = unobserved (drawn empty).
    num_hidden : int, default 3
        Bottleneck width :math:`k` (500 in the chapter; a few here, for reading).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new 10 x 5 inch figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure. Its axes hold four scatter collections: the ``len(ratings)`` inputs,
        the ``num_hidden`` hidden units, the ``len(ratings)`` outputs, and one cross per
        masked (unobserved) output.
    """
    from matplotlib.figure import Figure
    ratings = onp.asarray(ratings)
    if ax is None:  # a Figure, not pyplot: nothing is displayed twice or left open
        ax = Figure(figsize=(10, 5), layout='constrained').subplots()
    fig = ax.figure
    x_in, x_hid, x_out = 0.1, 0.42, 0.74
    y_in, y_hid = _spread(len(ratings), 0.86, 0.14), _spread(num_hidden, 0.66, 0.34)
    seen = ratings != 0
    for y0 in y_in:  # dense connections: encoder V and decoder W
        for y1 in y_hid:
            ax.plot([x_in, x_hid], [y0, y1], color='0.8', lw=0.6, zorder=1)
            ax.plot([x_hid, x_out], [y1, y0], color='0.8', lw=0.6, zorder=1)
    node = dict(s=320, zorder=2, linewidths=1.5)
    ax.scatter([x_in] * len(y_in), y_in, c=[OBSERVED if o else MISSING for o in seen],
               **node)
    ax.scatter([x_hid] * len(y_hid), y_hid, c=HIDDEN, **node)
    ax.scatter([x_out] * len(y_in), y_in, c=[OBSERVED if o else 'white' for o in seen],
               edgecolors=OBSERVED, **node)
    ax.scatter([x_out] * int((~seen).sum()), y_in[~seen], marker='x', s=260, c=MASKED,
               linewidths=2.5, zorder=3)
    for y, r, o in zip(y_in, ratings, seen):
        ax.text(x_in - 0.04, y, f'{r:g}' if o else '?', ha='right', va='center',
                fontsize=13, color='black' if o else '0.5')
        ax.text(x_out + 0.04, y, f'in the loss: $(\\hat r - {r:g})^2$' if o else
                r'$\times 0$: no loss, zero gradient', va='center', fontsize=11,
                color='black' if o else MASKED)
    for x, text in [(x_in, r'input $\mathbf{r}_i$' + '\n(item $i$, by each user)'),
                    (x_hid, r'$g(\mathbf{V}\mathbf{r}_i + \mu)$' + '\n(sigmoid, $k$ units)'),
                    (x_out, r'output $h(\mathbf{r}_i)$' + '\n(every user)')]:
        ax.text(x, 1.0, text, ha='center', va='bottom', fontsize=12)
    for x, text in [((x_in + x_hid) / 2, r'encoder $\mathbf{V}$, $\mu$'),
                    ((x_hid + x_out) / 2, r'decoder $\mathbf{W}$, $b$')]:
        ax.text(x, 0.04, text, ha='center', va='top', fontsize=12)
    ax.text(0.5, -0.08, 'While training, the output is multiplied by sign(input): only '
            'the observed ratings are learned from.', ha='center', va='top', fontsize=11,
            color='0.25')
    ax.set(xlim=(0.0, 1.08), ylim=(-0.16, 1.12))
    ax.axis('off')
    return fig
