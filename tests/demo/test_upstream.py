"""The demo's loopback upstream: what it serves, ETags and 304s, the query ignored, 404s, and
waiting until a change was read."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from feeder.demo.upstream import Upstream


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    u = Upstream().start()
    yield u
    u.stop()


def fetch(url: str, method: str = "GET",
          headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status), dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_it_listens_on_loopback_on_a_free_port(upstream: Upstream) -> None:
    assert upstream.host == "127.0.0.1"
    assert upstream.port > 0
    assert upstream.url("/v3/news") == f"http://127.0.0.1:{upstream.port}/v3/news"


def test_it_serves_what_it_was_given_whatever_the_query(upstream: Upstream) -> None:
    assert upstream.put("/v3/news", b"[]", "application/json") is True
    status, headers, body = fetch(upstream.url("/v3/news?counties=22&language=sv"))
    assert (status, body) == (200, b"[]")
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == "2"
    status, headers, body = fetch(upstream.url("/v3/news"), method="HEAD")
    assert (status, body) == (200, b"")
    assert fetch(upstream.url("/elsewhere"))[0] == 404


def test_an_unchanged_document_is_a_304_and_a_change_a_new_etag(upstream: Upstream) -> None:
    upstream.put("/a", b"one", "text/plain")
    _, headers, _ = fetch(upstream.url("/a"))
    etag = headers["ETag"]
    assert fetch(upstream.url("/a"), headers={"If-None-Match": etag})[0] == 304
    assert upstream.put("/a", b"one", "text/plain") is False
    assert upstream.put("/a", b"two", "text/plain") is True
    status, headers, body = fetch(upstream.url("/a"), headers={"If-None-Match": etag})
    assert (status, body) == (200, b"two")
    assert headers["ETag"] != etag


def test_wait_served_returns_once_the_current_version_was_read(upstream: Upstream) -> None:
    stop = threading.Event()
    upstream.put("/a", b"one", "text/plain")
    assert upstream.wait_served(["/a"], 0.2, stop) is False
    reader = threading.Timer(0.2, lambda: fetch(upstream.url("/a")))
    reader.start()
    assert upstream.wait_served(["/a"], 5, stop) is True
    reader.join()
    upstream.put("/a", b"two", "text/plain")
    stop.set()
    assert upstream.wait_served(["/a"], 5, stop) is False
