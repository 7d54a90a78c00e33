"""The benchmark's short mode runs end to end and prints its table (no time is asserted)."""
import importlib.util
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_short_mode(real_data_dir, tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / 'benchmarks' / 'bench_autorec.py'), '--short',
         '--ratings', '5000', '--data-dir', str(real_data_dir),
         '--json', str(tmp_path / 'runs.json')],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    assert '| phase | reference | package | fast |' in text
    for label in ('data prep total (s)', 'train + eval, 2 epochs (s)',
                  'whole workflow (s)', 'peak memory (MB)', 'final test RMSE',
                  'arithmetic bound'):
        assert label in text
    row = next(l for l in text.splitlines() if l.startswith('| final test RMSE'))
    rmses = [float(v) for v in re.findall(r'\| (\d+\.\d+)', row)]
    assert len(rmses) == 3 and all(math.isfinite(r) and 0 < r < 5 for r in rmses)
    # Same split, same initialisation: the workflows agree closely after 2 epochs.
    assert max(rmses) - min(rmses) < 0.05
    assert (tmp_path / 'runs.json').is_file()


@pytest.mark.slow
def test_scaling_short_mode_prints_dense_and_sparse_side_by_side(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / 'benchmarks' / 'scaling.py'), '--short',
         '--out', str(tmp_path / 'scaling.png')],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert '| shape | users x items | ratings | dense copy (GB) | dense peak (MB) |' in out.stdout
    rows = [l for l in out.stdout.splitlines() if l.startswith('| tiny-')]
    assert len(rows) == 2
    import pandas as pd
    frame = pd.read_csv(tmp_path / 'scaling.csv')
    assert set(frame.storage) == {'dense', 'sparse'} and (frame.status == 'measured').all()
    assert (frame.peak_mb > 50).all() and (frame.epoch_s > 0).all()
    assert (tmp_path / 'scaling.png').stat().st_size > 1000


def test_synthetic_split_is_frugal_and_well_formed():
    spec = importlib.util.spec_from_file_location('scaling', ROOT / 'benchmarks' / 'scaling.py')
    scaling = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scaling)
    train, test = scaling.synthetic_split(500, 40, 4_000, half_stars=True)
    assert train.shape == test.shape == (40, 500)
    assert train.nnz + test.nnz == 4_000
    assert train.indices.dtype.name == 'int32' and train.data.dtype.name == 'float32'
    assert train.has_sorted_indices and test.has_sorted_indices
    assert (train.multiply(test)).nnz == 0          # no rating in both parts
    assert set(train.data) <= {k / 2 for k in range(1, 11)}
    assert abs(test.nnz / 4_000 - 0.1) < 0.03
    assert scaling.dense_needs_bytes(480_189, 17_770) > 5 * 34e9
