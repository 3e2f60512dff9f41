"""Area matching for the national crisis sources (feeder/sources/areas.py)."""

from __future__ import annotations

import pytest

from feeder.config import Region
from feeder.sources.areas import (
    COUNTIES,
    COUNTY,
    MUNICIPALITY,
    NAME,
    NUTS,
    SWEDEN,
    AreaMatch,
    AreaRef,
    from_code,
    from_name,
    match,
)

VASTERNORRLAND = Region(
    name="Västernorrlands län",
    county_id=22,
    municipalities={"2260": "Ånge", "2262": "Timrå", "2280": "Härnösand", "2281": "Sundsvall",
                    "2282": "Kramfors", "2283": "Sollefteå", "2284": "Örnsköldsvik"},
)


def test_county_table_is_complete_and_consistent() -> None:
    assert len(COUNTIES) == 21
    assert sorted(COUNTIES) == [1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 17, 18, 19, 20, 21, 22,
                                23, 24, 25]
    nuts = [c.nuts3 for c in COUNTIES.values()]
    assert len(set(nuts)) == 21 and all(n.startswith("SE") and len(n) == 5 for n in nuts)
    assert COUNTIES[22].nuts3 == "SE321" and COUNTIES[22].name == "Västernorrlands län"
    assert all(c.name.endswith(" län") for c in COUNTIES.values())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2281", AreaRef(MUNICIPALITY, "2281")),
        (2281, AreaRef(MUNICIPALITY, "2281")),
        ("22", AreaRef(COUNTY, "22")),
        ("01", AreaRef(COUNTY, "1")),
        ("se321", AreaRef(NUTS, "SE321")),
        ("00", AreaRef(SWEDEN, "SE")),
        ("SE", AreaRef(SWEDEN, "SE")),
        ("", None),
        (None, None),
        (True, None),
        ("Sundsvall", None),
        ("228", None),
    ],
)
def test_from_code(value: object, expected: AreaRef | None) -> None:
    assert from_code(value) == expected


@pytest.mark.parametrize(
    ("refs", "expected"),
    [
        # a municipality of the county (by its SCB code prefix, or listed in the config)
        ([AreaRef(MUNICIPALITY, "2281")], AreaMatch(True, ("2281",))),
        # named beside its county (SR's "i Sundsvall, Västernorrlands län"): the municipality
        ([AreaRef(MUNICIPALITY, "2281"), AreaRef(NUTS, "SE321")], AreaMatch(True, ("2281",))),
        ([AreaRef(MUNICIPALITY, "2284"), AreaRef(MUNICIPALITY, "2262"), AreaRef(COUNTY, "22")],
         AreaMatch(True, ("2262", "2284"))),
        # the whole county, by code, NUTS3 or name
        ([AreaRef(COUNTY, "22")], AreaMatch(True, ())),
        ([AreaRef(NUTS, "SE321")], AreaMatch(True, ())),
        ([AreaRef(NAME, "Västernorrlands län", "county")], AreaMatch(True, ())),
        ([AreaRef(NAME, "Västernorrland")], AreaMatch(True, ())),
        # all of Sweden: the whole county, but only when no county or municipality is named
        # beside it (issue 12: real entries carry Country *and* the places they concern)
        ([AreaRef(SWEDEN, "SE")], AreaMatch(True, ())),
        ([AreaRef(SWEDEN, "SE"), AreaRef(NAME, "Åhus", "poi")], AreaMatch(True, ())),
        ([AreaRef(SWEDEN, "SE"), AreaRef(MUNICIPALITY, "2281")], AreaMatch(True, ("2281",))),
        ([AreaRef(SWEDEN, "SE"), AreaRef(COUNTY, "22")], AreaMatch(True, ())),
        ([AreaRef(SWEDEN, "SE"), AreaRef(NAME, "Västernorrlands län", "county")],
         AreaMatch(True, ())),
        ([AreaRef(SWEDEN, "SE"), AreaRef(NAME, "Sundsvall", "municipality")],
         AreaMatch(True, ("2281",))),
        ([AreaRef(SWEDEN, "SE"), AreaRef(NAME, "Skåne län", "county"),
          AreaRef(NAME, "Åhus", "poi")], AreaMatch(False)),
        ([AreaRef(SWEDEN, "SE"), AreaRef(NAME, "Skåne län")], AreaMatch(False)),
        ([AreaRef(SWEDEN, "SE"), AreaRef(COUNTY, "12")], AreaMatch(False)),
        ([AreaRef(SWEDEN, "SE"), AreaRef(MUNICIPALITY, "1280")], AreaMatch(False)),
        ([AreaRef(SWEDEN, "SE"), AreaRef(NAME, "Malmö kommun", "municipality")],
         AreaMatch(False)),
        # a NUTS region around the county: the whole county
        ([AreaRef(NUTS, "SE32")], AreaMatch(True, ())),
        ([AreaRef(NUTS, "SE3")], AreaMatch(True, ())),
        # municipality by name, with or without "kommun"
        ([AreaRef(NAME, "Timrå kommun", "municipality")], AreaMatch(True, ("2262",))),
        ([AreaRef(NAME, "Örnsköldsviks kommun")], AreaMatch(True, ("2284",))),
        # elsewhere
        ([AreaRef(MUNICIPALITY, "2480")], AreaMatch(False)),
        ([AreaRef(COUNTY, "24"), AreaRef(NUTS, "SE331")], AreaMatch(False)),
        ([AreaRef(NUTS, "SE2")], AreaMatch(False)),
        ([AreaRef(NAME, "Skåne län", "county")], AreaMatch(False)),
        ([AreaRef(NAME, "Västernorrlands län", "municipality")], AreaMatch(False)),
        ([], AreaMatch(False)),
    ],
)
def test_match(refs: list[AreaRef], expected: AreaMatch) -> None:
    assert match(refs, VASTERNORRLAND) == expected


def test_from_name_recognises_all_of_sweden() -> None:
    assert from_name("Hela Sverige") == AreaRef(SWEDEN, "SE")
    assert from_name("Sverige", "Country") == AreaRef(SWEDEN, "SE")
    assert from_name("Något", "Country") == AreaRef(SWEDEN, "SE")
    assert from_name("Timrå kommun", "Municipality") == AreaRef(NAME, "Timrå kommun",
                                                                "municipality")
    assert from_name("  ") is None and from_name(None) is None


def test_other_configured_county_without_municipality_list() -> None:
    region = Region(name="Jämtlands län", county_id=23, municipalities={})
    assert match([AreaRef(MUNICIPALITY, "2380")], region) == AreaMatch(True, ("2380",))
    assert match([AreaRef(NUTS, "SE322")], region) == AreaMatch(True, ())
    assert match([AreaRef(NUTS, "SE321")], region) == AreaMatch(False)
