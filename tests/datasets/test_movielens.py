"""MovieLens-1M reader on synthetic files written in ratings.dat's exact format."""
import zipfile

import numpy as onp
import pytest

import d2l_ext.datasets.store as download
from d2l_ext import DataChecksumError, DataFormatError, DataNotFoundError
from d2l_ext.datasets.movielens import parse_ratings_dat, read_data_ml1m
from d2l_ext.datasets.registry import ML1M


def write_ratings_dat(folder, num_users=80, num_movies=60, density=0.3, seed=0):
    """Write ``folder/ml-1m/ratings.dat`` like GroupLens' (``::``-separated, movie ids
    with gaps); return the array of (user, movie, rating, timestamp) rows written."""
    rng = onp.random.default_rng(seed)
    movie_ids = 1 + 3 * onp.arange(num_movies) + rng.integers(0, 2, num_movies)  # gaps
    u, v = rng.normal(size=(num_users, 3)), rng.normal(size=(num_movies, 3))
    rows = []
    for user in range(num_users):
        for movie in onp.flatnonzero(rng.random(num_movies) < density):
            rating = int(onp.clip(onp.rint(3.5 + u[user] @ v[movie]), 1, 5))
            rows.append((user + 1, int(movie_ids[movie]), rating, 978300000 + len(rows)))
    target = folder / 'ml-1m'
    target.mkdir(parents=True, exist_ok=True)
    (target / 'ratings.dat').write_text(''.join(f'{a}::{b}::{c}::{d}\n' for a, b, c, d in rows))
    return onp.array(rows)


def test_spec_is_grouplens_official():
    assert ML1M.name == 'ml-1m' and ML1M.key_file == 'ratings.dat'
    assert ML1M.url == 'https://files.grouplens.org/datasets/movielens/ml-1m.zip'
    assert ML1M.archive_hash == ('md5', 'c4d9eecfca2ab87c1945afe126590906')


def test_reads_and_maps_ids_to_contiguous(tmp_path, offline):
    rows = write_ratings_dat(tmp_path)
    data, num_users, num_items = read_data_ml1m(tmp_path)
    assert len(data) == len(rows)
    assert num_users == len(onp.unique(rows[:, 0]))
    assert num_items == len(onp.unique(rows[:, 1])) < rows[:, 1].max()  # ids had gaps
    assert sorted(data.item_id.unique()) == list(range(1, num_items + 1))
    assert sorted(data.user_id.unique()) == list(range(1, num_users + 1))
    # the mapping keeps the order of the original ids and every rating in file order
    onp.testing.assert_array_equal(data.movie_id, rows[:, 1])
    onp.testing.assert_array_equal(data.rating, rows[:, 2])
    onp.testing.assert_array_equal(data.timestamp, rows[:, 3])
    order = data.drop_duplicates('movie_id').sort_values('movie_id')
    assert list(order.item_id) == list(range(1, num_items + 1))


def test_reads_from_the_folder_itself_and_from_the_env_var(tmp_path, offline, monkeypatch):
    write_ratings_dat(tmp_path)
    direct = parse_ratings_dat(tmp_path / 'ml-1m' / 'ratings.dat')
    assert read_data_ml1m(tmp_path / 'ml-1m')[0].equals(direct[0])
    monkeypatch.setenv('D2L_DATA_DIR', str(tmp_path))
    assert read_data_ml1m()[0].equals(direct[0])


@pytest.mark.parametrize('line, what', [('1::2::3\n', 'line 2'),
                                        ('1::2::x::4\n', 'integer'),
                                        ('1::2::7::4\n', 'line 2: ratings must be 1-5'),
                                        ('1\t2\t3\t4\n', 'line 2')])
def test_malformed_lines_raise_a_clear_error(tmp_path, offline, line, what):
    folder = tmp_path / 'ml-1m'
    folder.mkdir()
    (folder / 'ratings.dat').write_text('1::10::5::978300760\n' + line)
    with pytest.raises(DataFormatError, match=what) as info:
        read_data_ml1m(tmp_path)
    assert 'ratings.dat' in str(info.value)


def test_empty_file_is_refused(tmp_path, offline):
    (tmp_path / 'ml-1m').mkdir()
    (tmp_path / 'ml-1m' / 'ratings.dat').write_text('')
    with pytest.raises(DataFormatError, match='empty'):
        read_data_ml1m(tmp_path)


def test_offline_without_data_names_places_and_address(tmp_path, offline):
    with pytest.raises(DataNotFoundError) as info:
        read_data_ml1m(tmp_path / 'nowhere')
    message = str(info.value)
    assert 'ml-1m' in message and ML1M.url in message
    assert str(tmp_path / 'nowhere') in message and 'D2L_DATA_DIR' in message


def test_archive_with_wrong_checksum_is_not_used(tmp_path, offline):
    write_ratings_dat(tmp_path / 'src')
    with zipfile.ZipFile(tmp_path / 'ml-1m.zip', 'w') as zf:
        zf.write(tmp_path / 'src' / 'ml-1m' / 'ratings.dat', 'ml-1m/ratings.dat')
    with pytest.raises(DataNotFoundError, match='download failed'):
        read_data_ml1m(tmp_path)  # not the official bytes: refused, then no network
    assert not (tmp_path / 'ml-1m').exists()
    with pytest.raises(DataChecksumError):
        download.find_dataset(ML1M, tmp_path, download_missing=False)


def test_extraction_records_the_members_checksum_and_later_reads_verify_it(tmp_path):
    """GroupLens publishes only the archive's MD5: the extracted ratings.dat is checked
    against the hash of the member inside the verified archive."""
    import hashlib

    from d2l_ext.datasets.registry import DatasetSpec
    from d2l_ext.datasets.store import file_hash, find_dataset
    write_ratings_dat(tmp_path / 'src')
    archive = tmp_path / 'data' / 'ml-fake.zip'
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, 'w') as zf:
        zf.write(tmp_path / 'src' / 'ml-1m' / 'ratings.dat', 'ml-fake/ratings.dat')
    spec = DatasetSpec('ml-fake', 'https://example.invalid/ml-fake.zip',
                       ('md5', hashlib.md5(archive.read_bytes()).hexdigest()),
                       'ratings.dat', None)
    folder = find_dataset(spec, tmp_path / 'data', download_missing=False)
    ratings = folder / 'ratings.dat'
    record = (folder / 'ratings.dat.sha256').read_text().split()[0]
    assert record == file_hash(ratings) == file_hash(tmp_path / 'src' / 'ml-1m' / 'ratings.dat')
    assert find_dataset(spec, tmp_path / 'data', download_missing=False) == folder
    # Truncated on a line boundary: the format is still valid, the checksum is not.
    lines = ratings.read_bytes().splitlines(keepends=True)
    ratings.write_bytes(b''.join(lines[:-3]))
    with pytest.raises(DataChecksumError, match='ratings.dat'):
        find_dataset(spec, tmp_path / 'data', download_missing=False)
