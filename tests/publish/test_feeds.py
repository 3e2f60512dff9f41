"""RSS and Atom, parsed back with feedparser (golden checks on the published files)."""

from __future__ import annotations

import calendar
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from feeder.config import Config
from feeder.publish import publish
from feeder.store import Store
from tests.builders import (
    HOUR,
    NEWS_URL,
    NOW,
    PUBLIC,
    TOPIC_ID,
    ConfigFactory,
    fire_risk,
    make_item,
    scenario,
)

ORDER = [
    "Storm Hans närmar sig",
    "Risk för skogsbrand i Västernorrlands län",
    "Avslutad: Vattenbrist i Ånge",
    "Avslutad: Risk för gräsbrand i Västernorrlands län",
    "Möte om länets arbete",
    "Kraftsamling mot våldet i Västernorrland",
]


def seconds(parsed: Any) -> int:
    return calendar.timegm(parsed)


def ts(value: datetime) -> int:
    return int(value.timestamp())


@pytest.fixture
def site(db: Store, cfg: Config, out: Path) -> Path:
    db.upsert(scenario(), NOW - HOUR)
    db.record_success("smhi", NOW - timedelta(minutes=1))
    db.record_success("lansstyrelsen", NOW - timedelta(minutes=5))
    publish(db, cfg, NOW)
    return out


def parse(path: Path) -> Any:
    doc = feedparser.parse(path.read_bytes())
    assert not doc.bozo, doc.get("bozo_exception")
    return doc


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_main_feed_titles_order_and_language(site: Path, fmt: str) -> None:
    doc = parse(site / f"feed.{fmt}")
    assert [e.title for e in doc.entries] == ORDER
    assert doc.feed.language == "sv"
    assert doc.feed.title == "Aktuellt i Västernorrlands län"


def test_atom_links_ids_authors_and_dates(site: Path) -> None:
    doc = parse(site / "feed.atom")
    links = doc.feed.links
    assert (links[0].rel, links[0].href) == ("self", PUBLIC + "feed.atom")
    assert (links[-1].rel, links[-1].href) == ("alternate", PUBLIC)
    assert doc.feed.id.startswith("urn:uuid:")
    # the feed is dated by its newest entry, never by the clock
    assert seconds(doc.feed.updated_parsed) == ts(NOW - HOUR)
    by_title = {e.title: e for e in doc.entries}
    fire = by_title["Risk för skogsbrand i Västernorrlands län"]
    assert fire.author == "SMHI"
    assert uuid.UUID(fire.id.removeprefix("urn:uuid:"))
    assert fire.link.startswith("https://www.smhi.se/")
    assert seconds(fire.published_parsed) == ts(NOW - 3 * HOUR)
    assert seconds(fire.updated_parsed) == ts(NOW - 3 * HOUR)
    assert "Källa: SMHI" in fire.content[0].value
    assert fire.content[0].type == "text/html"
    assert fire.content[0].value.count("Källa: SMHI") == 1
    assert "Gäller: Sundsvall." in fire.content[0].value
    # the level, and the municipality it concerns by name
    assert [(t.term, t.label) for t in fire.tags] == [("notice", "Nivå 2 – Meddelande"),
                                                      ("Sundsvall", "Sundsvall")]
    article = by_title["Kraftsamling mot våldet i Västernorrland"]
    assert article.id == NEWS_URL and article.author == "Länsstyrelsen"
    assert {t.term for t in article.tags} == {"info", TOPIC_ID}
    for entry in doc.entries:
        assert entry.author  # every Atom entry credits its source


def test_entry_without_url_and_ended_entries(site: Path) -> None:
    doc = parse(site / "feed.atom")
    by_title = {e.title: e for e in doc.entries}
    water = by_title["Avslutad: Vattenbrist i Ånge"]
    assert "link" not in water or not water.link.startswith("javascript")
    assert "återkallades" in water.content[0].value
    grass = by_title["Avslutad: Risk för gräsbrand i Västernorrlands län"]
    assert "gällde till" in grass.content[0].value
    assert seconds(grass.updated_parsed) == ts(NOW - 5 * HOUR)  # dated by its end
    storm = by_title["Storm Hans närmar sig"]
    assert "links" not in storm or all(link.href.startswith("http") for link in storm.links)


