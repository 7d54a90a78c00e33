"""Re-run the AutoRec paper's evaluation from a terminal.

Usage::

    python -m d2l_ext.lab.reproduce --dataset ml-100k --variant item --runs 5
    python -m d2l_ext.lab.reproduce --dataset ml-100k --variant both --protocol folds
    python -m d2l_ext.lab.reproduce --dataset ml-1m --variant both        # the paper's table
    python -m d2l_ext.lab.reproduce --short                                # seconds, for CI
    python -m d2l_ext.lab.reproduce --method mf --protocol folds           # a baseline
    python -m d2l_ext.lab.reproduce --dataset netflix --data-dir PATH      # your copy

``--method mean|bias|mf`` runs the global mean, the user/item biases or d2l's MF over the
same splits, validation parts and post-processing as AutoRec: the same
:func:`d2l_ext.lab.protocol.run_protocol` with another fitter, so like-for-like rows for
the table. ``--dataset netflix`` reads a copy of the Netflix Prize training set (the
paper's third data set, no longer distributed: ``--data-dir`` names the ``training_set``
folder or the ``combined_data_*.txt`` files' folder) with
:func:`d2l_ext.datasets.netflix.read_data_netflix`; its matrices are stored sparse.

Each configuration (dataset, protocol, variant) writes to the output folder (default
``output/reproduce/``):

- ``<dataset>-<protocol>-<variant>.summary.csv``: one row, ``dataset, protocol, variant,
  runs, mean_rmse, ci95, ...`` (see :meth:`d2l_ext.lab.protocol.ProtocolResult.summary`);
- ``....runs.csv`` (one row per split), ``....grid.csv`` (the weight-decay search),
  ``....history.csv`` (per epoch and split);
- ``....png``: validation and test RMSE per epoch, one line per run, side by side (not
  for the global mean and the biases, which have no epochs);

A baseline's files are named ``<dataset>-<protocol>-<method>.*`` (``variant`` is then the
method key).

and rebuilds ``results.csv`` and ``results.md`` from every summary in the folder. The
protocol itself is :mod:`d2l_ext.lab.protocol`; this module only parses arguments, shows
progress and writes files.
"""
import argparse
import sys
import time
import warnings
from pathlib import Path

import pandas as pd

from ..data import read_data_ml100k
from ..datasets.movielens import canonical_splits_ml100k, read_data_ml1m, read_data_ml10m
from ..datasets.netflix import read_data_netflix
from ..history import History
from ..plotting import plot_runs
from .baselines import BiasFitter, MeanFitter, MFFitter
from .fitting import AutoRecFitter
from .protocol import BASELINES, PUBLISHED, holdout_splits, run_protocol

__all__ = ['main', 'parse_args', 'plot_protocol_runs', 'reproduce', 'write_results',
           'like_for_like_table', 'published_table', 'read_histories']

NAMES = {'item': 'I-AutoRec', 'user': 'U-AutoRec', **BASELINES}


