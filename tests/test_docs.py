"""The front door: the README and the pages under ``docs/`` link to files that exist."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / 'README.md', *sorted((ROOT / 'docs').glob('*.md'))]
#: ``[text](target)`` and ``![alt](target)``, the target up to a space, ``#`` or ``)``.
LINK = re.compile(r'\]\(([^)\s#]+)[^)]*\)')


def local_links(page):
    """The relative link targets of a Markdown page (web addresses left out)."""
    return [t for t in LINK.findall(page.read_text(encoding='utf-8'))
            if not re.match(r'[a-z]+:', t)]


@pytest.mark.parametrize('page', PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(page):
    missing = [t for t in local_links(page) if not (page.parent / t).exists()]
    assert not missing, f'{page.name} links to files that do not exist: {missing}'


def test_readme_is_short_and_links_the_docs():
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    assert len(readme.splitlines()) < 200, 'the README is the front door: keep it under 200 lines'
    for page in ('platforms', 'classroom', 'performance', 'errors', 'development'):
        assert f'(docs/{page}.md)' in readme, f'the README does not link docs/{page}.md'


def test_link_finder_sees_a_broken_link(tmp_path):
    page = tmp_path / 'page.md'
    page.write_text('[a](docs/none.md) [b](https://example.org/x) ![c](pic.png "t")\n')
    assert local_links(page) == ['docs/none.md', 'pic.png']


def test_sections_the_readme_names_exist_in_their_notebooks():
    """The paths through the course name notebooks' sections: ``02's "The model"``."""
    import json
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    named = re.findall(r'\b(\d\d)\'s (?:sections )?((?:"[^"]+"(?:,| and|;|\s)*)+)', readme)
    pairs = [(nb, ' '.join(title.split())) for nb, titles in named
             for title in re.findall(r'"([^"]+)"', titles)]
    assert len(pairs) >= 10, pairs
    missing = []
    for number, title in pairs:
        [notebook] = (ROOT / 'notebooks').glob(f'{number}-*.ipynb')
        cells = json.loads(notebook.read_text(encoding='utf-8'))['cells']
        headings = {line[3:].strip() for c in cells if c['cell_type'] == 'markdown'
                    for line in ''.join(c['source']).splitlines() if line.startswith('## ')}
        if title not in headings:
            missing.append(f'{notebook.name}: "{title}"')
    assert not missing, f'the README names sections that do not exist: {missing}'
