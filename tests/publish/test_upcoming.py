"""A warning issued ahead: in the feeds at once (saying when it begins), in the banner as
upcoming once its onset is within ``banner.lookahead``, and active at its onset, each at its
moment without new data (the publish's ``next_change``)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import feedparser

from feeder.config import Config
from feeder.ladder import Level
from feeder.publish import publish
from feeder.store import Store
from tests.builders import HOUR, NOW, ConfigFactory, fire_risk

ONSET = NOW + 30 * HOUR  # Saturday 13 June 2026, 16.00 UTC = 18.00 Stockholm time
AHEAD = fire_risk("smhi:200-22", level=Level.WARNING, title="Gul varning för kraftig vind",
                  published=NOW - HOUR, updated=NOW - HOUR, onset=ONSET,
                  expires=ONSET + 12 * HOUR)
WHEN = "lördag 13 juni kl. 18.00"


def banner(out: Path) -> dict:
    return json.loads((out / "banner.json").read_bytes())


def page(out: Path, name: str) -> str:
    return (out / name).read_text(encoding="utf-8")


def test_issued_ahead_is_listed_at_once_and_says_when_it_begins(
    db: Store, cfg: Config, out: Path
) -> None:
    db.upsert([AHEAD], NOW - HOUR)
    publish(db, cfg, NOW)
    for name in ("feed.atom", "feed.rss", "alerts.atom", "alerts.rss"):
        (entry,) = feedparser.parse((out / name).read_bytes()).entries
        assert entry.title == "Gul varning för kraftig vind"
        html = entry.content[0].value if name.endswith("atom") else entry.description
        assert f"<p><strong>Gäller från {WHEN}.</strong></p>" in html, name
    (item,) = json.loads((out / "alerts.json").read_bytes())["items"]
    assert f"Gäller från {WHEN}." in item["content_html"]
    assert item["_feeder"]["starts"] == "2026-06-13T16:00:00Z"


def test_upcoming_enters_the_banner_then_begins_without_a_poll(
    db: Store, cfg: Config, out: Path
) -> None:
    db.upsert([AHEAD], NOW - HOUR)
    first = publish(db, cfg, NOW)
    assert banner(out)["alerts"] == []  # 30 h ahead, lookahead 24 h
    assert first.next_change == ONSET - timedelta(seconds=86400)
    assert not publish(db, cfg, first.next_change - timedelta(seconds=1)).rendered

    within = publish(db, cfg, first.next_change)  # nothing new: only the clock moved
    assert "banner.json" in within.changed and within.next_change == ONSET
    (shown,) = banner(out)["alerts"]
    assert (shown["id"], shown["upcoming"], shown["starts"]) == (
        "smhi:200-22", True, "2026-06-13T16:00:00Z")
    # where and when on one line (fire_risk concerns Sundsvall), as banner.js writes it
    said = f"Gäller: Sundsvall, från {WHEN} till söndag 14 juni kl. 06.00"
    assert said in page(out, "banner.html") and said in page(out, "index.html")
    assert f'Från <time datetime="2026-06-13T16:00:00Z">{WHEN}</time>' in page(out, "alerts.html")

    begun = publish(db, cfg, ONSET)
    assert "banner.json" in begun.changed and begun.next_change == ONSET + 12 * HOUR
    (shown,) = banner(out)["alerts"]
    assert shown["upcoming"] is False
    for name in ("banner.html", "index.html", "alerts.html"):
        assert f"från {WHEN}" not in page(out, name).lower(), name
    assert "Gäller: Sundsvall, till söndag 14 juni kl. 06.00" in page(out, "banner.html")
    # The feeds still say when it began: the entry did not change at its onset.
    assert "Gäller från" in page(out, "alerts.rss")
    assert "feed.atom" not in begun.changed


def test_active_alerts_lead_upcoming_ones_of_the_same_level(
    db: Store, cfg: Config, out: Path
) -> None:
    soon = AHEAD.evolve(onset=NOW + 2 * HOUR, updated=NOW - timedelta(minutes=1))
    running = fire_risk("smhi:201-22", level=Level.WARNING, title="Gul varning för regn",
                        updated=NOW - 5 * HOUR)
    db.upsert([soon, running], NOW)
    publish(db, cfg, NOW)
    assert [(a["id"], a["upcoming"]) for a in banner(out)["alerts"]] == [
        ("smhi:201-22", False), ("smhi:200-22", True)]
    index = page(out, "index.html")
    assert index.index("Gul varning för regn") < index.index("Gul varning för kraftig vind")


def test_lookahead_zero_shows_only_begun_alerts(make_config: ConfigFactory) -> None:
    cfg = make_config(banner={"min_level": "notice", "lookahead": 0})
    with Store(cfg.storage.database) as db:
        db.upsert([AHEAD.evolve(onset=NOW + HOUR)], NOW)
        result = publish(db, cfg, NOW)
        out = cfg.storage.output_dir
        assert banner(out)["alerts"] == [] and result.next_change == NOW + HOUR
        assert "Gul varning för kraftig vind" not in page(out, "index.html").split("Senaste")[0]
        publish(db, cfg, NOW + HOUR)
    assert [a["upcoming"] for a in banner(out)["alerts"]] == [False]


def test_a_changed_lookahead_is_rendered_again(make_config: ConfigFactory) -> None:
    first = make_config()
    with Store(first.storage.database) as db:
        db.upsert([AHEAD], NOW)
        publish(db, first, NOW)
        assert banner(first.storage.output_dir)["alerts"] == []
        longer = make_config(banner={"min_level": "notice", "lookahead": 2 * 86400})
        assert publish(db, longer, NOW).rendered
    assert [a["upcoming"] for a in banner(first.storage.output_dir)["alerts"]] == [True]
