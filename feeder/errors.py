"""The one exception hierarchy of feeder.

Every error we raise on purpose is a :class:`FeederError`. Children say where it came from so
that the CLI and the HTTP layer can map them to exit codes and statuses in one place each.
"""

from __future__ import annotations


class FeederError(Exception):
    """Base class of every error feeder raises on purpose."""


class ConfigError(FeederError):
    """config.yaml is missing, unreadable or invalid. ``key`` names the offending key."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key
        self.detail = message


class InputError(FeederError):
    """Bad input from an editor (CLI, API, web form). ``field`` names the offending field."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.detail = message
        self.status = status


class NotFoundError(FeederError):
    """A notice, editor or other named thing does not exist."""


class AuthError(FeederError):
    """Missing or wrong credentials (HTTP 401), or a role that may not act (403)."""

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


class StoreError(FeederError):
    """The database cannot be used (e.g. its schema is newer than this code)."""


class SourceError(FeederError):
    """A poll of an upstream source failed. ``source`` names it; the message says why."""

    def __init__(self, source: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.reason = message
        self.retry_after = retry_after


class LayoutChangedError(SourceError):
    """A 200 response that yields nothing where items were expected."""
