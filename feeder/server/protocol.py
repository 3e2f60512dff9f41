"""uvicorn's HTTP protocol, guarded and sped up for what faces the internet (issues 14, 17).

**What faces the internet** (issue 14). uvicorn's HTTP protocol is extended here
(:class:`GuardedProtocol`), so that these hold whatever the app does:

- at most :func:`connection_cap` connections at once, below the process's file limit
  (``RLIMIT_NOFILE`` minus :data:`FD_RESERVE` for the database, the upstream requests and the
  published files; at most :data:`MAX_CONNECTIONS`); one more is answered ``503`` with
  ``Retry-After`` and closed at once, so polls and publishes always find a descriptor;
- a connection that sends nothing is closed after :data:`IDLE_TIMEOUT` s, a request head must be
  complete :data:`HEAD_TIMEOUT` s after its first byte (slow-header clients), a kept-alive
  connection idle for :data:`KEEP_ALIVE` s is closed; a request or a response in progress (a
  stream of events) has no time limit here;
- a request head (request line and headers) larger than :data:`MAX_HEAD` bytes is answered
  ``431`` and the connection closed, counted while it arrives (memory stays bounded by the limit
  and one read); a ``Content-Length`` above :data:`MAX_BODY` is answered ``413`` before any of
  the body is read, and a chunked body that grows beyond it closes the connection.

**Speed** (issue 17: at least half of nginx on the same files). A GET or HEAD of a published file
is answered in the protocol itself, below ASGI: the app's ``fast_answer(method, path, headers)``
(:meth:`feeder.web.app.FeederApp.fast_answer`) returns the status line, the precomputed header
lines and the body, and they are written with the ``date`` line in one call, with no ASGI scope,
task or message. A request that arrives as exactly the bytes of one answered this way before
(a client or a proxy repeating itself, alone in its read, without a body, while the parser is
between requests) is not parsed again (:data:`_seen`); its answer is still decided afresh.
Everything else (and a request on a connection whose writes are paused, or that is not kept
alive) goes through ASGI as usual. Measured with ``bench/bench_http.py`` (wrk, one thread, 32
connections; each server on CPU 1, wrk on CPU 0, of a two-core machine shared with
other work, load average about 2), requests per second and the ratio to nginx (one worker, same
files):

==================  ======================  ====================  ====================
row                 ASGI path (before)      fast path (B)         final (C)
==================  ======================  ====================  ====================
banner.json gzip    12,800 / 33,600 (0.38)  41,700 / 67,900 0.61  62,600 / 69,900 0.90
banner.json 304     14,400 / 73,700 (0.20)  23,700 / 34,100 0.69  57,300 / 75,200 0.76
feed.atom gzip      18,300 / 64,000 (0.29)  16,700 / 32,800 0.51  56,400 / 60,800 0.93
feed.atom 304       19,200 / 82,100 (0.23)  30,900 / 37,600 0.82  60,000 / 69,500 0.86
==================  ======================  ====================  ====================

B: the fast path alone (what any mix of requests gets; another run gave 0.58 to 0.76). C: with
the repeated-request shortcut, which wrk's identical requests always take; CPU time per request
14 to 18 us for feeder, 12 to 17 us for nginx. More runs and the details: docs/deploy.md.

The levers measured: uvicorn's ASGI path with httptools and uvloop (the "before" column; both
were already on); Granian 2.8 (Rust, ASGI, one worker) serving the same app's ASGI path gave
14,500 / 18,900 / 16,000 / 24,300 against the fast path's (B) 33,000 / 26,300 / 25,400 / 31,900
in one interleaved run, and it has no connection cap, no idle timeout for a kept-alive
connection and no body limit of its own, and runs its workers in child processes. So uvicorn
stays, extended here: answering published files at the lowest level did what a faster server
could not.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from typing import Any, ClassVar, Protocol

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("feeder.server")

MAX_CONNECTIONS = 1024
"""The most connections served at once, however high the file limit."""
FD_RESERVE = 64
"""File descriptors kept free of connections: the database, upstream requests, published files,
the log. :func:`connection_cap` is the file limit minus this."""
MIN_CONNECTIONS = 16
IDLE_TIMEOUT = 5.0
"""Seconds a new connection may stay silent."""
HEAD_TIMEOUT = 10.0
"""Seconds from a request's first byte until its head (request line and headers) is complete."""
KEEP_ALIVE = 15.0
"""Seconds a connection may stay idle between two requests."""
MAX_HEAD = 16 * 1024
"""Bytes of a request line and headers (431 beyond)."""
MAX_BODY = 64 * 1024
"""Bytes of a request body (413 beyond; the editors' API and form take at most this much)."""
SWEEP_EVERY = 10
"""Ticks of uvicorn's main loop (0.1 s each) between two checks of the timeouts."""

