"""WebSub end to end: ``feeder run`` as a subprocess, an SMHI-like upstream and a hub, both on
loopback. A change upstream reaches the hub as one notification per changed feed; a poll that
changes nothing says nothing; ``/healthz`` and the feeds' ``Link`` headers show the hub; SIGTERM
still stops promptly."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer

from tests.daemon_support import (
    FIRE_TITLE,
    Daemon,
    Upstream,
    alert_titles,
    fire_warning,
    write_config,
)
from tests.websub_support import Hub

FEEDS = [f"{name}.{ext}" for name in ("feed", "alerts") for ext in ("rss", "atom", "json")]


@pytest.fixture
def upstream(httpserver: HTTPServer) -> Iterator[Upstream]:
    up = Upstream(httpserver)
    yield up
    up.hang.set()


@pytest.fixture
def daemon(tmp_path: Path, upstream: Upstream, hub: Hub) -> Iterator[Daemon]:
    path = write_config(tmp_path, upstream, interval=1)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["feeds"] = {"websub_hub": hub.url}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    d = Daemon(path)
    yield d
    d.stop()


def test_a_change_upstream_reaches_the_hub(daemon: Daemon, upstream: Upstream,
                                           hub: Hub) -> None:
    urls = {f"{daemon.base}/{name}" for name in FEEDS}
    # the first publish wrote every feed: each announced once
    daemon.wait_until(lambda: len(hub.notified()) >= len(FEEDS))
    assert sorted(hub.notified()) == sorted(urls)
    assert json.loads(daemon.get("/healthz")[1])["websub"]["hub"] == "127.0.0.1"

    now = datetime.now(UTC)
    upstream.body = fire_warning(start=now - timedelta(hours=1), end=now + timedelta(days=1),
                                 published=now - timedelta(minutes=5))
    changed_at = time.monotonic()
    daemon.wait_until(lambda: alert_titles(daemon.banner()) == [FIRE_TITLE])
    # the fire risk is in the regional feed and in the alerts: all six changed
    daemon.wait_until(lambda: len(hub.notified()) >= 2 * len(FEEDS))
    took = time.monotonic() - changed_at
    later = hub.notified()[len(FEEDS):]
    assert sorted(later) == sorted(urls), daemon.output()
    assert took < 10
    for url in later:  # the hub fetches what it was told of, and finds the change
        status, body = daemon.get(url.removeprefix(daemon.base))
        assert status == 200 and FIRE_TITLE in body.decode()

    # polls that find nothing new publish nothing, and say nothing
    seen = upstream.requests
    daemon.wait_until(lambda: upstream.requests >= seen + 2)
    time.sleep(0.3)
    assert len(hub.received) == 2 * len(FEEDS)

    status, body = daemon.get("/healthz")
    websub = json.loads(body)["websub"]
    assert status == 200 and websub["pending"] == 0 and websub["last_error"] is None
    assert websub["last_sent"].endswith("Z")

    with urllib.request.urlopen(f"{daemon.base}/alerts.rss", timeout=5) as resp:
        assert resp.headers["Link"] == (
            f'<{hub.url}>; rel="hub", <{daemon.base}/alerts.rss>; rel="self"')

    code, took = daemon.terminate()
    assert code == 0 and took < 10, daemon.output()
    assert "WebSub: telling" in daemon.output()


def test_a_dead_hub_leaves_feeder_run_serving_and_stopping_cleanly(
    tmp_path: Path, upstream: Upstream
) -> None:
    path = write_config(tmp_path, upstream, interval=1)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["feeds"] = {"websub_hub": "http://127.0.0.1:9/hub"}  # discard: nothing listens
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    daemon = Daemon(path)
    try:
        daemon.wait_until(lambda: daemon.get("/banner.json")[0] == 200)
        daemon.wait_until(lambda: json.loads(daemon.get("/healthz")[1])["websub"]["last_error"]
                          is not None)
        status, body = daemon.get("/healthz")
        health = json.loads(body)
        assert status == 200 and health["status"] == "ok"
        assert health["websub"]["last_error"].startswith("cannot connect to 127.0.0.1")
        assert health["websub"]["pending"] >= 1
        code, took = daemon.terminate()
        assert code == 0 and took < 10
        assert "notification(s) to 127.0.0.1 dropped at shutdown" in daemon.output()
    finally:
        daemon.stop()
