"""Execute a notebook headlessly and keep what a reader wants from it.

``python -m tools.run_notebook NOTEBOOK OUTPUT_DIR`` executes ``NOTEBOOK`` top to bottom
(the notebook file itself is not modified), then writes to ``OUTPUT_DIR``:

* ``<name>.ipynb``: the executed notebook,
* ``<name>.html``: an HTML export of it that needs no network (require.js and MathJax are
  copied from pinned npm packages into ``OUTPUT_DIR/vendor/`` by ``tools/assets.py``),
* ``<name>-curves.png``: the figure of the cell tagged ``training-curves``,

and prints the line holding the final test RMSE. ``python3.11 tasks.py walkthrough``
runs it for ``notebooks/02-autorec.ipynb`` into the git-ignored ``output/``.

If a cell fails, it prints the error's name and message as the notebook raised them (for
example ``d2l_ext``'s ``DataNotFoundError``, which says where it looked for the data and how
to provide it), without nbclient's coloured traceback, and exits with status 1.
"""
import argparse
import base64
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from tools.assets import deploy_assets, nbconvert_config

__all__ = ['NotebookFailed', 'execute_notebook', 'export_html', 'failure_of',
           'kernel_manager', 'main']

KERNEL_NAME = 'd2l-autorec'
PLOT_TAG = 'training-curves'
RMSE_LINE = re.compile(r'^Final test RMSE: .*$', re.MULTILINE)
ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]')


class NotebookFailed(RuntimeError):
    """A cell raised: ``ename``, ``evalue`` (ANSI codes stripped) and the cell's index."""

    def __init__(self, path, cell_index, ename, evalue):
        self.path, self.cell_index, self.ename, self.evalue = path, cell_index, ename, evalue
        super().__init__(f'{path}: cell {cell_index} raised {ename}: {evalue}')


def strip_ansi(text):
    """``text`` without ANSI colour and cursor codes."""
    return ANSI.sub('', text)


def failure_of(nb):
    """``(cell index, ename, evalue)`` of the first cell with an error output, or None."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get('outputs', []):
            if output.get('output_type') == 'error':
                return (index, strip_ansi(output.get('ename', '')),
                        strip_ansi(output.get('evalue', '')))
    return None


def kernel_manager(kernel_name, socket_dir):
    """A kernel manager that talks to the kernel over local IPC sockets where it can.

    Over TCP, ipykernel warns "Kernel is running over TCP without encryption ... susceptible
    to eavesdropping" at start-up: true of any local TCP kernel, and frightening on a
    newcomer's first screen. jupyter_client's ``ipc`` transport (Unix domain sockets, files
    named ``socket_dir/kernel-N``, readable by this user only) sends nothing over the
    network, and ipykernel does not warn. Windows has no IPC transport: TCP stays there.
    """
    from jupyter_client.manager import KernelManager

    if os.name == 'nt':
        return KernelManager(kernel_name=kernel_name)
    return KernelManager(kernel_name=kernel_name, transport='ipc',
                         ip=str(Path(socket_dir) / 'kernel'))


def execute_notebook(path, output_dir, kernel_name=KERNEL_NAME, timeout=1800):
    """Execute a notebook and write it, its HTML export and its training plot.

    Parameters
    ----------
    path : str or os.PathLike
        The notebook to run; it is read, never written.
    output_dir : str or os.PathLike
        Created if needed.
    kernel_name : str, default 'd2l-autorec'
        The Jupyter kernel to run it in (registered by ``tasks.py setup``).
    timeout : int
        Seconds allowed per cell.

    Returns
    -------
    dict
        Paths written (``'notebook'``, ``'html'``, ``'plot'``) and the ``'rmse_line'``.

    Raises
    ------
    NotebookFailed
        If a cell raises; nothing is written then.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path, output_dir = Path(path), Path(output_dir)
    nb = nbformat.read(path, as_version=4)
    try:
        with tempfile.TemporaryDirectory(prefix='d2l-kernel-') as sockets:
            km = kernel_manager(kernel_name, sockets)
            try:
                NotebookClient(nb, timeout=timeout, km=km,
                               resources={'metadata': {'path': str(path.parent)}}).execute()
            finally:  # a kernel manager given to nbclient is the caller's to shut down
                if km.has_kernel:
                    km.shutdown_kernel()
    except CellExecutionError as error:
        found = failure_of(nb)
        if found is None:  # no error output stored: fall back on the exception's fields
            found = (None, strip_ansi(getattr(error, 'ename', '') or 'Error'),
                     strip_ansi(getattr(error, 'evalue', '') or str(error)))
        raise NotebookFailed(path, *found) from None
    output_dir.mkdir(parents=True, exist_ok=True)
    written = {'notebook': output_dir / path.name,
               'html': export_html(nb, output_dir / f'{path.stem}.html')}
    _write_atomically(written['notebook'], nbformat.writes(nb).encode())
    written['plot'], written['rmse_line'] = None, None
    for cell in nb.cells:
        for output in cell.get('outputs', []):
            png = output.get('data', {}).get('image/png')
            if png and PLOT_TAG in cell.metadata.get('tags', []):
                written['plot'] = output_dir / f'{path.stem}-curves.png'
                _write_atomically(written['plot'], base64.b64decode(png))
            match = RMSE_LINE.search(output.get('text', ''))
            if match:
                written['rmse_line'] = match.group(0)
    return written


def export_html(nb, target):
    """Write an HTML export of the notebook node ``nb`` that works with no network.

    require.js and MathJax are copied into ``vendor/`` beside ``target`` and the page
    loads them from there (``tools/assets.py``). Returns ``target`` as a Path.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    deploy_assets(target.parent, packages=('mathjax', 'requirejs', 'jquery'))
    exporter = HTMLExporter(config=Config(nbconvert_config('vendor', slides=False)))
    html, _ = exporter.from_notebook_node(nb)
    _write_atomically(target, html.encode())
    return target


def _write_atomically(target, data):
    tmp = target.with_name(f'.{target.name}.tmp')
    tmp.write_bytes(data)
    tmp.replace(target)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('notebook', type=Path)
    parser.add_argument('output_dir', type=Path)
    parser.add_argument('--kernel', default=KERNEL_NAME)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        written = execute_notebook(args.notebook, args.output_dir, args.kernel)
    except NotebookFailed as failure:
        where = (f'the cell at index {failure.cell_index}' if failure.cell_index is not None
                 else 'a cell')
        print(f'{args.notebook}: {where} failed.\n{failure.ename}: {failure.evalue}',
              file=sys.stderr)
        return 1
    print(f'Executed {args.notebook} in {time.perf_counter() - start:.0f} s.')
    for key in ('notebook', 'html', 'plot'):
        print(f'  {key:8s} {written[key] or "(none found)"}')
    if written['rmse_line'] is None or written['plot'] is None:
        print('The notebook printed no "Final test RMSE" line or no training plot.',
              file=sys.stderr)
        return 1
    print(written['rmse_line'])
    return 0


if __name__ == '__main__':
    sys.exit(main())
