"""The launcher of ``tasks.py``: where MXNet 1.9.1 runs, and which Python builds the environment.

The environment can be built on two Python lines, each with its own exact pin set:

- Python 3.11: ``environment.yml``, the reference line (NumPy 1.23.5, d2l 1.0.3 with its
  own pins; every stored notebook output comes from it);
- Python 3.12 and 3.13: ``environment-numpy2.yml`` (NumPy 2; MXNet 1.9.1 and d2l 1.0.3
  installed without their dependencies, ``d2l_ext/_compat.py`` makes MXNet import).

When the interpreter running ``tasks.py`` is 3.12 or 3.13, :func:`ensure_runnable` still
prefers a Python 3.11 found on this machine (``.venv``'s, ``python3.11`` on the PATH,
``py -3.11`` on Windows, uv-, pyenv- or asdf-managed ones, Homebrew's and python.org's) and
runs ``tasks.py`` again with it; where there is none (or ``D2L_AUTOREC_THIS_PYTHON=1``), it
goes on with this interpreter and the NumPy 2 line. Any other Python stops with a message
saying how to install a 3.11. With ``conda`` on the PATH none is needed, conda brings its
own 3.11. On a platform without an
MXNet 1.9.1 build (macOS on Apple Silicon, Windows) it stops before pip runs and points at
the container and, on Windows, WSL2.

The Python versions are :data:`REQUIRED_PYTHON` (the reference line) and
:data:`NEWER_PYTHONS`, and the places a 3.11 is looked for are :func:`python311_candidates`.
Standard library only: ``tasks.py`` imports this module before anything is installed.
"""
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ['REQUIRED_PYTHON', 'NEWER_PYTHONS', 'RELAUNCHED', 'THIS_PYTHON', 'VENV',
           'host_platform', 'platform_problem',
           'python_version_of', 'find_python311', 'install_python_hint', 'uses_conda',
           'ensure_runnable']

ROOT = Path(__file__).resolve().parents[1]
# The container keeps the environment outside the (mounted) work tree: D2L_AUTOREC_VENV.
VENV = Path(os.environ.get('D2L_AUTOREC_VENV') or ROOT / '.venv')
# The reference line (environment.yml: mxnet 1.9.1 and d2l 1.0.3 with their own pins).
REQUIRED_PYTHON = (3, 11)
# The newer line (environment-numpy2.yml), used where no Python 3.11 is found.
NEWER_PYTHONS = ((3, 12), (3, 13))
RELAUNCHED = 'D2L_AUTOREC_RELAUNCHED'
# Set to 1 to build the NumPy 2 line with this Python 3.12/3.13 even where a 3.11 exists (CI).
THIS_PYTHON = 'D2L_AUTOREC_THIS_PYTHON'
# (system, machine) pairs with an mxnet==1.9.1 wheel on the package index.
MXNET_BUILDS = {('linux', 'x86_64'), ('linux', 'aarch64'), ('darwin', 'x86_64')}
CONTAINER_HINT = (
    'Use the container, which runs natively on Apple Silicon (linux/arm64) and on x86-64:\n'
    '    docker build -f docker/Dockerfile -t d2l-autorec .\n'
    '    docker run --rm -p 8888:8888 d2l-autorec     # then open the printed 127.0.0.1 URL\n'
    'or open this folder in VS Code with the Dev Containers extension ("Reopen in Container",\n'
    'also on GitHub Codespaces), or use Binder (the badge in the README). See the README\'s\n'
    'section "Every platform".')


def host_platform():
    """Return this machine's ``(system, machine)``, normalised.

    Returns
    -------
    tuple of str
        ``system`` is ``'linux'``, ``'darwin'``, ``'windows'`` or ``sys.platform`` as is;
        ``machine`` is ``'x86_64'``, ``'aarch64'`` (also for macOS's ``arm64``) or
        ``platform.machine()`` lower-cased. An x86-64 Python running under Rosetta 2 on
        Apple Silicon reports ``'aarch64'``: what matters is the processor.
    """
    if sys.platform.startswith(('win32', 'cygwin', 'msys')):
        system = 'windows'
    elif sys.platform.startswith('linux'):
        system = 'linux'
    else:
        system = sys.platform
    machine = platform.machine().lower()
    machine = {'amd64': 'x86_64', 'x64': 'x86_64', 'arm64': 'aarch64'}.get(machine, machine)
    if system == 'darwin' and machine == 'x86_64' and under_rosetta():
        machine = 'aarch64'
    return system, machine


