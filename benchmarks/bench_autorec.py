"""Side-by-side benchmark: d2l's reference AutoRec workflow against d2l_ext's.

Usage (from the repository's root)::

    python benchmarks/bench_autorec.py --repeats 3        # the full comparison
    python benchmarks/bench_autorec.py --short            # a quick smoke run (CI)

In one run, on the same data and machine, it measures

* ``reference``: the seed code of d2l's AutoRec section with d2l 1.0.3's own
  ``read_data_ml100k``, ``split_data_ml100k``, ``load_data_ml100k``,
  ``get_dataloader_workers`` and ``train_recsys_rating``; changed only where it must be to
  run here: ``devices=[mx.cpu()]`` (d2l's ``try_all_gpus()`` is ``[]`` on a CPU-only
  machine) and d2l's ``download_extract`` pointed at the local data folder (no internet);
* ``package``: the same seed code with ``import d2l_ext as d2l`` (the Block the chapter
  teaches, gluon DataLoaders, d2l_ext's evaluator and loop);
* ``fast``: d2l_ext's read/split/load and ``train_recsys_rating`` with
  :class:`d2l_ext.lab.fast.FastAutoRec` hybridized and :class:`d2l_ext.lab.fast.row_batches`,
  in a process started with ``OMP_NUM_THREADS`` = the number of cores (unless already
  set). The compiled graph's large matrix products gain from a thread per core; the
  op-by-op Block of the other two loses (measured: 1.9 s against 2.5 s for the fast path,
  3.7 s against 3.1 s for the Block), so they run with MXNet's defaults;
* the machine's float32 GEMM throughput (NumPy), and from it the arithmetic-bound time of
  the training: ``7 * 2 * rows * cols * hidden`` FLOP per epoch (forward 2, backward 3 for
  the training pass; forward 2 for the evaluation), at that throughput.

Every workflow uses hidden 500, Adam, lr 0.002, wd 1e-5, batch 256, Normal(0.01) and a
90/10 random split drawn from MXNet's global generator after ``mx.random.seed(seed)``,
so all three train on the same split. Each workflow runs in its own subprocess (peak
memory is that process's ``ru_maxrss``; the reference's DataLoader worker processes are
not counted in it). ``whole workflow`` is the sum of the timed phases inside the process;
``whole process`` is the wall-clock time of the subprocess from start to exit (Python's
start-up and shut-down included, as the issue measured it). With ``--repeats`` every run is
repeated, the workflows alternating, and medians are printed. The machine's load average
is printed with the table: on a shared machine every number moves with it.
No time is ever asserted: the numbers are for people to read.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ('reference', 'package', 'fast')
PHASES = ('import', 'read', 'split', 'matrices', 'train_eval')
HYPER = dict(num_hidden=500, lr=0.002, wd=1e-5, batch_size=256, sigma=0.01)


def default_data_dir():
    """``$D2L_DATA_DIR`` or the shared copy next to the repository."""
    return os.environ.get('D2L_DATA_DIR', str(ROOT.parent / 'shared' / 'data'))


def _seed(seed):
    import random

    import mxnet as mx
    import numpy as onp
    random.seed(seed)
    onp.random.seed(seed)
    mx.random.seed(seed)


# --------------------------------------------------------------------------- data path
def prepare_data(d2l, read, ratings, times):
    """The seed's data steps with ``d2l``'s helpers (d2l's or d2l_ext's), each timed.

    ``read()`` returns ``(data, num_users, num_items)``; ``ratings`` keeps only the first
    that many ratings (0: all). Fills ``times['read']``, ``['split']`` and
    ``['matrices']``; returns ``num_users, num_items`` and the train and test matrices.
    """
    t = time.perf_counter()
    df, num_users, num_items = read()
    if ratings:
        df = df.iloc[:ratings]
    times['read'] = time.perf_counter() - t
    t = time.perf_counter()
    train_data, test_data = d2l.split_data_ml100k(df, num_users, num_items)
    times['split'] = time.perf_counter() - t
    t = time.perf_counter()
    _, _, _, train_inter_mat = d2l.load_data_ml100k(train_data, num_users, num_items)
    _, _, _, test_inter_mat = d2l.load_data_ml100k(test_data, num_users, num_items)
    times['matrices'] = time.perf_counter() - t
    return num_users, num_items, train_inter_mat, test_inter_mat


# --------------------------------------------------------------------------- reference
def run_reference(args):
    """The seed code with d2l 1.0.3's helpers; returns phase seconds and the test RMSE."""
    times, t = {}, time.perf_counter()
    import mxnet as mx
    from d2l import mxnet as d2l
    from mxnet import autograd, gluon, np, npx
    from mxnet.gluon import nn
    npx.set_np()
    times['import'] = time.perf_counter() - t

    class AutoRec(nn.Block):  # The seed's model, verbatim.
        def __init__(self, num_hidden, num_users, dropout=0.05):
            super(AutoRec, self).__init__()
            self.encoder = nn.Dense(num_hidden, activation='sigmoid',
                                    use_bias=True)
            self.decoder = nn.Dense(num_users, use_bias=True)
            self.dropout = nn.Dropout(dropout)

        def forward(self, input):
            hidden = self.dropout(self.encoder(input))
            pred = self.decoder(hidden)
            if autograd.is_training():  # Mask the gradient during training
                return pred * np.sign(input)
            else:
                return pred

    def evaluator(network, inter_matrix, test_data, devices):  # The seed's, verbatim.
        scores = []
        for values in inter_matrix:
            feat = gluon.utils.split_and_load(values, devices, even_split=False)
            scores.extend([network(i).asnumpy() for i in feat])
        recons = np.array([item for sublist in scores for item in sublist])
        # Calculate the test RMSE
        rmse = np.sqrt(np.sum(np.square(test_data - np.sign(test_data) * recons))
                       / np.sum(np.sign(test_data)))
        return float(rmse)

    rmses = []

    def recording_evaluator(*a):
        rmses.append(evaluator(*a))
        return rmses[-1]

    # The only changes: the local data folder, and CPU devices.
    folder = str(Path(args.data_dir) / 'ml-100k')
    d2l.download_extract = lambda name, folder_=None: folder
    devices = [mx.cpu()]
    _seed(args.seed)

    num_users, num_items, train_inter_mat, test_inter_mat = prepare_data(
        d2l, d2l.read_data_ml100k, args.ratings, times)
    t = time.perf_counter()
    num_workers = d2l.get_dataloader_workers()
    train_iter = gluon.data.DataLoader(train_inter_mat, shuffle=True,
                                       last_batch="rollover", batch_size=256,
                                       num_workers=num_workers)
    test_iter = gluon.data.DataLoader(np.array(train_inter_mat), shuffle=False,
                                      last_batch="keep", batch_size=1024,
                                      num_workers=num_workers)
    net = AutoRec(500, num_users)
    net.initialize(ctx=devices, force_reinit=True, init=mx.init.Normal(0.01))
    lr, num_epochs, wd, optimizer = 0.002, args.epochs, 1e-5, 'adam'
    loss = gluon.loss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), optimizer,
                            {"learning_rate": lr, 'wd': wd})
    d2l.train_recsys_rating(net, train_iter, test_iter, loss, trainer, num_epochs,
                            devices, recording_evaluator, inter_mat=test_inter_mat)
    times['train_eval'] = time.perf_counter() - t
    return times, rmses[-1], num_items, num_users, f'{num_workers} DataLoader workers'


