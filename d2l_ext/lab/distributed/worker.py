"""One worker of data-parallel AutoRec: its shard of the rows, the lab's fitter, the kvstore.

Every worker runs this same code (``python -m d2l_ext.lab.distributed.worker``, started by
:func:`~d2l_ext.lab.distributed.launcher.launch`, MXNet's ``tools/launch.py`` or a
Kubeflow ``MXJob``):

1. connect to the cluster (``mx.kv.create('dist_sync')``, which returns once the scheduler
   has introduced every worker and server) and learn its ``rank``;
2. read the data and keep the training matrix sparse (CSR), training on the rows
   ``rank, rank + num_workers, ...`` of one seeded permutation (so the shards are disjoint
   and cover every row);
3. fit the chapter's :class:`~d2l_ext.AutoRec` with the lab's one fitter
   (:class:`~d2l_ext.lab.fitting.AutoRecFitter`), its ``gluon.Trainer`` talking to the
   servers through :class:`~d2l_ext.lab.distributed.kvstore.AveragingKVStore`. Each
   worker's batch is the global batch divided by the number of workers;
4. rank 0 prints the chapter's numbers per epoch and ``test RMSE x.xxx`` at the end; every
   worker prints one ``summary {...}`` JSON line (rank, digest of its final parameters,
   bytes pushed and pulled per step, seconds per epoch).

Without a cluster (``kvstore='device'``) the same function is the single-process run.
"""
import argparse
import json
import sys
import time

import numpy as onp

__all__ = ['DATASETS', 'KVSTORES', 'add_training_arguments', 'training_options',
           'worker_command', 'read_summaries', 'load_dataset', 'shard_rows', 'train', 'main']

#: Datasets a worker can read.
DATASETS = ('ml-100k', 'synthetic')
#: Kvstore types: the two distributed ones, and ``device`` for one process.
KVSTORES = ('dist_sync', 'dist_async', 'device')


def add_training_arguments(parser):
    """Add the training options shared by the launcher and the worker to ``parser``."""
    parser.add_argument('--dataset', choices=DATASETS, default='ml-100k')
    parser.add_argument('--epochs', type=int, default=25, help='number of epochs')
    parser.add_argument('--batch-size', type=int, default=256,
                        help='global batch (rows per step, summed over the workers)')
    parser.add_argument('--num-hidden', type=int, default=500)
    parser.add_argument('--lr', type=float, default=0.002)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--check-every', type=int, default=0,
                        help='check every N steps that all workers hold identical '
                             'parameters (dist_sync; 0: only at the end)')
    return parser


def training_options(**changes):
    """The training options (:func:`add_training_arguments`' defaults) with ``changes``.

    Example: ``training_options(dataset='synthetic', epochs=3)``.
    """
    options = add_training_arguments(argparse.ArgumentParser()).parse_args([])
    for name, value in changes.items():
        if not hasattr(options, name):
            from ...errors import InvalidArgumentError
            raise InvalidArgumentError(f'Unknown training option {name!r}; expected one of '
                                       f'{sorted(vars(options))}.')
        setattr(options, name, value)
    return options


def worker_command(options, kvstore='dist_sync'):
    """The command line every worker runs, for ``options`` (see :func:`training_options`)."""
    return [sys.executable, '-m', 'd2l_ext.lab.distributed.worker', '--kvstore', kvstore,
            '--dataset', options.dataset, '--epochs', str(options.epochs),
            '--batch-size', str(options.batch_size), '--num-hidden', str(options.num_hidden),
            '--lr', str(options.lr), '--seed', str(options.seed),
            '--check-every', str(options.check_every)]


def read_summaries(lines):
    """The workers' ``summary`` lines as dicts, sorted by rank.

    Parameters
    ----------
    lines : dict of str to list of str or iterable of str
        A :class:`~d2l_ext.lab.distributed.launcher.LaunchResult`'s ``lines``, or lines.
    """
    if isinstance(lines, dict):
        lines = [line for name in lines for line in lines[name]]
    found = [json.loads(line.split('summary ', 1)[1]) for line in lines
             if 'summary {' in line]
    return sorted(found, key=lambda s: s['rank'])


def synthetic_ratings(num_rows=96, num_cols=64, density=0.3, seed=0):
    """A small low-rank rating matrix in 1..5 (CSR, 0 = unobserved), split 90/10.

    Returns
    -------
    (scipy.sparse.csr_matrix, scipy.sparse.csr_matrix)
        Training and test matrices of shape ``(num_rows, num_cols)``.
    """
    from scipy import sparse
    rng = onp.random.default_rng(seed)
    scores = rng.normal(size=(num_rows, 3)) @ rng.normal(size=(3, num_cols))
    ratings = onp.clip(onp.rint(3 + scores), 1, 5).astype(onp.float32)
    observed = rng.random((num_rows, num_cols)) < density
    held_out = observed & (rng.random((num_rows, num_cols)) < 0.1)
    train = onp.where(observed & ~held_out, ratings, 0).astype(onp.float32)
    test = onp.where(held_out, ratings, 0).astype(onp.float32)
    return sparse.csr_matrix(train), sparse.csr_matrix(test)


