"""The deck check's parts that need no browser: control characters and the overflow rule."""
import nbformat
import pytest

from tools.decks import TOLERANCE, DeckReport, SlideInfo, find_control_characters, format_report


def notebook_with(tmp_path, *cells):
    path = tmp_path / 'planted.ipynb'
    nbformat.write(nbformat.v4.new_notebook(cells=list(cells)), path)
    return path


def test_a_backspace_in_math_is_found(tmp_path):
    """``"$\\boldsymbol{\\mu}$"`` typed without ``r`` in Python: MathJax draws ``oldsymbolμ``."""
    md = nbformat.v4.new_markdown_cell
    path = notebook_with(tmp_path, md('# Clean\n\n$\\boldsymbol{\\mu}$\ttab ok'),
                         md('The mean $\boldsymbol{\\mu}$ of the ratings.'))  # \b: backspace
    [found] = find_control_characters(path)
    assert (found.cell, found.where, found.char) == (1, 'source', '\x08')
    assert 'oldsymbol' in found.context and 'cell 1 (source)' in str(found)


@pytest.mark.parametrize('char', ['\x00', '\x07', '\x0b', '\x1b', '\x7f', '\x85'])
def test_control_characters_in_any_cell_source_are_found(tmp_path, char):
    path = notebook_with(tmp_path, nbformat.v4.new_code_cell('x = 1'),
                         nbformat.v4.new_raw_cell(f'a{char}b'))
    assert [(c.cell, c.char) for c in find_control_characters(path)] == [(1, char)]


def test_outputs_are_searched_but_ansi_colours_are_allowed(tmp_path):
    out = nbformat.v4.new_output
    cell = nbformat.v4.new_code_cell('print(1)', outputs=[
        out('stream', name='stdout', text='epoch 1\r\x1b[31mred\x1b[0m\n'),
        out('execute_result', data={'text/plain': 'fine', 'text/html': '<b>\x0c</b>'},
            execution_count=1)])
    found = find_control_characters(notebook_with(tmp_path, cell))
    assert [(c.where, c.char) for c in found] == [('text/html', '\x0c')]


def test_clean_notebook_has_none(tmp_path):
    path = notebook_with(tmp_path, nbformat.v4.new_markdown_cell('# A\n\n$x_i$\r\n'))
    assert find_control_characters(path) == []


def slide(**kw):
    return SlideInfo(h=0, v=0, number=1, title='t', height=kw.pop('height', 500),
                     width=kw.pop('width', 1280), **kw)


def test_content_cut_off_by_a_box_counts_as_overflow():
    assert not slide().overflows
    assert not slide(cut_width=TOLERANCE, cut_height=TOLERANCE).overflows  # rounding
    wide = slide(cut_width=369, cut_at='wall_seconds')
    assert wide.overflows and wide.excess_width == 369 and wide.excess == 0
    assert slide(cut_height=40).excess == 40
    assert slide(height=800).excess == 80 and slide(width=1300).excess_width == 20


def test_raw_tex_and_control_characters_fail_the_deck(tmp_path):
    def report(**kw):
        return DeckReport(tmp_path / 'x.slides.html', 1, kw.pop('slides', [slide()]), 0, 0,
                          [], [], [], **kw)
    assert report().ok
    raw = report(slides=[slide(raw_tex=['the loss \\sum_i'])])
    assert not raw.ok and raw.raw_tex[0][1] == 'the loss \\sum_i'
    unrendered = report(slides=[slide(formulas=3, rendered_math=1)])
    assert not unrendered.ok and unrendered.raw_tex[0][1] == '2 formula(s) not rendered'
    assert not report(control_characters=['x']).ok
    text = format_report([raw, report(slides=[slide(cut_width=50, cut_at='col_9')])])
    assert "raw TeX on slide 1 (t): 'the loss \\\\sum_i'" in text
    assert '[col_9]' in text
