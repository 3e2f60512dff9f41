"""VMA: the pure parser, from the cases in tests/sources/cases/vma (each input with its whole
expected output) and from the fixtures in tests/fixtures/krisinformation; polls over loopback HTTP
are in test_vma_poll.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from feeder.config import from_dict
from feeder.errors import LayoutChangedError, SourceError
from feeder.ladder import Level
from feeder.lifecycle import State, state_of
from feeder.sources import vma
from feeder.text import sanitize_html
from tests.sources.parse_cases import Case, cases, expected_result, run
from tests.sources.vma_support import (
    EXPIRES,
    FIXTURES,
    SENT,
    SUNDSVALL,
    UPDATE_EXPIRES,
    UPDATE_SENT,
    body,
    cap,
    dumps,
    parse,
    region_config,
    utc,
)


@pytest.mark.parametrize("case", cases("vma"), ids=lambda case: case.id)
def test_case(case: Case) -> None:
    """Each input in tests/sources/cases/vma gives exactly its expected output."""
    assert run(case) == expected_result(case.load())


# --------------------------------------------------------------------------- parser, by fixture

EXPECTED: dict[str, list[dict[str, Any]]] = {
    "sr_vma_alerts_cap.json": [
        {
            "id": SUNDSVALL,
            "title": "Viktigt meddelande till allmänheten i Sundsvall, Västernorrlands län",
            "body": "<p>Det brinner i en industribyggnad i centrala Sundsvall.<br>Kraftig"
                    " rökutveckling.</p><p>Gå inomhus och stäng dörrar, fönster och"
                    " ventilation.</p>",
            "areas": ("2281",),
            "published": SENT,
            "updated": SENT,
            "onset": SENT,
            "expires": EXPIRES,
            "url": "https://www.krisinformation.se",
            "credit": "Sveriges Radio / VMA",
        }
    ],
    "vmas.json": [  # Krisinformation's /v3/vmas shape; the Umeå one is for Västerbotten
        {
            "id": "vma:SE-SR-VMA-2022-0601-0001",
            "title": "Viktigt meddelande till allmänheten i Sundsvall",
            "areas": (),
            "published": SENT,
            "updated": utc("2022-06-01T10:05:00+02:00"),
            "effective": SENT,
            "onset": None,  # /v3/vmas gives no onset: it has begun
            "expires": None,
            "url": "https://www.krisinformation.se/nyheter/2022/juni/"
                   "viktigt-meddelande-till-allmanheten-i-sundsvall",
            "credit": "Krisinformation / VMA",
        }
    ],
    "vmas_empty.json": [],
    "sr_vma_empty.json": [],
    "sr_vma_update.json": [
        {
            "id": SUNDSVALL,
            "title": "Uppdatering: Viktigt meddelande till allmänheten i Sundsvall och Timrå",
            "body": "<p>Branden i centrala Sundsvall är inte under kontroll.<br>Röken driver nu"
                    " mot Timrå.</p><p>Gå inomhus och stäng dörrar, fönster och ventilation."
                    " Lyssna på P4 Västernorrland.</p>",
            "areas": ("2262", "2281"),
            "published": SENT,
            "updated": UPDATE_SENT,
            "onset": SENT,
            "expires": UPDATE_EXPIRES,
        }
    ],
    "sr_vma_update_only.json": [  # nothing stored: the update alone, under the original's id
        {"id": SUNDSVALL, "published": UPDATE_SENT, "updated": UPDATE_SENT,
         "expires": UPDATE_EXPIRES, "areas": ("2262", "2281")}
    ],
    "sr_vma_cancel.json": [],
    "sr_vma_test.json": [],
    "vmas_test.json": [],
    "sr_vma_other_county.json": [],
    "sr_vma_national.json": [
        {
            "id": "vma:SR-VMA-2022-0604-0001",
            "title": "Viktigt meddelande till allmänheten i hela Sverige",
            "areas": (),
            "expires": utc("2022-06-04T20:00:00+02:00"),
        },
        {
            "id": "vma:SR-VMA-2022-0604-0002",
            "title": "Viktigt meddelande till allmänheten i Västernorrlands län",
            "areas": (),
            "expires": utc("2022-06-04T21:00:00+02:00"),
        },
    ],
}


def test_every_fixture_has_expectations() -> None:
    served_elsewhere = {"news.json", "news_municipality.json", "README.md",
                        "sr_vma_maintenance.html", "sr_vma_wrong_shape.json"}
    names = {p.name for p in FIXTURES.iterdir()} - served_elsewhere
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_parse_fixture(name: str, tmp_path: Path) -> None:
    config = region_config(tmp_path)
    parsed = parse(body(name), config.region, SENT)
    items = parsed.items
    assert parsed.warnings == []
    assert [item.id for item in items] == [e["id"] for e in EXPECTED[name]]
    for item, expected in zip(items, EXPECTED[name], strict=True):
        for key, value in expected.items():
            assert getattr(item, key) == value, (name, key)
        assert item.source == "vma"
        assert item.level is Level.CRITICAL
        assert "VMA" in item.level_reason
        assert "<" not in item.title
        assert item.body and sanitize_html(item.body) == item.body
        assert state_of(item, item.onset or item.published) is State.ACTIVE


def test_update_alone_keeps_the_stored_first_publication(tmp_path: Path) -> None:
    config = region_config(tmp_path)
    stored = parse(body("sr_vma_alerts_cap.json"), config.region, SENT).items[0]
    items = parse(body("sr_vma_update_only.json"), config.region, UPDATE_SENT,
                  known={stored.id: stored}).items
    assert [i.id for i in items] == [SUNDSVALL]
    assert items[0].published == SENT
    assert items[0].updated == UPDATE_SENT


def test_update_referencing_a_stored_update_chain(tmp_path: Path) -> None:
    """CAP lists every earlier message; the one we store wins over the older unknown one."""
    config = region_config(tmp_path)
    doc = {"alerts": [cap("U2", "Update", "2022-06-01T12:00:00+02:00",
                           refs="MSB,X0,2022-06-01T08:00:00+02:00 "
                                "MSB,SR-VMA-2022-0601-0001,2022-06-01T09:41:00+02:00")]}
    stored = parse(body("sr_vma_alerts_cap.json"), config.region, SENT).items[0]
    items = parse(dumps(doc), config.region, SENT, {stored.id: stored}).items
    assert [i.id for i in items] == [SUNDSVALL]
    alone = parse(dumps(doc), config.region, SENT).items
    assert [i.id for i in alone] == ["vma:X0"]  # nothing known: the oldest reference


def test_cancel_wins_whatever_the_order(tmp_path: Path) -> None:
    config = region_config(tmp_path)
    alert = cap("A1", "Alert", "2022-06-01T09:00:00+02:00")
    cancel = {"identifier": "C1", "status": "Actual", "msgType": "Cancel", "scope": "Public",
              "sent": "2022-06-01T10:00:00+02:00", "references": ["A1"], "info": None}
    for alerts in ([alert, cancel], [cancel, alert]):
        assert parse(dumps({"alerts": alerts}), config.region, SENT).items == []


def test_region_elsewhere_sees_the_other_county(tmp_path: Path) -> None:
    config = from_dict({"region": {"name": "Västerbottens län", "county_id": 24,
                                   "municipalities": {"2480": "Umeå"}}}, tmp_path / "c.yaml")
    from_sr = parse(body("sr_vma_other_county.json"), config.region, SENT).items
    assert [(i.id, i.areas) for i in from_sr] == [("vma:SR-VMA-2022-0603-0001", ("2480",))]
    ki = parse(body("vmas.json"), config.region, SENT).items
    assert [(i.id, i.areas) for i in ki] == [("vma:SE-SR-VMA-2022-0530-0007", ())]
    assert parse(body("sr_vma_alerts_cap.json"), config.region, SENT).items == []


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("sr_vma_maintenance.html", SourceError, "not JSON"),
        ("sr_vma_wrong_shape.json", LayoutChangedError, "alerts"),
    ],
)
def test_bad_bodies_fail_naming_the_source(
    name: str, error: type[Exception], words: str, tmp_path: Path
) -> None:
    config = region_config(tmp_path)
    with pytest.raises(error) as caught:
        parse(body(name), config.region, SENT)
    assert isinstance(caught.value, SourceError)
    assert caught.value.source == "vma"
    assert words in caught.value.reason


@pytest.mark.parametrize("doc", [b"", b"42", b'"alerts"', b"[1, 2]", b'[{"foo": 1}]',
                                 b'{"alerts": {"identifier": "x"}}'])
def test_unreadable_documents_fail(doc: bytes, tmp_path: Path) -> None:
    config = region_config(tmp_path)
    with pytest.raises(SourceError) as caught:
        parse(doc, config.region, SENT)
    assert caught.value.source == "vma"


def test_one_bad_message_is_a_warning_and_the_others_stay(tmp_path: Path) -> None:
    config = region_config(tmp_path)
    good = cap("G1", "Alert", "2022-06-01T09:00:00+02:00")
    doc = {"alerts": [{"identifier": "", "status": "Actual"}, "nonsense", good]}
    parsed = parse(dumps(doc), config.region, SENT)
    items, warnings = parsed.items, parsed.warnings
    assert [i.id for i in items] == ["vma:G1"]
    assert len(warnings) == 2
    assert "identifier" in warnings[0]


def test_markup_in_the_text_is_escaped_not_run(tmp_path: Path) -> None:
    config = region_config(tmp_path)
    alert = cap("H1", "Alert", "2022-06-01T09:00:00+02:00",
                 headline="<b>Brand</b> i Sundsvall",
                 description="<script>alert(1)</script> Gå inomhus & lyssna")
    item = parse(dumps({"alerts": [alert]}), config.region, SENT).items[0]
    assert item.title == "Brand i Sundsvall"
    assert "<script>" not in item.body
    assert "&lt;script&gt;" in item.body
    assert "&amp; lyssna" in item.body


def test_plain_string_geocodes_and_county_codes(tmp_path: Path) -> None:
    config = region_config(tmp_path)
    alerts = [
        cap("S1", "Alert", "2022-06-01T09:00:00+02:00",
             area=[{"areaDesc": "Timrå", "geocode": "2262"}]),
        cap("S2", "Alert", "2022-06-01T09:00:00+02:00",
             area=[{"areaDesc": "Hela Sverige", "geocode": "00"}]),
        cap("S3", "Alert", "2022-06-01T09:00:00+02:00", area=[{"areaDesc": "Sverige"}]),
        cap("S4", "Alert", "2022-06-01T09:00:00+02:00",
             area=[{"areaDesc": "Jämtlands län",
                    "geocode": [{"valueName": "Län", "value": "23"}]}]),
    ]
    items = parse(dumps({"alerts": alerts}), config.region, SENT).items
    assert [(i.id, i.areas) for i in items] == [("vma:S1", ("2262",)), ("vma:S2", ()),
                                                ("vma:S3", ())]


def test_request_url() -> None:
    assert vma.request_url("https://vmaapi.sr.se/api/v3/alerts") == (
        "https://vmaapi.sr.se/api/v3/alerts")
    assert vma.request_url("https://api.krisinformation.se/v3/vmas") == (
        "https://api.krisinformation.se/v3/vmas?language=sv")
