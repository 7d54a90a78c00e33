"""How the package's AutoRec workflow scales with the size of the rating data.

Usage (from the repository's root)::

    python benchmarks/scaling.py                     # 1x, 2x, 4x, 8x; writes scaling.png
    python benchmarks/scaling.py --scales 1 2 --out /tmp/s.png

For each scale factor ``k`` it makes synthetic ratings with ``k`` times ML-100K's users
(943) and items (1682) at ML-100K's density (6.3 %), so ``100,000 * k**2`` ratings, with
ML-100K's rating distribution. It writes them in ``u.data``'s format to a temporary
folder, then times the package's workflow: read (pandas, as
:func:`d2l_ext.read_data_ml100k` reads), :func:`d2l_ext.split_data_ml100k` (90/10),
:func:`d2l_ext.load_data_ml100k` for both interaction matrices, and
:func:`d2l_ext.train_recsys_rating` with :class:`d2l_ext.lab.fast.FastAutoRec` (hidden 500,
Adam, lr 0.002, wd 1e-5, batch 256, evaluation after every epoch). Seconds per epoch are
the mean over the epochs after the first (the first includes one-off set-up). Fewer
epochs are run at the larger scales (see ``EPOCHS``); the ratings are random, so the
RMSE means nothing here and is not reported.
"""
import argparse
import tempfile
import time
from pathlib import Path

import numpy as onp
import pandas as pd

HERE = Path(__file__).resolve().parent
BASE_USERS, BASE_ITEMS, BASE_RATINGS = 943, 1682, 100_000
RATING_SHARE = [0.0611, 0.1137, 0.2715, 0.3417, 0.2120]  # ML-100K's ratings 1..5
EPOCHS = {1: 6, 2: 6, 4: 4, 8: 3}


def synthetic_ratings(scale, seed=0):
    """Ratings at ML-100K's density for ``scale`` times its users and items.

    Returns
    -------
    data : pandas.DataFrame
        Columns ``user_id, item_id, rating, timestamp``; ids from 1, no repeated pair.
    num_users, num_items : int
    """
    rng = onp.random.default_rng(seed)
    num_users, num_items = BASE_USERS * scale, BASE_ITEMS * scale
    count = BASE_RATINGS * scale ** 2
    cells = onp.unique(rng.integers(0, num_users * num_items, int(count * 1.05)))
    cells = rng.permutation(cells)[:count]
    data = pd.DataFrame({
        'user_id': cells // num_items + 1, 'item_id': cells % num_items + 1,
        'rating': rng.choice(5, count, p=RATING_SHARE) + 1,
        'timestamp': rng.integers(874_724_710, 893_286_638, count)})
    return data, num_users, num_items


def run_scale(scale, folder, num_epochs):
    """Time the package's workflow on one synthetic data set; return a dict of seconds."""
    import mxnet as mx
    from mxnet import gluon

    import d2l_ext as d2l
    from d2l_ext.datasets.ratings import COLUMNS
    from d2l_ext.lab.fast import FastAutoRec, row_batches

    data, num_users, num_items = synthetic_ratings(scale)
    path = Path(folder) / f'u{scale}.data'
    data.to_csv(path, sep='\t', header=False, index=False)
    d2l.set_seed(0)
    t = time.perf_counter()
    data = pd.read_csv(path, sep='\t', names=COLUMNS, engine='c')
    train_data, test_data = d2l.split_data_ml100k(data, num_users, num_items, seed=0)
    _, _, _, train_inter_mat = d2l.load_data_ml100k(train_data, num_users, num_items)
    _, _, _, test_inter_mat = d2l.load_data_ml100k(test_data, num_users, num_items)
    prep = time.perf_counter() - t
    net = FastAutoRec(500, num_users)
    net.initialize(ctx=mx.cpu(), init=mx.init.Normal(0.01))
    net.hybridize(static_alloc=True, static_shape=True)
    trainer = gluon.Trainer(net.collect_params(), 'adam',
                            {'learning_rate': 0.002, 'wd': 1e-5})
    history = d2l.train_recsys_rating(
        net, row_batches(train_inter_mat, 256, shuffle=True, last_batch='rollover'),
        [train_inter_mat], gluon.loss.L2Loss(), trainer, num_epochs, [mx.cpu()],
        d2l.evaluator, inter_mat=test_inter_mat, plot=False)
    path.unlink()
    return {'scale': scale, 'users': num_users, 'items': num_items,
            'ratings': len(data), 'prep_s': prep, 'epochs': num_epochs,
            'epoch_s': float(onp.mean(history.seconds[1:])),
            'first_epoch_s': history.seconds[0]}


def plot(frame, out):
    """Two log-log panels: seconds per epoch and data-preparation seconds vs ratings."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    x = frame['ratings'].to_numpy()
    for ax, column, title in [(axes[0], 'epoch_s', 'training + evaluation, s / epoch'),
                              (axes[1], 'prep_s', 'data preparation, s')]:
        y = frame[column].to_numpy()
        ax.loglog(x, y, 'o-', label='measured')
        ax.loglog(x, y[0] * x / x[0], '--', color='gray', label='linear in ratings')
        for xi, yi, k in zip(x, y, frame['scale']):
            ax.annotate(f'{k}x', (xi, yi), textcoords='offset points', xytext=(4, -10))
        ax.set(xlabel='ratings (users and items scaled 1x-8x, ML-100K density)',
               title=title)
        ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=90)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--scales', type=int, nargs='+', default=[1, 2, 4, 8])
    parser.add_argument('--out', default=str(HERE / 'scaling.png'))
    args = parser.parse_args(argv)
    from mxnet import npx
    npx.set_np()  # As the chapter does: MXNet's NumPy interface.
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for scale in args.scales:
            rows.append(run_scale(scale, folder, EPOCHS.get(scale, 3)))
            print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    print(frame.to_string(index=False))
    plot(frame, args.out)
    frame.to_csv(Path(args.out).with_suffix('.csv'), index=False, float_format='%.4f')
    print(f'wrote {args.out} and its .csv')


if __name__ == '__main__':
    main()
