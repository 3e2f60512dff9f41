"""The SMHI warnings source: the pure parser (data-driven from the fixture files) and polls over
real HTTP on 127.0.0.1 with the real Fetcher and a real SQLite store."""

from __future__ import annotations

import html
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from feeder import USER_AGENT
from feeder.config import Region
from feeder.errors import SourceError
from feeder.ladder import Level
from feeder.lifecycle import State, state_of
from feeder.sources import smhi
from feeder.sources.smhi import WARNINGS_PAGE, parse, parse_all
from feeder.text import plain_text
from tests.sources.conftest import NOW, WARNING_FILES, SmhiEnv, fixture_bytes, fixture_json

COUNTY_NAMES = {
    1: "Stockholms län", 3: "Uppsala län", 12: "Skåne län", 21: "Gävleborgs län",
    22: "Västernorrlands län", 43: "Norra Bottenhavet",
}
FIRE_ID = "smhi:3411-10470"
WIND_ID = "smhi:3420-10480"
LATER = NOW + timedelta(minutes=2)


@pytest.fixture
def env(tmp_path: Path, httpserver: HTTPServer) -> Iterator[SmhiEnv]:
    e = SmhiEnv(tmp_path, httpserver)
    yield e
    e.close()
    httpserver.check_assertions()  # no request went unanswered (e.g. a missing header)


def region(county: int = 22) -> Region:
    return Region(name=COUNTY_NAMES[county], county_id=county, municipalities={})


def t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(microsecond=0)


def counties_in(name: str) -> set[int]:
    return {
        affected["id"]
        for warning in fixture_json(name)
        for area in warning["warningAreas"]
        for affected in area["affectedAreas"]
    }


CASES = [(name, county) for name in WARNING_FILES for county in sorted(counties_in(name) | {22})]


# --------------------------------------------------------------------------------- parser


@pytest.mark.parametrize(("name", "county"), CASES)
def test_every_fixture_every_county_matches_the_raw_data(name: str, county: int) -> None:
    """For each fixture and each area id it mentions: exactly the county's unexpired warning
    areas, with SMHI's fields mapped as documented and SMHI's texts unaltered."""
    expected: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for warning in fixture_json(name):
        for area in warning["warningAreas"]:
            ids = {a["id"] for a in area["affectedAreas"]}
            end = area.get("approximateEnd")
            if county in ids and (end is None or t(end) > NOW):
                expected[f"smhi:{warning['id']}-{area['id']}"] = (warning, area)

    items = parse(fixture_bytes(name), region(county), NOW)

    assert [i.id for i in items] == sorted(expected)
    for item in items:
        warning, area = expected[item.id]
        assert item.source == "smhi"
        assert item.credit == "SMHI" and item.source_name == "SMHI"
        assert item.url == WARNINGS_PAGE
        assert item.areas == ()
        assert item.level == {"MESSAGE": Level.NOTICE, "YELLOW": Level.WARNING,
                              "ORANGE": Level.SEVERE, "RED": Level.CRITICAL}[
                                  area["warningLevel"]["code"]]
        assert item.level_reason
        assert item.starts == t(area["approximateStart"])
        assert item.expires == (t(area["approximateEnd"]) if "approximateEnd" in area else None)
        assert item.updated == t(area["published"])
        assert item.published == t(area["created"])
        if warning["event"]["code"] == "FIRE":
            assert item.title == f"{area['eventDescription']['sv']} i {COUNTY_NAMES[county]}"
        else:
            assert area["eventDescription"]["sv"] in item.title
            assert area["areaName"]["sv"] in item.title
        assert item.title == plain_text(item.title)
        # SMHI's texts, unaltered, each under its Swedish heading, in SMHI's order.
        position = 0
        for section in area["descriptions"]:
            heading = f"<h3>{html.escape(section['title']['sv'], quote=False)}</h3>"
            found = item.body.find(heading, position)
            assert found >= position, heading
            position = found
            for line in section["text"]["sv"].split("\n"):
                assert html.escape(line, quote=False) in item.body
        assert item.body.rstrip().endswith("</a></p>")
        assert "Källa: <a href=\"" + WARNINGS_PAGE in item.body
        incident = [d["text"]["sv"] for d in area["descriptions"]
                    if d["title"]["code"] == "INCIDENT"]
        assert item.summary == incident[0]