def parse_args(argv=None):
    """Parse the command line (see the module docstring)."""
    p = argparse.ArgumentParser(prog='python -m d2l_ext.lab.reproduce',
                                description="AutoRec under the paper's protocol.")
    p.add_argument('--dataset', choices=['ml-100k', 'ml-1m', 'ml-10m', 'netflix'],
                   default='ml-100k', help='netflix: your copy, named by --data-dir')
    p.add_argument('--storage', choices=['auto', 'dense', 'sparse'], default='auto',
                   help='matrices dense or CSR; auto: CSR above 1 GiB per dense copy')
    p.add_argument('--variant', choices=['item', 'user', 'both'], default='item')
    p.add_argument('--protocol', choices=['random', 'folds'], default='random',
                   help='random: repeated 90/10 splits (the paper); folds: ML-100K u1..u5')
    p.add_argument('--runs', type=int, default=5, help='random splits (or first folds)')
    p.add_argument('--epochs', type=int, default=150, help='most epochs per selection fit')
    p.add_argument('--patience', type=int, default=20,
                   help='stop this many epochs after the best validation RMSE')
    p.add_argument('--wd-grid', default='1e-5,3e-5,1e-4',
                   help='weight decays tried on the first split, comma-separated')
    p.add_argument('--method', choices=['autorec', *BASELINES], default='autorec',
                   help='autorec (with --variant), or a baseline over the same splits: '
                        'mean (global mean), bias (user/item biases), mf (d2l\'s MF)')
    p.add_argument('--reg-grid', default='0,1,2,5,10,25',
                   help='bias baseline: reg_item and reg_user values tried on the first split')
    p.add_argument('--num-hidden', type=int, default=500, help="AutoRec's hidden width")
    p.add_argument('--num-hiddens', type=int, dest='num_hiddens', help=argparse.SUPPRESS)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--no-refit', action='store_true',
                   help='report the validation-selected model instead of refitting on '
                        'the whole training set')
    p.add_argument('--data-dir', default=None)
    p.add_argument('--output', default='output/reproduce')
    p.add_argument('--short', action='store_true',
                   help='2 runs of at most 3 epochs, one wd: a smoke test in seconds')
    p.add_argument('--quiet', action='store_true', help='no progress bars')
    args = p.parse_args(argv)
    if args.num_hiddens is not None:
        warnings.warn('--num-hiddens is deprecated: use --num-hidden (the width is called '
                      'num_hidden, as in AutoRec(num_hidden, num_users, dropout)).',
                      DeprecationWarning, stacklevel=2)
        args.num_hidden = args.num_hiddens
    if args.dataset == 'netflix' and args.data_dir is None:
        p.error('--dataset netflix needs --data-dir: the folder of your copy of the Netflix '
                'Prize training set (it is no longer distributed).')
    args.wd_grid = [float(w) for w in args.wd_grid.split(',')]
    args.reg_grid = [float(r) for r in args.reg_grid.split(',')]
    if args.short:
        args.runs, args.epochs, args.patience = min(args.runs, 2), min(args.epochs, 3), None
        args.wd_grid, args.reg_grid = args.wd_grid[:1], args.reg_grid[:2]
    if args.protocol == 'folds' and args.dataset != 'ml-100k':
        p.error('--protocol folds exists only for ml-100k (its u1..u5 files).')
    return args


