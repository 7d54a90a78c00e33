"""Netflix Prize reader on synthetic files in the exact layouts (no real data here)."""
import numpy as onp
import pytest

from d2l_ext import DataFormatError, DataNotFoundError
from d2l_ext.datasets.netflix import netflix_files, parse_netflix, read_data_netflix


def netflix_blocks(num_movies=12, seed=0):
    """{movie id: [(customer id, rating, 'YYYY-MM-DD'), ...]}, ids with large gaps."""
    rng = onp.random.default_rng(seed)
    customers = onp.sort(rng.choice(2_649_429, 40, replace=False)) + 1
    blocks = {}
    for movie in range(1, num_movies + 1):
        who = rng.choice(customers, rng.integers(1, 15), replace=False)
        blocks[movie] = [(int(c), int(rng.integers(1, 6)),
                          f'{rng.integers(1999, 2006)}-{rng.integers(1, 13):02d}-'
                          f'{rng.integers(1, 29):02d}') for c in who]
    return blocks


def text_of(blocks):
    return ''.join(f'{m}:\n' + ''.join(f'{c},{r},{d}\n' for c, r, d in rows)
                   for m, rows in blocks.items())


def flat(blocks):
    return [(c, m, r, d) for m, rows in blocks.items() for c, r, d in rows]


def check(data, nu, ni, id_map, blocks):
    rows = flat(blocks)
    assert len(data) == len(rows)
    assert list(data.columns) == ['user_id', 'item_id', 'rating', 'timestamp']
    assert nu == len({r[0] for r in rows}) and ni == len(blocks)
    assert sorted(data.user_id.unique()) == list(range(1, nu + 1))
    onp.testing.assert_array_equal(id_map.users[data.user_id - 1], [r[0] for r in rows])
    onp.testing.assert_array_equal(id_map.items[data.item_id - 1], [r[1] for r in rows])
    onp.testing.assert_array_equal(data.rating, [r[2] for r in rows])
    expected = onp.array([r[3] for r in rows], dtype='datetime64[s]').astype(onp.int64)
    onp.testing.assert_array_equal(data.timestamp, expected)


def test_reads_combined_data_files_in_order(tmp_path):
    blocks = netflix_blocks()
    movies = list(blocks)
    (tmp_path / 'combined_data_1.txt').write_text(text_of({m: blocks[m] for m in movies[:7]}))
    (tmp_path / 'combined_data_2.txt').write_text(text_of({m: blocks[m] for m in movies[7:]}))
    check(*read_data_netflix(tmp_path), blocks)


def test_reads_the_training_set_folder_one_file_per_movie(tmp_path):
    blocks = netflix_blocks(seed=1)
    (tmp_path / 'training_set').mkdir()
    for movie, rows in blocks.items():
        (tmp_path / 'training_set' / f'mv_{movie:07d}.txt').write_text(text_of({movie: rows}))
    assert len(netflix_files(tmp_path)) == len(blocks)
    check(*read_data_netflix(tmp_path), blocks)
    check(*read_data_netflix(tmp_path / 'training_set'), blocks)


def test_blocks_cut_across_parsing_chunks_keep_their_movie(tmp_path):
    blocks = netflix_blocks(seed=2)
    path = tmp_path / 'combined_data_1.txt'
    path.write_text(text_of(blocks))
    users, movies, ratings, _ = parse_netflix(path, chunk_lines=3)
    rows = flat(blocks)
    assert movies.tolist() == [r[1] for r in rows] and users.tolist() == [r[0] for r in rows]


@pytest.mark.parametrize('text, what', [
    ('1488844,3,2005-09-06\n', 'line 1.*before any "MovieID:"'),
    ('1:\n1488844,6,2005-09-06\n', 'line 2.*rating of 6'),
    ('1:\n1488844,3.5,2005-09-06\n', 'rating of 3.5'),
    ('1:\n1488844;3;2005-09-06\n', 'Netflix Prize file'),
    ('1:\n1488844,3,not-a-date\n', 'Netflix Prize file'),
    ('', 'no ratings')])
def test_malformed_files_are_refused_with_the_line(tmp_path, text, what):
    path = tmp_path / 'combined_data_1.txt'
    path.write_text(text)
    with pytest.raises(DataFormatError, match=what) as info:
        read_data_netflix(path)
    assert 'combined_data_1.txt' in str(info.value)


def test_a_repeated_pair_is_refused(tmp_path):
    (tmp_path / 'combined_data_1.txt').write_text('1:\n5,3,2005-09-06\n5,4,2005-09-07\n')
    with pytest.raises(DataFormatError, match='twice'):
        read_data_netflix(tmp_path)


def test_a_folder_without_netflix_files_names_the_layouts(tmp_path):
    with pytest.raises(DataNotFoundError, match='combined_data_1.txt'):
        read_data_netflix(tmp_path)
