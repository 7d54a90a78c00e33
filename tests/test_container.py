"""The container, dev-container and Binder files, checked without a Docker daemon, and the
pins checked against the package index for linux/arm64 (the container on Apple Silicon).

The Dockerfile is parsed here (instructions, continuation lines, JSON-form arguments), so a
test can say which base image it uses and which commands install things.
"""
import json
import os
import re
import shlex

import pytest

from tests.conftest import ROOT
from tests.test_environment import tasks
from tools import platforms

DOCKERFILE = ROOT / 'docker' / 'Dockerfile'
INSTRUCTIONS = {'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM',
                'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL',
                'USER', 'VOLUME', 'WORKDIR'}


def parse_dockerfile(text):
    """Return ``[(INSTRUCTION, argument string)]``, joining ``\\`` continuation lines.

    Raises
    ------
    ValueError
        On an unknown instruction or a continuation at the end of the file.
    """
    steps, pending = [], ''
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith('#')):
            continue
        if pending and stripped.startswith('#'):
            continue                                 # comment inside a continued RUN
        pending += (' ' if pending else '') + stripped.rstrip('\\').strip()
        if stripped.endswith('\\'):
            continue
        word, _, rest = pending.partition(' ')
        if word.upper() not in INSTRUCTIONS:
            raise ValueError(f'unknown Dockerfile instruction {word!r} in: {pending}')
        steps.append((word.upper(), rest.strip()))
        pending = ''
    if pending:
        raise ValueError(f'the Dockerfile ends inside a continued line: {pending}')
    return steps


@pytest.fixture(scope='module')
def steps():
    return parse_dockerfile(DOCKERFILE.read_text())


def args_of(steps, instruction):
    return [rest for word, rest in steps if word == instruction]


def test_the_parser_rejects_what_docker_would(tmp_path):
    with pytest.raises(ValueError, match='unknown Dockerfile instruction'):
        parse_dockerfile('FROM python:3.11\nRUNN echo\n')
    with pytest.raises(ValueError, match='ends inside'):
        parse_dockerfile('FROM python:3.11\nRUN echo \\\n')
    assert parse_dockerfile('FROM x\nRUN a \\\n  # note\n  && b\n') == [('FROM', 'x'),
                                                                         ('RUN', 'a && b')]


def test_base_image_is_the_official_multi_arch_python_311(steps):
    (base,) = args_of(steps, 'FROM')            # one stage
    assert steps[0][0] == 'FROM'
    # Docker's official `python` image publishes linux/amd64 and linux/arm64/v8 for its
    # Debian tags; a digest or another registry would pin one architecture or an unknown one.
    assert re.fullmatch(r'python:3\.11(\.\d+)?-(slim-)?bookworm', base), base


def test_the_only_install_step_is_tasks_py_setup(steps):
    runs = args_of(steps, 'RUN')
    setup = [r for r in runs if 'tasks.py' in r]
    assert [shlex.split(r) for r in setup] == [['python', 'tasks.py', 'setup']]
    # `setup` is an environment command of the launcher: it builds exactly what the tests use.
    assert 'setup' in tasks.ENV_COMMANDS
    for run in runs:
        assert 'pip' not in shlex.split(run), f'pip run outside tasks.py: {run}'
        assert not re.search(r'[=<>]=\s*\d', run), f'a version pinned in the Dockerfile: {run}'


def test_set_up_sees_the_yml_and_the_package_before_it_runs(steps):
    index = {i: (word, rest) for i, (word, rest) in enumerate(steps)}
    setup_at = next(i for i, (w, r) in index.items() if w == 'RUN' and 'tasks.py setup' in r)
    copied = set()
    for word, rest in steps[:setup_at]:
        if word == 'COPY':
            copied.update(p for p in shlex.split(rest)[:-1] if not p.startswith('--'))
    assert {'environment.yml', 'pyproject.toml', 'tasks.py', 'd2l_ext/'} <= copied
    for source in copied:            # every file COPY names exists (the build would fail)
        assert (ROOT / source).exists(), source