def test_fire_risk_message_for_vasternorrland() -> None:
    [item] = parse(fixture_bytes("ibww_fire_message_vasternorrland.json"), region(), NOW)
    assert item.id == FIRE_ID
    assert item.title == "Risk för skogsbrand i Västernorrlands län"
    assert item.level is Level.NOTICE
    assert item.level_reason == "SMHI warningLevel MESSAGE → notice"
    assert state_of(item, NOW) is State.ACTIVE
    assert item.starts == datetime(2026, 6, 10, 22, tzinfo=UTC)
    assert item.expires == datetime(2026, 6, 14, 22, tzinfo=UTC)
    assert item.updated == datetime(2026, 6, 11, 10, 32, 47, tzinfo=UTC)
    assert item.published == datetime(2026, 6, 10, 9, 14, 22, tzinfo=UTC)
    assert item.summary == "Skogsbrandsrisken är stor till mycket stor i stora delar av länet."
    assert item.body.startswith(
        "<h3>Händelsebeskrivning</h3><p>Skogsbrandsrisken är stor till mycket stor i stora"
        " delar av länet.</p><h3>Vad ska jag tänka på?</h3>"
    )
    assert "från 11 juni 2026 kl. 00.00 till 15 juni 2026 kl. 00.00" in item.body
    assert "Källa: " in item.body


def test_fire_title_names_the_configured_county_not_the_area() -> None:
    data = _fire_data()
    _our_area(data)["areaName"] = {"sv": "Västernorrlands län, inland"}
    [item] = parse(json.dumps(data).encode(), region(), NOW)
    assert item.title == "Risk för skogsbrand i Västernorrlands län"
    [item] = parse(json.dumps(data).encode(), Region("Västernorrland", 22, {}), NOW)
    assert item.title == "Risk för skogsbrand i Västernorrland"


def test_county_filter_on_mixed_levels() -> None:
    """22 gets the fire message and the ORANGE area of the wind warning; not the YELLOW area of
    the same warning (21), not the sea district 43 that overlaps the coast, not 1 or 3."""
    items = {i.id: i for i in parse(fixture_bytes("ibww_mixed_levels.json"), region(), NOW)}
    assert set(items) == {FIRE_ID, WIND_ID}
    wind = items[WIND_ID]
    assert wind.level is Level.SEVERE
    assert wind.title == "Orange varning: Vind – Västernorrlands län, kustland"
    assert wind.starts is not None and wind.starts > NOW  # upcoming: kept, not yet active
    assert state_of(wind, NOW) is not State.ACTIVE
    assert state_of(wind, datetime(2026, 6, 12, 16, tzinfo=UTC)) is State.ACTIVE
    # The other area of the same warning goes to 21 only, at its own level.
    [neighbour] = parse(fixture_bytes("ibww_mixed_levels.json"), region(21), NOW)
    assert neighbour.id == "smhi:3420-10481"
    assert neighbour.level is Level.WARNING
    assert neighbour.title == "Gul varning: Vind – Gävleborgs län, kustland"


