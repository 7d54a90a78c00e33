"""Recall@K and NDCG@K on examples computed by hand."""
import math

import numpy as onp
import pytest

from d2l_ext import InvalidArgumentError, ShapeMismatchError
from d2l_ext.lab.ranking import (
    ndcg_at_k,
    popularity_scores,
    ranking_metrics,
    ranking_table,
    recall_at_k,
    top_k,
)

# 5 items (rows) x 3 users (columns), 0 = unobserved.
TRAIN = onp.array([[5, 0, 0],
                   [0, 3, 4],
                   [0, 4, 0],
                   [0, 0, 0],
                   [0, 0, 2]], dtype='float32')
TEST = onp.array([[0, 3, 0],
                  [5, 0, 0],
                  [0, 0, 3],
                  [4, 0, 0],
                  [2, 4, 0]], dtype='float32')  # user 2 has no rating >= 4: not graded
SCORES = onp.array([[9.0, 0.1, 1.0],
                    [0.5, 9.0, 2.0],
                    [0.9, 9.0, 3.0],
                    [0.2, 0.3, 4.0],
                    [0.8, 0.7, 5.0]])
# User 0: candidates 1-4 ranked 2 (0.9), 4 (0.8), 1 (0.5), 3 (0.2); relevant {1, 3}.
# User 1: candidates 0, 3, 4 ranked 4 (0.7), 3 (0.3), 0 (0.1); relevant {4}.


def test_top_k_skips_rated_items_and_orders_by_score():
    onp.testing.assert_array_equal(top_k(SCORES, TRAIN, 3),
                                   [[2, 4, 1], [4, 3, 0], [3, 2, 0]])


def test_top_k_breaks_ties_by_index_and_pads_with_minus_one():
    train = onp.array([[0, 1], [0, 1], [0, 0]], dtype='float32')
    onp.testing.assert_array_equal(top_k(onp.ones((3, 2)), train, 2), [[0, 1], [2, -1]])


def test_hand_computed_recall_and_ndcg_at_3():
    per_user = ranking_metrics(SCORES, TRAIN, TEST, k=3)
    assert list(per_user.user) == [0, 1]  # user 2 has no relevant item
    assert list(per_user.relevant) == [2, 1] and list(per_user.hits) == [1, 1]
    # user 0: one hit at position 3 of 2 relevant; ideal = hits at positions 1 and 2
    ndcg0 = (1 / math.log2(4)) / (1 + 1 / math.log2(3))
    onp.testing.assert_allclose(per_user.recall, [0.5, 1.0])
    onp.testing.assert_allclose(per_user.ndcg, [ndcg0, 1.0])
    assert recall_at_k(SCORES, TRAIN, TEST, k=3) == pytest.approx(0.75)
    assert ndcg_at_k(SCORES, TRAIN, TEST, k=3) == pytest.approx((ndcg0 + 1) / 2)
    assert ndcg0 == pytest.approx(0.30657, abs=1e-5)


def test_at_2_user_0_has_no_hit_and_threshold_changes_relevance():
    per_user = ranking_metrics(SCORES, TRAIN, TEST, k=2)
    onp.testing.assert_allclose(per_user.recall, [0.0, 1.0])
    onp.testing.assert_allclose(per_user.ndcg, [0.0, 1.0])
    # threshold 3: user 2's item 2 (rated 3) becomes relevant; it is ranked second of 4
    per_user = ranking_metrics(SCORES, TRAIN, TEST, k=2, threshold=3)
    assert list(per_user.user) == [0, 1, 2]
    assert per_user.ndcg.iloc[2] == pytest.approx(1 / math.log2(3))


def test_popularity_counts_training_ratings():
    scores = popularity_scores(TRAIN)
    onp.testing.assert_array_equal(scores[:, 0], [1, 2, 1, 0, 1])
    assert (scores == scores[:, :1]).all()
    # user 0 (rated item 0): items 1 (2 ratings), then 2 and 4 tie at 1 -> lower index
    onp.testing.assert_array_equal(top_k(scores, TRAIN, 3)[0], [1, 2, 4])


def test_perfect_scores_give_one_and_table_has_a_row_per_model():
    table = ranking_table({'oracle': TEST.astype(float), 'pop': popularity_scores(TRAIN)},
                          TRAIN, TEST, k=2)
    assert list(table.index) == ['oracle', 'pop']
    assert list(table.columns) == ['recall@2', 'ndcg@2']
    # the oracle ranks relevant items first: at k=2 both users' relevant items fit
    assert table.loc['oracle', 'recall@2'] == pytest.approx(1.0)
    assert table.loc['oracle', 'ndcg@2'] == pytest.approx(1.0)
    assert table.loc['pop', 'recall@2'] < 1


def test_bad_arguments():
    with pytest.raises(InvalidArgumentError, match='k must be'):
        top_k(SCORES, TRAIN, 0)
    with pytest.raises(ShapeMismatchError, match='recons.T'):
        ranking_metrics(SCORES.T, TRAIN, TEST)
