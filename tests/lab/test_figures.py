"""The lab notebooks' figures (d2l_ext.lab.figures), one section per notebook."""
import math

import matplotlib
import numpy as onp
import pytest

from d2l_ext.errors import InvalidArgumentError
from d2l_ext.history import History
from d2l_ext.lab import figures

matplotlib.use('Agg')


# --- 03-item-vs-user, 04-overfitting ------------------------------------------------------

def _history(val, shift=0.0, best_epoch=None):
    """A history whose validation curve is ``val`` (test = val + 0.01 + shift)."""
    h = History(best_epoch=best_epoch)
    for epoch, v in enumerate(val, start=1):
        h.append(epoch, train_loss=1.0 / epoch, train_rmse=1.0 - 0.004 * epoch,
                 val_rmse=v + shift, test_rmse=v + shift + 0.01, seconds=0.1)
    return h


def _u_curve(num_epochs, best, low):
    return [low + 0.0004 * (epoch - best) ** 2 for epoch in range(1, num_epochs + 1)]


def _drawn(ax):
    """(x, y) arrays of the lines with more than one point (curves, not markers)."""
    return [(onp.asarray(line.get_xdata(), float), onp.asarray(line.get_ydata(), float))
            for line in ax.get_lines() if len(line.get_xdata()) > 1]


def test_plot_seed_curves_draws_every_seed_and_zooms_so_the_spread_is_visible():
    runs = {'item': [_history(_u_curve(60, 40, 0.876), shift=d) for d in (0, .001, .002)],
            'user': [_history(_u_curve(105, 88, 0.920), shift=d) for d in (0, .002, .003)]}
    fig = figures.plot_seed_curves(runs, {'item': 7, 'user': 4}, title='t',
                                   run_labels=['seed 0', 'seed 1', 'seed 2'])
    ax_epoch, ax_step, zoom_item, zoom_user = fig.axes
    assert len(_drawn(ax_epoch)) == len(_drawn(ax_step)) == 2 * (3 + 1)  # seeds + mean
    assert max(x.max() for x, _ in _drawn(ax_step)) == 105 * 4  # x in optimizer steps
    for zoom, low, spread in ((zoom_item, 0.876, 0.002), (zoom_user, 0.920, 0.003)):
        bottom, top = zoom.get_ylim()
        assert bottom < low and low + spread < top and top - bottom < 0.02
        assert len(_drawn(zoom)) == 3 + 1
        # the spread between seeds is at least a tenth of the zoomed height
        assert spread / (top - bottom) > 0.1
        assert len({line.get_linestyle() for line in zoom.get_lines()[:6:2]}) == 3
        assert [t.get_text() for t in zoom.get_legend().get_texts()] == [
            'seed 0', 'seed 1', 'seed 2', 'mean']


def test_plot_seed_curves_refuses_runs_of_unequal_length():
    runs = {'item': [_history(_u_curve(10, 5, 0.9)), _history(_u_curve(12, 5, 0.9))]}
    with pytest.raises(InvalidArgumentError, match='same number of epochs'):
        figures.plot_seed_curves(runs, {'item': 7})


def test_plot_overfitting_marks_the_best_epoch_and_works_for_a_partial_run():
    val = _u_curve(150, 40, 0.876)
    fig = figures.plot_overfitting(_history(val, best_epoch=40), 'long run')
    ax, = fig.axes
    assert ax.get_title() == 'long run'
    assert [t.get_text() for t in ax.get_legend().get_texts()][:3] == [
        'train', 'validation', 'test']
    assert 'epoch 40, 0.876' in ax.get_legend().get_texts()[3].get_text()
    assert ax.get_ylim()[0] <= min(1.0 - 0.004 * 150, 0.3)
    partial = figures.plot_overfitting(_history(val[:5]))  # live: no best_epoch yet
    assert 'epoch 5' in partial.axes[0].get_legend().get_texts()[3].get_text()


def test_plot_sweep_keeps_identical_runs_visible_and_tabulates_the_best_epochs():
    same = _u_curve(50, 40, 0.876)
    runs = {'dropout=0.0': _history(same, best_epoch=40),
            'dropout=0.05': _history(same, best_epoch=40),
            'dropout=0.5': _history(_u_curve(56, 46, 0.8772), best_epoch=46)}
    fig = figures.plot_sweep(runs, 'Dropout')
    ax, ax_table = fig.axes
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) > 1]
    first, second = curves[:2]
    onp.testing.assert_array_equal(first.get_ydata(), second.get_ydata())
    # the line on top is thinner and dashed, with markers at other epochs
    assert second.get_linewidth() < first.get_linewidth()
    assert second.get_linestyle() != first.get_linestyle()
    assert second.get_markevery() != first.get_markevery()
    assert second.get_zorder() > first.get_zorder()
    cells = ax_table.tables[0].get_celld()
    assert [cells[k, -1].get_text().get_text() for k in (1, 2, 3)] == list(runs)
    assert [cells[3, c].get_text().get_text() for c in (0, 1, 2)] == [
        '46', '0.877', '0.887']
    assert not math.isnan(ax.get_ylim()[0])
