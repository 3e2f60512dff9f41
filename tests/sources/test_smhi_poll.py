"""The SMHI warnings source polled over real HTTP on 127.0.0.1 with the real Fetcher and a real
SQLite store (tests/sources/support.py), and what its items make of the banner."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from feeder import USER_AGENT
from feeder.lifecycle import State, state_of
from feeder.sources.base import ParseContext
from feeder.sources.smhi import WARNINGS_PAGE, parse
from tests.sources.support import NOW, WARNING_FILES, SmhiEnv, fixture_bytes

FIRE_ID = "smhi:3411-10470"
WIND_ID = "smhi:3420-10480"
LATER = NOW + timedelta(minutes=2)


# --------------------------------------------------------------------------------- over HTTP


@pytest.mark.parametrize("name", WARNING_FILES)
def test_every_fixture_through_a_real_poll(env: SmhiEnv, name: str) -> None:
    env.serve(name, headers={"ETag": '"v1"'})
    outcome = env.poll()
    assert outcome.ok, outcome.error
    expected = parse(fixture_bytes(name), ParseContext(env.config.region, NOW)).items
    assert outcome.inserted == [i.id for i in expected]
    assert list(env.items().values()) == expected
    state = env.store.source_state("smhi")
    assert (state.state, state.etag, state.last_success) == ("ok", '"v1"', NOW)


def test_polite_request_headers(env: SmhiEnv) -> None:
    env.serve("ibww_empty.json", expect_headers={"User-Agent": USER_AGENT})
    assert env.poll().ok
    [(request, _)] = env.server.log
    assert "feeder" in request.headers["User-Agent"]
    assert "gzip" in request.headers["Accept-Encoding"]
    assert request.headers["Accept"] == "application/json"
    assert "If-None-Match" not in request.headers  # nothing stored yet


def test_gzipped_response(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json", gzipped=True)
    outcome = env.poll()
    assert outcome.ok and outcome.inserted == [FIRE_ID]


def test_update_in_place(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    before = env.items()[FIRE_ID]
    env.serve("ibww_updated.json")
    outcome = env.poll(now=LATER)
    assert outcome.ok and outcome.updated == [FIRE_ID] and outcome.inserted == []
    after = env.items()
    assert list(after) == [FIRE_ID]
    item = after[FIRE_ID]
    assert item.updated == datetime(2026, 6, 12, 9, 47, 5, tzinfo=UTC) > before.updated
    assert item.expires == datetime(2026, 6, 16, 22, tzinfo=UTC)
    assert item.published == before.published
    assert "lokalt extremt stor" in item.body
    assert item.ended is None


def test_unchanged_repoll_writes_nothing(env: SmhiEnv) -> None:
    env.serve("ibww_mixed_levels.json")
    env.poll()
    version = env.store.data_version()
    env.restart()  # a new process: the body has to be parsed again
    env.serve("ibww_mixed_levels.json")
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert outcome.ok and not outcome.not_modified
    assert (outcome.inserted, outcome.updated, outcome.ended) == ([], [], [])
    assert outcome.unchanged == 2
    assert env.store.data_version() == version


def test_disappearance_ends_the_item_at_that_poll(env: SmhiEnv) -> None:
    env.serve("ibww_mixed_levels.json")
    env.poll()
    env.serve("ibww_fire_message_vasternorrland.json")  # the orange wind warning is withdrawn
    later = NOW + timedelta(minutes=4)
    outcome = env.poll(now=later)
    assert outcome.ended == [WIND_ID]
    items = env.items()
    assert items[WIND_ID].ended == later
    assert state_of(items[WIND_ID], datetime(2026, 6, 12, 16, tzinfo=UTC)) is not State.ACTIVE
    assert items[FIRE_ID].ended is None
    env.serve("ibww_empty.json")  # all clear in Sweden
    outcome = env.poll(now=later + timedelta(minutes=2))
    assert outcome.ok and outcome.ended == [FIRE_ID]
    assert set(env.items()) == {FIRE_ID, WIND_ID}  # kept, marked as ended


def test_an_item_that_simply_expired_is_not_ended(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    after_end = datetime(2026, 6, 15, tzinfo=UTC)
    env.serve("ibww_fire_message_vasternorrland.json")  # still listed after its end
    outcome = env.poll(now=after_end)
    assert outcome.ok and outcome.ended == []
    env.serve("ibww_empty.json")
    outcome = env.poll(now=after_end + timedelta(minutes=2))
    assert outcome.ended == []
    item = env.items()[FIRE_ID]
    assert item.ended is None and state_of(item, after_end).over


def test_open_ended_message_stays_until_withdrawn(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    env = SmhiEnv(tmp_path, httpserver, region={"name": "Uppsala län", "county_id": 3})
    try:
        env.serve("ibww_mixed_levels.json")
        env.poll()
        [item] = env.items().values()
        assert item.expires is None and state_of(item, NOW + timedelta(days=30)) is State.ACTIVE
        env.serve("ibww_mixed_levels.json")
        much_later = NOW + timedelta(days=30)
        assert env.poll(now=much_later).ended == []
        env.serve("ibww_empty.json")
        assert env.poll(now=much_later + timedelta(minutes=2)).ended == [item.id]
    finally:
        env.close()


def test_304_sends_validators_and_rewrites_nothing(env: SmhiEnv) -> None:
    validators = {"ETag": '"abc"', "Last-Modified": "Fri, 12 Jun 2026 09:47:05 GMT"}
    env.serve("ibww_mixed_levels.json", headers=validators)
    env.poll()
    items, version = env.items(), env.store.data_version()
    env.serve(b"", status=304, expect_headers={
        "If-None-Match": '"abc"', "If-Modified-Since": "Fri, 12 Jun 2026 09:47:05 GMT",
    })
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert outcome.ok and outcome.not_modified
    assert (outcome.inserted, outcome.updated, outcome.ended) == ([], [], [])
    assert env.items() == items and env.store.data_version() == version
    state = env.store.source_state("smhi")
    assert (state.etag, state.last_modified) == ('"abc"', "Fri, 12 Jun 2026 09:47:05 GMT")
    assert state.last_success == NOW + timedelta(minutes=2)
    assert env.requests_made() == 2


def test_same_body_without_validators_counts_as_not_modified(env: SmhiEnv) -> None:
    env.serve("ibww_mixed_levels.json")
    env.poll()
    version = env.store.data_version()
    env.serve("ibww_mixed_levels.json", headers={"ETag": '"new"'})
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert outcome.ok and outcome.not_modified
    assert env.store.data_version() == version
    assert env.store.source_state("smhi").etag == '"new"'  # the server's current validator


def test_same_body_is_parsed_again_when_the_store_differs(env: SmhiEnv) -> None:
    """The memo never masks a change made elsewhere (here: an item ended behind its back)."""
    env.serve("ibww_mixed_levels.json")
    env.poll()
    env.store.end_missing("smhi", [FIRE_ID], NOW)  # as if another process had ended it
    env.serve("ibww_mixed_levels.json")
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert not outcome.not_modified
    assert outcome.updated == [WIND_ID]  # un-ended: SMHI still lists it
    assert env.items()[WIND_ID].ended is None


def test_a_changed_body_is_parsed(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    env.serve("ibww_updated.json")
    outcome = env.poll(now=NOW + timedelta(minutes=2))
    assert not outcome.not_modified and outcome.updated == [FIRE_ID]


def test_poll_result_is_complete_and_carries_validators(env: SmhiEnv) -> None:
    """poll() on its own: a complete list (so vanished items are ended), the validators."""
    from feeder.sources.base import PollContext

    env.serve("ibww_fire_message_vasternorrland.json",
              headers={"ETag": 'W/"x"', "Last-Modified": "Fri, 12 Jun 2026 09:00:00 GMT"})
    state = env.store.source_state("smhi")
    ctx = PollContext(env.config, env.config.sources["smhi"], state, {}, NOW, env.fetcher,
                      lambda _s: None)
    result = env.source.poll(ctx)
    assert result.complete and not result.not_modified
    assert [i.id for i in result.items] == [FIRE_ID]
    assert (result.etag, result.last_modified) == ('W/"x"', "Fri, 12 Jun 2026 09:00:00 GMT")


# --------------------------------------------------------------------------------- to the banner


def _banner(env: SmhiEnv, now: datetime) -> dict[str, Any]:
    from feeder.publish import publish

    publish(env.store, env.config, now)
    data = json.loads((env.config.storage.output_dir / "banner.json").read_bytes())
    return data  # type: ignore[no-any-return]


def test_fire_risk_reaches_the_banner(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    banner = _banner(env, NOW)
    alert = banner["alert"]
    assert alert["id"] == FIRE_ID
    assert alert["title"] == "Risk för skogsbrand i Västernorrlands län"
    assert (alert["level"], alert["level_name"]) == (2, "notice")
    assert alert["source"] == "SMHI" and alert["url"] == WARNINGS_PAGE
    assert (alert["starts"], alert["expires"]) == ("2026-06-10T22:00:00Z", "2026-06-14T22:00:00Z")
    assert alert["areas"] == []
    assert "Skogsbrandsrisken är stor till mycket stor" in alert["text"]
    assert banner["sources"]["smhi"]["ok"] is True


def test_banner_keeps_the_alert_across_failures_and_turns_stale(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    assert _banner(env, NOW)["alert"]["id"] == FIRE_ID
    failures = [
        {"body": b"oops", "status": 500},
        {"body": b"<html><title>Underh\xc3\xa5ll</title></html>", "content_type": "text/html"},
        {"body": fixture_bytes("ibww_updated.json")[:2000]},
        {"body": b'{"error": "busy"}'},
        {"body": b"", "status": 429, "headers": {"Retry-After": "60"}},
    ]
    for step, failure in enumerate(failures, start=1):
        now = NOW + timedelta(minutes=step)
        env.serve(**failure)  # type: ignore[arg-type]
        outcome = env.poll(now=now, respect_backoff=False)
        assert not outcome.ok
        banner = _banner(env, now)
        assert banner["alert"] is not None and banner["alert"]["id"] == FIRE_ID
        assert [a["id"] for a in banner["alerts"]] == [FIRE_ID]
        assert banner["sources"]["smhi"]["ok"] is False
        assert banner["sources"]["smhi"]["stale"] is False
    # stale_after (600 s) after the last success: stale, and the alert is still shown.
    banner = _banner(env, NOW + timedelta(seconds=600))
    assert banner["sources"]["smhi"]["stale"] is True and banner["stale"] is True
    assert banner["alert"]["id"] == FIRE_ID


def test_expired_alert_leaves_the_banner_without_a_poll(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    assert _banner(env, NOW)["alert"]["id"] == FIRE_ID
    made = env.requests_made()
    end = datetime(2026, 6, 14, 22, tzinfo=UTC)
    assert _banner(env, end - timedelta(seconds=1))["alert"]["id"] == FIRE_ID
    banner = _banner(env, end)
    assert banner["alert"] is None and banner["alerts"] == []
    assert env.requests_made() == made  # nobody asked SMHI
    assert env.items()[FIRE_ID].ended is None  # expired, not ended


def test_publish_schedules_the_next_change(env: SmhiEnv) -> None:
    from feeder.publish import publish

    env.serve("ibww_mixed_levels.json")
    env.poll()
    # The orange wind warning begins at 15:00 UTC: the next change to publish at (it turns from
    # upcoming to active), unless a source turns stale before.
    onset = datetime(2026, 6, 12, 15, tzinfo=UTC)
    assert publish(env.store, env.config, NOW).next_change == min(
        onset, NOW + timedelta(seconds=600))
    before = _banner(env, NOW)  # within banner.lookahead (24 h): shown, marked upcoming
    assert [(a["id"], a["upcoming"]) for a in before["alerts"]] == [
        (WIND_ID, True), (FIRE_ID, False)]  # severe first, even upcoming
    assert before["alert"]["starts"] == "2026-06-12T15:00:00Z"
    banner = _banner(env, onset)
    assert [(a["id"], a["upcoming"]) for a in banner["alerts"]] == [
        (WIND_ID, False), (FIRE_ID, False)]
    assert banner["alert"]["title"] == "Orange varning: Vind – Västernorrlands län, kustland"


def test_withdrawn_warning_leaves_the_banner_at_the_next_publish(env: SmhiEnv) -> None:
    env.serve("ibww_fire_message_vasternorrland.json")
    env.poll()
    assert _banner(env, NOW)["alert"]["id"] == FIRE_ID
    env.serve("ibww_empty.json")
    assert env.poll(now=LATER).ended == [FIRE_ID]
    assert _banner(env, LATER)["alert"] is None



def test_parse_warnings_reach_the_outcome_and_the_log(
    env: SmhiEnv, caplog: pytest.LogCaptureFixture
) -> None:
    data = json.loads(fixture_bytes("ibww_fire_message_vasternorrland.json"))
    data[0]["warningAreas"][0]["warningLevel"] = {"sv": "Lila", "en": "Purple", "code": "PURPLE"}
    env.serve(json.dumps(data).encode())
    with caplog.at_level(logging.WARNING, logger="feeder.poll"):
        outcome = env.poll()
    assert outcome.ok and outcome.inserted == [FIRE_ID]
    assert any("PURPLE" in warning for warning in outcome.warnings)
    assert any("PURPLE" in record.getMessage() for record in caplog.records)