def test_environment_is_outside_the_work_tree_and_is_what_jupyter_runs(steps):
    env = ' '.join(args_of(steps, 'ENV'))
    venv = re.search(r'D2L_AUTOREC_VENV=(\S+)', env).group(1)
    assert 'D2L_AUTOREC_NO_CONDA=1' in env
    assert f'PATH={venv}/bin:' in env
    (workdir,) = args_of(steps, 'WORKDIR')
    assert not venv.startswith(workdir)
    cmd = json.loads(args_of(steps, 'CMD')[-1])
    assert cmd[:2] == ['jupyter', 'lab'] and '--ip=0.0.0.0' in cmd and cmd[-1] == 'notebooks/'
    assert args_of(steps, 'EXPOSE') == ['8888']
    user = args_of(steps, 'USER')[-1]
    assert user not in ('root', '0')


def test_dockerignore_keeps_environments_data_and_outputs_out():
    ignored = {line.strip() for line in (ROOT / '.dockerignore').read_text().splitlines()
               if line.strip() and not line.startswith('#')}
    assert {'.git', '.venv', 'data', 'output', '*.zip'} <= ignored


def test_devcontainer_builds_the_same_image_and_mounts_where_it_points(steps):
    config = json.loads((ROOT / '.devcontainer' / 'devcontainer.json').read_text())
    build = config['build']
    folder = ROOT / '.devcontainer'
    assert (folder / build['dockerfile']).resolve() == DOCKERFILE
    assert (folder / build['context']).resolve() == ROOT
    (workdir,) = args_of(steps, 'WORKDIR')
    assert config['workspaceFolder'] == workdir
    assert f'target={workdir},' in config['workspaceMount']
    venv = re.search(r'D2L_AUTOREC_VENV=(\S+)', ' '.join(args_of(steps, 'ENV'))).group(1)
    interpreter = config['customizations']['vscode']['settings'][
        'python.defaultInterpreterPath']
    assert interpreter == f'{venv}/bin/python'
    assert config['postCreateCommand'] == 'python tasks.py setup'
    assert 8888 in config['forwardPorts']


def test_binder_builds_from_the_root_environment_yml():
    # repo2docker uses a Dockerfile before any other file, at the root or in binder/ and
    # .binder/ (which also hide the root's files): none may exist for environment.yml to count.
    assert not (ROOT / 'Dockerfile').exists()
    assert not (ROOT / 'binder').exists() and not (ROOT / '.binder').exists()
    spec = tasks.read_env_file()
    assert spec['python'] == '3.11' and '-e .' in spec['pip']
    post_build = ROOT / 'postBuild'
    assert os.access(post_build, os.X_OK)
    assert 'python tasks.py register-kernel' in post_build.read_text()


# --- The pins against the package index (network; about 35 s) ------------------------------

def skip_if_unreachable(results):
    """Skip (never fail) when the index could not be read during the check."""
    unreachable = {pin: result[1] for pin, result in results.items()
                   if pin != 'pip' and result[0] == 'unreachable'}
    if unreachable:
        pytest.skip(f'the package index became unreachable during the check '
                    f'({len(unreachable)} pins, e.g. {next(iter(unreachable.values()))})')


@pytest.mark.network
def test_every_pin_installs_on_linux_aarch64_from_wheels(capsys):
    """Every pin has a wheel for linux/arm64 with CPython 3.11.0 and glibc <= 2.36, and pip
    agrees in one dry run: the container builds on Apple Silicon without a compiler."""
    results = platforms.check_platform('linux-aarch64', use_pip=True)
    skip_if_unreachable(results)
    pip_ok, pip_message = results.pop('pip')
    report = capsys.readouterr().out
    bad = {pin: r for pin, r in results.items() if r[0] != 'wheel'}
    assert not bad, report
    assert pip_ok, pip_message
    assert results['mxnet==1.9.1'][1] == 'mxnet-1.9.1-py3-none-manylinux2014_aarch64.whl'


@pytest.mark.network
def test_every_pin_has_a_macos_intel_wheel():
    results = platforms.check_platform('macos-x86_64', use_pip=False)
    skip_if_unreachable(results)
    results.pop('pip')
    assert {pin: r for pin, r in results.items() if r[0] != 'wheel'} == {}
