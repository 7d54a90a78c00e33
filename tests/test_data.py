"""The ML-100K data path: d2l's semantics, vectorised, and where the data is looked for."""
import urllib.error
import urllib.request

import mxnet as mx
import numpy as onp
import pandas as pd
import pytest

import d2l_ext as d2l
from d2l_ext.datasets.registry import DatasetSpec
from d2l_ext.datasets.store import file_hash, find_dataset


def small_frame(num_rows=400, num_users=30, num_items=40, seed=0):
    """Ratings in u.data's layout with every user and item present and unique pairs."""
    rng = onp.random.default_rng(seed)
    pairs = rng.permutation(num_users * num_items)[:num_rows]
    users = onp.concatenate([onp.arange(num_users), pairs // num_items])[:num_rows] + 1
    items = onp.concatenate([onp.arange(num_items) % num_items, pairs % num_items])
    items = items[:num_rows] + 1
    frame = pd.DataFrame({'user_id': users, 'item_id': items,
                          'rating': rng.integers(1, 6, num_rows),
                          'timestamp': rng.integers(8e8, 9e8, num_rows)})
    frame = frame.drop_duplicates(['user_id', 'item_id']).reset_index(drop=True)
    return frame, int(frame.user_id.max()), int(frame.item_id.max())


# --- split -------------------------------------------------------------------------------
def test_random_split_sizes_partition_and_ratio():
    data, nu, ni = small_frame(2000, 60, 80)
    train, test = d2l.split_data_ml100k(data, nu, ni, test_ratio=0.25, seed=0)
    assert len(train) + len(test) == len(data)
    assert set(train.index).isdisjoint(test.index)
    assert abs(len(test) / len(data) - 0.25) < 0.05


def test_random_split_is_reproducible_with_a_seed_and_varies_without():
    data, nu, ni = small_frame()
    a = d2l.split_data_ml100k(data, nu, ni, seed=4)[1].index
    b = d2l.split_data_ml100k(data, nu, ni, seed=4)[1].index
    c = d2l.split_data_ml100k(data, nu, ni, seed=5)[1].index
    assert a.equals(b) and not a.equals(c)
    mx.random.seed(11)
    d = d2l.split_data_ml100k(data, nu, ni)[1].index
    mx.random.seed(11)
    assert d.equals(d2l.split_data_ml100k(data, nu, ni)[1].index)


def test_seq_aware_split_holds_out_each_users_latest_rating():
    data, nu, ni = small_frame()
    train, test = d2l.split_data_ml100k(data, nu, ni, 'seq-aware')
    assert len(test) == data.user_id.nunique() and len(train) + len(test) == len(data)
    latest = data.loc[data.groupby('user_id').timestamp.idxmax()]
    assert set(map(tuple, test.iloc[:, :2].to_numpy())) == set(
        map(tuple, latest[['user_id', 'item_id']].to_numpy()))


def test_unknown_split_mode_is_refused():
    data, nu, ni = small_frame()
    with pytest.raises(ValueError, match='split_mode'):
        d2l.split_data_ml100k(data, nu, ni, 'by-time')


# --- agreement with d2l's own functions ---------------------------------------------------
@pytest.fixture(scope='module')
def d2l_ref():
    from d2l import mxnet as ref
    return ref


@pytest.mark.parametrize('mode', ['random', 'seq-aware'])
def test_split_agrees_with_d2l(d2l_ref, mode):
    data, nu, ni = small_frame()
    mx.random.seed(7)
    expected = d2l_ref.split_data_ml100k(data, nu, ni, mode)
    mx.random.seed(7)
    got = d2l.split_data_ml100k(data, nu, ni, mode)
    for e, g in zip(expected, got):
        assert onp.array_equal(e.to_numpy(), g.to_numpy())


@pytest.mark.parametrize('feedback', ['explicit', 'implicit'])
def test_load_agrees_with_d2l(d2l_ref, feedback):
    data, nu, ni = small_frame()
    data = pd.concat([data, data.iloc[:5].assign(rating=1)])  # repeated pairs: last wins
    expected = d2l_ref.load_data_ml100k(data, nu, ni, feedback)
    got = d2l.load_data_ml100k(data, nu, ni, feedback)
    assert got[:3] == expected[:3]
    assert all(type(x) is int for x in got[0][:3] + got[1][:3] + got[2][:3])
    if feedback == 'explicit':
        assert type(got[3]) is type(expected[3]) is mx.np.ndarray
        assert got[3].shape == (ni, nu) and got[3].dtype == expected[3].dtype
        assert onp.array_equal(got[3].asnumpy(), expected[3].asnumpy())
    else:
        assert got[3] == expected[3] and list(got[3]) == list(expected[3])


def test_out_of_range_ids_are_a_clear_error():
    data, nu, ni = small_frame()
    with pytest.raises(d2l.DataFormatError, match='user ids must run from 1'):
        d2l.load_data_ml100k(data, nu - 1, ni)


# --- where the data is looked for ---------------------------------------------------------
def fake_dataset(folder, content=b'1\t1\t5\t881250949\n'):
    (folder / 'ml-fake').mkdir(parents=True)
    (folder / 'ml-fake' / 'u.data').write_bytes(content)
    return DatasetSpec('ml-fake', 'https://example.invalid/ml-fake.zip', ('sha1', '0' * 40),
                       'u.data', file_hash(folder / 'ml-fake' / 'u.data'))


def test_location_order_argument_then_environment_then_default(tmp_path, monkeypatch):
    arg, env, default = tmp_path / 'arg', tmp_path / 'env', tmp_path / 'work' / 'data'
    spec = fake_dataset(arg)
    fake_dataset(env), fake_dataset(default)
    (tmp_path / 'work' / 'nb').mkdir(parents=True)
    monkeypatch.chdir(tmp_path / 'work' / 'nb')  # d2l's default cache is ../data
    monkeypatch.setenv('D2L_DATA_DIR', str(env))
    assert find_dataset(spec, arg) == arg / 'ml-fake'
    assert find_dataset(spec) == env / 'ml-fake'
    monkeypatch.delenv('D2L_DATA_DIR')
    assert find_dataset(spec).resolve() == (default / 'ml-fake').resolve()
    # A place may also be the extracted folder itself.
    assert find_dataset(spec, arg / 'ml-fake') == arg / 'ml-fake'


def test_checksum_mismatch_names_the_file(tmp_path):
    spec = fake_dataset(tmp_path)
    (tmp_path / 'ml-fake' / 'u.data').write_bytes(b'1\t1\t4\t881250949\n')
    with pytest.raises(d2l.DataChecksumError) as error:
        find_dataset(spec, tmp_path)
    assert str(tmp_path / 'ml-fake' / 'u.data') in str(error.value)
    assert 'expected' in str(error.value) and 'found' in str(error.value)


def test_real_copy_with_a_changed_byte_is_refused(tmp_path):
    (tmp_path / 'ml-100k').mkdir()
    (tmp_path / 'ml-100k' / 'u.data').write_text('196\t242\t3\t881250949\n')
    with pytest.raises(d2l.DataChecksumError, match='u.data'):
        d2l.read_data_ml100k(tmp_path)


def test_offline_without_a_copy_names_every_place_and_what_to_do(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError('no network')
    monkeypatch.setattr(urllib.request, 'urlopen', offline)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('D2L_DATA_DIR', str(tmp_path / 'env'))
    with pytest.raises(d2l.DataNotFoundError) as error:
        d2l.read_data_ml100k(tmp_path / 'arg')
    message = str(error.value)
    for place in (tmp_path / 'arg', tmp_path / 'env', tmp_path.parent / 'data'):
        assert str(place) in message
    assert d2l.DATA_HUB['ml-100k'][0] in message and 'D2L_DATA_DIR' in message
    assert not list((tmp_path / 'arg').glob('*.zip*')), 'no partial download is left'


def test_data_hub_entry_is_d2ls(d2l_ref):
    assert d2l.DATA_HUB['ml-100k'] == d2l_ref.DATA_HUB['ml-100k']


def test_reads_the_real_data(real_data_dir):
    data, num_users, num_items = d2l.read_data_ml100k(real_data_dir)
    assert (len(data), num_users, num_items) == (100000, 943, 1682)
    assert list(data.columns) == ['user_id', 'item_id', 'rating', 'timestamp']
    assert data.rating.between(1, 5).all()


def test_experiment_matrices_have_load_data_ml100ks_semantics():
    from d2l_ext.data import interaction_matrix
    data, nu, ni = small_frame()
    data = pd.concat([data, data.iloc[:5].assign(rating=1)])  # repeated pairs: last wins
    inter = d2l.load_data_ml100k(data, nu, ni)[3].asnumpy()
    assert onp.array_equal(interaction_matrix(data, nu, ni, 'item'), inter)
    assert onp.array_equal(interaction_matrix(data, nu, ni, 'user'), inter.T)
    with pytest.raises(d2l.DataFormatError, match='user'):
        interaction_matrix(data, nu - 1, ni)
    with pytest.raises(d2l.InvalidArgumentError, match='variant'):
        interaction_matrix(data, nu, ni, 'both')
