"""Errors raised by the storage layer. Repositories turn driver errors into these."""

from __future__ import annotations


class StorageError(Exception):
    """Base error of the storage package."""


class NotFound(StorageError):
    """The row asked for does not exist."""


class Conflict(StorageError):
    """The change would break a uniqueness or state rule."""


class Unavailable(StorageError):
    """The database cannot be reached or kept failing."""
