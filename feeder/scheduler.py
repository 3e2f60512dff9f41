"""feeder's background jobs, on the monotonic clock.

- One job per enabled source, every ``interval`` seconds, each period drawn with jitter (up to a
  tenth of the interval, at most :data:`MAX_JITTER` s, either way), so that the polls of many
  installations drift apart instead of hitting an upstream in step; the first run at start-up.
  A source's polls never overlap: a run that falls due while the previous one still runs is
  skipped (coalesced), and the next is planned from now.
- After every poll, a publish.
- A one-off publish at the ``next_change`` the last publish reported (the next expiry, start or
  stale moment), re-armed after every publish, so an alert leaves the banner on time even when
  no poll changes anything.
- :meth:`Scheduler.publish_now` for other code (the notice API): publishes at once, in the
  caller's thread, and re-arms.

**Time.** Intervals are measured on the monotonic clock, which the wall clock's steps (an NTP
correction, an operator's ``date -s``, a VM resumed) do not move: polling goes on at its pace
whatever the wall clock does. The one-off publish is due at a wall-clock moment (an alert's end);
the loop compares the two clocks at least every :data:`CHECK_EVERY` seconds, and when the wall
clock stepped by more than :data:`JUMP_TOLERANCE` it logs the step and re-arms that publish from
the wall clock's new reading (a step forward past an alert's end publishes at once). Backoff
moments stored in the database are wall-clock times: :mod:`feeder.poll` never waits longer than
``http.backoff_max`` from the current reading, however far ahead a stored ``retry_at`` is.

Every job catches and logs every exception: a failing source or publish never stops the
scheduler. Publishes never overlap (one lock); polls of different sources may run side by side
(the store serialises its writes). On :meth:`Scheduler.stop` no new job starts, a poll waiting
between two requests (the news source's politeness delay) is abandoned before its next request
without storing anything, and running jobs are joined, so a stop takes at most about one request
timeout. At most one scheduler runs per process.

(APScheduler, used before, plans on the wall clock: stepped back an hour, it waited an hour.)
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from .timeutil import iso_z

log = logging.getLogger("feeder.scheduler")

PUBLISH_AT_JOB = "publish-at"
MIN_REARM = timedelta(seconds=1)
"""A next_change in the past (or now) runs this much later, never in a tight loop."""
RETRY_PUBLISH = timedelta(seconds=60)
"""After a failed publish, try again this much later."""
MAX_JITTER = 30.0
CHECK_EVERY = 5.0
"""Seconds between two comparisons of the wall clock with the monotonic clock (at most)."""
JUMP_TOLERANCE = 2.0
"""A disagreement between the clocks above this many seconds is a step of the wall clock."""

Sleep = Callable[[float], None]
PollFunction = Callable[[str, Sleep], Any]
"""``poll(source_name, sleep)``: poll one source and store what it found."""
WallClock = Callable[[], datetime]
Monotonic = Callable[[], float]


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


def next_period(interval: int, rng: random.Random) -> float:
    """Seconds until a source's next poll: ``interval`` ± its jitter, drawn anew each time (the
    phase wanders, so installations started together drift apart)."""
    jitter = jitter_for(interval)
    return max(1.0, interval + rng.uniform(-jitter, jitter))


@dataclass
class _PollJob:
    name: str
    interval: int
    due: float
    """Monotonic time of the next run."""
    running: bool = False


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
        clock: WallClock = lambda: datetime.now(UTC),
        monotonic: Monotonic = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.intervals = dict(intervals)
        self._poll = poll
        self._publish = publish
        self._on_published = on_published
        self._poll_at_start = poll_at_start
        self._clock = clock
        self._mono = monotonic
        self._rng = rng or random.Random()
        self._poll_locks = {name: threading.Lock() for name in self.intervals}
        self._publish_lock = threading.Lock()
        self._stopping = threading.Event()
        self._cond = threading.Condition()
        self._jobs: dict[str, _PollJob] = {}
        self._publish_due: float | None = None
        """Monotonic time of the armed one-off publish (None: nothing armed)."""
        self._offset = 0.0
        """Wall clock minus monotonic clock, in seconds, when last compared."""
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self.publish_at: datetime | None = None
        """When the armed one-off publish runs, by the wall clock (None: nothing armed)."""
        self.polls = 0
        self.publishes = 0
        self.clock_steps = 0
        """Steps of the wall clock seen (each re-armed the publish)."""

    # ----------------------------------------------------------------------------- lifecycle

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._stopping.is_set()

    def start(self) -> None:
        """Start the jobs: a publish and a poll of every source now, then on their intervals."""
        global _active
        with _active_lock:
            if _active is not None:
                raise RuntimeError("a feeder scheduler is already running in this process")
            _active = self
        self._stopping.clear()
        now = self._mono()
        self._offset = self._wall_offset(now)
        self._jobs = {
            name: _PollJob(name, interval, now if self._poll_at_start
                           else now + next_period(interval, self._rng))
            for name, interval in self.intervals.items()
        }
        self._pool = ThreadPoolExecutor(max_workers=len(self.intervals) + 2,
                                        thread_name_prefix="feeder-job")
        with self._cond:
            self._publish_due = now
            self.publish_at = self._clock()
        self._thread = threading.Thread(target=self._loop, name="feeder-scheduler", daemon=True)
        self._thread.start()
        plan = ", ".join(f"{name} every {sec}s" for name, sec in self.intervals.items())
        log.info("scheduler started: %s", plan or "no sources")

    def stop(self) -> None:
        """Stop starting jobs, abandon polls between requests, and wait for running jobs."""
        global _active
        with self._cond:
            self._stopping.set()
            self._cond.notify_all()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
            log.info("scheduler stopped")
        with self._cond:
            self._publish_due = None
            self.publish_at = None
        with _active_lock:
            if _active is self:
                _active = None

    # ----------------------------------------------------------------------------- the loop

    def _wall_offset(self, mono: float) -> float:
        return self._clock().timestamp() - mono

    def _loop(self) -> None:
        with self._cond:
            while not self._stopping.is_set():
                now = self._mono()
                self._check_clock(now)
                for job in self._jobs.values():
                    if job.due <= now:
                        self._fire_poll(job, now)
                if self._publish_due is not None and self._publish_due <= now:
                    self._publish_due = None
                    self._submit(self._publish_job)
                dues = [job.due for job in self._jobs.values()]
                if self._publish_due is not None:
                    dues.append(self._publish_due)
                wait = min([CHECK_EVERY, *(due - now for due in dues)])
                self._cond.wait(max(0.0, wait))

    def _check_clock(self, mono: float) -> None:
        """Re-arm the publish at its wall-clock moment when the wall clock stepped."""
        offset = self._wall_offset(mono)
        step = offset - self._offset
        self._offset = offset
        if abs(step) <= JUMP_TOLERANCE:
            return
        self.clock_steps += 1
        log.warning("the wall clock stepped by %+.0f s; polls keep their pace, the publish at"
                    " the next change is re-armed", step)
        if self.publish_at is not None and self._publish_due is not None:
            self._publish_due = self._due_for(self.publish_at, mono)

    def _due_for(self, when: datetime, mono: float) -> float:
        """The monotonic time at which the wall clock should read ``when``."""
        return mono + (when - self._clock()).total_seconds()

    def _fire_poll(self, job: _PollJob, now: float) -> None:
        job.due = max(job.due + next_period(job.interval, self._rng), now + 1.0)
        if job.running:
            log.warning("poll source=%s skipped: the previous poll is still running", job.name)
            return
        job.running = True
        self._submit(self._poll_job, job)

    def _submit(self, fn: Callable[..., None], *args: Any) -> None:
        pool = self._pool
        if pool is None or self._stopping.is_set():
            return
        with contextlib.suppress(RuntimeError):  # the pool is shutting down
            pool.submit(fn, *args)

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

    def _poll_job(self, job: _PollJob) -> None:
        try:
            if self._stopping.is_set():
                return
            try:
                with self._poll_locks[job.name]:
                    self._poll(job.name, self.sleep)
                    self.polls += 1
            except PollAbandoned:
                log.info("poll source=%s abandoned: feeder is stopping", job.name)
                return
            except Exception:
                log.exception("poll source=%s crashed", job.name)
            self._publish_job()  # also when stopping: what the poll stored goes out
        finally:
            with self._cond:
                job.running = False

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
        """(Re)place the one-off publish at the wall-clock moment ``when``; None removes it."""
        with self._cond:
            if self._thread is None or self._stopping.is_set():
                return
            if when is None:
                self.publish_at = self._publish_due = None
                return
            when = max(when, self._clock() + MIN_REARM)
            self.publish_at = when
            self._publish_due = self._due_for(when, self._mono())
            self._cond.notify_all()
        log.debug("next publish at %s", iso_z(when))

    # ----------------------------------------------------------------------------- introspection

    def jobs(self) -> dict[str, JobInfo]:
        """The scheduled jobs by id (``poll-<source>``, ``publish-at``); empty when stopped."""
        if self._thread is None:
            return {}
        with self._cond:
            mono, wall = self._mono(), self._clock()
            out = {
                f"poll-{job.name}": JobInfo(
                    f"poll-{job.name}", wall + timedelta(seconds=job.due - mono),
                    job.interval, jitter_for(job.interval))
                for job in self._jobs.values()
            }
            if self._publish_due is not None and self.publish_at is not None:
                out[PUBLISH_AT_JOB] = JobInfo(PUBLISH_AT_JOB, self.publish_at, None, None)
        return out


@dataclass(frozen=True)
class JobInfo:
    id: str
    next_run_time: datetime | None
    """By the wall clock (polls: their monotonic due time, read on the wall clock now)."""
    interval: float | None
    jitter: float | None
