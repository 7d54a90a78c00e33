"""tools/platforms.py (wheels and specifiers read with packaging) and tools/mxnet_blas.py,
offline: file names and fake site folders only."""
import os

import pytest

from tools import mxnet_blas, platforms

# --- check-platform's pieces, offline --------------------------------------------------

@pytest.mark.parametrize('filename, target, fits', [
    ('mxnet-1.9.1-py3-none-manylinux2014_aarch64.whl', 'linux-aarch64', True),
    ('mxnet-1.9.1-py3-none-manylinux2014_x86_64.whl', 'linux-aarch64', False),
    ('pillow-13.0.0-cp311-cp311-manylinux_2_27_aarch64.manylinux_2_28_aarch64.whl',
     'linux-aarch64', True),
    ('pillow-13.0.0-cp312-cp312-manylinux_2_27_aarch64.manylinux_2_28_aarch64.whl',
     'linux-aarch64', False),
    ('argon2_cffi_bindings-25.1.0-cp39-abi3-manylinux_2_26_aarch64.manylinux_2_28_aarch64.whl',
     'linux-aarch64', True),
    ('argon2_cffi_bindings-25.1.0-cp39-abi3-musllinux_1_2_aarch64.whl', 'linux-aarch64', False),
    ('x-1.0-cp311-cp311-manylinux_2_39_aarch64.whl', 'linux-aarch64', False),   # glibc > 2.36
    ('six-1.17.0-py2.py3-none-any.whl', 'windows-amd64', True),
    ('mxnet-1.9.1-py3-none-macosx_10_13_x86_64.whl', 'macos-arm64', False),
    ('mxnet-1.9.1-py3-none-macosx_10_13_x86_64.whl', 'macos-x86_64', True),
    ('argon2_cffi_bindings-26.2.0-cp310-abi3-macosx_11_0_arm64.whl', 'macos-x86_64', False),
    ('numpy-1.23.5-cp311-cp311-macosx_11_0_arm64.whl', 'macos-arm64', True),
    ('x-1.0.tar.gz', 'linux-aarch64', False)])
def test_wheel_fits_follows_pep425_for_cpython_311(filename, target, fits):
    assert platforms.wheel_fits(filename, target) is fits


def test_the_aarch64_pip_options_accept_glibc_2_17_to_2_36():
    args = platforms.pip_platform_args('linux-aarch64')
    tags = {args[i + 1] for i, a in enumerate(args) if a == '--platform'}
    assert {'manylinux2014_aarch64', 'manylinux_2_17_aarch64', 'manylinux_2_28_aarch64',
            'manylinux_2_36_aarch64'} <= tags
    assert 'manylinux_2_37_aarch64' not in tags
    assert args[args.index('--python-version') + 1] == '3.11.0'
    assert '--only-binary=:all:' in args and args[args.index('--abi') + 1] == 'cp311'


FILES = {'mxnet-1.9.1-py3-none-manylinux2014_x86_64.whl': None,
         'mxnet-1.9.1-py3-none-manylinux2014_aarch64.whl': None,
         'mxnet-1.9.1-py3-none-macosx_10_13_x86_64.whl': None,
         'mxnet-1.6.0.tar.gz': None}


@pytest.mark.parametrize('name, version, files, target, state', [
    ('mxnet', '1.9.1', FILES, 'linux-aarch64', 'wheel'),
    ('mxnet', '1.9.1', FILES, 'macos-arm64', 'no-build'),      # a missing build
    ('mxnet', '1.9.1', FILES, 'windows-amd64', 'no-build'),
    ('mxnet', '1.9.2', FILES, 'linux-aarch64', 'not-on-index'),  # a missing file
    ('mxnet', '1.9.1', None, 'linux-aarch64', 'not-on-index'),
    ('mxnet', '1.6.0', FILES, 'macos-arm64', 'sdist-only'),
    ('soupsieve', '4.1.3', {'soupsieve-4.1.3-py3-none-any.whl': '>=3.11.5'}, 'linux-aarch64',
     'python'),
    ('soupsieve', '2.10', {'soupsieve-2.10-py3-none-any.whl': '>=3.10'}, 'linux-aarch64',
     'wheel')])
def test_classify_pin_tells_a_missing_build_from_a_missing_file(name, version, files, target,
                                                                state):
    assert platforms.classify_pin(name, version, files, target)[0] == state


@pytest.mark.parametrize('spec, version, allowed', [
    ('>=3.11.5', (3, 11, 2), False), ('>=3.11.5', (3, 11, 5), True),
    ('<3.12,>=3.8', (3, 11, 0), True), ('>= 3.11', (3, 11, 0), True),
    ('!=3.0.*,!=3.1.*,<4,>=2.7', (3, 11, 0), True), ('<3.11', (3, 11, 0), False),
    ('~=3.9', (3, 11, 0), True), ('~=3.12', (3, 11, 0), False), (None, (3, 11, 0), True)])
def test_requires_python_is_evaluated_as_pip_does(spec, version, allowed):
    assert platforms.python_allowed(spec, version) is allowed


# --- mxnet's aarch64 wheel and the libraries it lacks ---------------------------------------

def fake_site(tmp_path, library_text):
    site = tmp_path / 'site'
    (site / 'mxnet').mkdir(parents=True)
    (site / 'mxnet' / 'libmxnet.so').write_bytes(library_text)
    (site / 'scipy.libs').mkdir()
    (site / 'scipy.libs' / 'libopenblasp-r0-abc.3.18.so').write_text('blas')
    (site / 'scipy.libs' / 'libgfortran-def.so.5.0.0').write_text('gfortran')
    return site


def test_aarch64_mxnet_gets_links_to_scipys_openblas_once(tmp_path):
    site = fake_site(tmp_path, b'\x7fELF...libarmpl_lp64_mp.so\x00libamath.so\x00')
    made = mxnet_blas.link_mxnet_blas(site)
    assert sorted(p.name for p in made) == sorted(
        [*mxnet_blas.ARMPL_NAMES, 'libgfortran-def.so.5.0.0'])
    for name in mxnet_blas.ARMPL_NAMES:
        link = site / 'mxnet' / name
        assert link.is_symlink() and not os.path.isabs(os.readlink(link))   # relocatable
        assert link.read_text() == 'blas'
    assert mxnet_blas.link_mxnet_blas(site) == []                  # idempotent


def test_x86_mxnet_is_left_alone(tmp_path):
    site = fake_site(tmp_path, b'\x7fELF...libopenblas.so.0\x00')
    assert mxnet_blas.link_mxnet_blas(site) == []
    assert sorted(p.name for p in (site / 'mxnet').iterdir()) == ['libmxnet.so']


def test_aarch64_mxnet_without_scipy_says_what_is_missing(tmp_path):
    site = fake_site(tmp_path, b'libarmpl_lp64_mp.so')
    for f in (site / 'scipy.libs').iterdir():
        f.unlink()
    with pytest.raises(SystemExit) as stop:
        mxnet_blas.link_mxnet_blas(site)
    assert 'Arm Performance Libraries' in str(stop.value.code) and 'scipy' in str(
        stop.value.code)
