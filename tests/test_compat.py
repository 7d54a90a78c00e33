"""d2l_ext/_compat.py: the NumPy names MXNet 1.9.1 reads, added back and never replaced."""
import builtins
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

import d2l_ext  # noqa: F401  (runs the compatibility module)
from d2l_ext import _compat

EXPECTED = {'bool': builtins.bool, 'int': builtins.int, 'float': builtins.float,
            'object': builtins.object, 'str': builtins.str, 'complex': builtins.complex}


@pytest.mark.parametrize('name', sorted(_compat.REMOVED_NAMES))
def test_every_name_is_on_numpy_after_import(name):
    assert hasattr(numpy, name), name


@pytest.mark.parametrize('name', sorted(EXPECTED))
def test_builtin_aliases_mean_what_they_meant(name):
    value = getattr(numpy, name)
    # NumPy 2 has numpy.bool again (numpy.bool_): that one stays NumPy's
    assert value is EXPECTED[name] or (name == 'bool' and value is numpy.bool_)
    assert numpy.zeros(2, dtype=value).dtype == numpy.zeros(2, dtype=EXPECTED[name]).dtype


@pytest.mark.parametrize('name, expected', [('PZERO', 0.0), ('NZERO', -0.0),
                                            ('PINF', math.inf), ('NINF', -math.inf),
                                            ('Inf', math.inf)])
def test_constants(name, expected):
    value = getattr(numpy, name)
    assert value == expected and math.copysign(1, value) == math.copysign(1, expected)


@pytest.mark.parametrize('name', ['NAN', 'NaN'])
def test_nan_constants(name):
    assert math.isnan(getattr(numpy, name))


def test_alltrue_sometrue_product_round_in1d_msort_trapz_compute_what_they_did():
    assert numpy.alltrue([True, True]) and not numpy.alltrue([True, False])
    assert numpy.sometrue([False, True]) and not numpy.sometrue([False, False])
    assert numpy.product([2, 3, 4]) == 24
    assert numpy.round_(2.567, 2) == pytest.approx(2.57)
    assert numpy.in1d([[1, 5], [2, 7]], [1, 2]).tolist() == [True, False, True, False]
    assert numpy.in1d([1, 5], [1], invert=True).tolist() == [False, True]
    assert numpy.msort(numpy.array([[3, 1], [1, 2]])).tolist() == [[1, 1], [3, 2]]
    assert numpy.trapz([1.0, 2.0, 3.0]) == pytest.approx(4.0)
    assert numpy.trapz([1.0, 2.0], x=[0.0, 2.0]) == pytest.approx(3.0)


@pytest.mark.parametrize('name', ['npv', 'pmt', 'ppmt', 'pv', 'rate', 'mirr'])
def test_financial_names_point_at_numpy_financial(name):
    function = getattr(numpy, name)
    if function is not _compat.REMOVED_NAMES[name]:
        pytest.skip(f'this NumPy ({numpy.__version__}) still has numpy.{name}')
    with pytest.raises(NotImplementedError, match=f'numpy_financial.{name}'):
        function(0.1, [1, 2])


def test_no_name_numpy_has_is_replaced(monkeypatch):
    sentinel = object()
    monkeypatch.setattr(numpy, 'PZERO', sentinel, raising=False)
    assert 'PZERO' not in _compat.add_removed_numpy_names()
    assert numpy.PZERO is sentinel
    assert _compat.add_removed_numpy_names() == []  # a second call adds nothing


def test_every_numpy_name_mxnet_reads_at_import_exists():
    """Read MXNet's own source: each ``onp.NAME`` its numpy modules bind at import."""
    import mxnet
    folder = Path(mxnet.__file__).parent / 'numpy'
    names = set()
    for module in ('fallback.py', 'utils.py'):
        names |= set(re.findall(r'^\w+ = onp\.(\w+)\s*$', (folder / module).read_text(),
                                re.MULTILINE))
    assert len(names) > 80
    # ...and each NumPy function numpy_dispatch_protocol.py registers MXNet's version of
    lists = re.findall(r"_NUMPY_ARRAY_\w+_LIST = \[(.*?)\]",
                       (Path(mxnet.__file__).parent / 'numpy_dispatch_protocol.py').read_text(),
                       re.DOTALL)
    assert len(lists) == 2
    names |= {name for body in lists for name in re.findall(r"'(\w+)'", body) if '.' not in name}
    missing = sorted(name for name in names if not hasattr(numpy, name))
    assert not missing, f'MXNet reads numpy.{missing} at import; add them to d2l_ext/_compat.py'


def run_python(code):
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.slow
def test_importing_mxnet_first_is_a_clear_message_where_it_fails():
    done = run_python('import numpy\n'
                      'try:\n    import mxnet\nexcept AttributeError as e:\n'
                      '    print("mxnet-failed", e)\n'
                      'try:\n    import d2l_ext\nexcept ImportError as e:\n    print(e)\n'
                      'else:\n    print("d2l_ext-ok")\n')
    assert done.returncode == 0, done.stderr
    if 'mxnet-failed' in done.stdout:  # NumPy >= 1.24
        assert 'Restart the kernel' in done.stdout and 'import d2l_ext as d2l' in done.stdout
    else:  # NumPy 1.23 (the 3.11 pins): mxnet imports on its own, and so does d2l_ext after it
        assert 'd2l_ext-ok' in done.stdout


@pytest.mark.slow
def test_d2l_ext_first_then_mxnet_trains():
    done = run_python('import d2l_ext as d2l\nimport mxnet as mx\nfrom mxnet import np, npx\n'
                      'npx.set_np()\nx = np.ones((2, 3))\nprint(float((x * 2).sum()))\n'
                      'print(mx.nd.array([1, 2]).asnumpy().tolist())\n')
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ['12.0', '[1.0,', '2.0]']
