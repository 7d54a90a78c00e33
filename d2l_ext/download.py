"""Find, verify, download and extract MovieLens-100K without ever leaving a damaged copy.

Where the data is looked for, in order:

1. the ``data_dir`` argument,
2. the ``D2L_DATA_DIR`` environment variable,
3. d2l's default cache, ``../data`` (relative to the working directory, as in d2l).

Each place may hold the extracted folder (``<place>/ml-100k/u.data``), be that folder
itself (``<place>/u.data``), or hold the official archive (``<place>/ml-100k.zip``). When
no place has the data, the archive is downloaded from d2l's ``DATA_HUB['ml-100k']``
address into the first place. Every file is checked: the archive by d2l's SHA-1, the
ratings file ``u.data`` by its published SHA-256.

Downloads and extraction write to a temporary name in the target folder and are renamed
into place only once complete and verified, so an interrupted run leaves no file under the
final name, and two processes doing the same work at once both end with a good copy.
"""
import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from .errors import DataChecksumError, DataFormatError, DataNotFoundError

__all__ = ['DATA_HUB', 'ML100K_FILES', 'candidate_dirs', 'find_ml100k', 'download',
           'extract_zip', 'file_hash']

#: Name -> (address, SHA-1 of the archive), as in ``d2l.DATA_HUB`` (a test checks they agree).
DATA_HUB = {
    'ml-100k': ('https://files.grouplens.org/datasets/movielens/ml-100k.zip',
                'cd4dcac4241c8a4ad7badc7ca635da8a69dddb83'),
}

#: SHA-256 of the files read from the extracted folder.
ML100K_FILES = {
    'u.data': '06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490',
}

ENV_VAR = 'D2L_DATA_DIR'
DEFAULT_DIR = os.path.join('..', 'data')


