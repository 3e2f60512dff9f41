"""``GET /healthz`` over real HTTP: fresh, failing, stale; never a fetch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from feeder.app import Feeder
from feeder.config import Config
from feeder.server import BackgroundServer
from feeder.timeutil import iso_z, utcnow
from feeder.web import create_app
from tests.common import make_config
from tests.web.support import Site

STALE_AFTER = 600


@pytest.fixture
def upstream(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/warning.json").respond_with_json([])
    httpserver.expect_request("/news.html").respond_with_data("<html></html>")
    return httpserver


@pytest.fixture
def health_config(tmp_path: Path, upstream: HTTPServer) -> Config:
    return make_config(tmp_path, sources={
        "smhi": {"url": upstream.url_for("/warning.json"), "interval": 120,
                 "stale_after": STALE_AFTER},
        "lansstyrelsen": {"url": upstream.url_for("/news.html"), "interval": 900,
                          "stale_after": 3600},
    })


@pytest.fixture
def health_site(health_config: Config) -> Iterator[Site]:
    with Feeder(health_config) as feeder, BackgroundServer(create_app(feeder)) as server:
        yield Site(feeder, server)


def _health(site: Site) -> tuple[int, dict]:
    reply = site.get("/healthz")
    assert reply.header("content-type") == "application/json"
    assert reply.header("cache-control") == "no-store"
    return reply.status, json.loads(reply.body)


def test_fresh_sources_are_ok(health_site: Site, upstream: HTTPServer) -> None:
    now = utcnow()
    health_site.store.record_success("smhi", now - timedelta(seconds=30))
    health_site.store.record_success("lansstyrelsen", now - timedelta(seconds=60))
    status, body = _health(health_site)
    assert status == 200
    assert body["status"] == "ok"
    assert set(body["sources"]) == {"smhi", "lansstyrelsen"}
    smhi = body["sources"]["smhi"]
    assert smhi == {
        "ok": True, "stale": False,
        "since": iso_z(now - timedelta(seconds=30)),
        "last_attempt": iso_z(now - timedelta(seconds=30)),
        "last_success": iso_z(now - timedelta(seconds=30)),
        "last_error": None, "failures": 0,
    }
    assert upstream.log == []  # /healthz never fetches


def test_a_failing_but_fresh_source_is_not_degraded(health_site: Site) -> None:
    now = utcnow()
    health_site.store.record_success("smhi", now - timedelta(seconds=200))
    health_site.store.record_failure("smhi", now - timedelta(seconds=10), "HTTP 503")
    health_site.store.record_success("lansstyrelsen", now)
    status, body = _health(health_site)
    assert status == 200 and body["status"] == "ok"
    smhi = body["sources"]["smhi"]
    assert smhi["ok"] is False and smhi["stale"] is False
    assert smhi["last_error"] == "HTTP 503" and smhi["failures"] == 1
    assert smhi["since"] == iso_z(now - timedelta(seconds=10))


def test_a_stale_source_degrades_with_503(health_site: Site, upstream: HTTPServer) -> None:
    now = utcnow()
    last_good = now - timedelta(seconds=STALE_AFTER + 120)
    health_site.store.record_success("smhi", last_good)
    health_site.store.record_failure("smhi", now - timedelta(seconds=5), "timed out after 20 s")
    health_site.store.record_success("lansstyrelsen", now)
    status, body = _health(health_site)
    assert status == 503
    assert body["status"] == "degraded"
    smhi = body["sources"]["smhi"]
    assert smhi["stale"] is True and smhi["ok"] is False
    assert smhi["since"] == iso_z(last_good + timedelta(seconds=STALE_AFTER))
    assert smhi["last_success"] == iso_z(last_good)
    assert smhi["last_error"] == "timed out after 20 s"
    assert body["sources"]["lansstyrelsen"]["ok"] is True
    assert upstream.log == []


def test_never_polled_sources_are_reported_but_not_stale(health_site: Site) -> None:
    status, body = _health(health_site)
    assert status == 200
    assert body["sources"]["smhi"] == {
        "ok": False, "stale": False, "since": None, "last_attempt": None,
        "last_success": None, "last_error": None, "failures": 0,
    }


def test_head_healthz(health_site: Site) -> None:
    reply = health_site.request("HEAD", "/healthz")
    assert reply.status == 200 and reply.body == b""


def test_healthz_with_no_sources_at_all(tmp_path: Path) -> None:
    config = make_config(tmp_path, sources={"smhi": {"enabled": False},
                                            "lansstyrelsen": {"enabled": False}})
    with Feeder(config) as feeder, BackgroundServer(create_app(feeder)) as server:
        status, body = _health(Site(feeder, server))
    assert (status, body) == (200, {"status": "ok", "sources": {}})
