"""Every real-world case of tests/fixtures/realworld (cut down from what SMHI, Sveriges Radio and
Krisinformation really published) through the real HTTP path, replayed "now" with
:func:`tests.sources.live.shift_times`, stored and published."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from feeder.lifecycle import State, state_of
from tests.sources.live import REALWORLD, Upstreams, realworld, shift_times, times_in

NOW = datetime(2026, 6, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def up(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Upstreams]:
    upstreams = Upstreams(tmp_path, httpserver)
    yield upstreams
    upstreams.close()


def replay(name: str, anchor: datetime, at: datetime) -> bytes:
    """The case with its times moved so that ``anchor`` (a time in it) falls on ``at``."""
    return shift_times(realworld(name), at - anchor)


def test_the_shift_helper_moves_every_time_and_keeps_its_form() -> None:
    raw = realworld("smhi_issued_ahead.json")
    shifted = shift_times(raw, timedelta(days=1, hours=2, milliseconds=5))
    assert b'"published": "2021-09-17T14:56:49.038Z"' in shifted
    assert b'"approximateStart": "2021-09-19T00:00:00.005Z"' in shifted
    assert [t - s for t, s in zip(times_in(shifted), times_in(raw), strict=True)] == [
        timedelta(days=1, hours=2, milliseconds=5)] * len(times_in(raw))
    vma = shift_times(realworld("vma_entity_in_web_no_headline.json"), timedelta(hours=1))
    assert b'"sent": "2021-05-31T16:01:10+02:00"' in vma


def test_every_realworld_file_has_a_test_here() -> None:
    tested = {"smhi_missing_created.json", "smhi_missing_areaname.json",
              "smhi_issued_ahead.json", "vma_entity_in_web_no_headline.json",
              "krisinformation_bodylinks_placeholder.json",
              "krisinformation_country_plus_other_county.json"}
    assert {p.name for p in REALWORLD.glob("*.json")} == tested


@pytest.mark.parametrize("name", ["smhi_missing_created.json", "smhi_missing_areaname.json"])
def test_smhi_fire_message_with_an_optional_field_missing_is_published(
    up: Upstreams, name: str
) -> None:
    published = datetime(2021, 9, 16, 8, 58, 12, tzinfo=UTC)
    up.serve("smhi", replay(name, published, NOW - timedelta(hours=1)))
    outcome = up.poll("smhi", NOW)
    assert outcome.ok and outcome.inserted == ["smhi:3-5"]
    missing = "'created'" if "created" in name else "'areaName'"
    assert any(missing in warning for warning in outcome.warnings), outcome.warnings
    item = up.items("smhi")["smhi:3-5"]
    assert item.title == "Risk för skogsbrand i Västernorrlands län"
    assert item.published == item.updated == item.effective == NOW - timedelta(hours=1)
    assert state_of(item, NOW) is State.ACTIVE
    out = up.publish(NOW)
    assert out.banner_ids() == ["smhi:3-5"]
    assert "Risk för skogsbrand i Västernorrlands län" in out.titles("alerts.atom")


def test_smhi_warning_issued_ahead_is_in_the_feeds_at_once_and_the_banner_in_time(
    up: Upstreams,
) -> None:
    issued = datetime(2021, 9, 16, 12, 56, 49, tzinfo=UTC)
    now = NOW
    up.serve("smhi", replay("smhi_issued_ahead.json", issued, now - timedelta(minutes=4)))
    outcome = up.poll("smhi", now)
    assert outcome.ok and outcome.inserted == ["smhi:6-54"] and outcome.warnings == []
    item = up.items("smhi")["smhi:6-54"]
    start = now - timedelta(minutes=4) + (datetime(2021, 9, 17, 22, tzinfo=UTC) - issued)
    assert item.effective == now - timedelta(minutes=4) and item.onset == start
    assert state_of(item, now) is State.UPCOMING
    # Issued: in the feeds and the alerts feed from this poll, not yet in the banner (its
    # onset is 33 hours ahead, the lookahead 24).
    out = up.publish(now)
    title = "Orange varning: Översvämning – Sundsvalls kommun"
    assert title in out.titles("feed.atom") and title in out.titles("alerts.rss")
    assert out.banner_ids() == []
    # Within the lookahead: in the banner as upcoming, with its start; then active at its onset,
    # with no poll in between.
    out = up.publish(start - timedelta(hours=2))
    [alert] = out.banner["alerts"]
    assert alert["id"] == "smhi:6-54" and alert["upcoming"] is True
    assert alert["starts"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = up.publish(start + timedelta(minutes=1))
    [alert] = out.banner["alerts"]
    assert alert["upcoming"] is False


def test_vma_without_headline_is_titled_from_its_description_and_links_right(
    up: Upstreams,
) -> None:
    sent = datetime(2021, 5, 31, 13, 1, 10, tzinfo=UTC)
    up.serve("vma", replay("vma_entity_in_web_no_headline.json", sent,
                           NOW - timedelta(minutes=2)))
    outcome = up.poll("vma", NOW)
    assert outcome.ok and outcome.inserted == ["vma:SRCAP20210531150110I"]
    item = up.items("vma")["vma:SRCAP20210531150110I"]
    assert item.title == "Viktigt meddelande till allmänheten i Sundsvall i Västernorrlands län"
    assert item.url == "https://sverigesradio.se/sida/artikel.aspx?programid=183&artikel=4489542"
    assert item.effective == NOW - timedelta(minutes=2) and item.onset is None
    assert item.areas == ("2281",)
    out = up.publish(NOW)
    [alert] = out.banner["alerts"]
    assert alert["title"] == item.title and alert["url"] == item.url
    [entry] = out.feeds["alerts.atom"].entries
    assert entry.link == item.url


def test_krisinformation_placeholders_are_links_and_never_published(up: Upstreams) -> None:
    published = datetime(2023, 3, 2, 5, 15, tzinfo=UTC)
    up.serve("krisinformation", replay("krisinformation_bodylinks_placeholder.json", published,
                                       NOW - timedelta(hours=3)))
    outcome = up.poll("krisinformation", NOW)
    assert outcome.ok and outcome.inserted == ["krisinformation:90001"]
    item = up.items("krisinformation")["krisinformation:90001"]
    assert ('<a href="https://sverigesradio.se/vasternorrland" rel="noopener noreferrer">För mer'
            " information lyssna på Sveriges Radio P4 Västernorrland</a>.") in item.body
    assert "{0}" not in item.body and "{" not in item.summary
    assert item.effective == NOW - timedelta(hours=3)
    out = up.publish(NOW)
    for name in ("feed.rss", "feed.atom"):
        [entry] = out.feeds[name].entries
        assert "{0}" not in entry.get("summary", "") + str(entry.get("content", ""))
    assert "{0}" not in (out.folder / "feed.json").read_text(encoding="utf-8")


def test_krisinformation_country_plus_another_county_is_not_ours(up: Upstreams) -> None:
    published = datetime(2023, 3, 2, 5, 15, tzinfo=UTC)
    up.serve("krisinformation", replay("krisinformation_country_plus_other_county.json",
                                       published, NOW - timedelta(hours=1)))
    outcome = up.poll("krisinformation", NOW)
    assert outcome.ok and outcome.inserted == [] and outcome.warnings == []
    assert up.items("krisinformation") == {}
    assert up.publish(NOW).titles() == []
