"""Errors of the commerce package. The hub turns them into contract codes."""

from __future__ import annotations


class CommerceError(Exception):
    """Base error of the commerce package."""


class Invalid(CommerceError):
    """The request is malformed for this entity (e.g. the wrong currency)."""


class NotFound(CommerceError):
    """No such offer, transaction or listing."""


class Forbidden(CommerceError):
    """The caller is not the party that may do this."""


class Conflict(CommerceError):
    """The entity's state does not allow this (already decided, a second pending offer...)."""


class Unroutable(CommerceError):
    """A command was published where no queue takes it; it stays in the outbox for later."""


class BadMessage(CommerceError):
    """A bus message that can never be handled (undecodable, unknown type, missing fields)."""
