"""Find, verify, download and extract a data set of :mod:`.registry` without ever leaving a
damaged copy (MovieLens-100K in the examples below).

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
A damaged archive is never used: the other places are still looked at, and a fresh
download replaces it. Archive members that would land outside the target folder
(absolute paths, ``..``, links) make the whole archive refused before anything is written.
"""
import hashlib
import http.client
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..errors import (
    DataChecksumError,
    DataFormatError,
    DataNotFoundError,
    InvalidArgumentError,
    UnsafeArchiveError,
)
from .registry import DATA_HUB, ML100K, DatasetSpec

__all__ = ['candidate_dirs', 'find_dataset', 'find_ml100k', 'download', 'extract_zip',
           'file_hash']

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

    Raises
    ------
    InvalidArgumentError
        ``data_dir`` or ``$D2L_DATA_DIR`` names a file instead of a folder.
    """
    places = []
    if data_dir is not None:
        places.append((Path(data_dir), 'the data_dir argument'))
    if os.environ.get(ENV_VAR):
        places.append((Path(os.environ[ENV_VAR]), f'the {ENV_VAR} environment variable'))
    places.append((Path(DEFAULT_DIR), "d2l's default cache"))
    for path, why in places:
        if path.exists() and not path.is_dir():
            raise InvalidArgumentError(
                f'{path} ({why}) is a file, but it must be a folder: one that holds '
                f'the extracted data set folder (e.g. ml-100k/), is that folder, or holds '
                f'its zip archive. Pass the folder, not a file in it.')
    unique, seen = [], set()
    for path, why in places:
        key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            unique.append((path, why))
    return unique


def _verify(path, expected, algorithm, what_to_do, name=None):
    """Raise :class:`DataChecksumError` unless the file's digest is ``expected``; the
    message names the file (or ``name``), both digests and ``what_to_do``."""
    found = file_hash(path, algorithm)
    if found != expected:
        raise DataChecksumError(
            f'{name or path}: {algorithm.upper()} checksum mismatch.\n'
            f'  expected {expected}\n  found    {found}\n'
            f'The file is damaged, truncated or not the official one. {what_to_do}')


def _verified_folder(spec, folder):
    """Return ``folder`` if it holds the spec's key file with the right checksum, else None.

    The expected SHA-256 is the spec's, else the one recorded beside the file when it was
    extracted from the verified archive; a folder with neither is taken as it is (the
    reader then checks the file's format).
    """
    key = folder / spec.key_file
    if not key.is_file():
        return None
    record = _record_of(key)
    expected = spec.key_sha256 or (record.read_text().split()[0] if record.is_file()
                                   else None)
    if expected:
        _verify(key, expected, 'sha256',
                f'Delete the folder {folder} (a fresh copy is then fetched) or replace it '
                f'with the extracted official {spec.name}.zip.')
    return folder


def _record_of(key):
    return key.with_name(f'{key.name}.sha256')


def _record_member_hash(spec, archive, folder):
    """Write ``<key_file>.sha256`` from the verified archive's member, atomically."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(archive) as zf, zf.open(f'{spec.folder_name}/{spec.key_file}') as member:
        for chunk in iter(lambda: member.read(1 << 20), b''):
            digest.update(chunk)
    record = _record_of(folder / spec.key_file)
    tmp = record.with_name(f'.{record.name}.{os.getpid()}.tmp')
    tmp.write_text(f'{digest.hexdigest()}  {spec.key_file}\n')
    os.replace(tmp, record)


def _extracted(spec, archive, place):
    """Extract a verified archive into ``place``; return the verified folder."""
    folder = place / spec.folder_name
    existed = folder.exists()
    extract_zip(archive, place)
    if (spec.key_sha256 is None and (folder / spec.key_file).is_file()
            and not _record_of(folder / spec.key_file).is_file()):
        _record_member_hash(spec, archive, folder)
    found = _verified_folder(spec, folder)
    if found is not None:
        return found
    if existed:  # left by an interrupted non-atomic extraction (d2l's own, say)
        raise DataFormatError(
            f'{folder} exists but holds no {spec.key_file}: it is an incomplete copy '
            f'(an extraction was interrupted?). Expected the extracted {archive.name}. '
            f'Delete {folder}; it is extracted again from {archive} next time.')
    raise DataFormatError(f'{archive} holds no {spec.folder_name}/{spec.key_file}: it is not the '
                          f'official {spec.name} archive. Delete it and download {spec.url}.')


def find_ml100k(data_dir=None, download_missing=True):
    """Return the folder that holds a verified extracted MovieLens-100K (see
    :func:`find_dataset`)."""
    return find_dataset(ML100K, data_dir, download_missing)


def find_dataset(spec, data_dir=None, download_missing=True):
    """Return the folder that holds a verified extracted copy of a data set.

    Parameters
    ----------
    spec : DatasetSpec
        Which data set (e.g. :data:`ML100K`).
    data_dir : str or os.PathLike, optional
        The first place to look (see the module docstring for the order).
    download_missing : bool, default True
        Download the official archive when no place has the data: into the place of the
        first damaged archive seen (replacing it), else into the first place.

    Returns
    -------
    pathlib.Path
        A folder containing ``spec.key_file`` (and the rest of the archive).

    Raises
    ------
    DataChecksumError
        An extracted copy is damaged (a damaged archive is looked past and, when
        downloading is allowed, replaced by a fresh download in its place).
    DataFormatError
        An extracted folder is incomplete, or the archive lacks ``spec.key_file``.
    DataNotFoundError
        No place has the data and it could not be downloaded.
    """
    places = candidate_dirs(data_dir)
    damaged = None  # the first place holding a damaged archive: a fresh one replaces it
    for place, _ in places:
        for folder in (place / spec.folder_name, place):
            found = _verified_folder(spec, folder)
            if found is not None:
                return found
        archive = place / f'{spec.name}.zip'
        if archive.is_file():
            try:
                _verify(archive, spec.archive_hash[1], spec.archive_hash[0],
                        'Delete it, or let a fresh copy be downloaded over it.')
            except DataChecksumError:
                if not download_missing:
                    raise
                damaged = damaged or place  # never used; looked past, then replaced
                continue
            return _extracted(spec, archive, place)
    if not download_missing:
        return _missing(spec, places, 'downloading was turned off')
    target = damaged or places[0][0]
    try:
        archive = download(spec, target)
    except (OSError, http.client.HTTPException) as error:  # URLError is an OSError
        reason = f'the download failed ({type(error).__name__}: {error})'
        if damaged is not None:
            reason += f'; {target / f"{spec.name}.zip"} is damaged and was not used'
        return _missing(spec, places, reason)
    return _extracted(spec, archive, target)


def _missing(spec, places, reason):
    looked = '\n'.join(f'  - {os.path.abspath(p)} ({why}): no {spec.folder_name}/{spec.key_file}, '
                       f'{spec.key_file} or {spec.name}.zip' for p, why in places)
    raise DataNotFoundError(
        f'The {spec.name} data set was not found, and {reason}.\nLooked in, in order:\n'
        f'{looked}\nTo provide it: download {spec.url} on a machine with internet access, '
        f'then either unzip it into one of those folders, or put the zip there, or set '
        f'{ENV_VAR} (or pass data_dir=) to the folder that holds it.')


def download(name, folder=DEFAULT_DIR, timeout=60):
    """Download a data set's archive into ``folder`` and return the file's path.

    ``name`` is a key of :data:`DATA_HUB` (as in d2l) or a :class:`DatasetSpec`. A copy
    already there with the published checksum is reused. The download goes to a
    temporary file beside the target and is renamed into place only after its checksum
    matched, so an interruption never leaves a partial file under the final name.

    Raises
    ------
    urllib.error.URLError, OSError, http.client.HTTPException
        The address could not be reached, or the connection broke off (nothing is kept).
    DataChecksumError
        The downloaded bytes do not have the published SHA-1 (nothing is kept).
    """
    if isinstance(name, DatasetSpec):
        url, (algorithm, digest) = name.url, name.archive_hash
    else:
        url, digest = DATA_HUB[name]
        algorithm = 'sha1'
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / url.rsplit('/', 1)[-1]
    if target.is_file() and file_hash(target, algorithm) == digest:
        return target
    print(f'Downloading {target} from {url}...')
    fd, tmp = tempfile.mkstemp(prefix=f'.{target.name}.', suffix='.part', dir=folder)
    try:
        with os.fdopen(fd, 'wb') as out, urllib.request.urlopen(url, timeout=timeout) as r:
            shutil.copyfileobj(r, out, 1 << 20)
        _verify(tmp, digest, algorithm, f'Nothing was kept under {target}; try again, or '
                f'download the file by hand and put it there.',
                name=f'The download of {url} into {target}')
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
        The archive is not a zip file or a member is damaged (nothing is extracted).
    UnsafeArchiveError
        A member would land outside ``folder`` (a :class:`DataFormatError` too).
    """
    archive, folder = Path(archive), Path(folder)
    if not archive.is_file():
        raise DataNotFoundError(f'{archive}: no such archive. Expected a zip file; check '
                                f'the path or download it again.')
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, EOFError) as error:
        raise DataFormatError(f'{archive}: not a valid zip archive ({error}); it is empty, '
                              f'truncated or not a zip. Delete it; a fresh copy is '
                              f'downloaded next time.') from None
    with zf:
        for info in zf.infolist():
            _check_member(archive, folder, info)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix='.extract-', dir=folder))
        try:
            try:
                zf.extractall(tmp)
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                raise DataFormatError(
                    f'{archive}: a member is damaged ({error}); nothing was extracted. '
                    f'Delete the archive and download it again.') from None
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


def _check_member(archive, folder, info):
    """Refuse a member that would land outside ``folder`` or is a link."""
    name = info.filename.replace('\\', '/')
    is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
    parts = PurePosixPath(name).parts
    if is_link or name.startswith('/') or '..' in parts or (parts and ':' in parts[0]):
        raise UnsafeArchiveError(
            f'{archive}: member {info.filename!r} would be written outside {folder} '
            f'(absolute path, "..", drive letter or link). Expected members inside the '
            f'folder only. The archive is refused and nothing was extracted; use the '
            f'official archive.')
