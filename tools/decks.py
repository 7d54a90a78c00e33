"""Open slide decks in headless Chromium and check them: slides, math, network, overflow.

Before building, every cell of every notebook (source and text outputs) is searched for
control characters: a ``"\\boldsymbol"`` typed into a Python string becomes a backspace byte
and ``oldsymbol``, which MathJax renders without an error. Then the deck is built offline
(``tools/slides.py``) and opened from disk in Debian's Chromium (``tools/browser.py``;
install with ``apt-get install chromium``). For each deck it records

* the number of slides (``Reveal.getTotalSlides()``) and, for every slide, its content size
  (with all fragments shown) against the slide's 1280x720: content taller or wider than the
  slide (the slide ``<section>``'s ``scrollHeight``/``scrollWidth``, as reveal.js measures
  it), and content cut off by a box that clips or scrolls (a wide table in an output area,
  a long code line), measured from where each piece of text, image or figure lies; the
  excess is reported in pixels;
* TeX left unrendered: formulas MathJax found but did not render, and visible text outside
  math, code and preformatted output that still reads as TeX (``\\frac``, ``$x_i$``,
  ``\\(``);
* MathJax's output elements (rendered math) and MathJax errors;
* every request the page made, and which of them would have left the machine (none may);
* local files that failed to load (a vendored asset missing).

Check notebooks (from any worktree; paths may be absolute)::

    cd /work/wt-decks && /work/main/.venv/bin/python -m tools.decks check \\
        /work/wt-nb-a/notebooks/04-item-vs-user.ipynb
    python -m tools.decks check                      # every notebooks/*.ipynb of this repo
    python -m tools.decks check NB.ipynb --screenshots /tmp/shots          # flagged slides
    python -m tools.decks check NB.ipynb --screenshots /tmp/shots --all    # every slide

It prints one line per deck, the control characters and raw TeX it found, and a table of
the overflowing slides (deck, slide number, position ``#/h/v`` as in the deck's URL, its
title, content height and the excess in px, down and across), and exits 1 if anything was
found (a control character, raw TeX, a math error, an overflowing slide, a request leaving
the machine, a local file missing), 0 otherwise. Decks are
built into a temporary folder unless ``--keep DIR`` is given.
"""
import argparse
import dataclasses
import json
import re
import sys
import tempfile
from pathlib import Path

from tools.browser import Browser, BrowserError
from tools.slides import (
    DEFAULT_NOTEBOOKS,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    SlidesError,
    build_slides,
)

__all__ = ['ControlCharacter', 'SlideInfo', 'DeckReport', 'find_control_characters',
           'inspect_deck', 'check_notebooks', 'format_report', 'main']

