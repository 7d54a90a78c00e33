"""Dense against sparse storage at the paper's data-set shapes: peak memory, seconds per epoch.

Usage (from the repository's root)::

    python benchmarks/scaling.py                  # ml-1m, ml-10m, netflix; writes scaling.png/.csv
    python benchmarks/scaling.py --shapes ml-1m ml-10m
    python benchmarks/scaling.py --short          # tiny shapes, seconds: a smoke test (CI)

For each shape it makes synthetic ratings with the data set's numbers of users, items and
ratings (ML-1M 6,040 x 3,706 with 1M ratings, ML-10M 69,878 x 10,677 with 10M, Netflix
480,189 x 17,770 with 100M), item popularity skewed (log-normal), ratings drawn from
ML-100K's distribution (half stars for ML-10M), split 90/10 at random. The ratings are
random, so the RMSE means nothing here and is not reported.

Then it trains I-AutoRec, :func:`d2l_ext.lab.fitting.fit_autorec` with the chapter's
settings (hidden 500, Adam, lr 0.002, wd 1e-5, batch 256, evaluation after the epoch),
once per storage:

- ``sparse``: CSR matrices, each batch made dense on the fly;
- ``dense``: float32 arrays, run only where they fit comfortably (``--dense-limit-gb``,
  default 2 GB for the matrices); elsewhere the memory the dense path needs is computed:
  five dense copies (train and test arrays, MXNet's copy of train, the reconstruction in
  MXNet and in NumPy) plus the model's state, a formula the measured ML-1M and tiny runs
  check (printed side by side).

Every (shape, storage) runs in its own subprocess, one at a time; its peak memory is the
child's RSS high-water mark (``VmHWM``, which includes generating the data). Seconds per
epoch is a full epoch (training and evaluation) measured with ``fit_autorec``: on shapes up
to ML-1M's the fastest of epochs 2 and 3, in ``--repeats`` (2) runs alternating dense and
sparse, the fastest of those (the machine is shared: the fastest run is the least
disturbed). Where ``--batches`` is given for a shape (Netflix by default), that many
training batches and one evaluation batch are timed with the same steps fit_autorec takes,
and the epoch is extrapolated (``batches per epoch x seconds per batch``), which the table
says.
The machine's load average is printed with the figures: other work on the machine slows
every number down.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as onp

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: name -> (users, items, ratings) of the data sets the AutoRec paper used.
SHAPES = {'ml-1m': (6_040, 3_706, 1_000_209),
          'ml-10m': (69_878, 10_677, 10_000_054),
          'netflix': (480_189, 17_770, 100_480_507)}
#: Tiny shapes of the --short smoke test.
SHORT_SHAPES = {'tiny-a': (300, 200, 6_000), 'tiny-b': (1_200, 500, 30_000)}
#: Shapes whose epoch is extrapolated from a few batches by default.
DEFAULT_BATCHES = {'netflix': 3}
RATING_SHARE = [0.0611, 0.1137, 0.2715, 0.3417, 0.2120]  # ML-100K's ratings 1..5
HIDDEN, BATCH = 500, 256


# --------------------------------------------------------------------------- the data
def synthetic_split(num_users, num_items, num_ratings, test_ratio=0.1, seed=0,
                    half_stars=False):
    """Random ratings in CSR form, already split: ``(train, test)`` of shape (items, users).

    Memory-frugal at Netflix's 100M ratings: counts per item are drawn first, then each
    item's distinct users, written straight into preallocated int32 index and float32
    value arrays (8 bytes per rating, about 0.8 GB at 100M); no (user, item) table is
    ever built.
    """
    from scipy import sparse
    rng = onp.random.default_rng(seed)
    weight = rng.lognormal(0.0, 1.0, num_items)
    counts = onp.minimum(onp.floor(weight / weight.sum() * num_ratings), num_users)
    counts = counts.astype(onp.int64)
    short = num_ratings - int(counts.sum())
    while short > 0:  # hand out the remainder to items that still have room
        room = onp.flatnonzero(counts < num_users)
        extra = rng.choice(room, min(short, len(room)), replace=False)
        counts[extra] += 1
        short = num_ratings - int(counts.sum())
    test_counts = rng.binomial(counts, test_ratio)
    parts = {}
    for name, sizes in (('train', counts - test_counts), ('test', test_counts)):
        indptr = onp.zeros(num_items + 1, dtype=onp.int64)
        onp.cumsum(sizes, out=indptr[1:])
        parts[name] = (indptr, onp.empty(indptr[-1], dtype=onp.int32),
                       onp.empty(indptr[-1], dtype=onp.float32))
    values = (onp.arange(1, 11) / 2 if half_stars else onp.arange(1, 6)).astype(onp.float32)
    share = onp.repeat(RATING_SHARE, 2) / 2 if half_stars else RATING_SHARE
    for item in range(num_items):
        users = rng.choice(num_users, counts[item], replace=False).astype(onp.int32)
        ratings = values[rng.choice(len(values), counts[item], p=share)]
        cut = test_counts[item]
        for name, chosen in (('test', slice(0, cut)), ('train', slice(cut, None))):
            indptr, indices, data = parts[name]
            order = onp.argsort(users[chosen])
            indices[indptr[item]:indptr[item + 1]] = users[chosen][order]
            data[indptr[item]:indptr[item + 1]] = ratings[chosen][order]
    return tuple(sparse.csr_matrix((data, indices, indptr.astype(onp.int32)
                                    if indptr[-1] < 2 ** 31 else indptr),
                                   shape=(num_items, num_users), copy=False)
                 for indptr, indices, data in (parts['train'], parts['test']))


def dense_needs_bytes(num_users, num_items):
    """Bytes the dense path holds at least: 5 float32 copies of the matrix and the model.

    The copies: the train and test arrays, MXNet's copy of train, the full reconstruction
    in MXNet and as NumPy. The model: encoder and decoder weights and biases, each with
    its gradient and Adam's two moments (4 arrays per parameter).
    """
    matrix = 4 * num_items * num_users
    return 5 * matrix + model_bytes(num_users)


def model_bytes(num_users):
    """Parameters, gradients and Adam moments of AutoRec(500) on rows of ``num_users``."""
    params = 2 * HIDDEN * num_users + HIDDEN + num_users
    return 4 * 4 * params


def peak_mb():
    """This process's RSS high-water mark (VmHWM), in MB."""
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------- the child
def child(shape, storage, batches):
    """Generate one shape, train one storage; return the row of the table."""
    from mxnet import npx
    npx.set_np()
    num_users, num_items, num_ratings = (SHAPES.get(shape) or SHORT_SHAPES[shape])
    t = time.perf_counter()
    train, test = synthetic_split(num_users, num_items, num_ratings,
                                  half_stars=shape == 'ml-10m')
    if storage == 'dense':
        train, test = train.toarray(), test.toarray()
    gen_s = time.perf_counter() - t
    if batches:
        epoch_s, method = partial_epoch(train, test, batches)
    else:
        epoch_s, method = full_epoch(train, test, storage)
    return {'shape': shape, 'users': num_users, 'items': num_items,
            'ratings': num_ratings, 'storage': storage, 'status': 'measured',
            'epoch_s': epoch_s, 'method': method, 'peak_mb': peak_mb(),
            'gen_s': gen_s, 'load': os.getloadavg()[0]}


