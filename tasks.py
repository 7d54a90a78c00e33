"""Set up, run the walkthrough, and test the AutoRec teaching package.

Usage (from the repository's root, with any Python 3)::

    python3 tasks.py walkthrough   # set up if needed, execute the walkthrough notebook
    python3 tasks.py test          # set up if needed, run unit tests and nbval
    python3 tasks.py slides        # build every notebook's slide deck into output/slides/
    python3 tasks.py student       # student notebooks (no solutions) into output/student/
    python3 tasks.py setup         # only build the environment and register the kernel
    python3 tasks.py check-platform [--platform linux-aarch64]
                                   # does every pin have a wheel for that platform?

MXNet 1.9.1 and d2l 1.0.3 need Python 3.11. When the interpreter running this file is
another Python 3, the four environment commands find a 3.11 (``.venv``'s, ``python3.11`` on
the PATH, ``py -3.11`` on Windows, uv-, pyenv- or asdf-managed ones, Homebrew's and
python.org's) and run this file again with it; with ``conda`` on the PATH none is needed,
conda brings its own. On a platform without an MXNet 1.9.1 build (macOS on Apple Silicon,
Windows) they stop before pip runs and point at the container (``docker/Dockerfile``) and,
on Windows, WSL2.

Set-up reads ``environment.yml``, the one place versions are pinned. Where ``conda`` is on
the PATH it runs ``conda env create -f environment.yml``; elsewhere it creates ``.venv``
with the standard library's ``venv`` and installs exactly the pins of the yml's pip
section. It is safe to repeat: a stamp of the yml's hash skips work already done.

This file uses only the standard library, so it runs before anything is installed.
"""
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ENV_FILE = ROOT / 'environment.yml'
# The container keeps the environment outside the (mounted) work tree: D2L_AUTOREC_VENV.
VENV = Path(os.environ.get('D2L_AUTOREC_VENV') or ROOT / '.venv')
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
        python = conda_python(spec, digest)
    else:
        python = venv_python(spec, digest)
    if host_platform() == ('linux', 'aarch64'):
        link_mxnet_blas(site_packages_of(python))
    return python


def venv_python(spec, digest):
    """Create ``.venv`` with pip and install exactly the pins of ``environment.yml``."""
    if sys.version_info[:2] != (3, 11):
        raise SystemExit(f'Python 3.11 is required (mxnet 1.9.1 and d2l 1.0.3 need it); this '
                         f'is Python {sys.version.split()[0]}. Run `python3 tasks.py ...`, which '
                         f'looks for a Python 3.11 and says how to install one if there is none.')
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


# --------------------------------------------------------------------------------------
# Platforms: where MXNet 1.9.1 runs, finding a Python 3.11, and checking the pins' wheels
# --------------------------------------------------------------------------------------

