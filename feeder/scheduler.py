"""feeder's background jobs on APScheduler: the only module that imports APScheduler.

- One job per enabled source, every ``interval`` seconds with jitter, ``max_instances=1``,
  ``coalesce=True`` and ``misfire_grace_time`` half the interval; the first run at start-up.
- After every poll, a publish.
- A one-off publish at the ``next_change`` the last publish reported (the next expiry, start or
  stale moment), re-armed after every publish, so an alert leaves the banner on time even when
  no poll changes anything.
- :meth:`Scheduler.publish_now` for other code (the notice API): publishes at once, in the
  caller's thread, and re-arms.

Every job catches and logs every exception: a failing source or publish never stops the
scheduler. Publishes never overlap (one lock); a source's polls never overlap (one lock per
source); polls of different sources may run side by side (the store serialises its writes). On
:meth:`Scheduler.stop` no new job starts, a poll waiting between two requests (the news
source's politeness delay) is abandoned before its next request without storing anything, and
running jobs are joined, so a stop takes at most about one request timeout. At most one
scheduler runs per process.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.executors.pool import ThreadPoolExecutor  # type: ignore[import-untyped]
from apscheduler.jobstores.base import JobLookupError  # type: ignore[import-untyped]
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.date import DateTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from .timeutil import iso_z

log = logging.getLogger("feeder.scheduler")

PUBLISH_AT_JOB = "publish-at"
MIN_REARM = timedelta(seconds=1)
"""A next_change in the past (or now) runs this much later, never in a tight loop."""
RETRY_PUBLISH = timedelta(seconds=60)
"""After a failed publish, try again this much later."""
MAX_JITTER = 30.0
PUBLISH_INSTANCES = 3
"""The publish job re-arms itself under the same id while still running: a second instance
must not be refused (a refused one-off job is dropped). The publish lock serialises them."""

Sleep = Callable[[float], None]
PollFunction = Callable[[str, Sleep], Any]
"""``poll(source_name, sleep)``: poll one source and store what it found."""


class PublishOutcome(Protocol):
    @property
    def next_change(self) -> datetime | None: ...


PublishFunction = Callable[[], PublishOutcome]


class PollAbandoned(BaseException):
    """Raised out of a poll's sleep when the scheduler stops. A BaseException so that the poll
    code's ``except Exception`` (which records failures) lets it through: nothing is stored."""


_active_lock = threading.Lock()
_active: Scheduler | None = None


def jitter_for(interval: int) -> float:
    """Up to a tenth of the interval, at most 30 s, so sources do not poll in lock-step."""
    return min(interval / 10, MAX_JITTER)