def full_epoch(train, test, storage):
    """Seconds of one epoch of fit_autorec: the fastest of epochs 2-3 on shapes up to
    ML-1M's (the first epoch includes set-up; the fastest is the least disturbed by other
    work on the machine), the only one on larger shapes."""
    from d2l_ext.lab.fitting import fit_autorec
    epochs = 3 if train.shape[0] * train.shape[1] < 5e7 else 1
    result = fit_autorec(train, {'test': test}, num_hidden=HIDDEN, batch_size=BATCH,
                         num_epochs=epochs, seed=0, progress=None, storage=storage,
                         clip=(1, 5), default_rating=3)
    seconds = result.history.seconds
    if epochs == 1:
        return float(seconds[0]), 'one full epoch'
    return float(min(seconds[1:])), f'full epochs: fastest of 2-{epochs}'


def partial_epoch(train, test, batches):
    """Time ``batches`` training batches and one evaluation batch, as fit_autorec's sparse
    path runs them; extrapolate to an epoch."""
    import mxnet as mx
    from mxnet import gluon, np

    import d2l_ext as d2l
    from d2l_ext.lab import sparse as sp
    from d2l_ext.lab.fitter import EVAL_BATCH_ENTRIES
    from d2l_ext.training import step_batch
    rows, cols = train.shape
    d2l.set_seed(0)
    net = d2l.AutoRec(HIDDEN, cols, 0.05)
    net.initialize(init=mx.init.Normal(0.01), force_reinit=True)
    trainer = gluon.Trainer(net.collect_params(), 'adam',
                            {'learning_rate': 0.002, 'wd': 1e-5})
    loss = gluon.loss.L2Loss()
    order = onp.random.default_rng(0).permutation(rows)
    times = []
    for k in range(batches + 1):  # the first batch (set-up) is not counted
        t = time.perf_counter()
        X = np.array(sp.dense_rows(train, order[k * BATCH:(k + 1) * BATCH]))
        [l] = step_batch(net, loss, trainer, [(X, X)], X.shape[0])
        float(l.sum())
        times.append(time.perf_counter() - t)
    eval_rows = max(1, min(rows, EVAL_BATCH_ENTRIES // cols))
    t = time.perf_counter()
    held = [train, test]
    sp.observed_predictions(
        lambda b, e: net(np.array(train[b:e].toarray())).asnumpy(),
        [m[:eval_rows] for m in held], eval_rows)
    eval_s = time.perf_counter() - t
    per_batch = float(onp.mean(times[1:]))
    epoch = math.ceil(rows / BATCH) * per_batch + math.ceil(rows / eval_rows) * eval_s
    return epoch, (f'extrapolated: {batches} train batches ({per_batch:.1f} s each) x '
                   f'{math.ceil(rows / BATCH)} + 1 eval batch ({eval_s:.1f} s) x '
                   f'{math.ceil(rows / eval_rows)}')


# --------------------------------------------------------------------------- the parent
def run_child(shape, storage, batches):
    cmd = [sys.executable, str(Path(__file__).resolve()), '--child', shape, storage,
           str(batches or 0)]
    env = dict(os.environ, MPLBACKEND='Agg')
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(ROOT), env.get('PYTHONPATH')]))
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    lines = [l for l in out.stdout.splitlines() if l.startswith('RESULT ')]
    if out.returncode != 0 or not lines:
        raise SystemExit(f'{shape}/{storage} failed (exit {out.returncode}):\n'
                         f'{out.stdout[-2000:]}\n{out.stderr[-4000:]}')
    return json.loads(lines[-1][len('RESULT '):])


