"""Open slide decks in headless Chromium and check them: slides, math, network, overflow.

For every notebook, the deck is built offline (``tools/slides.py``) and opened from disk in
Debian's Chromium (``tools/browser.py``; install with ``apt-get install
chromium``). For each deck it records

* the number of slides (``Reveal.getTotalSlides()``) and, for every slide, its content height
  (the slide ``<section>``'s ``scrollHeight``, with all fragments shown, as reveal.js measures
  it) against the slide's height (1280x720): a slide whose content is taller (or wider)
  overflows, and the excess is reported in pixels;
* MathJax's output elements (rendered math) and MathJax errors;
* every request the page made, and which of them would have left the machine (none may);
* local files that failed to load (a vendored asset missing).

Check notebooks (from any worktree; paths may be absolute)::

    cd /work/wt-decks && /work/main/.venv/bin/python -m tools.decks check \\
        /work/wt-nb-a/notebooks/04-item-vs-user.ipynb
    python -m tools.decks check                      # every notebooks/*.ipynb of this repo
    python -m tools.decks check NB.ipynb --screenshots /tmp/shots          # flagged slides
    python -m tools.decks check NB.ipynb --screenshots /tmp/shots --all    # every slide

It prints one line per deck and a table of the overflowing slides (deck, slide number as
shown in the deck's URL ``#/h/v``, its title, content height and excess in px), and exits
1 if any slide overflows or any request would leave the machine, 0 otherwise. Decks are
built into a temporary folder unless ``--keep DIR`` is given.
"""
import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

from tools.browser import Browser, BrowserError
from tools.slides import SLIDE_HEIGHT, SLIDE_WIDTH, SlidesError, build_slides

__all__ = ['SlideInfo', 'DeckReport', 'inspect_deck', 'check_notebooks', 'format_report',
           'main']

#: reveal.js is loaded through require.js (AMD), so it is not a global: find it.
READY = """(() => {
  if (!window.require || !require.s) return false;
  const defined = require.s.contexts._.defined;
  for (const key in defined) {
    if (defined[key] && defined[key].getTotalSlides) window.Reveal = defined[key];
  }
  return !!(window.Reveal && Reveal.isReady() && window.MathJax && MathJax.Hub);
})()"""
#: Resolves once MathJax has started up and finished everything queued so far (the page's
#: first typesetting included; ``MathJax.Hub`` exists well before that).
#: (The hook must return nothing: MathJax would wait on a returned callback.)
MATH_DONE = ("new Promise(done => MathJax.Hub.Register.StartupHook('End', "
             "() => { MathJax.Hub.Queue(() => done(true)); }))")
#: The deck re-renders a slide's math when it is shown (a 'slidechanged' handler, which may
#: run a moment after ``Reveal.slide``): settled when MathJax is idle and every formula of
#: the current slide has its output.
SLIDE_SETTLED = """(() => {
  const slide = Reveal.getCurrentSlide();
  const formulas = slide.querySelectorAll('script[type^="math/tex"]').length;
  const shown = slide.querySelectorAll('.MathJax_CHTML, .MathJax, mjx-container').length;
  return MathJax.isReady === true && MathJax.Hub.queue.pending === 0
         && !MathJax.Hub.queue.running && shown >= formulas;
})()"""
MATH_SELECTOR = '.MathJax, .MathJax_Display, .MathJax_CHTML, mjx-container'
MEASURE = """(() => {
  const slide = Reveal.getCurrentSlide();
  const heading = slide.querySelector('h1, h2, h3, h4');
  const text = (heading || slide).innerText.trim().split('\\n')[0];
  return {height: slide.scrollHeight, width: slide.scrollWidth, title: text.slice(0, 60),
          formulas: slide.querySelectorAll('script[type^="math/tex"]').length,
          rendered: slide.querySelectorAll('.MathJax_CHTML, .MathJax, mjx-container').length};
})()"""


@dataclasses.dataclass
class SlideInfo:
    """One slide: position ``#/h/v``, 1-based number, title, content size (px), and its
    formulas (TeX) and MathJax outputs seen while it was shown."""
    h: int
    v: int
    number: int
    title: str
    height: int
    width: int
    slide_height: int = SLIDE_HEIGHT
    slide_width: int = SLIDE_WIDTH
    formulas: int = 0
    rendered_math: int = 0

    @property
    def excess(self):
        """Pixels by which the content is taller than the slide (0 if it fits)."""
        return max(0, self.height - self.slide_height)

    @property
    def excess_width(self):
        """Pixels by which the content is wider than the slide (0 if it fits)."""
        return max(0, self.width - self.slide_width)

    @property
    def overflows(self):
        return bool(self.excess or self.excess_width)


@dataclasses.dataclass
class DeckReport:
    """What the browser saw of one deck."""
    deck: Path
    total_slides: int
    slides: list
    math_elements: int
    math_errors: int
    requests: list
    external_requests: list
    failed_local_loads: list
    screenshots: list = dataclasses.field(default_factory=list)

    @property
    def overflowing(self):
        return [s for s in self.slides if s.overflows]

    @property
    def ok(self):
        return not (self.overflowing or self.external_requests or self.failed_local_loads
                    or self.math_errors)


