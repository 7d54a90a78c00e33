"""Present a notebook live with RISE (``jupyterlab-rise``) and check it works offline.

``python -m tools.rise NOTEBOOK [--screenshot PNG] [--slide N]`` starts ``jupyter lab``
on 127.0.0.1 (a free port, a random token, no browser), opens the notebook's RISE view
(``/rise/<path>``) in headless Chromium with every request that would leave the machine
refused (``tools/browser.py``), waits for the reveal.js slides, optionally goes to slide
``N`` and saves a screenshot, and reports the requests that tried to leave the machine (it
exits 1 if there were any). The server is stopped at the end. ``docs/rise.png`` in the
README was made with::

    python -m tools.rise notebooks/02-autorec.ipynb --slide 2 --screenshot docs/rise.png
"""
import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tools.browser import Browser, BrowserError

__all__ = ['JupyterLab', 'present', 'main']

ROOT = Path(__file__).resolve().parents[1]
#: RISE's default theme ('simple') imports Google Fonts; 'white' uses fonts it bundles, so a
#: slideshow needs nothing from outside the machine (the README says how to choose it).
RISE_SETTINGS = {'theme': 'white'}
SLIDES_READY = ("document.querySelector('.reveal .slides section') !== null && "
                "document.querySelectorAll('.reveal .slides section').length > 1")


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class JupyterLab:
    """``jupyter lab`` on 127.0.0.1 for the duration of a ``with`` block.

    Parameters
    ----------
    root_dir : path
        The server's root folder; notebooks are opened relative to it.
    """

    def __init__(self, root_dir=ROOT, timeout=120, theme='white'):
        self.root_dir, self.timeout, self.theme = Path(root_dir).resolve(), timeout, theme
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f'http://127.0.0.1:{self.port}'
        self._proc = self._tmp = None

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix='jupyter-rise-')
        settings = Path(self._tmp.name) / 'user-settings'
        (settings / 'jupyterlab-rise').mkdir(parents=True)
        (settings / 'jupyterlab-rise' / 'plugin.jupyterlab-settings').write_text(
            json.dumps(dict(RISE_SETTINGS, theme=self.theme), indent=2))
        env = dict(os.environ, JUPYTERLAB_WORKSPACES_DIR=self._tmp.name,
                   JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTER_RUNTIME_DIR=self._tmp.name)
        cmd = [sys.executable, '-m', 'jupyterlab', '--no-browser', '--ip=127.0.0.1',
               f'--port={self.port}', f'--IdentityProvider.token={self.token}',
               f'--ServerApp.root_dir={self.root_dir}', '--LabApp.news_url=None',
               '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate',
               '--LabApp.extension_manager=readonly']
        if hasattr(os, 'geteuid') and os.geteuid() == 0:
            cmd.append('--allow-root')  # CI runs as root
        self._log = open(Path(self._tmp.name) / 'server.log', 'w+')
        self._proc = subprocess.Popen(cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        deadline = time.monotonic() + self.timeout
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        while True:
            try:
                with direct.open(f'{self.url}/api/status?token={self.token}', timeout=2):
                    return self
            except OSError as error:
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    self._log.seek(0)
                    log = self._log.read()[-3000:]
                    self.__exit__()
                    raise RuntimeError(
                        f'jupyter lab did not start on {self.url}:\n{log}') from error
                time.sleep(0.5)

    def __exit__(self, *exc):
        if self._proc is not None and self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)  # the server and its kernels
            try:
                self._proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                self._proc.wait()
        self._proc = None
        if self._tmp is not None:
            self._log.close()
            self._tmp.cleanup()
            self._tmp = None

    def rise_url(self, notebook):
        relative = Path(notebook).resolve().relative_to(self.root_dir).as_posix()
        return f'{self.url}/rise/{relative}?token={self.token}'


def present(notebook, screenshot=None, slide=0, root_dir=ROOT, browser=None):
    """Open ``notebook``'s RISE view offline; return ``{'slides', 'external', 'requests'}``.

    ``root_dir`` must contain ``notebook``. With ``screenshot``, a PNG of slide ``slide``
    (horizontal index) is saved there.
    """
    own = browser is None
    browser = browser or Browser().__enter__()
    try:
        with JupyterLab(root_dir) as lab:
            browser.requests.clear()
            browser.open(lab.rise_url(notebook), ready=SLIDES_READY, timeout=120)
            browser.wait_for("document.querySelector('.reveal.ready .present')",
                             what='reveal.js to show a slide')
            browser.pump(3)  # let the notebook's outputs and math render
            count = browser.evaluate("document.querySelectorAll('.reveal .slides section')"
                                     ".length")
            if slide:
                browser.evaluate(f"document.querySelector('.reveal').focus();"
                                 f"window.location.hash = '#/{slide}'")
                browser.pump(2)
            if screenshot:
                Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
                browser.screenshot(screenshot)
            math = browser.evaluate("document.querySelectorAll('mjx-container, .MathJax')"
                                    ".length")
            return {'sections': count, 'math': math, 'requests': list(browser.requests),
                    'external': browser.external_requests()}
    finally:
        if own:
            browser.__exit__(None, None, None)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m tools.rise',
                                     description=__doc__.splitlines()[0])
    parser.add_argument('notebook')
    parser.add_argument('--screenshot', metavar='PNG')
    parser.add_argument('--slide', type=int, default=0)
    args = parser.parse_args(argv)
    try:
        result = present(args.notebook, args.screenshot, args.slide)
    except (BrowserError, RuntimeError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    print(f'{result["sections"]} slide sections, {result["math"]} rendered math elements, '
          f'{len(result["requests"])} requests, {len(result["external"])} leaving the machine')
    for url in result['external']:
        print(f'  request leaving the machine: {url}')
    return 1 if result['external'] else 0


if __name__ == '__main__':
    sys.exit(main())
