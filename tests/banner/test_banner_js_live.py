"""banner.js following ``/banner/events`` in real Chromium: a publish redraws the banner at once
without a poll; where the events are not offered, fail or go quiet it polls; it reconnects
after a restart. (The stream itself: tests/web/test_events.py.)"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, Request, expect

from feeder.ladder import Level
from tests.banner.documents import FIRE, alert_item, banner_doc, real_now
from tests.banner.live import LiveSite
from tests.banner.site import Site, host_page, wait_marks
from tests.common import wait_until

OFFER = {
    "link": '<banner/events>; rel="alternate"; type="text/event-stream"',
    "access_control_expose_headers": "link",
}


def record(page: Page) -> list[str]:
    """The paths the page requests, in order (from the browser's side)."""
    paths: list[str] = []

    def seen(request: Request) -> None:
        paths.append(request.url.split("//", 1)[1].split("/", 1)[1].split("?")[0])

    page.on("request", seen)
    return paths


def reads(paths: list[str], name: str = "banner.json") -> int:
    return sum(1 for p in paths if p.endswith(name))


def open_live(page: Page, live_site: LiveSite, host_site: Site) -> list[str]:
    paths = record(page)
    page.goto(host_page(host_site, live_site.url("/banner.js")))
    wait_marks(page, "loaded")
    live_site.wait_for_clients(1)
    return paths


def test_a_publish_reaches_the_page_at_once_without_a_poll(
    page: Page, live_site: LiveSite, host_site: Site
) -> None:
    now = real_now()
    live_site.publish([], now)
    paths = open_live(page, live_site, host_site)
    expect(page.locator(".fb")).to_have_count(0)  # nothing to say yet

    storm = alert_item("notice:storm", Level.SEVERE, "Stormen Ylva: stanna inomhus", now)
    live_site.publish([storm], now + timedelta(seconds=1))
    published = time.monotonic()
    expect(page.locator(".fb-live")).to_contain_text("Stormen Ylva", timeout=2000)
    assert time.monotonic() - published < 2.0
    expect(page.locator(".fb-live")).to_have_attribute("role", "alert")

    later = now + timedelta(seconds=2)
    live_site.publish([storm.evolve(withdrawn=True, updated=later)], later)
    expect(page.locator(".fb")).to_have_count(0, timeout=2000)  # gone when withdrawn
    assert reads(paths) == 1, paths  # both changes came over the events, no poll
    assert reads(paths, "banner/events") == 1, paths


def test_without_an_offer_it_only_polls(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    # A folder served by nginx alone: banner.json has no Link to events.
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    paths = record(page)
    assets_site.put_json("/banner.json", banner_doc(FIRE))
    page.goto(host_page(host_site, assets_site.url("/banner.js")))
    wait_marks(page, "loaded")
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 2)
    assert reads(paths, "banner/events") == 0, paths
    assert not assets_site.seen("/banner/events")


def test_offered_events_that_fail_fall_back_to_polling_and_are_retried(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    # Offered, but the path answers 404 (a proxy that does not pass it on): the page reads
    # banner.json again at once, polls, and tries the events again later, not in a loop.
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    assets_site.put("/lan/banner.js", assets_site.routes["/banner.js"].body)
    assets_site.put("/lan/banner.json", json.dumps(banner_doc(FIRE)), **OFFER)
    page.goto(host_page(host_site, assets_site.url("/lan/banner.js")))
    wait_marks(page, "loaded", 2)  # the first read, and the one after the events failed
    tried = assets_site.seen("/lan/banner/events")  # relative to banner.json's address
    assert len(tried) == 1 and tried[0].status == 404
    expect(page.locator(".fb-live")).to_contain_text(FIRE["title"])
    page.clock.run_for(5_000)  # the first retry: 1 to 3 s (2 s, jittered)
    wait_until(lambda: len(assets_site.seen("/lan/banner/events")) == 2, 5)
    for _ in range(12):  # a minute, in steps the page can answer between
        page.clock.run_for(5_000)
        time.sleep(0.2)
    count = len(assets_site.seen("/lan/banner/events"))
    # Backing off (2, 4, 8, 16, 32 s, each times 0.5 to 1.5): at most 7 tries in 65 s, where
    # a fixed delay would have tried in every step.
    assert 3 <= count <= 7, count


def test_events_that_stay_silent_are_given_up_and_retried(
    page: Page, assets_site: Site, host_site: Site
) -> None:
    # A proxy that holds the stream back (headers, then nothing): the page goes on polling,
    # and after a minute without a word it drops the stream and tries again later.
    page.clock.install(time=datetime(2026, 6, 12, 10, 0, tzinfo=UTC))
    paths = record(page)
    assets_site.put("/banner.json", json.dumps(banner_doc(FIRE)), **OFFER)
    assets_site.put("/banner/events", "", "text/event-stream", delay=30)
    page.goto(host_page(host_site, assets_site.url("/banner.js")))
    wait_marks(page, "loaded")
    wait_until(lambda: reads(paths, "banner/events") == 1, 5)
    page.clock.run_for(61_000)
    wait_marks(page, "loaded", 2)  # polled meanwhile
    page.clock.run_for(5_000)
    wait_until(lambda: reads(paths, "banner/events") == 2, 5)  # given up, and tried again


def test_reconnects_after_a_server_restart(
    page: Page, live_site: LiveSite, host_site: Site
) -> None:
    now = real_now()
    live_site.publish([], now)
    paths = open_live(page, live_site, host_site)
    live_site.stop()
    fire = alert_item("smhi:100-22", Level.WARNING, "Risk för skogsbrand i Västernorrlands län",
                      now, source="smhi")
    live_site.publish([fire], now + timedelta(seconds=1))  # while the server is down
    live_site.restart()
    expect(page.locator(".fb-live")).to_contain_text("Risk för skogsbrand", timeout=15_000)
    live_site.wait_for_clients(1)  # following the new server
    assert reads(paths, "banner/events") >= 2, paths


def test_a_page_beyond_the_limit_polls(page: Page, tmp_path: Path, host_site: Site) -> None:
    site = LiveSite(tmp_path, event_clients=1)
    try:
        now = real_now()
        site.publish([alert_item("notice:a", Level.WARNING, "Vattenläcka i Härnösand", now)],
                     now)
        first = page.context.new_page()
        first.goto(host_page(host_site, site.url("/banner.js")))
        site.wait_for_clients(1)
        paths = record(page)
        page.goto(host_page(host_site, site.url("/banner.js"), path="/andra"))
        wait_marks(page, "loaded", 2)  # told to poll: it reads banner.json again at once
        expect(page.locator(".fb-live")).to_contain_text("Vattenläcka i Härnösand")
        time.sleep(1)
        assert reads(paths, "banner/events") == 1, paths  # and waits minutes to try again
        assert site.clients() == 1
        first.close()
    finally:
        site.close()
