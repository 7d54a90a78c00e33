"""`tasks.py student` (and the other tool commands) run the tools with the environment's Python."""
import importlib.util
import sys

import nbformat

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location('tasks_under_test', ROOT / 'tasks.py')
tasks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tasks)


def test_student_command_writes_every_notebook_without_solutions(tmp_path, monkeypatch):
    monkeypatch.setattr(tasks, 'env_python', lambda: sys.executable)
    monkeypatch.setattr(tasks, 'OUTPUT_DIR', tmp_path)
    assert tasks.main(['tasks.py', 'student']) == 0
    names = sorted(p.name for p in (tmp_path / 'student').glob('*.ipynb'))
    assert names == sorted(p.name for p in (ROOT / 'notebooks').glob('*.ipynb'))
    for path in (tmp_path / 'student').glob('*.ipynb'):
        cells = nbformat.read(path, as_version=4).cells
        assert not [c for c in cells if 'solution' in c.metadata.get('tags', [])], path.name
