"""Re-run the AutoRec paper's evaluation from a terminal.

Usage::

    python -m d2l_ext.reproduce --dataset ml-100k --variant item --runs 5
    python -m d2l_ext.reproduce --dataset ml-100k --variant both --protocol folds
    python -m d2l_ext.reproduce --dataset ml-1m --variant both        # the paper's table
    python -m d2l_ext.reproduce --short                                # seconds, for CI

Each configuration (dataset, protocol, variant) writes to the output folder (default
``output/reproduce/``):

- ``<dataset>-<protocol>-<variant>.summary.csv``: one row, ``dataset, protocol, variant,
  runs, mean_rmse, ci95, ...`` (see :meth:`d2l_ext.protocol.ProtocolResult.summary`);
- ``....runs.csv`` (one row per split), ``....grid.csv`` (the weight-decay search),
  ``....history.csv`` (per epoch and split);
- ``....png``: validation and test RMSE per epoch, one line per run;

and rebuilds ``results.csv`` and ``results.md`` from every summary in the folder. The
protocol itself is :mod:`d2l_ext.protocol`; this module only parses arguments, shows
progress and writes files.
"""
import argparse
import sys
import time
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from .data import read_data_ml100k
from .ml1m import read_data_ml1m
from .protocol import PUBLISHED, holdout_splits, run_protocol
from .splits import canonical_splits_ml100k

__all__ = ['TextProgress', 'main', 'parse_args', 'plot_runs', 'reproduce']

NAMES = {'item': 'I-AutoRec', 'user': 'U-AutoRec'}


class TextProgress:
    """A one-line progress bar for one run, redrawn with a carriage return.

    Called as ``progress(epoch, row)`` by :func:`d2l_ext.experiment.fit_autorec`. The
    selection fit (rows with ``val_rmse``) counts up to ``total`` epochs; a refit that
    follows counts up to the best validation epoch seen.
    """

    def __init__(self, label, total, stream=None, width=24):
        self.label, self.total, self.width = label, total, width
        self.stream = stream or sys.stderr
        self.best_epoch, self.best_val, self.phase = None, float('inf'), 'select'

    def __call__(self, epoch, row):
        if 'val_rmse' in row:
            if row['val_rmse'] < self.best_val:
                self.best_epoch, self.best_val = epoch, row['val_rmse']
            total, text = self.total, f"val {row['val_rmse']:.4f} test {row['test_rmse']:.4f}"
        else:
            if self.phase == 'select':
                self.phase = 'refit'
                self.stream.write('\n')
            total = self.best_epoch or epoch
            text = f"test {row['test_rmse']:.4f}"
        done = int(self.width * min(epoch, total) / max(total, 1))
        bar = '#' * done + '.' * (self.width - done)
        self.stream.write(f'\r{self.label} {self.phase:6s} [{bar}] {epoch:4d}/{total} {text}')
        self.stream.flush()

    def close(self):
        """End the bar's line."""
        self.stream.write('\n')
        self.stream.flush()


def _progress_factory(total, quiet):
    bars = []

    def factory(label):
        if bars:
            bars[-1].close()
        if quiet:
            return None
        bars.append(TextProgress(label, total))
        return bars[-1]

    factory.bars = bars
    return factory


def parse_args(argv=None):
    """Parse the command line (see the module docstring)."""
    p = argparse.ArgumentParser(prog='python -m d2l_ext.reproduce',
                                description="AutoRec under the paper's protocol.")
    p.add_argument('--dataset', choices=['ml-100k', 'ml-1m'], default='ml-100k')
    p.add_argument('--variant', choices=['item', 'user', 'both'], default='item')
    p.add_argument('--protocol', choices=['random', 'folds'], default='random',
                   help='random: repeated 90/10 splits (the paper); folds: ML-100K u1..u5')
    p.add_argument('--runs', type=int, default=5, help='random splits (or first folds)')
    p.add_argument('--epochs', type=int, default=150, help='most epochs per selection fit')
    p.add_argument('--patience', type=int, default=20,
                   help='stop this many epochs after the best validation RMSE')
    p.add_argument('--wd-grid', default='1e-5,3e-5,1e-4',
                   help='weight decays tried on the first split, comma-separated')
    p.add_argument('--num-hiddens', type=int, default=500)
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
    args.wd_grid = [float(w) for w in args.wd_grid.split(',')]
    if args.short:
        args.runs, args.epochs, args.patience = min(args.runs, 2), min(args.epochs, 3), None
        args.wd_grid = args.wd_grid[:1]
    if args.protocol == 'folds' and args.dataset != 'ml-100k':
        p.error('--protocol folds exists only for ml-100k (its u1..u5 files).')
    return args


