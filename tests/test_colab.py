"""A Colab-like runtime executes the walkthrough from its set-up cell, live figure included.

Colab's runtime is rebuilt in a fresh virtual environment: Python 3.12 with the versions of
NumPy, pandas, matplotlib, IPython, ipykernel and jupyter_client that Colab ships
(:data:`COLAB`), and without d2l_ext or MXNet. The walkthrough then runs top to bottom, as a
student's "Run all" would: its set-up cell must find no d2l_ext, install MXNet and the
package (from this checkout instead of GitHub: ``D2L_EXT_SOURCE``), leave Colab's versions
alone (or the cell stops and asks for a restart), and every later cell must run. The live
training figure must be updated in place during training (``update_display_data``, which
Colab's front end applies), not drawn once.

Marked slow (it installs a Python environment: minutes); skipped without a Python 3.12.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_packaging import clean_copy

#: Colab's pinnable runtime 2026.07 (Python 3.12.13), from googlecolab/backend-info's
#: pip-freeze.txt at commit ec53f93 (its README lists the runtime versions). Colab's newest
#: runtime moved to Python 3.13 with numpy 2.1.3, pandas 2.2.3 and the same IPython 7.34.
COLAB = ['numpy==2.0.2', 'pandas==2.2.2', 'matplotlib==3.10.0', 'ipython==7.34.0',
         'ipykernel==6.17.1', 'jupyter_client==7.4.9', 'traitlets==5.7.1', 'pyzmq==26.2.1',
         'tornado==6.5.7', 'scipy==1.16.3', 'setuptools==75.2.0', 'tqdm==4.67.3',
         'matplotlib-inline==0.2.2', 'nbformat==5.10.4']
#: Not on Colab: the executor standing for Colab's front end.
EXECUTOR = ['nbclient==0.10.4']

RUN = r'''
import json, sys
import nbformat
from nbclient import NotebookClient

class Client(NotebookClient):
    """Counts the display updates the kernel sends (Colab's front end applies them)."""
    updates = 0
    def process_message(self, msg, cell, cell_index):
        if msg['msg_type'] == 'update_display_data':
            Client.updates += 1
        return super().process_message(msg, cell, cell_index)

nb = nbformat.read(sys.argv[1], as_version=4)
Client(nb, timeout=3600, kernel_name='python3',
       resources={'metadata': {'path': sys.argv[2]}}).execute()
setup = next(c for c in nb.cells if 'setup' in c.metadata.get('tags', []))
text = ''.join(o.get('text', '') for c in nb.cells for o in c.get('outputs', []))
print(json.dumps({'updates': Client.updates, 'setup_outputs': setup.outputs,
                  'rmse': [l for l in text.splitlines() if 'test RMSE' in l][-1:]}))
'''


def python312():
    found = sorted(Path.home().glob('.pyenv/versions/3.12*/bin/python3.12'))
    found += [Path(p) for p in [shutil.which('python3.12')] if p]
    return next((str(p) for p in found if p.exists()), None)


@pytest.mark.slow
def test_the_walkthrough_runs_on_a_colab_like_runtime(tmp_path):
    python = python312()
    if python is None:
        pytest.skip('no Python 3.12 on this machine')
    source, venv = tmp_path / 'checkout', tmp_path / 'colab'
    source.mkdir()
    clean_copy(source)
    subprocess.run([python, '-m', 'venv', venv], check=True, timeout=300)
    py = str(venv / 'bin' / 'python')
    subprocess.run([py, '-m', 'pip', 'install', '-q', '--disable-pip-version-check',
                    *COLAB, *EXECUTOR], check=True, timeout=1800)
    absent = subprocess.run([py, '-c', 'import d2l_ext'], capture_output=True)
    assert absent.returncode != 0, 'the Colab-like runtime must start without d2l_ext'
    env = dict(os.environ, D2L_EXT_SOURCE=f'file://{source}', MPLBACKEND='',
               PATH=f'{venv / "bin"}:{os.environ["PATH"]}')
    env.pop('MPLBACKEND')  # Colab's inline backend, as in a notebook
    env.pop('VIRTUAL_ENV', None)
    notebook = source / 'notebooks' / '02-autorec.ipynb'
    done = subprocess.run([py, '-c', RUN, notebook, notebook.parent], capture_output=True,
                          text=True, env=env, timeout=3600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-4000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    print('Colab-like run:', {k: report[k] for k in ('updates', 'rmse')})
    assert report['setup_outputs'] == [], 'the set-up cell asked for a restart or printed'
    assert report['updates'] >= 5, f"the live figure was updated {report['updates']} times"
    assert report['rmse'], 'the walkthrough printed no test RMSE'
    versions = subprocess.run([py, '-m', 'pip', 'freeze'], capture_output=True, text=True,
                              check=True).stdout.lower().splitlines()
    for pin in COLAB[:6]:
        assert pin.lower() in versions, f'installing the package changed Colab\'s {pin}'