def computed_dense(shape):
    num_users, num_items, num_ratings = SHAPES.get(shape) or SHORT_SHAPES[shape]
    return {'shape': shape, 'users': num_users, 'items': num_items,
            'ratings': num_ratings, 'storage': 'dense', 'status': 'computed',
            'epoch_s': float('nan'), 'method': '5 dense float32 copies + model state',
            'peak_mb': dense_needs_bytes(num_users, num_items) / 2 ** 20,
            'gen_s': float('nan'), 'load': os.getloadavg()[0]}


def table(frame):
    """Dense and sparse side by side, one line per shape (Markdown)."""
    lines = ['| shape | users x items | ratings | dense copy (GB) | dense peak (MB) | '
             'dense s/epoch | sparse peak (MB) | sparse s/epoch | sparse epoch measured as |',
             '|---|---|---|---|---|---|---|---|---|']
    for shape, group in frame.groupby('shape', sort=False):
        d = group[group.storage == 'dense'].iloc[0]
        s = group[group.storage == 'sparse'].iloc[0]
        dense_peak = (f'{d.peak_mb:,.0f}' if d.status == 'measured'
                      else f'>= {d.peak_mb:,.0f} (computed)')
        dense_s = f'{d.epoch_s:.2f}' if d.status == 'measured' else 'not run'
        lines.append(f'| {shape} | {s["users"]:,} x {s["items"]:,} | {s.ratings:,} | '
                     f'{4 * s["users"] * s["items"] / 1e9:.2f} | {dense_peak} | {dense_s} | '
                     f'{s.peak_mb:,.0f} | {s.epoch_s:.2f} | {s.method} |')
    return '\n'.join(lines)