def under_rosetta():
    """Whether this macOS process is an x86-64 one translated by Rosetta 2."""
    try:
        done = subprocess.run(['sysctl', '-n', 'sysctl.proc_translated'], capture_output=True,
                              text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.stdout.strip() == '1'


def platform_problem(system, machine):
    """Say why the environment cannot be built here, or return None where it can.

    Parameters
    ----------
    system, machine : str
        As returned by :func:`host_platform`.

    Returns
    -------
    str or None
        A message naming the platform, what MXNet offers there and what to do instead.
    """
    if (system, machine) in MXNET_BUILDS:
        return None
    if system == 'darwin' and machine == 'aarch64':
        return ('macOS on Apple Silicon (arm64): mxnet 1.9.1 has no build for it. pip would '
                'fall back to mxnet 1.6.0, whose library is an x86-64 file that fails at '
                'import ("not a mach-o file"; apache/mxnet#17671, #20992), and an x86-64 '
                'Python under Rosetta is untested. conda-forge has no mxnet, and MXNet is '
                'retired (Apache Attic), so none will come. Nothing was installed.\n'
                + CONTAINER_HINT)
    if system == 'windows':
        return ('Windows: mxnet has no Windows build newer than 1.7 (apache/mxnet#21180), '
                'and mxnet 1.9.1 is required. Nothing was installed.\n'
                'Use WSL2 (Windows 10 2004+ or 11), from PowerShell: `wsl --install -d '
                'Ubuntu-22.04`; then, in the Ubuntu shell, clone this repository into the '
                'Linux file system and run `sudo apt install python3.11 python3.11-venv` and '
                '`python3 tasks.py walkthrough`.\n'
                'Or, with Docker Desktop: ' + CONTAINER_HINT[0].lower() + CONTAINER_HINT[1:])
    return (f'{system} on {machine}: mxnet 1.9.1 has wheels for Linux x86-64, Linux aarch64 '
            f'and macOS x86-64 only, so pip cannot install it here. Nothing was installed. '
            f'Use one of those machines, or Binder (the badge in the README).')


def python_version_of(python):
    """Return ``(major, minor)`` of the interpreter at ``python``, or None if it does not run.

    A pyenv shim or a Windows Store alias may exist on the PATH and still fail to run:
    asking the interpreter itself is the only reliable test.
    """
    try:
        done = subprocess.run([str(python), '-c', 'import sys; print(*sys.version_info[:2])'],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    parts = done.stdout.split()
    if done.returncode != 0 or len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def output_of(cmd):
    """Return the first line a command prints, or None if it is missing or fails."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.strip().splitlines()
    return lines[0].strip() if done.returncode == 0 and lines else None


def python311_candidates(system):
    """Yield the places a Python 3.11 may be, most specific first (paths, not yet checked).

    The project's own ``.venv``; ``python3.11`` on the PATH; on Windows the ``py`` launcher's
    3.11 and python.org's default folder; ``uv python find 3.11``; pyenv's and asdf's
    installs; Homebrew's and python.org's macOS paths.
    """
    home = Path.home()
    yield VENV / ('Scripts/python.exe' if system == 'windows' else 'bin/python')
    yield shutil.which('python3.11')
    if system == 'windows':
        if shutil.which('py'):
            yield output_of(['py', '-3.11', '-c', 'import sys; print(sys.executable)'])
        local = os.environ.get('LOCALAPPDATA')
        if local:
            yield Path(local) / 'Programs' / 'Python' / 'Python311' / 'python.exe'
    if shutil.which('uv'):
        yield output_of(['uv', 'python', 'find', '3.11'])
    pyenv_root = os.environ.get('PYENV_ROOT') or (
        output_of(['pyenv', 'root']) if shutil.which('pyenv') else None) or home / '.pyenv'
    asdf_root = os.environ.get('ASDF_DATA_DIR') or home / '.asdf'
    for versions in (Path(pyenv_root) / 'versions', Path(asdf_root) / 'installs' / 'python'):
        if versions.is_dir():
            for folder in sorted(versions.glob('3.11*'), reverse=True):
                yield folder / ('python.exe' if system == 'windows' else 'bin/python3.11')
    if system == 'darwin':
        yield '/opt/homebrew/bin/python3.11'
        yield '/usr/local/bin/python3.11'
        yield '/Library/Frameworks/Python.framework/Versions/3.11/bin/python3.11'


def find_python311(system):
    """Return the path of a working Python 3.11 interpreter, or None if there is none."""
    seen = set()
    for candidate in python311_candidates(system):
        if not candidate or str(candidate) in seen:
            continue
        seen.add(str(candidate))
        if Path(candidate).exists() and python_version_of(candidate) == REQUIRED_PYTHON:
            return str(candidate)
    return None


def install_python_hint(system):
    """How to install a Python 3.11 on ``system``, as a message that ends with the container."""
    if system == 'darwin':
        how = ('    brew install python@3.11            # Homebrew\n'
               '    or the macOS installer of Python 3.11 from python.org,\n'
               '    or: uv python install 3.11 / pyenv install 3.11\n')
    else:
        how = ('    Debian 12, Ubuntu 22.04:   sudo apt install python3.11 python3.11-venv\n'
               '    Ubuntu 24.04 and later:    sudo add-apt-repository ppa:deadsnakes/ppa && '
               'sudo apt install python3.11 python3.11-venv\n'
               '    Fedora:                    sudo dnf install python3.11\n'
               '    any Linux, no root:        uv python install 3.11   (or pyenv install 3.11)\n')
    return (f'Python 3.11, 3.12 or 3.13 is needed (the versions the pin sets were tested '
            f'on); this is Python {sys.version.split()[0]} and no Python 3.11 was found '
            f'(looked at .venv, python3.11 on the PATH, uv, pyenv, asdf'
            f'{", py -3.11" if system == "windows" else ""}'
            f'{", Homebrew, python.org" if system == "darwin" else ""}). Install one:\n'
            f'{how}    or install conda (Miniforge): with conda on the PATH, tasks.py builds '
            f'the environment with conda\'s own Python 3.11.\nThen run the same command '
            f'again. Or skip installing: ' + CONTAINER_HINT[0].lower() + CONTAINER_HINT[1:])


def running_version():
    """``(major, minor)`` of the interpreter running this file."""
    return tuple(sys.version_info[:2])


def uses_conda():
    """Whether set-up will go through conda (which brings its own Python 3.11)."""
    return bool(shutil.which('conda')) and not os.environ.get('D2L_AUTOREC_NO_CONDA')


def ensure_runnable(argv):
    """Make sure an environment command can run here, before anything is installed.

    Stops with a message on a platform without MXNet 1.9.1. Otherwise, when this is not
    Python 3.11 and set-up will not use conda, runs ``tasks.py`` again with a Python 3.11
    found on this machine; where there is none, goes on if this is Python 3.12 or 3.13 (the
    NumPy 2 line), or stops saying how to install a 3.11.

    Parameters
    ----------
    argv : list of str
        ``sys.argv`` of this run.

    Returns
    -------
    int or None
        The exit status of the run with Python 3.11, or None when this interpreter can go on
        (3.11, or 3.12/3.13 with no 3.11 on the machine).
    """
    system, machine = host_platform()
    problem = platform_problem(system, machine)
    if problem:
        print(problem, file=sys.stderr)
        raise SystemExit(3)
    if running_version() == REQUIRED_PYTHON or uses_conda():
        return None
    newer = running_version() in NEWER_PYTHONS
    if newer and os.environ.get(THIS_PYTHON):
        return None
    if os.environ.get(RELAUNCHED):
        if newer:
            return None
        raise SystemExit(f'tasks.py was started again with {sys.executable}, expected to be '
                         f'Python 3.11, but it is Python {sys.version.split()[0]}. Run it '
                         f'with a Python 3.11 directly.')
    python = find_python311(system)
    if python is None and newer:
        print(f'tasks.py: Python {".".join(map(str, running_version()))} and no Python 3.11 '
              f'here: using the NumPy 2 pin set (environment-numpy2.yml)', flush=True)
        return None
    if python is None:
        print(install_python_hint(system), file=sys.stderr)
        raise SystemExit(3)
    print(f'tasks.py: this is Python {sys.version.split()[0]}; running again with Python '
          f'3.11 at {python}', flush=True)
    done = subprocess.run([python, str(ROOT / 'tasks.py'), *argv[1:]],
                          env=dict(os.environ, **{RELAUNCHED: '1'}))
    return done.returncode
