"""A small headless-Chromium driver over the DevTools protocol, with the network fenced in.

Used by ``tools/decks.py`` and the browser tests. It starts Debian's ``/usr/bin/chromium``
(``apt-get install chromium``) headless with a fresh profile and talks to
one page over the Chrome DevTools Protocol (``websocket-client``, already in the
environment; no browser download, no WebDriver). Every request the page makes is recorded
(``Network.requestWillBeSent``, ``Network.webSocketCreated``) and any that would leave the
machine is refused twice over: host names other than ``localhost`` do not resolve
(``--host-resolver-rules``) and everything but loopback goes to a closed proxy port.
:func:`external_requests` lists the ones that were attempted, so a test can assert there
were none.

Example::

    with Browser() as browser:
        browser.open('file:///tmp/decks/01-data.slides.html')
        print(browser.evaluate('Reveal.getTotalSlides()'))
        browser.screenshot('/tmp/slide.png')
        assert not browser.external_requests()
"""
import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

__all__ = ['BrowserError', 'Browser', 'find_chromium', 'is_local_url', 'INSTALL_HINT']

INSTALL_HINT = ('Install Debian\'s Chromium: apt-get install -y --no-install-recommends '
                'chromium (CI does this in .ci/run).')
CANDIDATES = ('/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome')
LOCAL_HOSTS = {'localhost', '127.0.0.1', '[::1]', '::1'}
LOCAL_SCHEMES = {'file', 'data', 'blob', 'about', 'chrome', 'devtools', 'chrome-extension'}
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--disable-extensions', '--disable-default-apps', '--mute-audio',
         '--hide-scrollbars', '--allow-file-access-from-files',
         # Nothing leaves the machine: no name resolves but loopback's, and every
         # non-loopback connection goes to a proxy port where nothing listens.
         '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
         '--proxy-server=http://127.0.0.1:9']


class BrowserError(RuntimeError):
    """Chromium is missing, did not start, or a page did not do what was expected."""


def find_chromium():
    """Path of the Chromium binary (``$CHROMIUM``, then the usual places); or raise."""
    for candidate in (os.environ.get('CHROMIUM'), *CANDIDATES, shutil.which('chromium')):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BrowserError(f'No Chromium found (looked at $CHROMIUM and {", ".join(CANDIDATES)}). '
                       f'{INSTALL_HINT}')


