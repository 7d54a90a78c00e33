"""Execute a notebook headlessly and keep what a reader wants from it.

``python tools/run_notebook.py NOTEBOOK OUTPUT_DIR`` executes ``NOTEBOOK`` top to bottom
(the notebook file itself is not modified), then writes to ``OUTPUT_DIR``:

* ``<name>.ipynb``: the executed notebook,
* ``<name>.html``: an HTML export of it,
* ``<name>-curves.png``: the figure of the cell tagged ``training-curves``,

and prints the line holding the final test RMSE. ``python3.11 tasks.py walkthrough``
runs it for ``notebooks/02-autorec.ipynb`` into the git-ignored ``output/``.
"""
import argparse
import base64
import re
import sys
import time
from pathlib import Path

__all__ = ['execute_notebook', 'main']

KERNEL_NAME = 'd2l-autorec'
PLOT_TAG = 'training-curves'
RMSE_LINE = re.compile(r'^Final test RMSE: .*$', re.MULTILINE)


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
    """
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    path, output_dir = Path(path), Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                   resources={'metadata': {'path': str(path.parent)}}).execute()
    written = {'notebook': output_dir / path.name,
               'html': output_dir / f'{path.stem}.html'}
    _write_atomically(written['notebook'], nbformat.writes(nb).encode())
    html, _ = HTMLExporter().from_notebook_node(nb)
    _write_atomically(written['html'], html.encode())
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
    written = execute_notebook(args.notebook, args.output_dir, args.kernel)
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
