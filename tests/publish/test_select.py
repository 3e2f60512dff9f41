from __future__ import annotations

from collections.abc import Iterable

from feeder.ladder import Level
from feeder.model import Item
from feeder.publish import select
from tests.builders import HOUR, NOW, fire_risk, make_item, news


def ids(items: Iterable[Item]) -> list[str]:
    return [item.id for item in items]


def test_banner_follows_the_ladder_then_updated_then_id() -> None:
    items = [
        make_item("notice:info", level=Level.INFO),
        make_item("notice:notice-old", level=Level.NOTICE, updated=NOW - 5 * HOUR),
        make_item("notice:notice-new", level=Level.NOTICE, updated=NOW - HOUR),
        make_item("notice:warning", level=Level.WARNING, updated=NOW - 9 * HOUR),
        make_item("notice:critical", level=Level.CRITICAL, updated=NOW - 20 * HOUR),
        make_item("notice:severe-b", level=Level.SEVERE, updated=NOW - 2 * HOUR),
        make_item("notice:severe-a", level=Level.SEVERE, updated=NOW - 2 * HOUR),
    ]
    assert ids(select.banner_alerts(items, Level.NOTICE, NOW)) == [
        "notice:critical",
        "notice:severe-a",  # same level and time: by id
        "notice:severe-b",
        "notice:warning",
        "notice:notice-new",
        "notice:notice-old",
    ]


def test_banner_min_level() -> None:
    items = [make_item(f"notice:{lvl.label}", level=lvl) for lvl in Level]
    assert ids(select.banner_alerts(items, Level.WARNING, NOW)) == [
        "notice:critical", "notice:severe", "notice:warning",
    ]
    assert len(select.banner_alerts(items, Level.INFO, NOW)) == 5


def test_banner_holds_only_active_items() -> None:
    items = [
        fire_risk("smhi:running"),
        fire_risk("smhi:expired", expires=NOW - HOUR),
        fire_risk("smhi:expires-now", expires=NOW),
        fire_risk("smhi:ended", ended=NOW - HOUR),
        make_item("notice:withdrawn", level=Level.SEVERE, withdrawn=True),
        make_item("notice:draft", level=Level.CRITICAL, status="draft"),
        make_item("notice:later", level=Level.CRITICAL, effective=NOW + HOUR, onset=NOW + HOUR),
        make_item("notice:started", level=Level.WARNING, effective=NOW, onset=NOW),
    ]
    assert ids(select.banner_alerts(items, Level.NOTICE, NOW)) == [
        "notice:started", "smhi:running",
    ]


def test_feed_order_puts_active_alerts_first_then_the_rest_by_date() -> None:
    items = [
        news(updated=NOW - 30 * HOUR, published=NOW - 30 * HOUR),
        make_item("notice:info-new", updated=NOW - HOUR),
        fire_risk("smhi:notice", updated=NOW - 40 * HOUR),
        make_item("notice:warning", level=Level.WARNING, updated=NOW - 50 * HOUR),
        fire_risk("smhi:ended", ended=NOW - 2 * HOUR, updated=NOW - 10 * HOUR),
        make_item("notice:draft", status="draft", updated=NOW),
        make_item("notice:future", effective=NOW + HOUR, onset=NOW + HOUR, updated=NOW),
    ]
    order = select.order(items, NOW)
    assert ids(order.alerts) == ["notice:warning", "smhi:notice"]
    assert ids(order.items) == ids(order.alerts) + ids(order.rest)
    assert ids(order.items) == [
        "notice:warning",  # active alerts by level ...
        "smhi:notice",
        "notice:info-new",  # ... then everything by date, newest first
        "smhi:ended",  # dated by when it ended
        items[0].id,
    ]


def test_drafts_and_future_items_are_not_visible_until_they_start() -> None:
    later = make_item("notice:later", effective=NOW + HOUR, onset=NOW + HOUR)
    draft = make_item("notice:draft", status="draft")
    assert select.order([later, draft], NOW).items == ()
    assert select.order([later, draft], NOW + HOUR).items == (later,)


def test_alerts_only_keeps_the_order() -> None:
    items = [make_item(f"notice:{n}", level=Level(1 + n % 5)) for n in range(10)]
    alerts = select.alerts_only(items)
    assert all(item.level >= Level.NOTICE for item in alerts) and len(alerts) == 8
    assert ids(alerts) == [item.id for item in items if item.level >= Level.NOTICE]


def test_by_topic_takes_each_topics_first_items_and_stops_when_all_are_full() -> None:
    items = [make_item(f"notice:{n}") for n in range(10)]
    tags = {"notice:1": ("t",), "notice:3": ("t", "u"), "notice:4": ("t",), "notice:6": ("u",),
            "notice:8": ("t",)}
    asked: list[str] = []

    def tag(item: Item) -> tuple[str, ...]:
        asked.append(item.id)
        return tags.get(item.id, ("other",))

    members = select.by_topic(items, ["t", "u", "empty"], tag, 2)
    assert {k: ids(v) for k, v in members.items()} == {
        "t": ["notice:1", "notice:3"], "u": ["notice:3", "notice:6"], "empty": [],
    }
    assert asked == ids(items)  # "empty" never fills: every item is asked about once
    asked.clear()
    members = select.by_topic(items, ["t", "u"], tag, 2)
    assert asked == ids(items[:7])  # both full at notice:6: the rest is never tagged
