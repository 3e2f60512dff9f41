from __future__ import annotations

from datetime import timedelta

from feeder.model import SourceState
from feeder.status import (
    Condition,
    banner_state,
    condition,
    missing,
    stale_moment,
    state_since,
    status_of,
    statuses,
)
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


def test_conditions_unknown_is_never_all_clear() -> None:
    never = status_of(SourceState("smhi"), 600, NOW)
    assert condition(never) is Condition.UNKNOWN and state_since(never) is None
    first_failure = NOW - timedelta(minutes=5)
    refused = SourceState("smhi", state="failing", since=first_failure, failures=3,
                          last_attempt=NOW)
    for later in (NOW, NOW + timedelta(hours=2)):  # before and after stale_after
        s = status_of(refused, 600, later)
        assert condition(s) is Condition.UNKNOWN and state_since(s) == first_failure
    good = SourceState("smhi", last_success=NOW, state="ok", since=NOW - timedelta(days=1))
    assert condition(status_of(good, 600, NOW)) is Condition.OK
    failing = SourceState("smhi", last_success=NOW, state="failing", since=NOW)
    assert condition(status_of(failing, 600, NOW + timedelta(seconds=599))) is Condition.FAILING
    stale = status_of(failing, 600, NOW + timedelta(seconds=600))
    assert condition(stale) is Condition.STALE
    assert state_since(stale) == NOW + timedelta(seconds=600)
    assert Condition.FAILING.current and not Condition.STALE.current


def test_banner_state_over_the_banner_sources_only() -> None:
    ok = status_of(SourceState("smhi", last_success=NOW, state="ok", since=NOW), 600, NOW)
    unknown = status_of(SourceState("vma"), 600, NOW)
    stale = status_of(SourceState("lansstyrelsen", last_success=NOW - timedelta(hours=2),
                                  state="failing", since=NOW), 600, NOW)
    table = {"smhi": ok, "vma": unknown, "lansstyrelsen": stale}
    assert banner_state(table, ["smhi"]) is Condition.OK
    assert banner_state(table, ["smhi", "lansstyrelsen"]) is Condition.STALE
    assert banner_state(table, ["smhi", "lansstyrelsen", "vma"]) is Condition.UNKNOWN
    assert missing(table, ["lansstyrelsen", "smhi", "vma"]) == [stale, unknown]
    assert banner_state(table, []) is Condition.OK
