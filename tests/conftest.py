"""Shared test configuration.

nbval compares each notebook cell's stored outputs with fresh ones. MXNet writes
C++-level log lines to stderr under some runners and not others, so stderr is never
compared; everything that must stay stable is printed to stdout.

The test tiers (markers registered in pyproject.toml; ``python3 tasks.py test --quick``
leaves all four out):

- ``notebooks``: every nbval item, marked here;
- ``browser``: every test in a ``test_*_browser.py`` file (Debian's Chromium), marked here;
- ``slow``: marked in the test files (training in a subprocess, benchmarks);
- ``network``: marked in the test files; skipped here, with the reason, when the package
  index (or the ``url=`` the marker names) cannot be reached.
"""
import functools
import urllib.request
from pathlib import Path

import numpy as onp
import pandas as pd
import pytest

# First, before any test module imports mxnet: on NumPy >= 1.24 d2l_ext must add back the
# names MXNet 1.9.1 reads at import (d2l_ext/_compat.py).
import d2l_ext  # noqa: F401  isort: skip

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / 'shared' / 'data'


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == '.ipynb':
        collector.skip_compare += ('stderr',)


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.suffix == '.ipynb':
            item.add_marker(pytest.mark.notebooks)
        elif item.path.name.startswith('test_') and item.path.stem.endswith('_browser'):
            item.add_marker(pytest.mark.browser)


@functools.cache
def unreachable(url):
    """Why ``url`` cannot be read from here, or '' when it can."""
    try:
        with urllib.request.urlopen(url, timeout=15):
            return ''
    except OSError as error:
        return f'{url} cannot be reached ({error})'


def pytest_runtest_setup(item):
    marker = item.get_closest_marker('network')
    if marker is None:
        return
    from tools.platforms import INDEX_URL
    url = marker.kwargs.get('url', f'{INDEX_URL}/pip/')
    if unreachable(url):
        pytest.skip(f'{unreachable(url)}: this test needs it, and runs when the network '
                    f'is back')


@pytest.fixture(scope='session')
def real_data_dir():
    """A folder holding the real MovieLens-100K (normally as ``ml-100k/``).

    Found as the package finds it: ``data/`` at the repository's root (where the notebooks'
    ``../data`` points), ``$D2L_DATA_DIR`` (CI sets it to ``../shared/data``), or
    downloaded from GroupLens into ``data/``. Tests on real data never pass by being
    skipped: without the data they fail with the package's own message saying where it
    looked and how to provide it.
    """
    import os

    from d2l_ext.datasets.store import find_ml100k
    if 'D2L_DATA_DIR' not in os.environ and (SHARED_DATA / 'ml-100k' / 'u.data').is_file():
        return SHARED_DATA
    folder = find_ml100k(ROOT / 'data')
    return folder.parent if folder.name == 'ml-100k' else folder


def low_rank_ratings(num_users=60, num_items=80, density=0.3, seed=0):
    """Ratings 1-5 from a rank-2 model, so there is structure to learn."""
    rng = onp.random.default_rng(seed)
    scores = rng.normal(size=(num_users, 2)) @ rng.normal(size=(2, num_items))
    ratings = onp.clip(onp.rint(3 + scores), 1, 5)
    users, items = onp.nonzero(rng.uniform(size=ratings.shape) < density)
    return pd.DataFrame({'user_id': users + 1, 'item_id': items + 1,
                         'rating': ratings[users, items].astype(int),
                         'timestamp': 0}), num_users, num_items


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No network, no d2l cache and no D2L_DATA_DIR: only what a test puts in place."""
    import urllib.error

    from d2l_ext.datasets import store

    def refuse(*args, **kwargs):
        raise urllib.error.URLError('no network in this test')
    monkeypatch.setattr(store, 'download', refuse)
    monkeypatch.delenv('D2L_DATA_DIR', raising=False)
    work = tmp_path / 'cwd'
    work.mkdir()
    monkeypatch.chdir(work)