def plot(frame, out):
    """Draw :func:`d2l_ext.lab.figures.plot_scaling` (the notebook's figure) to ``out``."""
    from d2l_ext.lab.figures import plot_scaling
    plot_scaling(frame).savefig(out, dpi=90)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--shapes', nargs='+', default=list(SHAPES))
    parser.add_argument('--short', action='store_true',
                        help='tiny shapes (seconds), no files unless --out is given')
    parser.add_argument('--batches', type=int, default=None,
                        help='extrapolate every shape from this many training batches '
                             '(default: full epochs, Netflix from 3 batches)')
    parser.add_argument('--repeats', type=int, default=2,
                        help='where dense also runs, alternate the two paths this often')
    parser.add_argument('--dense-limit-gb', type=float, default=2.0,
                        help='run the dense path only when its 5 copies fit in this')
    parser.add_argument('--out', default=None, help='PNG to write (its .csv beside it); '
                        'default benchmarks/scaling.png, none with --short')
    parser.add_argument('--child', nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        shape, storage, batches = args.child
        row = child(shape, storage, int(batches))
        print('RESULT ' + json.dumps(row), flush=True)
        return 0
    import pandas as pd
    shapes = list(SHORT_SHAPES) if args.short else args.shapes
    out = args.out or (None if args.short else str(HERE / 'scaling.png'))
    rows = []
    for shape in shapes:
        users, items, _ = SHAPES.get(shape) or SHORT_SHAPES[shape]
        batches = args.batches if args.batches is not None else DEFAULT_BATCHES.get(shape)
        if args.short:
            args.repeats = 1
        dense_runs = dense_needs_bytes(users, items) <= args.dense_limit_gb * 2 ** 30
        # Where both paths run, they alternate `repeats` times: the best epoch of each
        # counts, the highest peak memory of each is kept.
        found = {}
        for repeat in range(args.repeats if dense_runs else 1):
            for storage in ('dense', 'sparse'):
                if storage == 'dense' and not dense_runs:
                    r = computed_dense(shape)
                else:
                    r = run_child(shape, storage, batches if storage == 'sparse' else None)
                print(f'{shape:8s} {storage:6s} {r["status"]:8s} peak {r["peak_mb"]:9,.0f} MB'
                      f'  {r["epoch_s"]:8.2f} s/epoch  (load {r["load"]:.1f})', flush=True)
                best = found.get(storage)
                if best is not None:
                    r = dict(r, peak_mb=max(r['peak_mb'], best['peak_mb']),
                             load=max(r['load'], best['load']))
                    if best['epoch_s'] < r['epoch_s']:
                        r['epoch_s'] = best['epoch_s']
                    r['method'] = f'{r["method"]}, best of {repeat + 1} runs'
                found[storage] = r
        rows += [found['dense'], found['sparse']]
        computed = dense_needs_bytes(users, items) / 2 ** 20
        print(f'{"":8s} dense formula: >= {computed:,.0f} MB', flush=True)
    frame = pd.DataFrame(rows)
    print()
    print(f'Machine: {os.cpu_count()} cores, '
          f'{os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30:.0f} GB; '
          f'load average at the end {os.getloadavg()[0]:.1f} (uptime: '
          f'{", ".join(f"{x:.1f}" for x in os.getloadavg())})')
    print(table(frame))
    if out:
        plot(frame, out)
        frame.to_csv(Path(out).with_suffix('.csv'), index=False, float_format='%.4f')
        print(f'wrote {out} and its .csv')
    return 0


if __name__ == '__main__':
    sys.exit(main())