def test_rss_channel_guid_and_credit(site: Path) -> None:
    doc = parse(site / "feed.rss")
    assert doc.feed.link == PUBLIC  # the channel link is the alternate (added last)
    self_links = [link.href for link in doc.feed.links if link.rel == "self"]
    assert self_links == [PUBLIC + "feed.rss"]
    assert seconds(doc.feed.updated_parsed) == ts(NOW - HOUR)  # lastBuildDate from data
    by_title = {e.title: e for e in doc.entries}
    article = by_title["Kraftsamling mot våldet i Västernorrland"]
    assert article.id == NEWS_URL and article.link == NEWS_URL
    fire = by_title["Risk för skogsbrand i Västernorrlands län"]
    assert fire.id.startswith("urn:uuid:")
    assert fire.author == "SMHI"  # dc:creator
    assert "Källa: SMHI" in fire.description
    assert seconds(fire.published_parsed) == ts(NOW - 3 * HOUR)
    assert [t.term for t in fire.tags] == ["Nivå 2 – Meddelande", "Sundsvall"]
    root = etree.fromstring((site / "feed.rss").read_bytes())
    permalink = {g.text: g.get("isPermaLink") for g in root.findall("channel/item/guid")}
    assert permalink[NEWS_URL] == "true"  # the guid is the item's URL
    assert permalink[fire.id] == "false"
    assert list(permalink.values()).count("true") == 1


def test_alerts_feed_holds_level_notice_and_up(site: Path) -> None:
    doc = parse(site / "alerts.atom")
    assert [e.title for e in doc.entries] == [
        "Storm Hans närmar sig",
        "Risk för skogsbrand i Västernorrlands län",
        "Avslutad: Vattenbrist i Ånge",
        "Avslutad: Risk för gräsbrand i Västernorrlands län",
    ]
    assert doc.feed.links[0].href == PUBLIC + "alerts.atom"
    assert [e.title for e in parse(site / "alerts.rss").entries] == [
        e.title for e in doc.entries
    ]


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_topic_feed(site: Path, fmt: str) -> None:
    doc = parse(site / "topics" / f"{TOPIC_ID}.{fmt}")
    assert [e.title for e in doc.entries] == [
        "Möte om länets arbete",  # tagged by the editor
        "Kraftsamling mot våldet i Västernorrland",  # matched by the topic's words
    ]
    assert doc.feed.title == "Handlingsplan mot våld – Västernorrlands län"
    self_link = [link.href for link in doc.feed.links if link.rel == "self"]
    assert self_link == [f"{PUBLIC}topics/{TOPIC_ID}.{fmt}"]


def test_drafts_and_future_items_are_nowhere(site: Path) -> None:
    for path in site.rglob("*"):
        if path.is_file() and not path.name.endswith(".gz"):
            text = path.read_text(encoding="utf-8")
            assert "Utkast: utrym" not in text and "Planerat avbrott" not in text, path


def test_stale_source_is_stated_in_the_feeds(db: Store, cfg: Config, out: Path) -> None:
    db.upsert(scenario(), NOW - HOUR)
    db.record_success("smhi", NOW - timedelta(minutes=1))
    db.record_success("lansstyrelsen", NOW - 5 * HOUR)  # stale_after defaults to 3600 s
    publish(db, cfg, NOW)
    for name in ("feed.atom", "feed.rss", "alerts.atom", f"topics/{TOPIC_ID}.rss"):
        subtitle = parse(out / name).feed.subtitle
        assert "Obs! Uppgifterna från Länsstyrelsen" in subtitle, name
        assert "SMHI (" not in subtitle