REQUIRED_PYTHON = (3, 11)
RELAUNCHED = 'D2L_AUTOREC_RELAUNCHED'
ENV_COMMANDS = ('setup', 'walkthrough', 'test', 'slides', 'student')
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
    return (f'Python 3.11 is needed (mxnet 1.9.1 and d2l 1.0.3 do not install on other '
            f'versions); this is Python {sys.version.split()[0]} and no Python 3.11 was found '
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
    found on this machine, or stops saying how to install one.

    Parameters
    ----------
    argv : list of str
        ``sys.argv`` of this run.

    Returns
    -------
    int or None
        The exit status of the run with Python 3.11, or None when this interpreter can go on.
    """
    system, machine = host_platform()
    problem = platform_problem(system, machine)
    if problem:
        print(problem, file=sys.stderr)
        raise SystemExit(3)
    if running_version() == REQUIRED_PYTHON or uses_conda():
        return None
    if os.environ.get(RELAUNCHED):
        raise SystemExit(f'tasks.py was started again with {sys.executable}, expected to be '
                         f'Python 3.11, but it is Python {sys.version.split()[0]}. Run it '
                         f'with a Python 3.11 directly.')
    python = find_python311(system)
    if python is None:
        print(install_python_hint(system), file=sys.stderr)
        raise SystemExit(3)
    print(f'tasks.py: this is Python {sys.version.split()[0]}; running again with Python '
          f'3.11 at {python}', flush=True)
    done = subprocess.run([python, str(ROOT / 'tasks.py'), *argv[1:]],
                          env=dict(os.environ, **{RELAUNCHED: '1'}))
    return done.returncode


def requirement_lines(editable=True):
    """The pip section of ``environment.yml`` (without ``-e .`` when ``editable`` is False)."""
    lines = read_env_file()['pip']
    return lines if editable else [line for line in lines if not line.startswith('-e')]


# Wheel platform tags each target accepts, as pip on that machine would with CPython 3.11.
# Linux targets are Debian bookworm's (glibc 2.36), the container's base image.
GLIBC = (2, 36)


def manylinux_tags(arch, glibc=GLIBC):
    """Return the manylinux tags a Linux machine with this glibc accepts for ``arch``."""
    tags = [f'manylinux_2_{minor}_{arch}' for minor in range(glibc[1], 16, -1)]
    tags.append(f'manylinux2014_{arch}')
    if arch == 'x86_64':
        tags += ['manylinux_2_12_x86_64', 'manylinux2010_x86_64', 'manylinux_2_5_x86_64',
                 'manylinux1_x86_64']
    return tags


def macos_tags(arch):
    """Return the macOS tags a current macOS accepts for ``arch`` (``x86_64`` or ``arm64``)."""
    versions = [f'{major}_0' for major in range(15, 10, -1)] + [
        f'10_{minor}' for minor in range(16, 8, -1)]
    if arch == 'arm64':
        return ([f'macosx_{v}_arm64' for v in versions if not v.startswith('10_')]
                + [f'macosx_{v}_universal2' for v in versions])
    return [f'macosx_{v}_{suffix}' for v in versions
            for suffix in ('x86_64', 'universal2', 'intel', 'universal')]


TARGETS = {
    'linux-x86_64': manylinux_tags('x86_64'),
    'linux-aarch64': manylinux_tags('aarch64'),
    'macos-x86_64': macos_tags('x86_64'),
    'macos-arm64': macos_tags('arm64'),
    'windows-amd64': ['win_amd64'],
}


def pip_platform_args(target):
    """pip options that make pip choose wheels as on ``target`` with CPython 3.11.

    Each accepted platform tag is passed (pip does not expand ``manylinux_2_X`` to older
    glibc versions itself): with ``manylinux2014_aarch64`` alone, wheels that need glibc
    2.26 or 2.28 (argon2-cffi-bindings 26.2.0, pillow 13.0.0) look missing, though a
    bookworm machine installs them.
    """
    if target not in TARGETS:
        raise SystemExit(f'unknown platform {target!r}; expected one of {", ".join(TARGETS)}')
    args = ['--only-binary=:all:', '--python-version', '.'.join(map(str, TARGET_PYTHON)),
            '--implementation', 'cp',
            '--abi', 'cp311']
    for tag in TARGETS[target]:
        args += ['--platform', tag]
    return args


def wheel_fits(filename, target):
    """Whether a wheel file name is installable on ``target`` by CPython 3.11 (PEP 425)."""
    parts = filename[:-len('.whl')].split('-')
    if not filename.endswith('.whl') or len(parts) < 5:
        return False
    interpreters, abis, platforms = (set(p.split('.')) for p in parts[-3:])
    accepted = set(TARGETS[target]) | {'any'}
    if not platforms & accepted:
        return False
    cpython_ok = {'cp311'} | {f'cp3{m}' for m in range(2, 12)} if 'abi3' in abis else {'cp311'}
    if abis & {'cp311', 'abi3'} and interpreters & cpython_ok:
        return True
    return 'none' in abis and bool(interpreters & {'py3', 'py311', 'cp311', *(
        f'py3{m}' for m in range(0, 12))})


INDEX_URL = 'https://pypi.org/simple'


TARGET_PYTHON = (3, 11, 0)   # the oldest 3.11 must work: Debian 12 ships 3.11.2


def python_allowed(requires_python, version=TARGET_PYTHON):
    """Whether a ``Requires-Python`` specifier (e.g. ``'>=3.8,<3.12'``) admits ``version``.

    Handles the comparison operators (``>=``, ``>``, ``<=``, ``<``, ``==``, ``!=``, ``~=``)
    and ``.*`` wildcards, which is what the index's files use; None or '' admits anything.
    """
    for clause in filter(None, (c.strip() for c in (requires_python or '').split(','))):
        match = re.fullmatch(r'(~=|==|!=|<=|>=|<|>)\s*([\d.]+)(\.\*)?', clause)
        if not match:
            continue
        op, number, wildcard = match.groups()
        bound = tuple(int(x) for x in number.split('.'))
        compatible = version[:len(bound) - 1] == bound[:len(bound) - 1]   # for ~=
        have = version[:len(bound)] if wildcard else version
        if not wildcard:
            bound = bound + (0,) * (3 - len(bound))
        ok = {'>=': have >= bound, '>': have > bound, '<=': have <= bound, '<': have < bound,
              '==': have == bound, '!=': have != bound, '~=': have >= bound and compatible}[op]
        if not ok:
            return False
    return True


def index_files(name, index_url=INDEX_URL):
    """Return ``{file name: Requires-Python}`` the index lists for a project, or None.

    Uses the index's JSON form (PEP 691); raises ``OSError`` when the index cannot be read.
    """
    request = urllib.request.Request(f'{index_url.rstrip("/")}/{normalise(name)}/',
                                     headers={'Accept': 'application/vnd.pypi.simple.v1+json'})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return {f['filename']: f.get('requires-python')
                    for f in json.load(response)['files'] if not f.get('yanked')}
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def file_version(filename, name):
    """The version in a wheel or sdist file name of project ``name``, or None."""
    stem = re.sub(r'\.(whl|tar\.gz|zip|tar\.bz2|egg)$', '', filename)
    prefix = re.sub(r'[-_.]+', '_', name).lower() + '-'
    flat = re.sub(r'[-_.]+', '_', stem.split('-')[0]).lower() + '-' + '-'.join(stem.split('-')[1:])
    if not flat.startswith(prefix):
        return None
    return flat[len(prefix):].split('-')[0]


def classify_pin(name, version, files, target):
    """Tell a pin's state on ``target`` from the files the index lists.

    Returns
    -------
    tuple of (str, str)
        ``(state, detail)`` with ``state`` one of ``'wheel'`` (installable, detail = the
        wheel), ``'python'`` (files for the target exist but their ``Requires-Python``
        excludes Python 3.11.0), ``'sdist-only'`` (no wheel for the target, but a source
        archive pip could build with a compiler), ``'no-build'`` (the version is on the
        index, with no file for the target: a missing build), ``'not-on-index'`` (the
        index lists no file of this
        version, or no such project: a missing file, which another index may have).
    """
    if files is None:
        return 'not-on-index', f'the index has no project {name!r}'
    mine = [f for f in files if file_version(f, name) == version]
    if not mine:
        others = sorted({file_version(f, name) for f in files} - {None})
        return 'not-on-index', (f'no file of version {version} on the index (it lists '
                                f'{len(others)} other versions, e.g. {", ".join(others[-3:])})')
    if isinstance(files, dict):
        too_new = {f: files[f] for f in mine if not python_allowed(files[f])}
        mine = [f for f in mine if f not in too_new]
        if too_new and not mine:
            return 'python', (f'{version} requires Python {next(iter(too_new.values()))}; '
                              f'Python {".".join(map(str, TARGET_PYTHON))} is not admitted')
    fitting = [f for f in mine if wheel_fits(f, target)]
    if fitting:
        return 'wheel', min(fitting, key=len)
    sdists = [f for f in mine if not f.endswith('.whl')]
    if sdists:
        return 'sdist-only', f'no {target} wheel; source archive {sdists[0]} needs a compiler'
    return 'no-build', (f'{len(mine)} files of {version} on the index, none for {target} '
                        f'(a missing build, not a missing file)')


def pip_agrees(pins, target, timeout=600):
    """Ask pip itself, in one dry run, to install ``pins`` as on ``target``.

    Returns
    -------
    tuple of (bool, str)
        Whether pip resolved all of them, and the last line(s) it printed.
    """
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / 'requirements.txt'
        requirements.write_text('\n'.join(pins) + '\n')
        cmd = [sys.executable, '-m', 'pip', 'install', '--dry-run', '--no-deps',
               '--ignore-installed', '--disable-pip-version-check', '--target',
               str(Path(tmp) / 'target'), *pip_platform_args(target), '-r', str(requirements)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return False, f'pip did not finish within {timeout} s'
    lines = [line for line in (done.stdout + done.stderr).splitlines()
             if line.strip() and 'is ignored: it is neither a file nor a directory' not in line]
    would = [line for line in lines if line.startswith('Would install')]
    if done.returncode == 0 and would:
        return True, f'{len(would[0].split()) - 2} distributions would be installed'
    return done.returncode == 0, ' / '.join(lines[-3:])


def check_platform(target, use_pip=True, index_url=INDEX_URL):
    """Check that every pin of ``environment.yml`` installs on ``target`` from wheels.

    Reads each pinned project's file list from the index (in parallel), classifies each pin
    (:func:`classify_pin`), prints one line per pin and a summary, then, if ``use_pip``,
    confirms with one ``pip install --dry-run`` using :func:`pip_platform_args`.

    Returns
    -------
    dict
        ``{pin: (state, detail)}``, plus ``'pip'``: ``(ok, message)`` or None.
    """
    pins = [line for line in requirement_lines(editable=False) if '==' in line]
    start = time.monotonic()

    def look(pin):
        name, version = pin.split('==')
        try:
            return pin, classify_pin(name, version, index_files(name, index_url), target)
        except OSError as error:
            return pin, ('unreachable', f'could not read the index: {error}')

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(pool.map(look, pins))
    print(f'{target}: CPython {".".join(map(str, TARGET_PYTHON))}, {len(TARGETS[target])} '
          f'platform tags ({TARGETS[target][0]}, ...), index {index_url}')
    width = max(len(pin) for pin in pins)
    for pin, (state, detail) in results.items():
        print(f'  {pin:<{width}}  {state:<12}  {detail}')
    counts = {}
    for state, _ in results.values():
        counts[state] = counts.get(state, 0) + 1
    print(f'{target}: {len(pins)} pins: ' + ', '.join(f'{n} {s}' for s, n in sorted(
        counts.items())) + f' ({time.monotonic() - start:.1f} s)')
    results['pip'] = None
    if use_pip:
        # pip confirms the pins whose wheel is specific to a platform (or that have none);
        # pure-Python wheels (py3-none-any) install everywhere their Requires-Python allows,
        # which the index check above has already read.
        specific = [pin for pin in pins if not (results[pin][0] == 'wheel' and
                                                results[pin][1].endswith('-none-any.whl'))]
        start = time.monotonic()
        ok, message = pip_agrees(specific, target)
        results['pip'] = (ok, message)
        print(f'{target}: pip install --dry-run of the {len(specific)} platform-specific '
              f'pins {"succeeded" if ok else "FAILED"} ({time.monotonic() - start:.1f} s): '
              f'{message}')
    return results


def check_platform_command(args):
    """``tasks.py check-platform [--platform NAME] [--no-pip]``; exit 0 if all pins install."""
    target = args[args.index('--platform') + 1] if '--platform' in args else 'linux-aarch64'
    if target not in TARGETS:
        raise SystemExit(f'unknown platform {target!r}; expected one of {", ".join(TARGETS)}')
    results = check_platform(target, use_pip='--no-pip' not in args)
    pip_result = results.pop('pip')
    ok = all(state == 'wheel' for state, _ in results.values()) and (
        pip_result is None or pip_result[0])
    return 0 if ok else 1


# mxnet 1.9.1's aarch64 wheel links libmxnet.so against Arm Performance Libraries
# (libarmpl_lp64_mp.so, libamath.so, libastring.so) without shipping them, so `import mxnet`
# fails with "libarmpl_lp64_mp.so: cannot open shared object file". What libmxnet.so needs
# from them is BLAS, LAPACK and LAPACKE (the rest, exp or memcpy, comes from libm and libc),
# and scipy's wheel ships an OpenBLAS that exports every one of those names.
ARMPL_NAMES = ('libarmpl_lp64_mp.so', 'libamath.so', 'libastring.so')


def site_packages_of(python):
    """Return the folder holding the environment's ``mxnet`` package (without importing it)."""
    done = subprocess.run([str(python), '-c', 'import importlib.util as u; '
                           'print(u.find_spec("mxnet").submodule_search_locations[0])'],
                          capture_output=True, text=True, check=True)
    return Path(done.stdout.strip()).parent


def link_mxnet_blas(site_dir):
    """Give an aarch64 ``mxnet`` the libraries its wheel lacks, as links to scipy's OpenBLAS.

    Creates, in ``site_dir/mxnet`` (which libmxnet.so searches first, its RPATH being
    ``$ORIGIN``), the three Arm Performance Libraries names and OpenBLAS's own libgfortran as
    relative symbolic links into ``site_dir/scipy.libs``. Does nothing where mxnet's library
    does not ask for them (x86-64) or where they exist. Returns the links made.
    """
    mxnet_dir, scipy_libs = Path(site_dir) / 'mxnet', Path(site_dir) / 'scipy.libs'
    library = mxnet_dir / 'libmxnet.so'
    if not library.exists() or b'libarmpl_lp64_mp.so' not in library.read_bytes():
        return []
    openblas = sorted(scipy_libs.glob('libopenblas*.so*'))
    gfortran = sorted(scipy_libs.glob('libgfortran*.so*'))
    if not openblas or not gfortran:
        raise SystemExit(f'{library} needs Arm Performance Libraries, to be replaced by '
                         f'scipy\'s OpenBLAS, but {scipy_libs} holds no libopenblas*/'
                         f'libgfortran*: install the pinned scipy first (tasks.py setup).')
    made = []
    for name, target in [*((n, openblas[0]) for n in ARMPL_NAMES), (gfortran[0].name,
                                                                     gfortran[0])]:
        link = mxnet_dir / name
        if not link.exists():
            link.symlink_to(os.path.relpath(target, mxnet_dir))
            made.append(link)
    if made:
        print(f'linked {", ".join(l.name for l in made)} in {mxnet_dir} to scipy\'s '
              f'OpenBLAS (mxnet 1.9.1 on aarch64 needs Arm Performance Libraries otherwise)')
    return made


def register_current_kernel():
    """Register this interpreter's environment as the notebooks' kernel (Binder's postBuild)."""
    register_kernel(Path(sys.executable))


def main(argv):
    """Run the command named by ``argv[1]``; print the usage and return 2 if there is none.

    The environment commands first check the platform and the interpreter
    (:func:`ensure_runnable`), so nothing is installed where it cannot work.
    """
    args = argv[2:]
    commands = {'setup': lambda: print(f'environment ready: {env_python()}'),
                'walkthrough': walkthrough, 'test': lambda: test(args),
                'slides': slides, 'student': student,
                'check-platform': lambda: check_platform_command(args),
                'requirements': lambda: print('\n'.join(
                    requirement_lines(editable='--no-editable' not in args))),
                'pip-platform-args': lambda: print(' '.join(
                    pip_platform_args(args[0] if args else 'linux-aarch64'))),
                'register-kernel': register_current_kernel,
                'link-mxnet-blas': lambda: link_mxnet_blas(args[0] if args else
                                                           site_packages_of(sys.executable))}
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__)
        return 2
    if argv[1] in ENV_COMMANDS:
        relaunched = ensure_runnable(argv)
        if relaunched is not None:
            return relaunched
    status = commands[argv[1]]()
    return status if isinstance(status, int) else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
