"""VMA polls over loopback HTTP: the real Fetcher against pytest-httpserver on 127.0.0.1, stored
into a real SQLite file through feeder.poll.poll_source, the same path as production; and what a
VMA does to the banner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from feeder.config import Config
from feeder.fetch import Fetcher
from feeder.ladder import Level, for_smhi
from feeder.model import Item
from feeder.poll import PollOutcome, poll_source
from feeder.publish import publish
from feeder.publish.select import banner_alerts
from feeder.sources import Source, build_sources
from feeder.store import Store
from tests.sources.vma_support import (
    CANCEL_AT,
    EXPIRES,
    KI_PATH,
    SENT,
    SR_PATH,
    SUNDSVALL,
    UPDATE_EXPIRES,
    UPDATE_SENT,
    body,
    cap,
    dumps,
    region_config,
    utc,
)


@dataclass
class Env:
    server: HTTPServer
    config: Config
    store: Store
    fetcher: Fetcher
    path: str
    source: Source

    def serve(self, name: str | None = None, *, status: int = 200, data: bytes | None = None,
              content_type: str = "application/json", headers: dict[str, str] | None = None,
              query: dict[str, str] | None = None) -> None:
        self.server.clear()
        self.server.expect_request(self.path, query_string=query).respond_with_data(
            data if data is not None else body(name or ""), status=status,
            content_type=content_type, headers=headers,
        )

    def poll(self, now: datetime, *, respect_backoff: bool = False) -> PollOutcome:
        return poll_source(self.source, self.store, self.config, self.fetcher, now=now,
                           sleep=lambda _s: None, respect_backoff=respect_backoff)

    def vmas(self) -> list[Item]:
        return self.store.items("vma")


def _env(tmp_path: Path, server: HTTPServer, path: str) -> Iterator[Env]:
    config = region_config(tmp_path, url=server.url_for(path), interval=60, stale_after=600)
    with Store(config.storage.database) as store, Fetcher(config.http) as fetcher:
        yield Env(server, config, store, fetcher, path, build_sources(config)["vma"])


@pytest.fixture
def sr(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Env]:
    yield from _env(tmp_path, httpserver, SR_PATH)


@pytest.fixture
def ki(tmp_path: Path, httpserver: HTTPServer) -> Iterator[Env]:
    yield from _env(tmp_path, httpserver, KI_PATH)


def smhi_orange(now: datetime) -> Item:
    ranking = for_smhi("ORANGE")
    return Item(
        id="smhi:900001-22", source="smhi", level=ranking.level, level_reason=ranking.reason,
        title="Orange varning för mycket höga flöden i Västernorrlands län",
        body="<p>Mycket höga flöden väntas.</p>", published=now - timedelta(minutes=5),
        updated=now, onset=now - timedelta(minutes=5), expires=now + timedelta(days=1),
        credit="SMHI",
    )


def test_county_vma_tops_the_banner_above_an_smhi_orange_warning(sr: Env) -> None:
    now = SENT + timedelta(minutes=5)
    sr.store.upsert([smhi_orange(now)], now)  # SMHI's orange warning, newer than the VMA
    sr.serve("sr_vma_alerts_cap.json")
    outcome = sr.poll(now)
    assert outcome.ok and outcome.inserted == [SUNDSVALL]
    banner = banner_alerts(sr.store.items(), sr.config.banner.min_level, now)
    assert [i.id for i in banner] == [SUNDSVALL, "smhi:900001-22"]
    top = banner[0]
    assert top.level is Level.CRITICAL and top.source_name == "Sveriges Radio / VMA"
    assert top.areas == ("2281",)


def test_banner_json_carries_the_vma_first(sr: Env) -> None:
    """The published banner.json (PRODUCT.md's interface), not only the selection."""
    now = SENT + timedelta(minutes=5)
    sr.store.upsert([smhi_orange(now)], now)
    sr.serve("sr_vma_alerts_cap.json")
    assert sr.poll(now).ok
    publish(sr.store, sr.config, now)
    doc = json.loads((sr.config.storage.output_dir / "banner.json").read_bytes())
    assert doc["alert"]["id"] == SUNDSVALL
    assert [a["id"] for a in doc["alerts"]] == [SUNDSVALL, "smhi:900001-22"]
    first = doc["alerts"][0]
    assert (first["level"], first["level_name"]) == (5, "critical")
    assert first["source"] == "Sveriges Radio / VMA"
    assert first["areas"] == ["2281"]
    assert first["expires"] == "2022-06-01T19:41:00Z"


def test_poll_sends_accept_json_and_stores_nothing_twice(sr: Env) -> None:
    sr.serve("sr_vma_alerts_cap.json")
    first = sr.poll(SENT)
    second = sr.poll(SENT + timedelta(minutes=1))
    assert first.inserted == [SUNDSVALL]
    assert second.ok and second.changed is False and second.unchanged == 1
    request, _ = sr.server.log[0]
    assert "application/json" in request.headers["Accept"]


def test_update_replaces_the_alert_it_references(sr: Env) -> None:
    sr.serve("sr_vma_alerts_cap.json")
    sr.poll(SENT + timedelta(minutes=1))
    sr.serve("sr_vma_update.json")
    outcome = sr.poll(UPDATE_SENT + timedelta(minutes=1))
    assert outcome.updated == [SUNDSVALL] and outcome.inserted == [] and outcome.ended == []
    [item] = sr.vmas()
    assert item.title.startswith("Uppdatering:")
    assert item.areas == ("2262", "2281")
    assert (item.published, item.updated, item.expires) == (SENT, UPDATE_SENT, UPDATE_EXPIRES)

    sr.serve("sr_vma_update_only.json")  # the original drops out of the list: nothing changes
    later = sr.poll(UPDATE_SENT + timedelta(minutes=30))
    assert later.ok and later.changed is False
    assert sr.store.get(SUNDSVALL) == item


def test_cancel_ends_the_alert_at_once(sr: Env) -> None:
    sr.serve("sr_vma_update.json")
    sr.poll(UPDATE_SENT)
    sr.serve("sr_vma_cancel.json")
    outcome = sr.poll(CANCEL_AT)
    assert outcome.ok and outcome.ended == [SUNDSVALL] and outcome.inserted == []
    [item] = sr.vmas()  # nothing new for the Cancel message itself
    assert item.ended == CANCEL_AT
    assert banner_alerts(sr.store.items(), Level.NOTICE, CANCEL_AT) == []
    sr.serve("sr_vma_empty.json")
    assert sr.poll(CANCEL_AT + timedelta(minutes=1)).changed is False
    assert sr.store.get(SUNDSVALL).ended == CANCEL_AT


@pytest.mark.parametrize("name", ["sr_vma_test.json", "sr_vma_other_county.json"])
def test_test_messages_and_other_counties_never_reach_the_store(sr: Env, name: str) -> None:
    sr.serve(name)
    outcome = sr.poll(utc("2022-06-03T10:30:00+02:00"))
    assert outcome.ok and outcome.warnings == []
    assert sr.vmas() == []


def test_krisinformation_test_message_never_published(ki: Env) -> None:
    ki.serve("vmas_test.json", query={"language": "sv"})
    assert ki.poll(SENT).ok
    assert ki.vmas() == []


def test_national_vma_is_kept_for_the_whole_county(sr: Env) -> None:
    now = utc("2022-06-04T09:05:00+02:00")
    sr.serve("sr_vma_national.json")
    outcome = sr.poll(now)
    assert outcome.inserted == ["vma:SR-VMA-2022-0604-0001", "vma:SR-VMA-2022-0604-0002"]
    banner = banner_alerts(sr.store.items(), Level.NOTICE, now)
    assert [(i.id, i.areas) for i in banner] == [
        ("vma:SR-VMA-2022-0604-0002", ()), ("vma:SR-VMA-2022-0604-0001", ())]


@pytest.mark.parametrize(
    ("fixture", "which"),
    [("sr_vma_empty.json", "sr"), ("vmas_empty.json", "ki")],
)
def test_empty_list_is_the_normal_state_and_ends_running_vmas(
    fixture: str, which: str, request: pytest.FixtureRequest
) -> None:
    env: Env = request.getfixturevalue(which)
    query = {"language": "sv"} if which == "ki" else None
    env.serve("sr_vma_alerts_cap.json" if which == "sr" else "vmas.json", query=query)
    env.poll(SENT + timedelta(minutes=1))
    [running] = env.vmas()
    env.serve(fixture, query=query)
    later = SENT + timedelta(minutes=30)
    outcome = env.poll(later)
    assert outcome.ok and outcome.error is None
    assert outcome.ended == [running.id]
    assert env.store.get(running.id).ended == later
    state = env.store.source_state("vma")
    assert state.state == "ok" and state.last_error is None


@pytest.mark.parametrize(
    ("serve", "reason"),
    [
        ({"status": 500, "data": b"oops"}, "HTTP 500"),
        ({"name": "sr_vma_maintenance.html", "content_type": "text/html"}, "not JSON"),
        ({"name": "sr_vma_wrong_shape.json"}, "alerts"),
        ({"data": b'{"alerts": [{"status": "Actual"}, 7]}'}, "could be read"),
    ],
)
def test_failures_keep_the_last_good_vma_until_it_expires(
    sr: Env, serve: dict[str, Any], reason: str
) -> None:
    sr.serve("sr_vma_alerts_cap.json")
    sr.poll(SENT + timedelta(minutes=1))
    sr.serve(**serve)
    for minutes in (10, 20, 30):  # repeated failures: never deleted, never ended
        outcome = sr.poll(SENT + timedelta(minutes=minutes))
        assert not outcome.ok and reason in (outcome.error or "")
    [item] = sr.vmas()
    assert item.ended is None
    state = sr.store.source_state("vma")
    assert state.state == "failing" and state.failures == 3 and reason in (state.last_error or "")
    before_expiry = EXPIRES - timedelta(minutes=1)
    assert [i.id for i in banner_alerts(sr.store.items(), Level.NOTICE, before_expiry)] == [
        SUNDSVALL]
    assert banner_alerts(sr.store.items(), Level.NOTICE, EXPIRES) == []


def test_a_partly_unreadable_list_adds_but_never_ends(sr: Env) -> None:
    sr.serve("sr_vma_alerts_cap.json")
    sr.poll(SENT)
    new = cap("N1", "Alert", "2022-06-01T10:00:00+02:00")
    broken = {"identifier": "B1", "status": "Actual", "msgType": "Alert", "info": None}
    sr.serve(data=dumps({"alerts": [new, broken, "garbage"]}))
    outcome = sr.poll(SENT + timedelta(minutes=20))
    assert outcome.ok and outcome.inserted == ["vma:N1"] and outcome.ended == []
    assert any("partly unreadable" in w for w in outcome.warnings)
    assert sr.store.get(SUNDSVALL).ended is None
    cancel = {"identifier": "C9", "status": "Actual", "msgType": "Cancel", "sent":
              "2022-06-01T10:30:00+02:00", "references": "MSB,SR-VMA-2022-0601-0001,x"}
    sr.serve(data=dumps({"alerts": [new, cancel, "garbage"]}))  # a cancel still ends
    outcome = sr.poll(SENT + timedelta(minutes=50))
    assert outcome.ended == [SUNDSVALL]


@pytest.mark.parametrize(
    ("change", "fails"),
    [
        ({"status": None}, True),  # a renamed field: not taken for a test, not taken as real
        ({"info": [{"language": "sv-SE", "headline": "VMA", "area": [{"code": "x"}]}]}, True),
        ({"info": None}, False),  # no text now: the stored text stays, with a warning
    ],
)
def test_a_message_that_cannot_be_used_ends_nothing(
    sr: Env, change: dict[str, Any], fails: bool
) -> None:
    sr.serve("sr_vma_alerts_cap.json")
    sr.poll(SENT)
    stored = sr.store.get(SUNDSVALL)
    doc = json.loads(body("sr_vma_alerts_cap.json"))
    doc["alerts"][0].update(change)
    sr.serve(data=dumps(doc))
    outcome = sr.poll(SENT + timedelta(minutes=10))
    if fails:
        assert not outcome.ok and "could" in (outcome.error or "")
    else:
        assert outcome.ok and outcome.warnings and not outcome.changed
    assert sr.store.get(SUNDSVALL) == stored


def test_an_update_with_an_unreadable_area_keeps_the_stored_vma(sr: Env) -> None:
    sr.serve("sr_vma_alerts_cap.json")
    sr.poll(SENT)
    doc = json.loads(body("sr_vma_update_only.json"))
    doc["alerts"][0]["info"][0]["area"] = [{"polygon": "62.3,17.2 62.4,17.3"}]
    doc["alerts"].append(cap("N2", "Alert", "2022-06-01T11:00:00+02:00"))
    sr.serve(data=dumps(doc))
    outcome = sr.poll(UPDATE_SENT + timedelta(minutes=5))
    assert outcome.ok and outcome.inserted == ["vma:N2"] and outcome.ended == []
    assert any("no area" in w for w in outcome.warnings)
    item = sr.store.get(SUNDSVALL)
    assert item.ended is None and item.updated == SENT  # as it was: the update is not applied


def test_conditional_request_and_304(sr: Env) -> None:
    sr.serve("sr_vma_alerts_cap.json", headers={"ETag": '"v1"'})
    sr.poll(SENT)
    assert sr.store.source_state("vma").etag == '"v1"'
    sr.server.clear()
    sr.server.expect_request(SR_PATH, headers={"If-None-Match": '"v1"'}).respond_with_data(
        b"", status=304)
    outcome = sr.poll(SENT + timedelta(minutes=5))
    assert outcome.ok and outcome.not_modified and outcome.ended == []
    assert sr.store.get(SUNDSVALL).ended is None
    assert sr.store.source_state("vma").etag == '"v1"'


def test_backoff_after_repeated_failures_then_recovery(sr: Env) -> None:
    sr.serve(status=503, data=b"busy", headers={"Retry-After": "120"})
    first = sr.poll(SENT, respect_backoff=True)
    assert not first.ok and "HTTP 503" in (first.error or "")
    skipped = sr.poll(SENT + timedelta(seconds=30), respect_backoff=True)
    assert skipped.skipped
    sr.serve("sr_vma_alerts_cap.json")
    recovered = sr.poll(SENT + timedelta(minutes=3), respect_backoff=True)
    assert recovered.ok and recovered.inserted == [SUNDSVALL]


# --------------------------------------------------------------------------- stays ended


def test_cancel_then_relisted_original_stays_ended_then_a_newer_update_reopens(
    sr: Env,
) -> None:
    """A lagging cache lists the cancelled alert again (same ``sent``): it stays ended; only a
    newer message re-opens it (issue 12, item 3)."""
    sr.serve("sr_vma_alerts_cap.json")
    assert sr.poll(SENT + timedelta(minutes=1)).inserted == [SUNDSVALL]
    sr.serve("sr_vma_cancel.json")
    assert sr.poll(CANCEL_AT).ended == [SUNDSVALL]
    cancelled = sr.store.get(SUNDSVALL)

    sr.serve("sr_vma_alerts_cap.json")  # the original again, from a lagging cache
    again = sr.poll(CANCEL_AT + timedelta(minutes=1))
    assert again.ok and not again.changed and again.unchanged == 1
    assert sr.store.get(SUNDSVALL) == cancelled and cancelled.ended == CANCEL_AT
    assert banner_alerts(sr.store.items(), Level.NOTICE, CANCEL_AT + timedelta(minutes=1)) == []

    older = cap("SR-VMA-2022-0601-0009", "Update", "2022-06-01T09:00:00+02:00",
                refs="MSB,SR-VMA-2022-0601-0001,2022-06-01T09:41:00+02:00")
    sr.serve(data=dumps({"alerts": [older]}))  # an update older than what was stored
    assert not sr.poll(CANCEL_AT + timedelta(minutes=2)).changed
    assert sr.store.get(SUNDSVALL).ended == CANCEL_AT

    newer_at = CANCEL_AT + timedelta(minutes=30)
    newer = cap("SR-VMA-2022-0601-0004", "Update", newer_at.isoformat(),
                refs="MSB,SR-VMA-2022-0601-0001,2022-06-01T09:41:00+02:00",
                headline="Nytt VMA i Sundsvall")
    sr.serve(data=dumps({"alerts": [newer]}))
    reopened = sr.poll(newer_at + timedelta(minutes=1))
    assert reopened.updated == [SUNDSVALL] and reopened.inserted == []
    item = sr.store.get(SUNDSVALL)
    assert item.ended is None and item.updated == newer_at and item.title == "Nytt VMA i Sundsvall"
    assert [i.id for i in banner_alerts(sr.store.items(), Level.NOTICE,
                                        newer_at + timedelta(minutes=1))] == [SUNDSVALL]


def test_a_vanished_vma_listed_again_unchanged_stays_ended(sr: Env) -> None:
    sr.serve("sr_vma_alerts_cap.json")
    sr.poll(SENT + timedelta(minutes=1))
    sr.serve("sr_vma_empty.json")
    gone = SENT + timedelta(minutes=5)
    assert sr.poll(gone).ended == [SUNDSVALL]
    sr.serve("sr_vma_alerts_cap.json")
    assert not sr.poll(gone + timedelta(minutes=1)).changed
    assert sr.store.get(SUNDSVALL).ended == gone
