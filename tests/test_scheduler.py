"""feeder.scheduler with recording poll and publish functions (real threads and time; the wall
clock faked where it steps).

The daemon-level behaviour with a real upstream (a scheduled poll reaching the served banner, a
publish at an expiry, SIGTERM) is in tests/test_daemon.py.
"""

from __future__ import annotations

import logging
import random
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from feeder import scheduler as scheduler_mod
from feeder.scheduler import Scheduler


@dataclass
class Published:
    next_change: datetime | None = None


@dataclass
class Recorder:
    """Poll and publish functions that record what ran, when, and how many at once."""

    poll_action: Callable[[str, Callable[[float], None]], None] | None = None
    next_changes: list[datetime | None] = field(default_factory=list)
    publish_error: list[Exception] = field(default_factory=list)
    publish_seconds: float = 0.0
    events: list[tuple[str, str, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    inside: dict[str, int] = field(default_factory=dict)
    most_inside: dict[str, int] = field(default_factory=dict)

    def _enter(self, key: str) -> None:
        with self.lock:
            self.inside[key] = self.inside.get(key, 0) + 1
            self.most_inside[key] = max(self.most_inside.get(key, 0), self.inside[key])

    def _leave(self, key: str) -> None:
        with self.lock:
            self.inside[key] -= 1

    def poll(self, name: str, sleep: Callable[[float], None]) -> None:
        self._enter(f"poll:{name}")
        self._enter("polls")
        try:
            self.events.append(("poll", name, time.monotonic()))
            if self.poll_action is not None:
                self.poll_action(name, sleep)
            self.events.append(("polled", name, time.monotonic()))
        finally:
            self._leave("polls")
            self._leave(f"poll:{name}")

    def publish(self) -> Published:
        self._enter("publish")
        try:
            self.events.append(("publish", "", time.monotonic()))
            time.sleep(self.publish_seconds)
            if self.publish_error:
                raise self.publish_error.pop(0)
            nxt = self.next_changes.pop(0) if self.next_changes else None
            return Published(nxt)
        finally:
            self._leave("publish")

    def count(self, kind: str, name: str | None = None) -> int:
        return sum(1 for k, n, _ in self.events if k == kind and (name is None or n == name))

    def times(self, kind: str) -> list[float]:
        return [t for k, _, t in self.events if k == kind]


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


@pytest.fixture
def make() -> Iterator[Callable[..., tuple[Scheduler, Recorder]]]:
    started: list[Scheduler] = []

    def factory(intervals: dict[str, int], recorder: Recorder | None = None,
                **kwargs: object) -> tuple[Scheduler, Recorder]:
        rec = recorder or Recorder()
        sched = Scheduler(intervals, rec.poll, rec.publish, **kwargs)  # type: ignore[arg-type]
        started.append(sched)
        return sched, rec

    yield factory
    for sched in started:
        sched.stop()


def test_one_job_per_source_with_jitter(make) -> None:  # type: ignore[no-untyped-def]
    sched, _ = make({"smhi": 120, "lansstyrelsen": 900}, poll_at_start=False)
    sched.start()
    jobs = sched.jobs()
    assert set(jobs) - {"publish-at"} == {"poll-smhi", "poll-lansstyrelsen"}
    smhi, news = jobs["poll-smhi"], jobs["poll-lansstyrelsen"]
    assert (smhi.interval, smhi.jitter) == (120, 12)
    assert (news.interval, news.jitter) == (900, 30)
    now = datetime.now(UTC)
    assert smhi.next_run_time is not None
    assert timedelta(seconds=100) < smhi.next_run_time - now <= timedelta(seconds=132)


def test_start_polls_every_source_at_once_and_publishes_after_each(make) -> None:  # type: ignore[no-untyped-def]
    sched, rec = make({"smhi": 3600, "vma": 3600})
    sched.start()
    assert wait_for(lambda: rec.count("polled") == 2 and rec.count("publish") >= 3)
    # One publish at start-up, one after each poll, each after its poll finished.
    polled = sorted(t for k, _, t in rec.events if k == "polled")
    publishes = rec.times("publish")
    assert all(any(p >= t for p in publishes) for t in polled)
    assert rec.most_inside["publish"] == 1


def test_polls_repeat_on_their_interval_without_restart(make) -> None:  # type: ignore[no-untyped-def]
    sched, rec = make({"smhi": 1})
    sched.start()
    assert wait_for(lambda: rec.count("polled", "smhi") >= 3, timeout=6)
    assert rec.count("publish") >= 3
    assert rec.most_inside["poll:smhi"] == 1


def test_a_crashing_poll_never_stops_the_scheduler(make, caplog) -> None:  # type: ignore[no-untyped-def]
    def crash(name: str, sleep: Callable[[float], None]) -> None:
        raise RuntimeError("parser bug")

    sched, rec = make({"smhi": 1}, Recorder(poll_action=crash))
    with caplog.at_level(logging.ERROR, logger="feeder.scheduler"):
        sched.start()
        assert wait_for(lambda: rec.count("poll", "smhi") >= 3, timeout=6)
    assert "poll source=smhi crashed" in caplog.text
    assert sched.running
    assert rec.count("publish") >= 3  # a failed poll is still followed by a publish


def test_publish_runs_at_next_change_without_any_poll(make) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder()
    t0 = time.monotonic()
    rec.next_changes = [datetime.now(UTC) + timedelta(seconds=1.5), None]
    sched, rec = make({"smhi": 3600}, rec, poll_at_start=False)
    sched.start()
    assert wait_for(lambda: rec.count("publish") >= 2, timeout=5)
    second = rec.times("publish")[1] - t0
    assert 1.3 <= second <= 3.5
    assert wait_for(lambda: sched.publish_at is None)  # that publish reported no next change
    assert "publish-at" not in sched.jobs()
    time.sleep(1.0)
    assert rec.count("publish") == 2
    assert rec.count("poll") == 0


def test_next_change_in_the_past_is_no_tight_loop(make) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder()
    past = datetime.now(UTC) - timedelta(seconds=30)
    rec.next_changes = [past] * 50
    sched, rec = make({"smhi": 3600}, rec, poll_at_start=False)
    sched.start()
    time.sleep(2.5)
    assert 2 <= rec.count("publish") <= 4


def test_a_failed_publish_is_logged_and_retried(  # type: ignore[no-untyped-def]
    make, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scheduler_mod, "RETRY_PUBLISH", timedelta(seconds=1))
    rec = Recorder(publish_error=[OSError("disk full")])
    sched, rec = make({"smhi": 3600}, rec, poll_at_start=False)
    with caplog.at_level(logging.ERROR, logger="feeder.scheduler"):
        sched.start()
        assert wait_for(lambda: rec.count("publish") >= 2, timeout=5)
    assert "publish failed" in caplog.text and "disk full" in caplog.text


def test_publish_now_never_overlaps_and_rearms(make) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder(publish_seconds=0.05)
    sched, rec = make({"smhi": 3600}, rec, poll_at_start=False)
    sched.start()
    wait_for(lambda: rec.count("publish") >= 1)
    later = datetime.now(UTC) + timedelta(hours=2)
    rec.next_changes = [later] * 9  # the start-up publish may still be taking one
    threads = [threading.Thread(target=sched.publish_now) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert rec.count("publish") == 9
    assert rec.most_inside["publish"] == 1
    assert sched.publish_at == later
    assert sched.jobs()["publish-at"].next_run_time == later


def test_publish_now_hands_the_result_to_the_hook(make) -> None:  # type: ignore[no-untyped-def]
    seen: list[object] = []
    rec = Recorder()
    sched = Scheduler({}, rec.poll, rec.publish, on_published=seen.append)
    result = sched.publish_now()  # also works before start (nothing to arm yet)
    assert seen == [result]
    assert sched.jobs() == {}


def test_polls_of_one_source_never_overlap_but_sources_run_side_by_side(make) -> None:  # type: ignore[no-untyped-def]
    rec = Recorder(poll_action=lambda name, sleep: time.sleep(0.4))
    sched, rec = make({"smhi": 3600, "vma": 3600}, rec)
    sched.start()
    extra = threading.Thread(target=sched.poll_now, args=("smhi",))
    time.sleep(0.1)
    extra.start()
    extra.join()
    assert wait_for(lambda: rec.count("polled") == 3)
    assert rec.most_inside["poll:smhi"] == 1
    assert rec.most_inside["polls"] == 2


def test_stop_abandons_a_poll_waiting_between_requests(make, caplog) -> None:  # type: ignore[no-untyped-def]
    waiting = threading.Event()

    def polite(name: str, sleep: Callable[[float], None]) -> None:
        waiting.set()
        sleep(30)  # the news source's delay between two article requests

    sched, rec = make({"lansstyrelsen": 3600}, Recorder(poll_action=polite))
    with caplog.at_level(logging.INFO, logger="feeder.scheduler"):
        sched.start()
        assert waiting.wait(5)
        wait_for(lambda: rec.count("publish") >= 1)
        publishes = rec.count("publish")
        t0 = time.monotonic()
        sched.stop()
    assert time.monotonic() - t0 < 3
    assert rec.count("polled") == 0
    assert rec.count("publish") == publishes  # nothing new to publish
    assert "abandoned" in caplog.text


def test_stop_waits_for_a_request_in_flight_and_publishes_its_result(make) -> None:  # type: ignore[no-untyped-def]
    in_flight = threading.Event()

    def slow_request(name: str, sleep: Callable[[float], None]) -> None:
        in_flight.set()
        time.sleep(0.8)  # a blocking HTTP request cannot be interrupted: it is waited for

    sched, rec = make({"smhi": 3600}, Recorder(poll_action=slow_request))
    sched.start()
    assert in_flight.wait(5)
    sched.stop()
    assert rec.count("polled") == 1
    assert rec.times("publish")[-1] >= rec.times("polled")[0]
    assert not sched.running and sched.jobs() == {}


def test_no_job_runs_after_stop(make) -> None:  # type: ignore[no-untyped-def]
    sched, rec = make({"smhi": 1})
    sched.start()
    wait_for(lambda: rec.count("publish") >= 2)
    sched.stop()
    done = len(rec.events)
    time.sleep(1.5)
    assert len(rec.events) == done


def test_one_scheduler_per_process(make) -> None:  # type: ignore[no-untyped-def]
    first, _ = make({"smhi": 3600}, poll_at_start=False)
    second, _ = make({"smhi": 3600}, poll_at_start=False)
    first.start()
    with pytest.raises(RuntimeError, match="already running"):
        second.start()
    first.stop()
    second.start()
    assert second.running


# ------------------------------------------------------------------------------- jitter


def test_each_period_is_drawn_within_the_jitter() -> None:
    rng = random.Random(7)
    periods = [scheduler_mod.next_period(120, rng) for _ in range(2000)]
    assert min(periods) >= 108 and max(periods) <= 132
    assert len({round(p, 3) for p in periods}) > 1900  # drawn anew each time
    assert abs(statistics.mean(periods) - 120) < 1  # the interval stays the average
    again = random.Random(7)
    assert [scheduler_mod.next_period(120, again) for _ in range(2000)] == periods


def test_installations_started_together_drift_apart() -> None:
    """Two installations started in the same second: their polls do not stay in step."""
    phases = []
    for seed in (1, 2):
        rng = random.Random(seed)
        phases.append([sum(scheduler_mod.next_period(120, rng) for _ in range(n))
                       for n in (1, 10, 100)])
    gaps = [abs(a - b) for a, b in zip(*phases, strict=True)]
    assert gaps[-1] > 12  # more than one jitter apart after 100 polls
    assert gaps == sorted(gaps) or gaps[-1] > gaps[0]


def test_the_first_poll_without_poll_at_start_is_jittered(make) -> None:  # type: ignore[no-untyped-def]
    firsts = []
    for seed in (1, 2):
        sched, _ = make({"smhi": 100}, poll_at_start=False, rng=random.Random(seed))
        sched.start()
        job = sched.jobs()["poll-smhi"]
        assert job.next_run_time is not None
        firsts.append((job.next_run_time - datetime.now(UTC)).total_seconds())
        sched.stop()
    assert all(88 <= f <= 111 for f in firsts)
    assert abs(firsts[0] - firsts[1]) > 0.01


# ------------------------------------------------------------------------------- clock steps


class SteppedClock:
    """The wall clock, stepped by the test (the real clock is never changed)."""

    def __init__(self) -> None:
        self.shift = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift


@pytest.fixture
def quick_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler_mod, "CHECK_EVERY", 0.1)


def test_polls_go_on_when_the_wall_clock_steps_back(make, quick_checks) -> None:  # type: ignore[no-untyped-def]
    clock = SteppedClock()
    sched, rec = make({"smhi": 1}, clock=clock)
    sched.start()
    assert wait_for(lambda: rec.count("polled") >= 1)
    clock.shift = -timedelta(hours=1)
    before = rec.count("polled")
    assert wait_for(lambda: rec.count("polled") >= before + 3, timeout=6)
    assert sched.clock_steps == 1


def test_a_step_forward_past_the_next_change_publishes_at_once(make, quick_checks) -> None:  # type: ignore[no-untyped-def]
    clock = SteppedClock()
    rec = Recorder()
    rec.next_changes = [clock() + timedelta(seconds=60), None]
    sched, rec = make({"smhi": 3600}, rec, poll_at_start=False, clock=clock)
    sched.start()
    assert wait_for(lambda: rec.count("publish") == 1)
    clock.shift = timedelta(hours=1)  # the alert's end is now in the past
    t0 = time.monotonic()
    assert wait_for(lambda: rec.count("publish") == 2, timeout=5)
    assert time.monotonic() - t0 < 3


def test_a_step_back_rearms_the_next_change_at_its_wall_clock_moment(make, quick_checks) -> None:  # type: ignore[no-untyped-def]
    clock = SteppedClock()
    rec = Recorder()
    at = clock() + timedelta(seconds=2)
    rec.next_changes = [at, None]
    sched, rec = make({"smhi": 3600}, rec, poll_at_start=False, clock=clock)
    sched.start()
    assert wait_for(lambda: rec.count("publish") == 1)
    clock.shift = -timedelta(hours=1)  # the alert ends in an hour and 2 s by the clock now
    time.sleep(3.5)
    assert rec.count("publish") == 1
    assert sched.publish_at == at
    due = sched.jobs()["publish-at"].next_run_time
    assert due == at
    clock.shift = timedelta(0)  # stepped back again: due at once
    assert wait_for(lambda: rec.count("publish") == 2, timeout=5)
