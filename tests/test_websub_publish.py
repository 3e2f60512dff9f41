"""WebSub with real publishing: a Feeder, a real store and output folder, the notifier's thread
and a hub on loopback. One notification per changed feed, with exactly its self link; none for
a publish that changed nothing; a failing hub never touches publishing; the commands that
publish tell the hub before they end; ``/healthz`` shows the hub without depending on it."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from pytest_httpserver import HTTPServer

from feeder import cli
from feeder.app import Feeder
from feeder.config import Config
from feeder.ladder import Level
from feeder.publish.spec import feed_file
from feeder.web.health import health_report
from feeder.websub import Notifier
from tests.builders import HOUR, NOW, PUBLIC, make_item, scenario
from tests.common import TOPIC, make_config, run_cli
from tests.websub_support import Answer, Hub, free_port, self_links

FEEDS = 9
"""feed, alerts and one topic, each as RSS, Atom and JSON Feed."""


def hub_config(tmp_path: Path, hub_url: str) -> Config:
    return make_config(tmp_path, server={"host": "127.0.0.1", "port": 8080, "public_url": PUBLIC},
                       feeds={"websub_hub": hub_url})


@pytest.fixture
def feeder(tmp_path: Path, hub: Hub) -> Iterator[Feeder]:
    with Feeder(hub_config(tmp_path, hub.url)) as f:
        yield f
        if f.websub is not None:
            f.websub.stop()


def quick(feeder: Feeder, **kwargs: object) -> Notifier:
    """A notifier retrying within a tenth of a second, told of every publish of ``feeder``."""
    notifier = Notifier.for_config(feeder.config, feeder.fetcher, first_delay=0.1,
                                   **kwargs)  # type: ignore[arg-type]
    assert notifier is not None
    feeder.on_published(notifier.published)
    feeder.websub = notifier  # stopped by the fixture
    notifier.start()
    return notifier


def changed_feeds(changed: list[str]) -> set[str]:
    return {path for path in changed if feed_file(path) is not None}


def test_one_notification_per_changed_feed_with_its_self_link(feeder: Feeder, hub: Hub) -> None:
    notifier = feeder.notifier()
    assert notifier is not None and feeder.notifier() is notifier  # made once
    notifier.start()
    out = feeder.config.storage.output_dir
    feeder.store.upsert(scenario(), NOW - HOUR)

    first = feeder.publish(NOW)
    links = self_links(out, hub.url)  # every file that names the hub, and its self link
    assert len(links) == FEEDS and set(links) == changed_feeds(first.changed)
    assert sorted(hub.wait_notified(FEEDS)) == sorted(links.values())
    assert links["topics/handlingsplan-mot-vald.json"] == (
        f"{PUBLIC}topics/handlingsplan-mot-vald.json")

    again = feeder.publish(NOW)  # the same data: nothing changed, nothing said
    assert again.changed == [] and notifier.drain(2) is True

    # a plain notice: the regional feed changes, the alerts and the topic feed do not
    feeder.store.upsert([make_item("notice:new", level=Level.INFO, title="Nytt meddelande",
                                   published=NOW, updated=NOW)], NOW)
    third = feeder.publish(NOW + timedelta(minutes=1))
    assert changed_feeds(third.changed) == {"feed.rss", "feed.atom", "feed.json"}
    assert notifier.drain(5) is True
    assert sorted(hub.notified()[FEEDS:]) == sorted(
        f"{PUBLIC}feed.{ext}" for ext in ("atom", "json", "rss"))
    time.sleep(0.2)
    assert len(hub.received) == FEEDS + 3


def test_no_notifier_without_a_hub(tmp_path: Path) -> None:
    with Feeder(make_config(tmp_path)) as feeder:
        assert feeder.notifier() is None and feeder.websub is None
        assert feeder._listeners == []
        feeder.store.upsert(scenario(), NOW - HOUR)
        assert feeder.publish(NOW).ok
        assert self_links(feeder.config.storage.output_dir, "hub") == {}


def test_a_hub_answering_500_never_touches_publishing(feeder: Feeder, hub: Hub) -> None:
    hub.answer(*[Answer(500)] * FEEDS)  # every first attempt fails
    notifier = quick(feeder)
    feeder.store.upsert(scenario(), NOW - HOUR)
    result = feeder.publish(NOW)
    assert result.ok and len(changed_feeds(result.changed)) == FEEDS
    assert (feeder.config.storage.output_dir / "feed.atom").is_file()
    assert len(set(hub.wait_notified(FEEDS))) == FEEDS  # retried, then told
    assert len(hub.received) == 2 * FEEDS
    assert notifier.report()["last_error"] == "HTTP 500 Internal Server Error"


def test_a_hub_holding_the_request_beyond_the_timeout_never_delays_publishing(
    feeder: Feeder, hub: Hub
) -> None:
    hub.answer(Answer(hold=True))
    quick(feeder, timeout=(1.0, 0.3))
    feeder.store.upsert(scenario(), NOW - HOUR)
    started = time.monotonic()
    result = feeder.publish(NOW)
    elapsed = time.monotonic() - started
    assert result.ok and not hub.notified()  # published, while the hub has said nothing
    assert elapsed < 5
    assert len(set(hub.wait_notified(FEEDS))) == FEEDS  # the held one timed out, retried
    assert not any(status for _, status in hub.requests if status != 204)


def test_a_hub_refusing_connections_never_touches_publishing_and_is_retried(
    tmp_path: Path
) -> None:
    port = free_port()
    server = HTTPServer(host="127.0.0.1", port=port, threaded=True)
    with Feeder(hub_config(tmp_path, f"http://127.0.0.1:{port}/hub")) as feeder:
        notifier = quick(feeder)
        try:
            feeder.store.upsert(scenario(), NOW - HOUR)
            result = feeder.publish(NOW)
            assert result.ok and (feeder.config.storage.output_dir / "feed.rss").is_file()
            deadline = time.monotonic() + 5
            while notifier.report()["last_error"] is None:
                assert time.monotonic() < deadline
                time.sleep(0.01)
            assert notifier.report()["last_error"] == (
                "cannot connect to 127.0.0.1: Connection refused")
            server.start()  # the hub comes up: the retries get through
            hub = Hub(server)
            assert len(set(hub.wait_notified(FEEDS))) == FEEDS
        finally:
            notifier.stop()
            if server.is_running():
                server.stop()


def test_healthz_shows_a_failing_hub_but_stays_ok(feeder: Feeder, hub: Hub) -> None:
    hub.answer(*[Answer(503)] * 50)
    notifier = quick(feeder)
    now = NOW
    for name in feeder.sources:
        feeder.store.record_success(name, now - timedelta(seconds=30))
    feeder.store.upsert(scenario(), NOW - HOUR)
    feeder.publish(now)
    deadline = time.monotonic() + 5
    while notifier.report()["last_error"] is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    code, body = health_report(feeder, now)
    assert (code, body["status"]) == (200, "ok")
    websub = body["websub"]
    assert set(websub) == {"hub", "pending", "last_sent", "last_error", "last_error_at"}
    assert websub["hub"] == "127.0.0.1" and websub["last_sent"] is None
    assert websub["last_error"] == "HTTP 503 Service Unavailable"
    assert websub["pending"] >= 1 and websub["last_error_at"].endswith("Z")


def test_healthz_has_no_websub_block_without_a_hub(tmp_path: Path) -> None:
    with Feeder(make_config(tmp_path)) as feeder:
        assert "websub" not in health_report(feeder, NOW)[1]


# ------------------------------------------------------------------------------- the commands


def write_config(tmp_path: Path, hub_url: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({
        "region": {"name": "Västernorrlands län", "county_id": 22},
        "storage": {"database": "db.sqlite3", "output_dir": "public"},
        "server": {"public_url": PUBLIC},
        "sources": {"smhi": {"url": "http://127.0.0.1:9/warning.json"},
                    "lansstyrelsen": {"enabled": False}},
        "topics": [TOPIC],
        "feeds": {"websub_hub": hub_url},
    }, allow_unicode=True), encoding="utf-8")
    return path


def test_the_commands_that_publish_tell_the_hub_before_they_end(tmp_path: Path,
                                                               hub: Hub) -> None:
    cfg = write_config(tmp_path, hub.url)
    code, out, _ = run_cli(cfg, "publish")
    assert code == 0 and out.startswith("published: ")
    assert len(set(hub.notified())) == FEEDS  # already: the command waited for them
    code, _, _ = run_cli(cfg, "publish")  # nothing changed
    assert code == 0 and len(hub.received) == FEEDS
    code, _, _ = run_cli(cfg, "notice", "add", "--title", "Vattnet är tillbaka")
    assert code == 0
    assert sorted(hub.notified()[FEEDS:]) == sorted(
        f"{PUBLIC}feed.{ext}" for ext in ("atom", "json", "rss"))


def test_a_command_waits_for_a_dead_hub_only_briefly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(cli, "HUB_WAIT", 1.0)
    cfg = write_config(tmp_path, f"http://127.0.0.1:{free_port()}/hub")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="feeder.websub"):
        code, out, _ = run_cli(cfg, "publish")
    assert code == 0 and out.startswith("published: ")
    assert time.monotonic() - started < 10
    assert "Connection refused" in caplog.text
    assert f"WebSub: {FEEDS} notification(s) to 127.0.0.1 dropped at shutdown" in caplog.text
