"""Recommendations with titles: what a user liked, what a model proposes, and your own list.

Every function takes the movie table of :func:`d2l_ext.datasets.items.read_items_ml100k`
(row ``i`` = item index ``i`` = row ``i`` of the item-based interaction matrix) and
matrices in the item-based layout ``(num_items, num_users)``, 0 = unobserved.

- :func:`top_rated`: a user's highest training ratings, with titles;
- :func:`recommend`: a model's top-K unseen titles for a user, with their scores;
- :func:`popular`: the most-rated titles the user has not rated (the popularity top-K);
- :func:`overlap`: the titles two lists share;
- :func:`match_title`, :func:`rating_vector`, :func:`recommend_for_ratings`: rate a few
  movies yourself (``{'Star Wars': 5, 'Godfather': 4}``) and get a top-K from user-based
  AutoRec, whose input *is* one user's rating vector;
- :func:`rating_form`: the same as an ipywidgets form, where ipywidgets is installed.
"""
import difflib
import re
import unicodedata

import numpy as onp

from ..errors import InvalidArgumentError, ShapeMismatchError
from .ranking import popularity_scores, top_k

__all__ = ['top_rated', 'recommend', 'popular', 'overlap', 'title_key', 'match_title',
           'rating_vector', 'recommend_for_ratings', 'rating_form']

#: Articles MovieLens moves to the end of a title ("Godfather, The (1972)").
ARTICLES = ('the', 'a', 'an', 'il', 'la', 'le', 'les', "l'", 'das', 'der', 'die', 'el')
_YEAR = re.compile(r'\(\s*(\d{4})\s*\)')


def top_rated(train, user, items, n=10):
    """A user's ``n`` highest training ratings, with titles (ties: lower item id first).

    Parameters
    ----------
    train : numpy.ndarray of shape (num_items, num_users)
    user : int
        0-based user index (user id - 1).
    items : pandas.DataFrame
        The movie table (``title``, ``genres``...), one row per matrix row.
    n : int, default 10

    Returns
    -------
    pandas.DataFrame
        Columns ``title``, ``genres``, ``rating``; at most ``n`` rows.
    """
    column = onp.asarray(train)[:, _check_user(user, train)]
    rated = onp.flatnonzero(column)
    rated = rated[onp.argsort(-column[rated], kind='stable')][:n]
    frame = items.iloc[rated][['title', 'genres']].reset_index(drop=True)
    frame['rating'] = column[rated].astype(int)
    return frame


def recommend(scores, train, user, items, k=10, score_name='predicted'):
    """A model's top-``k`` titles for one user, among the items the user has not rated.

    Parameters
    ----------
    scores, train : numpy.ndarray of shape (num_items, num_users)
        The model's scores (e.g. a reconstruction) and the training ratings.
    user : int
        0-based user index.
    items : pandas.DataFrame
        The movie table.
    k : int, default 10
    score_name : str, default 'predicted'
        Name of the score column (``'ratings'`` for popularity counts, say).

    Returns
    -------
    pandas.DataFrame
        Columns ``title``, ``genres`` and ``score_name``, best first, index ``1..k``.
    """
    scores = onp.asarray(scores)
    _check_user(user, train)
    ranked = top_k(scores[:, user:user + 1], onp.asarray(train)[:, user:user + 1], k)[0]
    ranked = ranked[ranked >= 0]
    frame = items.iloc[ranked][['title', 'genres']].reset_index(drop=True)
    frame[score_name] = scores[ranked, user]
    frame.index = onp.arange(1, len(frame) + 1)
    return frame


def popular(train, user, items, k=10):
    """The popularity top-``k`` for one user: the most-rated movies they have not rated.

    Parameters
    ----------
    train : numpy.ndarray of shape (num_items, num_users)
    user : int
        0-based user index.
    items : pandas.DataFrame
    k : int, default 10

    Returns
    -------
    pandas.DataFrame
        Columns ``title``, ``genres``, ``ratings`` (number of training ratings, int).
    """
    frame = recommend(popularity_scores(train), train, user, items, k, score_name='ratings')
    return frame.astype({'ratings': int})


def _check_user(user, train):
    num_users = onp.shape(train)[1]
    if isinstance(user, bool) or not isinstance(user, (int, onp.integer)) \
            or not 0 <= user < num_users:
        raise InvalidArgumentError(f'user must be a 0-based column index from 0 to '
                                   f'{num_users - 1} (user id - 1); found {user!r}.')
    return int(user)


