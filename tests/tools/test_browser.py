"""Without Chromium the browser tests fail with the command that installs it."""
import pytest

from tools import browser


def test_missing_chromium_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(browser, 'CANDIDATES', ('/nonexistent/chromium',))
    monkeypatch.setattr(browser.shutil, 'which', lambda name: None)
    monkeypatch.delenv('CHROMIUM', raising=False)
    with pytest.raises(browser.BrowserError, match='apt-get install -y --no-install-recommends '
                                                   'chromium '):
        browser.Browser().start()
