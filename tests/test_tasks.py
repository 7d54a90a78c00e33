"""tasks.py's set-up logic. The conda branch runs against a stub `conda` that records
its calls (these machines have no conda)."""
import os
import stat
import sys

from tests.test_environment import tasks
from tools import launcher


def stub_conda(tmp_path):
    """A `conda` on PATH that knows `env list --json`, `env create` and `env update`."""
    envs, log = tmp_path / 'envs', tmp_path / 'conda.log'
    envs.mkdir()
    script = tmp_path / 'bin' / 'conda'
    script.parent.mkdir()
    script.write_text(f'''#!{sys.executable}
import json, os, sys
envs, log = {str(envs)!r}, {str(log)!r}
open(log, 'a').write(' '.join(sys.argv[1:]) + '\\n')
if sys.argv[1:3] == ['env', 'list']:
    print(json.dumps({{'envs': [os.path.join(envs, n) for n in os.listdir(envs)]}}))
elif sys.argv[1:3] == ['env', 'create']:
    os.makedirs(os.path.join(envs, 'd2l-autorec', 'bin'))
''')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return envs, log


def test_conda_branch_creates_once_then_updates_only_when_the_yml_changes(tmp_path,
                                                                          monkeypatch):
    envs, log = stub_conda(tmp_path)
    monkeypatch.setenv('PATH', f'{tmp_path / "bin"}{os.pathsep}{os.environ["PATH"]}')
    kernels = []
    monkeypatch.setattr(tasks, 'register_kernel', kernels.append)
    spec = tasks.read_env_file()

    def calls():
        return [line for line in log.read_text().splitlines() if not line.startswith('env list')]

    python = tasks.conda_python(spec, 'digest-1')
    assert python == envs / 'd2l-autorec' / 'bin' / 'python'
    assert calls() == [f'env create -f {tasks.ENV_FILE}'] and kernels == [python]
    tasks.conda_python(spec, 'digest-1')          # nothing changed: nothing to do
    assert len(calls()) == 1 and len(kernels) == 1
    tasks.conda_python(spec, 'digest-2')          # environment.yml changed: update it
    assert calls()[-1] == f'env update -n d2l-autorec -f {tasks.ENV_FILE} --prune'
    assert len(kernels) == 2


def test_venv_branch_is_skipped_when_the_stamp_matches(tmp_path, monkeypatch):
    venv = tmp_path / '.venv'
    (venv / 'bin').mkdir(parents=True)
    (venv / 'bin' / 'python').write_text('')
    (venv / '.environment.sha256').write_text('digest')
    monkeypatch.setattr(launcher, 'VENV', venv)
    monkeypatch.setattr(tasks, 'run', lambda *a, **k: (_ for _ in ()).throw(AssertionError(a)))
    assert tasks.venv_python(tasks.read_env_file(), 'digest') == venv / 'bin' / 'python'


def test_quick_leaves_out_the_four_tiers_and_keeps_the_other_arguments(monkeypatch):
    ran = []
    monkeypatch.setattr(tasks, 'env_python', lambda: '/env/bin/python')
    monkeypatch.setattr(tasks, 'run', lambda cmd, **kwargs: ran.append(cmd))
    monkeypatch.setattr(launcher, 'ensure_runnable', lambda argv: None)
    assert tasks.main(['tasks.py', 'test', '--quick', '-k', 'history']) == 0
    assert tasks.main(['tasks.py', 'test', '-x']) == 0
    quick, full = ran
    assert quick == ['/env/bin/python', '-m', 'pytest', '-m',
                     'not (notebooks or browser or slow or network)', '-k', 'history']
    assert full == ['/env/bin/python', '-m', 'pytest', '-x']   # CI's run: every tier


def test_every_tier_is_a_registered_marker():
    import tomllib

    from tests.conftest import ROOT
    config = tomllib.loads((ROOT / 'pyproject.toml').read_text())['tool']['pytest']
    registered = {line.split(':')[0].split('(')[0] for line in config['ini_options']['markers']}
    assert registered == {'notebooks', 'browser', 'slow', 'network'}
    assert '--strict-markers' in config['ini_options']['addopts']
    assert all(tier in tasks.QUICK[-1] for tier in registered)