def load_dataset(name, seed=0):
    """The item-based training and test matrices of ``name``, as CSR.

    Parameters
    ----------
    name : {'ml-100k', 'synthetic'}
        MovieLens-100K (read from ``D2L_DATA_DIR``, split 90/10 at random with ``seed``,
        as the chapter does) or :func:`synthetic_ratings`.
    seed : int

    Returns
    -------
    (scipy.sparse.csr_matrix, scipy.sparse.csr_matrix)
        Shape ``(num_items, num_users)``, 0 = unobserved.
    """
    if name == 'synthetic':
        return synthetic_ratings(seed=seed)
    from ...data import interaction_matrix, read_data_ml100k, split_data_ml100k
    data, num_users, num_items = read_data_ml100k()
    parts = split_data_ml100k(data, num_users, num_items, seed=seed)
    train, test = (interaction_matrix(x, num_users, num_items, storage='sparse')
                   for x in parts)
    return train, test


def shard_rows(num_rows, rank, num_workers, seed=0):
    """The rows worker ``rank`` trains on: every ``num_workers``-th of a seeded permutation.

    Returns
    -------
    numpy.ndarray of int64, sorted
        Disjoint across ranks; together they cover ``range(num_rows)``.
    """
    order = onp.random.default_rng(seed).permutation(num_rows)
    return onp.sort(order[rank::num_workers]).astype(onp.int64)


def train(options, kvstore='device', out=None):
    """Fit AutoRec on this worker's shard and report; the whole run when not distributed.

    Parameters
    ----------
    options : argparse.Namespace
        From :func:`add_training_arguments`.
    kvstore : {'dist_sync', 'dist_async', 'device'}
    out : file, optional
        Where the report goes (default: standard output).

    Returns
    -------
    dict
        The summary: ``rank``, ``num_workers``, ``rows`` (of its shard), ``test_rmse``
        (and ``test_rmse_history``, per epoch), ``seconds_per_epoch``,
        ``pushed_per_step``, ``pulled_per_step``, ``digest``, ``steps``, ``checks``.
    """
    import mxnet as mx
    from mxnet import npx

    from ...model import AutoRec
    from ..fitting import AutoRecFitter, EvalConfig, FitConfig
    from .kvstore import AveragingKVStore, parameter_digest
    out = sys.stdout if out is None else out
    npx.set_np()  # MXNet's NumPy mode, which the chapter's AutoRec needs
    kv = None
    if kvstore != 'device':
        kv = AveragingKVStore(mx.kv.create(kvstore), check_every=options.check_every)
    rank, num_workers = (kv.rank, kv.num_workers) if kv else (0, 1)
    print(f'{"kvstore ready: " if kv else ""}rank {rank} of {num_workers} workers',
          file=out, flush=True)
    train_matrix, test_matrix = load_dataset(options.dataset, options.seed)
    rows = shard_rows(train_matrix.shape[0], rank, num_workers, options.seed)
    batch_size = max(1, options.batch_size // num_workers)
    if kv and 'async' in kv.type:
        # The servers' optimiser keeps the gradient scale of the first step (Gluon refuses
        # another batch size later): repeat a few rows so every batch is full.
        extra = -len(rows) % batch_size
        rows = onp.concatenate([rows, onp.random.default_rng(options.seed).choice(rows, extra)])
    net = AutoRec(options.num_hidden, train_matrix.shape[1])
    if kv:
        kv.params = lambda: list(net.collect_params().values())

    def report(epoch, row):
        if rank == 0:
            print(f'epoch {epoch}: train loss {row["train_loss"]:.3f}, '
                  f'test RMSE {row["test_rmse"]:.3f}, {row["seconds"]:.2f} s', file=out,
                  flush=True)

    config = FitConfig(lr=options.lr, num_epochs=options.epochs,
                       batch_size=batch_size,
                       seed=options.seed, storage='sparse', kvstore=kv or 'device')
    fitter = AutoRecFitter(num_hidden=options.num_hidden, net=net, train_rows=rows)
    result = fitter.fit(train_matrix, {'test': test_matrix}, config,
                        EvalConfig(progress=report))
    if kv and 'async' not in kv.type:
        kv.check_identical()
    pushed, pulled = kv.bytes_per_step() if kv else (0, 0)
    summary = dict(rank=rank, num_workers=num_workers, rows=len(rows),
                   test_rmse=float(result.history.test_rmse[-1]),
                   test_rmse_history=[round(float(x), 4) for x in result.history.test_rmse],
                   seconds_per_epoch=float(onp.mean(result.history.seconds)),
                   pushed_per_step=pushed, pulled_per_step=pulled,
                   steps=kv.steps if kv else None, checks=kv.checks if kv else 0,
                   digest=''.join(f'{int(x):04x}' for x in
                                  parameter_digest(net.collect_params().values())))
    print('summary ' + json.dumps(summary), file=out, flush=True)
    if rank == 0:
        print(f'test RMSE {summary["test_rmse"]:.3f}', file=out, flush=True)
    return summary


def main(argv=None):
    """Command line of one worker (the launcher sets its ``DMLC_*`` environment)."""
    parser = add_training_arguments(argparse.ArgumentParser(description=__doc__.split('\n')[0]))
    parser.add_argument('--kvstore', choices=KVSTORES, default='dist_sync')
    options = parser.parse_args(argv)
    started = time.monotonic()
    train(options, options.kvstore)
    print(f'worker done in {time.monotonic() - started:.1f} s', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
