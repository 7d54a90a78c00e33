"""Slide decks of the notebooks, built with ``jupyter nbconvert --to slides``.

Every notebook cell carries ``metadata.slideshow.slide_type``, one of ``'slide'`` (a new
slide), ``'subslide'`` (a slide below the current one), ``'fragment'`` (revealed on the
current slide), ``'notes'`` (speaker notes) or ``'skip'`` (left out). nbconvert turns each
notebook into one reveal.js HTML file; this module runs it for many notebooks at once::

    python tools/slides.py                      # every notebooks/*.ipynb -> output/slides/
    python tools/slides.py notebooks/01-data.ipynb --output-dir /tmp/decks

The notebooks' stored outputs are used as they are (nothing is executed), and reveal.js
is loaded from a CDN when the deck is opened in a browser.
"""
import argparse
import subprocess
import sys
from pathlib import Path


__all__ = ['SLIDE_TYPES', 'SlidesError', 'build_slides', 'main']

SLIDE_TYPES = ('slide', 'subslide', 'fragment', 'skip', 'notes', '-')
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_NOTEBOOKS = ROOT / 'notebooks'
DEFAULT_OUTPUT = ROOT / 'output' / 'slides'


class SlidesError(RuntimeError):
    """A deck could not be built; the message says which notebook and why."""


def build_slides(notebooks=None, output_dir=DEFAULT_OUTPUT):
    """Convert notebooks into reveal.js slide decks.

    Parameters
    ----------
    notebooks : iterable of str or os.PathLike, optional
        Notebook files; defaults to every ``notebooks/*.ipynb`` of the repository,
        in name order.
    output_dir : str or os.PathLike, default ``output/slides``
        Created if missing (``output/`` is git-ignored).

    Returns
    -------
    list of pathlib.Path
        The written decks, ``<output_dir>/<notebook stem>.slides.html``, in input order.

    Raises
    ------
    SlidesError
        If a notebook does not exist or nbconvert fails (its error output is included).
    """
    notebooks = ([Path(p) for p in notebooks] if notebooks is not None
                 else sorted(DEFAULT_NOTEBOOKS.glob('*.ipynb')))
    if not notebooks:
        raise SlidesError(f'No notebooks to convert: expected .ipynb files in '
                          f'{DEFAULT_NOTEBOOKS}, or pass their paths.')
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in notebooks:
        if not notebook.is_file():
            raise SlidesError(f'Notebook {notebook} not found: pass the path of an '
                              f'existing .ipynb file.')
        cmd = [sys.executable, '-m', 'nbconvert', '--to', 'slides', '--log-level=WARN',
               '--output-dir', str(output_dir), str(notebook)]
        result = subprocess.run(cmd, capture_output=True, text=True)
        target = output_dir / f'{notebook.stem}.slides.html'
        if result.returncode != 0 or not target.is_file():
            raise SlidesError(f'nbconvert could not build the slides of {notebook} '
                              f'(exit code {result.returncode}); expected {target}. '
                              f'Its output:\n{result.stderr.strip()}')
        written.append(target)
    return written


def main(argv=None):
    """Command line: ``python tools/slides.py [NOTEBOOK ...] [--output-dir DIR]``."""
    parser = argparse.ArgumentParser(prog='python tools/slides.py',
                                     description='Build reveal.js slide decks of notebooks.')
    parser.add_argument('notebooks', nargs='*', help='default: every notebooks/*.ipynb')
    parser.add_argument('--output-dir', default=str(DEFAULT_OUTPUT),
                        help='default: output/slides')
    args = parser.parse_args(argv)
    for path in build_slides(args.notebooks or None, args.output_dir):
        print(path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
