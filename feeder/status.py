"""Source status as outputs show it: ok, failing, stale, and since when.

Pure: derived from the stored :class:`SourceState`, the source's ``stale_after`` and "now". The
moment a source turns stale is computed (last success + stale_after), so the same data and the
same instant always give the same status and the same bytes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .config import Config
from .model import SourceState, SourceStatus


def status_of(state: SourceState, stale_after: int, now: datetime) -> SourceStatus:
    stale_at = stale_moment(state, stale_after)
    stale = stale_at is not None and now >= stale_at
    ok = state.state == "ok" and not stale
    since = stale_at if stale else state.since
    return SourceStatus(
        name=state.name,
        ok=ok,
        stale=stale,
        since=since,
        last_attempt=state.last_attempt,
        last_success=state.last_success,
        last_error=state.last_error,
        failures=state.failures,
        stale_after=stale_after,
        stale_at=stale_at,
    )


def stale_moment(state: SourceState, stale_after: int) -> datetime | None:
    """When the source is (or will be) stale, if nothing succeeds before then."""
    limit = timedelta(seconds=stale_after)
    if state.last_success is not None:
        return state.last_success + limit
    if state.since is not None:  # never succeeded: stale stale_after after the first failure
        return state.since + limit
    return None


def statuses(
    config: Config, states: dict[str, SourceState], now: datetime
) -> dict[str, SourceStatus]:
    """Status of every enabled source, in config order."""
    out: dict[str, SourceStatus] = {}
    for name in config.enabled_sources:
        state = states.get(name) or SourceState(name=name)
        out[name] = status_of(state, config.sources[name].stale_after, now)
    return out
