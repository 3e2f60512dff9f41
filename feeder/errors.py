"""The one exception hierarchy of feeder.

Every error we raise on purpose is a :class:`FeederError`. Each carries its data as attributes
(``status`` for HTTP, ``exit_code`` for the CLI, ``code`` a short machine-readable word, and
``field`` / ``key`` / ``source`` where one is at fault), so the HTTP layer and the CLI map errors
to answers in one place each, never by reading message text. Raise with ``from exc`` so that the
cause stays chained. Messages, field names and parameters are made :func:`printable` on the way
in (a lone surrogate typed by someone cannot break the answer that names it), and a value is
repeated through :func:`quote` (short, escapes visible).

==================  ======  =====  ====================================================
class               status  exit   when
==================  ======  =====  ====================================================
FeederError         500     1      base; something went wrong at run time
ConfigError         500     2      config.yaml is missing, unreadable or invalid (``key``)
InputError          400     2      bad editor input (``field``); 409/413/415 where chosen
NotFoundError       404     2      no notice, editor, ... of that name
AuthError           401     2      missing/wrong credentials; 403 for a role (``RoleError``)
StoreError          503     1      the database cannot be used
StoreBusyError      503     1      the database is locked or busy: try again (``retry_after``)
SourceError         502     1      a poll of an upstream failed (``source``, ``reason``)
HTTPStatusError     502     1      the upstream answered 4xx/5xx (``upstream_status``)
LayoutChangedError  502     1      a 200 answer that yields nothing where items were expected
PublishError        503     3      a change is stored, but publishing the outputs failed
==================  ======  =====  ====================================================
"""

from __future__ import annotations

from collections.abc import Mapping

MAX_NAME = 100
"""The longest field or key name an error repeats (a longer one is cut, with ``…``)."""
MAX_SHOWN = 60
"""The longest value :func:`quote` repeats."""


def printable(text: str) -> str:
    """``text`` as it can always be encoded: a lone surrogate (from JSON's ``"\\ud800"``, a
    command-line argument in a foreign encoding) becomes its escape ``\\ud800``. Error messages,
    field names and parameters go through it, so that no error can fail to be answered."""
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def quote(value: object, limit: int = MAX_SHOWN) -> str:
    """``value`` as an error message repeats it: its ``repr`` (escapes made visible), at most
    ``limit`` characters of it. Never the whole of a 64 KB input."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + "…"
    return repr(value)


def _name(name: str | None) -> str | None:
    if name is None:
        return None
    name = printable(name)
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


class FeederError(Exception):
    """Base class of every error feeder raises on purpose."""

    status: int = 500
    """The HTTP status that answers this error."""
    exit_code: int = 1
    """The exit status of a CLI command that ends with this error."""
    code: str = "error"
    """A short, stable word for machines (``"input"``, ``"not-found"``, ``"busy"`` ...)."""
    field: str | None = None
    """The input field or config key at fault, if one is."""

    def __init__(self, message: str) -> None:
        message = printable(message)
        super().__init__(message)
        self.detail = message
        """The message without the field or source prefix that ``str(error)`` carries."""


class ConfigError(FeederError):
    """config.yaml is missing, unreadable or invalid. ``key`` names the offending key."""

    exit_code = 2
    code = "config"

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        key = _name(key)
        self.args = (f"{key}: {self.detail}" if key else self.detail,)
        self.key = key
        self.field = key


class InputError(FeederError):
    """Bad input from an editor (CLI, API, web form). ``field`` names the offending field;
    ``code`` says which rule it broke (``"required"``, ``"too-long"`` ...) and ``params`` holds
    the values a message in another language needs (``{"length": 201, "limit": 200}``)."""

    status = 400
    exit_code = 2
    code = "input"

    def __init__(
        self,
        message: str,
        field: str | None = None,
        status: int = 400,
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        field = _name(field)
        self.args = (f"{field}: {self.detail}" if field else self.detail,)
        self.field = field
        self.status = status
        if code is not None:
            self.code = code
        self.params: dict[str, object] = {
            name: printable(value) if isinstance(value, str) else value
            for name, value in (params or {}).items()
        }


class NotFoundError(FeederError):
    """A notice, editor or other named thing does not exist."""

    status = 404
    exit_code = 2
    code = "not-found"


class AuthError(FeederError):
    """Missing or wrong credentials (HTTP 401), or a role that may not act (403)."""

    status = 401
    exit_code = 2
    code = "auth"

    def __init__(self, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.status = status


class StoreError(FeederError):
    """The database cannot be used (it cannot be opened, its schema is newer than this code, a
    statement failed). The sqlite3 error is chained as ``__cause__``."""

    status = 503
    code = "store"


class StoreBusyError(StoreError):
    """The database is locked or busy (another process holds it): the same request may succeed
    in a moment. ``retry_after`` is a hint in seconds."""

    code = "busy"

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class SourceError(FeederError):
    """A poll of an upstream source failed. ``source`` names it; ``reason`` says why."""

    status = 502
    code = "source"

    def __init__(self, source: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.args = (f"{source}: {self.detail}",)
        self.source = source
        self.reason = self.detail
        self.retry_after = retry_after


class HTTPStatusError(SourceError):
    """The upstream answered with an HTTP error status (4xx/5xx): ``upstream_status``.

    ``status`` stays the status *feeder* answers with (502, as for every source error);
    ``retry_after`` is set from ``Retry-After`` on 429 and 503.
    """

    code = "upstream-status"

    def __init__(
        self, source: str, message: str, upstream_status: int, retry_after: float | None = None
    ) -> None:
        super().__init__(source, message, retry_after=retry_after)
        self.upstream_status = upstream_status


class LayoutChangedError(SourceError):
    """A 200 response that yields nothing where items were expected."""

    code = "layout-changed"


class PublishError(FeederError):
    """An editor's change is stored (and audited), but rendering the outputs failed. The next
    publish retries; ``item_id`` names the notice."""

    status = 503
    exit_code = 3
    code = "not-published"

    def __init__(self, message: str, item_id: str | None = None) -> None:
        super().__init__(message)
        self.item_id = item_id
