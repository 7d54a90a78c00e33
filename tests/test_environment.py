"""environment.yml is the one place versions are pinned: the installed stack must match it."""
import importlib.metadata as metadata
import importlib.util
import sys

import yaml
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location('tasks', ROOT / 'tasks.py')
tasks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tasks)


def pinned_versions():
    """``{canonical distribution name: version}`` for every ``name==version`` pin."""
    return {canonicalize_name(name): version for name, version in (
        line.split('==') for line in tasks.read_env_file()['pip'] if '==' in line)}


def test_tasks_reads_environment_yml_as_yaml_does():
    parsed = yaml.safe_load((ROOT / 'environment.yml').read_text())
    pip = next(d['pip'] for d in parsed['dependencies'] if isinstance(d, dict))
    python = next(d for d in parsed['dependencies'] if str(d).startswith('python='))
    ours = tasks.read_env_file()
    assert ours == {'name': parsed['name'], 'python': python.split('=')[1], 'pip': pip}


def test_every_requirement_is_pinned_exactly():
    loose = [line for line in tasks.read_env_file()['pip']
             if line != '-e .' and '==' not in line]
    assert not loose, f'unpinned requirements in environment.yml: {loose}'
    for name in ('mxnet', 'd2l', 'numpy', 'pandas', 'matplotlib', 'jupyter', 'nbval',
                 'pytest', 'ipython'):
        assert name in pinned_versions(), f'{name} is not pinned'


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
    assert not drift, ('installed versions drift from environment.yml (pinned, installed): '
                       f'{drift}. Rebuild the environment: python3.11 tasks.py setup')


def test_python_is_the_pinned_minor_version():
    assert f'{sys.version_info.major}.{sys.version_info.minor}' == tasks.read_env_file()['python']


def test_the_mxnet_numpy_pitfall_is_avoided():
    """MXNet 1.9.1 breaks on numpy >= 1.24 (np.bool); d2l pins 1.23.5."""
    import numpy
    assert tuple(int(x) for x in numpy.__version__.split('.')[:2]) < (1, 24)
