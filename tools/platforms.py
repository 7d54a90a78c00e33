"""Does every pin of ``environment.yml`` install on a platform from wheels?

For each ``name==version`` pin, the package index's file list is read (PEP 691 JSON, in
parallel) and classified for the target machine with CPython 3.11.0: a wheel that fits, a
``Requires-Python`` that excludes 3.11.0, only a source archive, a version with no file for
the target (a missing build), or no such file at all (a missing file). Then one
``pip install --dry-run`` with the target's platform tags confirms it. Tags, wheel names
and specifiers are read with ``packaging`` (pinned in environment.yml).

Command line (from the repository's root, with the environment's Python)::

    python -m tools.platforms check [--platform linux-aarch64] [--no-pip]
    python -m tools.platforms requirements [--no-editable]   # the pip section, one a line
    python -m tools.platforms pip-args [linux-aarch64]       # pip's options for a target

``python3 tasks.py check-platform [--platform NAME]`` runs the first.
"""
import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet
from packaging.tags import compatible_tags, cpython_tags, mac_platforms
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

__all__ = ['TARGETS', 'requirement_lines', 'pip_platform_args', 'wheel_fits',
           'python_allowed', 'index_files', 'classify_pin', 'check_platform']

ROOT = Path(__file__).resolve().parents[1]
ENV_FILE = ROOT / 'environment.yml'
INDEX_URL = 'https://pypi.org/simple'
TARGET_PYTHON = (3, 11, 0)   # the oldest 3.11 must work: Debian 12 ships 3.11.2
# Linux targets are Debian bookworm's (glibc 2.36), the container's base image.
GLIBC = (2, 36)


def manylinux_tags(arch, glibc=GLIBC):
    """The manylinux platform tags a Linux machine with this glibc accepts for ``arch``.

    ``packaging`` derives these from the running machine's glibc only, so the list for
    another machine is written out: every ``manylinux_2_X`` down to 2.17, the legacy
    aliases, and for x86-64 the older ones.
    """
    tags = [f'manylinux_2_{minor}_{arch}' for minor in range(glibc[1], 16, -1)]
    tags.append(f'manylinux2014_{arch}')
    if arch == 'x86_64':
        tags += ['manylinux_2_12_x86_64', 'manylinux2010_x86_64', 'manylinux_2_5_x86_64',
                 'manylinux1_x86_64']
    return tags


#: Platform tags each target accepts, as pip on that machine would, newest first.
TARGETS = {
    'linux-x86_64': manylinux_tags('x86_64'),
    'linux-aarch64': manylinux_tags('aarch64'),
    'macos-x86_64': list(mac_platforms((15, 0), 'x86_64')),
    'macos-arm64': list(mac_platforms((15, 0), 'arm64')),
    'windows-amd64': ['win_amd64'],
}


def _target(target):
    if target not in TARGETS:
        raise SystemExit(f'unknown platform {target!r}; expected one of {", ".join(TARGETS)}')
    return target


def supported_tags(target):
    """The set of wheel tags CPython 3.11 installs on ``target`` (``packaging.tags.Tag``)."""
    platforms = TARGETS[_target(target)]
    python = TARGET_PYTHON[:2]
    return (set(cpython_tags(python, abis=['cp311'], platforms=platforms))
            | set(compatible_tags(python, interpreter='cp311', platforms=platforms)))


def requirement_lines(editable=True):
    """The pip section of ``environment.yml`` (without ``-e .`` when ``editable`` is False)."""
    spec = yaml.safe_load(ENV_FILE.read_text())
    lines = next(d['pip'] for d in spec['dependencies'] if isinstance(d, dict))
    return lines if editable else [line for line in lines if not line.startswith('-e')]


def pip_platform_args(target):
    """pip options that make pip choose wheels as on ``target`` with CPython 3.11.

    Each accepted platform tag is passed (pip does not expand ``manylinux_2_X`` to older
    glibc versions itself): with ``manylinux2014_aarch64`` alone, wheels that need glibc
    2.26 or 2.28 (argon2-cffi-bindings 26.2.0, pillow 13.0.0) look missing, though a
    bookworm machine installs them.
    """
    args = ['--only-binary=:all:', '--python-version', '.'.join(map(str, TARGET_PYTHON)),
            '--implementation', 'cp', '--abi', 'cp311']
    for tag in TARGETS[_target(target)]:
        args += ['--platform', tag]
    return args


def wheel_fits(filename, target):
    """Whether a wheel file name is installable on ``target`` by CPython 3.11 (PEP 425)."""
    try:
        _, _, _, tags = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return False
    return bool(tags & supported_tags(target))


def python_allowed(requires_python, version=TARGET_PYTHON):
    """Whether a ``Requires-Python`` specifier (e.g. ``'>=3.8,<3.12'``) admits ``version``;
    None or '' admits anything."""
    return SpecifierSet(requires_python or '').contains(
        Version('.'.join(map(str, version))), prereleases=True)


def index_files(name, index_url=INDEX_URL):
    """Return ``{file name: Requires-Python}`` the index lists for a project, or None.

    Uses the index's JSON form (PEP 691); raises ``OSError`` when the index cannot be read.
    """
    request = urllib.request.Request(f'{index_url.rstrip("/")}/{canonicalize_name(name)}/',
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
    """The version in a wheel or sdist file name of project ``name`` (a string), or None."""
    try:
        if filename.endswith('.whl'):
            project, version, *_ = parse_wheel_filename(filename)
        else:
            project, version = parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None
    return str(version) if project == canonicalize_name(name) else None


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
        index lists no file of this version, or no such project: a missing file, which
        another index may have).
    """
    if files is None:
        return 'not-on-index', f'the index has no project {name!r}'
    version = str(Version(version))
    mine = [f for f in files if file_version(f, name) == version]
    if not mine:
        others = sorted({file_version(f, name) for f in files} - {None}, key=Version)
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
    _target(target)
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


def main(argv=None):
    """Command line; see the module's docstring. Returns the exit status."""
    parser = argparse.ArgumentParser(prog='python -m tools.platforms', description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='command', required=True)
    check = commands.add_parser('check', help='check every pin against the index')
    check.add_argument('--platform', default='linux-aarch64', choices=sorted(TARGETS))
    check.add_argument('--no-pip', action='store_true', help='skip the pip dry run')
    lines = commands.add_parser('requirements', help="environment.yml's pip section")
    lines.add_argument('--no-editable', action='store_true', help='leave out -e .')
    pip_args = commands.add_parser('pip-args', help="pip's options for a platform")
    pip_args.add_argument('platform', nargs='?', default='linux-aarch64',
                          choices=sorted(TARGETS))
    args = parser.parse_args(argv)
    if args.command == 'requirements':
        print('\n'.join(requirement_lines(editable=not args.no_editable)))
    elif args.command == 'pip-args':
        print(' '.join(pip_platform_args(args.platform)))
    else:
        results = check_platform(args.platform, use_pip=not args.no_pip)
        pip_result = results.pop('pip')
        ok = all(state == 'wheel' for state, _ in results.values())
        return 0 if ok and (pip_result is None or pip_result[0]) else 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
