"""The pin sets (environment.yml for Python 3.11, environment-numpy2.yml for 3.12/3.13) are
exact, and the installed stack matches the one of the running Python's line."""
import importlib.metadata as metadata
import importlib.util
import sys

import pytest
import yaml
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location('tasks', ROOT / 'tasks.py')
tasks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tasks)


LINE_FILE = tasks.env_file_for(sys.version_info[:2])
PIN_FILES = [tasks.ENV_FILE, tasks.NUMPY2_ENV_FILE]


def pinned_versions(path=LINE_FILE):
    """``{canonical distribution name: version}`` for every ``name==version`` pin."""
    return {canonicalize_name(name): version for name, version in (
        line.split('==') for line in tasks.read_env_file(path)['pip'] if '==' in line)}


@pytest.mark.parametrize('path', PIN_FILES, ids=lambda p: p.name)
def test_tasks_reads_environment_yml_as_yaml_does(path):
    parsed = yaml.safe_load(path.read_text())
    pip = next(d['pip'] for d in parsed['dependencies'] if isinstance(d, dict))
    python = next(d for d in parsed['dependencies'] if str(d).startswith('python='))
    ours = tasks.read_env_file(path)
    assert ours == {'name': parsed['name'], 'python': python.split('=')[1], 'pip': pip}


@pytest.mark.parametrize('path', PIN_FILES, ids=lambda p: p.name)
def test_every_requirement_is_pinned_exactly(path):
    loose = [line for line in tasks.read_env_file(path)['pip']
             if line != '-e .' and '==' not in line]
    assert not loose, f'unpinned requirements in {path.name}: {loose}'
    for name in ('mxnet', 'd2l', 'numpy', 'pandas', 'matplotlib', 'nbval', 'pytest',
                 'ipython', 'ipykernel', 'ruff'):
        assert name in pinned_versions(path), f'{name} is not pinned in {path.name}'


def test_installed_versions_match_the_pins():
    pins = pinned_versions()
    drift = {}
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            drift[name] = (version, installed)
    assert not drift, (f'installed versions drift from {LINE_FILE.name} (pinned, installed): '
                       f'{drift}. Rebuild the environment: python3 tasks.py setup')


def test_python_is_one_of_the_supported_lines():
    running = f'{sys.version_info.major}.{sys.version_info.minor}'
    if LINE_FILE == tasks.ENV_FILE:
        assert running == tasks.read_env_file()['python']
    else:
        assert sys.version_info[:2] in tasks.launcher.NEWER_PYTHONS


def test_each_line_has_its_numpy():
    """3.11: NumPy 1.23 (MXNet 1.9.1's own range; d2l pins 1.23.5). 3.12/3.13: NumPy 2,
    which MXNet imports only through d2l_ext/_compat.py."""
    import numpy
    major_minor = tuple(int(x) for x in numpy.__version__.split('.')[:2])
    if LINE_FILE == tasks.ENV_FILE:
        assert major_minor < (1, 24)
    else:
        assert major_minor >= (2, 0)
