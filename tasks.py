"""Set up, run the walkthrough, and test the AutoRec teaching package.

Usage (from the repository's root, with Python 3.11)::

    python3.11 tasks.py walkthrough   # set up if needed, execute the walkthrough notebook
    python3.11 tasks.py test          # set up if needed, run unit tests and nbval
    python3.11 tasks.py slides        # build every notebook's slide deck into output/slides/
    python3.11 tasks.py student       # student notebooks (no solutions) into output/student/
    python3.11 tasks.py setup         # only build the environment and register the kernel

Set-up reads ``environment.yml``, the one place versions are pinned. Where ``conda`` is on
the PATH it runs ``conda env create -f environment.yml``; elsewhere it creates ``.venv``
with the standard library's ``venv`` and installs exactly the pins of the yml's pip
section. It is safe to repeat: a stamp of the yml's hash skips work already done.

This file uses only the standard library, so it runs before anything is installed.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ENV_FILE = ROOT / 'environment.yml'
VENV = ROOT / '.venv'
KERNEL_NAME = 'd2l-autorec'
KERNEL_DISPLAY = 'Python 3 (d2l-autorec)'
WALKTHROUGH = ROOT / 'notebooks' / '02-autorec.ipynb'
OUTPUT_DIR = ROOT / 'output'
SHARED_DATA = ROOT.parent / 'shared' / 'data'


def read_env_file(path=ENV_FILE):
    """Read the conda name, the Python version and the pip lines of ``environment.yml``.

    A deliberately small reader for the layout this repository uses (a test checks it
    against PyYAML), so that set-up needs nothing outside the standard library.

    Returns
    -------
    dict
        ``{'name': str, 'python': str, 'pip': list of str}``; ``pip`` holds the
        requirement lines in order, for example ``'numpy==1.23.5'`` and ``'-e .'``.
    """
    name, python, pip_lines, in_pip = None, None, [], False
    for raw in Path(path).read_text().splitlines():
        line = raw.split(' #')[0].rstrip() if not raw.lstrip().startswith('#') else ''
        if not line.strip():
            continue
        if line.startswith('name:'):
            name = line.split(':', 1)[1].strip()
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if item.startswith('- python='):
            python = item.split('=', 1)[1].strip()
        if item == '- pip:':
            in_pip, pip_indent = True, indent
            continue
        if in_pip:
            if indent <= pip_indent or not item.startswith('- '):
                in_pip = False
            else:
                pip_lines.append(item[2:].strip())
    if not name or not pip_lines:
        raise SystemExit(f'{path}: expected a conda environment with a name and a pip '
                         f'section; found name={name!r} and {len(pip_lines)} pip lines.')
    return {'name': name, 'python': python, 'pip': pip_lines}


def pinned_versions(path=ENV_FILE):
    """Return ``{normalised distribution name: version}`` for every ``name==version`` pin."""
    pins = {}
    for line in read_env_file(path)['pip']:
        match = re.fullmatch(r'([A-Za-z0-9_.\-]+)==([^\s;]+)', line)
        if match:
            pins[normalise(match.group(1))] = match.group(2)
    return pins


def normalise(dist_name):
    """Normalise a distribution name as PEP 503 does (``Foo_Bar`` -> ``foo-bar``)."""
    return re.sub(r'[-_.]+', '-', dist_name).lower()


def run(cmd, **kwargs):
    """Echo and run a command; exit with its return code if it fails."""
    print('+', ' '.join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], **kwargs)
    if result.returncode != 0:
        raise SystemExit(result.returncode)
    return result


def env_python():
    """Return the path of the environment's interpreter, building the environment if needed."""
    spec = read_env_file()
    digest = hashlib.sha256(ENV_FILE.read_bytes()).hexdigest()
    if shutil.which('conda') and not os.environ.get('D2L_AUTOREC_NO_CONDA'):
        return conda_python(spec, digest)
    return venv_python(spec, digest)