def test_sea_district_is_matched_by_id_never_by_name() -> None:
    """The sea district's area is not ours even when its name says Västernorrland; an area whose
    name says nothing of us but whose affectedAreas holds 22 is ours."""
    data = fixture_json("ibww_mixed_levels.json")
    sea = next(w for w in data if w["id"] == 3421)
    sea_area = sea["warningAreas"][0]
    sea_area["areaName"] = {"sv": "Västernorrlands län", "en": "Vasternorrlands lan"}
    sea_area["affectedAreas"][0]["sv"] = "Västernorrlands län"
    ids = {i.id for i in parse(json.dumps(data).encode(), region(), NOW)}
    assert "smhi:3421-10482" not in ids
    # Bounding boxes in the metadata really do overlap: only the id tells them apart.
    boxes = {a["id"]: a["area"]["geometry"]["coordinates"][0]
             for a in fixture_json("ibww_metadata_area.json")}
    county, district = boxes[22], boxes[43]
    assert max(p[0] for p in district) > min(p[0] for p in county)
    assert max(p[1] for p in district) > min(p[1] for p in county)
    # The same area, renamed "Skåne" but with 22 among its affected areas, is ours.
    sea_area["areaName"] = {"sv": "Skåne"}
    sea_area["affectedAreas"].append({"id": 22, "sv": "x", "en": "x"})
    ids = {i.id for i in parse(json.dumps(data).encode(), region(), NOW)}
    assert "smhi:3421-10482" in ids


def test_expired_message_is_left_out() -> None:
    body = fixture_bytes("ibww_mixed_levels.json")
    assert parse(body, region(1), NOW) == []
    [item] = parse(body, region(1), datetime(2026, 6, 8, tzinfo=UTC))
    assert item.id == "smhi:3390-10431"
    assert item.title == "Meddelande: Höga temperaturer – Stockholms län"
    # At the exact end it is over.
    assert parse(body, region(1), datetime(2026, 6, 9, 22, tzinfo=UTC)) == []


def test_open_ended_grass_fire() -> None:
    [item] = parse(fixture_bytes("ibww_mixed_levels.json"), region(3), NOW)
    assert item.id == "smhi:3405-10455"
    assert item.title == "Risk för gräsbrand i Uppsala län"
    assert item.expires is None
    assert state_of(item, NOW + timedelta(days=365)) is State.ACTIVE
    assert "tills vidare" in item.body


def test_update_keeps_the_id_and_changes_time_text_and_end() -> None:
    [old] = parse(fixture_bytes("ibww_fire_message_vasternorrland.json"), region(), NOW)
    [new] = parse(fixture_bytes("ibww_updated.json"), region(), NOW)
    assert new.id == old.id
    assert new.published == old.published
    assert new.updated > old.updated
    assert new.expires == datetime(2026, 6, 16, 22, tzinfo=UTC)
    assert "lokalt extremt stor" in new.body and "lokalt extremt stor" not in old.body
    assert new.content_hash() != old.content_hash()


def test_empty_list_is_a_good_answer() -> None:
    assert parse(fixture_bytes("ibww_empty.json"), region(), NOW) == []


def test_parse_is_deterministic() -> None:
    body = fixture_bytes("ibww_mixed_levels.json")
    assert parse(body, region(), NOW) == parse(body, region(), NOW)
    # The list has no guaranteed order upstream: reversing it changes nothing.
    reversed_body = json.dumps(list(reversed(json.loads(body)))).encode()
    assert parse(reversed_body, region(), NOW) == parse(body, region(), NOW)


def _fire_data() -> list[dict[str, Any]]:
    return fixture_json("ibww_fire_message_vasternorrland.json")  # type: ignore[no-any-return]


def _our_area(data: list[dict[str, Any]]) -> dict[str, Any]:
    return data[0]["warningAreas"][0]  # type: ignore[no-any-return]


def test_unknown_level_is_kept_at_warning_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    data = _fire_data()
    area = _our_area(data)
    area["warningLevel"] = {"sv": "Lila", "en": "Purple", "code": "PURPLE"}
    event = data[0]["event"]
    event["code"] = "FLOOD"
    area["eventDescription"] = {"sv": "Översvämning", "en": "Flood", "code": "FLOOD"}
    body = json.dumps(data).encode()
    parsed = parse_all(body, region(), NOW)
    [item] = parsed.items
    assert item.level is Level.WARNING
    assert "PURPLE" in item.level_reason and "unknown" in item.level_reason
    assert item.title == "Lila: Översvämning – Västernorrlands län"
    assert any("PURPLE" in w for w in parsed.warnings)
    with caplog.at_level(logging.WARNING, logger="feeder.sources.smhi"):
        assert parse(body, region(), NOW) == [item]
    assert any("PURPLE" in r.getMessage() for r in caplog.records)


