"""The built package: a wheel from a clean copy of the checkout installs and imports every
module, with no help from the editable install the environment uses."""
import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT

IMPORT_ALL = '''
import importlib, pkgutil, sys
target = sys.argv[1]
sys.path.insert(0, target)
import d2l_ext
assert d2l_ext.__file__.startswith(target), d2l_ext.__file__
names = sorted(m.name for m in pkgutil.walk_packages(d2l_ext.__path__, 'd2l_ext.'))
for name in names:
    module = importlib.import_module(name)
    assert module.__file__.startswith(target), (name, module.__file__)
print(len(names), 'modules imported from the wheel')
'''


def clean_copy(destination):
    """Copy the files git tracks (as they are in the work tree), nothing else: no .venv,
    no egg-info, no build folder."""
    listing = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others',
                              '--exclude-standard'], cwd=ROOT, capture_output=True, check=True)
    for name in listing.stdout.decode().split('\0'):
        if name and (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)


@pytest.mark.slow
def test_the_wheel_ships_and_imports_every_module(tmp_path):
    source, dist, target = tmp_path / 'src', tmp_path / 'dist', tmp_path / 'site'
    source.mkdir()
    clean_copy(source)
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-q',
                    '--disable-pip-version-check', '-w', dist, source], check=True,
                   capture_output=True, timeout=600)
    (wheel,) = dist.glob('d2l_ext-*.whl')
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith('d2l_ext/')}
    expected = {p.relative_to(ROOT).as_posix() for p in (ROOT / 'd2l_ext').rglob('*.py')}
    assert expected <= shipped, f'missing from the wheel: {sorted(expected - shipped)}'
    assert not any(n.startswith(('tests/', 'tools/', 'notebooks/')) for n in
                   zipfile.ZipFile(wheel).namelist())
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q',
                    '--disable-pip-version-check', '--target', target, wheel], check=True,
                   capture_output=True, timeout=600)
    done = subprocess.run([sys.executable, '-c', IMPORT_ALL, str(target)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    count = int(done.stdout.split()[0])
    assert count >= len(expected) - 1  # every module but d2l_ext/__init__.py itself
