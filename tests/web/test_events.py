"""feeder.web.events: ``/banner/events`` on the real server, read as a browser reads it (the
client in :mod:`tests.web.sse`). banner.js following it in Chromium: tests/banner/."""

from __future__ import annotations

import http.client
import json
import logging
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from feeder.app import Feeder
from feeder.config import Config
from feeder.ladder import Level
from feeder.server import BackgroundServer
from feeder.timeutil import utcnow
from feeder.web import create_app
from feeder.web.app import FeederApp
from feeder.web.events import HEARTBEAT_EVENT, POLL_FOR, banner_event
from tests.builders import make_item
from tests.common import make_config, wait_until
from tests.web.nginx import readable, run_nginx
from tests.web.sse import EventStream
from tests.web.support import Site, write_output

Live = Callable[..., "Served"]


class Served:
    """The app on a background server, and streams opened to it."""

    def __init__(self, feeder: Feeder, app: FeederApp, server: BackgroundServer) -> None:
        self.feeder = feeder
        self.app = app
        self.server = server
        self.streams: list[EventStream] = []

    def stream(self, path: str = "/banner/events") -> EventStream:
        s = EventStream(self.server.host, self.server.port, path)
        self.streams.append(s)
        return s

    def site(self) -> Site:
        return Site(self.feeder, self.server)


@pytest.fixture
def live(site_config: Config, published: dict[str, bytes]) -> Iterator[Live]:
    """``live(event_clients=..., heartbeat=..., watch=...)``: the app served, streams closed
    after the test."""
    started: list[tuple[Served, Feeder]] = []

    def start(event_clients: int | None = None, heartbeat: float = 25.0, watch: float = 5.0
              ) -> Served:
        feeder = Feeder(site_config)
        app = create_app(feeder, event_clients=event_clients)
        if app.events is not None:
            app.events.heartbeat, app.events.watch = heartbeat, watch
        served = Served(feeder, app, BackgroundServer(app).start())
        started.append((served, feeder))
        return served

    yield start
    for served, feeder in started:
        for s in served.streams:
            s.close()
        served.server.stop()
        feeder.close()


def etag_of(site: Site, path: str = "/banner.json") -> str:
    etag = site.get(path).header("etag")
    assert etag
    return etag.strip('"')


def test_a_stream_starts_with_banner_json_as_published(live: Live) -> None:
    served = live()
    with served.stream() as s:
        assert s.status == 200
        assert s.header("content-type") == "text/event-stream; charset=utf-8"
        assert s.header("cache-control") == "no-store"
        assert s.header("x-accel-buffering") == "no"  # nginx passes events on at once
        assert s.header("access-control-allow-origin") == "*"  # embedded on other sites
        first = s.next()
    assert first is not None
    assert first.type == "banner"
    assert first.retry == 5000
    site = served.site()
    assert first.id == etag_of(site)
    assert first.data == site.get("/banner.json").body.decode()


def test_banner_json_offers_the_events_only_where_they_are_served(live: Live) -> None:
    site = live().site()
    for reply in (site.get("/banner.json"),
                  site.get("/banner.json", if_none_match=f'"{etag_of(site)}"')):
        assert reply.header("link") == '<banner/events>; rel="alternate"; type="text/event-stream"'
        assert reply.header("access-control-expose-headers") == "link"  # readable cross-origin
    assert site.get("/banner.json", if_none_match=f'"{etag_of(site)}"').status == 304
    assert site.get("/feed.atom").header("link") is None

    off = live(event_clients=0).site()
    assert off.get("/banner.json").header("link") is None
    assert off.get("/banner/events").status == 404


