"""Set up, run the walkthrough, and test the AutoRec teaching package.

Usage (from the repository's root, with any Python 3)::

    python3 tasks.py walkthrough   # set up if needed, execute the walkthrough notebook
    python3 tasks.py test          # set up if needed, run unit tests and nbval (what CI runs)
    python3 tasks.py test --quick  # the inner loop: no notebooks, browser, slow or network tests
    python3 tasks.py lint          # ruff, with the rules of pyproject.toml [tool.ruff]
    python3 tasks.py slides        # build every notebook's slide deck into output/slides/
    python3 tasks.py student       # student notebooks (no solutions) into output/student/
    python3 tasks.py setup         # only build the environment and register the kernel
    python3 tasks.py check-platform [--platform linux-aarch64]
                                   # does every pin have a wheel for that platform?

Two Python lines are supported, each with one exact pin set: Python 3.11 with
``environment.yml`` (the reference: NumPy 1.23.5, d2l 1.0.3 with its own pins), and Python
3.12/3.13 with ``environment-numpy2.yml`` (NumPy 2). When the interpreter running this file
is 3.12 or 3.13, the environment commands prefer a Python 3.11 found on the machine and run
this file again with it; where there is none they build the NumPy 2 line with this one. On
a platform without an MXNet 1.9.1 build they stop before pip runs (``tools/launcher.py``).

Where ``conda`` is on the PATH set-up runs ``conda env create -f environment.yml``;
elsewhere it creates ``.venv`` with the standard library's ``venv`` and installs exactly the
pins of the line's yml (its pip section). It is safe to repeat: a stamp of the yml's hash
skips work already done.

This file and ``tools/launcher.py`` use only the standard library, so they run before
anything is installed; every other tool runs with the environment's Python.
"""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from tools import launcher
from tools.launcher import ROOT

ENV_FILE = ROOT / 'environment.yml'
#: The pin set of the newer line (Python 3.12 and 3.13, NumPy 2).
NUMPY2_ENV_FILE = ROOT / 'environment-numpy2.yml'
#: Installed with ``--no-deps`` on the newer line: their declared pins (``numpy<2``,
#: ``numpy==1.23.5``) have no wheel there; d2l_ext/_compat.py makes MXNet work with NumPy 2.
NO_DEPS = ('mxnet', 'd2l')
KERNEL_NAME = 'd2l-autorec'
KERNEL_DISPLAY = 'Python 3 (d2l-autorec)'
WALKTHROUGH = ROOT / 'notebooks' / '02-autorec.ipynb'
OUTPUT_DIR = ROOT / 'output'
SHARED_DATA = ROOT.parent / 'shared' / 'data'
#: The commands that need the environment (and so a Python 3.11 and a supported platform).
ENV_COMMANDS = ('setup', 'walkthrough', 'test', 'lint', 'slides', 'student', 'check-platform')
#: What ``test --quick`` leaves out (markers registered in pyproject.toml).
QUICK = ['-m', 'not (notebooks or browser or slow or network)']


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


def run(cmd, **kwargs):
    """Echo and run a command; exit with its return code if it fails."""
    print('+', ' '.join(str(c) for c in cmd), flush=True)
    result = subprocess.run([str(c) for c in cmd], **kwargs)
    if result.returncode != 0:
        raise SystemExit(result.returncode)
    return result

def env_file_for(version):
    """The pin set for a Python ``(major, minor)``: ``environment.yml`` for 3.11, else the
    NumPy 2 line's ``environment-numpy2.yml``."""
    return ENV_FILE if tuple(version) == launcher.REQUIRED_PYTHON else NUMPY2_ENV_FILE


def env_python():
    """Return the path of the environment's interpreter, building the environment if needed."""
    env_file = ENV_FILE if launcher.uses_conda() else env_file_for(launcher.running_version())
    spec = read_env_file(env_file)
    digest = hashlib.sha256(env_file.read_bytes()).hexdigest()
    python = conda_python(spec, digest) if launcher.uses_conda() else venv_python(spec, digest)
    if launcher.host_platform() == ('linux', 'aarch64'):
        run([python, '-m', 'tools.mxnet_blas'], cwd=ROOT)
    return python


