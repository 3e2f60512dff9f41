"""feeder.lifecycle: an item's state, its end, banner membership and the next change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feeder.ladder import Level
from feeder.lifecycle import (
    State,
    effective_published,
    effective_updated,
    end_of,
    in_banner,
    is_visible,
    next_change,
    state_of,
)
from tests.builders import HOUR, NOW, fire_risk, make_item


def test_end_of_says_why_and_since_when() -> None:
    assert end_of(fire_risk(), NOW) is None
    expired = end_of(fire_risk(expires=NOW - HOUR), NOW)
    assert expired is not None and (expired.reason, expired.at) == (State.EXPIRED, NOW - HOUR)
    ended = end_of(fire_risk(ended=NOW - 2 * HOUR), NOW)
    assert ended is not None and (ended.reason, ended.at) == (State.ENDED, NOW - 2 * HOUR)
    withdrawn = end_of(make_item(withdrawn=True, updated=NOW - HOUR), NOW)
    assert withdrawn is not None and withdrawn.reason is State.WITHDRAWN
    assert effective_updated(fire_risk(expires=NOW - HOUR), NOW) == NOW - HOUR
    assert effective_updated(fire_risk(ended=NOW - HOUR, updated=NOW - 3 * HOUR), NOW) == NOW - HOUR


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({}, State.ACTIVE),
        ({"status": "draft"}, State.DRAFT),
        ({"effective": NOW + HOUR, "onset": NOW + HOUR}, State.SCHEDULED),
        ({"onset": NOW + HOUR}, State.UPCOMING),
        ({"effective": NOW - HOUR, "onset": NOW}, State.ACTIVE),
        ({"expires": NOW}, State.EXPIRED),
        ({"ended": NOW - HOUR}, State.ENDED),
        ({"withdrawn": True}, State.WITHDRAWN),
        ({"withdrawn": True, "status": "draft"}, State.WITHDRAWN),
        ({"ended": NOW - HOUR, "onset": NOW + HOUR}, State.ENDED),
    ],
)
def test_state_of(fields: dict[str, object], state: State) -> None:
    item = make_item(level=Level.WARNING, **fields)
    assert state_of(item, NOW) is state
    assert state.over is (state in (State.EXPIRED, State.ENDED, State.WITHDRAWN))
    assert in_banner(item, Level.NOTICE, NOW) is (state is State.ACTIVE)
    assert in_banner(item, Level.NOTICE, NOW, 3600) is (state in (State.ACTIVE, State.UPCOMING))


def test_upcoming_alert_enters_the_banner_within_the_lookahead() -> None:
    item = fire_risk(onset=NOW + 3 * HOUR, expires=NOW + 9 * HOUR)
    assert is_visible(item, NOW) and state_of(item, NOW) is State.UPCOMING
    assert not in_banner(item, Level.NOTICE, NOW, lookahead=2 * 3600)
    assert in_banner(item, Level.NOTICE, NOW + HOUR, lookahead=2 * 3600)
    assert in_banner(item, Level.NOTICE, NOW, lookahead=3 * 3600)
    assert not in_banner(item, Level.NOTICE, NOW, lookahead=0)
    assert state_of(item, NOW + 3 * HOUR) is State.ACTIVE
    # The moments the outputs change by themselves: in the banner, begun, expired.
    assert next_change([item], NOW, 2 * 3600) == NOW + HOUR
    assert next_change([item], NOW + HOUR, 2 * 3600) == NOW + 3 * HOUR
    assert next_change([item], NOW + 3 * HOUR, 2 * 3600) == NOW + 9 * HOUR


def test_banner_membership_needs_the_minimum_level() -> None:
    item = make_item(level=Level.NOTICE)
    assert in_banner(item, Level.NOTICE, NOW)
    assert not in_banner(item, Level.WARNING, NOW)
    assert not in_banner(make_item(level=Level.INFO), Level.NOTICE, NOW)


def test_visible_from_start_and_while_over() -> None:
    assert not is_visible(make_item(effective=NOW + HOUR), NOW)
    assert is_visible(make_item(effective=NOW + HOUR), NOW + HOUR)
    assert is_visible(fire_risk(onset=NOW + HOUR), NOW)  # issued ahead: listed already
    assert not is_visible(make_item(status="draft"), NOW)
    assert is_visible(fire_risk(ended=NOW - HOUR), NOW)


def test_next_change_is_the_next_start_or_expiry() -> None:
    items = [
        fire_risk("smhi:a", expires=NOW + 5 * HOUR),
        make_item("notice:later", effective=NOW + 3 * HOUR, onset=NOW + 3 * HOUR,
                  expires=NOW + 9 * HOUR),
        fire_risk("smhi:ended", ended=NOW - HOUR, expires=NOW + HOUR),  # already over
        make_item("notice:draft", status="draft", effective=NOW + HOUR),  # never shown
        fire_risk("smhi:gone", expires=NOW - HOUR),
    ]
    assert next_change(items, NOW) == NOW + 3 * HOUR
    assert next_change(items, NOW + 4 * HOUR) == NOW + 5 * HOUR
    assert next_change(items, NOW + 10 * HOUR) is None


def test_a_scheduled_item_is_dated_from_when_it_became_effective() -> None:
    notice = make_item(published=NOW - 5 * HOUR, updated=NOW - 4 * HOUR, effective=NOW)
    assert effective_published(notice, NOW) == NOW
    assert effective_updated(notice, NOW) == NOW
    assert effective_updated(notice.evolve(updated=NOW + HOUR), NOW + 2 * HOUR) == NOW + HOUR
    started_earlier = make_item(published=NOW, effective=NOW - HOUR)  # back-dated start
    assert effective_published(started_earlier, NOW) == NOW


def test_next_change_never_overflows_at_the_edge_of_the_calendar() -> None:
    first = datetime(1, 1, 1, tzinfo=UTC)
    last = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    items = [fire_risk("smhi:old", onset=first, expires=None),
             fire_risk("smhi:far", onset=last, expires=last)]
    assert next_change(items, NOW, lookahead=86400) == last - timedelta(days=1)
