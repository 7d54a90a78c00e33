"""Give mxnet 1.9.1 on Linux aarch64 the libraries its wheel lacks.

mxnet 1.9.1's aarch64 wheel links libmxnet.so against Arm Performance Libraries
(libarmpl_lp64_mp.so, libamath.so, libastring.so) without shipping them, so ``import mxnet``
fails with "libarmpl_lp64_mp.so: cannot open shared object file". What libmxnet.so needs
from them is BLAS, LAPACK and LAPACKE (the rest, exp or memcpy, comes from libm and libc),
and scipy's wheel ships an OpenBLAS that exports every one of those names.

``python3 tasks.py setup`` runs this on Linux aarch64 with the environment's Python;
``scripts/emulate_aarch64.sh`` runs it on an emulated site folder::

    python -m tools.mxnet_blas [SITE_PACKAGES]   # default: the running Python's

Standard library only.
"""
import importlib.util
import os
import sys
from pathlib import Path

__all__ = ['ARMPL_NAMES', 'link_mxnet_blas', 'site_packages']

ARMPL_NAMES = ('libarmpl_lp64_mp.so', 'libamath.so', 'libastring.so')


def site_packages():
    """The folder holding the running Python's ``mxnet`` package (without importing it)."""
    return Path(importlib.util.find_spec('mxnet').submodule_search_locations[0]).parent


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



if __name__ == '__main__':
    link_mxnet_blas(sys.argv[1] if len(sys.argv) > 1 else site_packages())
