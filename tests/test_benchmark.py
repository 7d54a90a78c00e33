"""The benchmark's short mode runs end to end and prints its table (no time is asserted)."""
import math
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