def plot_protocol_runs(histories, title):
    """Validation and test RMSE per epoch of every run, side by side on one y scale.

    Parameters
    ----------
    histories : dict of str to History
        Split name -> the selection fit's history.
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure
    fig = Figure(figsize=(10, 3.8), layout='constrained')
    ax_val, ax_test = fig.subplots(1, 2, sharey=True)
    plot_runs(histories, 'validation (chooses the epoch)', 'val_rmse', ax=ax_val)
    plot_runs(histories, 'test (never used to choose)', 'test_rmse', ax=ax_test)
    fig.suptitle(title)
    return fig


def _load(args):
    if args.dataset == 'ml-1m':
        data, num_users, num_items = read_data_ml1m(args.data_dir)
    elif args.dataset == 'ml-10m':
        data, num_users, num_items = read_data_ml10m(args.data_dir)
    elif args.dataset == 'netflix':
        data, num_users, num_items, _ = read_data_netflix(args.data_dir)
    else:
        data, num_users, num_items = read_data_ml100k(args.data_dir)
    if args.protocol == 'folds':
        names = ('u1', 'u2', 'u3', 'u4', 'u5')[:args.runs]
        return canonical_splits_ml100k(names, args.data_dir), num_users, num_items
    return holdout_splits(data, num_users, num_items, args.runs, 0.1, args.seed), \
        num_users, num_items


def _fitter(variant, args):
    """The fitter of a method key: AutoRec for 'item' and 'user', else a baseline."""
    if variant in ('item', 'user'):
        return AutoRecFitter(num_hidden=args.num_hidden)
    return {'mean': MeanFitter, 'bias': BiasFitter, 'mf': MFFitter}[variant]()


def _grid(variant, args):
    """What the first split searches: nothing for the mean, both shrinkages of the
    biases, the weight decay otherwise."""
    if variant == 'mean':
        return None
    if variant == 'bias':
        return [{'reg_item': a, 'reg_user': b} for a in args.reg_grid for b in args.reg_grid]
    return [{'wd': wd} for wd in args.wd_grid]


def reproduce(args, out=None):
    """Run every requested variant, write the files and return the summaries.

    Returns
    -------
    pandas.DataFrame
        One summary row per variant run now.
    """
    out = out or sys.stdout
    folder = Path(args.output)
    folder.mkdir(parents=True, exist_ok=True)
    splits, num_users, num_items = _load(args)
    if args.method != 'autorec':
        variants = [args.method]
    else:
        variants = ['item', 'user'] if args.variant == 'both' else [args.variant]
    rows = []
    for variant in variants:
        stem = folder / f'{args.dataset}-{args.protocol}-{variant}'
        search = {'mean': 'nothing to choose', 'bias': f'reg grid {args.reg_grid}'}.get(
            variant, f'wd grid {args.wd_grid}, at most {args.epochs} epochs')
        print(f'{NAMES[variant]} on {args.dataset} ({num_users} users, {num_items} items), '
              f'{args.protocol} protocol, {len(splits)} runs, {search}', file=out, flush=True)
        start = time.perf_counter()
        result = run_protocol(splits, num_users, num_items,
                              'user' if variant == 'user' else 'item',
                              fitter=_fitter(variant, args), grid=_grid(variant, args),
                              num_epochs=args.epochs, patience=args.patience, seed=args.seed,
                              refit=not args.no_refit, storage=args.storage,
                              progress=None if args.quiet else 'bar')
        summary = result.summary(dataset=args.dataset, protocol=args.protocol,
                                 variant=variant, method=NAMES[variant])
        searched = {'mean': '-', 'bias': ' '.join(f'{r:g}' for r in args.reg_grid)}
        summary.update(max_epochs=args.epochs,
                       wd_grid=searched.get(variant, ' '.join(f'{w:g}' for w in args.wd_grid)),
                       refit=not args.no_refit, short=args.short,
                       wall_seconds=time.perf_counter() - start)
        rows.append(summary)
        pd.DataFrame([summary]).to_csv(f'{stem}.summary.csv', index=False)
        result.runs.to_csv(f'{stem}.runs.csv', index=False)
        result.grid.to_csv(f'{stem}.grid.csv', index=False)
        if result.histories:
            pd.concat({name: h.to_frame() for name, h in result.histories.items()},
                      names=['split']).to_csv(f'{stem}.history.csv')
            fig = plot_protocol_runs(result.histories, f'{NAMES[variant]}, {args.dataset}, '
                                     f'{args.protocol} ({len(splits)} runs)')
            fig.savefig(f'{stem}.png', dpi=100)
        print(f'{NAMES[variant]}: test RMSE {summary["mean_rmse"]:.4f} +- '
              f'{summary["ci95"]:.4f} (95% CI, {summary["runs"]} runs; {summary["chosen"]}, '
              f'mean best epoch {summary["mean_best_epoch"]:.0f}; without refit '
              f'{summary["mean_rmse_selected"]:.4f}); {summary["wall_seconds"]:.0f} s',
              file=out, flush=True)
    table = write_results(folder)
    print(f'\nResults in {folder}/results.md:\n{table}\n', file=out)
    print(published_table(args.dataset), file=out)
    return pd.DataFrame(rows)


def write_results(folder):
    """Rebuild ``results.csv`` and ``results.md`` from every summary in ``folder``."""
    folder = Path(folder)
    frames = [pd.read_csv(f) for f in sorted(folder.glob('*.summary.csv'))]
    results = pd.concat(frames, ignore_index=True)
    # Summaries written before baselines existed have no 'chosen': it is their weight decay.
    from_wd = 'wd=' + results.wd.map('{:g}'.format)
    results['chosen'] = results.get('chosen', from_wd).fillna(from_wd)
    results.to_csv(folder / 'results.csv', index=False)
    view = results[['dataset', 'protocol', 'method', 'runs', 'mean_rmse', 'ci95', 'chosen',
                    'mean_best_epoch', 'wall_seconds']]
    table = _markdown(view)  # Our own writer: the same text on every machine.
    (folder / 'results.md').write_text(table + '\n')
    return table


def read_histories(folder, stem):
    """Read back the selection fits' histories the runner wrote for one configuration.

    Parameters
    ----------
    folder : str or pathlib.Path
        The runner's output folder (or ``results/``).
    stem : str
        ``'<dataset>-<protocol>-<variant>'``, e.g. ``'ml-100k-random-item'``.

    Returns
    -------
    dict of str to History
        Split name -> history (through :meth:`History.from_frame`), with ``chosen_epoch``
        set from ``<stem>.runs.csv``; in the order of the runs file.
    """
    folder = Path(folder)
    frame = pd.read_csv(folder / f'{stem}.history.csv', index_col=['split', 'epoch'])
    runs = pd.read_csv(folder / f'{stem}.runs.csv')
    histories = {}
    for split, best in zip(runs.split, runs.best_epoch):
        history = History.from_frame(frame.xs(split, level='split'))
        history.chosen_epoch = int(best)
        histories[split] = history
    return histories


#: Row order of :func:`like_for_like_table`: the ladder from the weakest model up.
LADDER = ['global mean', 'user/item biases', 'MF (d2l)', 'U-AutoRec', 'I-AutoRec']
#: Column names of the protocols in :func:`like_for_like_table`.
PROTOCOLS = {'random': 'random 90/10 x5', 'folds': 'u1..u5 folds'}


def like_for_like_table(results, column='rmse'):
    """One row per method, one column per protocol, from a ``results.csv`` frame.

    Parameters
    ----------
    results : pandas.DataFrame
        The runner's ``results.csv`` (columns ``protocol, method, mean_rmse, ci95, chosen,
        wall_seconds``...).
    column : str, default 'rmse'
        ``'rmse'``: the mean test RMSE and its 95% CI as text (``'0.8849 +- 0.0071'``);
        otherwise a column of ``results`` (e.g. ``'wall_seconds'``, ``'chosen'``).

    Returns
    -------
    pandas.DataFrame
        Rows in :data:`LADDER` order (methods not in ``results`` left out), columns
        ``'random 90/10 x5'`` and ``'u1..u5 folds'`` (those present); a method missing
        from a protocol gets ``'-'``.
    """
    frame = results.copy()
    if column == 'rmse':
        frame['rmse'] = [f'{m:.4f} +- {c:.4f}' for m, c in zip(frame.mean_rmse, frame.ci95)]
    table = frame.pivot(index='method', columns='protocol', values=column)
    rows = [m for m in LADDER if m in table.index]
    rows += [m for m in table.index if m not in rows]
    columns = [p for p in PROTOCOLS if p in table.columns]
    table = table.loc[rows, columns].rename(columns=PROTOCOLS).fillna('-')
    table.columns.name = None
    return table


def _markdown(frame):
    def fmt(v):
        return f'{v:.4g}' if isinstance(v, float) else str(v)
    lines = ['| ' + ' | '.join(frame.columns) + ' |',
             '|' + '|'.join('---' for _ in frame.columns) + '|']
    lines += ['| ' + ' | '.join(fmt(v) for v in row) + ' |'
              for row in frame.itertuples(index=False)]
    return '\n'.join(lines)


def published_table(dataset):
    """The published numbers on ``dataset`` (paper, book, baselines), as text."""
    lines = [f'Published test RMSE on {dataset}, for comparison:']
    for (data, protocol, method), (rmse, source) in PUBLISHED.items():
        if data == dataset:
            lines.append(f'  {method:40s} {rmse:.3f}  [{protocol}] {source}')
    return '\n'.join(lines)


def main(argv=None):
    """Entry point of ``python -m d2l_ext.lab.reproduce``."""
    return reproduce(parse_args(argv))


if __name__ == '__main__':
    main()
