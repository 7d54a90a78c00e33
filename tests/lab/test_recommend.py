"""Recommendations with titles, forgiving title matching, rate-it-yourself and its form."""
import mxnet as mx
import numpy as onp
import pandas as pd
import pytest
from mxnet import npx

from d2l_ext import InvalidArgumentError, ShapeMismatchError
from d2l_ext.lab.fitting import fit_autorec
from d2l_ext.lab.recommend import (
    match_title,
    overlap,
    popular,
    rating_form,
    rating_vector,
    recommend,
    recommend_for_ratings,
    title_key,
    top_rated,
)

npx.set_np()
ITEMS = pd.DataFrame({
    'title': ['Godfather, The (1972)', 'Star Wars (1977)', 'Chasing Amy (1997)',
              'Clockwork Orange, A (1971)', 'Sabrina (1954)', 'Sabrina (1995)',
              'Chasing Amy (1997)', 'Cité des enfants perdus, La (1995)'],
    'genres': ['Crime', 'Sci-Fi', 'Comedy', 'Sci-Fi', 'Comedy', 'Comedy', 'Comedy',
               'Fantasy']})
TRAIN = onp.zeros((8, 2), dtype='float32')
TRAIN[[0, 1, 3], 0] = [5, 3, 4]


@pytest.mark.parametrize('query, rows', [
    ('Godfather, The (1972)', [0]), ('the godfather', [0]), ('The Godfather (1972)', [0]),
    ('GODFATHER, the', [0]), ('star wars', [1]), ('Star Wars!', [1]),
    ('a clockwork orange', [3]), ('Clockwork Orange', [3]), ('chasing amy', [2, 6]),
    ('Sabrina (1995)', [5]), ('cite des enfants perdus', [7]),
    ('La Cité des enfants perdus', [7])])
def test_titles_match_forgivingly(query, rows):
    assert match_title(query, ITEMS) == rows


def test_title_key():
    assert title_key('Godfather, The (1972)') == title_key('the Godfather') == 'godfather'
    assert title_key('Cité des enfants perdus, La') == 'cite des enfants perdus'


def test_unknown_title_lists_close_matches():
    with pytest.raises(InvalidArgumentError, match="No movie matches 'Godfater'") as error:
        match_title('Godfater', ITEMS)
    assert "'Godfather, The (1972)'" in str(error.value)
    with pytest.raises(InvalidArgumentError, match='No title is close'):
        match_title('Zzzzzz', ITEMS)
    with pytest.raises(InvalidArgumentError, match=r"Close matches: 'Star Wars \(1977\)'"):
        match_title('Star Wars (1980)', ITEMS)  # the year must agree when given


def test_ambiguous_title_asks_for_the_year():
    with pytest.raises(InvalidArgumentError, match='2 different movies') as error:
        match_title('sabrina', ITEMS)
    assert 'Sabrina (1954)' in str(error.value) and 'Add the year' in str(error.value)


def test_rating_vector():
    vector = rating_vector({'the godfather': 5, 'Chasing Amy': 2}, ITEMS)
    onp.testing.assert_array_equal(vector, [5, 0, 2, 0, 0, 0, 2, 0])
    for bad in (0, 6, True, '5'):
        with pytest.raises(InvalidArgumentError, match='from 1 to 5'):
            rating_vector({'star wars': bad}, ITEMS)
    with pytest.raises(InvalidArgumentError, match='at least one'):
        rating_vector({}, ITEMS)


def test_top_rated_and_recommend_skip_seen_items():
    liked = top_rated(TRAIN, 0, ITEMS, n=2)
    assert list(liked.title) == ['Godfather, The (1972)', 'Clockwork Orange, A (1971)']
    assert list(liked.rating) == [5, 4]
    scores = onp.arange(16, dtype='float32').reshape(8, 2)  # later rows score higher
    top = recommend(scores, TRAIN, 0, ITEMS, k=3)
    assert list(top.index) == [1, 2, 3]
    assert list(top.title) == [ITEMS.title[7], ITEMS.title[6], ITEMS.title[5]]
    onp.testing.assert_array_equal(top.predicted, [14, 12, 10])
    assert overlap(top, ['Sabrina (1995)', 'Star Wars (1977)']) == ['Sabrina (1995)']
    for bad in (2, -1, 1.0):
        with pytest.raises(InvalidArgumentError, match='from 0 to 1'):
            recommend(scores, TRAIN, bad, ITEMS)


