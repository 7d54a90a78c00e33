"""The headless runner behind `tasks.py walkthrough`, on a tiny notebook built in code."""
import base64
import io

import nbformat
from matplotlib.figure import Figure

from tools.run_notebook import execute_notebook, main


def tiny_notebook(path, rmse_line=True):
    fig = Figure(figsize=(1, 1))
    fig.subplots().plot([0, 1])
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png')
    png = base64.b64encode(buffer.getvalue()).decode()
    cells = [nbformat.v4.new_code_cell(
        'from IPython.display import Image, display\nimport base64\n'
        f'display(Image(data=base64.b64decode("{png}"), format="png"))',
        metadata={'tags': ['training-curves']})]
    if rmse_line:
        cells.append(nbformat.v4.new_code_cell("print(f'Final test RMSE: {0.9012:.3f}')"))
    nb = nbformat.v4.new_notebook(cells=cells)
    nbformat.write(nb, path)
    return path.read_bytes()


def test_runner_writes_notebook_html_plot_and_finds_the_rmse(tmp_path, capsys):
    source = tmp_path / 'nb.ipynb'
    before = tiny_notebook(source)
    assert main([str(source), str(tmp_path / 'out'), '--kernel', 'python3']) == 0
    out = tmp_path / 'out'
    assert (out / 'nb.ipynb').is_file() and (out / 'nb.html').stat().st_size > 1000
    assert (out / 'nb-curves.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert 'Final test RMSE: 0.901' in capsys.readouterr().out
    assert source.read_bytes() == before, 'the source notebook must not be modified'
    assert not list(out.glob('.*.tmp'))


def test_runner_fails_when_the_notebook_prints_no_rmse(tmp_path):
    source = tmp_path / 'nb.ipynb'
    tiny_notebook(source, rmse_line=False)
    written = execute_notebook(source, tmp_path / 'out', kernel_name='python3')
    assert written['rmse_line'] is None and written['plot'] is not None
    assert main([str(source), str(tmp_path / 'out'), '--kernel', 'python3']) == 1


def test_a_failing_cell_prints_the_package_message_plainly_and_exits_1(tmp_path, capsys):
    """Offline with no data: the DataNotFoundError text, no coloured nbclient traceback."""
    source = tmp_path / 'nb.ipynb'
    message = ('MovieLens-100K not found. Looked in: /nowhere/ml-100k. Download failed: '
               'no network. Provide it: export D2L_DATA_DIR=/path/to/folder/holding/ml-100k')
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print('before')"),
        nbformat.v4.new_code_cell('from d2l_ext.errors import DataNotFoundError\n'
                                  f'raise DataNotFoundError({message!r})')])
    nbformat.write(nb, source)
    assert main([str(source), str(tmp_path / 'out'), '--kernel', 'python3']) == 1
    captured = capsys.readouterr()
    assert f'DataNotFoundError: {message}' in captured.err
    assert 'the cell at index 1 failed' in captured.err
    assert '\x1b[' not in captured.err + captured.out, 'ANSI colour codes leaked'
    assert 'Traceback' not in captured.err and 'CellExecutionError' not in captured.err
    assert not (tmp_path / 'out' / 'nb.html').exists()


def test_ansi_codes_are_stripped():
    from tools.run_notebook import strip_ansi
    assert strip_ansi('\x1b[0;31mDataNotFoundError\x1b[0m: no \x1b[1mdata\x1b[0m') == \
        'DataNotFoundError: no data'


def test_html_export_loads_its_scripts_from_the_local_vendor_folder(tmp_path):
    import re
    source = tmp_path / 'nb.ipynb'
    tiny_notebook(source)
    written = execute_notebook(source, tmp_path / 'out', kernel_name='python3')
    html = written['html'].read_text()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith('vendor/') for s in sources), sources
    assert 'cdnjs' not in html and 'unpkg' not in html
    assert (tmp_path / 'out' / 'vendor' / 'mathjax' / 'MathJax.js').is_file()
    assert (tmp_path / 'out' / 'vendor' / 'require.js').is_file()
