"""The decks and the walkthrough's HTML in a real headless browser (Debian's Chromium).

Nothing may load from outside the machine: the browser refuses such requests and the tests
assert that none was even attempted. Each deck shows its slides, can be navigated, renders
its math with MathJax and shows no raw TeX, no notebook holds a control character, and no
slide's content is taller or wider than the 1280x720 slide or cut off by a box that clips.
Planted notebooks, built in code, prove that each of these checks fails when it should.

These tests need ``/usr/bin/chromium`` (``apt-get install chromium``;
``.ci/run`` installs it). Without it they fail with that instruction; they never skip.
"""
import json
import re
from pathlib import Path

import nbformat
import pytest

from tools.browser import Browser, is_local_url
from tools.decks import (
    MATH_DONE,
    MATH_SELECTOR,
    READY,
    check_notebooks,
    format_report,
    inspect_deck,
)
from tools.run_notebook import export_html
from tools.slides import build_slides

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / 'notebooks').glob('*.ipynb'))
MATH = re.compile(r'\$[^$\n]+\$')


def slide_cells(notebook):
    cells = json.loads(Path(notebook).read_text())['cells']
    return [c for c in cells
            if c.get('metadata', {}).get('slideshow', {}).get('slide_type')
            not in ('skip', 'notes')]


@pytest.fixture(scope='session')
def reports(tmp_path_factory):
    """Every notebook's deck, built once and inspected in one browser session."""
    out = tmp_path_factory.mktemp('decks')
    found = check_notebooks(NOTEBOOKS, out, screenshot_dir=out / 'overflowing')
    print(format_report(found))
    return {r.deck.name.split('.')[0]: r for r in found}


@pytest.fixture(scope='module')
def browser():
    with Browser() as b:
        yield b


def test_urls_that_stay_on_the_machine():
    assert is_local_url('file:///tmp/x.html') and is_local_url('http://localhost:8888/lab')
    assert is_local_url('http://127.0.0.1:1/x') and is_local_url('data:text/plain,x')
    assert not is_local_url('https://unpkg.com/reveal.js@4.0.2/dist/reveal.js')
    assert not is_local_url('http://93.184.216.34/') and not is_local_url('wss://x.org/')


@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=lambda p: p.stem)
def test_deck_shows_its_slides_offline_with_math(notebook, reports):
    report = reports[notebook.stem]
    cells = json.loads(notebook.read_text())['cells']
    expected = sum(c['metadata'].get('slideshow', {}).get('slide_type') in ('slide', 'subslide')
                   for c in cells)
    assert report.total_slides == expected == len(report.slides), (
        f'{notebook.name}: reveal.js counts {report.total_slides} slides, the notebook has '
        f'{expected} slide/subslide cells, {len(report.slides)} were visited')
    assert not report.external_requests, (
        f'{notebook.name}: requests that would leave the machine: {report.external_requests}')
    assert not report.failed_local_loads, f'missing local files: {report.failed_local_loads}'
    assert any(url.endswith('/vendor/reveal.js/dist/reveal.js') for url in report.requests)
    has_math = any(MATH.search(''.join(c['source'])) for c in slide_cells(notebook)
                   if c['cell_type'] == 'markdown')
    if has_math:
        assert report.math_elements > 0, f'{notebook.name}: math was not rendered by MathJax'
    unrendered = [(s.number, s.title, text) for s, text in report.raw_tex]
    assert not unrendered, f'{notebook.name}: slides showing raw TeX: {unrendered}'
    assert report.math_errors == 0
    assert not report.control_characters, (
        f'{notebook.name}: control characters: '
        + '; '.join(str(c) for c in report.control_characters))


@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=lambda p: p.stem)
def test_no_slide_overflows(notebook, reports):
    """Every slide's content fits the 1280x720 slide (fragments all shown)."""
    report = reports[notebook.stem]
    assert not report.overflowing, 'slides taller or wider than the slide:\n' + \
        format_report([report])


