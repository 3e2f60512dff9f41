"""feeder.server (tested here, beside the web app it serves) against hostile and careless
clients, on loopback: silent and slow connections, the connection cap, oversized heads and
bodies, and the fast path answering exactly as ASGI does."""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from feeder import server as server_mod
from feeder.app import Feeder
from feeder.config import Config
from feeder.server import BackgroundServer, protocol
from feeder.web import create_app
from tests.web.support import Site, write_output


def connect(site: Site) -> socket.socket:
    return socket.create_connection((site.server.host, site.server.port), timeout=5)


def read_all(sock: socket.socket, limit: float = 5.0) -> bytes:
    """Everything the server sends until it closes (or ``limit`` seconds pass)."""
    sock.settimeout(limit)
    chunks = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (having sent nothing or a reply)."""
    sock.settimeout(seconds)
    started = time.monotonic()
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return time.monotonic() - started <= seconds
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def get(path: str, *headers: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def status_of(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Timeouts short enough for a test, checked ten times a second."""
    monkeypatch.setattr(protocol, "IDLE_TIMEOUT", 0.5)
    monkeypatch.setattr(protocol, "HEAD_TIMEOUT", 1.0)
    monkeypatch.setattr(protocol, "KEEP_ALIVE", 1.0)
    monkeypatch.setattr(server_mod, "SWEEP_EVERY", 1)


# ------------------------------------------------------------------------------- timeouts


def test_a_connection_that_sends_nothing_is_closed(quick: None, site: Site) -> None:
    with connect(site) as sock:
        assert closed_within(sock, 3)
    assert site.get("/banner.json").status == 200


def test_a_head_sent_too_slowly_is_closed(quick: None, site: Site) -> None:
    with connect(site) as sock:
        sock.sendall(b"GET /banner.json HTTP/1.1\r\nHost: x\r\n")
        for _ in range(4):  # a byte every 0.4 s keeps it from being idle, not from the limit
            time.sleep(0.4)
            try:
                sock.sendall(b"X")
            except OSError:
                break
        assert closed_within(sock, 3)


def test_an_idle_kept_alive_connection_is_closed(quick: None, site: Site) -> None:
    with connect(site) as sock:
        sock.sendall(get("/banner.json"))
        time.sleep(0.2)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        assert closed_within(sock, 3)


def test_a_connection_in_use_is_not_cut(quick: None, site: Site) -> None:
    with connect(site) as sock:
        for _ in range(6):  # 1.8 s in all: past every limit, but never idle that long
            sock.sendall(get("/feed.rss"))
            assert status_of(read_reply(sock)) == 200
            time.sleep(0.3)


