"""The plan: what every output shows, selected once (pure; no store, no files)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feeder import topics
from feeder.config import Config
from feeder.ladder import Level
from feeder.model import Item, SourceState, SourceStatus
from feeder.publish import plan
from feeder.publish.entry import Entry
from feeder.status import statuses
from tests.builders import HOUR, NOW, TOPIC_ID, ConfigFactory, fire_risk, make_item, news, scenario

OK = SourceStatus("smhi", ok=True, stale=False, since=NOW - HOUR, stale_at=NOW + HOUR)


def ids(entries: tuple[Entry, ...]) -> list[str]:
    return [entry.item.id for entry in entries]


def test_every_output_of_a_mixed_morning(cfg: Config) -> None:
    chosen = plan.make(scenario(), {"smhi": OK}, cfg, NOW)
    feed = ["notice:storm", "smhi:100-22", "notice:water", "smhi:99-22", "notice:meeting",
            news().id]
    assert ids(chosen.feed.entries) == feed
    assert ids(chosen.alerts.entries) == feed[:4]
    assert [spec.name for spec in chosen.feeds] == ["feed", "alerts", f"topics/{TOPIC_ID}"]
    assert ids(chosen.topic_feeds[0].entries) == ["notice:meeting", news().id]
    assert ids(chosen.banner) == ids(chosen.current) == ["notice:storm", "smhi:100-22"]
    assert chosen.latest == chosen.feed.entries
    assert chosen.next_change == NOW + HOUR  # smhi's stale_at; "Planerat avbrott" at + 2 h
    assert chosen.feed.updated == NOW - HOUR  # the newest entry (the storm)
    assert chosen.stale_note == ""


def test_an_item_is_one_entry_in_every_output(cfg: Config) -> None:
    chosen = plan.make(scenario(), {}, cfg, NOW)
    storm = chosen.entries["notice:storm"]
    assert chosen.feed.entries[0] is storm and chosen.alerts.entries[0] is storm
    assert chosen.banner[0] is storm and chosen.current[0] is storm
    shown = {e.item.id for spec in chosen.feeds for e in spec.entries} | set(ids(chosen.banner))
    assert set(chosen.entries) == shown  # built for what is shown, and only that
    assert chosen.entries[news().id].topics == (TOPIC_ID,)


def test_each_item_is_matched_at_most_once_and_only_while_needed(
    make_config: ConfigFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = make_config(feeds={"max_items": 3})
    matched: list[str] = []
    real = topics.haystack

    def counting(item: Item) -> str:
        matched.append(item.id)
        return real(item)

    monkeypatch.setattr(topics, "haystack", counting)
    items = [news(url=f"https://www.lansstyrelsen.se/a/{n:02}.html", updated=NOW - n * HOUR)
             for n in range(40)]
    chosen = plan.make(items, {}, cfg, NOW)
    assert len(chosen.topic_feeds[0].entries) == 3
    assert matched == [item.id for item in items[:3]]  # the topic is full after three


def test_banner_min_level(make_config: ConfigFactory) -> None:
    items = [make_item(f"notice:{level.label}", level=level) for level in Level]
    by_level = {
        "info": ["notice:critical", "notice:severe", "notice:warning", "notice:notice",
                 "notice:info"],
        "warning": ["notice:critical", "notice:severe", "notice:warning"],
    }
    for min_level, expected in by_level.items():
        chosen = plan.make(items, {}, make_config(banner={"min_level": min_level}), NOW)
        assert ids(chosen.banner) == expected
        assert ids(chosen.current) == by_level["info"][:4]  # index: notice and up, always


def test_next_change_is_the_first_moment_due(cfg: Config) -> None:
    items = [fire_risk(expires=NOW + 3 * HOUR),
             make_item(effective=NOW + 2 * HOUR, onset=NOW + 2 * HOUR)]
    assert plan.make(items, {}, cfg, NOW).next_change == NOW + 2 * HOUR
    soon = SourceStatus("smhi", ok=True, stale=False, since=NOW, stale_at=NOW + HOUR)
    assert plan.make(items, {"smhi": soon}, cfg, NOW).next_change == NOW + HOUR
    gone = SourceStatus("smhi", ok=False, stale=True, since=NOW - HOUR, stale_at=NOW - HOUR)
    assert plan.make([], {"smhi": gone}, cfg, NOW).next_change is None  # already stale


def test_feeds_are_dated_from_data(cfg: Config) -> None:
    empty = plan.make([], {}, cfg, NOW)
    assert {spec.updated for spec in empty.feeds} == {plan.EPOCH}
    stale = SourceStatus("lansstyrelsen", ok=False, stale=True, since=NOW - HOUR)
    dated = plan.make([news()], {"lansstyrelsen": stale}, cfg, NOW)
    assert dated.feed.updated == NOW - HOUR  # when the source went stale: newer than the news
    assert dated.alerts.updated == NOW - HOUR
    assert "Obs! Uppgifterna från Länsstyrelsen" in dated.feed.description


def test_the_plan_follows_the_statuses_of_the_store(cfg: Config) -> None:
    states = {"smhi": SourceState("smhi", last_success=NOW, state="ok", since=NOW)}
    current = statuses(cfg, states, NOW + timedelta(minutes=5))
    chosen = plan.make([fire_risk()], current, cfg, NOW + timedelta(minutes=5))
    assert chosen.next_change == NOW + timedelta(seconds=600)  # smhi's stale_after
    assert list(chosen.statuses) == cfg.enabled_sources


def test_stale_note_names_the_stale_sources() -> None:
    ok = SourceStatus("smhi", ok=True, stale=False, since=NOW - HOUR)
    stale = SourceStatus("lansstyrelsen", ok=False, stale=True, since=NOW - HOUR,
                         last_success=NOW - 3 * HOUR)
    never = SourceStatus("vma", ok=False, stale=True, since=NOW - HOUR)
    assert plan.stale_note({"smhi": ok}) == ""
    note = plan.stale_note({"smhi": ok, "lansstyrelsen": stale, "vma": never})
    assert "Länsstyrelsen (senast hämtat 12 juni 2026 kl. 09.00)" in note
    assert "Sveriges Radio (VMA) (aldrig hämtat)" in note and "SMHI" not in note