def venv_python(spec, digest):
    """Create ``.venv`` with pip and install exactly the pins of this Python line's yml.

    On the newer line, :data:`NO_DEPS` are installed last, with ``--no-deps``.
    """
    version = launcher.running_version()
    if version != launcher.REQUIRED_PYTHON and version not in launcher.NEWER_PYTHONS:
        raise SystemExit(f'Python 3.11, 3.12 or 3.13 is required; this is Python '
                         f'{sys.version.split()[0]}. Run `python3 tasks.py ...`, which looks '
                         f'for a Python 3.11 and says how to install one if there is none.')
    python = launcher.VENV / ('Scripts/python.exe' if os.name == 'nt' else 'bin/python')
    stamp = launcher.VENV / '.environment.sha256'
    if python.exists() and stamp.exists() and stamp.read_text() == digest:
        return python
    if not python.exists():
        run([sys.executable, '-m', 'venv', launcher.VENV])
    lines, no_deps = spec['pip'], []
    if version != launcher.REQUIRED_PYTHON:
        no_deps = [line for line in lines if line.split('==')[0].lower() in NO_DEPS]
        lines = [line for line in lines if line not in no_deps]
    requirements = launcher.VENV / 'requirements.txt'
    requirements.write_text('\n'.join(lines) + '\n')
    run([python, '-m', 'pip', 'install', '--disable-pip-version-check', '-q',
         '-r', requirements], cwd=ROOT)
    if no_deps:  # last, and quietly: pip would list their stale pins as conflicts
        run([python, '-m', 'pip', 'install', '--disable-pip-version-check', '-q', '--no-deps',
             '--no-warn-conflicts', *no_deps], cwd=ROOT)
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


def test(extra=()):
    """Run the unit tests and nbval over every notebook (what CI runs); with ``--quick``,
    everything but the notebooks and the browser, slow and network tests."""
    extra = list(extra)
    if '--quick' in extra:
        extra.remove('--quick')
        extra = [*QUICK, *extra]
    python = env_python()
    run([python, '-m', 'pytest', *extra], env=data_env(), cwd=ROOT)


def tool(module, *args, env=None):
    """Run ``python -m tools.MODULE ARGS`` with the environment's Python."""
    run([env_python(), '-m', f'tools.{module}', *args], env=env, cwd=ROOT)


def register_current_kernel():
    """Register this interpreter's environment as the notebooks' kernel (Binder's postBuild)."""
    register_kernel(Path(sys.executable))


def main(argv):
    """Run the command named by ``argv[1]``; print the usage and return 2 if there is none.

    The environment commands first check the platform and the interpreter
    (:func:`tools.launcher.ensure_runnable`), so nothing is installed where it cannot work.
    """
    args = argv[2:]
    commands = {
        'setup': lambda: print(f'environment ready: {env_python()}'),
        'walkthrough': lambda: tool('run_notebook', WALKTHROUGH, OUTPUT_DIR, env=data_env()),
        'test': lambda: test(args),
        'lint': lambda: run([env_python(), '-m', 'ruff', 'check', '.', *args], cwd=ROOT),
        'slides': lambda: tool('slides', '--output-dir', OUTPUT_DIR / 'slides'),
        'student': lambda: tool('student', '--output-dir', OUTPUT_DIR / 'student'),
        'check-platform': lambda: tool('platforms', 'check', *args),
        'register-kernel': register_current_kernel,
    }
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__)
        return 2
    if argv[1] in ENV_COMMANDS:
        relaunched = launcher.ensure_runnable(argv)
        if relaunched is not None:
            return relaunched
    status = commands[argv[1]]()
    return status if isinstance(status, int) else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
