"""The first start without network, as a resident and a webmaster meet it: every source's poll
fails (connection refused), so nothing is known. No output may say that there are no warnings:
banner.json's ``state`` is ``unknown``, banner.html and index.html say which source has no data
since when (with the authority's link), banner.js shows nothing by default and the same note as
banner.html with ``data-status="visa"``, and ``/healthz`` answers 503 ``starting``."""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from feeder import config as config_mod
from feeder.app import Feeder
from feeder.server import BackgroundServer
from feeder.web import create_app
from tests.banner.axe import axe_violations
from tests.banner.site import Site, host_page, wait_marks

ALL_CLEAR = re.compile(r"(?i)inga (aktuella )?varningar")


def closed_port() -> int:
    """A loopback port nothing listens on: every connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Offline:
    def __init__(self, url: str, out: Path) -> None:
        self.url = url
        self.out = out

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[Offline]:
    nowhere = f"http://127.0.0.1:{closed_port()}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = config_mod.from_dict({
        "region": {"name": "Västernorrlands län", "county_id": 22},
        "storage": {"database": "db.sqlite3", "output_dir": "public"},
        "server": {"host": "127.0.0.1", "port": port,
                   "public_url": f"http://127.0.0.1:{port}/"},
        "http": {"connect_timeout": 2, "read_timeout": 2},
        "sources": {
            "smhi": {"url": f"{nowhere}/warning.json"},
            "lansstyrelsen": {"url": f"{nowhere}/nyheter.html"},
            "vma": {"url": f"{nowhere}/api/v3/alerts"},
        },
    }, tmp_path / "config.yaml")
    with Feeder(config) as feeder:
        outcomes = feeder.poll()  # what feeder run does first; nothing answers
        assert outcomes and all(not o.ok for o in outcomes)
        feeder.publish()
        with BackgroundServer(create_app(feeder, route_modules=()), port=port) as server:
            yield Offline(server.url, config.storage.output_dir)


def test_nothing_says_all_clear_and_healthz_is_starting(offline: Offline) -> None:
    status, body = offline.get("/healthz")
    health = json.loads(body)
    assert (status, health["status"]) == (503, "starting")
    assert {s["state"] for s in health["sources"].values()} == {"unknown"}
    assert health["publish"]["ok"] is True and health["publish"]["left_out"] == []

    status, body = offline.get("/banner.json")
    banner = json.loads(body)
    assert status == 200 and banner["state"] == "unknown" and banner["alerts"] == []
    assert {n: (s["state"], s["banner"]) for n, s in banner["sources"].items()} == {
        "smhi": ("unknown", True), "lansstyrelsen": ("unknown", False), "vma": ("unknown", True)}
    assert all(s["since"] for s in banner["sources"].values())  # since the failed first poll

    for name in ("banner.html", "index.html"):
        status, body = offline.get("/" + name)
        page = body.decode()
        assert status == 200 and not ALL_CLEAR.search(page), name
        assert "Just nu går det inte att säga om det finns varningar" in page, name
        assert "Inga uppgifter från SMHI har kunnat hämtas sedan" in page, name
        assert "https://www.krisinformation.se/" in page, name
    for name in ("feed.atom", "feed.json"):
        assert offline.get("/" + name)[0] == 200


def test_banner_js_shows_nothing_by_default_and_the_note_when_asked(
    page: Page, offline: Offline, host_site: Site
) -> None:
    page.goto(host_page(host_site, offline.url + "/banner.js"))
    wait_marks(page, "loaded")
    expect(page.locator(".fb")).to_have_count(0)
    assert not ALL_CLEAR.search(page.locator("body").inner_text())

    page.goto(host_page(host_site, offline.url + "/banner.js", attrs=' data-status="visa"',
                        path="/visa"))
    wait_marks(page, "loaded")
    box = page.locator(".fb-unknown")
    expect(box).to_be_visible()
    assert not ALL_CLEAR.search(page.locator("body").inner_text())
    # The same words as banner.html (times in Stockholm time both).
    html = (offline.out / "banner.html").read_text(encoding="utf-8")
    lead = re.search(r'<p class="unknown">([^<]*)</p>', html)
    assert lead is not None
    expect(box.locator(".fb-lead")).to_have_text(lead.group(1))
    said = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r'<p class="stale">(.*?)</p>', html)]
    assert len(said) == 2  # SMHI and VMA; the county board's news never reach the banner
    expect(box.locator(".fb-gap")).to_have_text(said)
    assert axe_violations(page) == []