def read_reply(sock: socket.socket) -> bytes:
    """One response with a Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


# ------------------------------------------------------------------------------- connection cap


@pytest.fixture
def capped(monkeypatch: pytest.MonkeyPatch, site_config: Config,
           published: dict[str, bytes]) -> Iterator[Site]:
    monkeypatch.setattr(protocol, "MAX_CONNECTIONS", 20)
    monkeypatch.setattr(protocol, "IDLE_TIMEOUT", 1.0)
    monkeypatch.setattr(server_mod, "SWEEP_EVERY", 1)
    with Feeder(site_config) as feeder, BackgroundServer(create_app(feeder)) as server:
        yield Site(feeder, server)


def test_connections_beyond_the_cap_are_refused_at_once(capped: Site) -> None:
    held = [connect(capped) for _ in range(20)]
    try:
        time.sleep(0.3)
        started = time.monotonic()
        with connect(capped) as extra:
            reply = read_all(extra, 3)
        assert time.monotonic() - started < 1.5
        assert status_of(reply) == 503 and b"retry-after: 1" in reply.lower()
        # The held connections are served meanwhile.
        held[0].sendall(get("/banner.json"))
        assert status_of(read_reply(held[0])) == 200
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.3)
    assert capped.get("/banner.json").status == 200


def test_silent_connections_free_their_places(capped: Site) -> None:
    held = [connect(capped) for _ in range(20)]
    try:
        time.sleep(2.5)  # past IDLE_TIMEOUT: the server closed them
        assert capped.get("/banner.json").status == 200
    finally:
        for sock in held:
            sock.close()


def test_the_cap_stays_below_the_file_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    monkeypatch.setattr(resource, "getrlimit", lambda which: (128, 128))
    assert server_mod.connection_cap() == 128 - server_mod.FD_RESERVE
    monkeypatch.setattr(resource, "getrlimit", lambda which: (1_000_000, 1_000_000))
    assert server_mod.connection_cap() == protocol.MAX_CONNECTIONS
    assert soft <= hard


# ------------------------------------------------------------------------------- sizes


def test_a_head_over_16_kib_is_431(site: Site) -> None:
    with connect(site) as sock:
        sock.sendall(get("/banner.json", "X-Big: " + "a" * 17_000))
        reply = read_all(sock)
    assert status_of(reply) == 431


def test_many_small_headers_count_too(site: Site) -> None:
    with connect(site) as sock:
        sock.sendall(get("/banner.json", *(f"X-H{n}: {'b' * 100}" for n in range(200))))
        assert status_of(read_all(sock)) == 431


def test_a_huge_header_is_cut_off_while_it_arrives(site: Site) -> None:
    """A header of 64 MiB: refused after the first few KiB, never read whole."""
    with connect(site) as sock:
        sock.sendall(b"GET /banner.json HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sent, chunk = 0, b"a" * 65536
        with pytest.raises(OSError):  # the server closed the connection
            while sent < 64 * 1024 * 1024:
                sock.sendall(chunk)
                sent += len(chunk)
        assert sent < 8 * 1024 * 1024
    assert site.get("/banner.json").status == 200


def test_a_head_just_under_the_limit_is_served(site: Site) -> None:
    with connect(site) as sock:
        sock.sendall(get("/banner.json", "X-Big: " + "a" * 15_000))
        assert status_of(read_reply(sock)) == 200


def test_a_declared_body_over_the_limit_is_413_before_it_is_read(site: Site) -> None:
    with connect(site) as sock:
        sock.sendall(b"POST /api/notices HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 100000000\r\n\r\n")
        started = time.monotonic()
        reply = read_all(sock, 3)
    assert status_of(reply) == 413 and time.monotonic() - started < 2


def test_a_chunked_body_over_the_limit_is_cut_off(site: Site) -> None:
    with connect(site) as sock:
        sock.sendall(b"POST /api/notices HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"
        sent = 0
        with pytest.raises(OSError):
            while sent < 64 * 1024 * 1024:
                sock.sendall(chunk)
                sent += len(chunk)
                if sent > 4 * 1024 * 1024:  # the app answered and the server closed
                    read = read_all(sock, 1)
                    assert status_of(read) in (0, 413)
                    raise OSError("closed")
        assert sent < 8 * 1024 * 1024


# ------------------------------------------------------------------------------- the fast path


def _headers(reply: bytes) -> dict[bytes, bytes]:
    head = reply.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    out = {}
    for line in head[1:]:
        name, _, value = line.partition(b":")
        out[name.strip().lower()] = value.strip()
    return out


@pytest.mark.parametrize("extra", [
    (), ("Accept-Encoding: gzip",), ("Accept: text/html",), ("Accept-Encoding: gzip",
                                                           "Accept: text/html"),
])
@pytest.mark.parametrize("path", ["/feed.atom", "/banner.json", "/", "/extra.css"])
def test_the_fast_path_answers_as_asgi_does(site: Site, path: str, extra: tuple[str, ...]
                                             ) -> None:
    """A kept-alive HTTP/1.1 GET takes the fast path; with ``Connection: close`` the same
    request goes through ASGI: the same status, headers (but ``connection``) and body."""
    with connect(site) as sock:
        sock.sendall(get(path, *extra))
        fast = read_reply(sock)
    with connect(site) as sock:
        sock.sendall(get(path, *extra, "Connection: close"))
        slow = read_all(sock)
    assert status_of(fast) == status_of(slow) == 200
    fast_h, slow_h = _headers(fast), _headers(slow)
    slow_h.pop(b"connection")
    assert fast_h == slow_h
    assert fast.split(b"\r\n\r\n", 1)[1] == slow.split(b"\r\n\r\n", 1)[1]
    etag = fast_h[b"etag"].decode()
    with connect(site) as sock:
        sock.sendall(get(path, *extra, f"If-None-Match: {etag}"))
        fast304 = read_reply(sock)
    with connect(site) as sock:
        sock.sendall(get(path, *extra, f"If-None-Match: {etag}", "Connection: close"))
        slow304 = read_all(sock)
    assert status_of(fast304) == status_of(slow304) == 304
    slow304_h = _headers(slow304)
    slow304_h.pop(b"connection")
    assert _headers(fast304) == slow304_h


def test_pipelined_requests_are_answered_in_order(site: Site) -> None:
    """Published files (fast path) and ASGI routes mixed on one connection, sent at once."""
    paths = ["/banner.json", "/healthz", "/feed.rss", "/nothing-here", "/banner.js"]
    with connect(site) as sock:
        sock.sendall(b"".join(get(p) for p in paths))
        reader = Replies(sock)
        replies = [reader.next() for _ in paths]
    statuses = [status_of(r) for r in replies]
    assert statuses[0] == 200 and statuses[2] == 200 and statuses[4] == 200
    assert statuses[1] in (200, 503) and statuses[3] == 404
    assert b"javascript" in replies[4] and b"rss" in replies[2]


class Replies:
    """Responses read one by one from a connection (Content-Length or chunked bodies)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.data = b""

    def _more(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        self.data += chunk

    def next(self) -> bytes:
        while b"\r\n\r\n" not in self.data:
            self._more()
        head, _, self.data = self.data.partition(b"\r\n\r\n")
        headers = _headers(head + b"\r\n\r\n")
        if b"content-length" in headers:
            length = int(headers[b"content-length"])
            while len(self.data) < length:
                self._more()
            body, self.data = self.data[:length], self.data[length:]
        else:
            while b"0\r\n\r\n" not in self.data:
                self._more()
            body, _, self.data = self.data.partition(b"0\r\n\r\n")
        return head + b"\r\n\r\n" + body


def test_a_head_request_on_the_fast_path_has_no_body(site: Site) -> None:
    with connect(site) as sock:
        sock.sendall(b"HEAD /banner.json HTTP/1.1\r\nHost: x\r\n\r\n" + get("/banner.js"))
        time.sleep(0.3)
        data = sock.recv(1 << 20)
    first, _, rest = data.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 200") and rest.startswith(b"HTTP/1.1 200")


# ------------------------------------------------------------------------------- streaming


def test_a_long_streaming_response_is_never_cut_by_the_timeouts(
    quick: None, site_config: Config, published: dict[str, bytes]
) -> None:
    """What Server-Sent Events need: a response streaming longer than every timeout."""
    import asyncio

    from starlette.requests import Request
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    async def events(request: Request) -> StreamingResponse:
        async def gen() -> AsyncIterator[bytes]:
            for n in range(8):
                yield f"data: {n}\n\n".encode()
                await asyncio.sleep(0.4)  # 3.2 s in all: past IDLE, HEAD and KEEP_ALIVE

        return StreamingResponse(gen(), media_type="text/event-stream")

    with Feeder(site_config) as feeder, BackgroundServer(
            create_app(feeder, extra_routes=[Route("/events", events)])) as server, \
            socket.create_connection((server.host, server.port), timeout=5) as sock:
        sock.sendall(get("/events"))
        reply = Replies(sock).next()
    assert status_of(reply) == 200
    assert all(f"data: {n}".encode() in reply for n in range(8))


def test_a_get_declaring_a_huge_body_is_413_too(site: Site) -> None:
    with connect(site) as sock:
        sock.sendall(b"GET /banner.json HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000000\r\n\r\n")
        assert status_of(read_all(sock, 3)) == 413


def test_a_repeated_request_gets_the_current_file(site: Site) -> None:
    """The same request bytes again skip the parser, never the answer: a new version is served
    at once, a 304 turns into a 200 when the file changed."""
    request = get("/feed.rss", "Accept-Encoding: gzip")
    with connect(site) as sock:
        replies = Replies(sock)
        for _ in range(3):
            sock.sendall(request)
            first = replies.next()
            time.sleep(0.05)  # one request per read
        write_output(site.root, "feed.rss", b"<rss><!-- ny version --></rss>" * 50)
        sock.sendall(request)
        changed = replies.next()
    assert status_of(first) == status_of(changed) == 200
    assert _headers(first)[b"etag"] != _headers(changed)[b"etag"]
    assert gzip.decompress(changed.split(b"\r\n\r\n", 1)[1]).startswith(b"<rss><!-- ny")


def test_a_body_that_looks_like_a_known_request_is_read_as_a_body(site: Site) -> None:
    known = get("/banner.json")
    with connect(site) as sock:
        replies = Replies(sock)
        for _ in range(2):
            sock.sendall(known)
            assert status_of(replies.next()) == 200
            time.sleep(0.05)
        sock.sendall(b"POST /api/notices HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nContent-Length: " + str(len(known)).encode() + b"\r\n\r\n")
        time.sleep(0.2)
        sock.sendall(known)  # the body, in a read of its own
        reply = replies.next()
        assert status_of(reply) in (400, 401)  # the API's answer to that POST, not a banner
        sock.settimeout(0.5)
        with pytest.raises((TimeoutError, ConnectionError)):
            replies.next()  # nothing more: no second answer