class FastApp(Protocol):
    """An app that answers some requests below ASGI (see the module's docstring)."""

    def fast_answer(self, method: bytes, path: str, headers: list[tuple[bytes, bytes]]
                    ) -> tuple[bytes, bytes] | None: ...


def connection_cap(max_connections: int | None = None) -> int:
    """Connections served at once: below the file limit, whatever systemd's ``LimitNOFILE`` or
    the shell's ``ulimit -n`` is (the soft limit is raised to the hard one first)."""
    if max_connections is None:
        max_connections = MAX_CONNECTIONS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return max_connections
    return max(MIN_CONNECTIONS, min(max_connections, soft - FD_RESERVE))


def _plain(status: int, reason: str, message: str, *extra: bytes) -> bytes:
    body = message.encode("ascii")
    return b"".join([
        f"HTTP/1.1 {status} {reason}\r\n".encode("ascii"),
        b"content-type: text/plain; charset=utf-8\r\n",
        b"content-length: ", str(len(body)).encode("ascii"), b"\r\n",
        b"cache-control: no-store\r\n",
        *extra,
        b"connection: close\r\n\r\n",
        body,
    ])


REFUSED = _plain(503, "Service Unavailable", "too many connections; try again\n",
                 b"retry-after: 1\r\n")
HEAD_TOO_LARGE = _plain(431, "Request Header Fields Too Large",
                        f"request headers larger than {MAX_HEAD} bytes\n")
BODY_TOO_LARGE = _plain(413, "Content Too Large", f"request body larger than {MAX_BODY} bytes\n")


class _Answered:
    """Stands for the request cycle of a request answered on the fast path (uvicorn's protocol
    reads ``response_complete`` and ``message_event`` of its current cycle)."""

    response_complete = True
    disconnected = False

    class message_event:  # stands for an asyncio.Event
        @staticmethod
        def set() -> None:
            return None


ANSWERED: Any = _Answered()

_seen: dict[bytes, tuple[bytes, str, list[tuple[bytes, bytes]]]] = {}
"""Read requests by their exact bytes: (method, path, headers) of a request that came as one
read, alone, without a body, and was answered on the fast path. The same bytes again (a client
or a proxy repeating its request) skip the parser; the answer is still decided afresh
(``fast_answer``: the file's current version, the date)."""
SEEN_LIMIT = 512
SEEN_LONGEST = 2048

_tail: list[Any] = [None, b"\r\n"]
"""(uvicorn's default headers list, those lines and the blank line as bytes): recomputed only
when uvicorn replaces the list (every second, for the date)."""

# Phases of a connection, for the timeouts.
NEW, KEPT, HEAD, BUSY = 0, 1, 2, 3


