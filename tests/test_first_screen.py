"""The walkthrough's first screen is calm: no "Kernel is running over TCP without encryption".

``tools/run_notebook.py`` (``tasks.py walkthrough``) starts its kernel over IPC sockets, on
which ipykernel has nothing to warn about. The kernel's log goes to the parent's stderr,
which is what a newcomer sees, so a real kernel is started in a subprocess and its stderr
read.
"""
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tools.run_notebook import kernel_manager

RUN = '''
import sys, tempfile
import nbformat
from nbclient import NotebookClient
from tools.run_notebook import kernel_manager
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('print(6 * 7)')])
with tempfile.TemporaryDirectory() as sockets:
    km = kernel_manager(sys.argv[1], sockets)
    NotebookClient(nb, km=km).execute()
    km.shutdown_kernel()
print(nb.cells[0].outputs[0]['text'].strip())
'''


@pytest.mark.skipif(os.name == 'nt', reason='Windows has no IPC transport')
def test_the_kernel_manager_uses_ipc_in_the_given_folder(tmp_path):
    km = kernel_manager('python3', tmp_path)
    assert km.transport == 'ipc' and km.ip == str(tmp_path / 'kernel')


@pytest.mark.slow
@pytest.mark.skipif(os.name == 'nt', reason='Windows has no IPC transport')
def test_a_headless_run_prints_no_eavesdropping_warning():
    done = subprocess.run([sys.executable, '-c', RUN, 'python3'], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == '42'
    assert 'without encryption' not in done.stderr, done.stderr
    assert 'WARNING' not in done.stderr, done.stderr
