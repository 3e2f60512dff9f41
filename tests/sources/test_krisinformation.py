"""Krisinformation news: the parser, from the cases in tests/sources/cases/krisinformation (each
input with its whole expected output) and the fixtures, and polls over loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from feeder.config import Config, Region, from_dict
from feeder.errors import LayoutChangedError, SourceError
from feeder.fetch import Fetcher
from feeder.ladder import Level
from feeder.model import Item
from feeder.poll import PollOutcome, poll_source
from feeder.sources import Source, build_sources, krisinformation
from feeder.sources.base import ParseContext, Parsed
from feeder.store import Store
from feeder.text import sanitize_html
from tests.sources.parse_cases import Case, cases, expected_result, run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "krisinformation"
PATH = "/v3/news"
QUERY = {"counties": "22", "language": "sv"}
NOW = datetime(2022, 6, 2, 9, 0, tzinfo=UTC)
NEWS = "https://api.krisinformation.se/v3/news/A0B1C2D3-"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(data: bytes, region: Region, level: Level = Level.INFO) -> Parsed[Item]:
    """:func:`feeder.sources.krisinformation.parse` with a context of those parts."""
    context = ParseContext(region, NOW, settings={krisinformation.LEVEL.key: level})
    return krisinformation.parse(data, context)


@pytest.mark.parametrize("case", cases("krisinformation"), ids=lambda case: case.id)
def test_case(case: Case) -> None:
    """Each input in tests/sources/cases/krisinformation gives exactly its expected output."""
    assert run(case) == expected_result(case.load())


def make_config(tmp_path: Path, **source: object) -> Config:
    return from_dict(
        {
            "region": {"name": "Västernorrlands län", "county_id": 22},
            "storage": {"database": "db.sqlite3", "output_dir": "public"},
            "sources": {"krisinformation": {"url": "https://api.krisinformation.se/v3/news",
                                            **source}},
        },
        tmp_path / "config.yaml",
    )


EXPECTED: dict[str, list[dict[str, Any]]] = {
    # Skåne's news and the test entry (no Identifier, no Area) are left out.
    "news.json": [
        {
            "id": f"krisinformation:{NEWS}0001",
            "title": "Risk för skogsbrand i Västernorrlands län",
            "url": "https://www.krisinformation.se/nyheter/2022/maj/"
                   "risk-for-skogsbrand-i-vasternorrlands-lan",
            "published": utc("2022-05-30T11:02:11+02:00"),
            "updated": utc("2022-05-30T14:10:00+02:00"),
            "areas": (),
            "summary": "SMHI har utfärdat ett meddelande om risk för skogsbrand i"
                       " Västernorrlands län. Var försiktig med eld utomhus.",
            "html_has": ["<h2>Råd</h2>", '<a href="https://www.smhi.se/vader/varningar-och-'
                         'brandrisk" rel="noopener noreferrer">Brandrisk på SMHI:s webbplats</a>'],
        },
        {
            "id": f"krisinformation:{NEWS}0002",
            "title": "Stor brandrisk i flera län & eldningsförbud",  # entity decoded, plain
            "url": "https://www.krisinformation.se/nyheter/2022/maj/stor-brandrisk-i-flera-lan",
            "published": utc("2022-05-29T09:00:00+02:00"),
            "updated": utc("2022-05-29T09:00:00+02:00"),
            "areas": (),
            "html_has": ["<p>Flera län har beslutat om eldningsförbud.</p>"],
        },
        {
            "id": f"krisinformation:{NEWS}0003",  # all of Sweden
            "title": "Störningar i mobilnätet i hela landet",
            "published": utc("2022-05-28T16:40:00+02:00"),
            "updated": utc("2022-05-28T16:45:00+02:00"),
            "areas": (),
        },
    ],
    "news_municipality.json": [
        {
            "id": f"krisinformation:{NEWS}0010",
            "title": "Vattenläcka i Timrå kommun",
            "areas": ("2262",),
            "url": "https://www.krisinformation.se/nyheter/2022/juni/vattenlacka-i-timra",
            "html_has": ["<p>Koka vattnet.</p>", "<p>Mer information kommer.</p>",
                         '<a href="https://www.timra.se" rel="noopener noreferrer">'],
            "html_lacks": ["script", "onclick", "javascript", "alert("],
        }
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parse_fixture(name: str, tmp_path: Path) -> None:
    config = make_config(tmp_path)
    parsed = parse(body(name), config.region)
    items = parsed.items
    assert parsed.warnings == []
    assert [i.id for i in items] == [e["id"] for e in EXPECTED[name]]
    for item, expected in zip(items, EXPECTED[name], strict=True):
        for key, value in expected.items():
            if key == "html_has":
                for part in value:
                    assert part in item.body, (name, part)
            elif key == "html_lacks":
                for part in value:
                    assert part not in item.body, (name, part)
            else:
                assert getattr(item, key) == value, (name, key)
        assert item.source == "krisinformation" and item.source_name == "Krisinformation"
        assert item.level is Level.INFO and not item.is_alert
        assert item.onset is None and item.expires is None
        assert sanitize_html(item.body) == item.body
        assert "<" not in item.title


def test_empty_array_is_no_news(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    assert parse(b"[]", config.region) == Parsed([], [])


def test_configured_level(tmp_path: Path) -> None:
    config = make_config(tmp_path, level="notice")
    assert config.sources["krisinformation"].settings["level"] is Level.NOTICE
    items = parse(body("news.json"), config.region, Level.NOTICE).items
    assert {i.level for i in items} == {Level.NOTICE}
    assert all("notice" in i.level_reason for i in items)


def test_other_county_sees_its_own_news(tmp_path: Path) -> None:
    config = from_dict({"region": {"name": "Skåne län", "county_id": 12}}, tmp_path / "c.yaml")
    items = parse(body("news.json"), config.region).items
    assert [i.id for i in items] == [f"krisinformation:{NEWS}0003", f"krisinformation:{NEWS}0004"]


@pytest.mark.parametrize(
    ("doc", "error", "words"),
    [
        (b"<html>Underh\xc3\xa5ll</html>", SourceError, "not JSON"),
        (b'{"news": []}', LayoutChangedError, "JSON array"),
        (b'[{"foo": 1}, 2]', LayoutChangedError, "could be read"),
        (b'[{"Identifier": "x", "Headline": "", "Published": "2022-05-01T00:00:00Z"}]',
         LayoutChangedError, "Headline"),
    ],
)
def test_bad_bodies_fail_naming_the_source(
    doc: bytes, error: type[Exception], words: str, tmp_path: Path
) -> None:
    config = make_config(tmp_path)
    with pytest.raises(error) as caught:
        parse(doc, config.region)
    assert isinstance(caught.value, SourceError)
    assert caught.value.source == "krisinformation"
    assert words in caught.value.reason


def test_a_bad_entry_is_a_warning(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    good = _entry("G1")
    bad = {**_entry("B1"), "Published": "igår", "Updated": None}
    parsed = parse(_json([bad, good]), config.region)
    items, warnings = parsed.items, parsed.warnings
    assert [i.id for i in items] == ["krisinformation:G1"]
    assert len(warnings) == 1 and "B1" in warnings[0] and "Published" in warnings[0]


def test_missing_identifier_falls_back_to_content_id(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    entry = {**_entry(""), "ContentId": 4711}
    items = parse(_json([entry]), config.region).items
    assert [i.id for i in items] == ["krisinformation:content-4711"]


def test_request_url_adds_county_and_language() -> None:
    config = from_dict({"region": {"county_id": 1, "name": "Stockholms län"}})
    assert krisinformation.request_url("https://api.krisinformation.se/v3/news",
                                       config.region) == (
        "https://api.krisinformation.se/v3/news?counties=01&language=sv")
    assert krisinformation.request_url("https://x.example/v3/news?language=en&days=7",
                                       config.region) == (
        "https://x.example/v3/news?language=en&days=7&counties=01")


def _entry(identifier: str) -> dict[str, Any]:
    return {
        "Identifier": identifier, "Headline": f"Nyhet {identifier}", "Preamble": "Ingress.",
        "BodyText": "<p>Text.</p>", "Published": "2022-06-01T08:00:00+02:00",
        "Updated": "2022-06-01T08:00:00+02:00",
        "Area": [{"Type": "County", "Description": "Västernorrlands län"}],
        "Web": "https://www.krisinformation.se/nyheter/x", "IsTest": False,
    }


def _json(doc: object) -> bytes:
    return json.dumps(doc).encode()


# ------------------------------------------------------------------ polls over loopback HTTP


@dataclass
class Env:
    server: HTTPServer
    config: Config
    store: Store
    fetcher: Fetcher
    source: Source

    def serve(self, name: str | None = None, *, status: int = 200, data: bytes | None = None,
              content_type: str = "application/json",
              headers: dict[str, str] | None = None) -> None:
        self.server.clear()
        self.server.expect_request(PATH, query_string=QUERY).respond_with_data(
            data if data is not None else body(name or ""), status=status,
            content_type=content_type, headers=headers,
        )

    def poll(self, now: datetime) -> PollOutcome:
        return poll_source(self.source, self.store, self.config, self.fetcher, now=now,
                           sleep=lambda _s: None, respect_backoff=False)


@pytest.fixture
def env(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Env]:
    config = make_config(tmp_path, url=httpserver.url_for(PATH), interval=300, stale_after=1200)
    with Store(config.storage.database) as store, Fetcher(config.http) as fetcher:
        yield Env(httpserver, config, store, fetcher, build_sources(config)["krisinformation"])


def test_poll_stores_the_county_news(env: Env) -> None:
    env.serve("news.json")
    outcome = env.poll(NOW)
    assert outcome.ok and outcome.warnings == []
    assert outcome.inserted == [e["id"] for e in EXPECTED["news.json"]]
    stored = {i.id: i for i in env.store.items("krisinformation")}
    first = stored[f"krisinformation:{NEWS}0001"]
    assert first.url == EXPECTED["news.json"][0]["url"] and first.credit == "Krisinformation"
    request, _ = env.server.log[0]
    assert request.args.get("counties") == "22" and request.args.get("language") == "sv"


def test_news_is_history_nothing_ends(env: Env) -> None:
    env.serve("news.json")
    env.poll(NOW)
    env.serve("news_municipality.json")
    outcome = env.poll(NOW + timedelta(minutes=5))
    assert outcome.inserted == [f"krisinformation:{NEWS}0010"] and outcome.ended == []
    assert env.store.get(f"krisinformation:{NEWS}0010").areas == ("2262",)
    env.serve("vmas_empty.json")  # "[]": no news now, not a failure, and nothing ends
    outcome = env.poll(NOW + timedelta(minutes=10))
    assert outcome.ok and outcome.ended == []
    assert all(i.ended is None for i in env.store.items("krisinformation"))
    assert len(env.store.items("krisinformation")) == 4


def test_configured_level_reaches_the_store(tmp_path: Path, httpserver: HTTPServer) -> None:
    config = make_config(tmp_path, url=httpserver.url_for(PATH), level="warning")
    httpserver.expect_request(PATH, query_string=QUERY).respond_with_data(
        body("news.json"), content_type="application/json")
    with Store(config.storage.database) as store, Fetcher(config.http) as fetcher:
        source = build_sources(config)["krisinformation"]
        assert poll_source(source, store, config, fetcher, now=NOW).ok
        assert {i.level for i in store.items("krisinformation")} == {Level.WARNING}


@pytest.mark.parametrize(
    ("serve", "reason"),
    [
        ({"status": 500, "data": b"oops"}, "HTTP 500"),
        ({"status": 429, "data": b"slow down", "headers": {"Retry-After": "60"}}, "HTTP 429"),
        ({"data": b"<html>fel</html>", "content_type": "text/html"}, "not JSON"),
        ({"data": b'{"error": "x"}'}, "JSON array"),
    ],
)
def test_failures_keep_what_was_stored(env: Env, serve: dict[str, Any], reason: str) -> None:
    env.serve("news.json")
    env.poll(NOW)
    before = env.store.items("krisinformation")
    env.serve(**serve)
    outcome = env.poll(NOW + timedelta(minutes=5))
    assert not outcome.ok and reason in (outcome.error or "")
    assert env.store.items("krisinformation") == before
    state = env.store.source_state("krisinformation")
    assert state.state == "failing" and state.last_error == outcome.error


def test_conditional_request_and_304(env: Env) -> None:
    env.serve("news.json", headers={"ETag": '"n1"', "Last-Modified": "Mon, 30 May 2022"
                                    " 12:10:00 GMT"})
    env.poll(NOW)
    env.server.clear()
    env.server.expect_request(
        PATH, query_string=QUERY,
        headers={"If-None-Match": '"n1"', "If-Modified-Since": "Mon, 30 May 2022 12:10:00 GMT"},
    ).respond_with_data(b"", status=304)
    outcome = env.poll(NOW + timedelta(minutes=5))
    assert outcome.ok and outcome.not_modified and not outcome.changed
    state = env.store.source_state("krisinformation")
    assert state.etag == '"n1"' and state.last_modified == "Mon, 30 May 2022 12:10:00 GMT"
