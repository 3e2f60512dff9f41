"""No character and no date from an upstream can stop publishing (issue 13), at every source's
entry: a control character, U+000B (Word's line break), U+FFFE, a lone surrogate, year 0999 and
year 9999 in SMHI's, Krisinformation's, Sveriges Radio's and the county's own payloads. Each is
served over loopback HTTP, polled through the real path and published: the poll stores what is
good (text cleaned), skips what is broken with a warning, and every output stays complete."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from feeder.sources.news_entries import canonical_url
from tests.common import FIXTURES
from tests.sources.live import PATHS, Upstreams
from tests.sources.news_support import ARTICLES, KRAFTSAMLING, REAL_ORIGIN, STRANDSKYDD, trim_list
from tests.sources.vma_support import utc

MARK = "§POISON§"
TEXT_POISONS = {
    "control character": (b"\x01", b"\x01"),
    "U+000B": (b"\x0b", b"\x0b"),
    "U+FFFE": ("\ufffe".encode(), "\ufffe".encode()),
    "lone surrogate": (b"\\ud800", b"\xed\xa0\x80"),  # (in JSON, in an HTML page)
}
"""Poison → (its bytes in a JSON string, its bytes in an HTML page)."""
DATE_POISONS = ["0999", "9999"]
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Scenario:
    source: str
    now: datetime
    poisoned: str
    """The id of the item the poison is put into."""
    good: list[str]
    """The ids of the other items, which must be stored whatever the poison."""
    title: str
    """The poisoned item's title as it must be stored (the poison cleaned out)."""
    bodies: Callable[[Upstreams, bytes | None, str | None], dict[str, tuple[bytes, str]]]
    """(upstreams, text poison, date poison) → path → (body, content type)."""


def _json(data: Any, poison: bytes) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode().replace(MARK.encode(), poison)


def _smhi(up: Upstreams, text: bytes | None, year: str | None) -> dict[str, tuple[bytes, str]]:
    data = json.loads((FIXTURES / "smhi/ibww_mixed_levels.json").read_bytes())
    fire = next(a for w in data for a in w["warningAreas"] if a["id"] == 10470)
    fire["eventDescription"]["sv"] = f"Risk för{MARK} skogsbrand"
    fire["descriptions"][0]["text"]["sv"] += f" Rad{MARK}två."
    if year:
        fire["approximateEnd"] = year + fire["approximateEnd"][4:]
    return {PATHS["smhi"]: (_json(data, text or b""), "application/json")}


def _krisinformation(up: Upstreams, text: bytes | None,
                     year: str | None) -> dict[str, tuple[bytes, str]]:
    data = json.loads((FIXTURES / "krisinformation/news.json").read_bytes())
    first = data[0]
    first["Headline"] = f"Risk för{MARK} skogsbrand i Västernorrlands län"
    first["BodyText"] = f"<p>Text{MARK} här.</p>"
    if year:
        first["Published"] = year + first["Published"][4:]
    return {PATHS["krisinformation"]: (_json(data, text or b""), "application/json")}


def _vma(up: Upstreams, text: bytes | None, year: str | None) -> dict[str, tuple[bytes, str]]:
    data = json.loads((FIXTURES / "krisinformation/sr_vma_national.json").read_bytes())
    info = data["alerts"][0]["info"][0]
    info["headline"] = f"Viktigt meddelande{MARK} till allmänheten i hela Sverige"
    info["description"] = f"Rad{MARK}ett. " + info["description"]
    if year:
        data["alerts"][0]["sent"] = year + data["alerts"][0]["sent"][4:]
    return {PATHS["vma"]: (_json(data, text or b""), "application/json")}


def _news(up: Upstreams, text: bytes | None, year: str | None) -> dict[str, tuple[bytes, str]]:
    origin = up.url("/").rstrip("/").encode()

    def local(name: str) -> bytes:
        raw = (FIXTURES / "lansstyrelsen" / name).read_bytes()
        return raw.replace(REAL_ORIGIN.encode(), origin)

    article = local("article_kraftsamling.html").replace(
        b"Kraftsamling mot v&#xE5;ldet", b"Kraftsamling" + (text or b"") + b" mot v&#xE5;ldet")
    if year:
        article = article.replace(b'datetime="2022-03-21T13:45', f'datetime="{year}-03-21T13:45'
                                  .encode())
    html = "text/html; charset=utf-8"
    return {
        PATHS["lansstyrelsen"]: (trim_list(local("news_list.html"),
                                           [KRAFTSAMLING, STRANDSKYDD]), html),
        f"{ARTICLES}{KRAFTSAMLING}.html": (article, html),
        f"{ARTICLES}{STRANDSKYDD}.html": (local("article_strandskydd.html"), html),
    }


