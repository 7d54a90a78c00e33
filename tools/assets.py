"""Local copies of the browser assets nbconvert would load from CDNs, for offline decks.

nbconvert's slide decks load reveal.js from unpkg and require.js, jQuery and MathJax 2.7.7
from cdnjs; its HTML export loads require.js and MathJax from cdnjs. Offline, a deck is then
one unstyled page with raw LaTeX. This module

1. fetches the npm packages pinned in ``environment.yml`` (comment lines
   ``#   npm: NAME@VERSION sha512-...``; the one place versions are pinned) with
   ``npm pack`` into a git-ignored cache, ``output/vendor-cache/``, and checks each tarball
   against its pinned npm integrity (SHA-512) before unpacking it;
2. copies only the files a page needs next to the page (``<page dir>/vendor/...``), so a
   folder of decks is self-contained and works from disk (``file://``) or from any server;
3. tells nbconvert to use them (:func:`nbconvert_config`, :func:`nbconvert_args`) and where
   its offline templates live (``tools/templates/reveal-offline`` and ``lab-offline``, which
   drop the templates' import of mermaid.js from cdnjs; the notebooks have no diagrams).

Command line (``python -m tools.assets [DIR]``): fetch and verify the cache, and with
``DIR`` copy the assets into ``DIR/vendor``. ``tasks.py slides`` and ``walkthrough`` call
it through ``tools/slides.py`` and ``tools/run_notebook.py``; the tests do too.
"""
import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

__all__ = ['AssetsError', 'npm_pins', 'fetch_assets', 'deploy_assets', 'nbconvert_config',
           'nbconvert_args', 'TEMPLATE_DIR', 'REVEAL_TEMPLATE', 'main']

ROOT = Path(__file__).resolve().parents[1]
ENV_FILE = ROOT / 'environment.yml'
CACHE_DIR = ROOT / 'output' / 'vendor-cache'
TEMPLATE_DIR = Path(__file__).resolve().parent / 'templates'
REVEAL_TEMPLATE = 'reveal-offline'
HTML_TEMPLATE = 'lab-offline'
VENDOR = 'vendor'
PIN_LINE = re.compile(r'^#\s*npm:\s*(?P<name>[@\w./-]+)@(?P<version>[\w.+-]+)\s+'
                      r'(?P<integrity>sha512-[A-Za-z0-9+/=]+)\s*$')
#: Which files of each package a page needs: (source path in the package, target path
#: under ``vendor/``). Directories are copied whole.
FILES = {
    'reveal.js': [('dist/reveal.js', 'reveal.js/dist/reveal.js'),
                  ('dist/reveal.css', 'reveal.js/dist/reveal.css'),
                  ('dist/theme', 'reveal.js/dist/theme'),
                  ('plugin/notes', 'reveal.js/plugin/notes')],
    'mathjax': [('MathJax.js', 'mathjax/MathJax.js'),
                ('config/TeX-AMS_CHTML-full.js', 'mathjax/config/TeX-AMS_CHTML-full.js'),
                ('config/Safe.js', 'mathjax/config/Safe.js'),
                ('extensions', 'mathjax/extensions'),
                ('jax/input/TeX', 'mathjax/jax/input/TeX'),
                ('jax/output/CommonHTML', 'mathjax/jax/output/CommonHTML'),
                ('jax/element', 'mathjax/jax/element'),
                ('fonts/HTML-CSS/TeX/woff', 'mathjax/fonts/HTML-CSS/TeX/woff'),
                ('localization/en', 'mathjax/localization/en')],
    'requirejs': [('require.js', 'require.js')],
    'jquery': [('dist/jquery.min.js', 'jquery.min.js')],
}
#: Remote style sheets some reveal.js themes import (Google Fonts); removed from the copies,
#: so the theme falls back to its local fonts.
REMOTE_IMPORT = re.compile(r'^@import url\((?:https?:)?//[^)]*\);\s*$', re.MULTILINE)


class AssetsError(RuntimeError):
    """The assets could not be fetched, verified or copied; the message says what to do."""


def npm_pins(env_file=ENV_FILE):
    """Read the npm pins of ``environment.yml``.

    Returns
    -------
    dict
        ``{name: (version, integrity)}`` for every ``#   npm: NAME@VERSION sha512-...`` line.
    """
    pins = {}
    for line in Path(env_file).read_text().splitlines():
        match = PIN_LINE.match(line.strip())
        if match:
            pins[match['name']] = (match['version'], match['integrity'])
    missing = sorted(set(FILES) - set(pins))
    if missing:
        raise AssetsError(f'{env_file}: expected npm pins (lines "#   npm: NAME@VERSION '
                          f'sha512-...") for {missing}; found pins for {sorted(pins)}.')
    return pins


def integrity_of(path):
    """npm's integrity string (``sha512-<base64>``) of a file."""
    digest = hashlib.sha512(Path(path).read_bytes()).digest()
    return 'sha512-' + base64.b64encode(digest).decode()