def test_a_publish_reaches_every_connected_client_at_once(live: Live) -> None:
    served = live()
    streams = [served.stream() for _ in range(3)]
    for s in streams:
        assert s.banner().type == "banner"
    now = utcnow()
    item = make_item(title="Vattnet är avstängt på Storgatan", level=Level.SEVERE,
                     published=now - timedelta(minutes=1), updated=now - timedelta(minutes=1))
    served.feeder.store.upsert([item], now)
    result = served.feeder.publish(now)
    assert "banner.json" in result.changed
    done = time.monotonic()
    site = served.site()
    body, etag = site.get("/banner.json").body.decode(), etag_of(site)
    for s in streams:
        event = s.banner(timeout=2)
        assert time.monotonic() - done < 1.0
        assert event.id == etag
        assert event.data == body
        assert "Vattnet är avstängt på Storgatan" in event.data


def test_an_unchanged_publish_sends_nothing_but_heartbeats(live: Live) -> None:
    served = live(heartbeat=0.2)
    served.feeder.publish()  # banner.json as the publisher writes it
    with served.stream() as s:
        s.banner()
        result = served.feeder.publish()
        assert "banner.json" not in result.changed
        later = s.events_for(1.0)
    assert later, "an idle stream sends heartbeats"
    assert all(e.type == "message" and e.data == "" for e in later), later


