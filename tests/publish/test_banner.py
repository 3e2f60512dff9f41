"""banner.json (PRODUCT.md shape, ladder order) and banner.html (no-JS page)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from feeder.config import Config
from feeder.ladder import Level
from feeder.model import SourceStatus
from feeder.publish import banner, plan, publish
from feeder.store import Store
from tests.builders import HOUR, NOW, ConfigFactory, fire_risk, make_item, scenario
from tests.publish.support import without_own_script

ALL_CLEAR = re.compile(r"(?i)inga (aktuella )?varningar")
ALERT_KEYS = ["id", "level", "level_name", "title", "text", "lead", "blocks", "url", "url_text",
              "source", "starts", "upcoming", "expires", "updated", "areas", "area_names"]


@pytest.fixture
def site(db: Store, cfg: Config, out: Path) -> Path:
    db.upsert(scenario(), NOW - HOUR)
    db.record_success("smhi", NOW - timedelta(minutes=1))
    db.record_success("lansstyrelsen", NOW - timedelta(minutes=5))
    publish(db, cfg, NOW)
    return out


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_banner_json_shape(site: Path) -> None:
    doc = load(site / "banner.json")
    assert list(doc) == ["region", "generated", "stale", "state", "sources", "municipalities",
                         "alert", "alerts"]
    assert doc["municipalities"]["2281"] == "Sundsvall" and len(doc["municipalities"]) == 7
    assert doc["region"] == "Västernorrlands län"
    assert doc["generated"] == "2026-06-12T10:00:00Z"
    assert doc["stale"] is False and doc["state"] == "ok"
    assert doc["sources"] == {
        "smhi": {"state": "ok", "banner": True, "ok": True, "stale": False,
                 "since": "2026-06-12T09:59:00Z"},
        "lansstyrelsen": {"state": "ok", "banner": False, "ok": True, "stale": False,
                          "since": "2026-06-12T09:55:00Z"},
    }
    assert doc["alert"] == doc["alerts"][0]
    for alert in doc["alerts"]:
        assert list(alert) == ALERT_KEYS
    fire = doc["alerts"][1]
    assert fire == {
        "id": "smhi:100-22",
        "level": 2,
        "level_name": "notice",
        "title": "Risk för skogsbrand i Västernorrlands län",
        "text": "Det är mycket torrt i skog och mark och risken för brand är stor.",
        "lead": "Det är mycket torrt i skog och mark och risken för brand är stor.",
        "blocks": [{"type": "paragraph",
                    "text": "Det är mycket torrt i skog och mark och risken för brand är stor."}],
        "url": "https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden",
        "url_text": "Läs mer på SMHI:s webbplats",
        "source": "SMHI",
        "starts": "2026-06-12T07:00:00Z",
        "upcoming": False,
        "expires": "2026-06-12T18:00:00Z",
        "updated": "2026-06-12T07:00:00Z",
        "areas": ["2281"],
        "area_names": ["Sundsvall"],
    }


def test_banner_json_holds_active_alerts_in_ladder_order(site: Path) -> None:
    doc = load(site / "banner.json")
    assert [a["id"] for a in doc["alerts"]] == ["notice:storm", "smhi:100-22"]
    storm = doc["alerts"][0]
    assert storm["level"] == 3 and storm["level_name"] == "warning"
    assert storm["title"] == "Storm Hans närmar sig"
    assert storm["text"] == "Storm i kväll. klicka"  # plain text of the sanitised body
    assert storm["url"] is None and storm["url_text"] is None  # javascript: dropped
    assert storm["lead"] == "Storm i kväll."
    assert storm["expires"] is None


def test_min_level_from_config(make_config: ConfigFactory) -> None:
    cfg = make_config(banner={"min_level": "warning"})
    with Store(cfg.storage.database) as db:
        db.upsert(scenario(), NOW)
        publish(db, cfg, NOW)
    doc = load(cfg.storage.output_dir / "banner.json")
    assert [a["id"] for a in doc["alerts"]] == ["notice:storm"]


def test_empty_banner(db: Store, cfg: Config, out: Path) -> None:
    db.upsert([make_item("notice:info")], NOW)
    db.record_failure("smhi", NOW - 2 * HOUR, "timeout")
    db.record_success("smhi", NOW - HOUR + timedelta(minutes=55))  # failing again: still current
    db.record_failure("smhi", NOW - timedelta(minutes=1), "timeout")
    publish(db, cfg, NOW)  # lansstyrelsen never polled: its news never reach the banner
    doc = load(out / "banner.json")
    assert doc["alert"] is None and doc["alerts"] == []
    assert doc["state"] == "ok" and doc["sources"]["smhi"]["state"] == "failing"
    assert doc["sources"]["lansstyrelsen"] == {"state": "unknown", "banner": False, "ok": False,
                                               "stale": False, "since": None}
    page = (out / "banner.html").read_text(encoding="utf-8")
    assert "Inga aktuella varningar eller meddelanden för Västernorrlands län." in page
    assert 'class="stale"' not in page


def test_an_empty_banner_of_unknown_sources_is_no_all_clear(
    db: Store, make_config: ConfigFactory
) -> None:
    cfg = make_config(sources={"vma": {}, "krisinformation": {"level": "warning"}})
    with Store(cfg.storage.database) as store:
        store.record_failure("smhi", NOW - timedelta(minutes=30), "connection refused")
        store.record_success("vma", NOW - timedelta(minutes=1))
        publish(store, cfg, NOW)  # krisinformation never polled
    out = cfg.storage.output_dir
    doc = load(out / "banner.json")
    assert doc["state"] == "unknown" and doc["alerts"] == []
    assert {n: (s["state"], s["banner"], s["since"]) for n, s in doc["sources"].items()} == {
        "smhi": ("unknown", True, "2026-06-12T09:30:00Z"),
        "lansstyrelsen": ("unknown", False, None),
        "vma": ("ok", True, "2026-06-12T09:59:00Z"),
        "krisinformation": ("unknown", True, None),
    }
    page = (out / "banner.html").read_text(encoding="utf-8")
    assert not ALL_CLEAR.search(page)
    assert "Just nu går det inte att säga om det finns varningar för Västernorrlands län." in page
    assert ("Inga uppgifter från SMHI har kunnat hämtas sedan 12 juni 2026 kl. 11.30. Se "
            '<a href="https://www.smhi.se/vader/varningar-och-brandrisk/varningar-och-meddelanden"'
            ' target="_top">SMHI:s varningar och meddelanden</a>.') in page
    assert ('Inga uppgifter från Krisinformation har hämtats än. Se <a href='
            '"https://www.krisinformation.se/" target="_top">krisinformation.se</a>.') in page
    assert "Länsstyrelsen" not in page  # its news never reach the banner


def test_krisinformation_feeds_the_banner_only_at_the_banner_level(
    make_config: ConfigFactory
) -> None:
    from feeder.status import banner_sources

    assert banner_sources(make_config(sources={"krisinformation": {}})) == ["smhi"]
    ranked = make_config(sources={"krisinformation": {"level": "notice"}})
    assert banner_sources(ranked) == ["smhi", "krisinformation"]
    everything = make_config(banner={"min_level": "info"}, sources={"vma": {}})
    assert banner_sources(everything) == ["smhi", "lansstyrelsen", "vma"]


def test_stale_source_marked(db: Store, cfg: Config, out: Path) -> None:
    db.upsert([fire_risk()], NOW - 2 * HOUR)
    db.record_success("smhi", NOW - 2 * HOUR)  # stale_after 600 s by default
    db.record_failure("lansstyrelsen", NOW - HOUR, "timeout")
    publish(db, cfg, NOW)
    doc = load(out / "banner.json")
    assert doc["stale"] is True and doc["state"] == "stale"
    assert doc["sources"]["smhi"] == {"state": "stale", "banner": True, "ok": False,
                                      "stale": True, "since": "2026-06-12T08:10:00Z",
                                      "last_success": "2026-06-12T08:00:00Z"}
    assert doc["sources"]["lansstyrelsen"]["ok"] is False
    assert [a["id"] for a in doc["alerts"]] == ["smhi:100-22"]  # never blank because of it
    page = (out / "banner.html").read_text(encoding="utf-8")
    assert "Inga nya uppgifter från SMHI sedan 12 juni 2026 kl. 10.00. Se <a" in page


def test_generated_is_kept_when_only_it_would_change(cfg: Config) -> None:
    status = {"smhi": SourceStatus("smhi", ok=True, stale=False, since=NOW - HOUR)}
    first = banner.render_json(plan.make([fire_risk()], status, cfg, NOW))
    later = plan.make([fire_risk()], status, cfg, NOW + HOUR)
    again = banner.render_json(later, previous=first)
    assert again is first
    changed = banner.render_json(replace(later, banner=()), previous=first)
    assert json.loads(changed)["generated"] == "2026-06-12T11:00:00Z"
    broken = banner.render_json(later, previous=b"{not json")
    assert json.loads(broken)["generated"] == "2026-06-12T11:00:00Z"


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_banner_html_is_a_small_accessible_page(site: Path) -> None:
    page = (site / "banner.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    parser = Collector()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert ("html", {"lang": "sv"}) in parser.tags
    assert "img" not in tags
    # one script, our own, only telling an embedding page its height
    assert tags.count("script") == 1 and "postMessage({ feederBanner:" in page
    assert "<script src" not in page
    assert all(not any(k.startswith("on") for k in attrs) for _, attrs in parser.tags)
    # the level as visible text (and its number), not colour alone, highest first
    assert page.index('<span class="level">Gul varning</span>') < page.index(
        '<span class="level">Meddelande</span>')
    assert '<article class="alert level-3" data-level="3"' in page
    assert "Storm Hans närmar sig" in page and page.count("Källa: SMHI") == 1
    assert "Läs mer på SMHI:s webbplats" in page
    # Europe/Stockholm, with the weekday; the municipality by its name
    assert "Gäller: Sundsvall, till fredag 12 juni kl. 20.00" in page
    assert "javascript:" not in page and "onerror" not in page
    assert len(page.encode()) < 20_000


def test_banner_html_escapes_every_value(cfg: Config) -> None:
    evil = make_item("notice:x", level=Level.SEVERE, title='"><script>alert(1)</script>',
                     body="<p>a &lt;b&gt; c</p>", url='https://x.se/"onmouseover="alert(1)')
    shown = plan.make([evil], {}, cfg, NOW)
    assert [e.item.id for e in shown.banner] == ["notice:x"]
    page = without_own_script(banner.render_html(replace(shown, region='Län <i>"')).decode())
    assert "<script" not in page and "<i>" not in page
    assert 'onmouseover="' not in page
    assert re.search(r"a &lt;b&gt; c", page)