def test_navigating_to_slide_n(reports, browser):
    report = reports['02-autorec']
    inspect_deck(browser, report.deck)
    last = report.slides[-1]
    browser.evaluate(f'Reveal.slide({last.h}, {last.v})')
    browser.pump(0.2)
    assert browser.evaluate('[Reveal.getIndices().h, Reveal.getIndices().v]') == \
        [last.h, last.v]
    assert browser.evaluate('location.hash') in (f'#/{last.h}/{last.v}', f'#/{last.h}')
    shown = browser.evaluate('Reveal.getCurrentSlide().innerText')
    assert last.title[:20] in shown
    # A deck opened at a slide's address starts there.
    browser.open(report.deck.as_uri() + '#/2', ready=READY)
    assert browser.evaluate('Reveal.getIndices().h') == 2


def write_deck(path, cells):
    """Write ``cells`` to ``path`` as a notebook in which every cell starts a slide."""
    for cell in cells:
        cell.metadata['slideshow'] = {'slide_type': 'slide'}
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def tiny_deck_notebook(path):
    md = nbformat.v4.new_markdown_cell
    cells = [md('# Title\n\nThe loss $\\sum_{(i,u) \\in O} (R_{iu} - h(r_i)_u)^2$.'),
             md('## Fits\n\nShort.'),
             md('## Too long\n\n' + '\n\n'.join(f'Line {i}.' for i in range(40)))]
    return write_deck(path, cells)


def test_the_checker_flags_an_overflowing_slide_and_sees_math(tmp_path):
    notebook = tiny_deck_notebook(tmp_path / 'tiny.ipynb')
    [report] = check_notebooks([notebook], tmp_path / 'decks', tmp_path / 'shots')
    assert report.total_slides == 3 and report.math_elements > 0
    assert report.slides[0].formulas == 1 and report.slides[0].rendered_math >= 1
    assert [s.number for s in report.overflowing] == [3]
    assert report.overflowing[0].excess > 500 and report.overflowing[0].title == 'Too long'
    assert [p.name for p in report.screenshots] == ['tiny-03.png']
    assert not report.external_requests and not report.ok
    table = format_report([report])
    assert 'Too long' in table and 'tiny' in table


def test_speaker_notes_and_speaker_view(tmp_path, browser):
    md = nbformat.v4.new_markdown_cell
    cells = [md('# A'), md('**Say:** hello. **Ask the class:** why? (because)'), md('## B')]
    for cell, kind in zip(cells, ['slide', 'notes', 'slide']):
        cell.metadata['slideshow'] = {'slide_type': kind}
    nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / 'notes.ipynb')
    [deck] = build_slides([tmp_path / 'notes.ipynb'], tmp_path / 'decks')
    browser.requests.clear()
    browser.open(deck.as_uri(), ready=READY)
    assert 'Ask the class' in browser.evaluate('Reveal.getSlideNotes()')
    pages = len(browser.pages())
    browser.press('s')  # reveal.js's speaker view, from the local notes plugin
    browser.pump(2)
    assert len(browser.pages()) == pages + 1, 'the speaker view did not open'
    assert not browser.external_requests() and not browser.failed_local_loads()


def test_the_browser_records_and_refuses_requests_leaving_the_machine(tmp_path, browser):
    page = tmp_path / 'leaky.html'
    page.write_text('<html><body><img src="https://example.com/a.png">'
                    '<script src="http://93.184.216.34/b.js"></script></body></html>')
    browser.requests.clear()
    browser.open(page.as_uri())
    browser.pump(0.5)
    assert set(browser.external_requests()) == {'https://example.com/a.png',
                                                'http://93.184.216.34/b.js'}
    assert browser.evaluate('document.images[0].naturalWidth') == 0  # not loaded


def test_walkthrough_html_loads_offline_with_math(tmp_path, browser):
    """The HTML export `tasks.py walkthrough` writes (here from the stored notebook)."""
    nb = nbformat.read(ROOT / 'notebooks' / '02-autorec.ipynb', as_version=4)
    page = export_html(nb, tmp_path / '02-autorec.html')
    browser.requests.clear()
    browser.failed.clear()
    browser.open(page.as_uri(), ready='window.MathJax && MathJax.Hub && MathJax.isReady')
    browser.evaluate(MATH_DONE, await_promise=True)
    browser.pump(0.3)
    assert browser.evaluate(f"document.querySelectorAll('{MATH_SELECTOR}').length") > 0
    assert browser.evaluate('document.querySelectorAll(".MathJax_Error").length') == 0
    assert not browser.external_requests(), browser.external_requests()
    assert not browser.failed_local_loads(), browser.failed_local_loads()
    assert any(url.endswith('vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe')
               for url in browser.requests)


