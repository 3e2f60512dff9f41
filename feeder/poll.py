"""Polling: run a source, store what it found, end what vanished, record success or failure.

The same for every source. A failure of any kind is recorded with its reason and never deletes,
ends or rewrites stored items; an unexpected exception in a source is a failure too, never a crash.

The sources are :class:`~feeder.sources.base.Source` objects, one per enabled source, built once
from the config (:func:`feeder.sources.build_sources`) and kept: a source may remember things
between polls (SMHI remembers the last body it parsed).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .config import Config
from .errors import FeederError, SourceError
from .fetch import Fetcher
from .model import SourceState
from .sources import PollContext, Source
from .store import Store
from .timeutil import iso_z, utcnow

log = logging.getLogger("feeder.poll")


@dataclass
class PollOutcome:
    source: str
    ok: bool
    skipped: bool = False
    error: str | None = None
    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_modified: bool = False
    warnings: list[str] = field(default_factory=list)
    duration: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.ended)


def backoff_delay(
    failures: int, interval: int, cap: int, rng: random.Random | None = None
) -> float:
    """Exponential backoff with jitter: after n failures wait about interval·2^(n-1), capped."""
    rng = rng or random.Random()
    ceiling = min(cap, interval * 2 ** max(0, failures - 1))
    return max(float(interval), rng.uniform(ceiling / 2, ceiling))


def backoff_until(state: SourceState, now: datetime, backoff_max: int) -> datetime | None:
    """Until when a failing source is left alone: its stored ``retry_at``, but never more than
    ``backoff_max`` seconds after the failed attempt that set it; None (poll now) when that
    attempt lies ahead of ``now``: the wall clock was stepped back since (or had been ahead),
    so the stored moments say nothing about how long to wait."""
    if state.retry_at is None:
        return None
    if state.last_attempt is None or state.last_attempt > now:
        return None
    return min(state.retry_at, state.last_attempt + timedelta(seconds=backoff_max))


def poll_source(
    source: Source,
    store: Store,
    config: Config,
    fetcher: Fetcher,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    respect_backoff: bool = True,
) -> PollOutcome:
    """Poll ``source`` once (unless it is backing off after failures), store what it found, end
    what vanished from a complete list, and record the success or the failure."""
    now = now or utcnow()
    started = time.perf_counter()
    name = source.name
    state = store.source_state(name)
    outcome = PollOutcome(source=name, ok=False)
    until = backoff_until(state, now, config.http.backoff_max) if respect_backoff else None
    if until is not None and now < until:
        outcome.skipped = True
        outcome.error = f"backing off until {iso_z(until)} after: {state.last_error}"
        _log(outcome)
        return outcome
    known = {item.id: item for item in store.items(name)}
    ctx = PollContext(config, source.config, state, known, now, fetcher, sleep)
    try:
        result = source.poll(ctx)
    except SourceError as exc:
        _fail(store, source, config, outcome, exc.reason, now, exc.retry_after)
    except FeederError as exc:
        _fail(store, source, config, outcome, str(exc), now, None)
    except Exception as exc:  # a bug in a parser must not stop the other sources
        log.exception("source %s raised unexpectedly", name)
        _fail(store, source, config, outcome, f"internal error: {type(exc).__name__}: {exc}",
              now, None)
    else:
        outcome.ok = True
        outcome.not_modified = result.not_modified
        outcome.warnings = list(result.warnings)
        if not result.not_modified:
            upserted = store.upsert(result.items, now, reopen=source.spec.reopen)
            outcome.inserted, outcome.updated = upserted.inserted, upserted.updated
            outcome.unchanged = upserted.unchanged
            if result.complete:
                # What the source still lists but skipped as broken keeps its last good version.
                listed = [*(i.id for i in result.items), *result.still_listed]
                outcome.ended = store.end_missing(name, listed, now)
        # A 304 brings no validators: keep the stored ones. A "same body" answer (not_modified
        # with the response's own validators) stores the server's current ones.
        store.record_success(
            name, now, etag=result.etag, last_modified=result.last_modified,
            keep_validators=result.not_modified
            and result.etag is None and result.last_modified is None,
            stale_after=source.config.stale_after,
        )
    outcome.duration = time.perf_counter() - started
    _log(outcome)
    return outcome


def _fail(
    store: Store,
    source: Source,
    config: Config,
    outcome: PollOutcome,
    reason: str,
    now: datetime,
    retry_after: float | None,
) -> None:
    failures = store.source_state(outcome.source).failures + 1
    interval = source.config.interval
    delay = backoff_delay(failures, interval, config.http.backoff_max)
    if retry_after is not None:
        delay = max(delay, retry_after)
    delay = min(delay, float(config.http.backoff_max))  # whatever the interval or the upstream
    # The first failure is retried at the next regular poll; backoff starts with the second.
    retry_at = now + timedelta(seconds=delay) if failures > 1 or retry_after else None
    store.record_failure(outcome.source, now, reason, retry_at=retry_at)
    outcome.error = reason


def poll_sources(
    sources: Iterable[Source],
    store: Store,
    config: Config,
    fetcher: Fetcher,
    *,
    now: datetime | None = None,
    sleep: Callable[[float], None] = time.sleep,
    respect_backoff: bool = True,
) -> list[PollOutcome]:
    """:func:`poll_source` for each source in turn; one outcome each, in the same order."""
    return [
        poll_source(source, store, config, fetcher, now=now, sleep=sleep,
                    respect_backoff=respect_backoff)
        for source in sources
    ]


def _log(o: PollOutcome) -> None:
    if o.skipped:
        log.warning("poll source=%s outcome=skipped reason=%r", o.source, o.error)
    elif not o.ok:
        log.warning("poll source=%s outcome=failed error=%r duration=%.2fs",
                    o.source, o.error, o.duration)
    else:
        log.info(
            "poll source=%s outcome=%s new=%d updated=%d ended=%d unchanged=%d warnings=%d"
            " duration=%.2fs",
            o.source, "not-modified" if o.not_modified else "ok", len(o.inserted),
            len(o.updated), len(o.ended), o.unchanged, len(o.warnings), o.duration,
        )
    for warning in o.warnings:
        log.warning("poll source=%s warning=%r", o.source, warning)
