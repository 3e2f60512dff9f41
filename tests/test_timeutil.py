"""feeder.timeutil: reading times in range, and formatting that never overflows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeder.timeutil import (
    OutOfRange,
    check_range,
    iso_z,
    parse_iso,
    read_stored,
    swedish,
)


@pytest.mark.parametrize(
    "text",
    ["0999-01-01T00:00Z", "9999-12-31T23:59", "3000-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
     "0001-01-01T00:30"],
)
def test_times_outside_1970_to_2999_are_refused(text: str) -> None:
    with pytest.raises(OutOfRange):
        parse_iso(text)


@pytest.mark.parametrize("text", ["imorgon", "", "2026-13-01T00:00Z"])
def test_unreadable_times_are_value_errors(text: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_iso(text)
    assert not isinstance(caught.value, OutOfRange)


def test_the_edges_are_in_range() -> None:
    assert parse_iso("1970-01-01T00:00Z") == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_iso("2999-12-31T23:59Z") == datetime(2999, 12, 31, 23, 59, tzinfo=UTC)
    assert parse_iso("2026-06-12T08:00") == datetime(2026, 6, 12, 6, tzinfo=UTC)  # Stockholm
    with pytest.raises(OutOfRange):
        check_range(datetime(3000, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    "value",
    [datetime(999, 1, 1, tzinfo=UTC), datetime(1, 1, 1, 0, 30, tzinfo=UTC),
     datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)],
)
def test_stored_times_of_any_year_format_and_read_back(value: datetime) -> None:
    text = iso_z(value)
    assert text is not None and text.endswith("Z") and len(text) == len("2026-06-12T10:00:03Z")
    assert read_stored(text) == value
    assert str(value.year) in swedish(value)  # never OverflowError at the calendar's edge


def test_swedish_is_stockholm_time() -> None:
    assert swedish(datetime(2026, 6, 12, 10, tzinfo=UTC)) == "12 juni 2026 kl. 12.00"


@pytest.mark.parametrize(
    ("text", "year"),
    [("999-06-12T10:00:00Z", 999),  # an older feeder's short year
     ("10000-01-01T00:00:00Z", 9999), ("-5-01-01T00:00:00Z", 1),
     ("0001-01-01T00:00:00-05:00", 1), ("9999-12-31T23:59:59+01:00", 9999),
     ("garbage", 1), ("", 1)],
)
def test_read_stored_never_fails(text: str, year: int) -> None:
    value = read_stored(text)
    assert value.tzinfo is not None and value.year == year
    assert iso_z(value) is not None and swedish(value)


def test_one_swedish_way_to_write_a_time_with_the_weekday_where_it_helps() -> None:
    moment = datetime(2026, 12, 2, 8, 21, tzinfo=UTC)  # 09.21 in Stockholm (winter)
    assert swedish(moment) == "2 december 2026 kl. 09.21"
    assert swedish(moment, weekday=True) == "onsdag 2 december 2026 kl. 09.21"
    # The year only when it is not the year of the words' instant (never the clock's).
    same_year = datetime(2026, 6, 12, 10, tzinfo=UTC)
    assert swedish(moment, weekday=True, reference=same_year) == "onsdag 2 december kl. 09.21"
    next_year = datetime(2027, 1, 1, tzinfo=UTC)
    assert swedish(moment, weekday=True, reference=next_year) == (
        "onsdag 2 december 2026 kl. 09.21")
    # The year of the reference in Stockholm: 23.30 UTC on New Year's Eve is already next year.
    assert swedish(datetime(2027, 1, 1, 0, 30, tzinfo=UTC), weekday=True,
                   reference=datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == (
        "fredag 1 januari kl. 01.30")
