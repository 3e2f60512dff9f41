from __future__ import annotations

from datetime import timedelta

from feeder.model import SourceState
from feeder.status import stale_moment, status_of, statuses
from tests.common import NOW


def test_fresh_ok_source() -> None:
    state = SourceState("smhi", last_success=NOW, state="ok", since=NOW - timedelta(days=1))
    s = status_of(state, 600, NOW + timedelta(seconds=599))
    assert (s.ok, s.stale, s.since) == (True, False, NOW - timedelta(days=1))
    assert s.stale_at == NOW + timedelta(seconds=600)  # when it turns stale unless polled


def test_stale_after_limit_with_deterministic_since() -> None:
    state = SourceState("smhi", last_success=NOW, state="failing", since=NOW + timedelta(minutes=2),
                        failures=4)
    s = status_of(state, 600, NOW + timedelta(hours=3))
    assert (s.ok, s.stale, s.since) == (False, True, NOW + timedelta(seconds=600))
    # the same at another later instant: since does not move
    assert status_of(state, 600, NOW + timedelta(hours=5)).since == s.since


def test_failing_but_not_yet_stale() -> None:
    state = SourceState("smhi", last_success=NOW, state="failing", since=NOW + timedelta(minutes=2))
    s = status_of(state, 600, NOW + timedelta(minutes=3))
    assert (s.ok, s.stale, s.since) == (False, False, NOW + timedelta(minutes=2))


def test_never_succeeded() -> None:
    new = SourceState("smhi")
    assert stale_moment(new, 600) is None
    assert status_of(new, 600, NOW).stale is False
    assert status_of(new, 600, NOW).stale_at is None
    failing = SourceState("smhi", state="failing", since=NOW)
    assert status_of(failing, 600, NOW + timedelta(seconds=600)).stale is True


def test_statuses_cover_enabled_sources(config) -> None:  # type: ignore[no-untyped-def]
    result = statuses(config, {}, NOW)
    assert list(result) == config.enabled_sources
    assert all(not s.ok and not s.stale for s in result.values())
