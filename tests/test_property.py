"""Property-based tests (hypothesis): random, mostly malformed rating tables fed to the
reader and to the split and the loader. Every outcome must be a valid result or the
package's own error type (:class:`d2l_ext.D2LExtError`), never a pandas, NumPy or MXNet
traceback.

The runs are derandomised (the same examples every time, so CI is reproducible) and keep
no example database on disk; a few seconds in all.
"""
import io
import math

import numpy as onp
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import d2l_ext as d2l

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

# --- the reader -------------------------------------------------------------------------

field = st.one_of(
    st.integers(-2, 8).map(str),
    st.sampled_from(['', ' ', 'x', '1.5', '3.0', 'nan', 'inf', '-0', '1e3', '0x1', '٣',
                     '99999999999999999999999']),
    st.text(max_size=3),
)
line = st.tuples(st.lists(field, min_size=2, max_size=5),
                 st.sampled_from(['\t', '\t', '\t', ',', ' ']))
clean_line = st.tuples(st.integers(1, 6), st.integers(-1, 9), st.integers(1, 5),
                       st.integers(0, 99)).map(lambda t: '\t'.join(map(str, t)))


def valid_ratings(data, num_users, num_items, id_map):
    assert list(data.columns) == ['user_id', 'item_id', 'rating', 'timestamp']
    assert all(dtype == onp.int64 for dtype in data.dtypes)
    assert len(data) > 0
    assert sorted(data.user_id.unique()) == list(range(1, num_users + 1))
    assert sorted(data.item_id.unique()) == list(range(1, num_items + 1))
    assert data.rating.between(1, 5).all()
    assert not data.duplicated(['user_id', 'item_id']).any()
    assert len(id_map.users) == num_users and len(id_map.items) == num_items
    assert (onp.diff(id_map.users) > 0).all() and (onp.diff(id_map.items) > 0).all()


def through_split_and_load(data, num_users, num_items):
    """A valid reader result always goes through d2l's pipeline, ratings in place."""
    for mode in ('random', 'seq-aware'):
        train, test = d2l.split_data_ml100k(data, num_users, num_items, mode, seed=0)
        users, items, scores, inter = d2l.load_data_ml100k(train, num_users, num_items)
        matrix = inter.asnumpy()
        assert matrix.shape == (num_items, num_users)
        assert int((matrix != 0).sum()) == len(train)
        assert (matrix[items, users] == scores).all()


@SETTINGS
@given(st.lists(st.one_of(line.map(lambda t: t[1].join(t[0])), clean_line,
                          st.just('')), max_size=12),
       st.sampled_from(['error', 'first', 'last']), st.booleans())
def test_reader_on_random_files(lines, duplicates, remap):
    text = '\n'.join(lines)
    try:
        result = d2l.read_ratings(io.StringIO(text), duplicates=duplicates, remap=remap)
    except d2l.D2LExtError as error:
        event(f'refused: {type(error).__name__}')
        assert str(error)
        return
    event('valid')
    valid_ratings(*result)
    through_split_and_load(*result[:3])


@SETTINGS
@given(st.lists(clean_line, min_size=1, max_size=15))
def test_reader_on_well_formed_files_with_any_ids(lines):
    """Lines that are each well formed: refused only for duplicate pairs."""
    try:
        result = d2l.read_ratings(io.StringIO('\n'.join(lines)))
    except d2l.DataFormatError as error:
        event('refused: duplicate pair')
        assert 'rated on another line' in str(error)
        return
    event('valid')
    valid_ratings(*result)
    through_split_and_load(*result[:3])


@SETTINGS
@given(st.binary(max_size=40))
def test_reader_on_random_bytes(raw):
    try:
        result = d2l.read_ratings(io.BytesIO(raw))
    except d2l.D2LExtError:
        return
    valid_ratings(*result)


# --- the split and the loader on data frames --------------------------------------------

BAD_COLUMNS = [
    lambda n: st.lists(st.integers(-2, 8), min_size=n, max_size=n),
    lambda n: st.lists(st.sampled_from([1.0, 2.0, 2.5, math.nan, math.inf, -1.0, 0.0]),
                       min_size=n, max_size=n),
    lambda n: st.lists(st.sampled_from(['1', 'x', '']), min_size=n, max_size=n),
    lambda n: st.lists(st.booleans(), min_size=n, max_size=n),
    lambda n: st.lists(st.one_of(st.integers(1, 3), st.text(max_size=1), st.none()),
                       min_size=n, max_size=n),
]
BAD_CELLS = [math.nan, math.inf, 0, -1, 2.5, 10 ** 6, 'x', None]
BAD_SIZES = [-1, 0, 2.0, None, True, '4']
BAD_RATIOS = [1.5, -0.1, math.nan, '0.1', None]


