"""The lab notebooks' figures (``d2l_ext.lab.figures``), one section per notebook."""
import io

import pandas as pd
import pytest

from d2l_ext import History
from d2l_ext.lab import figures


def _png_bytes(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=60)
    return buffer.getvalue()


# --- 05-baselines, 06-exercises, 07-paper-protocol --------------------------------------

def curve(values, test_offset=0.01, best_epoch=None):
    """A history with ``val_rmse`` = values and a test curve just above it."""
    epochs = list(range(1, len(values) + 1))
    return History(epoch=epochs, train_loss=[1.0] * len(values), val_rmse=list(values),
                   test_rmse=[v + test_offset for v in values], seconds=[0.1] * len(values),
                   best_epoch=best_epoch)


def test_plot_baselines_bars_readable_and_lines_drawn():
    test_rmse = {'global mean': 1.127, 'user/item biases': 0.935, 'MF (d2l)': 0.906,
                 'I-AutoRec': 0.885}
    runs = {'MF (wd=1e-05)': curve([1.0, 0.92, 0.90, 0.91], best_epoch=3),
            'I-AutoRec': curve([1.1, 0.95, 0.88, 0.876, 0.879], best_epoch=4)}
    fig = figures.plot_baselines(test_rmse, runs, {'user/item biases': 0.921,
                                                   'global mean': 1.112})
    ax_bar, ax_val = fig.axes
    labels = [t.get_text() for t in ax_bar.get_xticklabels()]
    assert labels == ['global\nmean', 'user/item\nbiases', 'MF (d2l)', 'I-AutoRec']
    assert min(t.get_fontsize() for t in ax_bar.get_xticklabels()) >= 10
    assert [t.get_text() for t in ax_bar.texts] == ['1.127', '0.935', '0.906', '0.885']
    assert ax_bar.get_ylim()[1] > 1.127
    low, high = ax_val.get_ylim()
    assert low < 0.876 and high > 1.112  # every curve's best and both lines visible
    legend = [t.get_text() for t in ax_val.get_legend().get_texts()]
    assert legend == ['MF (wd=1e-05)', 'I-AutoRec', 'user/item biases', 'global mean']
    assert _png_bytes(fig).startswith(b'\x89PNG')


def test_plot_validation_curves_keeps_an_outlier_visible():
    runs = {'good': curve([1.0, 0.9, 0.88]), 'bad': curve([1.6, 1.3, 1.22, 1.25])}
    fig = figures.plot_validation_curves(runs, 'activations', styles={'bad': '--'})
    ax = fig.axes[0]
    assert ax.get_ylim()[0] < 0.88 and ax.get_ylim()[1] > 1.22
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ['good: 0.880 (epoch 3)', 'bad: 1.220 (epoch 3)']
    assert ax.lines[2].get_linestyle() == '--'
    fig = figures.plot_validation_curves(runs, 'capped', ymax=1.5)
    assert fig.axes[0].get_ylim()[1] == 1.5


def test_plot_sweep_has_the_swept_values_as_ticks():
    values = [50, 500]
    table = pd.DataFrame({'val RMSE': [0.89, 0.876], 'test RMSE': [0.91, 0.891]},
                         index=values)
    fig = figures.plot_sweep(values, table, {'50 units': curve([1, 0.89]),
                                             '500 units': curve([1, 0.876])},
                             xlabel='hidden units', title='Width')
    ax, ax_curves = fig.axes
    assert [t.get_text() for t in ax.get_xticklabels()] == ['50', '500']
    assert ax.get_xscale() == 'log' and ax_curves.get_title() == 'Validation curves'


def test_plot_protocol_bands_share_y_and_average_runs_of_different_lengths():
    item = {'seed=0': curve([1.0, 0.9, 0.88, 0.89]), 'seed=1': curve([1.2, 0.92, 0.9])}
    user = {'seed=0': curve([1.3, 1.0, 0.95, 0.93, 0.94])}
    fig = figures.plot_protocol_bands({'I-AutoRec': item, 'U-AutoRec': user}, 'protocol',
                                      references={'MF': 0.91})
    ax_item, ax_user = fig.axes
    assert ax_item.get_ylim() == ax_user.get_ylim()
    assert ax_item.get_shared_y_axes().joined(ax_item, ax_user)
    epochs, mean, low, high = figures._band(item, 'val_rmse')
    assert epochs == [1, 2, 3, 4]
    assert mean[:3] == pytest.approx([1.1, 0.91, 0.89]) and mean[3] == pytest.approx(0.89)
    assert (low[0], high[0]) == (1.0, 1.2)
    legend = [t.get_text() for t in ax_user.get_legend().get_texts()]
    assert legend[0] == 'validation: mean of 1 run, min-max band' and legend[-1] == 'MF'
    assert min(t.get_fontsize() for t in ax_user.get_legend().get_texts()) >= 10
    assert _png_bytes(fig).startswith(b'\x89PNG')
