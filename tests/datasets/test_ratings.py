"""A ratings file of one's own: every defect is refused with the line numbers, and ids with
gaps are mapped to 1..n so that d2l's ``id - 1`` indexing puts each rating in its place."""
import io

import numpy as onp
import pandas as pd
import pytest

import d2l_ext as d2l


def read(text, **kwargs):
    return d2l.read_ratings(io.StringIO(text), **kwargs)


def test_clean_file_reads_like_u_data(tmp_path):
    path = tmp_path / 'mine.data'
    path.write_text('1\t1\t5\t881250949\n2\t1\t3\t881250950\n1\t2\t4\t881250951\n')
    data, num_users, num_items, id_map = d2l.read_ratings(path)
    assert list(data.columns) == ['user_id', 'item_id', 'rating', 'timestamp']
    assert data.to_numpy().tolist() == [[1, 1, 5, 881250949], [2, 1, 3, 881250950],
                                        [1, 2, 4, 881250951]]
    assert (num_users, num_items) == (2, 2)
    assert id_map.users.tolist() == [1, 2] and id_map.items.tolist() == [1, 2]
    assert all(dtype == onp.int64 for dtype in data.dtypes)


def test_real_u_data_reads_as_read_data_ml100k(real_data_dir):
    data, num_users, num_items, id_map = d2l.read_ratings(
        real_data_dir / 'ml-100k' / 'u.data')
    reference, ref_users, ref_items = d2l.read_data_ml100k(real_data_dir)
    pd.testing.assert_frame_equal(data, reference)
    assert (num_users, num_items) == (ref_users, ref_items) == (943, 1682)
    assert (id_map.users == onp.arange(1, 944)).all()


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(d2l.DataNotFoundError, match='no such ratings file'):
        d2l.read_ratings(tmp_path / 'nope.data')


@pytest.mark.parametrize('text', ['', '\n\n  \n'])
def test_empty_file(text):
    with pytest.raises(d2l.DataFormatError, match='no ratings'):
        read(text)


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / 'image.data'
    path.write_bytes(b'\x89PNG\r\n\x1a\n\xff\xfe')
    with pytest.raises(d2l.DataFormatError, match='not a text file'):
        d2l.read_ratings(path)


def test_malformed_lines_are_quoted_with_numbers():
    text = '1\t1\t5\t10\n1\t2\t4\n2\t1\t3\t12\t99\n'
    with pytest.raises(d2l.DataFormatError) as info:
        read(text)
    message = str(info.value)
    assert 'line 2' in message and 'line 3' in message and 'line 1:' not in message
    assert 'sep=' in message


def test_wrong_separator_says_so():
    with pytest.raises(d2l.DataFormatError, match='separated by tabs'):
        read('1,1,5,10\n1,2,4,11\n')
    data, *_ = read('1,1,5,10\n1,2,4,11\n', sep=',')
    assert len(data) == 2


def test_three_columns_mean_no_timestamp():
    data, *_ = read('1 1 5\n1 2 4\n', sep=None)
    assert data.timestamp.tolist() == [0, 0]


@pytest.mark.parametrize('line, column', [('1\tx\t5\t10', 'item_id'),
                                          ('1\t2\tfive\t10', 'rating'),
                                          ('1\t2\t3.5\t10', 'rating'),
                                          ('1\t2\tnan\t10', 'rating'),
                                          ('1.5\t2\t3\t10', 'user_id'),
                                          ('1\t2\t3\t', 'timestamp')])
def test_non_numeric_fields(line, column):
    with pytest.raises(d2l.DataFormatError) as info:
        read(f'1\t1\t5\t10\n{line}\n')
    assert column in str(info.value) and 'line 2' in str(info.value)


@pytest.mark.parametrize('rating', [0, 6, -1])
def test_ratings_outside_1_to_5(rating):
    with pytest.raises(d2l.DataFormatError, match='outside 1-5'):
        read(f'1\t1\t5\t10\n1\t2\t{rating}\t10\n')


def test_rating_range_can_be_changed_but_never_include_0():
    data, *_ = read('1\t1\t10\t10\n', rating_range=(1, 10))
    assert data.rating.tolist() == [10]
    with pytest.raises(d2l.InvalidArgumentError, match='0 means unobserved'):
        read('1\t1\t1\t10\n', rating_range=(0, 5))


def test_duplicate_pairs_refused_or_resolved():
    text = '1\t1\t5\t10\n2\t1\t3\t11\n1\t1\t2\t12\n'
    with pytest.raises(d2l.DataFormatError) as info:
        read(text)
    assert 'line 1' in str(info.value) and 'line 3' in str(info.value)
    assert 'line 2' not in str(info.value)
    last, *_ = read(text, duplicates='last')
    first, *_ = read(text, duplicates='first')
    assert last.rating.tolist() == [3, 2] and first.rating.tolist() == [5, 3]
    with pytest.raises(d2l.InvalidArgumentError):
        read(text, duplicates='mean')


def test_ids_with_gaps_are_mapped_to_1_to_n_and_land_in_the_right_cell():
    text = '10\t7\t5\t1\n30\t7\t3\t2\n10\t100\t4\t3\n'
    data, num_users, num_items, id_map = read(text)
    assert (num_users, num_items) == (2, 2)
    assert id_map.users.tolist() == [10, 30] and id_map.items.tolist() == [7, 100]
    _, _, _, inter = d2l.load_data_ml100k(data, num_users, num_items)
    matrix = inter.asnumpy()
    for user, item, rating in [(10, 7, 5), (30, 7, 3), (10, 100, 4)]:
        assert matrix[id_map.item_index(item), id_map.user_index(user)] == rating
    assert (matrix != 0).sum() == 3
    with pytest.raises(KeyError):
        id_map.user_index(20)


