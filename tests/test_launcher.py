"""tasks.py's launcher (tools/launcher.py) on every platform, with the platform faked.

`sys.platform`, `platform.machine`, `shutil.which` and `subprocess.run` are replaced, so
these tests run the real branches of `tasks.main` for macOS on Apple Silicon, Windows,
machines whose Python is not 3.11, and the ways a Python 3.11 is found, on any machine.
Nothing is installed and nothing is run for real, except where a test says so.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_environment import tasks
from tools import launcher


class FakeMachine:
    """A fake of what tasks.py asks the machine: platform, PATH and the commands it runs.

    Parameters
    ----------
    monkeypatch : pytest.MonkeyPatch
    system : str
        The fake ``sys.platform`` (``'linux'``, ``'darwin'``, ``'win32'``).
    machine : str
        The fake ``platform.machine()`` (``'x86_64'``, ``'arm64'``, ``'AMD64'``, ...).
    version : tuple of int
        The fake version of the interpreter running tasks.py.
    on_path : dict
        ``{command name: path}`` that ``shutil.which`` finds; others are not found.
    interpreters : dict
        ``{path: (major, minor)}``: what running ``path -c ...`` reports.
    outputs : dict
        ``{tuple(cmd): stdout}`` for other commands (``py -3.11 ...``, ``uv python find``).
    """

    def __init__(self, monkeypatch, tmp_path, system='linux', machine='x86_64',
                 version=(3, 12), on_path=None, interpreters=None, outputs=None):
        self.calls, self.interpreters = [], dict(interpreters or {})
        self.outputs = dict(outputs or {})
        on_path = dict(on_path or {})
        for path in self.interpreters:         # interpreters exist as files
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            Path(path).write_text('')
        monkeypatch.setattr(launcher.sys, 'platform', system)
        monkeypatch.setattr(launcher.platform, 'machine', lambda: machine)
        monkeypatch.setattr(launcher, 'under_rosetta', lambda: False)
        monkeypatch.setattr(launcher, 'running_version', lambda: tuple(version))
        monkeypatch.setattr(launcher.shutil, 'which', lambda name: on_path.get(name))
        monkeypatch.setattr(launcher.subprocess, 'run', self.run)
        monkeypatch.setattr(launcher, 'VENV', tmp_path / 'no-venv')
        monkeypatch.setattr(launcher.Path, 'home', staticmethod(lambda: tmp_path / 'home'))
        for name in ('PYENV_ROOT', 'ASDF_DATA_DIR', 'LOCALAPPDATA', launcher.RELAUNCHED,
                     'D2L_AUTOREC_NO_CONDA', launcher.THIS_PYTHON):
            monkeypatch.delenv(name, raising=False)
        self.setups = []
        monkeypatch.setattr(tasks, 'env_python', self.env_python)

    def env_python(self):
        """Stands for set-up (which would run pip): records that it was reached."""
        self.setups.append(True)
        return Path('/env/bin/python')

    def run(self, cmd, **kwargs):
        """Stands for subprocess.run: answers version queries, records everything."""
        cmd = [str(c) for c in cmd]
        self.calls.append((cmd, kwargs))
        if len(cmd) == 3 and cmd[1] == '-c' and 'version_info' in cmd[2]:
            version = self.interpreters.get(cmd[0])
            if version is None:
                return subprocess.CompletedProcess(cmd, 1, '', 'pyenv: version not installed')
            return subprocess.CompletedProcess(cmd, 0, f'{version[0]} {version[1]}\n', '')
        if tuple(cmd) in self.outputs:
            return subprocess.CompletedProcess(cmd, 0, self.outputs[tuple(cmd)] + '\n', '')
        if len(cmd) > 1 and cmd[1].endswith('tasks.py'):
            return subprocess.CompletedProcess(cmd, 7, '', '')      # the relaunched run
        return subprocess.CompletedProcess(cmd, 1, '', 'not faked')

    def commands_run(self):
        """Every command line run, as strings."""
        return [' '.join(cmd) for cmd, _ in self.calls]


# --- Platforms without MXNet 1.9.1: stop before anything is installed ----------------------

@pytest.mark.parametrize('command', ['setup', 'walkthrough', 'test', 'slides'])
def test_apple_silicon_stops_before_pip_and_points_at_the_container(monkeypatch, tmp_path,
                                                                    capsys, command):
    fake = FakeMachine(monkeypatch, tmp_path, system='darwin', machine='arm64',
                       version=(3, 11), on_path={'python3.11': '/usr/local/bin/python3.11'})
    with pytest.raises(SystemExit) as stop:
        tasks.main(['tasks.py', command])
    assert stop.value.code == 3
    assert fake.setups == [] and fake.calls == []        # no pip, no venv, nothing run
    err = capsys.readouterr().err
    assert 'Apple Silicon' in err and 'mxnet 1.6.0' in err and 'not a mach-o file' in err
    assert 'docker build -f docker/Dockerfile -t d2l-autorec .' in err
    assert 'Reopen in Container' in err and 'Binder' in err


def test_an_x86_python_under_rosetta_counts_as_apple_silicon(monkeypatch, tmp_path, capsys):
    fake = FakeMachine(monkeypatch, tmp_path, system='darwin', machine='x86_64',
                       version=(3, 11))
    monkeypatch.setattr(launcher, 'under_rosetta', lambda: True)
    with pytest.raises(SystemExit):
        tasks.main(['tasks.py', 'test'])
    assert fake.setups == [] and 'Apple Silicon' in capsys.readouterr().err


def test_windows_stops_before_pip_and_points_at_wsl2_and_the_container(monkeypatch, tmp_path,
                                                                       capsys):
    fake = FakeMachine(monkeypatch, tmp_path, system='win32', machine='AMD64',
                       version=(3, 12), on_path={'py': r'C:\Windows\py.exe'})
    with pytest.raises(SystemExit) as stop:
        tasks.main(['tasks.py', 'walkthrough'])
    assert stop.value.code == 3 and fake.setups == [] and fake.calls == []
    err = capsys.readouterr().err
    assert 'Windows' in err and '1.7' in err and 'apache/mxnet#21180' in err
    assert 'wsl --install' in err and 'python3 tasks.py walkthrough' in err
    assert 'docker build -f docker/Dockerfile' in err


def test_other_architectures_are_refused_with_the_supported_list(monkeypatch, tmp_path,
                                                                 capsys):
    FakeMachine(monkeypatch, tmp_path, system='linux', machine='ppc64le', version=(3, 11))
    with pytest.raises(SystemExit):
        tasks.main(['tasks.py', 'setup'])
    err = capsys.readouterr().err
    assert 'ppc64le' in err and 'Linux aarch64' in err and 'macOS x86-64' in err


@pytest.mark.parametrize('system, machine, expected', [
    ('linux', 'x86_64', ('linux', 'x86_64')), ('linux', 'aarch64', ('linux', 'aarch64')),
    ('darwin', 'arm64', ('darwin', 'aarch64')), ('darwin', 'x86_64', ('darwin', 'x86_64')),
    ('win32', 'AMD64', ('windows', 'x86_64')), ('win32', 'ARM64', ('windows', 'aarch64'))])
def test_host_platform_normalises_names(monkeypatch, tmp_path, system, machine, expected):
    FakeMachine(monkeypatch, tmp_path, system=system, machine=machine)
    assert launcher.host_platform() == expected
    supported = expected in {('linux', 'x86_64'), ('linux', 'aarch64'), ('darwin', 'x86_64')}
    assert (launcher.platform_problem(*expected) is None) == supported


# --- Supported platforms, interpreter not 3.11: find one and run again with it ---------------

def test_python311_on_the_path_runs_tasks_again_with_the_same_arguments(monkeypatch, tmp_path,
                                                                        capsys):
    py311 = str(tmp_path / 'bin' / 'python3.11')
    fake = FakeMachine(monkeypatch, tmp_path, version=(3, 12), on_path={'python3.11': py311},
                       interpreters={py311: (3, 11)})
    status = tasks.main(['tasks.py', 'test', '-k', 'chapter'])
    assert status == 7                                  # the relaunched run's status
    relaunch, kwargs = fake.calls[-1]
    assert relaunch == [py311, str(ROOT / 'tasks.py'), 'test', '-k', 'chapter']
    assert kwargs['env'][launcher.RELAUNCHED] == '1'
    assert fake.setups == []                            # set-up runs in the 3.11 process only
    assert f'running again with Python 3.11 at {py311}' in capsys.readouterr().out


def test_a_shim_that_is_not_311_is_skipped_for_a_pyenv_install(monkeypatch, tmp_path):
    shim = str(tmp_path / 'shims' / 'python3.11')
    pyenv_311 = str(tmp_path / 'pyenv' / 'versions' / '3.11.9' / 'bin' / 'python3.11')
    fake = FakeMachine(monkeypatch, tmp_path, version=(3, 13), on_path={'python3.11': shim},
                       interpreters={shim: None, pyenv_311: (3, 11)})
    monkeypatch.setenv('PYENV_ROOT', str(tmp_path / 'pyenv'))
    tasks.main(['tasks.py', 'walkthrough'])
    assert fake.calls[-1][0][:3] == [pyenv_311, str(ROOT / 'tasks.py'), 'walkthrough']


def test_uv_and_asdf_managed_pythons_are_found(monkeypatch, tmp_path):
    uv_311 = str(tmp_path / 'uv' / 'cpython-3.11.11' / 'bin' / 'python3.11')
    FakeMachine(monkeypatch, tmp_path, on_path={'uv': '/usr/bin/uv'},
                interpreters={uv_311: (3, 11)},
                outputs={('uv', 'python', 'find', '3.11'): uv_311})
    assert launcher.find_python311('linux') == uv_311
    asdf_311 = str(tmp_path / 'asdf' / 'installs' / 'python' / '3.11.4' / 'bin' /
                   'python3.11')
    FakeMachine(monkeypatch, tmp_path, interpreters={asdf_311: (3, 11)})
    monkeypatch.setenv('ASDF_DATA_DIR', str(tmp_path / 'asdf'))
    assert launcher.find_python311('linux') == asdf_311


def test_windows_py_launcher_is_asked_for_311(monkeypatch, tmp_path):
    py311 = str(tmp_path / 'Python311' / 'python.exe')
    fake = FakeMachine(monkeypatch, tmp_path, system='win32', machine='AMD64',
                       on_path={'py': r'C:\Windows\py.exe'}, interpreters={py311: (3, 11)},
                       outputs={('py', '-3.11', '-c', 'import sys; print(sys.executable)'):
                                py311})
    assert launcher.find_python311('windows') == py311
    assert 'py -3.11 -c import sys; print(sys.executable)' in fake.commands_run()


def test_the_projects_own_venv_is_preferred(monkeypatch, tmp_path):
    venv_python = str(tmp_path / 'no-venv' / 'bin' / 'python')
    other = str(tmp_path / 'bin' / 'python3.11')
    FakeMachine(monkeypatch, tmp_path, on_path={'python3.11': other},
                interpreters={venv_python: (3, 11), other: (3, 11)})
    assert launcher.find_python311('linux') == venv_python


@pytest.mark.parametrize('system, machine, advice', [
    ('linux', 'x86_64', 'sudo apt install python3.11 python3.11-venv'),
    ('linux', 'aarch64', 'uv python install 3.11'),
    ('darwin', 'x86_64', 'brew install python@3.11')])
def test_without_any_311_it_says_how_to_install_one_here(monkeypatch, tmp_path, capsys,
                                                         system, machine, advice):
    fake = FakeMachine(monkeypatch, tmp_path, system=system, machine=machine, version=(3, 10),
                       on_path={'python3.11': str(tmp_path / 'missing')})
    with pytest.raises(SystemExit) as stop:
        tasks.main(['tasks.py', 'test'])
    assert stop.value.code == 3 and fake.setups == []
    err = capsys.readouterr().err
    assert 'this is Python 3.' in err and 'no Python 3.11 was found' in err
    assert advice in err and 'docker build -f docker/Dockerfile' in err
    assert not any('pip' in line for line in fake.commands_run())


@pytest.mark.parametrize('version', [(3, 12), (3, 13)])
def test_python312_or_313_without_a_311_builds_the_numpy2_line(monkeypatch, tmp_path, capsys,
                                                               version):
    fake = FakeMachine(monkeypatch, tmp_path, version=version,
                       on_path={'python3.11': str(tmp_path / 'missing')})
    assert tasks.main(['tasks.py', 'setup']) == 0
    assert fake.setups == [True]
    assert not any('tasks.py' in line for line in fake.commands_run()), 'no relaunch'
    assert 'no Python 3.11 here: using the NumPy 2 pin set' in capsys.readouterr().out
    assert tasks.env_file_for(version) == tasks.NUMPY2_ENV_FILE


def test_each_python_line_has_its_pin_set():
    assert tasks.env_file_for((3, 11)) == tasks.ENV_FILE
    assert tasks.env_file_for((3, 12)) == tasks.env_file_for((3, 13)) == tasks.NUMPY2_ENV_FILE
    newer = tasks.read_env_file(tasks.NUMPY2_ENV_FILE)
    assert tuple(map(int, newer['python'].split('.'))) in launcher.NEWER_PYTHONS
    names = {line.split('==')[0].lower() for line in newer['pip']}
    assert set(tasks.NO_DEPS) <= names and '-e .' in newer['pip']


def test_this_python_keeps_313_even_where_a_311_exists(monkeypatch, tmp_path):
    py311 = str(tmp_path / 'bin' / 'python3.11')
    fake = FakeMachine(monkeypatch, tmp_path, version=(3, 13), on_path={'python3.11': py311},
                       interpreters={py311: (3, 11)})
    monkeypatch.setenv(launcher.THIS_PYTHON, '1')
    assert tasks.main(['tasks.py', 'setup']) == 0
    assert fake.setups == [True] and fake.calls == []


def test_a_relaunched_312_goes_on_with_the_numpy2_line(monkeypatch, tmp_path):
    fake = FakeMachine(monkeypatch, tmp_path, version=(3, 12))
    monkeypatch.setenv(launcher.RELAUNCHED, '1')
    assert tasks.main(['tasks.py', 'setup']) == 0 and fake.setups == [True]


def test_with_conda_on_the_path_no_311_is_needed(monkeypatch, tmp_path):
    fake = FakeMachine(monkeypatch, tmp_path, version=(3, 12),
                       on_path={'conda': '/opt/conda/bin/conda'})
    assert tasks.main(['tasks.py', 'setup']) == 0
    assert fake.setups == [True] and fake.calls == []


def test_python311_goes_straight_to_setup(monkeypatch, tmp_path):
    fake = FakeMachine(monkeypatch, tmp_path, system='linux', machine='aarch64',
                       version=(3, 11))
    assert tasks.main(['tasks.py', 'setup']) == 0
    assert fake.setups == [True] and fake.calls == []


def test_a_relaunch_that_is_still_not_311_stops_instead_of_looping(monkeypatch, tmp_path):
    fake = FakeMachine(monkeypatch, tmp_path, version=(3, 10))
    monkeypatch.setenv(launcher.RELAUNCHED, '1')
    with pytest.raises(SystemExit) as stop:
        tasks.main(['tasks.py', 'test'])
    assert 'expected to be Python 3.11' in str(stop.value.code) and fake.calls == []


def other_python3():
    """A Python 3 other than 3.11 on this machine (pyenv's, or on the PATH), or None."""
    candidates = sorted(Path.home().glob('.pyenv/versions/3.1[2-9]*/bin/python3'))
    candidates += [Path(p) for p in map(shutil.which, ('python3.12', 'python3.13')) if p]
    return next((str(c) for c in candidates
                 if launcher.python_version_of(c) not in (None, (3, 11))), None)


def test_the_real_launcher_hands_over_from_python312_to_a_311(tmp_path):
    """No fakes: Python 3.12 (or 3.13) runs `tasks.py setup`, which re-runs with a 3.11.

    The 3.11 found is a ready-made environment (D2L_AUTOREC_VENV, the yml's stamp in place)
    whose interpreter is this test's Python, so the relaunched set-up installs nothing and
    prints where the environment is.
    """
    other = other_python3()
    if other is None:
        pytest.skip('no Python 3 other than 3.11 on this machine')
    if sys.version_info[:2] != (3, 11):
        pytest.skip('stands for the 3.11 environment with this Python, which is not 3.11')
    venv = tmp_path / 'venv'
    (venv / 'bin').mkdir(parents=True)
    (venv / 'bin' / 'python').symlink_to(sys.executable)
    digest = tasks.hashlib.sha256(tasks.ENV_FILE.read_bytes()).hexdigest()
    (venv / '.environment.sha256').write_text(digest)
    env = dict(os.environ, PATH='/usr/bin:/bin', D2L_AUTOREC_VENV=str(venv),
               D2L_AUTOREC_NO_CONDA='1')
    env.pop(launcher.RELAUNCHED, None)
    done = subprocess.run([other, str(ROOT / 'tasks.py'), 'setup'], capture_output=True,
                          text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    version = '.'.join(map(str, launcher.python_version_of(other)))
    assert f'this is Python {version}' in done.stdout
    assert f'running again with Python 3.11 at {venv / "bin" / "python"}' in done.stdout
    assert f'environment ready: {venv / "bin" / "python"}' in done.stdout


def test_the_real_launcher_on_312_or_313_without_any_311_uses_the_numpy2_line(tmp_path):
    """No fakes: Python 3.12 (or 3.13) with no 3.11 visible (an empty PATH and HOME, so no
    python3.11, pyenv or uv) runs `tasks.py setup` itself, with environment-numpy2.yml.

    The environment is ready-made (D2L_AUTOREC_VENV, that yml's stamp in place), so set-up
    installs nothing and prints where it is.
    """
    other = other_python3()
    if other is None:
        pytest.skip('no Python 3 other than 3.11 on this machine')
    venv, empty = tmp_path / 'venv', tmp_path / 'empty'
    (venv / 'bin').mkdir(parents=True)
    empty.mkdir()
    (venv / 'bin' / 'python').symlink_to(other)
    digest = tasks.hashlib.sha256(tasks.NUMPY2_ENV_FILE.read_bytes()).hexdigest()
    (venv / '.environment.sha256').write_text(digest)
    env = {'PATH': str(empty), 'HOME': str(empty), 'D2L_AUTOREC_VENV': str(venv),
           'D2L_AUTOREC_NO_CONDA': '1'}
    done = subprocess.run([other, str(ROOT / 'tasks.py'), 'setup'], capture_output=True,
                          text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert 'no Python 3.11 here: using the NumPy 2 pin set' in done.stdout
    assert f'environment ready: {venv / "bin" / "python"}' in done.stdout


# --- The README's commands work everywhere; docs/platforms.md has a row per platform -------

def test_readme_commands_start_with_python3_not_python311():
    readme = (ROOT / 'README.md').read_text()
    two = readme.split('## Two commands', 1)[1].split('```bash', 1)[1].split('```', 1)[0]
    assert [line.split('#')[0].strip() for line in two.strip().splitlines()] == [
        'python3 tasks.py walkthrough', 'python3 tasks.py test']
    assert '(docs/platforms.md)' in readme
    platforms = (ROOT / 'docs' / 'platforms.md').read_text()
    section = platforms.split('<!-- platforms:start -->', 1)[1].split('<!-- platforms:end -->')[0]
    for row in ('Linux x86-64', 'Linux aarch64', 'macOS Intel', 'macOS Apple Silicon',
                'Windows', 'Binder', 'Python 3.12'):
        assert row in section
    assert 'labpath=notebooks%2F02-autorec.ipynb' in section
