"""MXNet 1.9.1 on NumPy 1.24+ and 2.x: add back the NumPy names MXNet reads at import.

MXNet 1.9.1 (retired to the Apache Attic, apache/mxnet#21165 never fixed) reads names
that NumPy has since removed, at import time. On NumPy >= 1.24 ``import mxnet`` fails with
an ``AttributeError`` from inside MXNet. ``d2l_ext/__init__.py`` imports this module first,
before anything imports MXNet, and :func:`add_removed_numpy_names` puts those names back.

Rules:

- it only ADDS a name NumPy no longer has; a name NumPy has is never replaced (NumPy 2
  has ``np.bool`` again, as ``np.bool_``: it stays NumPy's);
- each added value is what the name meant before its removal (or, for the financial
  functions, a stub that says where they went);
- nothing else is changed, and on NumPy <= 1.23 (the 3.11 pins) it adds nothing.

The names, what they were and why MXNet needs them (:data:`REMOVED_NAMES`):

==========================================  ==========  ===============================
name                                        removed in  read by MXNet at import in
==========================================  ==========  ===============================
``bool int float object str complex``       1.24        ``numpy/utils.py``, ``base.py``
(aliases of the builtins)                                and dtype tables
``PZERO NZERO PINF NINF NAN NaN``           2.0         ``mxnet/numpy/utils.py``
(constants: 0.0, -0.0, inf, -inf, nan)
``Inf`` (= ``inf``)                         2.0         ``gluon/contrib/estimator/``
                                                        ``event_handler.py`` (a default
                                                        argument; ``import mxnet``
                                                        reaches it via ``model_zoo``)
``alltrue`` (= ``all``), ``in1d`` (=        2.0 / 2.4   ``mxnet/numpy/fallback.py``
``isin`` on the flattened input),
``msort`` (= ``sort(a, axis=0)``), ``trapz``
(= ``trapezoid``)
``sometrue`` (= ``any``), ``product`` (=   2.0         ``numpy_dispatch_protocol.py``
``prod``), ``round_`` (= ``round``)                      (registers MXNet's versions of
                                                        NumPy functions, by name)
``npv pmt ppmt pv rate mirr``               2.0 [#]_    ``mxnet/numpy/fallback.py``
(moved to the numpy-financial package)
==========================================  ==========  ===============================

.. [#] Moved to numpy-financial in 1.20; NumPy kept stubs that raise when called until 2.0.

The financial functions are added as stubs that raise, saying to use ``numpy_financial``:
MXNet only re-exports them, and the course never calls them.

Import order. Import ``d2l_ext`` before ``mxnet`` (the chapter's first line is
``import d2l_ext as d2l``; every notebook's set-up cell imports it). On NumPy >= 1.24,
``import mxnet`` run first fails inside MXNet with NumPy's own ``AttributeError`` (on 1.24-1.26
``module 'numpy' has no attribute 'bool'``, on 2.x e.g. ``np.PZERO was removed in the NumPy
2.0 release``) and leaves a half-imported MXNet behind; a later ``import d2l_ext`` in the
same process then raises :class:`ImportOrderError`, which says to restart the kernel and
import ``d2l_ext`` first. After ``import d2l_ext``, ``import mxnet`` works anywhere in the
process.

Why no start-up hook. A ``.pth`` file in site-packages could add the names before any
``import mxnet``, making the order irrelevant, but it would run in every Python process of
the environment (pip, Jupyter, tools that never touch MXNet) and change ``numpy`` there: the
"no side effects on import" rule, stretched to the whole interpreter, and invisible to a
reader of the notebook. The names are added only when a reader imports ``d2l_ext``.

Python 3.12 and later have no ``distutils``, which MXNet imports: the package depends on
``setuptools`` there, whose ``distutils`` shim fills the gap.
"""
import builtins
import importlib.util
import math
import sys
import warnings

import numpy

from .errors import D2LExtError

