"""The lean path: published files answered straight from :class:`OutputCache`.

The server answers a kept-alive GET or HEAD of a published file below ASGI with
:func:`raw_response` (:mod:`feeder.server.protocol`); through ASGI the app checks it before
anything else (see :class:`feeder.web.app.FeederApp`) with :func:`respond`. Both decide with
:func:`choose`, so they answer alike: a request for a feed or the banner costs one dict
look-up, one ``stat``, a scan of the request headers and bytes and header lists computed when
the file was loaded.
Anything that is not a published file goes on to Starlette (``/healthz``, the API, the admin
pages, and the 404).
"""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import parsedate_to_datetime

from starlette.types import Scope, Send

from .cache import Entry
from .errors import send_error

_MEMO_LIMIT = 256
_gzip_memo: dict[bytes, bool] = {}
_html_memo: dict[bytes, bool] = {}
_date_memo: dict[bytes, float | None] = {}

FEED_TYPES = (b"application/rss+xml", b"application/atom+xml")
HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def _memo(table: dict[bytes, object], key: bytes, value: object) -> None:
    if len(table) >= _MEMO_LIMIT:
        table.clear()
    table[key] = value


def _q(params: list[bytes]) -> float:
    for param in params:
        name, _, value = param.partition(b"=")
        if name.strip().lower() == b"q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


def _ranges(header: bytes) -> list[tuple[bytes, float]]:
    out = []
    for part in header.split(b","):
        token, *params = part.split(b";")
        token = token.strip().lower()
        if token:
            out.append((token, _q(params)))
    return out


def accepts_gzip(accept_encoding: bytes) -> bool:
    """Whether ``Accept-Encoding`` allows gzip (``gzip``, ``x-gzip`` or ``*`` with q > 0)."""
    known = _gzip_memo.get(accept_encoding)
    if known is not None:
        return known
    q_gzip: float | None = None
    q_any: float | None = None
    for token, q in _ranges(accept_encoding):
        if token in (b"gzip", b"x-gzip"):
            q_gzip = q if q_gzip is None else max(q_gzip, q)
        elif token == b"*":
            q_any = q
    q = q_gzip if q_gzip is not None else (q_any or 0.0)
    result = q > 0
    _memo(_gzip_memo, accept_encoding, result)  # type: ignore[arg-type]
    return result


def prefers_html(accept: bytes) -> bool:
    """Whether ``Accept`` ranks an HTML page above the feed types (a browser, not a reader).

    Only types named explicitly count: a browser names ``text/html`` first; a feed reader names
    the feed types (a tie goes to the feed types); ``*/*`` alone is a reader or a script.
    """
    known = _html_memo.get(accept)
    if known is not None:
        return known
    q_html = q_feed = 0.0
    for token, q in _ranges(accept):
        if token in HTML_TYPES:
            q_html = max(q_html, q)
        elif token in FEED_TYPES:
            q_feed = max(q_feed, q)
    result = q_html > 0 and q_html > q_feed
    _memo(_html_memo, accept, result)  # type: ignore[arg-type]
    return result


def http_date(value: bytes) -> float | None:
    """An HTTP date as Unix seconds, or None when it cannot be read."""
    if value in _date_memo:
        return _date_memo[value]
    try:
        result: float | None = parsedate_to_datetime(value.decode("latin-1")).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        result = None
    _memo(_date_memo, value, result)  # type: ignore[arg-type]
    return result


def choose(entry: Entry, headers: Iterable[tuple[bytes, bytes]]) -> tuple[bool, bool, bool]:
    """(fresh, gzip, browser) for a GET/HEAD of ``entry`` with these request headers: whether
    the answer is a 304, and which representation (by ``Accept-Encoding`` and ``Accept``)."""
    accept = encoding = if_none_match = if_modified_since = None
    for name, value in headers:
        if name == b"accept-encoding":
            encoding = value
        elif name == b"if-none-match":
            if_none_match = value
        elif name == b"accept":
            accept = value
        elif name == b"if-modified-since":
            if_modified_since = value
    use_gzip = entry.gzip_body is not None and encoding is not None and accepts_gzip(encoding)
    browser = entry.negotiates_type and accept is not None and prefers_html(accept)
    if if_none_match is not None:
        fresh = entry.matches(if_none_match)
    elif if_modified_since is not None:
        since = http_date(if_modified_since)
        fresh = since is not None and entry.mtime <= since
    else:
        fresh = False
    return fresh, use_gzip, browser


async def respond(entry: Entry, scope: Scope, send: Send) -> None:
    """Answer a GET/HEAD (anything else: 405) for a published file from precomputed parts."""
    method = scope["method"]
    if method != "GET" and method != "HEAD":
        await send_error(send, 405, "method not allowed", {"Allow": "GET, HEAD"}, scope=scope)
        return
    fresh, use_gzip, browser = choose(entry, scope["headers"])
    if fresh:
        await send({"type": "http.response.start", "status": 304,
                    "headers": entry.not_modified[(use_gzip, browser)]})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": entry.headers[(use_gzip, browser)]})
    body = entry.gzip_body if use_gzip else entry.body
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})


def raw_response(entry: Entry, method: bytes, headers: Iterable[tuple[bytes, bytes]]
                 ) -> tuple[bytes, bytes]:
    """The same answer as :func:`respond` for a GET or HEAD, as bytes for the server's fast
    path: (status line and header lines, body). The server adds its ``date`` line, the blank
    line and the body."""
    fresh, use_gzip, browser = choose(entry, headers)
    if fresh:
        return entry.raw[(304, use_gzip, browser)], b""
    if method == b"HEAD":
        return entry.raw[(200, use_gzip, browser)], b""
    body = entry.gzip_body if use_gzip and entry.gzip_body is not None else entry.body
    return entry.raw[(200, use_gzip, browser)], body