def test_ids_starting_at_0_or_negative_are_mapped():
    data, num_users, num_items, id_map = read('0\t-3\t5\t1\n1\t0\t3\t2\n')
    assert data.user_id.tolist() == [1, 2] and data.item_id.tolist() == [1, 2]
    assert id_map.users.tolist() == [0, 1] and id_map.items.tolist() == [-3, 0]


def test_without_remap_gaps_are_refused_clearly():
    with pytest.raises(d2l.DataFormatError, match='without gaps') as info:
        read('1\t1\t5\t1\n3\t1\t3\t2\n', remap=False)
    assert 'missing e.g. [2]' in str(info.value) and 'remap=True' in str(info.value)
    data, num_users, num_items, _ = read('1\t1\t5\t1\n2\t2\t3\t2\n', remap=False)
    assert (num_users, num_items) == (2, 2)


def test_d2l_would_misplace_or_crash_on_gaps_the_loader_refuses():
    """What the reader prevents: d2l's nunique() count with id - 1 indexing."""
    data = pd.DataFrame({'user_id': [1, 3], 'item_id': [1, 1], 'rating': [5, 3],
                         'timestamp': [0, 0]})
    with pytest.raises(d2l.DataFormatError, match='remap_ids'):
        d2l.load_data_ml100k(data, data.user_id.nunique(), data.item_id.nunique())
    mapped, num_users, num_items, _ = d2l.remap_ids(data)
    _, _, _, inter = d2l.load_data_ml100k(mapped, num_users, num_items)
    assert inter.asnumpy().tolist() == [[5, 3]]


def test_reader_output_flows_through_split_and_load():
    rng = onp.random.default_rng(0)
    lines = {(int(u), int(i)): int(r) for u, i, r in zip(rng.integers(5, 500, 300),
                                                         rng.integers(0, 90, 300),
                                                         rng.integers(1, 6, 300))}
    text = ''.join(f'{u}\t{i}\t{r}\t{k}\n' for k, ((u, i), r) in enumerate(lines.items()))
    data, num_users, num_items, id_map = read(text)
    train, test = d2l.split_data_ml100k(data, num_users, num_items, seed=1)
    _, _, _, inter = d2l.load_data_ml100k(train, num_users, num_items)
    assert len(train) + len(test) == len(lines)
    matrix = inter.asnumpy()
    for (u, i), r in list(lines.items())[:50]:
        k = int(data.index[(data.user_id == id_map.user_index(u) + 1)
                           & (data.item_id == id_map.item_index(i) + 1)][0])
        expected = r if k in train.index else 0
        assert matrix[id_map.item_index(i), id_map.user_index(u)] == expected


# Files as editors and spreadsheets save them: the same ratings, read by every reader.
CLEAN = '1\t1\t5\t881250949\n2\t1\t3\t0\n1\t2\t4\t0\n'
HOW = ('byte-order mark', 'CRLF line ends', 'trailing blank lines', 'trailing spaces',
       'all of them')


def saved_like(text, how):
    """``text`` as an editor saves it ``how``."""
    return {'byte-order mark': '\ufeff' + text,
            'CRLF line ends': text.replace('\n', '\r\n'),
            'trailing blank lines': text + '\n\n \n',
            'trailing spaces': text.replace('\n', '  \n'),
            'all of them': '\ufeff' + text.replace('\n', ' \r\n') + '\r\n\r\n'}[how]


@pytest.mark.parametrize('how', HOW)
def test_a_file_saved_by_an_editor_holds_the_same_ratings(how, tmp_path):
    expected = read(CLEAN)[0]
    path = tmp_path / 'mine.tsv'
    path.write_bytes(saved_like(CLEAN, how).encode('utf-8'))
    pd.testing.assert_frame_equal(d2l.read_ratings(path)[0], expected)
    text = io.StringIO(saved_like(CLEAN, how))  # a text stream keeps the mark: read past it too
    pd.testing.assert_frame_equal(d2l.read_ratings(text)[0], expected)


@pytest.mark.parametrize('how', HOW)
def test_netflix_and_ml1m_files_saved_by_an_editor(how, tmp_path):
    """(u.data itself is checksummed: an edited copy is refused as not the official one.)"""
    from d2l_ext.datasets.movielens import parse_ratings_dat
    from d2l_ext.datasets.netflix import read_data_netflix
    netflix = '1:\n1488844,3,2005-09-06\n822109,5,2005-05-13\n2:\n822109,4,2005-05-13\n'
    folder = tmp_path / 'netflix'
    folder.mkdir()
    (folder / 'combined_data_1.txt').write_bytes(saved_like(netflix, how).encode())
    assert read_data_netflix(folder)[0].rating.tolist() == [3, 5, 4]
    dat = tmp_path / 'ratings.dat'
    dat.write_bytes(saved_like('1::1::5::978300760\n2::1::3::978302109\n', how).encode())
    assert parse_ratings_dat(dat)[0].rating.tolist() == [5, 3]

