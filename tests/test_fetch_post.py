"""``Fetcher.post`` (the WebSub hub's notifications, :mod:`feeder.websub`) against real servers
on 127.0.0.1: what it sends, and each kind of failure as the one error it raises."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qsl

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from feeder import USER_AGENT
from feeder.config import HttpSettings
from feeder.errors import HTTPStatusError, SourceError
from feeder.fetch import Fetcher

SETTINGS = HttpSettings(connect_timeout=1.0, read_timeout=0.3, max_bytes=10_000, backoff_max=60)
FORM = {"hub.mode": "publish", "hub.url": "https://example.se/topics/vatten.atom?a=1&b=å"}


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    f = Fetcher(SETTINGS)
    yield f
    f.close()


def fail(fetcher: Fetcher, url: str, **kwargs: tuple[float, float]) -> SourceError:
    with pytest.raises(SourceError) as caught:
        fetcher.post(url, FORM, source="websub", **kwargs)
    assert caught.value.source == "websub"
    assert str(caught.value) == f"websub: {caught.value.reason}"
    return caught.value


@pytest.mark.parametrize("status", [200, 202, 204])
def test_a_form_is_posted_and_the_2xx_status_returned(
    fetcher: Fetcher, httpserver: HTTPServer, status: int
) -> None:
    httpserver.expect_oneshot_request("/hub", method="POST").respond_with_data(
        b"", status=status)
    assert fetcher.post(httpserver.url_for("/hub"), FORM, source="websub") == status
    [(request, _)] = httpserver.log
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["User-Agent"] == USER_AGENT
    # the form exactly as given, URL-encoded (the hub reads hub.url back unchanged)
    assert dict(parse_qsl(request.get_data(as_text=True), strict_parsing=True)) == FORM
    httpserver.check_assertions()


@pytest.mark.parametrize(("status", "reason"), [
    (400, "HTTP 400 Bad Request"),
    (404, "HTTP 404 Not Found"),
    (500, "HTTP 500 Internal Server Error"),
    (502, "HTTP 502 Bad Gateway"),
])
def test_error_statuses(fetcher: Fetcher, httpserver: HTTPServer, status: int,
                        reason: str) -> None:
    httpserver.expect_oneshot_request("/hub", method="POST").respond_with_data(
        b"no", status=status, headers={"Retry-After": "30"})
    error = fail(fetcher, httpserver.url_for("/hub"))
    assert isinstance(error, HTTPStatusError)
    assert (error.upstream_status, error.reason) == (status, reason)
    assert error.retry_after is None  # Retry-After is read on 429 and 503 only


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_on_429_and_503(fetcher: Fetcher, httpserver: HTTPServer,
                                    status: int) -> None:
    httpserver.expect_oneshot_request("/hub", method="POST").respond_with_data(
        b"", status=status, headers={"Retry-After": "7"})
    error = fail(fetcher, httpserver.url_for("/hub"))
    assert isinstance(error, HTTPStatusError) and error.upstream_status == status
    assert error.retry_after == 7
    assert error.reason.endswith("(retry after 7 s)")


def test_a_redirect_is_not_followed(fetcher: Fetcher, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/hub", method="POST").respond_with_data(
        b"", status=307, headers={"Location": httpserver.url_for("/elsewhere")})
    error = fail(fetcher, httpserver.url_for("/hub"))
    assert not isinstance(error, HTTPStatusError)
    assert error.reason == (f"unexpected HTTP 307 Temporary Redirect (to "
                            f"{httpserver.url_for('/elsewhere')}; not followed)")
    assert [r.path for r, _ in httpserver.log] == ["/hub"]  # nothing sent to the target


def test_connection_refused(fetcher: Fetcher) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    error = fail(fetcher, f"http://127.0.0.1:{port}/hub")
    assert error.reason == "cannot connect to 127.0.0.1: Connection refused"
    assert isinstance(error.__cause__, requests.exceptions.ConnectionError)  # chained


def test_a_slow_hub_times_out_with_the_timeout_given(
    fetcher: Fetcher, httpserver: HTTPServer
) -> None:
    release = threading.Event()

    def slow(_request: Request) -> Response:
        release.wait(5)
        return Response(b"", status=204)

    httpserver.expect_request("/hub", method="POST").respond_with_handler(slow)
    try:
        started = time.perf_counter()
        error = fail(fetcher, httpserver.url_for("/hub"), timeout=(1.0, 0.2))
        assert error.reason == "timed out after 0.2 s"
        assert time.perf_counter() - started < 1.0
        # and by default the configured read timeout
        assert fail(fetcher, httpserver.url_for("/hub")).reason == "timed out after 0.3 s"
    finally:  # let the handlers go before the (shared) server serves the next test
        release.set()
        deadline = time.monotonic() + 5
        while len(httpserver.log) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)


def test_get_and_post_share_the_thread_s_session(fetcher: Fetcher,
                                                 httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hub", method="POST").respond_with_data(b"", status=204)
    httpserver.expect_request("/w.json").respond_with_data(b"[]")
    fetcher.post(httpserver.url_for("/hub"), FORM, source="websub")
    assert fetcher.get(httpserver.url_for("/w.json"), source="test").body == b"[]"
    fetcher.post(httpserver.url_for("/hub"), FORM, source="websub")
    assert len(fetcher._sessions) == 1