__all__ = ['REMOVED_NAMES', 'ImportOrderError', 'add_removed_numpy_names',
           'check_mxnet_importable']


class ImportOrderError(D2LExtError, ImportError):
    """MXNet cannot be imported in this process as it is (imported too early, or missing)."""


def _financial_stub(name):
    def removed(*args, **kwargs):
        raise NotImplementedError(
            f'numpy.{name} was moved out of NumPy in 1.20 (d2l_ext adds the name back only so that '
            f'MXNet 1.9.1 imports). Use numpy_financial.{name} (pip install numpy-financial).')
    removed.__name__ = removed.__qualname__ = name
    return removed


def _in1d(ar1, ar2, assume_unique=False, invert=False):
    return numpy.isin(numpy.asarray(ar1).ravel(), ar2, assume_unique=assume_unique,
                      invert=invert)


def _msort(a):
    return numpy.sort(a, axis=0)


def _trapz(y, x=None, dx=1.0, axis=-1):
    return numpy.trapezoid(y, x=x, dx=dx, axis=axis)


#: Each name NumPy removed that MXNet 1.9.1 reads at import, with the value it had.
REMOVED_NAMES = {
    'bool': builtins.bool, 'int': builtins.int, 'float': builtins.float,
    'object': builtins.object, 'str': builtins.str, 'complex': builtins.complex,
    'PZERO': 0.0, 'NZERO': -0.0, 'PINF': math.inf, 'NINF': -math.inf, 'NAN': math.nan,
    'NaN': math.nan, 'Inf': math.inf,
    'alltrue': numpy.all, 'sometrue': numpy.any, 'product': numpy.prod, 'round_': numpy.round,
    'in1d': _in1d, 'msort': _msort, 'trapz': _trapz,
    **{name: _financial_stub(name) for name in ('npv', 'pmt', 'ppmt', 'pv', 'rate', 'mirr')},
}


def _has(name):
    """Whether NumPy still has ``name`` (a deprecated name counts: it is left alone)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            getattr(numpy, name)
        except AttributeError:
            return False
    return True


def add_removed_numpy_names():
    """Add to ``numpy`` each name of :data:`REMOVED_NAMES` that it lacks; replace none.

    Returns
    -------
    list of str
        The names added (empty on NumPy <= 1.23, and on a second call).
    """
    added = [name for name in REMOVED_NAMES if not _has(name)]
    for name in added:
        setattr(numpy, name, REMOVED_NAMES[name])
    return added


def check_mxnet_importable():
    """Raise :class:`ImportOrderError` if MXNet is missing or half-imported in this process.

    A failed ``import mxnet`` (run before ``import d2l_ext`` on NumPy >= 1.24) leaves some
    ``mxnet.*`` modules in ``sys.modules`` without ``mxnet`` itself; importing it again then
    fails in ways unrelated to the cause.
    """
    if 'mxnet' not in sys.modules and any(m.startswith('mxnet.') for m in sys.modules):
        raise ImportOrderError(
            f'MXNet was imported before d2l_ext and failed (NumPy {numpy.__version__} lacks '
            f'names MXNet 1.9.1 reads, e.g. numpy.bool); the half-imported MXNet cannot be '
            f'repaired in this process. Restart the kernel (or the Python process) and run '
            f'`import d2l_ext as d2l` before `import mxnet`.')
    if importlib.util.find_spec('mxnet') is None:
        raise ImportOrderError(
            f'd2l_ext needs MXNet 1.9.1, which is not installed in {sys.prefix}. Install it '
            f'with `pip install mxnet==1.9.1` on Python 3.11, or `pip install --no-deps '
            f'mxnet==1.9.1` on Python 3.12 and 3.13 (MXNet declares numpy<2, which has no '
            f'wheel there; d2l_ext makes it work with NumPy 2).')


# Run on import: d2l_ext/__init__.py imports this module before any module that imports MXNet.
check_mxnet_importable()
add_removed_numpy_names()
