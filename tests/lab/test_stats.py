"""d2l_ext.lab.stats on small synthetic ratings."""
import numpy as onp
import pandas as pd
import pytest

from d2l_ext.errors import D2LExtError
from d2l_ext.lab.stats import dense_corner, describe_ratings, ratings_per


@pytest.fixture
def ratings():
    # 3 users, 4 items; user 3 rated item 1 twice (counts once as a pair).
    return pd.DataFrame({'user_id': [1, 1, 2, 3, 3, 3], 'item_id': [1, 2, 1, 1, 3, 1],
                         'rating': [5, 3, 4, 1, 2, 3], 'timestamp': [0] * 6})


def test_describe_ratings(ratings):
    summary = describe_ratings(ratings, num_users=3, num_items=4)
    assert summary['num_ratings'] == 5
    assert summary['density'] == pytest.approx(5 / 12)
    assert summary['sparsity'] == pytest.approx(7 / 12)
    assert summary['mean_rating'] == pytest.approx(18 / 6)


def test_ratings_per_counts_zero_for_unrated(ratings):
    assert ratings_per(ratings, 'user', 3).tolist() == [2, 1, 3]
    assert ratings_per(ratings, 'item', 4).tolist() == [4, 1, 1, 0]


def test_ratings_per_rejects_bad_input(ratings):
    with pytest.raises(D2LExtError, match="'user' or 'item'"):
        ratings_per(ratings, 'movie', 3)
    with pytest.raises(D2LExtError, match='from 1 to num_users=2'):
        ratings_per(ratings, 'user', 2)


def test_dense_corner_orders_by_observed_count():
    inter_mat = onp.array([[0, 1, 0],
                           [2, 3, 4],
                           [0, 5, 1]], dtype=onp.float32)
    corner, rows, cols = dense_corner(inter_mat, k=2)
    assert rows.tolist() == [1, 2] and cols.tolist() == [1, 2]
    assert corner.tolist() == [[3, 4], [5, 1]]
    full, _, _ = dense_corner(inter_mat, k=10)
    assert full.shape == (3, 3)