def is_local_url(url):
    """True if loading ``url`` stays on this machine (file:, data:, localhost...)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {'http', 'https', 'ws', 'wss'} and parts.hostname in LOCAL_HOSTS


class Browser:
    """Headless Chromium with one page, driven over the DevTools protocol.

    Parameters
    ----------
    width, height : int
        The page's viewport in CSS pixels.
    timeout : float
        Seconds to wait for Chromium to start and for each command.
    """

    def __init__(self, width=1280, height=720, timeout=60):
        self.width, self.height, self.timeout = width, height, timeout
        self.requests, self.failed, self.console, self._urls = [], [], [], {}
        self._ids = itertools.count(1)
        self._proc = self._ws = self._profile = None

    # -- lifecycle -------------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        """Start Chromium and attach to its page."""
        import websocket

        chromium = find_chromium()
        self._profile = tempfile.mkdtemp(prefix='chromium-profile-')
        self._proc = subprocess.Popen(
            [chromium, *FLAGS, f'--user-data-dir={self._profile}',
             '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1',
             f'--window-size={self.width},{self.height}', 'about:blank'],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        port_file = Path(self._profile) / 'DevToolsActivePort'
        deadline = time.monotonic() + self.timeout
        while not (port_file.is_file() and port_file.read_text().strip()):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                err = self._proc.stderr.read().decode(errors='replace')[-2000:] \
                    if self._proc.poll() is not None else '(still running)'
                self.close()
                raise BrowserError(f'Chromium ({chromium}) did not start: {err}. '
                                   f'{INSTALL_HINT}')
            time.sleep(0.05)
        self.port = int(port_file.read_text().split()[0])
        pages = self.pages()
        self._ws = websocket.create_connection(pages[0]['webSocketDebuggerUrl'],
                                               timeout=self.timeout, suppress_origin=True)
        for method in ('Page.enable', 'Network.enable', 'Runtime.enable'):
            self.send(method)
        self.send('Emulation.setDeviceMetricsOverride', width=self.width, height=self.height,
                  deviceScaleFactor=1, mobile=False)

    def close(self):
        """Stop Chromium and remove its profile."""
        if self._ws is not None:
            try:
                self._ws.close()
            except Exception:
                pass
            self._ws = None
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc.stderr.close()
            self._proc = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def pages(self):
        """The browser's open pages (DevTools targets of type ``page``)."""
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with direct.open(f'http://127.0.0.1:{self.port}/json/list', timeout=10) as r:
            return [t for t in json.load(r) if t['type'] == 'page']

    # -- protocol --------------------------------------------------------------------
    def send(self, method, **params):
        """Send a DevTools command and return its result (events seen meanwhile are kept)."""
        ident = next(self._ids)
        self._ws.send(json.dumps({'id': ident, 'method': method, 'params': params}))
        while True:
            message = json.loads(self._ws.recv())
            if message.get('id') == ident:
                if 'error' in message:
                    raise BrowserError(f'{method} failed: {message["error"]}')
                return message.get('result', {})
            self._event(message)

    def _event(self, message):
        method, params = message.get('method'), message.get('params', {})
        if method == 'Network.requestWillBeSent':
            self.requests.append(params['request']['url'])
            self._urls[params.get('requestId')] = params['request']['url']
        elif method == 'Network.webSocketCreated':
            self.requests.append(params['url'])
        elif method == 'Network.loadingFailed':
            self.failed.append((self._urls.get(params.get('requestId'), '?'),
                                params.get('errorText')))
        elif method == 'Runtime.consoleAPICalled':
            self.console.append(' '.join(str(a.get('value', a.get('description', '')))
                                         for a in params.get('args', [])))
        elif method == 'Runtime.exceptionThrown':
            details = params.get('exceptionDetails', {})
            self.console.append('exception: ' + str(details.get('exception', {})
                                                    .get('description', details.get('text'))))

    def pump(self, seconds):
        """Process events for ``seconds`` (e.g. to let late requests show up)."""
        deadline = time.monotonic() + seconds
        self._ws.settimeout(0.1)
        try:
            while time.monotonic() < deadline:
                try:
                    self._event(json.loads(self._ws.recv()))
                except Exception:  # timeout: nothing arrived
                    pass
        finally:
            self._ws.settimeout(self.timeout)

    # -- page ------------------------------------------------------------------------
    def open(self, url, ready='document.readyState === "complete"', timeout=None):
        """Navigate to ``url`` and wait until the JavaScript expression ``ready`` is true."""
        self.send('Page.navigate', url=str(url))
        self.wait_for(ready, timeout)

    def evaluate(self, expression, await_promise=False):
        """Evaluate JavaScript in the page and return its value (JSON-serialisable)."""
        result = self.send('Runtime.evaluate', expression=expression, returnByValue=True,
                           awaitPromise=await_promise)
        if 'exceptionDetails' in result:
            details = result['exceptionDetails']
            raise BrowserError(f'JavaScript failed: {expression[:200]!r}: '
                               f'{details.get("exception", {}).get("description", details)}')
        return result['result'].get('value')

    def wait_for(self, expression, timeout=None, what=None):
        """Poll the JavaScript ``expression`` until it is truthy; return its value."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                value = self.evaluate(expression)
            except BrowserError:
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f'Timed out after {timeout or self.timeout} s waiting for '
                                   f'{what or expression!r}. Console: {self.console[-5:]}')
            self.pump(0.1)

    def press(self, key, code=None, key_code=None):
        """Type one printable key (a real key event, which counts as a user gesture)."""
        code = code or f'Key{key.upper()}'
        key_code = key_code or ord(key.upper())
        self.send('Input.dispatchKeyEvent', type='keyDown', key=key, code=code, text=key,
                  windowsVirtualKeyCode=key_code)
        self.send('Input.dispatchKeyEvent', type='keyUp', key=key, code=code,
                  windowsVirtualKeyCode=key_code)

    def screenshot(self, path):
        """Save a PNG of the viewport to ``path``."""
        data = self.send('Page.captureScreenshot', format='png')['data']
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def failed_local_loads(self):
        """``(url, error)`` of every local load that failed (e.g. a missing vendored file)."""
        return [(url, error) for url, error in self.failed if is_local_url(url)]

    def external_requests(self):
        """Every recorded request whose URL would leave the machine."""
        return [url for url in self.requests if not is_local_url(url)]