def test_popular_lists_the_most_rated_unseen_movies():
    train = onp.zeros((8, 4), dtype='float32')
    train[[0, 0, 0, 2, 2, 5], [0, 1, 2, 1, 2, 3]] = 4  # item 0: 3 ratings, 2: 2, 5: 1
    top = popular(train, 0, ITEMS, k=3)
    assert list(top.title) == [ITEMS.title[2], ITEMS.title[5], ITEMS.title[1]]
    assert list(top.ratings) == [2, 1, 0] and top.ratings.dtype.kind == 'i'


def u_autorec(num_items=8):
    """A U-AutoRec fitted for 2 epochs on 6 users' ratings of ``num_items`` movies."""
    rng = onp.random.default_rng(0)
    user_train = rng.integers(1, 6, (6, num_items)) * (rng.random((6, num_items)) < 0.5)
    return fit_autorec(user_train.astype('float32'), num_hidden=4, dropout=0.0,
                       num_epochs=2, batch_size=3, seed=0, progress=None)


def test_recommend_for_ratings_is_one_forward_pass_without_the_rated_movies():
    fitted = u_autorec()
    mine = {'The Godfather': 5, 'chasing amy': 1}
    top = recommend_for_ratings(fitted, mine, ITEMS, k=10)
    rated = {'Godfather, The (1972)', 'Chasing Amy (1997)'}
    assert len(top) == 5 and not rated & set(top.title)  # 8 movies - 3 rated rows
    assert top.predicted.between(1, 5).all() and top.predicted.is_monotonic_decreasing
    vector = mx.np.array(rating_vector(mine, ITEMS)[None])
    pred = fitted.net(vector).asnumpy()[0]  # the forward pass, by hand
    expected = onp.clip(pred, 1, 5)[[1, 3, 4, 5, 7]]
    onp.testing.assert_allclose(sorted(top.predicted, reverse=True),
                                sorted(expected, reverse=True), rtol=1e-6)


def test_recommend_for_ratings_refuses_a_model_of_the_wrong_width():
    with pytest.raises(ShapeMismatchError, match='rows of 5 entries.*movie \\(8\\)'):
        recommend_for_ratings(u_autorec(num_items=5), {'star wars': 4}, ITEMS)


def test_rating_form_recommends_and_explains_unknown_titles():
    pytest.importorskip('ipywidgets')
    form = rating_form(u_autorec(), ITEMS, k=3, rows=2)
    (first, second), button, result = [row.children for row in form.children[:2]], \
        form.children[2], form.children[3]
    first[0].value, first[1].value = 'the godfather', 5
    button.click()
    assert result.value.count('<tr') == 4  # a header row and 3 titles
    assert 'Godfather' not in result.value
    second[0].value = 'Godfater'
    button.click()
    assert 'No movie matches' in result.value and 'Godfather, The (1972)' in result.value


def test_min_ratings_keeps_rarely_rated_movies_out():
    fitted = u_autorec()
    items = ITEMS.assign(num_ratings=[9, 9, 9, 9, 1, 9, 9, 2])
    top = recommend_for_ratings(fitted, {'star wars': 5}, items, k=10, min_ratings=3)
    assert set(top.title) == {'Godfather, The (1972)', 'Chasing Amy (1997)',
                              'Clockwork Orange, A (1971)', 'Sabrina (1995)'}
    with pytest.raises(InvalidArgumentError, match="'num_ratings' column"):
        recommend_for_ratings(fitted, {'star wars': 5}, ITEMS, min_ratings=3)