def test_cap_on_items_per_feed(make_config: ConfigFactory) -> None:
    cfg = make_config(feeds={"max_items": 3})
    with Store(cfg.storage.database) as db:
        db.upsert([make_item(f"notice:{n:02}", updated=NOW - n * HOUR) for n in range(10)], NOW)
        publish(db, cfg, NOW)
    out = cfg.storage.output_dir
    for name in ("feed.atom", "feed.rss", "alerts.rss"):
        doc = parse(out / name)
        assert len(doc.entries) <= 3
    assert [e.id for e in parse(out / "feed.atom").entries] == [
        e.id for e in parse(out / "feed.rss").entries
    ]
    assert len(parse(out / "feed.atom").entries) == 3


def test_entries_of_the_same_second_get_distinct_atom_updated(
    db: Store, cfg: Config, out: Path
) -> None:
    # SMHI issues one warning for several areas at once: same updated, different items
    areas = [fire_risk(f"smhi:100-{code}", areas=(code,)) for code in ("2281", "2282", "2283")]
    db.upsert(areas, NOW)
    publish(db, cfg, NOW)
    root = etree.fromstring((out / "feed.atom").read_bytes())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    values = [e.findtext("a:updated", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert len(set(values)) == 3
    assert all(v.startswith("2026-06-12T07:00:00.") for v in values)  # the true second
    alerts = etree.fromstring((out / "alerts.atom").read_bytes())
    assert sorted(values) == sorted(
        e.findtext("a:updated", namespaces=ns) for e in alerts.findall("a:entry", ns)
    )
    assert root.findtext("a:updated", namespaces=ns) == max(values)


HUB = "https://hub.example.se/websub?a=1&b=2"
ATOM = "{http://www.w3.org/2005/Atom}"


def _links(path: Path) -> list[tuple[str | None, str | None]]:
    """(rel, href) of the feed-level links, in document order (RSS: the atom:link elements)."""
    root = etree.fromstring(path.read_bytes())
    parent = root.find("channel") if root.tag == "rss" else root
    assert parent is not None
    return [(e.get("rel"), e.get("href")) for e in parent.findall(f"{ATOM}link")]


@pytest.mark.parametrize("name", ["feed", "alerts", f"topics/{TOPIC_ID}"])
def test_a_websub_hub_is_named_beside_the_self_link(make_config: ConfigFactory,
                                                     name: str) -> None:
    cfg = make_config(feeds={"websub_hub": HUB})
    with Store(cfg.storage.database) as store:
        store.upsert(scenario(), NOW - HOUR)
        publish(store, cfg, NOW)
    out = cfg.storage.output_dir
    # Atom: self first, the hub, the alternate last (feedgen's traps).
    assert _links(out / f"{name}.atom") == [
        ("self", f"{PUBLIC}{name}.atom"), ("hub", HUB), ("alternate", PUBLIC)]
    # RSS: the hub as atom:link right after the self link; the channel's link stays the site.
    assert _links(out / f"{name}.rss") == [("self", f"{PUBLIC}{name}.rss"), ("hub", HUB)]
    channel = etree.fromstring((out / f"{name}.rss").read_bytes()).find("channel")
    assert channel is not None and channel.findtext("link") == PUBLIC
    for fmt in ("atom", "rss"):
        parsed = parse(out / f"{name}.{fmt}")
        assert {(ln.rel, ln.href) for ln in parsed.feed.links} >= {
            ("hub", HUB), ("self", f"{PUBLIC}{name}.{fmt}")}
    doc = json.loads((out / f"{name}.json").read_bytes())
    assert doc["hubs"] == [{"type": "WebSub", "url": HUB}]
    assert doc["feed_url"] == f"{PUBLIC}{name}.json"


def test_no_hub_links_without_a_hub(site: Path) -> None:
    for name in ("feed", "alerts", f"topics/{TOPIC_ID}"):
        assert [rel for rel, _ in _links(site / f"{name}.atom")] == ["self", "alternate"]
        assert [rel for rel, _ in _links(site / f"{name}.rss")] == ["self"]
        assert "hubs" not in json.loads((site / f"{name}.json").read_bytes())
        assert b"hub" not in (site / f"{name}.rss").read_bytes()