def _article_id(slug: str) -> str:
    return f"{ARTICLES}{slug}.html"  # a path: made an id against the server in the test


SCENARIOS = {
    "smhi": Scenario("smhi", utc("2026-06-12T10:00:00+00:00"), "smhi:3411-10470",
                     ["smhi:3420-10480"], "Risk för skogsbrand i Västernorrlands län", _smhi),
    "krisinformation": Scenario(
        "krisinformation", utc("2022-06-02T09:00:00+00:00"),
        "krisinformation:https://api.krisinformation.se/v3/news/A0B1C2D3-0001",
        ["krisinformation:https://api.krisinformation.se/v3/news/A0B1C2D3-0002",
         "krisinformation:https://api.krisinformation.se/v3/news/A0B1C2D3-0003"],
        "Risk för skogsbrand i Västernorrlands län", _krisinformation),
    "vma": Scenario("vma", utc("2022-06-04T09:05:00+02:00"), "vma:SR-VMA-2022-0604-0001",
                    ["vma:SR-VMA-2022-0604-0002"],
                    "Viktigt meddelande till allmänheten i hela Sverige", _vma),
    "news": Scenario("lansstyrelsen", utc("2026-06-12T10:00:00+00:00"),
                     _article_id(KRAFTSAMLING), [_article_id(STRANDSKYDD)],
                     "Kraftsamling mot våldet i Västernorrland", _news),
}


@pytest.fixture
def up(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Upstreams]:
    upstreams = Upstreams(tmp_path, httpserver)
    yield upstreams
    upstreams.close()


def _ids(up: Upstreams, scenario: Scenario) -> tuple[str, list[str]]:
    """The scenario's ids; a news article's from its path on the test server."""
    if scenario.source != "lansstyrelsen":
        return scenario.poisoned, scenario.good

    def key(path: str) -> str:
        found = canonical_url(up.url(path))
        assert found is not None
        return found

    return key(scenario.poisoned), [key(path) for path in scenario.good]


@pytest.mark.parametrize("poison", sorted(TEXT_POISONS))
@pytest.mark.parametrize("entry", sorted(SCENARIOS))
def test_a_stray_character_is_cleaned_and_everything_is_published(
    up: Upstreams, entry: str, poison: str
) -> None:
    scenario = SCENARIOS[entry]
    in_json, in_html = TEXT_POISONS[poison]
    text = in_html if scenario.source == "lansstyrelsen" else in_json
    bodies = scenario.bodies(up, text, None)
    assert any(text in body for body, _ in bodies.values())  # the poison is served
    for path, (body, content_type) in bodies.items():
        up.serve(path, body, content_type)
    outcome = up.poll(scenario.source, scenario.now)
    assert outcome.ok, outcome.error
    poisoned, good = _ids(up, scenario)
    items = up.items(scenario.source)
    assert set(items) == {poisoned, *good}
    for item in items.values():
        for text_field in (item.title, item.body, item.summary):
            assert not FORBIDDEN.search(text_field), (item.id, text_field)
    assert items[poisoned].title == scenario.title
    out = up.publish(scenario.now)
    assert scenario.title in out.titles("feed.atom")
    assert scenario.title in out.titles("feed.rss")
    assert scenario.title in [i["title"] for i in out.json_feeds["feed.json"]["items"]]


@pytest.mark.parametrize("year", DATE_POISONS)
@pytest.mark.parametrize("entry", sorted(SCENARIOS))
def test_a_date_outside_1970_to_2999_skips_that_item_only(
    up: Upstreams, entry: str, year: str
) -> None:
    scenario = SCENARIOS[entry]
    for path, (body, content_type) in scenario.bodies(up, None, year).items():
        up.serve(path, body, content_type)
    outcome = up.poll(scenario.source, scenario.now)
    assert outcome.ok, outcome.error
    poisoned, good = _ids(up, scenario)
    assert set(up.items(scenario.source)) == set(good) and poisoned not in good
    assert any("outside 1970–2999" in warning for warning in outcome.warnings), outcome.warnings
    out = up.publish(scenario.now)
    assert len(out.feeds["feed.atom"].entries) == len(good)
    assert out.banner["alerts"] is not None  # banner.json read back as JSON