def inspect_deck(browser, deck, screenshot_dir=None, all_screenshots=False):
    """Open ``deck`` in ``browser``, visit every slide and measure it.

    Parameters
    ----------
    browser : tools.browser.Browser
        A started browser; its request log is cleared first.
    deck : str or os.PathLike
        A deck written by ``tools/slides.py``.
    screenshot_dir : str or os.PathLike, optional
        Save ``<deck stem>-<number>.png`` there for overflowing slides (every slide with
        ``all_screenshots``).

    Returns
    -------
    DeckReport
    """
    deck = Path(deck).resolve()
    browser.requests.clear()
    browser.failed.clear()
    browser.open(deck.as_uri(), ready=READY)
    browser.evaluate(MATH_DONE, await_promise=True)
    config = browser.evaluate('[Reveal.getConfig().width, Reveal.getConfig().height]')
    browser.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    counts = browser.evaluate("Reveal.getHorizontalSlides().map("
                              "s => Math.max(1, s.querySelectorAll(':scope > section').length))")
    slides, shots = [], []
    if screenshot_dir:
        Path(screenshot_dir).mkdir(parents=True, exist_ok=True)
    for h, count in enumerate(counts):
        for v in range(count):
            browser.evaluate(f'Reveal.slide({h}, {v}, 1000)')  # all fragments shown
            browser.pump(0.15)
            try:
                browser.wait_for(SLIDE_SETTLED, timeout=20)
            except BrowserError:  # reported below: the slide shows fewer outputs than formulas
                pass
            browser.evaluate(MATH_DONE, await_promise=True)
            size = browser.evaluate(MEASURE)
            info = SlideInfo(h, v, len(slides) + 1, size['title'], size['height'],
                             size['width'], slide_height=int(config[1]),
                             slide_width=int(config[0]), formulas=size['formulas'],
                             rendered_math=size['rendered'])
            slides.append(info)
            if screenshot_dir and (all_screenshots or info.overflows):
                shots.append(browser.screenshot(
                    Path(screenshot_dir) / f'{deck.stem.split(".")[0]}-{info.number:02d}.png'))
    browser.evaluate('Reveal.slide(0, 0)')
    browser.pump(0.3)  # let late requests (fonts, lazily loaded extensions) show up
    math = browser.evaluate(f'document.querySelectorAll("{MATH_SELECTOR}").length')
    errors = browser.evaluate('document.querySelectorAll(".MathJax_Error, merror, '
                              '[data-mjx-error]").length')
    return DeckReport(deck, browser.evaluate('Reveal.getTotalSlides()'), slides, math, errors,
                      list(browser.requests), browser.external_requests(),
                      browser.failed_local_loads(), shots)


def check_notebooks(notebooks=None, output_dir=None, screenshot_dir=None,
                    all_screenshots=False):
    """Build the decks of ``notebooks`` into ``output_dir`` and inspect each one.

    Returns
    -------
    list of DeckReport
    """
    with tempfile.TemporaryDirectory(prefix='decks-') as tmp:
        decks = build_slides(notebooks, output_dir or tmp)
        with Browser(SLIDE_WIDTH, SLIDE_HEIGHT) as browser:
            return [inspect_deck(browser, deck, screenshot_dir, all_screenshots)
                    for deck in decks]


def format_report(reports):
    """A plain-text summary: one line per deck, then a table of overflowing slides."""
    lines = []
    for r in reports:
        lines.append(f'{r.deck.name}: {r.total_slides} slides, {len(r.overflowing)} '
                     f'overflowing, {r.math_elements} math elements, {r.math_errors} math '
                     f'errors, {len(r.requests)} requests, {len(r.external_requests)} '
                     f'leaving the machine, {len(r.failed_local_loads)} local load failures')
        lines += [f'  request leaving the machine: {url}' for url in r.external_requests]
        lines += [f'  failed local load: {url} ({err})' for url, err in r.failed_local_loads]
    rows = [(r.deck.name.split('.')[0], s) for r in reports for s in r.overflowing]
    if rows:
        lines += ['', 'Overflowing slides (slide height 720 px, width 1280 px):',
                  f'{"deck":22s} {"#":>3s} {"h/v":>6s} {"height":>6s} {"excess":>6s} '
                  f'{"wide+":>5s}  title',
                  '-' * 90]
        lines += [f'{deck:22s} {s.number:3d} {f"{s.h}/{s.v}":>6s} {s.height:6d} '
                  f'{s.excess:6d} {s.excess_width:5d}  {s.title}' for deck, s in rows]
    else:
        lines += ['', 'No slide overflows.']
    return '\n'.join(lines)


def main(argv=None):
    """Command line: ``python -m tools.decks check [NOTEBOOK ...] [options]``."""
    parser = argparse.ArgumentParser(prog='python -m tools.decks', description=__doc__
                                     .splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    check = sub.add_parser('check', help='build decks and check them in headless Chromium')
    check.add_argument('notebooks', nargs='*', help='default: every notebooks/*.ipynb')
    check.add_argument('--screenshots', metavar='DIR',
                       help='save PNGs of overflowing slides into DIR')
    check.add_argument('--all', action='store_true', help='with --screenshots: every slide')
    check.add_argument('--keep', metavar='DIR', help='build the decks into DIR and keep them')
    args = parser.parse_args(argv)
    try:
        reports = check_notebooks(args.notebooks or None, args.keep, args.screenshots,
                                  args.all)
    except (SlidesError, BrowserError) as error:
        print(f'error: {error}', file=sys.stderr)
        return 2
    print(format_report(reports))
    if args.screenshots:
        print(f'\nScreenshots in {args.screenshots}: '
              f'{sum(len(r.screenshots) for r in reports)} files')
    return 0 if all(r.ok for r in reports) else 1


if __name__ == '__main__':
    sys.exit(main())
