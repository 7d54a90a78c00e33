"""d2l_ext.lab.figures: each lesson's figures draw what they claim, on small synthetic data.

One section per notebook, as in the module; each helper adds tests in its own section.
"""
import math

import numpy as onp
import pytest
from matplotlib.figure import Figure

from d2l_ext.errors import D2LExtError, InvalidArgumentError
from d2l_ext.history import History
from d2l_ext.lab import figures


# --- 01-data ----------------------------------------------------------------------------

def _legend_labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_rating_distribution_figure_bars_are_shares():
    fig = figures.rating_distribution_figure([1, 4, 4, 5, 4, 3, 5, 4])
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    heights = [bar.get_height() for bar in ax.patches]
    xs = [bar.get_x() + bar.get_width() / 2 for bar in ax.patches]
    assert xs == pytest.approx([1, 3, 4, 5])
    assert heights == pytest.approx([1 / 8, 1 / 8, 4 / 8, 2 / 8])
    assert ax.get_xlabel() == 'rating (stars)'


def test_long_tail_figure_labels_every_line_and_separates_the_curves():
    per_user = onp.array([30, 20, 50, 25])
    per_item = onp.array([1, 0, 40, 3, 7, 12])
    fig = figures.long_tail_figure(per_user, per_item, min_per_user=20, few=5)
    ax_user, ax_item = fig.axes
    # One curve per panel, sorted from most to fewest ratings.
    assert ax_user.lines[0].get_ydata().tolist() == [50, 30, 25, 20]
    assert ax_item.lines[0].get_ydata().tolist() == [40, 12, 7, 3, 1, 0]
    assert ax_user.get_yscale() == ax_item.get_yscale() == 'log'
    # Every line, reference lines included, is in its panel's legend.
    for ax in (ax_user, ax_item):
        assert len(_legend_labels(ax)) == len(ax.lines)
        assert all(not line.get_label().startswith('_') for line in ax.lines)
    assert 'users (4)' in _legend_labels(ax_user)[0]
    assert 'items (6)' in _legend_labels(ax_item)[0]
    # The item panel counts the items below `few` (0, 1 and 3 ratings).
    assert any('3 items have fewer' in label for label in _legend_labels(ax_item))
    # The two curves differ in colour and line style.
    user_line, item_line = ax_user.lines[0], ax_item.lines[0]
    assert user_line.get_color() != item_line.get_color()
    assert user_line.get_linestyle() != item_line.get_linestyle()


def test_long_tail_figure_refuses_empty_counts():
    with pytest.raises(D2LExtError, match='at least one user and one item'):
        figures.long_tail_figure([], [1, 2])


def test_interaction_corner_figure_masks_unobserved_cells():
    corner = onp.array([[5, 0, 3], [0, 1, 4]])
    fig = figures.interaction_corner_figure(corner)
    ax = fig.axes[0]
    image = ax.images[0].get_array()
    assert image.mask.tolist() == [[False, True, False], [True, False, False]]
    assert image.compressed().tolist() == [5, 3, 1, 4]
    assert ax.get_ylabel() == 'item (2 most rated)'
    assert len(fig.axes) == 2  # the image and its colour bar


def test_interaction_corner_figure_refuses_a_vector():
    with pytest.raises(D2LExtError, match='2-d matrix'):
        figures.interaction_corner_figure(onp.array([1, 2, 3]))


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


# --- 05-baselines, 06-exercises, 07-paper-protocol --------------------------------------
