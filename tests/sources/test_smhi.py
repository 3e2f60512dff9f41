"""The SMHI warnings source's pure parser: the cases in tests/sources/cases/smhi (each input with
its whole expected output), every fixture against its raw data for every county it mentions, and
the rules one at a time. Polls over HTTP are in test_smhi_poll.py."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from feeder.config import Region
from feeder.errors import SourceError
from feeder.ladder import Level
from feeder.lifecycle import State, state_of
from feeder.model import Item
from feeder.sources import smhi
from feeder.sources.base import ParseContext, Parsed
from feeder.sources.smhi import WARNINGS_PAGE
from feeder.text import plain_text
from tests.sources.parse_cases import Case, cases, expected_result, run
from tests.sources.support import NOW, WARNING_FILES, fixture_bytes, fixture_json

COUNTY_NAMES = {
    1: "Stockholms län", 3: "Uppsala län", 12: "Skåne län", 21: "Gävleborgs län",
    22: "Västernorrlands län", 43: "Norra Bottenhavet",
}
FIRE_ID = "smhi:3411-10470"
WIND_ID = "smhi:3420-10480"


def region(county: int = 22) -> Region:
    return Region(name=COUNTY_NAMES[county], county_id=county, municipalities={})


def parse_all(body: bytes, where: Region, now: datetime) -> Parsed[Item]:
    return smhi.parse(body, ParseContext(where, now))


def parse(body: bytes, where: Region, now: datetime) -> list[Item]:
    return parse_all(body, where, now).items


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


@pytest.mark.parametrize("case", cases("smhi"), ids=lambda case: case.id)
def test_case(case: Case) -> None:
    """Each input in tests/sources/cases/smhi gives exactly its expected output."""
    assert run(case) == expected_result(case.load())


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
        assert item.onset == t(area["approximateStart"])
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
    assert item.onset == datetime(2026, 6, 10, 22, tzinfo=UTC)
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
    assert wind.onset is not None and wind.onset > NOW  # upcoming: kept, not yet begun
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


def test_unknown_level_is_kept_at_warning_and_reported() -> None:
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
    ("deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
]


@pytest.mark.parametrize(("label", "body", "reason"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_bodies_are_source_errors(label: str, body: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse(body, region(), NOW)
    assert caught.value.source == "smhi"
    assert reason in caught.value.reason


def test_a_malformed_warning_for_another_county_is_ignored() -> None:
    data = _fire_data()
    skane = data[1]["warningAreas"][0]
    del skane["published"]
    skane["warningLevel"] = "YELLOW"
    data[1]["id"] = "not a number"
    parsed = parse_all(json.dumps(data).encode(), region(), NOW)
    assert [i.id for i in parsed.items] == [FIRE_ID]
    assert parsed.warnings == []