# ----------------------------------------------------------------------------- package
def run_package(args, fast):
    """d2l_ext's workflow: the seed code with ``import d2l_ext as d2l`` (or the fast net)."""
    times, t = {}, time.perf_counter()
    import mxnet as mx
    from mxnet import gluon, np, npx

    import d2l_ext as d2l
    from d2l_ext.lab import fast as fastmod
    npx.set_np()
    times['import'] = time.perf_counter() - t
    devices = [mx.cpu()]
    _seed(args.seed)

    num_users, num_items, train_inter_mat, test_inter_mat = prepare_data(
        d2l, lambda: d2l.read_data_ml100k(args.data_dir), args.ratings, times)
    t = time.perf_counter()
    if fast:
        train_iter = fastmod.row_batches(train_inter_mat, 256, shuffle=True,
                                         last_batch='rollover')
        test_iter = [train_inter_mat]  # One batch: the whole training matrix.
        net = fastmod.FastAutoRec(500, num_users)
        note = (f'FastAutoRec hybridized, row_batches, '
                f'OMP_NUM_THREADS={os.environ.get("OMP_NUM_THREADS", "unset")}')
    else:
        num_workers = d2l.get_dataloader_workers()
        train_iter = gluon.data.DataLoader(train_inter_mat, shuffle=True,
                                           last_batch="rollover", batch_size=256,
                                           num_workers=num_workers)
        test_iter = gluon.data.DataLoader(np.array(train_inter_mat), shuffle=False,
                                          last_batch="keep", batch_size=1024,
                                          num_workers=num_workers)
        net = d2l.AutoRec(500, num_users)
        note = f'AutoRec Block, {num_workers} DataLoader workers'
    net.initialize(ctx=devices, force_reinit=True, init=mx.init.Normal(0.01))
    if fast:
        net.hybridize(static_alloc=True, static_shape=True)
    loss = gluon.loss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), 'adam',
                            {"learning_rate": 0.002, 'wd': 1e-5})
    history = d2l.train_recsys_rating(net, train_iter, test_iter, loss, trainer,
                                      args.epochs, devices, d2l.evaluator,
                                      inter_mat=test_inter_mat)
    times['train_eval'] = time.perf_counter() - t
    return times, history.test_rmse[-1], num_items, num_users, note


