"""Hostile input that real editors produce, for every editor entry point (CLI, API, web form,
config.yaml), and the check that publishing stays whole after it. A plain module: the entry
points' tests import it (tests/test_cli.py, tests/editors/, tests/notices/test_standing.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
from lxml import etree

from tests.common import TOPIC


@dataclass(frozen=True)
class Hostile:
    name: str
    field: str
    value: str
    stored: str | None = None
    """What the store holds for ``field`` afterwards; None: the input is refused naming it."""

    @property
    def refused(self) -> bool:
        return self.stored is None


TITLE = "Vattenavstängning i Sundsvall"
BASE: dict[str, str] = {"title": TITLE, "body": "Hela centrum.", "level": "warning"}
"""A notice that goes to the banner (each case replaces one of its fields)."""

CASES = [
    Hostile("control", "title", "Vatten\x01avstängning\x1f i Sundsvall", stored=TITLE),
    Hostile("vertical-tab", "body", "Rad ett\x0bRad två", stored="<p>Rad ett<br>Rad två</p>"),
    Hostile("u+fffe", "title", "Vattenavstängning\ufffe i Sundsvall", stored=TITLE),
    Hostile("lone-surrogate", "title", "Vattenavstängning i \ud800Sundsvall", stored=TITLE),
    Hostile("year-0999", "expires", "0999-01-01T00:00"),
    Hostile("year-9999", "expires", "9999-12-31T23:30"),
    Hostile("year-0001", "starts", "0001-01-01T00:30"),  # Stockholm time with no UTC value
]
IDS = [case.name for case in CASES]


def fields(case: Hostile) -> dict[str, str]:
    """BASE with the case's field replaced."""
    return {**BASE, case.field: case.value}


def json_bytes(data: Any) -> bytes:
    """JSON as a client sends it: ASCII, a lone surrogate as its escape ``\\ud800``."""
    return json.dumps(data, ensure_ascii=True).encode("ascii")


FEEDS = ("feed.rss", "feed.atom", "alerts.rss", "alerts.atom",
         f"topics/{TOPIC['id']}.rss", f"topics/{TOPIC['id']}.atom")
JSONS = ("feed.json", "alerts.json", "banner.json", f"topics/{TOPIC['id']}.json")
PAGES = ("banner.js", "banner.html", "index.html")


def outputs_whole(out: Path) -> dict[str, Any]:
    """Assert that every output is there and valid: each feed well-formed XML that feedparser
    reads without complaint, each JSON file JSON, every file UTF-8 without a character XML
    forbids. Returns banner.json."""
    for name in (*FEEDS, *JSONS, *PAGES):
        raw = (out / name).read_bytes()
        text = raw.decode("utf-8")  # strict: no lone surrogate was written
        assert not [ch for ch in text if ch in "\x00\x01\x0b\x0c\x1f\ufffe\uffff"], name
    for name in FEEDS:
        raw = (out / name).read_bytes()
        etree.fromstring(raw)  # well-formed, or it raises
        parsed = feedparser.parse(raw)
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
    for name in JSONS:
        json.loads((out / name).read_bytes())
    banner: dict[str, Any] = json.loads((out / "banner.json").read_bytes())
    return banner


def published_titles(out: Path) -> list[str]:
    """The titles in feed.json, as published."""
    return [entry["title"] for entry in json.loads((out / "feed.json").read_bytes())["items"]]