def overlap(first, second):
    """The titles two recommendation lists share, in the order of ``first``.

    Parameters
    ----------
    first, second : pandas.DataFrame or list of str
        Lists of titles (frames with a ``title`` column, as :func:`recommend` returns).

    Returns
    -------
    list of str
    """
    def titles(x):
        return list(x['title']) if hasattr(x, 'columns') else list(x)
    others = set(titles(second))
    return [title for title in titles(first) if title in others]


def _split_year(text):
    found = _YEAR.findall(text)
    return _YEAR.sub(' ', text), (int(found[-1]) if found else None)


def title_key(title):
    """A title reduced to what matching compares: no case, accents, punctuation, year or
    leading article.

    ``'Godfather, The (1972)'``, ``'the godfather'`` and ``'The Godfather (1972)'`` all give
    ``'godfather'``; ``'Cité des enfants perdus'`` gives ``'cite des enfants perdus'``.
    """
    text = unicodedata.normalize('NFKD', _split_year(title)[0])
    text = ''.join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r'\([^)]*\)', ' ', text)  # alternative titles: "(Cité des..., La)"
    text = re.sub(r'\s+', ' ', text).strip()
    for article in ARTICLES:  # "godfather, the" -> "the godfather"
        tail = f', {article}'
        if text.endswith(tail):
            text = f'{article} {text[:-len(tail)]}'.replace("' ", "'")
            break
    text = re.sub(r"[^\w]+", ' ', text).strip()
    words = text.split()
    if len(words) > 1 and words[0] in {a.strip("'") for a in ARTICLES}:
        words = words[1:]
    return ' '.join(words)


def match_title(query, items):
    """The rows of ``items`` whose title is ``query``, matched forgivingly.

    Case, accents, punctuation and a leading article do not matter (MovieLens writes
    ``'Godfather, The (1972)'``); the year is optional, and when given, must agree.
    A title listed twice in the catalogue (ML-100K has 18 such duplicates) matches both
    rows.

    Parameters
    ----------
    query : str
        E.g. ``'the godfather'``, ``'Godfather, The'`` or ``'The Godfather (1972)'``.
    items : pandas.DataFrame
        The movie table (``title`` column).

    Returns
    -------
    list of int
        0-based item indices (one, or several rows holding the same title).

    Raises
    ------
    InvalidArgumentError
        No title matches (the message lists close matches), or several different movies
        do (it lists them, with their years, so you can add the year).
    """
    titles = list(items['title'])
    exact = [i for i, t in enumerate(titles) if t == query]
    if exact:
        return exact
    key, year = title_key(query), _split_year(query)[1]
    keys = [title_key(t) for t in titles]
    found = [i for i, k in enumerate(keys) if k == key
             and (year is None or _split_year(titles[i])[1] == year)]
    if not found:
        close = difflib.get_close_matches(key, keys, n=5, cutoff=0.6)
        hint = ', '.join(repr(titles[keys.index(c)]) for c in dict.fromkeys(close))
        hint = (f'Close matches: {hint}. Type one of them' if hint
                else 'No title is close. Check the spelling')
        raise InvalidArgumentError(
            f'No movie matches {query!r}. {hint} (case, punctuation, a leading "The" and '
            f'the year do not matter), or search the catalogue: '
            f"items[items.title.str.contains('word', case=False)].")
    distinct = sorted({titles[i] for i in found})
    if len(distinct) > 1:
        raise InvalidArgumentError(f'{query!r} matches {len(distinct)} different movies: '
                                   f'{distinct}. Add the year, e.g. {distinct[0]!r}.')
    return found


def rating_vector(ratings, items):
    """A new user's rating vector from ``{title: rating}``: the input of U-AutoRec.

    Parameters
    ----------
    ratings : dict of str to float
        Titles (matched by :func:`match_title`) and ratings from 1 to 5.
    items : pandas.DataFrame
        The movie table.

    Returns
    -------
    numpy.ndarray of shape (num_items,), float32
        The ratings at the matched items, 0 = unobserved.

    Raises
    ------
    InvalidArgumentError
        An unknown or ambiguous title, a rating outside 1-5, or an empty dict.
    """
    if not ratings:
        raise InvalidArgumentError('Rate at least one movie, e.g. {"Star Wars": 5}.')
    vector = onp.zeros(len(items), dtype=onp.float32)
    for title, rating in ratings.items():
        if isinstance(rating, bool) or not isinstance(rating, (int, float, onp.number)) \
                or not 1 <= rating <= 5:
            raise InvalidArgumentError(f'{title!r}: ratings are numbers from 1 to 5 (0 '
                                       f'would mean "not rated"); found {rating!r}.')
        vector[match_title(title, items)] = rating
    return vector


