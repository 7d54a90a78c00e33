"""d2l_ext.lab.figures: each lesson's figures draw what they claim, on small synthetic data.

One section per notebook, as in the module; each helper adds tests in its own section.
"""
import numpy as onp
import pytest
from matplotlib.figure import Figure

from d2l_ext.errors import D2LExtError
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


# --- 02-autorec and 03-item-vs-user, 04-overfitting -------------------------------------


# --- 05-baselines, 06-exercises, 07-paper-protocol --------------------------------------