@st.composite
def cases(draw):
    """A well-formed (table, num_users, num_items, test_ratio), then one defect or none
    (half of the cases stay well formed, so valid results are checked often too)."""
    rows = draw(st.integers(0, 10))
    num_users, num_items = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    columns = {'user_id': draw(st.lists(st.integers(1, num_users), min_size=rows,
                                        max_size=rows)),
               'item_id': draw(st.lists(st.integers(1, num_items), min_size=rows,
                                        max_size=rows)),
               'rating': draw(st.lists(st.integers(1, 5), min_size=rows, max_size=rows)),
               'timestamp': draw(st.lists(st.integers(0, 5), min_size=rows,
                                          max_size=rows))}
    data = pd.DataFrame(columns)
    test_ratio = draw(st.floats(0, 1))
    defect = draw(st.sampled_from(['none'] * 6 + ['column', 'cell', 'width', 'num_users',
                                                  'num_items', 'ratio', 'float ids']))
    name = draw(st.sampled_from(list(columns)))
    if defect == 'column':
        data[name] = draw(draw(st.sampled_from(BAD_COLUMNS))(rows))
    elif defect == 'cell' and rows:
        data[name] = data[name].astype(object)
        data.loc[draw(st.integers(0, rows - 1)), name] = draw(st.sampled_from(BAD_CELLS))
    elif defect == 'width':
        data = data.iloc[:, :draw(st.integers(0, 3))]
    elif defect == 'num_users':
        num_users = draw(st.sampled_from(BAD_SIZES + [max(num_users - 1, 0)]))
    elif defect == 'num_items':
        num_items = draw(st.sampled_from(BAD_SIZES + [max(num_items - 1, 0)]))
    elif defect == 'ratio':
        test_ratio = draw(st.sampled_from(BAD_RATIOS))
    elif defect == 'float ids':  # whole floats are fine, as d2l's int() would read them
        data[name] = data[name].astype(float)
    event(f'defect: {defect}')
    return data, num_users, num_items, test_ratio


@SETTINGS
@given(cases(), st.sampled_from(['random', 'seq-aware', 'random', 'seq-aware', 'other']),
       st.sampled_from(['explicit', 'implicit']))
def test_split_and_load_on_random_tables(case, split_mode, feedback):
    data, num_users, num_items, test_ratio = case
    try:
        train, test = d2l.split_data_ml100k(data, num_users, num_items, split_mode,
                                            test_ratio, seed=0)
    except d2l.D2LExtError as error:
        event(f'split refused: {type(error).__name__}')
        assert str(error)
        return
    event('split valid')
    if split_mode == 'random':
        assert sorted(train.index.tolist() + test.index.tolist()) == data.index.tolist()
    for part in (train, test):
        try:
            users, items, scores, inter = d2l.load_data_ml100k(part, num_users, num_items,
                                                               feedback)
        except d2l.D2LExtError as error:
            event(f'load refused: {type(error).__name__}')
            assert str(error)
            continue
        event('load valid')
        assert len(users) == len(items) == len(scores) == len(part)
        assert all(0 <= u < num_users for u in users)
        assert all(0 <= i < num_items for i in items)
        if feedback == 'explicit':
            matrix = inter.asnumpy()
            assert matrix.shape == (num_items, num_users)
            assert (matrix[items, users] != 0).all() or not users
        else:
            assert sorted(i for row in inter.values() for i in row) == sorted(items)


@SETTINGS
@given(cases())
def test_load_on_random_tables(case):
    data, num_users, num_items, _ = case
    try:
        users, items, scores, inter = d2l.load_data_ml100k(data, num_users, num_items)
    except d2l.D2LExtError as error:
        event(f'refused: {type(error).__name__}')
        assert str(error)
        return
    event('valid')
    matrix = inter.asnumpy()
    assert matrix.shape == (num_items, num_users)
    last = {}
    for u, i, r in zip(users, items, scores):
        last[(u, i)] = r
    assert int((matrix != 0).sum()) == len(last)
    assert all(matrix[i, u] == r for (u, i), r in last.items())