#: C0 and C1 control characters but tab, line feed and carriage return. (In outputs the
#: escape character of ANSI colours is allowed too: nbconvert turns those into colours.)
CONTROL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]')
CONTROL_IN_OUTPUT = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f-\x9f]')
#: Pixels of rounding tolerated before content counts as cut off.
TOLERANCE = 2

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
#: Visible text that still reads as TeX: a command (``\frac``), ``$...$`` holding TeX
#: syntax, ``$$``, or ``\(``, ``\[``.
RAW_TEX = r'\\[A-Za-z]{2,}|\$[^$\n]*[\\^_{}][^$\n]*\$|\$\$|\\[(\[]'
#: Measures the current slide (all fragments shown): its title and content size, its
#: formulas, the content cut off by a clipping box or lying beyond the slide's sides (the
#: largest distance, and the first word cut off), and text outside math, code and
#: preformatted output that looks like TeX.
MEASURE = """(() => {
  const slide = Reveal.getCurrentSlide();
  const heading = slide.querySelector('h1, h2, h3, h4') ||
                  slide.querySelector('.jp-InputArea-editor, p, li');
  const text = (heading || slide).innerText.trim().split('\\n')[0];
  const scale = Reveal.getScale() || 1;
  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
  const clips = new Map();
  // The area an element's content may show in: the slide, cut by every ancestor whose
  // overflow is not visible (its padding box).
  const clipOf = el => {
    if (!el || el === slide || !slide.contains(el)) {
      return {left: frame.left, right: frame.left + %(width)d * scale,
              top: -Infinity, bottom: Infinity};
    }
    if (clips.has(el)) return clips.get(el);
    const box = Object.assign({}, clipOf(el.parentElement));
    const style = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const left = r.left + el.clientLeft * scale, top = r.top + el.clientTop * scale;
    if (style.overflowX !== 'visible') {
      box.left = Math.max(box.left, left);
      box.right = Math.min(box.right, left + el.clientWidth * scale);
    }
    if (style.overflowY !== 'visible') {
      box.top = Math.max(box.top, top);
      box.bottom = Math.min(box.bottom, top + el.clientHeight * scale);
    }
    clips.set(el, box);
    return box;
  };
  const hiddenParts = 'script, style, aside.notes, .MJX_Assistive_MathML, #MathJax_Message';
  const mathParts = '.MathJax, .MathJax_Display, .MathJax_CHTML, mjx-container, ' +
                    '.MathJax_Preview';
  const codeParts = 'pre, code, textarea, .jp-InputArea-editor, .highlight, .CodeMirror';
  let cutX = 0, cutY = 0, cutAt = '';
  const cut = (rect, el, what) => {
    if (!rect.width && !rect.height) return;
    const box = clipOf(el);
    const x = Math.max(rect.right - box.right, box.left - rect.left) / scale;
    const y = Math.max(rect.bottom - box.bottom, box.top - rect.top) / scale;
    if (!cutAt && (x > %(tolerance)d || y > %(tolerance)d)) cutAt = what;  // the first
    cutX = Math.max(cutX, x);
    cutY = Math.max(cutY, y);
  };
  const tex = [];
  const rawTex = new RegExp(%(raw_tex)s);
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || el.closest(hiddenParts)) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    const range = document.createRange();
    const words = /\\S+/g;
    for (let m = words.exec(node.data); m; m = words.exec(node.data)) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      for (const rect of range.getClientRects()) cut(rect, el, m[0].slice(0, 40));
    }
    if (!el.closest(mathParts) && !el.closest(codeParts)) {
      const found = node.data.match(rawTex);
      if (found) {
        const at = found.index;
        tex.push(node.data.slice(Math.max(0, at - 20), at + 40).replace(/\\s+/g, ' '));
      }
    }
  }
  for (const el of slide.querySelectorAll('img, svg, canvas, video, iframe, object')) {
    if (el.closest(hiddenParts) || el.closest(mathParts)) continue;
    cut(el.getBoundingClientRect(), el.parentElement, '<' + el.tagName.toLowerCase() + '>');
  }
  return {height: slide.scrollHeight, width: slide.scrollWidth, title: text.slice(0, 60),
          cut_width: Math.round(cutX), cut_height: Math.round(cutY), cut_at: cutAt,
          raw_tex: tex,
          formulas: slide.querySelectorAll('script[type^="math/tex"]').length,
          rendered: slide.querySelectorAll('.MathJax_CHTML, .MathJax, mjx-container').length};
})()"""


def measure_script(width, tolerance=TOLERANCE):
    """The ``MEASURE`` script for slides ``width`` px wide."""
    return MEASURE % {'width': width, 'tolerance': tolerance, 'raw_tex': json.dumps(RAW_TEX)}


@dataclasses.dataclass
class ControlCharacter:
    """A control character in a notebook: cell index, ``'source'`` or the output's kind,
    the character and the text around it."""
    cell: int
    where: str
    char: str
    context: str

    def __str__(self):
        return (f'cell {self.cell} ({self.where}): {self.char!r} in '
                f'{self.context!r}')


@dataclasses.dataclass
class SlideInfo:
    """One slide: position ``#/h/v``, 1-based number, title, content size (px), the
    content cut off by a clipping box or the slide's edge (px, and the first words
    of it), its formulas (TeX) and MathJax outputs, and visible text that reads as TeX."""
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
    cut_width: int = 0
    cut_height: int = 0
    cut_at: str = ''
    raw_tex: list = dataclasses.field(default_factory=list)

    @property
    def excess(self):
        """Pixels by which the content is taller than the slide or cut off at the bottom of
        a clipping box (0 if it fits)."""
        cut = self.cut_height if self.cut_height > TOLERANCE else 0
        return max(0, self.height - self.slide_height, cut)

    @property
    def excess_width(self):
        """Pixels by which the content is wider than the slide or cut off at the side of a
        clipping box, such as a table scrolled in its output area (0 if it fits)."""
        cut = self.cut_width if self.cut_width > TOLERANCE else 0
        return max(0, self.width - self.slide_width, cut)

    @property
    def overflows(self):
        return bool(self.excess or self.excess_width)

    @property
    def unrendered_tex(self):
        """Formulas MathJax did not render (as a count), then raw TeX seen as text."""
        missing = self.formulas - self.rendered_math
        return ([f'{missing} formula(s) not rendered'] if missing > 0 else []) + self.raw_tex


@dataclasses.dataclass
class DeckReport:
    """What the browser saw of one deck, and the control characters of its notebook."""
    deck: Path
    total_slides: int
    slides: list
    math_elements: int
    math_errors: int
    requests: list
    external_requests: list
    failed_local_loads: list
    screenshots: list = dataclasses.field(default_factory=list)
    control_characters: list = dataclasses.field(default_factory=list)

    @property
    def overflowing(self):
        return [s for s in self.slides if s.overflows]

    @property
    def raw_tex(self):
        """``(slide, text)`` for every piece of TeX left unrendered."""
        return [(s, text) for s in self.slides for text in s.unrendered_tex]

    @property
    def ok(self):
        return not (self.overflowing or self.external_requests or self.failed_local_loads
                    or self.math_errors or self.raw_tex or self.control_characters)