def grace_for(interval: int) -> int:
    return max(1, interval // 2)


class Scheduler:
    """Polls every source on its interval and publishes after each poll and at every change."""

    def __init__(
        self,
        intervals: Mapping[str, int],
        poll: PollFunction,
        publish: PublishFunction,
        *,
        on_published: Callable[[PublishOutcome], None] | None = None,
        poll_at_start: bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.intervals = dict(intervals)
        self._poll = poll
        self._publish = publish
        self._on_published = on_published
        self._poll_at_start = poll_at_start
        self._clock = clock
        self._poll_locks = {name: threading.Lock() for name in self.intervals}
        self._publish_lock = threading.Lock()
        self._stopping = threading.Event()
        self._sched: BackgroundScheduler | None = None
        self._arm_lock = threading.Lock()
        self.publish_at: datetime | None = None
        """When the armed one-off publish runs (None: nothing armed)."""
        self.polls = 0
        self.publishes = 0

    # ----------------------------------------------------------------------------- lifecycle

    @property
    def running(self) -> bool:
        return self._sched is not None and not self._stopping.is_set()

    def start(self) -> None:
        """Start the jobs: a publish and a poll of every source now, then on their intervals."""
        global _active
        with _active_lock:
            if _active is not None:
                raise RuntimeError("a feeder scheduler is already running in this process")
            _active = self
        self._stopping.clear()
        sched = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=len(self.intervals) + 2)},
            job_defaults={"coalesce": True, "max_instances": 1},
        )
        now = self._clock()
        sched.add_job(self._publish_job, DateTrigger(run_date=now, timezone=UTC),
                      id=PUBLISH_AT_JOB, name="publish", misfire_grace_time=None,
                      max_instances=PUBLISH_INSTANCES)
        for name, interval in self.intervals.items():
            first: dict[str, Any] = {"next_run_time": now} if self._poll_at_start else {}
            # (An explicit next_run_time=None would add the job paused.)
            sched.add_job(
                self._poll_job,
                IntervalTrigger(seconds=interval, jitter=jitter_for(interval), timezone=UTC),
                args=[name],
                id=f"poll-{name}",
                name=f"poll {name}",
                misfire_grace_time=grace_for(interval),
                **first,
            )
        self._sched = sched
        self.publish_at = now
        sched.start()
        plan = ", ".join(f"{name} every {sec}s" for name, sec in self.intervals.items())
        log.info("scheduler started: %s", plan or "no sources")

    def stop(self) -> None:
        """Stop starting jobs, abandon polls between requests, and wait for running jobs."""
        global _active
        with self._arm_lock:  # from here on no job touches APScheduler (see _arm)
            self._stopping.set()
            sched, self._sched = self._sched, None
        if sched is not None:
            # Nothing due any more, so APScheduler's loop cannot race its own shutdown over a
            # one-off job; then wait for the running jobs.
            sched.remove_all_jobs()
            sched.shutdown(wait=True)
            log.info("scheduler stopped")
        with _active_lock:
            if _active is self:
                _active = None

    # ----------------------------------------------------------------------------- polling

    def sleep(self, seconds: float) -> None:
        """The sleep polls get: returns early and abandons the poll when stopping."""
        if self._stopping.wait(max(0.0, seconds)):
            raise PollAbandoned

    def poll_now(self, name: str) -> Any:
        """Poll one source in the caller's thread (waiting for a running poll of it), then
        publish. Errors propagate."""
        with self._poll_locks[name]:
            outcome = self._poll(name, self.sleep)
            self.polls += 1
        self.publish_now()
        return outcome

    def _poll_job(self, name: str) -> None:
        if self._stopping.is_set():
            return
        try:
            with self._poll_locks[name]:
                self._poll(name, self.sleep)
                self.polls += 1
        except PollAbandoned:
            log.info("poll source=%s abandoned: feeder is stopping", name)
            return
        except Exception:
            log.exception("poll source=%s crashed", name)
        self._publish_job()

    # ----------------------------------------------------------------------------- publishing

    def publish_now(self) -> PublishOutcome:
        """Render every output now (never overlapping another publish) and re-arm the publish
        at the next change. Errors propagate to the caller."""
        with self._publish_lock:
            result = self._publish()
            self.publishes += 1
            self._arm(result.next_change)  # in the lock: an older result never arms last
        if self._on_published is not None:
            try:
                self._on_published(result)
            except Exception:
                log.exception("after-publish hook failed")
        return result

    def _publish_job(self) -> None:
        try:
            self.publish_now()
        except Exception:
            log.exception("publish failed; retrying in %ds", RETRY_PUBLISH.seconds)
            self._arm(self._clock() + RETRY_PUBLISH)

    def _arm(self, when: datetime | None) -> None:
        """(Re)place the one-off publish job at ``when``; None removes it.

        Under ``_arm_lock``, which :meth:`stop` takes to flip ``_stopping``: APScheduler's
        ``shutdown(wait=True)`` holds its job-store lock while it joins running jobs, so a job
        calling ``add_job`` then would deadlock it. Once stopping, jobs leave APScheduler alone.
        """
        with self._arm_lock:
            sched = self._sched
            if sched is None or self._stopping.is_set():
                return
            if when is None:
                self.publish_at = None
                with contextlib.suppress(JobLookupError):
                    sched.remove_job(PUBLISH_AT_JOB)
                return
            when = max(when, self._clock() + MIN_REARM)
            self.publish_at = when
            sched.add_job(self._publish_job, DateTrigger(run_date=when, timezone=UTC),
                          id=PUBLISH_AT_JOB, name="publish", replace_existing=True,
                          misfire_grace_time=None, max_instances=PUBLISH_INSTANCES)
            log.debug("next publish at %s", iso_z(when))

    # ----------------------------------------------------------------------------- introspection

    def jobs(self) -> dict[str, JobInfo]:
        """The scheduled jobs by id (``poll-<source>``, ``publish-at``); empty when stopped."""
        sched = self._sched
        if sched is None:
            return {}
        out: dict[str, JobInfo] = {}
        for job in sched.get_jobs():
            trigger = job.trigger
            interval = trigger.interval.total_seconds() if isinstance(
                trigger, IntervalTrigger) else None
            jitter = trigger.jitter if isinstance(trigger, IntervalTrigger) else None
            out[job.id] = JobInfo(job.id, job.next_run_time, interval, jitter,
                                  job.max_instances, job.coalesce, job.misfire_grace_time)
        return out


@dataclass(frozen=True)
class JobInfo:
    id: str
    next_run_time: datetime | None
    interval: float | None
    jitter: float | None
    max_instances: int
    coalesce: bool
    misfire_grace_time: int | None