def test_fire_with_an_unknown_sub_type_keeps_the_fire_title_and_warns() -> None:
    data = _fire_data()
    _our_area(data)["eventDescription"] = {"sv": "Risk för torvbrand", "code": "PEAT_FIRE"}
    parsed = parse_all(json.dumps(data).encode(), region(), NOW)
    assert parsed.items[0].title == "Risk för torvbrand i Västernorrlands län"
    assert parsed.items[0].level is Level.NOTICE
    assert any("PEAT_FIRE" in w for w in parsed.warnings)


def test_empty_names_never_give_an_empty_title() -> None:
    data = _fire_data()
    _our_area(data)["eventDescription"]["sv"] = ""
    [item] = parse(json.dumps(data).encode(), region(), NOW)
    assert item.title == "Brandrisk i Västernorrlands län"  # event.sv
    data[0]["event"]["code"] = "WIND"
    data[0]["event"]["sv"] = " "
    _our_area(data)["areaName"]["sv"] = "<b></b>"
    _our_area(data)["eventDescription"]["code"] = "WIND"
    [item] = parse(json.dumps(data).encode(), region(), NOW)
    assert item.title == "Meddelande: WIND – Västernorrlands län"


def test_duplicate_area_keeps_the_latest() -> None:
    old = _fire_data()[0]
    new = json.loads(fixture_bytes("ibww_updated.json"))[0]
    parsed = parse_all(json.dumps([new, old]).encode(), region(), NOW)
    [item] = parsed.items
    assert item.expires == datetime(2026, 6, 16, 22, tzinfo=UTC)
    assert any("twice" in w for w in parsed.warnings)


def test_markup_in_smhi_strings_is_stripped_from_titles_and_escaped_in_bodies() -> None:
    data = _fire_data()
    area = _our_area(data)
    data[0]["event"]["code"] = "WIND"
    area["warningLevel"]["code"] = "YELLOW"
    area["eventDescription"] = {"sv": "Vind <b>kraftig</b>", "code": "WIND"}
    area["descriptions"][0]["text"]["sv"] = "Byar <script>alert(1)</script> & regn"
    [item] = parse(json.dumps(data).encode(), region(), NOW)
    assert item.title == "Gul varning: Vind kraftig – Västernorrlands län"
    assert "<script" not in item.body
    assert "Byar &lt;script&gt;alert(1)&lt;/script&gt; &amp; regn" in item.body


def test_sections_are_found_by_code_not_wording() -> None:
    data = _fire_data()
    first, second = _our_area(data)["descriptions"]
    first["title"]["sv"] = "Vad händer?"  # SMHI rewords titles; the code stays
    _our_area(data)["descriptions"] = [second, first]
    [item] = parse(json.dumps(data).encode(), region(), NOW)
    assert item.summary == first["text"]["sv"]  # the INCIDENT text, wherever it is
    assert item.body.index("Vad ska jag tänka på?") < item.body.index("Vad händer?")


def test_warning_wide_descriptions_follow_the_areas_own() -> None:
    data = _fire_data()
    data[0]["descriptions"] = [
        {"title": {"sv": "Händelsebeskrivning", "en": "x", "code": "INCIDENT"},
         "text": {"sv": "Dubblett som inte ska visas.", "en": "x"}},
        {"title": {"sv": "Mer information", "en": "x", "code": "MORE"},
         "text": {"sv": "Läs mer hos räddningstjänsten.", "en": "x"}},
    ]
    [item] = parse(json.dumps(data).encode(), region(), NOW)
    assert "Dubblett" not in item.body
    assert item.body.index("Vad ska jag tänka på?") < item.body.index("Mer information")


