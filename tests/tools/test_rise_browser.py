"""Live presenting with RISE (jupyterlab-rise) works with no network.

A real `jupyter lab` on 127.0.0.1 and headless Chromium with every request that would
leave the machine refused: the RISE view shows the notebook's slides and renders its math,
and nothing tried to leave the machine. Needs Debian's Chromium (fails, never skips,
without it: apt-get install chromium).
"""
import nbformat

from tools.rise import present


def test_rise_slideshow_offline(tmp_path):
    md = nbformat.v4.new_markdown_cell
    cells = [md('# RISE offline\n\nThe loss $\\sum_{(i,u) \\in O} (R_{iu} - h(r_i)_u)^2$.'),
             md('## Second slide\n\n$$h(r) = f(W g(V r + \\mu) + b)$$'),
             nbformat.v4.new_code_cell('print(1 + 1)'),
             md('## Third slide')]
    for cell, kind in zip(cells, ['slide', 'slide', '-', 'slide']):
        cell.metadata['slideshow'] = {'slide_type': kind}
    notebook = tmp_path / 'tiny.ipynb'
    nbformat.write(nbformat.v4.new_notebook(cells=cells), notebook)
    shot = tmp_path / 'rise.png'
    result = present(notebook, screenshot=shot, slide=1, root_dir=tmp_path)
    assert result['sections'] >= 3, result
    assert result['math'] > 0, 'MathJax rendered nothing in the RISE view'
    assert any('/rise/' in url for url in result['requests'])
    assert not result['external'], f'requests leaving the machine: {result["external"]}'
    assert shot.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
