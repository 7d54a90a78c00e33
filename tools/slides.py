"""Slide decks of the notebooks, built with ``jupyter nbconvert --to slides``.

Every notebook cell carries ``metadata.slideshow.slide_type``, one of ``'slide'`` (a new
slide), ``'subslide'`` (a slide below the current one), ``'fragment'`` (revealed on the
current slide), ``'notes'`` (speaker notes) or ``'skip'`` (left out). nbconvert turns each
notebook into one reveal.js HTML file; this module runs it for many notebooks at once::

    python -m tools.slides                      # every notebooks/*.ipynb -> output/slides/
    python -m tools.slides notebooks/01-data.ipynb --output-dir /tmp/decks

The notebooks' stored outputs are used as they are (nothing is executed). The decks work
with no network: reveal.js, require.js, jQuery and MathJax, which nbconvert would load from
CDNs, are copied from npm packages (fetched once and verified by ``tools/assets.py``) into
``<output dir>/vendor/``, and the decks point there by relative URLs. A folder of decks is
self-contained: open a deck from disk or serve the folder.
"""
import argparse
import sys
from pathlib import Path

from tools.assets import AssetsError, deploy_assets, nbconvert_config

__all__ = ['SLIDE_TYPES', 'SLIDE_WIDTH', 'SLIDE_HEIGHT', 'SlidesError', 'build_slides',
           'slides_exporter', 'main']

SLIDE_TYPES = ('slide', 'subslide', 'fragment', 'skip', 'notes', '-')
#: The slide size the decks are laid out for (reveal.js scales it to the window).
SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
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
        If a notebook does not exist, the offline assets cannot be provided, or nbconvert
        fails (its error output is included).
    """
    notebooks = ([Path(p) for p in notebooks] if notebooks is not None
                 else sorted(DEFAULT_NOTEBOOKS.glob('*.ipynb')))
    if not notebooks:
        raise SlidesError(f'No notebooks to convert: expected .ipynb files in '
                          f'{DEFAULT_NOTEBOOKS}, or pass their paths.')
    output_dir = Path(output_dir)
    for notebook in notebooks:
        if not notebook.is_file():
            raise SlidesError(f'Notebook {notebook} not found: pass the path of an '
                              f'existing .ipynb file.')
    output_dir.mkdir(parents=True, exist_ok=True)
    try:
        deploy_assets(output_dir)
    except AssetsError as error:
        raise SlidesError(f'The decks need local copies of reveal.js and MathJax: {error}') \
            from error
    exporter = slides_exporter('vendor')
    written = []
    for notebook in notebooks:
        target = output_dir / f'{notebook.stem}.slides.html'
        try:
            body, _ = exporter.from_filename(str(notebook))
        except Exception as error:  # nbformat/nbconvert raise many kinds
            raise SlidesError(f'nbconvert could not build the slides of {notebook}; '
                              f'expected {target}. It said: {type(error).__name__}: '
                              f'{error}') from error
        tmp = target.with_name(f'.{target.name}.tmp')
        tmp.write_text(body, encoding='utf-8')
        tmp.replace(target)
        written.append(target)
    return written


def slides_exporter(vendor_url='vendor'):
    """nbconvert's ``SlidesExporter`` set up for offline decks of 1280x720 slides.

    Parameters
    ----------
    vendor_url : str
        URL of the folder holding the local assets (see ``tools/assets.py``), relative to
        the deck.
    """
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config(nbconvert_config(vendor_url))
    config.SlidesExporter.reveal_width = str(SLIDE_WIDTH)
    config.SlidesExporter.reveal_height = str(SLIDE_HEIGHT)
    return SlidesExporter(config=config)


def main(argv=None):
    """Command line: ``python -m tools.slides [NOTEBOOK ...] [--output-dir DIR]``."""
    parser = argparse.ArgumentParser(prog='python -m tools.slides',
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