def recommend_for_ratings(fitted, ratings, items, k=10, *, min_ratings=0):
    """Your own top-``k`` from a trained user-based AutoRec, without retraining.

    User-based AutoRec reads one user's rating vector (length ``num_items``) and fills in
    every entry, so a new user is one forward pass. (Item-based AutoRec reads an item's
    ratings by the *training* users: a new user is a column it has no weights for.)

    Parameters
    ----------
    fitted : d2l_ext.lab.fitter.FitResult
        A U-AutoRec fitted on the ``(num_users, num_items)`` matrix, e.g.
        ``fit_autorec(user_train, ...)``; its :meth:`~d2l_ext.lab.fitter.FitResult.reconstruct`
        makes the forward pass.
    ratings : dict of str to float
        ``{title: rating}``, see :func:`rating_vector`.
    items : pandas.DataFrame
        The movie table.
    k : int, default 10
    min_ratings : int, default 0
        Recommend only movies with at least this many training ratings, read from the
        column ``items['num_ratings']`` (add it: ``(train != 0).sum(axis=1)`` of the
        item-based training matrix). A movie rated by one or two users gets a noisy
        prediction that can top the list.

    Returns
    -------
    pandas.DataFrame
        ``title``, ``genres``, ``predicted`` (rating, clipped to 1-5), best first, without
        the movies you rated.

    Raises
    ------
    InvalidArgumentError
        See :func:`rating_vector`; or ``min_ratings`` without a ``num_ratings`` column.
    ShapeMismatchError
        ``fitted`` was not fitted on rows of ``len(items)`` movies (an I-AutoRec, say).
    """
    if fitted.shape[1] != len(items):
        raise ShapeMismatchError(
            f'The model reads rows of {fitted.shape[1]} entries, but a rating vector has '
            f'one entry per movie ({len(items)}): expected a user-based AutoRec, fitted on '
            f'the (num_users, num_items) matrix (split.matrices["user"]["train"]).')
    vector = rating_vector(ratings, items)
    pred = fitted.reconstruct(vector)  # prediction mode: the full reconstruction
    scores = onp.clip(pred, 1, 5)
    if min_ratings:
        if 'num_ratings' not in items:
            raise InvalidArgumentError(
                "min_ratings needs a 'num_ratings' column in items: add it with "
                "items['num_ratings'] = (train != 0).sum(axis=1) (the item-based "
                'training matrix).')
        scores = onp.where(items['num_ratings'].to_numpy() >= min_ratings, scores, -onp.inf)
    return recommend(scores[:, None], vector[:, None], 0, items, k)


def rating_form(fitted, items, k=10, *, rows=5, min_ratings=0):
    """An ipywidgets form: type up to ``rows`` titles and ratings, press the button, read
    the top-``k`` (see :func:`recommend_for_ratings` for ``fitted`` and ``min_ratings``).

    Returns
    -------
    ipywidgets.VBox
        Its ``children`` are the title/rating rows, the button and an ``HTML`` widget
        showing the list, or the error message for an unknown title.

    Raises
    ------
    ImportError
        ipywidgets is not installed: use :func:`recommend_for_ratings` with a dict.
    """
    try:
        import ipywidgets as widgets
    except ImportError:
        raise ImportError('The form needs ipywidgets (pip install ipywidgets); without it, '
                          'pass a dict to recommend_for_ratings(fitted, {"Star Wars": 5}, '
                          'items).') from None
    entries = [(widgets.Text(placeholder='a title, e.g. Star Wars'),
                widgets.IntSlider(value=4, min=1, max=5, description='rating'))
               for _ in range(rows)]
    button = widgets.Button(description=f'Recommend {k}')
    result = widgets.HTML()

    def show(_):
        ratings = {t.value: s.value for t, s in entries if t.value.strip()}
        try:
            table = recommend_for_ratings(fitted, ratings, items, k,
                                          min_ratings=min_ratings)
        except InvalidArgumentError as error:
            result.value = f'<pre>{error}</pre>'
            return
        result.value = table[['title', 'predicted']].round(2).to_html()

    button.on_click(show)
    return widgets.VBox([widgets.HBox(list(pair)) for pair in entries] + [button, result])