def file_hash(path, algorithm='sha256'):
    """Return the hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.new(algorithm)
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def candidate_dirs(data_dir=None):
    """Return the places to look for the data, in order, without duplicates.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        Looked at first when given.

    Returns
    -------
    list of (pathlib.Path, str)
        Each place with a word on where it came from (for error messages).
    """
    places = []
    if data_dir is not None:
        places.append((Path(data_dir), 'the data_dir argument'))
    if os.environ.get(ENV_VAR):
        places.append((Path(os.environ[ENV_VAR]), f'the {ENV_VAR} environment variable'))
    places.append((Path(DEFAULT_DIR), "d2l's default cache"))
    unique, seen = [], set()
    for path, why in places:
        key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            unique.append((path, why))
    return unique


def _verify(path, expected, algorithm, what_to_do):
    found = file_hash(path, algorithm)
    if found != expected:
        raise DataChecksumError(
            f'{path}: {algorithm.upper()} checksum mismatch.\n'
            f'  expected {expected}\n  found    {found}\n'
            f'The file is damaged, truncated or not the official one. {what_to_do}')


def _verified_folder(folder):
    """Return ``folder`` if it holds a ``u.data`` with the published checksum, else None."""
    ratings = folder / 'u.data'
    if not ratings.is_file():
        return None
    _verify(ratings, ML100K_FILES['u.data'], 'sha256',
            f'Delete the folder {folder} (a fresh copy is then fetched) or replace it '
            f'with the extracted official ml-100k.zip.')
    return folder


def find_ml100k(data_dir=None, download_missing=True):
    """Return the folder that holds a verified extracted MovieLens-100K.

    Parameters
    ----------
    data_dir : str or os.PathLike, optional
        The first place to look (see the module docstring for the order).
    download_missing : bool, default True
        Download the official archive into the first place when no place has the data.

    Returns
    -------
    pathlib.Path
        A folder containing ``u.data`` (and the rest of the archive when extracted here).

    Raises
    ------
    DataChecksumError
        A copy is present but damaged.
    DataNotFoundError
        No place has the data and it could not be downloaded.
    """
    places = candidate_dirs(data_dir)
    for place, _ in places:
        for folder in (place / 'ml-100k', place):
            found = _verified_folder(folder)
            if found is not None:
                return found
        archive = place / 'ml-100k.zip'
        if archive.is_file():
            try:
                _verify(archive, DATA_HUB['ml-100k'][1], 'sha1', '')
            except DataChecksumError:
                if not download_missing:
                    raise
                break  # a damaged archive is not used: fetch a fresh one below
            return _verified_folder(extract_zip(archive, place) / 'ml-100k') or _missing(
                places, f'{archive} holds no ml-100k/u.data')
    if not download_missing:
        return _missing(places, 'downloading was turned off')
    target = places[0][0]
    try:
        archive = download('ml-100k', target)
    except OSError as error:  # URLError is an OSError; so are disk errors
        return _missing(places, f'the download failed: {error}')
    found = _verified_folder(extract_zip(archive, target) / 'ml-100k')
    return found or _missing(places, f'{archive} holds no ml-100k/u.data')


def _missing(places, reason):
    looked = '\n'.join(f'  - {os.path.abspath(p)} ({why}): no ml-100k/u.data, u.data '
                       f'or ml-100k.zip' for p, why in places)
    url = DATA_HUB['ml-100k'][0]
    raise DataNotFoundError(
        f'MovieLens-100K was not found, and {reason}.\nLooked in, in order:\n{looked}\n'
        f'To provide it: download {url} on a machine with internet access, then either '
        f'unzip it into one of those folders, or put the zip there, or set {ENV_VAR} '
        f'(or pass data_dir=) to the folder that holds it.')


def download(name, folder=DEFAULT_DIR, timeout=60):
    """Download ``DATA_HUB[name]`` into ``folder`` and return the file's path.

    A copy already there with the right SHA-1 is reused. The download goes to a
    temporary file beside the target and is renamed into place only after its SHA-1
    matched, so an interruption never leaves a partial file under the final name.

    Raises
    ------
    urllib.error.URLError
        The address could not be reached (no network, say).
    DataChecksumError
        The downloaded bytes do not have the published SHA-1 (nothing is kept).
    """
    url, sha1 = DATA_HUB[name]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / url.rsplit('/', 1)[-1]
    if target.is_file() and file_hash(target, 'sha1') == sha1:
        return target
    print(f'Downloading {target} from {url}...')
    fd, tmp = tempfile.mkstemp(prefix=f'.{target.name}.', suffix='.part', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as out, urllib.request.urlopen(url, timeout=timeout) as r:
            shutil.copyfileobj(r, out, 1 << 20)
        _verify(tmp, sha1, 'sha1', f'The download from {url} was corrupted; try again.')
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target


def extract_zip(archive, folder):
    """Extract ``archive`` into ``folder`` atomically and return ``folder``.

    Every member must stay inside ``folder`` (no absolute paths, no ``..``, no links):
    a crafted archive is refused before anything is written. The members are extracted
    into a temporary folder first; each top-level entry is then renamed into place. If
    another process finished first, its (identical) copy is kept.

    Raises
    ------
    DataFormatError
        The archive is not a zip file, or a member would land outside ``folder``.
    """
    archive, folder = Path(archive), Path(folder)
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile as error:
        raise DataFormatError(f'{archive}: not a valid zip archive ({error}). Delete it; '
                              f'a fresh copy is downloaded next time.') from None
    with zf:
        for info in zf.infolist():
            name = info.filename
            is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
            parts = Path(name).parts
            if is_link or name.startswith(('/', '\\')) or '..' in parts or (
                    parts and ':' in parts[0]):
                raise DataFormatError(
                    f'{archive}: member {name!r} would be written outside {folder} '
                    f'(absolute path, "..", drive or link). The archive is refused and '
                    f'nothing was extracted; use the official archive.')
        tmp = Path(tempfile.mkdtemp(prefix='.extract-', dir=folder))
        try:
            zf.extractall(tmp)
            for entry in tmp.iterdir():
                destination = folder / entry.name
                if destination.exists():
                    continue
                try:
                    os.rename(entry, destination)
                except OSError:  # another process renamed its copy first
                    if not destination.exists():
                        raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return folder
