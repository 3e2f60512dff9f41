"""JSON Feed 1.1: the spec's fields, our ``_feeder`` extension, times as ISO 8601 with Z."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from feeder.config import Config
from feeder.publish import publish
from feeder.store import Store
from tests.builders import HOUR, NEWS_URL, NOW, PUBLIC, TOPIC_ID, scenario

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def site(db: Store, cfg: Config, out: Path) -> Path:
    db.upsert(scenario(), NOW - HOUR)
    db.record_success("smhi", NOW - timedelta(minutes=1))
    publish(db, cfg, NOW)
    return out


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_top_level_shape(site: Path) -> None:
    doc = load(site / "feed.json")
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["language"] == "sv"
    assert doc["feed_url"] == PUBLIC + "feed.json"
    assert doc["home_page_url"] == PUBLIC
    assert doc["title"] == "Aktuellt i Västernorrlands län"
    assert isinstance(doc["description"], str) and doc["description"]
    assert load(site / "alerts.json")["feed_url"] == PUBLIC + "alerts.json"
    topic = load(site / "topics" / f"{TOPIC_ID}.json")
    assert topic["feed_url"] == f"{PUBLIC}topics/{TOPIC_ID}.json"


def test_items_follow_the_spec(site: Path) -> None:
    items = load(site / "feed.json")["items"]
    assert [i["title"] for i in items][:2] == [
        "Storm Hans närmar sig", "Risk för skogsbrand i Västernorrlands län",
    ]
    ids = [i["id"] for i in items]
    assert len(set(ids)) == len(ids) == 6
    for item in items:
        assert isinstance(item["id"], str) and item["id"]
        assert item["content_html"] and "<script" not in item["content_html"]
        assert ISO_Z.match(item["date_published"]) and ISO_Z.match(item["date_modified"])
        assert item["authors"] and item["authors"][0]["name"]
        assert item["tags"][0] in {"info", "notice", "warning", "severe", "critical"}
        if "url" in item:
            assert item["url"].startswith("https://")
        ext = item["_feeder"]
        assert set(ext) >= {"level", "level_name", "source", "starts", "expires", "ended", "areas"}
        for key in ("starts", "expires"):
            assert ext[key] is None or ISO_Z.match(ext[key])


def test_item_details(site: Path) -> None:
    items = {i["title"]: i for i in load(site / "feed.json")["items"]}
    fire = items["Risk för skogsbrand i Västernorrlands län"]
    assert fire["_feeder"]["level"] == 2 and fire["_feeder"]["level_name"] == "notice"
    assert fire["_feeder"]["source"] == "SMHI" and fire["_feeder"]["areas"] == ["2281"]
    assert fire["_feeder"]["expires"] == "2026-06-12T18:00:00Z"
    assert fire["_feeder"]["ended"] is False
    assert fire["authors"] == [{"name": "SMHI"}]
    assert "Källa: SMHI" in fire["content_html"]
    article = items["Kraftsamling mot våldet i Västernorrland"]
    assert article["id"] == NEWS_URL == article["url"]
    assert TOPIC_ID in article["tags"]
    grass = items["Avslutad: Risk för gräsbrand i Västernorrlands län"]
    assert grass["_feeder"]["ended"] is True and grass["_feeder"]["end_reason"] == "expired"
    assert grass["date_modified"] == "2026-06-12T05:00:00Z"
    storm = items["Storm Hans närmar sig"]
    assert "url" not in storm  # its javascript: URL was dropped
