"""Finding, verifying, downloading and extracting data never leaves a damaged copy.

Every test serves a small archive built here (no network, no MovieLens file): the spec
points at it, and ``urllib.request.urlopen`` is replaced by a local fake where a test
needs to control the bytes.
"""
import hashlib
import io
import multiprocessing
import stat
import urllib.request
import zipfile
from pathlib import Path

import pytest

import d2l_ext as d2l
from d2l_ext.datasets import store as download
from d2l_ext.datasets.registry import DatasetSpec
from d2l_ext.datasets.store import extract_zip, find_dataset

KEY = b'1\t1\t5\t100\n2\t1\t3\t101\n1\t2\t4\t102\n' * 50


def make_zip(path, members=None):
    """Write a zip holding ``fake/u.data`` (or ``members``) and return its bytes."""
    members = members or {'fake/u.data': KEY, 'fake/README': b'fake data set\n'}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    data = buffer.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A spec for a fake archive, served by a fake urlopen that counts its calls."""
    archive = make_zip(None)
    spec = DatasetSpec('fake', 'https://example.invalid/fake.zip',
                       ('sha1', hashlib.sha1(archive).hexdigest()), 'u.data',
                       hashlib.sha256(KEY).hexdigest())
    calls = []

    def urlopen(url, timeout=None):
        calls.append(url)
        return io.BytesIO(archive)

    monkeypatch.setattr(urllib.request, 'urlopen', urlopen)
    monkeypatch.delenv('D2L_DATA_DIR', raising=False)
    monkeypatch.chdir(tmp_path)  # d2l's default ../data lands inside tmp_path's parent
    return spec, archive, calls


def files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob('*'))


def test_spec_agrees_with_d2l():
    import d2l.mxnet as reference
    assert d2l.DATA_HUB['ml-100k'][1] == reference.DATA_HUB['ml-100k'][1]
    assert reference.DATA_HUB['ml-100k'][0].endswith('ml-100k.zip')


def test_location_order_argument_then_environment(tmp_path, monkeypatch, served):
    spec, archive, _ = served
    first, second = tmp_path / 'first', tmp_path / 'second'
    for place in (first, second):
        (place / 'fake').mkdir(parents=True)
        (place / 'fake' / 'u.data').write_bytes(KEY)
    monkeypatch.setenv('D2L_DATA_DIR', str(second))
    assert find_dataset(spec) == second / 'fake'
    assert find_dataset(spec, first) == first / 'fake'
    # a place may be the extracted folder itself
    assert find_dataset(spec, first / 'fake') == first / 'fake'


def test_download_when_missing_then_reuse(tmp_path, served):
    spec, archive, calls = served
    folder = find_dataset(spec, tmp_path / 'data')
    assert (folder / 'u.data').read_bytes() == KEY
    assert (tmp_path / 'data' / 'fake.zip').read_bytes() == archive
    assert find_dataset(spec, tmp_path / 'data') == folder
    assert len(calls) == 1
    assert not [p for p in files_under(tmp_path / 'data') if '.part' in p or '.extract' in p]


@pytest.mark.parametrize('damage', ['empty', 'truncated', 'corrupted'])
def test_damaged_u_data_is_a_checksum_error_naming_the_file(tmp_path, served, damage):
    spec, _, calls = served
    key = tmp_path / 'fake' / 'u.data'
    key.parent.mkdir()
    key.write_bytes({'empty': b'', 'truncated': KEY[:-7],
                     'corrupted': KEY.replace(b'5', b'4', 1)}[damage])
    with pytest.raises(d2l.DataChecksumError) as info:
        find_dataset(spec, tmp_path)
    assert str(key) in str(info.value) and 'SHA256' in str(info.value)
    assert 'Delete' in str(info.value)
    assert not calls


def test_missing_everywhere_without_download_names_the_places(tmp_path, served):
    spec, _, _ = served
    with pytest.raises(d2l.DataNotFoundError) as info:
        find_dataset(spec, tmp_path / 'nothing', download_missing=False)
    message = str(info.value)
    assert str(tmp_path / 'nothing') in message and spec.url in message
    assert isinstance(info.value, FileNotFoundError)


def test_no_network_is_a_clear_error(tmp_path, served, monkeypatch):
    spec, _, _ = served

    def offline(url, timeout=None):
        raise urllib.error.URLError('no route to host')

    monkeypatch.setattr(urllib.request, 'urlopen', offline)
    with pytest.raises(d2l.DataNotFoundError, match='download failed'):
        find_dataset(spec, tmp_path / 'data')
    assert not (tmp_path / 'data' / 'fake.zip').exists()


@pytest.mark.parametrize('damage', ['empty', 'truncated', 'corrupted'])
def test_damaged_cached_zip_is_not_used_and_replaced(tmp_path, served, damage):
    spec, archive, calls = served
    place = tmp_path / 'data'
    place.mkdir()
    bad = {'empty': b'', 'truncated': archive[:len(archive) // 2],
           'corrupted': archive[:40] + bytes([archive[40] ^ 0xFF]) + archive[41:]}[damage]
    (place / 'fake.zip').write_bytes(bad)
    with pytest.raises(d2l.DataChecksumError, match='fake.zip'):
        find_dataset(spec, place, download_missing=False)
    folder = find_dataset(spec, place)
    assert len(calls) == 1
    assert (place / 'fake.zip').read_bytes() == archive
    assert (folder / 'u.data').read_bytes() == KEY


def test_damaged_zip_in_a_later_place_is_replaced_there(tmp_path, served, monkeypatch):
    spec, archive, calls = served
    env = tmp_path / 'env'
    env.mkdir()
    (env / 'fake.zip').write_bytes(b'PK\x03\x04 not really')
    monkeypatch.setenv('D2L_DATA_DIR', str(env))
    folder = find_dataset(spec, tmp_path / 'argument')  # an empty first place
    assert folder == env / 'fake' and (env / 'fake.zip').read_bytes() == archive
    assert not (tmp_path / 'argument').exists() and len(calls) == 1


def test_corrupted_download_keeps_nothing(tmp_path, served, monkeypatch):
    spec, archive, _ = served
    monkeypatch.setattr(urllib.request, 'urlopen',
                        lambda url, timeout=None: io.BytesIO(archive[:-10]))
    with pytest.raises(d2l.DataChecksumError) as info:
        find_dataset(spec, tmp_path / 'data')
    assert spec.url in str(info.value) and 'Nothing was kept' in str(info.value)
    assert files_under(tmp_path / 'data') == []


class Broken(io.BytesIO):
    """A response that delivers some bytes, then fails (``exc``) on the next read."""

    def __init__(self, payload, exc):
        super().__init__(payload)
        self.exc, self.reads = exc, 0

    def read(self, *args):
        self.reads += 1
        if self.reads > 1:
            raise self.exc
        return super().read(100)


@pytest.mark.parametrize('exc', [KeyboardInterrupt(), ConnectionResetError('reset'),
                                 __import__('http.client').client.IncompleteRead(b'')])
def test_interrupted_download_leaves_no_file_under_the_final_name(tmp_path, served,
                                                                   monkeypatch, exc):
    spec, archive, _ = served
    monkeypatch.setattr(urllib.request, 'urlopen',
                        lambda url, timeout=None: Broken(archive, exc))
    expected = KeyboardInterrupt if isinstance(exc, KeyboardInterrupt) else \
        d2l.DataNotFoundError
    with pytest.raises(expected):
        find_dataset(spec, tmp_path / 'data')
    assert files_under(tmp_path / 'data') == []


def test_interrupted_extraction_leaves_no_folder(tmp_path, served, monkeypatch):
    spec, archive, _ = served
    place = tmp_path / 'data'
    place.mkdir()
    (place / 'fake.zip').write_bytes(archive)

    def interrupted(self, path=None, members=None, pwd=None):
        Path(path, 'fake').mkdir()
        Path(path, 'fake', 'u.data').write_bytes(KEY[:10])
        raise KeyboardInterrupt

    monkeypatch.setattr(zipfile.ZipFile, 'extractall', interrupted)
    with pytest.raises(KeyboardInterrupt):
        find_dataset(spec, place)
    assert files_under(place) == ['fake.zip']
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    assert (find_dataset(spec, place) / 'u.data').read_bytes() == KEY


def test_incomplete_extracted_folder_is_named(tmp_path, served):
    spec, archive, _ = served
    (tmp_path / 'fake').mkdir()
    (tmp_path / 'fake' / 'README').write_text('half of an old extraction')
    (tmp_path / 'fake.zip').write_bytes(archive)
    with pytest.raises(d2l.DataFormatError, match='incomplete copy'):
        find_dataset(spec, tmp_path)


def test_archive_without_the_key_file_is_refused(tmp_path, served):
    spec, _, _ = served
    other = make_zip(None, {'fake/other.txt': b'x'})
    spec = DatasetSpec('fake', spec.url, ('sha1', hashlib.sha1(other).hexdigest()),
                       'u.data', spec.key_sha256)
    (tmp_path / 'fake.zip').write_bytes(other)
    with pytest.raises(d2l.DataFormatError, match='holds no fake/u.data'):
        find_dataset(spec, tmp_path)


def _worker(spec, place, barrier, results):
    import d2l_ext.datasets.store as dl
    barrier.wait()
    folder = dl.find_dataset(spec, place)
    results.put((str(folder), (folder / 'u.data').read_bytes() == KEY))


class Slow(io.BytesIO):
    def read(self, *args):
        import time
        time.sleep(0.002)
        return super().read(64)


@pytest.mark.parametrize('start', ['download', 'extract'])
def test_two_processes_at_once_both_end_with_a_good_copy(tmp_path, served, monkeypatch,
                                                         start):
    spec, archive, _ = served
    place = tmp_path / 'data'
    place.mkdir()
    if start == 'extract':
        (place / 'fake.zip').write_bytes(archive)
    # a slow response (fork carries this patch into the children) makes the two overlap
    monkeypatch.setattr(urllib.request, 'urlopen', lambda url, timeout=None: Slow(archive))
    context = multiprocessing.get_context('fork')
    barrier, results = context.Barrier(3), context.Queue()
    workers = [context.Process(target=_worker, args=(spec, place, barrier, results))
               for _ in range(2)]
    for w in workers:
        w.start()
    barrier.wait()
    outcomes = [results.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    assert outcomes == [(str(place / 'fake'), True)] * 2
    assert files_under(place) == ['fake', 'fake.zip', 'fake/README', 'fake/u.data']
    assert (place / 'fake.zip').read_bytes() == archive


def symlink_zip(path):
    with zipfile.ZipFile(path, 'w') as zf:
        zf.writestr('fake/u.data', KEY)
        link = zipfile.ZipInfo('fake/link')
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, '/etc/passwd')


@pytest.mark.parametrize('member', ['../x', 'fake/../../x', '/tmp/abs_x', '..\\x',
                                    'C:/x', 'symlink'])
def test_crafted_archive_is_refused_and_nothing_written(tmp_path, member):
    place = tmp_path / 'deep' / 'place'
    place.mkdir(parents=True)
    archive = tmp_path / 'crafted.zip'
    if member == 'symlink':
        symlink_zip(archive)
    else:
        make_zip(archive, {'fake/u.data': KEY, member: b'escaped'})
    before = files_under(tmp_path)
    with pytest.raises(d2l.UnsafeArchiveError) as info:
        extract_zip(archive, place)
    assert isinstance(info.value, d2l.DataFormatError)
    assert 'nothing was extracted' in str(info.value)
    assert files_under(tmp_path) == before
    assert not Path('/tmp/abs_x').exists()


@pytest.mark.parametrize('content', [b'', b'not a zip at all', None])
def test_extract_of_a_broken_zip_is_a_format_error(tmp_path, content):
    archive = tmp_path / 'broken.zip'
    if content is None:  # a member whose bytes were damaged after the checksum
        data = bytearray(make_zip(None, {'fake/u.data': KEY * 20}))
        start = data.index(b'fake/u.data') + len('fake/u.data') + 20
        data[start:start + 40] = bytes(40)
        archive.write_bytes(bytes(data))
    else:
        archive.write_bytes(content)
    with pytest.raises(d2l.DataFormatError, match='broken.zip'):
        extract_zip(archive, tmp_path / 'out')
    assert not (tmp_path / 'out').exists() or files_under(tmp_path / 'out') == []


def test_download_by_d2l_name_reuses_a_good_copy(tmp_path, monkeypatch):
    """``download('ml-100k')`` with the published archive already there does no I/O."""
    called = []
    monkeypatch.setattr(urllib.request, 'urlopen', lambda *a, **k: called.append(a))
    monkeypatch.setattr(download, 'file_hash', lambda path, algorithm='sha256':
                        d2l.DATA_HUB['ml-100k'][1])
    (tmp_path / 'ml-100k.zip').write_bytes(b'stand-in')
    assert download.download('ml-100k', tmp_path) == tmp_path / 'ml-100k.zip'
    assert not called
