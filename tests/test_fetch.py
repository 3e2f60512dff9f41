"""The shared HTTP fetcher, against real servers on 127.0.0.1: pytest-httpserver for well-formed
HTTP, and a raw socket server for what a well-behaved server cannot send (truncated bodies,
broken chunked streams, garbage, stalls)."""

from __future__ import annotations

import gzip
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from feeder import USER_AGENT
from feeder.config import HttpSettings
from feeder.errors import HTTPStatusError, SourceError
from feeder.fetch import Fetcher, parse_retry_after
from tests.sources.support import RawServer

SETTINGS = HttpSettings(connect_timeout=1.0, read_timeout=0.3, max_bytes=10_000, backoff_max=60)


@pytest.fixture
def raw() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    f = Fetcher(SETTINGS)
    yield f
    f.close()


def fail(fetcher: Fetcher, url: str, **kwargs: str) -> SourceError:
    with pytest.raises(SourceError) as caught:
        fetcher.get(url, source="test", **kwargs)
    assert caught.value.source == "test"
    assert str(caught.value) == f"test: {caught.value.reason}"
    return caught.value


# --------------------------------------------------------------------------------- success


def test_plain_get(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/w.json").respond_with_data(
        b"[]", content_type="application/json",
        headers={"ETag": '"v1"', "Last-Modified": "Fri, 12 Jun 2026 09:47:05 GMT"},
    )
    resp = fetcher.get(httpserver.url_for("/w.json"), source="test")
    assert (resp.status, resp.body, resp.not_modified) == (200, b"[]", False)
    assert resp.content_type == "application/json"
    assert (resp.etag, resp.last_modified) == ('"v1"', "Fri, 12 Jun 2026 09:47:05 GMT")
    assert resp.url == httpserver.url_for("/w.json")


def test_user_agent_accept_and_gzip_are_sent(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/w.json", headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
    ).respond_with_data(b"[]")
    fetcher.get(httpserver.url_for("/w.json"), source="test", accept="application/json")
    [(request, _)] = httpserver.log
    assert re.match(r"feeder/\d", request.headers["User-Agent"])
    assert "gzip" in request.headers["Accept-Encoding"]
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers
    httpserver.check_assertions()