def test_an_idle_stream_costs_a_few_bytes_per_heartbeat(live: Live) -> None:
    served = live(heartbeat=0.2)
    sock = socket.create_connection((served.server.host, served.server.port), timeout=5)
    with sock:
        sock.sendall(b"GET /banner/events HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.1)
        sock.recv(65536)  # the head and the first event
        time.sleep(0.5)
        idle = sock.recv(65536)
    # chunked framing around each 7-byte heartbeat: "7\r\ndata:\n\n\r\n"
    assert idle and set(idle.split(b"\r\n")) <= {b"7", HEARTBEAT_EVENT, b""}, idle


def test_a_publish_by_another_process_is_noticed(live: Live, site_config: Config) -> None:
    served = live(watch=0.2)
    with served.stream() as s:
        s.banner()
        doc = b'{"region": "V\xc3\xa4sternorrlands l\xc3\xa4n", "alerts": [], "n": 2}'
        write_output(site_config.storage.output_dir, "banner.json", doc)
        event = s.banner(timeout=3)
    assert event.data == doc.decode()


def test_beyond_the_limit_a_client_is_told_to_poll(live: Live) -> None:
    served = live(event_clients=2)
    first, second = served.stream(), served.stream()
    first.banner()
    second.banner()
    with served.stream() as third:
        assert third.status == 200
        told = third.next()
        assert told is not None and told.type == "poll"
        assert POLL_FOR <= int(told.data) <= POLL_FOR * 1.5  # spread so they do not return at once
        assert third.next() is None  # and the stream ends
    first.close()  # a place frees up once the server notices the client has gone

    def gets_a_stream() -> bool:
        with served.stream() as again:
            event = again.next()
        assert event is not None
        return event.type == "banner"

    wait_until(gets_a_stream, 5, "the closed client's place freed")
    events = served.app.events
    assert events is not None
    wait_until(lambda: events.clients == 1, 5, "second alone")  # after "again" has gone too


def test_healthz_counts_the_pages_following(live: Live) -> None:
    served = live(event_clients=7)
    site = served.site()
    with served.stream() as s:
        s.banner()
        report = json.loads(site.get("/healthz").body)["live_banner"]
        assert report == {"clients": 1, "limit": 7, "sent": 1}
    assert "live_banner" not in json.loads(live(event_clients=0).site().get("/healthz").body)


def test_the_limit_stays_below_half_of_the_servers_connections(
    site_config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    with Feeder(site_config) as feeder:
        app = create_app(feeder, event_clients=5000)
        assert app.events is not None
        with caplog.at_level(logging.WARNING, "feeder.web"):
            app.limit_streams(512)
        assert app.events.limit == 512
        assert "server.event_clients lowered from 5000 to 512" in caplog.text
        app.limit_streams(4096)  # never raised again
        assert app.events.limit == 512


def test_stopping_the_server_ends_every_stream_at_once(live: Live) -> None:
    served = live()
    streams = [served.stream() for _ in range(3)]
    for s in streams:
        s.banner()
    started = time.monotonic()
    served.server.stop()
    assert time.monotonic() - started < 3  # not the 10 s of graceful shutdown
    for s in streams:
        assert s.next(timeout=2) is None


def test_a_client_reconnecting_after_a_restart_gets_the_current_banner(
    live: Live, site_config: Config
) -> None:
    served = live()
    port = served.server.port
    with served.stream() as s:
        s.banner()
        served.server.stop()
        assert s.next(timeout=2) is None
    write_output(site_config.storage.output_dir, "banner.json", b'{"alerts": [], "n": 3}')
    with Feeder(site_config) as feeder:
        app = create_app(feeder)
        with BackgroundServer(app, port=port) as again, \
                EventStream(again.host, again.port) as s:
            assert s.banner().data == '{"alerts": [], "n": 3}'


def test_other_methods_and_head(live: Live) -> None:
    site = live().site()
    head = site.request("HEAD", "/banner/events")
    assert head.status == 200 and head.body == b""
    assert head.header("content-type") == "text/event-stream; charset=utf-8"
    post = site.request("POST", "/banner/events")
    assert post.status == 405


def test_published_from_another_thread_before_and_after_the_loop(
        site_config: Config, published: dict[str, bytes]) -> None:
    with Feeder(site_config) as feeder:
        app = create_app(feeder)
        assert app.events is not None
        app.events.published()  # no loop yet: nothing to tell, no error
        with BackgroundServer(app):
            pass
        worker = threading.Thread(target=app.events.published)
        worker.start()
        worker.join()  # the loop is closed: still no error


@pytest.mark.parametrize("document, lines", [
    (b'{"a": 1}', [b"data: {\"a\": 1}"]),
    (b'{\n  "a": 1\n}\n', [b"data: {", b'data:   "a": 1', b"data: }", b"data: "]),
    (b'{\r\n"a": 1\r"b"}', [b"data: {", b'data: "a": 1', b'data: "b"}']),
])
def test_banner_event_frames_every_line_of_the_document(
        document: bytes, lines: list[bytes]) -> None:
    event = banner_event(b'"abc"', document)
    assert event == b"event: banner\nid: abc\n" + b"".join(x + b"\n" for x in lines) + b"\n"



def test_through_nginx_as_docs_nginx_feeder_conf_sets_it_up(site_config: Config) -> None:
    # nginx serves banner.json from the folder, offering the events, and passes them on from
    # feeder the moment they come (no buffering).
    work = Path(tempfile.mkdtemp(prefix="feeder-nginx-"))
    try:
        config = make_config(work)
        with Feeder(config) as feeder:
            feeder.publish()
            readable(work)
            with BackgroundServer(create_app(feeder)) as server, \
                    run_nginx(config.storage.output_dir, work, server.port) as port:
                reply = Site(feeder, server).get("/banner.json")
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/banner.json")
                via_nginx = conn.getresponse()
                assert via_nginx.read() == reply.body
                assert via_nginx.getheader("link") == reply.header("link")
                assert via_nginx.getheader("access-control-expose-headers") == "Link"
                conn.close()
                with EventStream("127.0.0.1", port) as s:
                    assert s.status == 200
                    assert s.banner().data == reply.body.decode()
                    now = utcnow()
                    item = make_item(title="Vattenläcka i Härnösand", level=Level.SEVERE,
                                     published=now, updated=now)
                    feeder.store.upsert([item], now)
                    feeder.publish(now)
                    done = time.monotonic()
                    assert "Vattenläcka i Härnösand" in s.banner(timeout=2).data
                    assert time.monotonic() - done < 1.0
    finally:
        shutil.rmtree(work, ignore_errors=True)
