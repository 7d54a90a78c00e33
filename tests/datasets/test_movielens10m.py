"""MovieLens-10M: half stars, '::' separators, the archive's folder ml-10M100K/."""
import hashlib
import zipfile

import numpy as onp
import pytest

import d2l_ext.datasets.store as store
from d2l_ext import DataFormatError
from d2l_ext.data import interaction_matrix
from d2l_ext.datasets.movielens import parse_ratings_dat, read_data_ml10m
from d2l_ext.datasets.registry import DATASETS, ML1M, ML10M, get_spec


def write_ml10m(folder, num_users=50, num_movies=40, seed=0):
    """Write ``folder/ml-10M100K/ratings.dat`` like GroupLens' (half stars, id gaps)."""
    rng = onp.random.default_rng(seed)
    movie_ids = 1 + 5 * onp.arange(num_movies) + rng.integers(0, 3, num_movies)
    rows = []
    for user in range(num_users):
        for movie in onp.flatnonzero(rng.random(num_movies) < 0.3):
            rows.append((user + 1, int(movie_ids[movie]), rng.integers(1, 11) / 2,
                         1_100_000_000 + len(rows)))
    target = folder / 'ml-10M100K'
    target.mkdir(parents=True, exist_ok=True)
    (target / 'ratings.dat').write_text(
        ''.join(f'{u}::{m}::{r:g}::{t}\n' for u, m, r, t in rows))
    return rows


def test_spec_is_grouplens_official_with_half_stars():
    assert get_spec('ml-10m') is ML10M and DATASETS['ml-10m'] is ML10M
    assert ML10M.url == 'https://files.grouplens.org/datasets/movielens/ml-10m.zip'
    assert ML10M.archive_hash == ('md5', 'ce571fd55effeba0271552578f2648bd')
    assert ML10M.folder_name == 'ml-10M100K' and ML10M.sep == '::'
    assert ML10M.rating_scale == (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
    assert not ML10M.whole_stars and ML1M.whole_stars and ML1M.folder_name == 'ml-1m'


def test_reads_half_stars_and_maps_ids(tmp_path, offline):  # noqa: F811
    rows = write_ml10m(tmp_path)
    data, nu, ni = read_data_ml10m(tmp_path)
    assert len(data) == len(rows) and data.rating.dtype == onp.float64
    onp.testing.assert_array_equal(data.rating, [r[2] for r in rows])
    onp.testing.assert_array_equal(data.movie_id, [r[1] for r in rows])
    assert sorted(data.item_id.unique()) == list(range(1, ni + 1))
    assert (data.rating % 0.5 == 0).all() and (data.rating % 1 != 0).any()
    matrix = interaction_matrix(data, nu, ni, storage='sparse')
    assert matrix.shape == (ni, nu) and matrix.nnz == len(rows)
    assert set(onp.unique(matrix.data)) <= set(ML10M.rating_scale)


def test_ml1m_still_refuses_half_stars_and_ml10m_refuses_off_scale(tmp_path):
    path = tmp_path / 'ratings.dat'
    path.write_text('1::10::3.5::978300760\n')
    with pytest.raises(DataFormatError, match='ratings must be 1-5, found 3.5'):
        parse_ratings_dat(path)
    assert parse_ratings_dat(path, ML10M)[0].rating.tolist() == [3.5]
    for bad in ('0.25', '5.5', '0'):
        path.write_text(f'1::10::4::978300760\n1::11::{bad}::978300761\n')
        with pytest.raises(DataFormatError, match=r'line 2: ratings must be 0.5-5 in steps '
                                                  r'of 0.5'):
            parse_ratings_dat(path, ML10M)
    path.write_text('1::10::4::978300760\n1::x::4::978300761\n')
    with pytest.raises(DataFormatError, match='line 2.*ml-10m.zip'):
        parse_ratings_dat(path, ML10M)


def test_the_archive_extracts_to_its_own_folder_name_and_is_verified(tmp_path, monkeypatch,
                                                                    offline):  # noqa: F811
    rows = write_ml10m(tmp_path / 'src')
    archive = tmp_path / 'data' / 'ml-10m.zip'
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, 'w') as zf:
        zf.write(tmp_path / 'src' / 'ml-10M100K' / 'ratings.dat', 'ml-10M100K/ratings.dat')
    spec = ML10M.__class__(**{**ML10M.__dict__, 'archive_hash': (
        'md5', hashlib.md5(archive.read_bytes()).hexdigest())})
    folder = store.find_dataset(spec, tmp_path / 'data', download_missing=False)
    assert folder == tmp_path / 'data' / 'ml-10M100K'
    assert (folder / 'ratings.dat.sha256').is_file()
    assert len(parse_ratings_dat(folder / 'ratings.dat', spec)[0]) == len(rows)
    # The real spec's published MD5 does not match these synthetic bytes: refused.
    with pytest.raises(Exception, match='MD5|checksum'):
        (folder / 'ratings.dat.sha256').unlink()
        import shutil
        shutil.rmtree(folder)
        store.find_dataset(ML10M, tmp_path / 'data', download_missing=False)