def test_conditional_request_and_304(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request(
        "/w.json",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Fri, 12 Jun 2026 09:47:05 GMT"},
    ).respond_with_data(b"", status=304)
    resp = fetcher.get(httpserver.url_for("/w.json"), source="test", etag='"v1"',
                       last_modified="Fri, 12 Jun 2026 09:47:05 GMT")
    assert resp.not_modified and resp.status == 304 and resp.body == b""
    httpserver.check_assertions()


def test_gzip_body_is_decoded(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    body = b'[{"id": 1, "text": "Risk f\xc3\xb6r skogsbrand"}]' * 50
    httpserver.expect_oneshot_request("/w.json").respond_with_data(
        gzip.compress(body), headers={"Content-Encoding": "gzip"},
    )
    assert fetcher.get(httpserver.url_for("/w.json"), source="test").body == body


def test_redirect_is_followed(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/old").respond_with_data(
        b"", status=301, headers={"Location": httpserver.url_for("/new")})
    httpserver.expect_oneshot_request("/new").respond_with_data(b"[]")
    resp = fetcher.get(httpserver.url_for("/old"), source="test")
    assert resp.url == httpserver.url_for("/new") and resp.body == b"[]"


def test_body_at_the_cap_is_accepted(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/w.json").respond_with_data(b"x" * SETTINGS.max_bytes)
    assert len(fetcher.get(httpserver.url_for("/w.json"), source="test").body) == 10_000


# --------------------------------------------------------------------------------- HTTP errors


@pytest.mark.parametrize(("status", "reason"), [
    (500, "HTTP 500 Internal Server Error"),
    (404, "HTTP 404 Not Found"),
    (403, "HTTP 403 Forbidden"),
    (502, "HTTP 502 Bad Gateway"),
    (503, "HTTP 503 Service Unavailable"),
    (429, "HTTP 429 Too Many Requests"),
])
def test_error_statuses(fetcher: Fetcher, httpserver: HTTPServer, status: int, reason: str) -> None:
    httpserver.expect_oneshot_request("/w.json").respond_with_data(b"oops", status=status)
    error = fail(fetcher, httpserver.url_for("/w.json"))
    assert error.reason == reason
    assert error.retry_after is None
    # the status as data, for callers that tell "missing" from "failing" (never by the text)
    assert isinstance(error, HTTPStatusError) and error.upstream_status == status
    assert error.status == 502  # what feeder itself answers with, as for any source error


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds(fetcher: Fetcher, httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_oneshot_request("/w.json").respond_with_data(
        b"", status=status, headers={"Retry-After": "120"})
    error = fail(fetcher, httpserver.url_for("/w.json"))
    assert error.retry_after == 120
    assert error.reason.endswith("(retry after 120 s)")


def test_retry_after_as_http_date(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    when = datetime.now(UTC) + timedelta(seconds=600)
    httpserver.expect_oneshot_request("/w.json").respond_with_data(
        b"", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    error = fail(fetcher, httpserver.url_for("/w.json"))
    assert error.retry_after is not None and 590 <= error.retry_after <= 600


def test_retry_after_is_ignored_on_other_statuses(
    fetcher: Fetcher, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request("/w.json").respond_with_data(
        b"", status=500, headers={"Retry-After": "120"})
    assert fail(fetcher, httpserver.url_for("/w.json")).retry_after is None


def test_parse_retry_after() -> None:
    now = datetime(2026, 6, 12, 10, tzinfo=UTC)
    assert parse_retry_after("0", now) == 0
    assert parse_retry_after(" 3600 ", now) == 3600
    assert parse_retry_after("Fri, 12 Jun 2026 10:05:00 GMT", now) == 300
    assert parse_retry_after("Fri, 12 Jun 2026 09:00:00 GMT", now) == 0  # in the past
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("-5", now) is None
    assert parse_retry_after("", now) is None
    assert parse_retry_after(None, now) is None


def test_too_many_redirects(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        b"", status=302, headers={"Location": httpserver.url_for("/loop")})
    assert fail(fetcher, httpserver.url_for("/loop")).reason == "more than 5 redirects"


# --------------------------------------------------------------------------------- size cap


def test_declared_body_over_the_cap(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/w.json").respond_with_data(b"x" * 10_001)
    error = fail(fetcher, httpserver.url_for("/w.json"))
    assert error.reason == "response larger than 10000 bytes (Content-Length 10001)"


def test_streamed_body_over_the_cap(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    """No Content-Length: the body is counted while it streams."""
    def endless(_request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(1000):
                yield b"y" * 1000
        return Response(chunks(), content_type="application/json")

    httpserver.expect_oneshot_request("/w.json").respond_with_handler(endless)
    error = fail(fetcher, httpserver.url_for("/w.json"))
    assert error.reason == "response larger than 10000 bytes"


def test_gzip_bomb_is_refused(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"[" + b" " * 1_000_000 + b"]")
    assert len(bomb) < SETTINGS.max_bytes
    httpserver.expect_oneshot_request("/w.json").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip"})
    assert fail(fetcher, httpserver.url_for("/w.json")).reason == (
        "response larger than 10000 bytes")


# --------------------------------------------------------------------------------- broken wire


def test_body_shorter_than_content_length(fetcher: Fetcher, raw: RawServer) -> None:
    raw.payload = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{\"id\": 1"
    error = fail(fetcher, raw.url)
    assert error.reason.startswith("truncated response: the body ended early")
    assert "more expected" in error.reason


def test_broken_chunked_stream(fetcher: Fetcher, raw: RawServer) -> None:
    raw.payload = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"5\r\n[{\"id\r\n40\r\n\": 1")
    assert fail(fetcher, raw.url).reason.startswith("truncated response")


def test_complete_chunked_stream(fetcher: Fetcher, raw: RawServer) -> None:
    raw.payload = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"2\r\n[]\r\n0\r\n\r\n")
    assert fetcher.get(raw.url, source="test").body == b"[]"


def test_corrupt_gzip(fetcher: Fetcher, raw: RawServer) -> None:
    raw.payload = (b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n"
                   b"0123456789")
    error = fail(fetcher, raw.url)
    assert error.reason == "response body could not be decompressed"
    assert isinstance(error.__cause__, requests.exceptions.ContentDecodingError)


def test_no_response_within_the_read_timeout(fetcher: Fetcher, raw: RawServer) -> None:
    raw.payload = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]"
    raw.delay = 0.8
    started = time.perf_counter()
    assert fail(fetcher, raw.url).reason == "timed out after 0.3 s"
    assert time.perf_counter() - started < 0.8


def test_body_stalls_after_the_headers(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    def slow(_request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            yield b"[1,"
            time.sleep(0.6)
            yield b"2]"
        return Response(chunks(), content_type="application/json")

    httpserver.expect_oneshot_request("/w.json").respond_with_handler(slow)
    error = fail(fetcher, httpserver.url_for("/w.json"))
    assert error.reason.startswith("timed out after 0.3 s while reading the response")


def test_not_http_at_all(fetcher: Fetcher, raw: RawServer) -> None:
    raw.payload = b"SSH-2.0-OpenSSH_9.2\r\n"
    assert fail(fetcher, raw.url).reason == "127.0.0.1 sent an invalid HTTP response"


def test_closed_without_a_response(fetcher: Fetcher, raw: RawServer) -> None:
    raw.payload = b""
    assert fail(fetcher, raw.url).reason == (
        "127.0.0.1 closed the connection without a response")


def test_connection_refused(fetcher: Fetcher) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    error = fail(fetcher, f"http://127.0.0.1:{port}/w.json")
    assert error.reason == "cannot connect to 127.0.0.1: Connection refused"
    assert not isinstance(error, HTTPStatusError)
    assert isinstance(error.__cause__, requests.exceptions.ConnectionError)  # chained


def test_invalid_url(fetcher: Fetcher) -> None:
    assert "invalid URL" in fail(fetcher, "ftp://example.org/w.json").reason


# --------------------------------------------------------------------------------- lifecycle


def test_one_session_per_thread_and_close(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/w.json").respond_with_data(b"[]")
    # generous timeouts: this test is about sessions, and a loaded machine is slow to answer
    patient = HttpSettings(
        connect_timeout=10.0, read_timeout=10.0, max_bytes=10_000, backoff_max=60
    )
    fetcher = Fetcher(patient, user_agent="feeder-test/1")
    results: list[bytes] = []

    def work() -> None:
        results.append(fetcher.get(httpserver.url_for("/w.json"), source="test").body)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    work()
    assert results == [b"[]"] * 4
    assert len(fetcher._sessions) == 4
    assert {r.headers["User-Agent"] for r, _ in httpserver.log} == {"feeder-test/1"}
    fetcher.close()
    assert fetcher._sessions == []
    work()  # usable again after close (a fresh session)
    fetcher.close()


def test_requests_is_imported_only_in_fetch() -> None:
    package = Path(__file__).resolve().parents[1] / "feeder"
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"^\s*(import requests|from requests\b)", path.read_text(), re.M)
    )
    assert importers == ["fetch.py"]


def test_a_trickling_body_is_cut_at_the_total_timeout(httpserver: HTTPServer) -> None:
    def trickle(_request: Request) -> Response:
        def chunks() -> Iterator[bytes]:
            for _ in range(40):  # a byte every 0.1 s: each wait is short, the whole is not
                yield b" "
                time.sleep(0.1)
            yield b"[]"
        return Response(chunks(), content_type="application/json")

    httpserver.expect_oneshot_request("/w.json").respond_with_handler(trickle)
    settings = HttpSettings(connect_timeout=1.0, read_timeout=0.5, max_bytes=10_000,
                            backoff_max=60, total_timeout=1.0)
    started = time.perf_counter()
    with Fetcher(settings) as fetcher:
        error = fail(fetcher, httpserver.url_for("/w.json"))
    assert error.reason == "took longer than 1 s in all (http.total_timeout)"
    assert time.perf_counter() - started < 3.0
