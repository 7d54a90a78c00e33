"""The data sets this package can find, verify and read: one table, one row per data set.

Like Surprise's ``builtin_datasets``, each row says where the official archive lives, how
to verify it, which file inside it holds the ratings, how that file is laid out, the
rating scale, and which canonical train/test folds it ships. :mod:`.store` finds and
verifies a row's files, :mod:`.movielens` reads them.
"""
from dataclasses import dataclass

__all__ = ['DATA_HUB', 'DatasetSpec', 'DATASETS', 'ML100K', 'ML1M', 'ML10M', 'get_spec']

#: Name -> (address, SHA-1 of the archive), as in ``d2l.DATA_HUB`` (a test checks they agree).
DATA_HUB = {
    'ml-100k': ('https://files.grouplens.org/datasets/movielens/ml-100k.zip',
                'cd4dcac4241c8a4ad7badc7ca635da8a69dddb83'),
}


@dataclass(frozen=True)
class DatasetSpec:
    """What identifies a downloadable ratings data set.

    Attributes
    ----------
    name : str
        Stem of the archive's name, e.g. ``'ml-100k'`` for ``ml-100k.zip``; also the
        name of its top folder unless ``folder`` says otherwise.
    url : str
        Official address of the zip archive.
    archive_hash : (str, str)
        ``(algorithm, hex digest)`` of the archive, as published (``hashlib`` names).
    key_file : str
        The ratings file inside the folder, e.g. ``'u.data'``.
    key_sha256 : str or None
        SHA-256 of ``key_file`` where published. Without it, extracting from the verified
        archive records the member's SHA-256 beside the file (``<key_file>.sha256``), and
        later reads verify the file against that record.
    sep : str
        Field separator of ``key_file`` (``'\\t'`` or ``'::'``).
    rating_scale : tuple of float
        Every rating the data set may hold, e.g. ``(1, 2, 3, 4, 5)``; readers refuse any
        other value.
    folds : tuple of str
        Canonical splits shipped in the archive as ``<fold>.base``/``<fold>.test``.
    folder : str or None
        The archive's top folder when it differs from ``name`` (``ml-10m.zip`` holds
        ``ml-10M100K/``).
    """

    name: str
    url: str
    archive_hash: tuple
    key_file: str
    key_sha256: str = None
    sep: str = '\t'
    rating_scale: tuple = (1, 2, 3, 4, 5)
    folds: tuple = ()
    folder: str = None

    @property
    def folder_name(self):
        """The folder the archive extracts to (``folder``, else ``name``)."""
        return self.folder or self.name

    @property
    def whole_stars(self):
        """True when every rating of :attr:`rating_scale` is a whole number."""
        return all(float(r).is_integer() for r in self.rating_scale)


ML100K = DatasetSpec(
    'ml-100k', DATA_HUB['ml-100k'][0], ('sha1', DATA_HUB['ml-100k'][1]), 'u.data',
    '06416e597f82b7342361e41163890c81036900f418ad91315590814211dca490', sep='\t',
    folds=('u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub'))

#: MovieLens-1M as GroupLens publishes it (MD5 from the ml-1m.zip.md5 file beside it).
#: No hash of ratings.dat is published: extraction records the archive member's SHA-256
#: beside it (ratings.dat.sha256), and later reads verify the file against that record.
ML1M = DatasetSpec('ml-1m', 'https://files.grouplens.org/datasets/movielens/ml-1m.zip',
                   ('md5', 'c4d9eecfca2ab87c1945afe126590906'), 'ratings.dat', None,
                   sep='::')

#: MovieLens-10M: 10,000,054 half-star ratings (0.5 to 5.0) of 10,677 movies by 69,878
#: users. The archive ``ml-10m.zip`` extracts to ``ml-10M100K/`` (not ``ml-10m/``). The MD5
#: is the one GroupLens publishes in ml-10m.zip.md5 (quoted identically by several
#: independent data loaders; it could not be fetched here, there is no internet). No hash
#: of ratings.dat is published: as for ML-1M, extraction records the member's SHA-256.
ML10M = DatasetSpec('ml-10m', 'https://files.grouplens.org/datasets/movielens/ml-10m.zip',
                    ('md5', 'ce571fd55effeba0271552578f2648bd'), 'ratings.dat', None,
                    sep='::', rating_scale=tuple(k / 2 for k in range(1, 11)),
                    folder='ml-10M100K')

#: Every data set by name.
DATASETS = {spec.name: spec for spec in (ML100K, ML1M, ML10M)}


def get_spec(name):
    """Return the :class:`DatasetSpec` called ``name`` (one of :data:`DATASETS`).

    Raises
    ------
    InvalidArgumentError
        No data set has that name.
    """
    from ..errors import InvalidArgumentError
    if name not in DATASETS:
        raise InvalidArgumentError(f'No data set is called {name!r}; expected one of '
                                   f'{sorted(DATASETS)}.')
    return DATASETS[name]
