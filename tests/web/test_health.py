"""``GET /healthz`` over real HTTP: fresh, failing, stale, starting (a source never succeeded),
the last publish (failed, items left out, from this process or another); never a fetch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from feeder.app import Feeder
from feeder.config import Config
from feeder.ladder import Level
from feeder.publish import outcome
from feeder.server import BackgroundServer
from feeder.timeutil import iso_z, utcnow
from feeder.web import create_app
from tests.builders import fire_risk, make_item
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
        "state": "ok", "ok": True, "stale": False,
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


def test_never_polled_sources_are_starting_not_ok(health_site: Site) -> None:
    status, body = _health(health_site)
    assert status == 503 and body["status"] == "starting"
    assert body["sources"]["smhi"] == {
        "state": "unknown", "ok": False, "stale": False, "since": None, "last_attempt": None,
        "last_success": None, "last_error": None, "failures": 0,
    }
    assert body["publish"] == {"ok": None, "last_success": None, "error": None, "left_out": []}


def test_starting_until_every_source_has_succeeded_once(health_site: Site) -> None:
    now = utcnow()
    health_site.store.record_failure("smhi", now - timedelta(seconds=30), "connection refused")
    health_site.store.record_success("lansstyrelsen", now)
    status, body = _health(health_site)
    assert (status, body["status"]) == (503, "starting")
    assert body["sources"]["smhi"]["state"] == "unknown"
    assert body["sources"]["smhi"]["since"] == iso_z(now - timedelta(seconds=30))
    health_site.store.record_success("smhi", now)
    assert _health(health_site)[0] == 200
    health_site.store.record_failure("smhi", now, "HTTP 502")  # failing, still fresh
    status, body = _health(health_site)
    assert status == 200 and body["sources"]["smhi"]["state"] == "failing"


def test_never_succeeded_past_stale_after_is_degraded(health_site: Site) -> None:
    now = utcnow()
    first = now - timedelta(seconds=STALE_AFTER + 60)
    health_site.store.record_failure("smhi", first, "connection refused")
    health_site.store.record_failure("smhi", now, "connection refused")
    health_site.store.record_success("lansstyrelsen", now)
    status, body = _health(health_site)
    assert (status, body["status"]) == (503, "degraded")
    smhi = body["sources"]["smhi"]
    assert (smhi["state"], smhi["stale"], smhi["since"]) == ("unknown", True, iso_z(first))


def test_head_healthz(health_site: Site) -> None:
    now = utcnow()
    health_site.store.record_success("smhi", now)
    health_site.store.record_success("lansstyrelsen", now)
    reply = health_site.request("HEAD", "/healthz")
    assert reply.status == 200 and reply.body == b""


def test_healthz_with_no_sources_at_all(tmp_path: Path) -> None:
    config = make_config(tmp_path, sources={"smhi": {"enabled": False},
                                            "lansstyrelsen": {"enabled": False}})
    with Feeder(config) as feeder, BackgroundServer(create_app(feeder)) as server:
        status, body = _health(Site(feeder, server))
    assert (status, body["status"], body["sources"]) == (200, "ok", {})


def _fresh(site: Site) -> None:
    now = utcnow()
    site.store.record_success("smhi", now)
    site.store.record_success("lansstyrelsen", now)


def test_a_publish_that_left_an_item_out_degrades(health_site: Site) -> None:
    _fresh(health_site)
    now = utcnow()
    health_site.store.upsert([fire_risk(), make_item("notice:bad", level=Level.WARNING,
                                                     title="Trasig\x1brubrik")], now)
    result = health_site.feeder.publish(now)
    assert result.left_out == ("notice:bad",)
    status, body = _health(health_site)
    assert (status, body["status"]) == (503, "degraded")
    assert body["publish"] == {"ok": True, "last_success": iso_z(now), "error": None,
                               "left_out": ["notice:bad"]}
    health_site.store.upsert([make_item("notice:bad", level=Level.WARNING, title="Hel rubrik",
                                        updated=now)], now)  # the row is repaired
    health_site.feeder.publish(now)
    status, body = _health(health_site)
    assert (status, body["publish"]["left_out"]) == (200, [])


def test_a_failed_publish_of_another_process_degrades(health_site: Site) -> None:
    _fresh(health_site)
    now = utcnow()
    # What `feeder publish` in another process recorded in output_dir:
    out = health_site.config.storage.output_dir
    out.mkdir(parents=True, exist_ok=True)
    (out / outcome.FILE).write_text(json.dumps({
        "ok": False, "at": (now + timedelta(days=1)).isoformat(),
        "last_success": now.isoformat(), "error": "index.html: RuntimeError: x",
        "left_out": [],
    }))
    status, body = _health(health_site)
    assert (status, body["status"]) == (503, "degraded")
    assert body["publish"] == {"ok": False, "last_success": iso_z(now),
                               "error": "index.html: RuntimeError: x", "left_out": []}