def venv_python(spec, digest):
    """Create ``.venv`` with pip and install exactly the pins of ``environment.yml``."""
    if sys.version_info[:2] != (3, 11):
        raise SystemExit(f'Python 3.11 is required (mxnet 1.9.1 and d2l 1.0.3 need it); this '
                         f'is Python {sys.version.split()[0]}. Run: python3.11 tasks.py ...')
    python = VENV / ('Scripts/python.exe' if os.name == 'nt' else 'bin/python')
    stamp = VENV / '.environment.sha256'
    if python.exists() and stamp.exists() and stamp.read_text() == digest:
        return python
    if not python.exists():
        run([sys.executable, '-m', 'venv', VENV])
    requirements = VENV / 'requirements.txt'
    requirements.write_text('\n'.join(spec['pip']) + '\n')
    run([python, '-m', 'pip', 'install', '--disable-pip-version-check', '-q',
         '-r', requirements], cwd=ROOT)
    register_kernel(python)
    stamp.write_text(digest)
    return python


def conda_python(spec, digest):
    """Create, or update when environment.yml changed, the conda environment it names."""

    def prefix_of(name):
        listing = subprocess.run(['conda', 'env', 'list', '--json'], capture_output=True,
                                 text=True, check=True)
        return next((Path(p) for p in json.loads(listing.stdout)['envs']
                     if Path(p).name == name), None)

    prefix = prefix_of(spec['name'])
    created = prefix is None
    if created:
        run(['conda', 'env', 'create', '-f', ENV_FILE], cwd=ROOT)
        prefix = prefix_of(spec['name'])
    python = prefix / ('python.exe' if os.name == 'nt' else 'bin/python')
    stamp = prefix / '.d2l-autorec-environment.sha256'
    if created or not stamp.exists() or stamp.read_text() != digest:
        if not created:
            run(['conda', 'env', 'update', '-n', spec['name'], '-f', ENV_FILE, '--prune'],
                cwd=ROOT)
        register_kernel(python)
        stamp.write_text(digest)
    return python


def register_kernel(python):
    """Register the environment as the Jupyter kernel the notebooks name.

    The kernel is installed into the environment itself (``--sys-prefix``), so the
    environment's own ``jupyter lab`` finds it and two clones never overwrite each other's.
    """
    run([python, '-m', 'ipykernel', 'install', '--sys-prefix', '--name', KERNEL_NAME,
         '--display-name', KERNEL_DISPLAY])


def data_env():
    """Environment for child processes: point the package at the shared data if present."""
    env = dict(os.environ)
    if 'D2L_DATA_DIR' not in env and (SHARED_DATA / 'ml-100k' / 'u.data').exists():
        env['D2L_DATA_DIR'] = str(SHARED_DATA)
    env.setdefault('MPLBACKEND', 'Agg')
    return env


def walkthrough():
    """Execute the walkthrough notebook; write it, its HTML and its plot to ``output/``."""
    python = env_python()
    run([python, ROOT / 'tools' / 'run_notebook.py', WALKTHROUGH, OUTPUT_DIR],
        env=data_env(), cwd=ROOT)


def test(extra=()):
    """Run the unit tests and nbval over every notebook (what CI runs)."""
    python = env_python()
    run([python, '-m', 'pytest', *extra], env=data_env(), cwd=ROOT)


def slides():
    """Build a reveal.js slide deck of every notebook into ``output/slides/``."""
    python = env_python()
    run([python, ROOT / 'tools' / 'slides.py', '--output-dir', OUTPUT_DIR / 'slides'],
        cwd=ROOT)


def student():
    """Write student versions of every notebook (solutions replaced) into ``output/student/``."""
    python = env_python()
    run([python, ROOT / 'tools' / 'student.py', '--output-dir', OUTPUT_DIR / 'student'],
        cwd=ROOT)


def main(argv):
    commands = {'setup': lambda: print(f'environment ready: {env_python()}'),
                'walkthrough': walkthrough, 'test': lambda: test(argv[2:]),
                'slides': slides, 'student': student}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__)
        return 2
    commands[argv[1]]()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
