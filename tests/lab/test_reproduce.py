"""The headless runner's short setting, on synthetic ML-1M files and on the real ML-100K."""
import pandas as pd
import pytest

from d2l_ext.lab.reproduce import main, parse_args
from tests.datasets.test_movielens import write_ratings_dat

REQUIRED = ['dataset', 'protocol', 'variant', 'runs', 'mean_rmse', 'ci95']


def test_short_run_on_synthetic_ml1m_writes_tables_and_plots(tmp_path, offline, capsys):
    write_ratings_dat(tmp_path / 'data', num_users=120, num_movies=80)
    out = tmp_path / 'out'
    summaries = main(['--dataset', 'ml-1m', '--variant', 'both', '--short',
                      '--data-dir', str(tmp_path / 'data'), '--output', str(out)])
    assert list(summaries.variant) == ['item', 'user']
    for variant in ('item', 'user'):
        stem = out / f'ml-1m-random-{variant}'
        for suffix in ('.summary.csv', '.runs.csv', '.grid.csv', '.history.csv'):
            assert (stem.parent / (stem.name + suffix)).is_file()
        png = (stem.parent / (stem.name + '.png')).read_bytes()
        assert png.startswith(b'\x89PNG') and len(png) > 5_000
        runs = pd.read_csv(stem.parent / (stem.name + '.runs.csv'))
        assert list(runs.split) == ['seed=0', 'seed=1'] and (runs.best_epoch <= 3).all()
        history = pd.read_csv(stem.parent / (stem.name + '.history.csv'))
        assert {'split', 'epoch', 'val_rmse', 'test_rmse'} <= set(history.columns)
    results = pd.read_csv(out / 'results.csv')
    assert list(results.columns[:6]) == REQUIRED[:3] + ['method'] + REQUIRED[3:5]
    assert set(REQUIRED) <= set(results.columns) and len(results) == 2
    assert (results.runs == 2).all() and results.mean_rmse.between(0.3, 3).all()
    markdown = (out / 'results.md').read_text()
    assert markdown.startswith('| dataset') and 'I-AutoRec' in markdown
    printed = capsys.readouterr()
    assert '0.831' in printed.out and '0.874' in printed.out  # the paper's ML-1M table
    assert 'select:' in printed.err and 'refit:' in printed.err  # one progress bar per fit


def test_short_folds_on_real_ml100k(tmp_path, real_data_dir, capsys):
    summaries = main(['--protocol', 'folds', '--short', '--quiet', '--data-dir',
                      str(real_data_dir), '--output', str(tmp_path)])
    row = summaries.iloc[0]
    assert (row.dataset, row.protocol, row.variant, row.runs) == ('ml-100k', 'folds', 'item', 2)
    runs = pd.read_csv(tmp_path / 'ml-100k-folds-item.runs.csv')
    assert list(runs.split) == ['u1', 'u2'] and runs.test_rmse.between(0.85, 1.3).all()
    printed = capsys.readouterr().out
    assert 'GLocal-K' in printed and '0.934' in printed and '0.901' in printed


def test_arguments():
    args = parse_args(['--short'])
    assert (args.runs, args.epochs, args.patience, args.wd_grid) == (2, 3, None, [1e-5])
    args = parse_args(['--wd-grid', '1e-4,1e-5', '--runs', '3', '--epochs', '80'])
    assert (args.runs, args.epochs, args.wd_grid) == (3, 80, [1e-4, 1e-5])
    with pytest.raises(SystemExit):
        parse_args(['--dataset', 'ml-1m', '--protocol', 'folds'])


def test_baseline_methods_write_rows_beside_autorec(tmp_path, offline, capsys):
    write_ratings_dat(tmp_path / 'data', num_users=120, num_movies=80)
    out = tmp_path / 'out'
    common = ['--dataset', 'ml-1m', '--short', '--quiet', '--data-dir', str(tmp_path / 'data'),
              '--output', str(out)]
    for method in ('mean', 'bias', 'mf'):
        summary = main(['--method', method, *common]).iloc[0]
        assert (summary.variant, summary.runs) == (method, 2)
    main(common)  # I-AutoRec on the same splits
    assert not (out / 'ml-1m-random-bias.png').exists()  # no epochs, no curves
    assert (out / 'ml-1m-random-mf.png').is_file()
    history = pd.read_csv(out / 'ml-1m-random-mf.history.csv')
    assert set(history.split) == {'seed=0', 'seed=1'}
    runs = {m: pd.read_csv(out / f'ml-1m-random-{m}.runs.csv') for m in ('mean', 'bias', 'item')}
    assert all(list(r.split) == ['seed=0', 'seed=1'] for r in runs.values())
    assert {'reg_item', 'reg_user'} <= set(runs['bias'].columns)
    results = pd.read_csv(out / 'results.csv').set_index('variant')
    assert set(results.index) == {'mean', 'bias', 'mf', 'item'}
    assert results.loc['item', 'chosen'] == 'wd=1e-05'
    assert results.loc['bias', 'chosen'].startswith('reg_item=')
    assert results.loc['mean', 'method'] == 'global mean'
    markdown = (out / 'results.md').read_text()
    assert '| chosen |' in markdown and 'MF (d2l)' in markdown
    assert 'reg grid' in capsys.readouterr().out


def test_method_argument():
    args = parse_args(['--method', 'bias', '--reg-grid', '0,3'])
    assert (args.method, args.reg_grid) == ('bias', [0.0, 3.0])
    assert parse_args([]).method == 'autorec'
    with pytest.raises(SystemExit):
        parse_args(['--method', 'svd'])


def test_like_for_like_table_orders_the_ladder_and_marks_missing_runs():
    from d2l_ext.lab.reproduce import like_for_like_table
    results = pd.DataFrame({
        'protocol': ['random', 'random', 'folds', 'random'],
        'method': ['I-AutoRec', 'global mean', 'I-AutoRec', 'MF (d2l)'],
        'mean_rmse': [0.88491, 1.1247, 0.8947, 0.91], 'ci95': [0.00711, 0.0055, 0.0052, 0.01],
        'wall_seconds': [871.0, 0.7, 681.0, 300.0]})
    table = like_for_like_table(results)
    assert list(table.index) == ['global mean', 'MF (d2l)', 'I-AutoRec']
    assert list(table.columns) == ['random 90/10 x5', 'u1..u5 folds']
    assert table.loc['I-AutoRec', 'random 90/10 x5'] == '0.8849 +- 0.0071'
    assert table.loc['MF (d2l)', 'u1..u5 folds'] == '-'
    seconds = like_for_like_table(results, 'wall_seconds')
    assert seconds.loc['I-AutoRec', 'u1..u5 folds'] == 681.0


def test_read_histories_round_trips_what_the_runner_wrote(tmp_path, offline):
    from d2l_ext.lab.reproduce import read_histories
    write_ratings_dat(tmp_path / 'data', num_users=120, num_movies=80)
    main(['--dataset', 'ml-1m', '--short', '--quiet', '--data-dir', str(tmp_path / 'data'),
          '--output', str(tmp_path)])
    histories = read_histories(tmp_path, 'ml-1m-random-item')
    runs = pd.read_csv(tmp_path / 'ml-1m-random-item.runs.csv')
    assert list(histories) == list(runs.split) == ['seed=0', 'seed=1']
    for split, best in zip(runs.split, runs.best_epoch):
        history = histories[split]
        assert history.chosen_epoch == best and history.epoch == list(range(1, len(history) + 1))
        assert history.best('val_rmse') == pytest.approx(
            runs.set_index('split').val_rmse[split])
