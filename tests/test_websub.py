"""feeder.websub: the retry rules (:class:`Backlog`, pure, on given times) and the notifier's
thread against a loopback hub, on a fake clock whose waits take no time (so every retry is
fast and its delay exact)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feeder.config import HttpSettings
from feeder.errors import HTTPStatusError, SourceError
from feeder.fetch import Fetcher
from feeder.publish import PublishResult
from feeder.websub import MAX_DELAY, Backlog, Notifier
from tests.websub_support import Answer, FakeTime, Hub

PUBLIC = "https://example.se/aktuellt/"
URL = f"{PUBLIC}feed.atom"
SETTINGS = HttpSettings(connect_timeout=1.0, read_timeout=2.0, max_bytes=10_000, backoff_max=60)


def refused(message: str = "cannot connect to hub.example.se: Connection refused") -> SourceError:
    return SourceError("websub", message)


def status(code: int, retry_after: float | None = None) -> HTTPStatusError:
    return HTTPStatusError("websub", f"HTTP {code}", code, retry_after=retry_after)


# ------------------------------------------------------------------------------- the rules


def test_the_same_url_queued_twice_is_sent_once() -> None:
    backlog = Backlog()
    assert backlog.add(URL, 0.0) is True
    assert backlog.add(URL, 1.0) is False
    assert backlog.add(f"{PUBLIC}feed.rss", 1.0) is True
    assert len(backlog) == 2
    first = backlog.take(1.0)
    assert first is not None and first.url == URL  # the one queued first
    assert backlog.take(1.0) is not None
    assert backlog.take(1.0) is None and backlog.wait(1.0) is None


def test_a_url_queued_while_it_is_being_sent_is_sent_again() -> None:
    backlog = Backlog()
    backlog.add(URL, 0.0)
    sending = backlog.take(0.0)
    assert sending is not None
    assert backlog.add(URL, 0.5) is True  # the feed changed again: the hub must fetch again
    assert backlog.take(0.5) is not None


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    middle = Backlog(random=lambda: 0.5)  # no jitter
    assert [middle.delay(n) for n in range(1, 11)] == [
        2, 4, 8, 16, 32, 64, 128, 256, 512, MAX_DELAY]
    low, high = Backlog(random=lambda: 0.0), Backlog(random=lambda: 0.999999)
    assert low.delay(1) == 2  # never below the first delay
    assert (low.delay(3), round(high.delay(3), 3)) == (6, 10)  # 8 s ± 25 %
    assert high.delay(40) == MAX_DELAY


def test_retry_after_replaces_the_delay_clamped() -> None:
    backlog = Backlog(random=lambda: 0.5)
    assert backlog.delay(1, retry_after=30) == 30
    assert backlog.delay(1, retry_after=0) == 2
    assert backlog.delay(1, retry_after=86400) == MAX_DELAY


def test_a_failure_is_queued_again_after_its_delay() -> None:
    backlog = Backlog(random=lambda: 0.5)
    backlog.add(URL, 0.0)
    entry = backlog.take(0.0)
    assert entry is not None
    entry.attempts = 1
    failure = backlog.failed(entry, refused(), 0.5)
    assert (failure.delay, failure.reason) == (
        2, "cannot connect to hub.example.se: Connection refused")
    assert backlog.take(2.4) is None and backlog.wait(2.4) == pytest.approx(0.1)
    again = backlog.take(2.5)
    assert again is entry and again.attempts == 1


def test_a_newer_change_queued_meanwhile_keeps_the_backoff() -> None:
    backlog = Backlog(random=lambda: 0.5)
    backlog.add(URL, 0.0)
    entry = backlog.take(0.0)
    assert entry is not None
    entry.attempts = 3
    backlog.add(URL, 1.0)  # due at 1.0, but the hub is failing
    assert backlog.failed(entry, status(503, retry_after=60), 1.0).delay == 60
    assert len(backlog) == 1 and backlog.take(60.0) is None
    newer = backlog.take(61.0)
    assert newer is not None and newer is not entry and newer.attempts == 3


def test_given_up_after_the_last_attempt() -> None:
    backlog = Backlog(max_attempts=3, random=lambda: 0.5)
    backlog.add(URL, 0.0)
    entry = backlog.take(0.0)
    assert entry is not None
    entry.attempts = 3
    failure = backlog.failed(entry, status(500), 14.0)
    assert failure.delay is None and failure.why_given_up == "given up after 3 attempts"
    assert len(backlog) == 0


def test_given_up_when_too_old() -> None:
    backlog = Backlog(max_age=100, random=lambda: 0.5)
    backlog.add(URL, 0.0)
    entry = backlog.take(0.0)
    assert entry is not None
    entry.attempts = 1
    assert backlog.failed(entry, status(500, retry_after=99), 0.0).delay == 99
    entry = backlog.take(99.0)
    assert entry is not None
    entry.attempts = 2
    failure = backlog.failed(entry, status(500), 99.0)  # the next try would be at 103 s
    assert failure.delay is None and failure.why_given_up == "given up after 2 attempts in 99 s"


@pytest.mark.parametrize(("code", "retried"), [
    (400, False), (403, False), (404, False), (410, False),
    (408, True), (425, True), (429, True), (500, True), (502, True), (503, True),
])
def test_a_hub_refusing_the_request_is_not_asked_again(code: int, retried: bool) -> None:
    backlog = Backlog()
    backlog.add(URL, 0.0)
    entry = backlog.take(0.0)
    assert entry is not None
    entry.attempts = 1
    failure = backlog.failed(entry, status(code), 0.0)
    assert (failure.delay is not None) is retried
    assert len(backlog) == int(retried)
    if not retried:
        assert failure.why_given_up == "the hub refused it; not retried"


# ------------------------------------------------------------------------------- the thread


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(SETTINGS) as f:
        yield f


def notifier(hub: Hub, fetcher: Fetcher, tmp_path: Path, fake: FakeTime | None = None,
             **kwargs: object) -> Notifier:
    if fake is not None:
        kwargs.update(clock=fake.clock, wait=fake.wait, random=lambda: 0.5)
    return Notifier(hub.url, PUBLIC, tmp_path, fetcher, **kwargs)  # type: ignore[arg-type]


def until(check: Callable[[], bool], timeout: float = 5) -> None:
    """Wait for the notifier's side (the hub may have answered before the notifier read it)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met"
        time.sleep(0.01)


