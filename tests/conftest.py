"""Shared test configuration.

nbval compares each notebook cell's stored outputs with fresh ones. MXNet writes
C++-level log lines to stderr under some runners and not others, so stderr is never
compared; everything that must stay stable is printed to stdout.
"""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / 'shared' / 'data'


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == '.ipynb':
        collector.skip_compare += ('stderr',)


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

    from d2l_ext.download import find_ml100k
    if 'D2L_DATA_DIR' not in os.environ and (SHARED_DATA / 'ml-100k' / 'u.data').is_file():
        return SHARED_DATA
    folder = find_ml100k(ROOT / 'data')
    return folder.parent if folder.name == 'ml-100k' else folder
