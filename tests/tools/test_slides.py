"""Slide decks: every notebook has slide metadata and converts into a multi-slide deck."""
import json
from pathlib import Path

import pytest

from tools.slides import SLIDE_TYPES, SlidesError, build_slides

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / 'notebooks').glob('*.ipynb'))


def test_there_are_notebooks():
    assert NOTEBOOKS, 'expected notebooks in notebooks/'


@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_has_slide_metadata(notebook):
    cells = json.loads(notebook.read_text())['cells']
    missing = [i for i, cell in enumerate(cells)
               if cell.get('metadata', {}).get('slideshow', {}).get('slide_type')
               not in SLIDE_TYPES]
    assert not missing, (f'{notebook.name}: cells {missing} lack '
                         f'metadata.slideshow.slide_type (one of {SLIDE_TYPES})')
    assert cells[0]['metadata']['slideshow']['slide_type'] == 'slide'
    new_slides = sum(c['metadata']['slideshow']['slide_type'] in ('slide', 'subslide')
                     for c in cells)
    assert new_slides >= 3, f'{notebook.name}: only {new_slides} slides or subslides'


@pytest.mark.parametrize('notebook', NOTEBOOKS, ids=lambda p: p.name)
def test_deck_builds_with_several_slides(notebook, tmp_path):
    cells = json.loads(notebook.read_text())['cells']
    expected = sum(c.get('metadata', {}).get('slideshow', {}).get('slide_type')
                   in ('slide', 'subslide') for c in cells)
    [deck] = build_slides([notebook], tmp_path)
    assert deck == tmp_path / f'{notebook.stem}.slides.html'
    html = deck.read_text()
    sections = html.count('<section')
    # nbconvert wraps each slide in a <section> holding its subslides' <section>s.
    assert sections >= max(expected, 3), f'{deck.name}: {sections} <section> elements'
    assert 'reveal' in html


def test_missing_notebook_is_reported(tmp_path):
    with pytest.raises(SlidesError, match='not found'):
        build_slides([tmp_path / 'nope.ipynb'], tmp_path)


def test_command_line_writes_decks(tmp_path, capsys):
    from tools.slides import main
    notebook = tmp_path / 'tiny.ipynb'
    notebook.write_text(json.dumps({
        'nbformat': 4, 'nbformat_minor': 5, 'metadata': {},
        'cells': [{'cell_type': 'markdown', 'id': f'c{i}', 'source': f'# Slide {i}',
                   'metadata': {'slideshow': {'slide_type': 'slide'}}} for i in range(4)]}))
    assert main([str(notebook), '--output-dir', str(tmp_path / 'out')]) == 0
    deck = tmp_path / 'out' / 'tiny.slides.html'
    assert capsys.readouterr().out.strip() == str(deck)
    assert deck.read_text().count('<section') >= 4


def test_walkthrough_deck_follows_the_lessons_order():
    """The model, set-up, encoder/decoder, evaluator with masking, training, recap."""
    walkthrough = NOTEBOOKS[0].parent / '02-autorec.ipynb'
    cells = json.loads(walkthrough.read_text())['cells']
    titles = [''.join(cell['source']).splitlines()[0].lstrip('# ').strip() for cell in cells
              if cell['cell_type'] == 'markdown'
              and cell['metadata'].get('slideshow', {}).get('slide_type') == 'slide']
    lesson = ['The model', 'Setup', 'Implementing the model', 'Evaluation with masking',
              'Training and evaluating the model', 'Summary']
    positions = [titles.index(title) for title in lesson]
    assert positions == sorted(positions), titles
