"""Source status as outputs show it: ok, failing, stale or unknown, and since when.

Pure: derived from the stored :class:`SourceState`, the source's ``stale_after`` and "now". The
moment a source turns stale is computed (last success + stale_after), so the same data and the
same instant always give the same status and the same bytes.

Unknown is not all-clear. A source's :func:`condition`:

===========  ==========================================================================
``unknown``  it has never answered successfully (a first start without network): we know
             nothing of what it says, whatever the time
``stale``    its last success is older than its ``stale_after``
``failing``  its last poll failed, but its last success is recent: what we show is current
``ok``       its last poll succeeded
===========  ==========================================================================

The banner's :func:`banner_state` looks only at the sources that can put an alert in the banner
(:func:`banner_sources`): ``unknown`` when one of them has never succeeded, else ``stale`` when
one of them is stale, else ``ok``. Only then may an output say there are no warnings. Editors'
notices are no source here: they are in the database, always known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from enum import StrEnum

from .config import Config
from .ladder import Level
from .model import SourceState, SourceStatus


class Condition(StrEnum):
    """What we know of a source's data at an instant (banner.json's per-source ``state``)."""

    OK = "ok"
    FAILING = "failing"
    STALE = "stale"
    UNKNOWN = "unknown"

    @property
    def current(self) -> bool:
        """Whether what we hold from the source is current (a failing source still counts)."""
        return self in (Condition.OK, Condition.FAILING)


def condition(status: SourceStatus) -> Condition:
    if status.last_success is None:
        return Condition.UNKNOWN
    if status.stale:
        return Condition.STALE
    return Condition.OK if status.ok else Condition.FAILING


def unknown_since(status: SourceStatus) -> datetime | None:
    """For a source that never succeeded: since when it has been failing (its first failed
    poll), or None when it was never polled."""
    if status.last_success is not None or status.stale_at is None:
        return None
    return status.stale_at - timedelta(seconds=status.stale_after)


def state_since(status: SourceStatus) -> datetime | None:
    """When the source's :func:`condition` began: for ``unknown`` its first failed poll,
    otherwise the status's ``since``."""
    if condition(status) is Condition.UNKNOWN:
        return unknown_since(status)
    return status.since


NEWS_LEVEL = {"lansstyrelsen": Level.INFO}
"""Sources whose items all get one low level: the county board's news are ``info``."""
LEVEL_SETTING = {"krisinformation": "level"}
"""Sources whose items all get the level of one of their settings (``sources.<name>.level``)."""


def highest_level(config: Config, name: str) -> Level:
    """The highest level the source's items can have: ``critical`` unless the source is known to
    rank everything lower (news; Krisinformation at its configured level)."""
    if name in NEWS_LEVEL:
        return NEWS_LEVEL[name]
    key = LEVEL_SETTING.get(name)
    if key is not None:
        value = config.sources[name].settings.get(key, Level.INFO)
        if isinstance(value, Level):
            return value
    return Level.CRITICAL


def banner_sources(config: Config) -> list[str]:
    """The enabled sources whose items can reach the banner (``banner.min_level`` and up), in
    config order: SMHI and VMA always, Krisinformation when its level reaches the banner's,
    the county board's news only with ``banner.min_level: info``."""
    floor = config.banner.min_level
    return [name for name in config.enabled_sources if highest_level(config, name) >= floor]


def missing(statuses: Mapping[str, SourceStatus], names: Iterable[str]) -> list[SourceStatus]:
    """Of the sources named, those without current data (unknown or stale), in that order."""
    return [statuses[n] for n in names if n in statuses and not condition(statuses[n]).current]


def banner_state(statuses: Mapping[str, SourceStatus], names: Iterable[str]) -> Condition:
    """``unknown``, ``stale`` or ``ok`` over the sources named (the banner's sources)."""
    found = {condition(s) for s in missing(statuses, names)}
    if Condition.UNKNOWN in found:
        return Condition.UNKNOWN
    return Condition.STALE if found else Condition.OK


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