def plot_runs(histories, title):
    """Validation (dashed) and test (solid) RMSE per epoch, one colour per run.

    Parameters
    ----------
    histories : dict of str to pandas.DataFrame
        Split name -> the selection fit's history (``val_rmse``, ``test_rmse``).
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(7, 4), layout='constrained')
    ax = fig.subplots()
    for k, (name, h) in enumerate(histories.items()):
        color = f'C{k}'
        best = int(h.val_rmse.idxmin())
        ax.plot(h.index, h.val_rmse, '--', color=color, lw=1)
        ax.plot(h.index, h.test_rmse, '-', color=color, lw=1.2,
                label=f'{name}: best val epoch {best}')
        ax.plot(best, h.loc[best, 'val_rmse'], 'o', color=color, ms=4)
    lows = pd.concat([h[['val_rmse', 'test_rmse']] for h in histories.values()])
    ax.set(xlabel='epoch', ylabel='RMSE (clipped, default 3)', title=title,
           ylim=(lows.min().min() - 0.02, min(lows.max().max(), lows.min().min() + 0.25)))
    ax.plot([], [], 'k--', lw=1, label='validation (dashed)')
    ax.plot([], [], 'k-', lw=1.2, label='test (solid)')
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc='upper right')
    return fig


def _load(args):
    if args.dataset == 'ml-1m':
        data, num_users, num_items = read_data_ml1m(args.data_dir)
    else:
        data, num_users, num_items = read_data_ml100k(args.data_dir)
    if args.protocol == 'folds':
        names = ('u1', 'u2', 'u3', 'u4', 'u5')[:args.runs]
        return canonical_splits_ml100k(names, args.data_dir), num_users, num_items
    return holdout_splits(data, num_users, num_items, args.runs, 0.1, args.seed), \
        num_users, num_items


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
    variants = ['item', 'user'] if args.variant == 'both' else [args.variant]
    rows = []
    for variant in variants:
        stem = folder / f'{args.dataset}-{args.protocol}-{variant}'
        print(f'{NAMES[variant]} on {args.dataset} ({num_users} users, {num_items} items), '
              f'{args.protocol} protocol, {len(splits)} runs, wd grid {args.wd_grid}, '
              f'at most {args.epochs} epochs', file=out, flush=True)
        factory = _progress_factory(args.epochs, args.quiet)
        start = time.perf_counter()
        result = run_protocol(splits, num_users, num_items, variant, wd_grid=args.wd_grid,
                              num_epochs=args.epochs, patience=args.patience,
                              seed=args.seed, refit=not args.no_refit,
                              progress_factory=factory, num_hiddens=args.num_hiddens)
        if factory.bars and hasattr(factory.bars[-1], 'close'):
            factory.bars[-1].close()
        summary = result.summary(dataset=args.dataset, protocol=args.protocol,
                                 variant=variant, method=NAMES[variant])
        summary.update(max_epochs=args.epochs, wd_grid=' '.join(f'{w:g}' for w in args.wd_grid),
                       refit=not args.no_refit, short=args.short,
                       wall_seconds=time.perf_counter() - start)
        rows.append(summary)
        pd.DataFrame([summary]).to_csv(f'{stem}.summary.csv', index=False)
        result.runs.to_csv(f'{stem}.runs.csv', index=False)
        result.grid.to_csv(f'{stem}.grid.csv', index=False)
        pd.concat(result.histories, names=['split']).to_csv(f'{stem}.history.csv')
        fig = plot_runs(result.histories, f'{NAMES[variant]}, {args.dataset}, '
                                          f'{args.protocol} ({len(splits)} runs)')
        fig.savefig(f'{stem}.png', dpi=100)
        print(f'{NAMES[variant]}: test RMSE {summary["mean_rmse"]:.4f} +- '
              f'{summary["ci95"]:.4f} (95% CI, {summary["runs"]} runs; wd={result.wd:g}, '
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
    results.to_csv(folder / 'results.csv', index=False)
    view = results[['dataset', 'protocol', 'method', 'runs', 'mean_rmse', 'ci95', 'wd',
                    'mean_best_epoch', 'wall_seconds']]
    table = _markdown(view)  # Our own writer: the same text on every machine.
    (folder / 'results.md').write_text(table + '\n')
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
    """Entry point of ``python -m d2l_ext.reproduce``."""
    return reproduce(parse_args(argv))


if __name__ == '__main__':
    main()
