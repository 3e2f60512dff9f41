"""HTTP for every source and the WebSub hub, in one place (``requests`` is imported here and
nowhere else).

Polite and robust:

- a User-Agent naming feeder (:data:`feeder.USER_AGENT`);
- ``(connect, read)`` timeouts from ``config.http``;
- conditional requests: the stored ETag / Last-Modified go out as ``If-None-Match`` /
  ``If-Modified-Since``; a ``304`` comes back as ``Response(not_modified=True, body=b"")``;
- gzip accepted, and the body streamed with a cap of ``http.max_bytes`` *decoded* bytes (so a
  small gzip bomb is refused as well as a huge plain body);
- a truncated body (fewer bytes than ``Content-Length``, a broken chunked stream) is an error,
  never half a document;
- ``429`` and ``503`` carry ``retry_after`` (seconds) parsed from ``Retry-After``, which may be
  a number of seconds or an HTTP date.
- :meth:`Fetcher.post` sends a form (the WebSub hub's ``hub.mode=publish``): no redirect
  followed, the answer's body not read, its failures raised as a GET's are.

Every failure is a :class:`~feeder.errors.SourceError` whose reason is one short sentence a
person can act on ("HTTP 503 Service Unavailable", "timed out after 20 s", "response larger
than 5000000 bytes", "cannot connect to example.org: Connection refused"), with the library's
exception chained as its cause. An HTTP error status is a :class:`HTTPStatusError` carrying the
status as data (``upstream_status``), so callers never read it from the message.

Backoff after failures is not done here: :mod:`feeder.poll` records the failure and decides when
to try again (honouring ``retry_after``), as :mod:`feeder.websub` does for the hub. A
:class:`Fetcher` keeps one ``requests.Session`` per thread (sessions are not guaranteed
thread-safe), so the scheduler may poll sources in parallel.
"""

from __future__ import annotations

import contextlib
import math
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.client import BadStatusLine, RemoteDisconnected
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ReadTimeoutError

from . import USER_AGENT
from .errors import HTTPStatusError, SourceError

if TYPE_CHECKING:
    from .config import HttpSettings

__all__ = ["Fetcher", "Response", "parse_retry_after"]

CHUNK = 64 * 1024
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Response:
    url: str
    """The final URL, after redirects."""
    status: int
    body: bytes
    """The decoded body (gzip undone); ``b""`` on 304."""
    content_type: str
    """The ``Content-Type`` header as sent (``""`` when absent)."""
    etag: str | None
    last_modified: str | None
    not_modified: bool
    """True when the server answered ``304 Not Modified`` to our conditional request."""


