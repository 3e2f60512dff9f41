"""``GET /banner/events``: the live banner, as Server-Sent Events.

A page with ``banner.js`` follows this stream (where banner.json's ``Link`` header offers it:
:data:`ADVERTISE`) and redraws the moment ``banner.json`` changes,
instead of asking for it every minute. The stream carries the published ``banner.json`` itself,
byte for byte (the bytes the output cache serves), so a change costs no second request:

- on connect: ``retry:`` (the browser's own reconnection delay) and the current document as an
  event ``banner`` whose ``id`` is its ETag (a heartbeat when nothing is published yet);
- after every publish that changed ``banner.json``: the new document, to every client at once
  (:meth:`BannerEvents.published`, called by the publishing thread). A publish by another
  process (``feeder notice add`` beside ``feeder run``) is noticed within :data:`WATCH` seconds;
- while nothing changes, a heartbeat every :data:`HEARTBEAT` seconds: an empty event of 7 bytes
  (``data:`` and a blank line). Not a comment line, which would be as cheap: EventSource hides
  comments from the page, and ``banner.js`` must see that its stream is alive (it goes back to
  polling when it has heard nothing for two heartbeats: a proxy that buffers, a dead NAT entry);
- at most :attr:`BannerEvents.limit` clients at once (``server.event_clients``, kept below half of
  the web server's connections: an event client holds its connection for as long as the page is
  open). One more gets an event ``poll`` whose data is how many seconds to poll ``banner.json``
  before it tries the events again, and the stream ends;
- when the server stops, every stream ends (a page reconnects to the next server, with
  backoff and jitter: ``banner.js``).

Headers: ``Cache-Control: no-store``, ``X-Accel-Buffering: no`` (nginx passes each event on at
once without ``proxy_buffering off``; docs/deploy.md still sets it), CORS for any origin (the
banner is embedded on other sites; no credentials). Everything here runs on the event loop; a
client costs one task and a few hundred bytes while idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable

from starlette.types import Receive, Scope, Send

from .cache import OutputCache

log = logging.getLogger("feeder.web.events")

EVENTS_PATH = "/banner/events"
HEARTBEAT = 25.0
"""Seconds between two heartbeats of an idle stream."""
WATCH = 5.0
"""Seconds between two looks at banner.json for a publish by another process."""
RETRY_MS = 5000
"""The ``retry:`` field: how long a browser waits before it reconnects by itself."""
POLL_FOR = 600
"""Seconds a client beyond the limit polls before it tries the events again (``banner.js``
adds jitter)."""
HEARTBEAT_EVENT = b"data:\n\n"

ADVERTISE = [
    (b"link", b'<banner/events>; rel="alternate"; type="text/event-stream"'),
    (b"access-control-expose-headers", b"link"),
]
"""Headers of banner.json where ``feeder run`` serves the events: ``banner.js`` reads the
``Link`` (relative to banner.json's address, so a proxy's path prefix holds) and follows the
stream; where it is missing (the folder served by nginx alone) it only polls."""

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
    (b"access-control-allow-origin", b"*"),
    (b"x-content-type-options", b"nosniff"),
]


def banner_event(etag: bytes, document: bytes) -> bytes:
    """``document`` (banner.json) as one event ``banner`` with ``etag`` as its id: one
    ``data:`` line per line of the document (the browser joins them with line feeds)."""
    lines = document.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    event_id = etag.strip(b'"').replace(b"\n", b"")
    return b"".join([b"event: banner\nid: ", event_id, b"\n",
                     *(b"data: " + line + b"\n" for line in lines), b"\n"])


def poll_event(seconds: int) -> bytes:
    """Tells a client to poll banner.json for ``seconds`` before it tries the events again."""
    return f"event: poll\ndata: {seconds}\n\n".encode("ascii")


class BannerEvents:
    """The clients following ``/banner/events`` and what they have been sent (module docstring).

    An ASGI app for that one path. :meth:`start` (on the event loop, from the web app's lifespan)
    begins watching; :meth:`published` may be called from any thread; :meth:`close` ends every
    stream (the server calls it when it stops).
    """

    def __init__(self, cache: OutputCache, limit: int, *, heartbeat: float = HEARTBEAT,
                 watch: float = WATCH, poll_for: int = POLL_FOR,
                 jitter: Callable[[], float] = random.random) -> None:
        self.cache = cache
        self.limit = max(0, limit)
        self.heartbeat = heartbeat
        self.watch = watch
        self.poll_for = poll_for
        self.jitter = jitter
        self.clients = 0
        self.sent = 0
        """Events ``banner`` sent, over all clients (for tests and /healthz)."""
        self.closing = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._etag: bytes | None = None
        self._event: bytes | None = None
        self._wake = asyncio.Event()
        self._watcher: asyncio.Task[None] | None = None

    def report(self) -> dict[str, int]:
        """The ``live_banner`` block of ``/healthz``: pages following now, the limit, and the
        documents sent since the start (over all pages)."""
        return {"clients": self.clients, "limit": self.limit, "sent": self.sent}

    # ------------------------------------------------------------------------- life

    def start(self) -> None:
        """Begin on the running loop: read banner.json now and every :attr:`watch` seconds."""
        self._loop = asyncio.get_running_loop()
        self.closing = False
        self._wake = asyncio.Event()
        self._check()
        if self.watch > 0 and self.limit > 0:
            self._watcher = self._loop.create_task(self._watch(), name="feeder-banner-watch")

    def published(self) -> None:
        """After a publish (any thread): send banner.json to every client if it changed."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop stopped meanwhile
            loop.call_soon_threadsafe(self._check)

    def close(self) -> None:
        """End every stream (on the loop): the server is stopping."""
        self.closing = True
        if self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None
        self._wake.set()

    async def _watch(self) -> None:
        while not self.closing:
            await asyncio.sleep(self.watch)
            self._check()

    def _check(self) -> None:
        try:
            entry = self.cache.lookup("/banner.json")
        except Exception:  # a read error is the cache's to report; the streams go on
            log.exception("cannot read banner.json for the live banner")
            return
        if entry is None or entry.etag == self._etag:
            return
        self._etag = entry.etag
        self._event = banner_event(entry.etag, entry.body)
        wake, self._wake = self._wake, asyncio.Event()
        wake.set()

    # ------------------------------------------------------------------------- ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """GET or HEAD (the router answers other methods, and serves this path only when
        ``server.event_clients`` is above 0)."""
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        if scope.get("method") == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        retry = f"retry: {RETRY_MS}\n".encode("ascii")
        if self.clients >= self.limit or self.closing or self._loop is None:
            await send({"type": "http.response.body",
                        "body": retry + poll_event(self._poll_seconds())})
            return
        self.clients += 1
        try:
            await self._stream(receive, send, retry)
        finally:
            self.clients -= 1

    def _poll_seconds(self) -> int:
        """:attr:`poll_for`, spread by up to a half so that refused clients do not return in
        step."""
        return int(self.poll_for * (1 + self.jitter() / 2))

    async def _stream(self, receive: Receive, send: Send, first: bytes) -> None:
        gone = asyncio.ensure_future(_disconnected(receive))
        sent: bytes | None = None
        chunk = first
        try:
            while True:
                if self._event is not None and self._etag != sent:
                    sent = self._etag
                    chunk += self._event
                    self.sent += 1
                elif not chunk:
                    chunk = HEARTBEAT_EVENT
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                chunk = b""
                if self.closing or gone.done():
                    break
                waiter = asyncio.ensure_future(self._wake.wait())
                try:
                    await asyncio.wait({gone, waiter}, timeout=self.heartbeat,
                                       return_when=asyncio.FIRST_COMPLETED)
                finally:
                    waiter.cancel()
                if self.closing or gone.done():
                    break
            if not gone.done():
                await send({"type": "http.response.body", "body": b""})
        finally:
            gone.cancel()


async def _disconnected(receive: Receive) -> None:
    """Returns when the client has gone (the request's own body is read and ignored)."""
    while (await receive())["type"] != "http.disconnect":
        pass

