"""reproduce --dataset ml-10m (half stars) on a synthetic ratings.dat, either storage."""
import pandas as pd
import pytest

from d2l_ext.lab.reproduce import main, parse_args
from tests.datasets.test_movielens10m import write_ml10m


def test_storage_flag_is_parsed():
    assert parse_args([]).storage == 'auto'
    assert parse_args(['--storage', 'sparse', '--dataset', 'ml-10m']).storage == 'sparse'
    with pytest.raises(SystemExit):
        parse_args(['--storage', 'csr'])


def test_reproduce_ml10m_runs_and_both_storages_agree(tmp_path, monkeypatch):
    monkeypatch.delenv('D2L_DATA_DIR', raising=False)
    write_ml10m(tmp_path / 'data', num_users=60, num_movies=50)
    rmse = {}
    for storage in ('dense', 'sparse'):
        out = tmp_path / storage
        main(['--dataset', 'ml-10m', '--short', '--quiet', '--num-hiddens', '16',
              '--data-dir', str(tmp_path / 'data'), '--storage', storage,
              '--output', str(out)])
        summary = pd.read_csv(out / 'ml-10m-random-item.summary.csv')
        assert summary.dataset[0] == 'ml-10m' and summary.runs[0] == 2
        rmse[storage] = float(summary.mean_rmse[0])
    assert 0 < rmse['sparse'] < 5
    assert rmse['sparse'] == pytest.approx(rmse['dense'], abs=1e-4)