BAD_BODIES: list[tuple[str, bytes, str]] = [
    ("empty", b"", "empty response"),
    ("blank", b"  \n", "empty response"),
    ("html service window",
     b"<!DOCTYPE html><html><head><title>Servicef\xc3\xb6nster</title></head>"
     b"<body><h1>Vi uppgraderar</h1></body></html>",
     "got an HTML page ('Servicefönster') instead of JSON"),
    ("not json", b"Service temporarily unavailable", "not valid JSON"),
    ("truncated", fixture_bytes("ibww_mixed_levels.json")[:5000], "truncated JSON"),
    ("latin-1", "[{\"id\": \"bränd\"}]".encode("latin-1"), "not UTF-8"),
    ("object", b'{"warnings": []}', "expected a JSON array of warnings, got an object"),
    ("null", b"null", "expected a JSON array of warnings, got null"),
    ("number in list", b"[1]", "warning [0]: warning: expected an object, got a number"),
    ("deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
]


@pytest.mark.parametrize(("label", "body", "reason"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_bodies_are_source_errors(label: str, body: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(body, region(), NOW)
    assert caught.value.source == "smhi"
    assert reason in caught.value.reason


def _break(path: str, value: object) -> bytes:
    """The fire fixture with one field of our area replaced (``...`` = deleted)."""
    data = _fire_data()
    target: Any = _our_area(data)
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is ...:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return json.dumps(data).encode()


MALFORMED_OURS = [
    ("published", ..., "warning [0] (id 3411): warningAreas[0].published: missing"),
    ("approximateStart", 123,
     "warningAreas[0].approximateStart: expected a string, got a number"),
    ("approximateStart", "yesterday",
     "warningAreas[0].approximateStart: not an ISO 8601 time: 'yesterday'"),
    ("approximateEnd", "soon", "warningAreas[0].approximateEnd: not an ISO 8601 time"),
    ("id", "10470", "warningAreas[0].id: expected an integer, got a string"),
    ("warningLevel", ..., "warningAreas[0].warningLevel: missing"),
    ("warningLevel.code", None, "warningAreas[0].warningLevel.code: missing"),
    ("eventDescription.sv", ["x"], "eventDescription.sv: expected a string, got an array"),
    ("areaName", "Västernorrland", "warningAreas[0].areaName: expected an object"),
    ("descriptions", {}, "warningAreas[0].descriptions: expected an array, got an object"),
    ("descriptions.0.text", ..., "warningAreas[0].descriptions[0].text: missing"),
    ("descriptions.1.title.code", 7, "descriptions[1].title.code: expected a string"),
    # Cannot tell whether it is ours: that fails too.
    ("affectedAreas", ..., "warningAreas[0].affectedAreas: missing"),
    ("affectedAreas.0.id", "22",
     "warningAreas[0].affectedAreas[0].id: expected an integer, got a string"),
    ("affectedAreas.0", 22, "warningAreas[0].affectedAreas[0]: expected an object"),
]


@pytest.mark.parametrize(("path", "value", "reason"), MALFORMED_OURS,
                         ids=[f"{m[0]}={m[1]!r}" for m in MALFORMED_OURS])
def test_a_malformed_warning_for_the_county_fails_the_whole_parse(
    path: str, value: object, reason: str
) -> None:
    with pytest.raises(SourceError) as caught:
        parse(_break(path, value), region(), NOW)
    assert reason in caught.value.reason


def test_malformed_warning_level_fields_fail_too() -> None:
    data = _fire_data()
    del data[0]["event"]
    with pytest.raises(SourceError, match=r"warning \[0\] \(id 3411\): event: missing"):
        parse(json.dumps(data).encode(), region(), NOW)
    data = _fire_data()
    data[0]["warningAreas"] = None
    with pytest.raises(SourceError, match="warningAreas: missing"):
        parse(json.dumps(data).encode(), region(), NOW)


def test_a_malformed_warning_for_another_county_is_ignored() -> None:
    data = _fire_data()
    skane = data[1]["warningAreas"][0]
    del skane["published"]
    skane["warningLevel"] = "YELLOW"
    data[1]["id"] = "not a number"
    parsed = parse_all(json.dumps(data).encode(), region(), NOW)
    assert [i.id for i in parsed.items] == [FIRE_ID]
    assert parsed.warnings == []


# --------------------------------------------------------------------------------- over HTTP


@pytest.mark.parametrize("name", WARNING_FILES)
def test_every_fixture_through_a_real_poll(env: SmhiEnv, name: str) -> None:
    env.serve(name, headers={"ETag": '"v1"'})
    outcome = env.poll()
    assert outcome.ok, outcome.error
    expected = parse(fixture_bytes(name), env.config.region, NOW)
    assert outcome.inserted == [i.id for i in expected]
    assert list(env.items().values()) == expected
    state = env.store.source_state("smhi")
    assert (state.state, state.etag, state.last_success) == ("ok", '"v1"', NOW)


def test_polite_request_headers(env: SmhiEnv) -> None:
    env.serve("ibww_empty.json", expect_headers={"User-Agent": USER_AGENT})
    assert env.poll().ok
    [(request, _)] = env.server.log
    assert "feeder" in request.headers["User-Agent"]
    assert "gzip" in request.headers["Accept-Encoding"]
    assert request.headers["Accept"] == "application/json"
    assert "If-None-Match" not in request.headers  # nothing stored yet


def test_gzipped_response(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json", gzipped=True)
    outcome = env.poll()
    assert outcome.ok and outcome.inserted == [FIRE_ID]


def test_update_in_place(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    before = env.items()[FIRE_ID]
    env.serve("ibww_updated.json")
    outcome = env.poll(now=LATER)
    assert outcome.ok and outcome.updated == [FIRE_ID] and outcome.inserted == []
    after = env.items()
    assert list(after) == [FIRE_ID]
    item = after[FIRE_ID]
    assert item.updated == datetime(2026, 6, 12, 9, 47, 5, tzinfo=UTC) > before.updated
    assert item.expires == datetime(2026, 6, 16, 22, tzinfo=UTC)
    assert item.published == before.published
    assert "lokalt extremt stor" in item.body
    assert item.ended is None


def test_unchanged_repoll_writes_nothing(env: SmhiEnv) -> None:
    env.serve("ibww_mixed_levels.json")
    env.poll()
    version = env.store.data_version()
    smhi.reset_memo()  # a new process: the body has to be parsed again
    env.serve("ibww_mixed_levels.json")
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert outcome.ok and not outcome.not_modified
    assert (outcome.inserted, outcome.updated, outcome.ended) == ([], [], [])
    assert outcome.unchanged == 2
    assert env.store.data_version() == version


def test_disappearance_ends_the_item_at_that_poll(env: SmhiEnv) -> None:
    env.serve("ibww_mixed_levels.json")
    env.poll()
    env.serve("ibww_fire_message_vasternorrland.json")  # the orange wind warning is withdrawn
    later = NOW + timedelta(minutes=4)
    outcome = env.poll(now=later)
    assert outcome.ended == [WIND_ID]
    items = env.items()
    assert items[WIND_ID].ended == later
    assert state_of(items[WIND_ID], datetime(2026, 6, 12, 16, tzinfo=UTC)) is not State.ACTIVE
    assert items[FIRE_ID].ended is None
    env.serve("ibww_empty.json")  # all clear in Sweden
    outcome = env.poll(now=later + timedelta(minutes=2))
    assert outcome.ok and outcome.ended == [FIRE_ID]
    assert set(env.items()) == {FIRE_ID, WIND_ID}  # kept, marked as ended


def test_an_item_that_simply_expired_is_not_ended(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    after_end = datetime(2026, 6, 15, tzinfo=UTC)
    env.serve("ibww_fire_message_vasternorrland.json")  # still listed after its end
    outcome = env.poll(now=after_end)
    assert outcome.ok and outcome.ended == []
    env.serve("ibww_empty.json")
    outcome = env.poll(now=after_end + timedelta(minutes=2))
    assert outcome.ended == []
    item = env.items()[FIRE_ID]
    assert item.ended is None and state_of(item, after_end).over


def test_open_ended_message_stays_until_withdrawn(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    env = SmhiEnv(tmp_path, httpserver, region={"name": "Uppsala län", "county_id": 3})
    try:
        env.serve("ibww_mixed_levels.json")
        env.poll()
        [item] = env.items().values()
        assert item.expires is None and state_of(item, NOW + timedelta(days=30)) is State.ACTIVE
        env.serve("ibww_mixed_levels.json")
        much_later = NOW + timedelta(days=30)
        assert env.poll(now=much_later).ended == []
        env.serve("ibww_empty.json")
        assert env.poll(now=much_later + timedelta(minutes=2)).ended == [item.id]
    finally:
        env.close()


def test_304_sends_validators_and_rewrites_nothing(env: SmhiEnv) -> None:
    validators = {"ETag": '"abc"', "Last-Modified": "Fri, 12 Jun 2026 09:47:05 GMT"}
    env.serve("ibww_mixed_levels.json", headers=validators)
    env.poll()
    items, version = env.items(), env.store.data_version()
    env.serve(b"", status=304, expect_headers={
        "If-None-Match": '"abc"', "If-Modified-Since": "Fri, 12 Jun 2026 09:47:05 GMT",
    })
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert outcome.ok and outcome.not_modified
    assert (outcome.inserted, outcome.updated, outcome.ended) == ([], [], [])
    assert env.items() == items and env.store.data_version() == version
    state = env.store.source_state("smhi")
    assert (state.etag, state.last_modified) == ('"abc"', "Fri, 12 Jun 2026 09:47:05 GMT")
    assert state.last_success == NOW + timedelta(minutes=2)
    assert env.requests_made() == 2


def test_same_body_without_validators_counts_as_not_modified(env: SmhiEnv) -> None:
    env.serve("ibww_mixed_levels.json")
    env.poll()
    version = env.store.data_version()
    env.serve("ibww_mixed_levels.json", headers={"ETag": '"new"'})
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert outcome.ok and outcome.not_modified
    assert env.store.data_version() == version
    assert env.store.source_state("smhi").etag == '"new"'  # the server's current validator


def test_same_body_is_parsed_again_when_the_store_differs(env: SmhiEnv) -> None:
    """The memo never masks a change made elsewhere (here: an item ended behind its back)."""
    env.serve("ibww_mixed_levels.json")
    env.poll()
    env.store.end_missing("smhi", [FIRE_ID], NOW)  # as if another process had ended it
    env.serve("ibww_mixed_levels.json")
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert not outcome.not_modified
    assert outcome.updated == [WIND_ID]  # un-ended: SMHI still lists it
    assert env.items()[WIND_ID].ended is None


def test_a_changed_body_is_parsed(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    env.serve("ibww_updated.json")
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert not outcome.not_modified and outcome.updated == [FIRE_ID]


def test_poll_result_is_complete_and_carries_validators(env: SmhiEnv) -> None:
    """poll() on its own: a complete list (so vanished items are ended), the validators."""
    from feeder.sources.base import PollContext

    env.serve("ibww_fire_message_vasternorrland.json",
              headers={"ETag": 'W/"x"', "Last-Modified": "Fri, 12 Jun 2026 09:00:00 GMT"})
    state = env.store.source_state("smhi")
    ctx = PollContext(env.config, env.config.sources["smhi"], state, {}, NOW, env.fetcher,
                      lambda _s: None)
    result = smhi.poll(ctx)
    assert result.complete and not result.not_modified
    assert [i.id for i in result.items] == [FIRE_ID]
    assert (result.etag, result.last_modified) == ('W/"x"', "Fri, 12 Jun 2026 09:00:00 GMT")



# --------------------------------------------------------------------------------- to the banner


def _banner(env: SmhiEnv, now: datetime) -> dict[str, Any]:
    from feeder.publish import publish

    publish(env.store, env.config, now)
    data = json.loads((env.config.storage.output_dir / "banner.json").read_bytes())
    return data  # type: ignore[no-any-return]


def test_fire_risk_reaches_the_banner(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    banner = _banner(env, NOW)
    alert = banner["alert"]
    assert alert["id"] == FIRE_ID
    assert alert["title"] == "Risk för skogsbrand i Västernorrlands län"
    assert (alert["level"], alert["level_name"]) == (2, "notice")
    assert alert["source"] == "SMHI" and alert["url"] == WARNINGS_PAGE
    assert (alert["starts"], alert["expires"]) == ("2026-06-10T22:00:00Z", "2026-06-14T22:00:00Z")
    assert alert["areas"] == []
    assert "Skogsbrandsrisken är stor till mycket stor" in alert["text"]
    assert banner["sources"]["smhi"]["ok"] is True


def test_banner_keeps_the_alert_across_failures_and_turns_stale(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    assert _banner(env, NOW)["alert"]["id"] == FIRE_ID
    failures = [
        {"body": b"oops", "status": 500},
        {"body": b"<html><title>Underh\xc3\xa5ll</title></html>", "content_type": "text/html"},
        {"body": fixture_bytes("ibww_updated.json")[:2000]},
        {"body": b'{"error": "busy"}'},
        {"body": b"", "status": 429, "headers": {"Retry-After": "60"}},
    ]
    for step, failure in enumerate(failures, start=1):
        now = NOW + timedelta(minutes=step)
        env.serve(**failure)  # type: ignore[arg-type]
        outcome = env.poll(now=now, respect_backoff=False)
        assert not outcome.ok
        banner = _banner(env, now)
        assert banner["alert"] is not None and banner["alert"]["id"] == FIRE_ID
        assert [a["id"] for a in banner["alerts"]] == [FIRE_ID]
        assert banner["sources"]["smhi"]["ok"] is False
        assert banner["sources"]["smhi"]["stale"] is False
    # stale_after (600 s) after the last success: stale, and the alert is still shown.
    banner = _banner(env, NOW + timedelta(seconds=600))
    assert banner["sources"]["smhi"]["stale"] is True and banner["stale"] is True
    assert banner["alert"]["id"] == FIRE_ID


def test_expired_alert_leaves_the_banner_without_a_poll(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    assert _banner(env, NOW)["alert"]["id"] == FIRE_ID
    made = env.requests_made()
    end = datetime(2026, 6, 14, 22, tzinfo=UTC)
    assert _banner(env, end - timedelta(seconds=1))["alert"]["id"] == FIRE_ID
    banner = _banner(env, end)
    assert banner["alert"] is None and banner["alerts"] == []
    assert env.requests_made() == made  # nobody asked SMHI
    assert env.items()[FIRE_ID].ended is None  # expired, not ended


def test_publish_schedules_the_next_change(env: SmhiEnv) -> None:
    from feeder.publish import publish

    env.serve("ibww_mixed_levels.json")
    env.poll()
    # The orange wind warning starts at 15:00 UTC: the next change to publish at.
    assert publish(env.store, env.config, NOW).next_change == min(
        datetime(2026, 6, 12, 15, tzinfo=UTC), NOW + timedelta(seconds=600))
    assert _banner(env, NOW)["alert"]["id"] == FIRE_ID
    banner = _banner(env, datetime(2026, 6, 12, 15, tzinfo=UTC))
    assert [a["id"] for a in banner["alerts"]] == [WIND_ID, FIRE_ID]  # severe first
    assert banner["alert"]["title"] == "Orange varning: Vind – Västernorrlands län, kustland"


def test_withdrawn_warning_leaves_the_banner_at_the_next_publish(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    assert _banner(env, NOW)["alert"]["id"] == FIRE_ID
    env.serve("ibww_empty.json")
    assert env.poll(now=LATER).ended == [FIRE_ID]
    assert _banner(env, LATER)["alert"] is None

