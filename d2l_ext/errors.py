"""The package's own error types: each message says what was expected, what was found,
and what to do."""

__all__ = ['D2LExtError', 'DataNotFoundError', 'DataChecksumError', 'DataFormatError']


class D2LExtError(Exception):
    """Base class of every error this package raises on purpose."""


class DataNotFoundError(D2LExtError, FileNotFoundError):
    """The data set is in none of the places looked at and could not be downloaded."""


class DataChecksumError(D2LExtError, ValueError):
    """A data file is present but its checksum is not the published one."""


class DataFormatError(D2LExtError, ValueError):
    """A data file or table does not have the expected layout or values."""