def fetch_assets(cache_dir=CACHE_DIR, env_file=ENV_FILE):
    """Fetch, verify and unpack every pinned npm package into ``cache_dir`` (once).

    Returns
    -------
    dict
        ``{name: Path of the unpacked package folder}``.

    Raises
    ------
    AssetsError
        If ``npm`` is missing or fails (e.g. offline with an empty cache), or a tarball's
        SHA-512 differs from its pin.
    """
    cache_dir = Path(cache_dir)
    folders = {}
    for name, (version, integrity) in npm_pins(env_file).items():
        folder = cache_dir / f'{name.replace("/", "+")}-{version}'
        stamp = folder / '.integrity'
        if not (stamp.is_file() and stamp.read_text() == integrity):
            _fetch_one(name, version, integrity, folder)
        folders[name] = folder / 'package'
    return folders


def _fetch_one(name, version, integrity, folder):
    npm = shutil.which('npm')
    if npm is None:
        raise AssetsError(f'npm is needed once to fetch {name}@{version} for offline decks '
                          f'and was not found on the PATH. Install Node.js and npm (Debian: '
                          f'apt-get install nodejs npm), then run again.')
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        result = subprocess.run([npm, 'pack', f'{name}@{version}', '--json', '--silent',
                                 '--pack-destination', tmp], capture_output=True, text=True)
        tarballs = list(Path(tmp).glob('*.tgz'))
        if result.returncode != 0 or len(tarballs) != 1:
            raise AssetsError(f'npm pack {name}@{version} failed (exit code '
                              f'{result.returncode}); it needs the npm registry once, then '
                              f'the copy in {folder.parent} is reused. npm said:\n'
                              f'{result.stderr.strip()[-2000:]}')
        found = integrity_of(tarballs[0])
        if found != integrity:
            raise AssetsError(f'{name}@{version}: the tarball from npm has integrity {found}, '
                              f'but environment.yml pins {integrity}. Nothing was unpacked; '
                              f'check the pin (npm view {name}@{version} dist.integrity).')
        unpacked = Path(tmp) / 'unpacked'
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(unpacked, filter='data')
        (unpacked / '.integrity').write_text(integrity)
        stamp = folder / '.integrity'
        if folder.exists() and not (stamp.is_file() and stamp.read_text() == integrity):
            shutil.rmtree(folder)
        try:
            unpacked.rename(folder)
        except OSError:  # another process unpacked the same verified package meanwhile
            if not (stamp.is_file() and stamp.read_text() == integrity):
                raise


def deploy_assets(target_dir, packages=None, cache_dir=CACHE_DIR, env_file=ENV_FILE):
    """Copy the files pages need into ``target_dir/vendor`` (fetching them first if needed).

    ``packages`` limits the copy to some npm packages (default: all; an HTML page without
    slides needs no ``reveal.js``).

    Returns
    -------
    pathlib.Path
        ``target_dir/vendor``.
    """
    folders = fetch_assets(cache_dir, env_file)
    vendor = Path(target_dir) / VENDOR
    for name, files in FILES.items():
        if packages is not None and name not in packages:
            continue
        for source, target in files:
            src, dst = folders[name] / source, vendor / target
            if not src.exists():
                raise AssetsError(f'{name}: expected {source} in the npm package '
                                  f'({folders[name]}); it is missing. Is the pin right?')
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)
    for css in (vendor / 'reveal.js' / 'dist' / 'theme').glob('*.css'):
        text = css.read_text()
        local = REMOTE_IMPORT.sub('', text)
        if local != text:
            css.write_text(local)
    return vendor


def nbconvert_config(prefix=VENDOR, slides=True):
    """nbconvert settings that point a page at the copies under ``prefix`` (a relative URL).

    Parameters
    ----------
    prefix : str
        URL of the ``vendor`` folder relative to the page, e.g. ``'vendor'`` for a page
        next to it.
    slides : bool
        Add the reveal.js settings and the offline reveal template.

    Returns
    -------
    dict
        ``{'Class': {'trait': value}}``, usable as a traitlets ``Config``.
    """
    html = {'require_js_url': f'{prefix}/require.js',
            'jquery_url': f'{prefix}/jquery.min.js',
            'mathjax_url': f'{prefix}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe',
            'jupyter_widgets_base_url': f'{prefix}/widgets/'}
    config = {'HTMLExporter': dict(html, template_name=HTML_TEMPLATE,
                                   extra_template_basedirs=[str(TEMPLATE_DIR)])}
    if slides:
        config['SlidesExporter'] = dict(html, reveal_url_prefix=f'{prefix}/reveal.js',
                                        reveal_theme='simple',
                                        template_name=REVEAL_TEMPLATE,
                                        extra_template_basedirs=[str(TEMPLATE_DIR)])
    return config


def nbconvert_args(prefix=VENDOR, slides=True):
    """The same settings as :func:`nbconvert_config`, as ``jupyter nbconvert`` options."""
    args = []
    for cls, traits in nbconvert_config(prefix, slides).items():
        for trait, value in traits.items():
            shown = json.dumps(value) if isinstance(value, list) else value
            args.append(f'--{cls}.{trait}={shown}')
    return args


def main(argv=None):
    """Command line: ``python -m tools.assets [DIR]``."""
    parser = argparse.ArgumentParser(prog='python -m tools.assets', description=__doc__
                                     .splitlines()[0])
    parser.add_argument('dir', nargs='?', help='copy the assets into DIR/vendor')
    args = parser.parse_args(argv)
    try:
        for name, folder in fetch_assets().items():
            print(f'{name:10s} {folder}')
        if args.dir:
            print(deploy_assets(args.dir))
    except AssetsError as error:
        print(f'error: {error}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