def child(args):
    """Run one workflow in this process and print one JSON line."""
    if args.child == 'reference':
        times, rmse, rows, cols, note = run_reference(args)
    else:
        times, rmse, rows, cols, note = run_package(args, fast=args.child == 'fast')
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print('RESULT ' + json.dumps({'workflow': args.child, 'times': times, 'rmse': rmse,
                                  'peak_mb': peak_mb, 'rows': rows, 'cols': cols,
                                  'note': note}), flush=True)


# ------------------------------------------------------------------------------ parent
def gemm_gflops(n=2048, repeats=5):
    """Best float32 GEMM throughput of NumPy on ``n x n`` matrices, in GFLOP/s."""
    import numpy as onp
    rng = onp.random.default_rng(0)
    a = rng.random((n, n), dtype=onp.float32)
    b = rng.random((n, n), dtype=onp.float32)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n ** 3 / best / 1e9


def _timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_child(workflow, args):
    cmd = [sys.executable, str(Path(__file__).resolve()), '--child', workflow,
           '--epochs', str(args.epochs), '--seed', str(args.seed),
           '--data-dir', args.data_dir, '--ratings', str(args.ratings or 0)]
    env = dict(os.environ, MPLBACKEND='Agg')
    if workflow == 'fast':  # its recommended setting: one OpenMP thread per core
        env.setdefault('OMP_NUM_THREADS', str(os.cpu_count() or 1))
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(ROOT),
                                                      env.get('PYTHONPATH')]))
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    lines = [l for l in out.stdout.splitlines() if l.startswith('RESULT ')]
    if out.returncode != 0 or not lines:
        raise SystemExit(f'The {workflow} workflow failed (exit {out.returncode}):\n'
                         f'{out.stdout[-2000:]}\n{out.stderr[-4000:]}')
    return dict(json.loads(lines[-1][len('RESULT '):]), process_s=wall)


def summarise(runs):
    """Median of every phase, of the prep and total, RMSE and peak memory."""
    med = {p: statistics.median(r['times'][p] for r in runs) for p in PHASES}
    med['prep'] = statistics.median(sum(r['times'][p] for p in ('read', 'split',
                                                                'matrices'))
                                    for r in runs)
    med['total'] = statistics.median(sum(r['times'].values()) for r in runs)
    med['process'] = statistics.median(r['process_s'] for r in runs)
    med['rmse'] = statistics.median(r['rmse'] for r in runs)
    med['peak_mb'] = statistics.median(r['peak_mb'] for r in runs)
    return med


