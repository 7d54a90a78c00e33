"""reproduce --dataset ml-10m (half stars) on a synthetic ratings.dat, either storage, and
--dataset netflix on synthetic Netflix Prize files."""
import pandas as pd
import pytest

from d2l_ext.lab.reproduce import main, parse_args
from tests.datasets.test_movielens10m import write_ml10m
from tests.datasets.test_netflix import netflix_blocks, text_of


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
        main(['--dataset', 'ml-10m', '--short', '--quiet', '--num-hidden', '16',
              '--data-dir', str(tmp_path / 'data'), '--storage', storage,
              '--output', str(out)])
        summary = pd.read_csv(out / 'ml-10m-random-item.summary.csv')
        assert summary.dataset[0] == 'ml-10m' and summary.runs[0] == 2
        rmse[storage] = float(summary.mean_rmse[0])
    assert 0 < rmse['sparse'] < 5
    assert rmse['sparse'] == pytest.approx(rmse['dense'], abs=1e-4)


def test_reproduce_netflix_reads_a_local_copy_and_stores_it_sparse(tmp_path):
    folder = tmp_path / 'training_set'
    folder.mkdir()
    for movie, rows in netflix_blocks(num_movies=30, seed=2).items():
        (folder / f'mv_{movie:07d}.txt').write_text(text_of({movie: rows}))
    out = tmp_path / 'out'
    summary = main(['--dataset', 'netflix', '--data-dir', str(folder), '--short', '--quiet',
                    '--num-hidden', '8', '--storage', 'sparse', '--output', str(out)]).iloc[0]
    assert (summary.dataset, summary.runs) == ('netflix', 2) and 0 < summary.mean_rmse < 5
    assert (out / 'netflix-random-item.runs.csv').is_file()
    with pytest.raises(SystemExit):  # no public copy to download: the folder is needed
        parse_args(['--dataset', 'netflix'])


def test_num_hiddens_flag_still_works_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match='--num-hidden'):
        assert parse_args(['--num-hiddens', '40']).num_hidden == 40
    assert parse_args(['--num-hidden', '40']).num_hidden == 40
