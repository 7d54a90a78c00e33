"""The package's own error types: each message says what was expected, what was found,
and what to do.

Every error raised on purpose derives from :class:`D2LExtError`, so ``except
d2l.D2LExtError`` catches all of them; each also derives from the built-in type a caller
would expect (``ValueError``, ``FileNotFoundError``, ...), so existing ``except`` clauses
keep working.
"""

__all__ = ['D2LExtError', 'DataNotFoundError', 'DataChecksumError', 'DataFormatError',
           'UnsafeArchiveError', 'InvalidArgumentError', 'ShapeMismatchError',
           'EmptyDataError', 'DeviceError', 'ClusterError']


class D2LExtError(Exception):
    """Base class of every error this package raises on purpose."""


class DataNotFoundError(D2LExtError, FileNotFoundError):
    """The data set is in none of the places looked at and could not be downloaded."""


class DataChecksumError(D2LExtError, ValueError):
    """A data file is present but its checksum is not the published one."""


class DataFormatError(D2LExtError, ValueError):
    """A data file or table does not have the expected layout or values."""


class UnsafeArchiveError(DataFormatError):
    """An archive member would be written outside the target folder (``..``, absolute
    path, link); the archive is refused before anything is written."""


class InvalidArgumentError(D2LExtError, ValueError):
    """An argument has a value the function cannot work with (e.g. ``test_ratio=1.5``)."""


class ShapeMismatchError(D2LExtError, ValueError):
    """The net, the batches and the interaction matrices do not have fitting shapes."""


class EmptyDataError(D2LExtError, ValueError):
    """There is nothing to train or evaluate on (no batches, no observed test rating)."""


class DeviceError(D2LExtError, RuntimeError):
    """A requested device (e.g. ``mx.gpu(1)``) does not exist on this machine."""


class ClusterError(D2LExtError, RuntimeError):
    """A distributed run failed: a process died, timed out, or could not start."""
