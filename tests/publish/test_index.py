"""index.html: a readable Swedish page, everything escaped."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from feeder.config import Config
from feeder.publish import publish
from feeder.store import Store
from tests.builders import HOUR, NOW, TOPIC_ID, scenario


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]
        self.links += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture
def page(db: Store, cfg: Config, out: Path) -> tuple[str, Page]:
    db.upsert(scenario(), NOW - HOUR)
    db.record_success("smhi", NOW - timedelta(minutes=1))
    db.record_failure("lansstyrelsen", NOW - 2 * HOUR, "HTTP 503")
    publish(db, cfg, NOW)
    raw = (out / "index.html").read_text(encoding="utf-8")
    parsed = Page()
    parsed.feed(raw)
    return raw, parsed


def test_sections_and_alerts(page: tuple[str, Page]) -> None:
    raw, parsed = page
    assert raw.startswith("<!DOCTYPE html>") and '<html lang="sv">' in raw
    text = " ".join(parsed.text)
    for heading in ("Aktuella varningar och meddelanden", "Senaste", "Prenumerera", "Källor"):
        assert heading in text
    # for residents: subscribing first, then the alerts, the latest, the sources
    assert raw.index("Prenumerera") < raw.index("Aktuella varningar") < raw.index(
        "<h2>Senaste") < raw.index("<h2>Källor")
    current = raw[raw.index("Aktuella varningar"):raw.index("<h2>Senaste")]
    assert current.index("Storm Hans närmar sig") < current.index("Risk för skogsbrand")
    assert "Gäller: Sundsvall, till fredag 12 juni kl. 20.00" in current
    assert "Vattenbrist" not in current  # withdrawn: not current
    latest = raw[raw.index("<h2>Senaste"):raw.index("<h2>Källor")]
    assert "Avslutad: Vattenbrist i Ånge" in latest
    assert "Kraftsamling mot våldet i Västernorrland" in latest


def test_subscribe_links_to_every_feed(page: tuple[str, Page]) -> None:
    _, parsed = page
    for name in ("feed", "alerts", f"topics/{TOPIC_ID}"):
        for ext in ("rss", "atom", "json"):
            assert f"{name}.{ext}" in parsed.links
        assert f"{name}.html" in parsed.links  # the feed's page: what it is, how to subscribe
    assert "banner.json" in parsed.links and "banner.html" in parsed.links


def test_developer_documentation_is_not_on_the_residents_page(page: tuple[str, Page]) -> None:
    raw, _ = page
    assert "_feeder" not in raw and "level_name" not in raw


def test_source_status_in_stockholm_time(page: tuple[str, Page]) -> None:
    raw, _ = page
    sources = raw[raw.index("<h2>Källor"):]
    assert "SMHI</th><td>I drift</td>" in sources
    assert "12 juni 2026 kl. 11.59" in sources  # 09:59 UTC
    # never succeeded: no data since its first failure (08:00 UTC), stale or not
    assert "Länsstyrelsen</th><td>Inga uppgifter än</td>" in sources
    assert "12 juni 2026 kl. 10.00" in sources
    assert "Obs! Uppgifterna från Länsstyrelsen" in raw


def test_nothing_hostile_and_no_drafts(page: tuple[str, Page]) -> None:
    raw, parsed = page
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not [a for a in parsed.attrs if a.startswith("on")]
    assert not [link for link in parsed.links if link.lower().startswith("javascript")]
    assert "Utkast" not in raw and "Planerat avbrott" not in raw
    assert "<i>" not in raw
