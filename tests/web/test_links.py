"""The ``Link`` header of WebSub discovery (``feeds.websub_hub``): the hub and the feed's self
URL on every feed's 200 (RSS, Atom, JSON Feed), nowhere else, the same through ASGI and the
server's fast path."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from feeder.app import Feeder
from feeder.server import BackgroundServer
from feeder.web import create_app
from feeder.web.cache import link_header
from feeder.web.events import ADVERTISE
from tests.common import make_config
from tests.web.support import TOPIC_ID, Site, sample_outputs, write_output

HUB = "https://hub.example.se/websub?a=1&b=2"
PUBLIC = "https://feeder.example.se/lan/"
FEEDS = [f"{name}.{ext}" for name in ("feed", "alerts", f"topics/{TOPIC_ID}")
         for ext in ("rss", "atom", "json")]
OTHERS = ["/banner.json", "/banner.js", "/banner.html", "/index.html", "/", "/extra.css"]


def _site(tmp_path: Path, **feeds: str) -> Iterator[Site]:
    config = make_config(tmp_path, server={"host": "127.0.0.1", "port": 8080,
                                           "public_url": PUBLIC}, feeds=feeds)
    for name, data in sample_outputs().items():
        write_output(config.storage.output_dir, name, data)
    write_output(config.storage.output_dir, "feed.html", b"<!doctype html><title>x</title>")
    with Feeder(config) as feeder, BackgroundServer(create_app(feeder)) as server:
        yield Site(feeder, server)


@pytest.fixture
def hub_site(tmp_path: Path) -> Iterator[Site]:
    yield from _site(tmp_path, websub_hub=HUB)


@pytest.fixture
def plain_site(tmp_path: Path) -> Iterator[Site]:
    yield from _site(tmp_path)


def raw_get(site: Site, path: str, *headers: str) -> dict[bytes, list[bytes]]:
    """The head of a GET, as a kept-alive HTTP/1.1 request (the fast path) or, with
    ``Connection: close``, through ASGI: header name → values."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    with socket.create_connection((site.server.host, site.server.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    out: dict[bytes, list[bytes]] = {b":status": [head[0].split(b" ")[1]]}
    for line in head[1:]:
        name, _, value = line.partition(b":")
        out.setdefault(name.strip().lower(), []).append(value.strip())
    return out


@pytest.mark.parametrize("name", FEEDS)
def test_every_feed_names_the_hub_and_itself(hub_site: Site, name: str) -> None:
    expected = f'<{HUB}>; rel="hub", <{PUBLIC}{name}>; rel="self"'.encode()
    for extra in ((), ("Connection: close",)):  # the fast path, then ASGI
        for encoding in ((), ("Accept-Encoding: gzip",)):
            head = raw_get(hub_site, f"/{name}", *extra, *encoding)
            assert head[b":status"] == [b"200"]
            assert head[b"link"] == [expected], (extra, encoding)
    # a 304 carries the validators, not the links (either path alike)
    etag = raw_get(hub_site, f"/{name}")[b"etag"][0].decode()
    for extra in ((), ("Connection: close",)):
        head = raw_get(hub_site, f"/{name}", f"If-None-Match: {etag}", *extra)
        assert head[b":status"] == [b"304"] and b"link" not in head


@pytest.mark.parametrize("path", OTHERS)
def test_nothing_else_has_hub_links(hub_site: Site, path: str) -> None:
    for extra in ((), ("Connection: close",)):
        head = raw_get(hub_site, path, *extra)
        assert head[b":status"] == [b"200"]
        # banner.json's one Link offers the live banner's events (tests/web/test_events.py)
        allowed = [ADVERTISE[0][1]] if path == "/banner.json" else []
        assert head.get(b"link", []) == allowed, head.get(b"link")


def test_a_browser_at_a_feed_s_address_gets_its_page_without_links(hub_site: Site) -> None:
    head = raw_get(hub_site, "/feed.atom", "Accept: text/html")
    assert head[b"content-type"] == [b"text/html; charset=utf-8"] and b"link" not in head


def test_no_links_without_a_hub(plain_site: Site) -> None:
    for name in FEEDS:
        assert b"link" not in raw_get(plain_site, f"/{name}")
    assert plain_site.get("/feed.atom").header("link") is None


def test_the_link_header() -> None:
    assert link_header(PUBLIC, HUB, "topics/vatten.json") == (
        b'<https://hub.example.se/websub?a=1&b=2>; rel="hub", '
        b'<https://feeder.example.se/lan/topics/vatten.json>; rel="self"')
    # a public URL with letters beyond ASCII: the header carries them percent-encoded
    assert link_header("https://kommun.example.se/län/", HUB, "feed.rss") == (
        b'<https://hub.example.se/websub?a=1&b=2>; rel="hub", '
        b'<https://kommun.example.se/l%C3%A4n/feed.rss>; rel="self"')
    for name in ("feed.html", "banner.json", "index.html", "banner.js", "topics/x.html"):
        assert link_header(PUBLIC, HUB, name) is None
