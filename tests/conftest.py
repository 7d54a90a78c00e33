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


@pytest.fixture
def real_data_dir():
    """The folder holding the real MovieLens-100K (``$D2L_DATA_DIR`` or ../shared/data)."""
    import os
    folder = Path(os.environ.get('D2L_DATA_DIR', SHARED_DATA))
    if not (folder / 'ml-100k' / 'u.data').is_file():
        pytest.fail(f'The real MovieLens-100K is expected at {folder}/ml-100k (set '
                    f'D2L_DATA_DIR); tests on real data never pass by being skipped.')
    return folder