def find_control_characters(notebook):
    """Control characters in every cell of ``notebook``: sources and text outputs.

    Parameters
    ----------
    notebook : str or os.PathLike
        An ``.ipynb`` file.

    Returns
    -------
    list of ControlCharacter
        Empty when the notebook is clean. Tab, line feed and carriage return are allowed
        (and, in outputs, the escape character of ANSI colours).
    """
    cells = json.loads(Path(notebook).read_text(encoding='utf-8'))['cells']
    found = []
    for index, cell in enumerate(cells):
        texts = [('source', ''.join(cell.get('source', '')), CONTROL)]
        for output in cell.get('outputs', []):
            if 'text' in output:
                texts.append((output.get('name', 'stream'), ''.join(output['text']),
                              CONTROL_IN_OUTPUT))
            for kind, value in output.get('data', {}).items():
                if kind.startswith('text/'):
                    texts.append((kind, ''.join(value), CONTROL_IN_OUTPUT))
        for where, text, pattern in texts:
            for match in pattern.finditer(text):
                at = match.start()
                found.append(ControlCharacter(index, where, match.group(),
                                              text[max(0, at - 20):at + 20]))
    return found


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
    measure = measure_script(int(config[0]))
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
            size = browser.evaluate(measure)
            info = SlideInfo(h, v, len(slides) + 1, size['title'], size['height'],
                             size['width'], slide_height=int(config[1]),
                             slide_width=int(config[0]), formulas=size['formulas'],
                             rendered_math=size['rendered'], cut_width=size['cut_width'],
                             cut_height=size['cut_height'], cut_at=size['cut_at'],
                             raw_tex=size['raw_tex'])
            slides.append(info)
            if screenshot_dir and (all_screenshots or info.overflows or info.unrendered_tex):
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
    """Search ``notebooks`` for control characters, build their decks into ``output_dir``
    and inspect each deck.

    Returns
    -------
    list of DeckReport
        In the notebooks' order, each with its notebook's control characters.
    """
    notebooks = ([Path(p) for p in notebooks] if notebooks is not None
                 else sorted(DEFAULT_NOTEBOOKS.glob('*.ipynb')))
    with tempfile.TemporaryDirectory(prefix='decks-') as tmp:
        decks = build_slides(notebooks, output_dir or tmp)
        reports = []
        with Browser(SLIDE_WIDTH, SLIDE_HEIGHT) as browser:
            for notebook, deck in zip(notebooks, decks):
                report = inspect_deck(browser, deck, screenshot_dir, all_screenshots)
                report.control_characters = find_control_characters(notebook)
                reports.append(report)
        return reports


def format_report(reports):
    """A plain-text summary: one line per deck with what was found in it, then a table of
    the overflowing slides."""
    lines = []
    for r in reports:
        lines.append(f'{r.deck.name}: {r.total_slides} slides, {len(r.overflowing)} '
                     f'overflowing, {r.math_elements} math elements, {r.math_errors} math '
                     f'errors, {len(r.raw_tex)} raw TeX, {len(r.control_characters)} control '
                     f'characters, {len(r.requests)} requests, {len(r.external_requests)} '
                     f'leaving the machine, {len(r.failed_local_loads)} local load failures')
        lines += [f'  control character: {c}' for c in r.control_characters]
        lines += [f'  raw TeX on slide {s.number} ({s.title}): {text!r}'
                  for s, text in r.raw_tex]
        lines += [f'  request leaving the machine: {url}' for url in r.external_requests]
        lines += [f'  failed local load: {url} ({err})' for url, err in r.failed_local_loads]
    rows = [(r.deck.name.split('.')[0], s) for r in reports for s in r.overflowing]
    if rows:
        lines += ['', 'Overflowing slides (slide height 720 px, width 1280 px; "down" and '
                  '"across": px of content below or beside the slide, or cut off by a box):',
                  f'{"deck":22s} {"#":>3s} {"h/v":>6s} {"height":>6s} {"down":>5s} '
                  f'{"across":>6s}  title [first words cut off]',
                  '-' * 100]
        lines += [f'{deck:22s} {s.number:3d} {f"{s.h}/{s.v}":>6s} {s.height:6d} '
                  f'{s.excess:5d} {s.excess_width:6d}  {s.title}'
                  + (f' [{s.cut_at}]' if s.cut_at and (s.cut_width > TOLERANCE
                                                       or s.cut_height > TOLERANCE) else '')
                  for deck, s in rows]
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