class _Stop(Exception):
    """Raised out of a parser callback after the connection was answered and closed."""


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the connection cap, the timeouts, the size limits and
    the fast path of published files (see the module's docstring). Subclassed per server by
    :func:`_protocol_for` with ``fast`` and ``cap`` set."""

    fast: ClassVar[FastApp | None] = None
    cap: ClassVar[int] = MAX_CONNECTIONS
    refused: ClassVar[list[float]]
    """[count, time of the last warning], shared by the server's connections."""

    phase = NEW
    mark = 0
    """Counts phase changes; the sweeper notes when it last saw it move (no clock per request)."""
    seen_mark = -1
    seen_at = 0.0
    head_bytes = 0
    """Bytes received while the current head was incomplete (bounds memory before it is)."""
    head_size = 0
    """The current head's size: URL, header names and values (the 431 check)."""
    body_bytes = 0
    begun = 0
    """Requests begun during the current read."""
    between = True
    """The parser is between two requests (the last one read to its end)."""
    candidate: tuple[bytes, str, list[tuple[bytes, bytes]]] | None = None

    # ------------------------------------------------------------------ connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.cap:
            transport.write(REFUSED)
            transport.close()
            self._warn_refused()

    def _warn_refused(self) -> None:
        self.refused[0] += 1
        now = self.loop.time()
        if now - self.refused[1] >= 10:
            log.warning("refused %d connections beyond the limit of %d (file limit: %d)",
                        int(self.refused[0]), self.cap,
                        resource.getrlimit(resource.RLIMIT_NOFILE)[0])
            self.refused[0], self.refused[1] = 0, now

    def data_received(self, data: bytes) -> None:
        self._unset_keepalive_if_required()
        if self.between:
            known = _seen.get(data)
            if known is not None and self._answer_known(known):
                return
        if self.phase != BUSY:
            self.head_bytes += len(data)
        self.begun = 0
        self.candidate = None
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserCallbackError as exc:
            if not self.transport.is_closing():  # answered and closed already: _Stop
                log.error("error while reading a request: %r", exc.__context__ or exc)
                self.send_400_response("Invalid HTTP request received.")
            return
        except httptools.HttpParserError:
            if self.transport.is_closing():
                return
            msg = "Invalid HTTP request received."
            self.logger.warning(msg)
            self.send_400_response(msg)
            return
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        if self.candidate is not None and self.begun == 1 and self.between \
                and len(data) <= SEEN_LONGEST:  # exactly one request, read whole, answered
            if len(_seen) >= SEEN_LIMIT:
                _seen.clear()
            _seen[data] = self.candidate
        if self.phase != BUSY and self.head_bytes > MAX_HEAD:
            # Still no complete head after more than MAX_HEAD bytes (the last read may have
            # carried a body too: a head that completed is measured exactly above).
            self._close_with(HEAD_TOO_LARGE)

    def _close_with(self, response: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(response)
            self.transport.close()
        self.cycle = ANSWERED

    def sweep(self, now: float) -> None:
        """Close the connection if it has been silent, slow or idle for too long (called about
        once a second: a limit holds to within that)."""
        if self.mark != self.seen_mark:  # it moved since the last sweep (or is new)
            self.seen_mark, self.seen_at = self.mark, now
            return
        if self.phase == BUSY or self.transport is None or self.transport.is_closing():
            return
        limit = IDLE_TIMEOUT if self.phase == NEW else (
            HEAD_TIMEOUT if self.phase == HEAD else KEEP_ALIVE)
        if now - self.seen_at >= limit:
            self.transport.close()

    # ------------------------------------------------------------------ parser callbacks

    def on_message_begin(self) -> None:
        # As uvicorn's, but the ASGI scope is made only for a request that goes through ASGI
        # (:meth:`_scope`): the fast path needs the URL and the headers only.
        self._unset_keepalive_if_required()
        self.phase = HEAD
        self.mark += 1
        self.begun += 1
        self.between = False
        self.body_bytes = 0
        self.url = b""
        self.expect_100_continue = False
        self.headers = []
        self.head_size = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        # As uvicorn's, counting the head's size as it goes.
        self.head_size += len(name) + len(value) + 4
        name = name.lower()
        if name == b"expect" and value.lower() == b"100-continue":
            self.expect_100_continue = True
        self.headers.append((name, value))

    def _scope(self) -> None:
        self.scope = {  # type: ignore[typeddict-item]
            "type": "http",
            "asgi": {"version": self.asgi_version, "spec_version": "2.3"},
            "http_version": "1.1",
            "server": self.server,
            "client": self.client,
            "scheme": self.scheme,  # type: ignore[typeddict-item]
            "root_path": self.root_path,
            "headers": self.headers,
            "state": self.app_state.copy(),
        }

    def on_headers_complete(self) -> None:
        self.phase = BUSY
        self.mark += 1
        if self.head_size + len(self.url) > MAX_HEAD:
            self._close_with(HEAD_TOO_LARGE)
            raise _Stop
        self.head_bytes = 0
        if self._content_length() > MAX_BODY:  # whatever the method: never read it
            self._close_with(BODY_TOO_LARGE)
            raise _Stop
        if self.fast is not None and self._fast():
            return
        self._scope()
        super().on_headers_complete()

    def _content_length(self) -> int:
        for name, value in self.headers:
            if name == b"content-length":  # digits only, below 2**64: httptools checked
                try:
                    return int(value)
                except ValueError:
                    return MAX_BODY + 1
        return 0

    def _fast(self) -> bool:
        """Answer a published file right here; False to go through ASGI."""
        cycle = self.cycle
        if (cycle is not None and not cycle.response_complete) or self.flow.write_paused:
            return False
        method = self.parser.get_method()
        if (method != b"GET" and method != b"HEAD") or not self.parser.should_keep_alive() \
                or self.parser.get_http_version() != "1.1":
            return False
        url = self.url
        if url[:1] != b"/" or b"%" in url:
            return False
        path = url.split(b"?", 1)[0]
        try:
            text = path.decode("ascii")
        except UnicodeDecodeError:
            return False
        assert self.fast is not None
        answer = self.fast.fast_answer(method, text, self.headers)
        if answer is None:
            return False
        if not any(n == b"content-length" or n == b"transfer-encoding" for n, _ in self.headers):
            self.candidate = (method, text, self.headers)
        self._write(answer)
        return True

    def _answer_known(self, known: tuple[bytes, str, list[tuple[bytes, bytes]]]) -> bool:
        """Answer a request seen before (:data:`_seen`) without parsing it again."""
        cycle = self.cycle
        if (cycle is not None and not cycle.response_complete) or self.flow.write_paused:
            return False
        assert self.fast is not None
        answer = self.fast.fast_answer(*known)
        if answer is None:
            return False
        self._write(answer)
        return True

    def _write(self, answer: tuple[bytes, bytes]) -> None:
        head, body = answer
        self.cycle = ANSWERED
        defaults = self.server_state.default_headers  # the date, replaced every second
        if _tail[0] is not defaults:
            _tail[0] = defaults
            _tail[1] = b"".join(n + b": " + v + b"\r\n" for n, v in defaults) + b"\r\n"
        if len(body) < 32768:
            self.transport.write(b"".join((head, _tail[1], body)))
        else:
            self.transport.write(head + _tail[1])
            self.transport.write(body)
        self.server_state.total_requests += 1
        self.phase = KEPT
        self.mark += 1

    def on_message_complete(self) -> None:
        self.between = True
        if self.cycle is ANSWERED:  # the fast path (or a refusal) answered it already
            return
        super().on_message_complete()

    def on_body(self, body: bytes) -> None:
        self.body_bytes += len(body)
        if self.body_bytes > MAX_BODY:  # a chunked body grown too large: stop reading it
            if not self.cycle.response_complete:
                self.cycle.disconnected = True
                self.cycle.message_event.set()
            self.transport.close()
            return
        super().on_body(body)

    def on_response_complete(self) -> None:
        self.phase = KEPT
        self.mark += 1
        super().on_response_complete()
