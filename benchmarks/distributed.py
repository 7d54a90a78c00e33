"""Data-parallel AutoRec on a localhost parameter server: time per epoch and traffic per step.

Usage (from the repository's root, ``D2L_DATA_DIR`` pointing at MovieLens-100K)::

    python benchmarks/distributed.py              # ML-100K, 5 epochs: 1 process, 1 and 2 workers
    python benchmarks/distributed.py --epochs 25  # the full run (RMSE comparable to the chapter)
    python benchmarks/distributed.py --short      # synthetic data, seconds: a smoke test

It runs ``python -m d2l_ext.lab.distributed`` three ways with the same global batch (256)
and seed: in one process without a cluster (``--single``), then with one and with two
workers and one server on 127.0.0.1, and prints for each the final test RMSE, the seconds
per epoch (training and every worker's evaluation) and the bytes each worker pushed and
pulled per step, as metered by the kvstore.

Then it scales the metered traffic to the Netflix shape (I-AutoRec, 500 x 480,189 encoder
and decoder) three ways (:mod:`d2l_ext.lab.distributed.traffic`): dense (what ran here),
``row_sparse`` (only the columns a batch touches; the touched fraction is measured on
ML-100K and estimated for Netflix) and item-sharded (each machine owns a slice of the
columns; only the hidden layer moves), and prints them beside the figures of
``notebooks/09-scaling.ipynb`` (``benchmarks/scaling.csv``).

Everything runs on one shared 2-core machine: the load average is printed, and two workers
are not expected to be faster than one (they share the same two cores and add a server).
"""
import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from d2l_ext.lab.distributed import traffic  # noqa: E402
from d2l_ext.lab.distributed.worker import load_dataset, read_summaries  # noqa: E402

#: Links of notebooks/09-scaling.ipynb, bytes per second.
LINKS = {'10 GbE': 1.25e9, '100 GbE': 12.5e9}


def run(args, label):
    """Run the launcher with ``args``; return rank 0's summary (parsed) and the RMSE."""
    proc = subprocess.run([sys.executable, '-m', 'd2l_ext.lab.distributed', *args],
                          capture_output=True, text=True, timeout=1800, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f'{label} failed ({proc.returncode}):\n{proc.stdout[-3000:]}'
                 f'{proc.stderr[-3000:]}')
    return read_summaries(proc.stdout.splitlines())[0]


def local_figures(options):
    """Run the three configurations; print and return their rows."""
    common = ['--dataset', options.dataset, '--epochs', str(options.epochs),
              '--seed', '0', '--batch-size', '256'] + (['--num-hidden', '16'] if
                                                       options.short else [])
    rows = [('1 process', run(['--single', *common], '1 process'))]
    for workers in (1, 2):
        rows.append((f'{workers} worker{"s" * (workers > 1)} + 1 server',
                     run(['--workers', str(workers), '--servers', '1', *common],
                         f'{workers} workers')))
    print(f'{options.dataset}, {options.epochs} epochs, global batch 256, load average '
          f'{os.getloadavg()[0]:.2f} (2 cores, shared)')
    print(f'{"run":22s} {"test RMSE":>9s} {"s/epoch":>8s} {"pushed/step":>12s} '
          f'{"pulled/step":>12s}')
    for label, s in rows:
        print(f'{label:22s} {s["test_rmse"]:9.3f} {s["seconds_per_epoch"]:8.3f} '
              f'{s["pushed_per_step"] / 1e6:9.2f} MB {s["pulled_per_step"] / 1e6:9.2f} MB')
    return rows


def scaling_figures():
    """09-scaling's Netflix figures from benchmarks/scaling.csv, if it is there."""
    path = ROOT / 'benchmarks' / 'scaling.csv'
    if not path.exists():
        return {}
    with open(path, newline='') as f:
        return {(r['shape'], r['storage']): r for r in csv.DictReader(f)}


def netflix_table(touched_here, dataset):
    """Print the traffic per step at the Netflix shape, beside 09's figures."""
    items, users, ratings = traffic.NETFLIX
    touched = traffic.expected_touched_fraction(items, ratings, users, 128)
    per_step = traffic.step_traffic(500, users, batch_size=256, workers=2, touched=touched)
    steps = -(-items // 256)
    print(f'\nNetflix I-AutoRec (500 x {users:,}), 2 workers, global batch 256, '
          f'{steps} steps per epoch, per worker and step:')
    print(f'{"exchange":13s} {"push MB":>9s} {"pull MB":>9s} ' +
          ' '.join(f'{name + " ms/step":>15s}' for name in LINKS) +
          f' {"10 GbE s/epoch":>15s}')
    for name, row in per_step.items():
        moved = row['push'] + row['pull']
        print(f'{name:13s} {row["push"] / 1e6:9.1f} {row["pull"] / 1e6:9.1f} ' +
              ' '.join(f'{moved / rate * 1e3:15.1f}' for rate in LINKS.values()) +
              f' {moved / LINKS["10 GbE"] * steps:15.1f}')
    print(f'row_sparse: a batch of 128 items touches {touched:.1%} of Netflix users '
          f'(estimated, uniform users), {touched_here:.1%} of {dataset} users (measured): '
          'little saving for I-AutoRec at this batch.')
    figures = scaling_figures()
    sparse = figures.get(('netflix', 'sparse'))
    print(f"\nBeside 09-scaling: {per_step['dense']['push'] / 1e9:.2f} GB of gradient per step "
          f"(09: 1.92 GB); over 10 GbE {per_step['dense']['push'] / 1.25e9 * 1e3:.0f} ms each "
          'way (09: 1538 ms per step, one way); 09 estimates 78 ms of compute per step on a '
          'V100' + (f'; one machine here, CPU, sparse storage: {float(sparse["epoch_s"]):.0f} s '
                    f'per epoch ({sparse["method"]}).' if sparse else '.'))


def main(argv=None):
    """Run the local figures, then print the Netflix traffic table (see the module)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--epochs', type=int, default=5)
    parser.add_argument('--short', action='store_true', help='synthetic data, seconds')
    options = parser.parse_args(argv)
    options.dataset = 'synthetic' if options.short else 'ml-100k'
    if options.short:
        options.epochs = min(options.epochs, 2)
    local_figures(options)
    train, _ = load_dataset(options.dataset, seed=0)
    netflix_table(traffic.touched_fraction(train, 128), options.dataset)


if __name__ == '__main__':
    main()