def test_failures_are_retried_with_backoff_until_sent(
    hub: Hub, fetcher: Fetcher, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeTime()
    hub.answer(Answer(500), Answer(502), Answer(503, {"Retry-After": "30"}))
    n = notifier(hub, fetcher, tmp_path, fake)
    n.start()
    try:
        n.enqueue([URL])
        assert hub.wait_notified(1) == [URL]
        assert fake.waits == [2, 4, 30]  # doubling, then the hub's Retry-After
        assert [form for form, _ in hub.requests] == [
            {"hub.mode": "publish", "hub.url": URL}] * 4
        until(lambda: n.pending == 0)
        report = n.report()
        assert report["pending"] == 0 and report["last_sent"] is not None
        assert report["last_error"] == "HTTP 503 Service Unavailable (retry after 30 s)"
    finally:
        assert n.stop() == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings[0] == (f"WebSub: hub 127.0.0.1: HTTP 500 Internal Server Error for {URL}"
                           " (attempt 1); retrying in 2 s")


def test_a_long_retry_after_is_clamped(hub: Hub, fetcher: Fetcher, tmp_path: Path) -> None:
    fake = FakeTime()
    hub.answer(Answer(429, {"Retry-After": "86400"}))
    n = notifier(hub, fetcher, tmp_path, fake)
    n.start()
    try:
        n.enqueue([URL])
        assert hub.wait_notified(1) == [URL]
        assert fake.waits == [MAX_DELAY]
    finally:
        n.stop()


def test_given_up_and_logged_with_the_hub_s_host_and_the_reason(
    hub: Hub, fetcher: Fetcher, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeTime()
    hub.answer(*[Answer(500)] * 4)
    n = notifier(hub, fetcher, tmp_path, fake, max_attempts=3)
    n.start()
    try:
        n.enqueue([URL])
        hub.wait_for(lambda h: len(h.requests) == 3)
        until(lambda: n.pending == 0)
        assert fake.waits == [2, 4]
        time.sleep(0.2)
        assert len(hub.received) == 3  # no fourth attempt
    finally:
        n.stop()
    [error] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert error == (f"WebSub: hub 127.0.0.1: HTTP 500 Internal Server Error for {URL};"
                     " given up after 3 attempts")


def test_a_refusing_hub_is_not_asked_again(
    hub: Hub, fetcher: Fetcher, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeTime()
    hub.answer(Answer(400))
    n = notifier(hub, fetcher, tmp_path, fake)
    n.start()
    try:
        n.enqueue([URL, f"{PUBLIC}feed.rss"])
        assert hub.wait_notified(1) == [f"{PUBLIC}feed.rss"]
        assert fake.waits == [] and len(hub.received) == 2
    finally:
        n.stop()
    assert any("HTTP 400 Bad Request" in r.getMessage() and "not retried" in r.getMessage()
               for r in caplog.records if r.levelno == logging.ERROR)


def test_queued_twice_before_it_is_sent_is_sent_once(
    hub: Hub, fetcher: Fetcher, tmp_path: Path
) -> None:
    n = notifier(hub, fetcher, tmp_path)
    rss = f"{PUBLIC}feed.rss"
    n.enqueue([URL, rss])
    n.enqueue([URL])  # not started yet: both still waiting
    assert n.pending == 2
    hub.answer(Answer(hold=True))
    n.start()
    try:
        hub.wait_for(lambda h: len(h.received) == 1)  # URL held at the hub: being sent
        n.enqueue([URL, URL, rss])  # URL changed again after it went out; rss still queued
        assert n.pending == 3
        hub.release()
        hub.wait_notified(3)
        time.sleep(0.2)
        assert sorted(hub.notified()) == sorted([URL, rss, URL])
    finally:
        n.stop()


def test_the_thread_survives_an_unexpected_error(
    hub: Hub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(Fetcher):
        calls = 0

        def post(self, url: str, form: object, **kwargs: object) -> int:  # type: ignore[override]
            Broken.calls += 1
            if Broken.calls == 1:
                raise RuntimeError("a bug")
            return super().post(url, form, **kwargs)  # type: ignore[arg-type]

    fake = FakeTime()
    with Broken(SETTINGS) as broken:
        n = notifier(hub, broken, tmp_path, fake)
        n.start()
        try:
            n.enqueue([URL])
            assert hub.wait_notified(1) == [URL]
            assert fake.waits == [2]
        finally:
            n.stop()
    assert any(r.exc_info and "POST to 127.0.0.1 failed unexpectedly" in r.getMessage()
               for r in caplog.records)


def test_stop_is_prompt_and_drops_what_is_queued(
    hub: Hub, fetcher: Fetcher, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hub.answer(Answer(500), Answer(500))
    n = notifier(hub, fetcher, tmp_path, first_delay=300.0)  # the real clock
    n.start()
    n.enqueue([URL, f"{PUBLIC}feed.rss"])
    until(lambda: caplog.text.count("; retrying in ") == 2)
    started = time.monotonic()
    assert n.stop() == 2
    assert time.monotonic() - started < 0.5
    assert "WebSub: 2 notification(s) to 127.0.0.1 dropped at shutdown" in caplog.text
    n.enqueue([URL])  # after stop: dropped at once, never raised
    assert n.pending == 0


def test_stop_does_not_wait_long_for_a_post_in_progress(
    hub: Hub, fetcher: Fetcher, tmp_path: Path
) -> None:
    hub.answer(Answer(hold=True))
    n = notifier(hub, fetcher, tmp_path, stop_wait=0.3)
    n.start()
    n.enqueue([URL])
    hub.wait_for(lambda h: len(h.received) == 1)
    started = time.monotonic()
    assert n.stop() == 1
    assert time.monotonic() - started < 1.0


def test_enqueueing_never_raises_into_the_publish(
    hub: Hub, fetcher: Fetcher, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    n = notifier(hub, fetcher, tmp_path)
    n.published(PublishResult(changed=[None]))  # type: ignore[list-item]
    assert "WebSub: the feeds of a publish could not be queued" in caplog.text
    assert n.pending == 0


def test_drain_waits_for_what_can_be_sent_in_time(
    hub: Hub, fetcher: Fetcher, tmp_path: Path
) -> None:
    hub.answer(Answer(delay=0.3), Answer(500))
    n = notifier(hub, fetcher, tmp_path, first_delay=60.0)
    n.start()
    try:
        n.enqueue([URL])
        assert n.drain(5) is True and hub.notified() == [URL]
        n.enqueue([URL])  # fails; its retry is due long after the bound
        started = time.monotonic()
        assert n.drain(5) is False
        assert time.monotonic() - started < 2
        until(lambda: n.pending == 1 and n.report()["last_error"] is not None)
    finally:
        n.stop()


def test_thread_is_one_and_named(hub: Hub, fetcher: Fetcher, tmp_path: Path) -> None:
    def count() -> int:
        return [t.name for t in threading.enumerate()].count("feeder-websub")

    before = count()  # another test's notifier may still be ending
    n = notifier(hub, fetcher, tmp_path)
    n.start()
    n.start()
    try:
        assert count() == before + 1
    finally:
        n.stop()
    until(lambda: count() <= before)
