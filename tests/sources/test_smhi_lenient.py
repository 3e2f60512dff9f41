"""SMHI read leniently (issue 12, item 2): only what truthful publishing needs is required; the
rest falls back with a note; a warning area broken in an essential field is skipped with a
warning and keeps its last good version (the poll does not end it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from feeder.config import Region
from feeder.ladder import Level
from feeder.model import Item
from feeder.sources import smhi
from feeder.sources.base import ParseContext, Parsed
from tests.sources.support import NOW, SmhiEnv, fixture_json

FIRE = "smhi:3411-10470"
SKANE = "smhi:3412-10471"
REGION = Region(name="Västernorrlands län", county_id=22, municipalities={})


def fire_data() -> list[dict[str, Any]]:
    return fixture_json("ibww_fire_message_vasternorrland.json")  # type: ignore[no-any-return]


def changed(path: str, value: object, *, county: int = 22) -> list[dict[str, Any]]:
    """The fire fixture with one field of the county's area (``warning.`` for the warning
    itself) replaced, or deleted when ``value`` is ``...``; Skåne's warning also concerns
    ``county`` when it is not 22, so that another area stays to be stored."""
    data = fire_data()
    target: Any = data[0] if path.startswith("warning.") else data[0]["warningAreas"][0]
    *parents, last = path.removeprefix("warning.").split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    key: Any = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return data


def parse(data: object, known: dict[str, Item] | None = None,
          now: datetime = NOW) -> Parsed[Item]:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return smhi.parse(body, ParseContext(REGION, now, known=known or {}))


OPTIONAL = [
    ("created", ..., "no 'created'"),
    ("published", ..., "no 'published'"),
    ("areaName", ..., "no 'areaName'"),
    ("areaName", {"en": "Vasternorrland"}, "no 'areaName'"),
    ("areaName", "Västernorrland", "no 'areaName'"),
    ("descriptions", ..., None),
    ("descriptions", {}, "descriptions: an object, expected an array"),
    ("descriptions.0.text", ..., "descriptions[0]: no title or text object"),
    ("descriptions.1.title", 7, "descriptions[1]: no title or text object"),
    ("approximateStart", ..., "no 'approximateStart'"),
    ("approximateEnd", ..., None),
    ("eventDescription", ..., None),
    ("eventDescription.sv", ["x"], None),
    ("warning.event", ..., None),
    ("warning.descriptions", "x", "descriptions: a string, expected an array"),
]


@pytest.mark.parametrize(("path", "value", "note"), OPTIONAL,
                         ids=[f"{o[0]}={o[1]!r}" for o in OPTIONAL])
def test_an_optional_field_falls_back_and_the_area_is_published(
    path: str, value: object, note: str | None
) -> None:
    parsed = parse(changed(path, value))
    [item] = parsed.items
    assert item.id == FIRE and item.level is Level.NOTICE
    kind = "Brandrisk" if path.startswith("eventDescription") else "Risk för skogsbrand"
    assert item.title == f"{kind} i Västernorrlands län"  # from event.sv without its own
    assert parsed.still_listed == []
    if note is not None:
        assert any(note in warning for warning in parsed.warnings), parsed.warnings


def test_the_fallbacks_themselves() -> None:
    [item] = parse(changed("created", ...)).items
    assert item.published == item.updated == datetime(2026, 6, 11, 10, 32, 47, tzinfo=UTC)
    [item] = parse(changed("published", ...)).items
    assert item.published == item.updated == datetime(2026, 6, 10, 9, 14, 22, tzinfo=UTC)
    data = changed("warning.event", {"sv": "Vind", "code": "WIND"})
    area = data[0]["warningAreas"][0]
    area["warningLevel"]["code"] = "YELLOW"
    del area["areaName"], area["eventDescription"]
    [item] = parse(data).items
    assert item.title == "Gul varning: Vind – Västernorrlands län"  # the county's name
    [item] = parse(changed("approximateStart", ...)).items
    assert item.onset is None and "från 11 juni 2026 kl. 12.32" in item.body


def test_without_created_a_stored_item_keeps_its_first_publication() -> None:
    [first] = parse(changed("created", ...)).items
    later = changed("created", ...)
    later[0]["warningAreas"][0]["published"] = "2026-06-12T08:00:00.000Z"
    [update] = parse(later, {first.id: first}).items
    assert update.published == first.published and update.updated > first.updated
    assert update.effective == first.effective  # an update never hides what was shown


ESSENTIAL = [
    ("id", ..., "the area's id is missing"),
    ("id", "x", "the area's id is missing or not a number"),
    ("warningLevel", ..., "warningLevel.code is missing"),
    ("warningLevel.code", None, "warningLevel.code is missing"),
    ("approximateStart", 123, "'approximateStart' 123 is not a time"),
    ("approximateStart", "yesterday", "'approximateStart' 'yesterday' cannot be used"),
    ("approximateEnd", "soon", "'approximateEnd' 'soon' cannot be used"),
    ("published", "0999-06-11T10:32:47.906Z", "year 999 is outside 1970–2999"),
    ("published", "9999-06-11T10:32:47.906Z", "year 9999 is outside 1970–2999"),
    ("approximateEnd", "9999-12-31T23:59:59Z", "year 9999"),
    ("approximateStart", "1969-12-31T00:00:00Z", "year 1969"),
    ("created", "3000-01-01T00:00:00Z", "year 3000"),
]


@pytest.mark.parametrize(("path", "value", "reason"), ESSENTIAL,
                         ids=[f"{e[0]}={e[1]!r}" for e in ESSENTIAL])
def test_an_area_broken_in_an_essential_field_is_skipped_and_kept(
    path: str, value: object, reason: str
) -> None:
    [good] = parse(fire_data()).items
    parsed = parse(changed(path, value), {good.id: good})
    assert parsed.items == []
    assert parsed.still_listed == [FIRE]
    [warning] = parsed.warnings
    assert reason in warning and "skipped" in warning and f"kept as stored: {FIRE}" in warning


def test_no_event_code_and_no_time_at_all_are_essential() -> None:
    data = changed("eventDescription", ...)
    del data[0]["event"]
    parsed = parse(data)
    assert parsed.items == [] and "no event code" in parsed.warnings[0]
    data = fire_data()
    area = data[0]["warningAreas"][0]
    del area["approximateStart"], area["published"], area["created"]
    parsed = parse(data)
    assert parsed.items == [] and "no start and no publication time" in parsed.warnings[0]
    assert parsed.still_listed == [FIRE]


@pytest.mark.parametrize(
    ("path", "value"),
    [("affectedAreas", ...), ("affectedAreas.0.id", "tjugotvå"), ("affectedAreas.0", 22),
     ("warning.warningAreas", None)],
)
def test_an_area_that_cannot_be_told_apart_keeps_what_it_may_be(path: str, value: object) -> None:
    [good] = parse(fire_data()).items
    other = good.evolve(id="smhi:1-2")
    parsed = parse(changed(path, value), {good.id: good, other.id: other})
    assert parsed.items == []
    assert parsed.still_listed == [FIRE]  # its warning's items, not others
    assert "cannot tell whether it concerns the county" in parsed.warnings[0]


def test_a_warning_with_no_id_or_no_shape_keeps_every_stored_item() -> None:
    [good] = parse(fire_data()).items
    for data in (changed("warning.id", ...), [1, *fire_data()[1:]]):
        parsed = parse(data, {good.id: good})
        assert parsed.items == [] and parsed.still_listed == [FIRE]
        assert len(parsed.warnings) == 1


def test_the_rest_of_the_list_is_stored() -> None:
    data = fire_data()
    broken = json.loads(json.dumps(data[1]))  # Skåne's warning, made one of ours and broken
    broken["id"] = 99
    broken["warningAreas"][0]["affectedAreas"][0]["id"] = 22
    broken["warningAreas"][0]["approximateStart"] = "9999-01-01T00:00:00Z"
    parsed = parse([*data, broken])
    assert [i.id for i in parsed.items] == [FIRE]
    assert parsed.still_listed == [f"smhi:99-{broken['warningAreas'][0]['id']}"]


def test_digits_in_strings_are_read_as_ids() -> None:
    parsed = parse(changed("affectedAreas.0.id", "22"))
    assert [i.id for i in parsed.items] == [FIRE]


# --------------------------------------------------------------------------- the poll


def test_a_broken_update_keeps_the_last_good_version_and_is_not_ended(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    assert env.poll().inserted == [FIRE]
    good = env.store.get(FIRE)
    data = changed("approximateEnd", "9999-06-16T22:00:00.000Z")
    data[0]["warningAreas"][0]["published"] = "2026-06-12T09:00:00.000Z"
    env.serve(json.dumps(data).encode())
    outcome = env.poll(NOW + timedelta(minutes=2))
    assert outcome.ok and outcome.ended == [] and outcome.updated == []
    assert any("year 9999" in w for w in outcome.warnings)
    assert env.store.get(FIRE) == good  # not ended, not rewritten
    env.serve(json.dumps(data).encode())  # the same body again: still kept (remembered body)
    again = env.poll(NOW + timedelta(minutes=4))
    assert again.ok and again.not_modified and again.ended == []
    assert env.store.get(FIRE).ended is None
    env.serve("ibww_empty.json")  # withdrawn: now it ends
    assert env.poll(NOW + timedelta(minutes=6)).ended == [FIRE]