def table(results, bound, gflops, args):
    """Return the comparison as a Markdown table (a string)."""
    ref = results['reference']
    names = [w for w in WORKFLOWS if w in results]
    rows = [('import', 'import (s)'), ('read', 'read (s)'), ('split', 'split (s)'),
            ('matrices', 'interaction matrices (s)'), ('prep', 'data prep total (s)'),
            ('train_eval', f'train + eval, {args.epochs} epochs (s)'),
            ('total', 'whole workflow (s)'),
            ('process', 'whole process, start to exit (s)'), ('peak_mb', 'peak memory (MB)'),
            ('rmse', 'final test RMSE')]
    head = '| phase | ' + ' | '.join(names) + ' | ' + ' | '.join(
        f'reference / {n}' for n in names[1:]) + ' |'
    lines = [head, '|' + '---|' * (1 + 2 * len(names) - 1)]
    for key, label in rows:
        fmt = '{:.4f}' if key == 'rmse' else ('{:.0f}' if key == 'peak_mb' else '{:.3f}')
        cells = [fmt.format(results[n][key]) for n in names]
        if key == 'rmse':
            ratios = [f'{ref[key] - results[n][key]:+.4f} (diff)' for n in names[1:]]
        else:
            ratios = [f'{ref[key] / max(results[n][key], 1e-9):.1f}x' for n in names[1:]]
        lines.append(f'| {label} | ' + ' | '.join(cells) + ' | ' + ' | '.join(ratios) + ' |')
    bound_cells = [f'{results[n]["train_eval"] / bound:.2f}x' for n in names]
    lines.append(f'| train + eval / arithmetic bound ({bound:.2f} s) | '
                 + ' | '.join(bound_cells) + ' |' + ' |' * (len(names) - 1))
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--epochs', type=int, default=25)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--data-dir', default=default_data_dir())
    parser.add_argument('--ratings', type=int, default=0,
                        help='use only the first N ratings (0 = all 100,000)')
    parser.add_argument('--workflows', default=','.join(WORKFLOWS))
    parser.add_argument('--short', action='store_true',
                        help='smoke run: 2 epochs, 1 repeat, the first 10,000 ratings')
    parser.add_argument('--json', help='also write the raw runs to this file')
    parser.add_argument('--child', choices=WORKFLOWS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    if args.short:
        args.epochs, args.repeats, args.ratings = 2, 1, args.ratings or 10_000
    workflows = [w for w in args.workflows.split(',') if w]
    if 'reference' not in workflows:
        workflows.insert(0, 'reference')
    runs, gemms = {w: [] for w in workflows}, []
    for r in range(args.repeats):
        gemms.append(gemm_gflops())  # Once per repeat: the load may change.
        for w in workflows:
            runs[w].append(run_child(w, args))
            print(f'repeat {r + 1}/{args.repeats} {w:9s} '
                  f'{sum(runs[w][-1]["times"].values()):7.2f} s  '
                  f'RMSE {runs[w][-1]["rmse"]:.4f}', flush=True)
    gflops = statistics.median(gemms)
    first = runs['reference'][0]
    rows, cols = first['rows'], first['cols']
    flop_epoch = 7 * 2 * rows * cols * HYPER['num_hidden']
    bound = args.epochs * flop_epoch / (gflops * 1e9)
    results = {w: summarise(runs[w]) for w in workflows}
    print()
    print(f'Machine: {os.cpu_count()} cores; NumPy float32 GEMM {gflops:.0f} GFLOP/s '
          f'(median of {", ".join(f"{g:.0f}" for g in gemms)}); '
          f'one epoch = {flop_epoch / 1e9:.1f} GFLOP ({rows} x {cols} matrix, hidden '
          f'{HYPER["num_hidden"]}), so {args.epochs} epochs need >= {bound:.2f} s.')
    print(f'Medians of {args.repeats} run(s); {args.ratings or "all"} ratings; '
          f'seed {args.seed}; load average {os.getloadavg()[0]:.1f} at the end '
          f'(1, 5, 15 min: {", ".join(f"{x:.1f}" for x in os.getloadavg())}).')
    for w in workflows:
        print(f'  {w}: {runs[w][0]["note"]}')
    print()
    print(table(results, bound, gflops, args))
    if args.json:
        Path(args.json).write_text(json.dumps({'gflops': gflops, 'gemms': gemms,
                                               'bound': bound,
                                               'runs': runs, 'medians': results},
                                              indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main())
