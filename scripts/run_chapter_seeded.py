"""Run the chapter's code (tests/chapter_autorec.py) seeded as the walkthrough is.

Usage: ``python scripts/run_chapter_seeded.py [NUM_EPOCHS]`` with ``D2L_DATA_DIR`` set.
``scripts/emulate_aarch64.sh`` runs it on emulated aarch64; run it with the project's
environment on x86-64 for the reference to compare with. Prints the machine, the chapter's
own lines (the last: ``train loss ..., test RMSE ...``) and the wall time.
"""
import platform
import re
import sys
import time
from pathlib import Path

CHAPTER = Path(__file__).resolve().parents[1] / 'tests' / 'chapter_autorec.py'


def main(argv):
    """Seed Python, NumPy and MXNet with 0, then execute the chapter's code."""
    epochs = int(argv[1]) if len(argv) > 1 else 25
    start = time.time()
    import d2l_ext as d2l
    d2l.set_seed(0)
    source = CHAPTER.read_text()
    if epochs != 25:
        source, count = re.subn(r'(num_epochs, wd, optimizer = 0\.002, )25,', rf'\g<1>{epochs},',
                                source)
        assert count == 1, 'the chapter no longer sets num_epochs to 25 where expected'
    print(f'machine: {platform.machine()}, Python {sys.version.split()[0]}, '
          f'{epochs} epochs', flush=True)
    exec(compile(source, str(CHAPTER), 'exec'), {'__name__': '__main__'})
    print(f'wall time: {time.time() - start:.0f} s', flush=True)


if __name__ == '__main__':
    main(sys.argv)