def test_a_deck_folder_is_self_contained(tmp_path):
    notebook = tiny_deck_notebook(tmp_path / 'tiny.ipynb')
    [deck] = build_slides([notebook], tmp_path / 'decks')
    html = deck.read_text()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    sources += re.findall(r'"(vendor/[^"]+)"', html)
    assert sources and all(s.startswith('vendor/') for s in sources), sources
    for source in sources:
        assert (deck.parent / source.split('?')[0]).is_file(), source
    assert 'unpkg.com' not in html and 'cdnjs' not in html


def planted_notebook(path):
    """Slides each holding one defect the deck check must see, and look-alikes it must not
    flag: TeX typed without its dollars, an unclosed ``$``, a table wider than the slide
    in an output area that scrolls, a code line longer than the slide."""
    md, code, out = (nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell,
                     nbformat.v4.new_output)
    columns = [f'column_{k}' for k in range(24)]
    wide = ('<table><tr>' + ''.join(f'<th>{c}</th>' for c in columns) + '</tr><tr>'
            + ''.join(f'<td>{k}.0</td>' for k in range(24)) + '</tr></table>')
    narrow = '<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>'
    cells = [
        md('# Clean\n\nThe loss $\\sum_{(i,u) \\in O} (R_{iu} - h(r_i)_u)^2$, code '
           '`r"$\\frac{1}{2}$"` and a price of 5 dollars.'),
        code('label = r"$\\frac{1}{2}$"  # TeX inside code is code', outputs=[
            out('execute_result', data={'text/html': narrow, 'text/plain': 'narrow'},
                execution_count=1)]),
        md('## Forgot the dollars\n\nThe loss \\sum_{i} r_i^2 over observed entries.'),
        md('## Unclosed\n\nThe mean $\\mu_i of item i.'),
        code('results', outputs=[out('execute_result', execution_count=2,
                                     data={'text/html': wide, 'text/plain': 'wide'})]),
        code('x = [' + ', '.join(f'"rating_{k}"' for k in range(30)) + ']'),
    ]
    return write_deck(path, cells)


def test_the_checker_flags_raw_tex_and_content_cut_off_at_the_side(tmp_path):
    notebook = planted_notebook(tmp_path / 'planted.ipynb')
    [report] = check_notebooks([notebook], tmp_path / 'decks', tmp_path / 'shots')
    print(format_report([report]))
    assert report.total_slides == 6 and report.math_errors == 0
    tex = {s.number: s.unrendered_tex for s in report.slides if s.unrendered_tex}
    assert set(tex) == {3, 4}, tex
    assert '\\sum_{i}' in tex[3][0] and '$\\mu_i' in tex[4][0]
    cut = {s.number: s for s in report.overflowing}
    assert set(cut) == {5, 6}, format_report([report])
    assert cut[5].excess_width > 200 and cut[5].excess == 0 and 'column_' in cut[5].cut_at
    assert cut[6].excess_width > 100 and 'rating_' in cut[6].cut_at
    assert not report.ok and not report.control_characters
    assert sorted(p.name for p in report.screenshots) == [
        f'planted-0{k}.png' for k in (3, 4, 5, 6)]


def test_the_checker_reports_control_characters_of_the_notebook(tmp_path):
    md = nbformat.v4.new_markdown_cell('# Mean\n\nThe mean $\x08oldsymbol{\\mu}$.')
    md.metadata['slideshow'] = {'slide_type': 'slide'}
    nbformat.write(nbformat.v4.new_notebook(cells=[md]), tmp_path / 'bs.ipynb')
    [report] = check_notebooks([tmp_path / 'bs.ipynb'], tmp_path / 'decks')
    assert report.math_errors == 0 and not report.raw_tex  # MathJax draws "oldsymbolμ"
    assert [c.char for c in report.control_characters] == ['\x08'] and not report.ok
    assert "control character: cell 0 (source): '\\x08'" in format_report([report])