class Fetcher:
    """Fetches URLs for the sources. Create one per process; :meth:`close` it at the end."""

    def __init__(self, settings: HttpSettings, *, user_agent: str = USER_AGENT) -> None:
        self.settings = settings
        self.user_agent = user_agent
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    # ----------------------------------------------------------------------------- public

    def get(
        self,
        url: str,
        *,
        source: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> Response:
        """GET ``url`` for ``source``; raise :class:`SourceError` with a clear reason on failure."""
        headers: dict[str, str] = {}
        if accept:
            headers["Accept"] = accept
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        s = self.settings
        resp = self._send("GET", url, source, headers=headers,
                          timeout=(s.connect_timeout, s.read_timeout), allow_redirects=True)
        with resp:
            return self._finish(resp, source)

    def post(
        self,
        url: str,
        form: Mapping[str, str],
        *,
        source: str,
        timeout: tuple[float, float] | None = None,
    ) -> int:
        """POST ``form`` (``application/x-www-form-urlencoded``) to ``url`` for ``source`` (a
        WebSub hub, :mod:`feeder.websub`); the 2xx status it answered. ``timeout``: (connect,
        read), by default ``http.connect_timeout`` and ``http.read_timeout``. Redirects are not
        followed (a POST must not silently become a GET); the answer's body is not read.
        Failures are raised as :meth:`get` raises them (an HTTP error status is an
        :class:`HTTPStatusError` with ``retry_after`` from a 429 or 503)."""
        s = self.settings
        resp = self._send("POST", url, source, data=dict(form),
                          timeout=timeout or (s.connect_timeout, s.read_timeout),
                          allow_redirects=False, stream=True)
        with resp:
            status = resp.status_code
            if status >= 400:
                raise _status_error(resp, source)
            if not 200 <= status < 300:
                where = resp.headers.get("Location")
                raise SourceError(
                    source, f"unexpected HTTP {status} {_phrase(status, resp.reason)}"
                    + (f" (to {where[:200]}; not followed)" if where else ""))
            return status

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------------------- inside

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.update(
                {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"}
            )
            session.max_redirects = MAX_REDIRECTS
            session.trust_env = True
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _send(self, method: str, url: str, source: str, **kwargs: Any) -> requests.Response:
        """One request through this thread's session, every failure a :class:`SourceError`
        with a reason a person can act on."""
        kwargs.setdefault("stream", True)
        timeout = kwargs["timeout"]
        try:
            return self._session().request(method, url, **kwargs)
        except requests.exceptions.ConnectTimeout as exc:
            raise SourceError(
                source,
                f"cannot connect to {_host(url)}: timed out after {_secs(timeout[0])}",
            ) from exc
        except requests.exceptions.ReadTimeout as exc:
            raise SourceError(source, f"timed out after {_secs(timeout[1])}") from exc
        except requests.exceptions.TooManyRedirects as exc:
            raise SourceError(source, f"more than {MAX_REDIRECTS} redirects") from exc
        except requests.exceptions.SSLError as exc:
            raise SourceError(source, f"TLS error with {_host(url)}: {_root(exc)}") from exc
        except requests.exceptions.ConnectionError as exc:
            raise SourceError(source, _connection_reason(url, exc)) from exc
        except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                requests.exceptions.InvalidSchema) as exc:
            raise SourceError(source, f"invalid URL {url!r}: {exc}") from exc
        except requests.exceptions.RequestException as exc:
            raise SourceError(source, f"request failed: {_root(exc)}") from exc

    def _finish(self, resp: requests.Response, source: str) -> Response:
        status = resp.status_code
        headers = resp.headers
        etag = headers.get("ETag")
        last_modified = headers.get("Last-Modified")
        content_type = headers.get("Content-Type", "")
        if status == 304:
            return Response(resp.url, status, b"", content_type, etag, last_modified, True)
        if status >= 400:
            raise _status_error(resp, source)
        if not 200 <= status < 300:
            raise SourceError(source, f"unexpected HTTP {status} {_phrase(status, resp.reason)}")
        body = self._read_body(resp, source)
        return Response(resp.url, status, body, content_type, etag, last_modified, False)

    def _read_body(self, resp: requests.Response, source: str) -> bytes:
        """The body, within the size cap and within ``http.total_timeout`` overall.

        The read timeout bounds each wait for data; a server that trickles a byte now and then
        would never hit it, so a watchdog closes the response when the total time is up.
        """
        expired = threading.Event()

        def abort() -> None:
            # Closing alone does not wake a read blocked in another thread; a shutdown does.
            expired.set()
            sock = _socket_of(resp)
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            resp.close()

        watchdog = threading.Timer(self.settings.total_timeout, abort)
        watchdog.daemon = True
        watchdog.start()
        too_slow = SourceError(
            source,
            f"took longer than {_secs(self.settings.total_timeout)} in all (http.total_timeout)",
        )
        try:
            body = self._read_chunks(resp, source)
        except Exception as exc:
            if expired.is_set():
                raise too_slow from exc
            raise
        finally:
            watchdog.cancel()
        if expired.is_set():  # the shutdown can look like a normal end of a body without length
            raise too_slow
        return body

    def _read_chunks(self, resp: requests.Response, source: str) -> bytes:
        cap = self.settings.max_bytes
        too_big = f"response larger than {cap} bytes"
        declared = resp.headers.get("Content-Length")
        if declared is not None and declared.strip().isdigit() and int(declared) > cap:
            raise SourceError(source, f"{too_big} (Content-Length {int(declared)})")
        parts: list[bytes] = []
        size = 0
        try:
            for chunk in resp.iter_content(CHUNK):
                size += len(chunk)
                if size > cap:
                    raise SourceError(source, too_big)
                parts.append(chunk)
        except requests.exceptions.ChunkedEncodingError as exc:
            raise SourceError(
                source, f"truncated response: the body ended early ({_root(exc)})"
            ) from exc
        except requests.exceptions.ContentDecodingError as exc:
            raise SourceError(source, "response body could not be decompressed") from exc
        except requests.exceptions.ConnectionError as exc:
            if _caused_by(exc, ReadTimeoutError):
                raise SourceError(
                    source, f"timed out after {_secs(self.settings.read_timeout)}"
                    f" while reading the response ({size} bytes read)"
                ) from exc
            raise SourceError(source, f"connection lost while reading: {_root(exc)}") from exc
        except requests.exceptions.RequestException as exc:
            raise SourceError(source, f"reading the response failed: {_root(exc)}") from exc
        return b"".join(parts)


# --------------------------------------------------------------------------------- helpers


def _status_error(resp: requests.Response, source: str) -> HTTPStatusError:
    """An answer with an HTTP error status, as an error (``Retry-After`` read on 429 and 503)."""
    status = resp.status_code
    reason = f"HTTP {status} {_phrase(status, resp.reason)}"
    retry_after = None
    if status in (429, 503):
        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
        if retry_after is not None:
            reason += f" (retry after {math.ceil(retry_after)} s)"
    return HTTPStatusError(source, reason, status, retry_after=retry_after)


def _socket_of(resp: requests.Response) -> socket.socket | None:
    """The socket a streamed response reads from (urllib3 keeps it on the connection, or, when
    the server closes after the response, only inside http.client's file object)."""
    sock = getattr(getattr(resp.raw, "_connection", None), "sock", None)
    if isinstance(sock, socket.socket):
        return sock
    raw_io = getattr(getattr(getattr(resp.raw, "_fp", None), "fp", None), "raw", None)
    sock = getattr(raw_io, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    None when absent or unreadable; never negative.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def _phrase(status: int, reason: str | None) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return reason or "error"


def _secs(value: float) -> str:
    return f"{value:g} s"


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _connection_reason(url: str, exc: BaseException) -> str:
    host = _host(url)
    chain = _chain(exc)
    if any(isinstance(e, RemoteDisconnected) for e in chain):
        return f"{host} closed the connection without a response"
    if any(isinstance(e, BadStatusLine) for e in chain):
        return f"{host} sent an invalid HTTP response"
    return f"cannot connect to {host}: {_root(exc)}"


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    return any(isinstance(e, kind) for e in _chain(exc))


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it wraps (args, ``reason``, cause, context), outermost first."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if any(current is s for s in seen) or len(seen) > 20:
            continue
        seen.append(current)
        for inner in (*current.args, getattr(current, "reason", None),
                      current.__cause__, current.__context__):
            if isinstance(inner, BaseException):
                todo.append(inner)
    return seen


def _root(exc: BaseException) -> str:
    """The most specific human message in an exception chain ("Connection refused")."""
    for inner in reversed(_chain(exc)):
        if isinstance(inner, OSError) and inner.strerror:
            return str(inner.strerror)
    for inner in reversed(_chain(exc)):
        text = " ".join(str(inner).split())
        if text and "object at 0x" not in text and "Max retries" not in text:
            return text[:200]
    return type(exc).__name__
