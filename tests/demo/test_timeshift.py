"""Moving the sample data to now: every time keeps its form, article dates move along."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feeder.demo.timeshift import REFERENCE, offset_to, shift


def test_the_reference_moves_to_now_in_whole_milliseconds() -> None:
    now = datetime(2026, 11, 29, 23, 30, 9, 196_789, tzinfo=UTC)
    offset = offset_to(now)
    assert offset % timedelta(milliseconds=1) == timedelta(0)
    assert abs(REFERENCE + offset - now) < timedelta(milliseconds=1)


@pytest.mark.parametrize(("before", "after"), [
    ("2026-06-12T09:59:00.000Z", "2026-11-29T23:29:00.000Z"),
    ("2026-06-12T12:00:00+02:00", "2026-11-30T01:30:00+02:00"),
    ("2026-06-13T04:00:00.000Z", "2026-11-30T17:30:00.000Z"),
    ("2026-06-11T14:05:10.221Z", "2026-11-29T03:35:10.221Z"),
    ("2026-06-12T10:00", "2026-11-29T23:30"),
])
def test_each_time_keeps_its_form(before: str, after: str) -> None:
    offset = datetime(2026, 11, 29, 23, 30, tzinfo=UTC) - REFERENCE
    assert shift(f'{{"t": "{before}"}}'.encode(), offset) == f'{{"t": "{after}"}}'.encode()


def test_article_addresses_move_with_their_dates_and_nothing_else_does() -> None:
    offset = datetime(2026, 11, 29, 23, 30, tzinfo=UTC) - REFERENCE
    page = (b'<a href="/nyheter---x/2026-06-10-kraftsamling.html">'
            b'<time datetime="2026-06-10T13:45:00+02:00"></time> 2026-06-10 SRCAP20260612120000I'
            b' programid=183&amp;artikel=4489542 "Sverige"</a>')
    assert shift(page, offset).decode() == (
        '<a href="/nyheter---x/2026-11-27-kraftsamling.html">'
        '<time datetime="2026-11-28T03:15:00+02:00"></time> 2026-06-10 SRCAP20260612120000I'
        ' programid=183&amp;artikel=4489542 "Sverige"</a>'
    )


def test_no_offset_changes_nothing_and_utf8_survives() -> None:
    body = "Risk för skogsbrand 2026-06-12T09:59:00.000Z".encode()
    assert shift(body, timedelta(0)) == body
