"""The training curves: train loss and test RMSE per epoch."""
import io

from matplotlib.figure import Figure

__all__ = ['plot_history', 'show_figure']


def show_figure(fig, dpi=100):
    """Show ``fig`` once in a notebook as a PNG, whatever matplotlib backend is active.

    PNG rather than SVG: SVG output embeds dates and random ids, so stored notebook
    outputs would never compare equal (nbval skips PNG data and compares the rest).
    """
    from IPython.display import Image, display
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=dpi)
    display(Image(data=buffer.getvalue(), format='png'))


def plot_history(history, title=None):
    """Draw train loss and test RMSE against the epoch, side by side.

    Parameters
    ----------
    history : History
        As returned by :func:`d2l_ext.train_recsys_rating`.
    title : str, optional
        A title over both panels.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not registered with pyplot, so a notebook shows it only when it is
        displayed (once), and scripts can ``fig.savefig(...)`` it.
    """
    fig = Figure(figsize=(8, 3), layout='constrained')
    ax_loss, ax_rmse = fig.subplots(1, 2)
    ax_loss.plot(history.epoch, history.train_loss, 'o-', ms=3, color='tab:blue')
    ax_loss.set(xlabel='epoch', ylabel='train loss', title='Training loss (masked L2)')
    ax_rmse.plot(history.epoch, history.test_rmse, 'o-', ms=3, color='tab:orange',
                 label='test RMSE')
    if history.test_rmse:
        best = min(range(len(history.test_rmse)), key=history.test_rmse.__getitem__)
        ax_rmse.axvline(history.epoch[best], color='grey', ls=':', lw=1)
        ax_rmse.plot(history.epoch[best], history.test_rmse[best], '*', ms=12,
                     color='tab:red', label=f'lowest: {history.test_rmse[best]:.3f} '
                                            f'(epoch {history.epoch[best]})')
        ax_rmse.legend(loc='upper right')
    ax_rmse.set(xlabel='epoch', ylabel='RMSE on held-out ratings', title='Test RMSE')
    for ax in (ax_loss, ax_rmse):
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    return fig
