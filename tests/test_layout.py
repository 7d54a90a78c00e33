"""The package's architecture, checked: layers, dependencies, no tooling inside the library."""
import ast
import re
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / 'd2l_ext'
STDLIB = set(sys.stdlib_module_names)
DIST_OF = {'mxnet': 'mxnet', 'numpy': 'numpy', 'pandas': 'pandas', 'matplotlib': 'matplotlib',
           'scipy': 'scipy', 'IPython': 'ipython', 'tqdm': 'tqdm',
           'ipywidgets': 'ipywidgets'}


def imports_of(path):
    """Top-level names of the absolute imports in a module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split('.')[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split('.')[0])
    return names


def library_modules():
    return sorted(PACKAGE.rglob('*.py'))


def test_the_library_imports_no_tooling():
    for path in library_modules():
        tooling = imports_of(path) & {'nbconvert', 'nbclient', 'nbformat', 'd2l', 'tools',
                                      'jupyter_client'}
        assert not tooling, f'{path.relative_to(ROOT)} imports {tooling}'


def top_level_imports_of(path):
    """Top-level names of the absolute imports a module makes when it is imported (not the
    optional ones inside functions, which the extras provide)."""
    names = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names |= {alias.name.split('.')[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split('.')[0])
    return names


def distribution_names(requirements):
    """``'numpy>=1.23.5,<3'`` and ``"mxnet==1.9.1; python_version < '3.12'"`` -> their names."""
    return {re.split(r'[<>=!~;\[ ]', req, maxsplit=1)[0].strip().lower() for req in requirements}


def test_runtime_dependencies_are_what_the_library_imports():
    project = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']
    third_party = set().union(*(top_level_imports_of(p) for p in library_modules())) \
        - STDLIB - {'d2l_ext'}
    declared = distribution_names(project['dependencies'])
    # setuptools and requests are not imported by the library: they are MXNet's needs where it
    # is installed with --no-deps (3.12+): distutils, and mxnet.gluon.utils' `import requests`
    anywhere = set().union(*(imports_of(p) for p in library_modules())) - STDLIB - {'d2l_ext'}
    extras = set().union(*map(distribution_names, project['optional-dependencies'].values()))
    # what every import needs is declared; what is declared is imported somewhere
    assert {DIST_OF[name] for name in third_party} <= declared
    assert {DIST_OF[name] for name in anywhere} <= declared | extras
    assert declared - {'setuptools', 'requests'} <= {DIST_OF[name] for name in anywhere}


def test_dependencies_are_bounded():
    project = tomllib.loads((ROOT / 'pyproject.toml').read_text())['project']
    for req in project['dependencies'] + sum(project['optional-dependencies'].values(), []):
        spec = req.split(';')[0]
        if 'setuptools' in spec:
            continue  # only the distutils shim is used, present in every version since 60
        assert '==' in spec or ('>=' in spec and '<' in spec.replace('<=', '')), req


def test_the_core_does_not_depend_on_the_lab():
    for path in library_modules():
        if 'lab' in path.relative_to(PACKAGE).parts:
            continue
        source = path.read_text()
        assert 'from .lab' not in source and 'from ..lab' not in source \
            and 'd2l_ext.lab' not in {n for n in imports_of(path)}, path


def test_chapter_names_are_at_the_top_level():
    import d2l_ext as d2l
    for name in ('AutoRec', 'evaluator', 'train_recsys_rating', 'History', 'plot_history',
                 'read_data_ml100k', 'split_data_ml100k', 'load_data_ml100k', 'try_all_gpus'):
        assert hasattr(d2l, name), name
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / '__init__.py').exists()} \
        == {'datasets', 'lab'}


@pytest.mark.slow
def test_training_prints_no_mxnet_deprecation_message():
    code = '''
import d2l_ext as d2l
import mxnet as mx
from mxnet import gluon, np, npx
from tests.conftest import low_rank_ratings
npx.set_np()
data, nu, ni = low_rank_ratings()
_, _, _, m = d2l.load_data_ml100k(data, nu, ni)
net = d2l.AutoRec(8, nu)
net.initialize(ctx=[mx.cpu()])
trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})
it = gluon.data.DataLoader(m, batch_size=16)
d2l.train_recsys_rating(net, it, gluon.data.DataLoader(np.array(m), batch_size=64),
                        gluon.loss.L2Loss(), trainer, 2, inter_mat=m)
'''
    done = subprocess.run([sys.executable, '-W', 'always::DeprecationWarning', '-c', code],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert 'test RMSE' in done.stdout
    assert 'renamed' not in done.stdout + done.stderr
