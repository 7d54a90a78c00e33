"""d2l_ext.lab.figures: each lesson's figures draw what they claim, on small synthetic data.

One section per module of the package (data, curves, protocol, scaling).
"""
import io
import math

import numpy as onp
import pandas as pd
import pytest
from matplotlib.figure import Figure

from d2l_ext.errors import D2LExtError, InvalidArgumentError
from d2l_ext.history import History
from d2l_ext.lab import figures


def _png_bytes(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=60)
    return buffer.getvalue()


# --- data ---------------------------------------------------------------------------------

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


# --- curves -------------------------------------------------------------------------------

def _history(val, shift=0.0, best_epoch=None):
    """A history whose validation curve is ``val`` (test = val + 0.01 + shift)."""
    h = History(chosen_epoch=best_epoch)
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


def test_plot_overfitting_draws_a_run_that_diverged_at_once_without_a_star():
    h = History()
    h.append(1, train_loss=float('nan'), train_rmse=float('nan'), val_rmse=float('nan'),
             test_rmse=float('nan'), seconds=0.1)
    ax, = figures.plot_overfitting(h).axes
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        'train', 'validation', 'test']
    assert all(math.isfinite(y) for y in ax.get_ylim())


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


# --- curves and protocol ------------------------------------------------------------------

def curve(values, test_offset=0.01, best_epoch=None):
    """A history with ``val_rmse`` = values and a test curve just above it."""
    epochs = list(range(1, len(values) + 1))
    return History(epoch=epochs, train_loss=[1.0] * len(values), val_rmse=list(values),
                   test_rmse=[v + test_offset for v in values], seconds=[0.1] * len(values),
                   chosen_epoch=best_epoch)


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
    assert legend == ['good (best epoch 3: 0.880)', 'bad (best epoch 3: 1.220)']
    assert ax.lines[2].get_linestyle() == '--'
    fig = figures.plot_validation_curves(runs, 'capped', ymax=1.5)
    assert fig.axes[0].get_ylim()[1] == 1.5


def test_plot_width_sweep_has_the_swept_values_as_ticks():
    values = [50, 500]
    table = pd.DataFrame({'val RMSE': [0.89, 0.876], 'test RMSE': [0.91, 0.891]},
                         index=values)
    fig = figures.plot_width_sweep(values, table, {'50 units': curve([1, 0.89]),
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
    epochs, mean, low, high = figures.protocol._band(item, 'val_rmse')
    assert epochs == [1, 2, 3, 4]
    assert mean[:3] == pytest.approx([1.1, 0.91, 0.89]) and mean[3] == pytest.approx(0.89)
    assert (low[0], high[0]) == (1.0, 1.2)
    legend = [t.get_text() for t in ax_user.get_legend().get_texts()]
    assert legend[0] == 'validation: mean of 1 run, min-max band' and legend[-1] == 'MF'
    assert min(t.get_fontsize() for t in ax_user.get_legend().get_texts()) >= 10
    assert _png_bytes(fig).startswith(b'\x89PNG')


# --- scaling ------------------------------------------------------------------------------

def test_plot_scaling_draws_measured_and_computed_memory_and_time():
    frame = pd.DataFrame([
        dict(shape='a', ratings=1e6, storage='dense', status='measured', peak_mb=800,
             epoch_s=9.0),
        dict(shape='a', ratings=1e6, storage='sparse', status='measured', peak_mb=820,
             epoch_s=8.0),
        dict(shape='b', ratings=1e7, storage='dense', status='computed', peak_mb=15000,
             epoch_s=math.nan),
        dict(shape='b', ratings=1e7, storage='sparse', status='measured', peak_mb=2000,
             epoch_s=90.0)])
    fig = figures.plot_scaling(frame)
    ax_mem, ax_time = fig.axes
    labels = [t.get_text() for t in ax_mem.get_legend().get_texts()]
    assert {'dense', 'sparse', 'dense, computed', 'machine (24 GB)',
            '4 GB: a small laptop'} <= set(labels)
    dense_line = ax_mem.get_lines()[0]
    assert list(dense_line.get_ydata()) == [800 / 1024, 15000 / 1024]
    timed = {l.get_label(): list(l.get_xdata()) for l in ax_time.get_lines()}
    assert timed['dense'] == [1e6] and timed['sparse'] == [1e6, 1e7]
    assert ax_mem.get_yscale() == 'log' and ax_time.get_xscale() == 'log'
    assert [t.get_text() for t in ax_mem.texts].count('b') == 2


def test_plot_scaling_marks_extrapolated_epochs():
    frame = pd.DataFrame([
        dict(shape='a', ratings=1e6, storage='sparse', status='measured', peak_mb=800,
             epoch_s=5.0, method='one full epoch'),
        dict(shape='n', ratings=1e8, storage='sparse', status='measured', peak_mb=13000,
             epoch_s=2000.0, method='extrapolated: 3 train batches')])
    ax_time = figures.plot_scaling(frame).axes[1]
    lines = {l.get_label(): list(l.get_xdata()) for l in ax_time.get_lines()}
    assert lines['sparse, extrapolated'] == [1e8] and lines['sparse'] == [1e6, 1e8]
