"""WebSub (W3C Recommendation): after a publish that changed a feed, tell the hub.

With ``feeds.websub_hub`` set, every feed names the hub (:mod:`feeder.publish.feeds`,
:mod:`feeder.publish.jsonfeed`) and a :class:`Notifier` sends the hub one
``hub.mode=publish``, ``hub.url=<feed>`` POST per changed feed: each RSS, Atom and JSON feed in
``PublishResult.changed`` that is still published, ``hub.url`` being exactly the feed's self link
(:func:`feeder.publish.spec.feed_url`). The hub then fetches the feed and pushes it to its
subscribers.

It never delays or fails a publish: :meth:`Notifier.published` (a
:meth:`feeder.app.Feeder.on_published` listener) only queues, under a lock held for
microseconds, and never raises. One daemon thread sends (through :meth:`Fetcher.post`, the only
HTTP). The queue holds at most one notification per feed: a feed queued again before it is sent
is sent once (a feed queued while its notification is being sent is sent again afterwards), so
the queue never holds more than the feeds there are.

A failure (no connection, a timeout, a 5xx, a 429, a redirect) is retried after
:data:`FIRST_DELAY` seconds, then doubling up to :data:`MAX_DELAY`, each delay with ±25 %
jitter; a ``Retry-After`` (429, 503) replaces the delay, clamped to [:data:`FIRST_DELAY`,
:data:`MAX_DELAY`]. After :data:`MAX_ATTEMPTS` attempts, or :data:`MAX_AGE` seconds after it was
queued, a notification is given up (logged with the hub's host and the reason); a 4xx other than
408, 425 and 429 (the hub refuses the request) is not retried. :meth:`Notifier.stop` wakes the
thread and returns at once: what is still queued is dropped (logged with its count); the hub
learns of the next change. :meth:`Notifier.report` is the ``websub`` block of ``/healthz``.

``feeder run`` starts the notifier; a command that publishes (``feeder publish``, ``poll``,
``notice ...``) starts it too and waits a few seconds for it before it exits
(:meth:`Notifier.drain`). See docs/deploy.md, "WebSub".
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config import Config
from .errors import FeederError, HTTPStatusError, SourceError
from .fetch import Fetcher
from .publish import PublishResult
from .publish.spec import feed_file, feed_url
from .timeutil import iso_z, utcnow

__all__ = ["Backlog", "Notifier"]

log = logging.getLogger("feeder.websub")

SOURCE = "websub"
"""The name the hub's errors carry (``SourceError.source``)."""
FIRST_DELAY = 2.0
"""Seconds before the first retry; each further retry waits twice as long."""
MAX_DELAY = 600.0
"""The longest wait between two attempts (also the most a ``Retry-After`` is honoured)."""
MAX_ATTEMPTS = 10
"""Attempts before a notification is given up (2 + 4 + … + 512 s: about 17 minutes)."""
MAX_AGE = 3600.0
"""Seconds after it was queued that a notification is given up, however few its attempts."""
TIMEOUT = (5.0, 10.0)
"""(connect, read) seconds for one POST, at most (``http.*_timeout`` when shorter)."""
STOP_WAIT = 2.0
"""How long :meth:`Notifier.stop` waits for a POST in progress (the thread is a daemon)."""
RETRIED_4XX = frozenset({408, 425, 429})
"""Client errors that may pass (Request Timeout, Too Early, Too Many Requests): retried."""

Clock = Callable[[], float]
Wait = Callable[[threading.Condition, float | None], object]


@dataclass(slots=True)
class Pending:
    """One notification not yet sent: the feed's URL and its attempts so far."""

    url: str
    queued: float
    """When it was first queued (on the notifier's clock)."""
    due: float
    """When it may be sent."""
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Failure:
    """What became of a notification that failed: retried after ``delay``, or given up."""

    reason: str
    delay: float | None
    """Seconds until the next attempt; None when given up."""
    why_given_up: str = ""


def _reason(error: BaseException) -> str:
    if isinstance(error, SourceError):
        return error.reason
    return f"{type(error).__name__}: {error}"


class Backlog:
    """The notifications not yet sent, one per URL, with the retry rules. Pure: every time is
    given by the caller; not thread-safe (the :class:`Notifier` holds its lock)."""

    def __init__(
        self,
        *,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        max_attempts: int = MAX_ATTEMPTS,
        max_age: float = MAX_AGE,
        random: Callable[[], float] = random.random,
    ) -> None:
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.max_attempts = max_attempts
        self.max_age = max_age
        self.random = random
        self._pending: dict[str, Pending] = {}

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, url: str, now: float) -> bool:
        """Queue ``url``, due now; False when it is already queued (it is sent once)."""
        if url in self._pending:
            return False
        self._pending[url] = Pending(url, now, now)
        return True

    def take(self, now: float) -> Pending | None:
        """The notification due first, if one is due at ``now``, out of the backlog (queued
        again by :meth:`add` it is a new notification, sent after this one)."""
        first = min(self._pending.values(), key=lambda p: p.due, default=None)
        if first is None or first.due > now:
            return None
        return self._pending.pop(first.url)

    def wait(self, now: float) -> float | None:
        """Seconds until the next notification is due (0 when one is); None when none is queued."""
        due = self.next_due()
        return None if due is None else max(0.0, due - now)

    def next_due(self) -> float | None:
        return min((p.due for p in self._pending.values()), default=None)

    def clear(self) -> int:
        """Drop every queued notification; how many there were."""
        count = len(self._pending)
        self._pending.clear()
        return count

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds to wait after ``attempts`` failed attempts: the hub's ``Retry-After`` if it
        gave one, else :attr:`first_delay` doubled per attempt; within [first, max] delay."""
        if retry_after is not None:
            return min(max(retry_after, self.first_delay), self.max_delay)
        base = self.first_delay * 2.0 ** min(attempts - 1, 60)
        return min(self.max_delay, max(self.first_delay, base * (0.75 + 0.5 * self.random())))

    def failed(self, entry: Pending, error: BaseException, now: float) -> Failure:
        """``entry`` (taken, its attempt made and counted) failed with ``error``: queue it again
        after its delay, or give it up. If the same URL was queued again meanwhile, that one
        carries on with this one's attempts and delay."""
        reason = _reason(error)
        status = error.upstream_status if isinstance(error, HTTPStatusError) else None
        if status is not None and 400 <= status < 500 and status not in RETRIED_4XX:
            return Failure(reason, None, "the hub refused it; not retried")
        retry_after = error.retry_after if isinstance(error, SourceError) else None
        delay = self.delay(entry.attempts, retry_after)
        if entry.attempts >= self.max_attempts:
            return Failure(reason, None, f"given up after {entry.attempts} attempts")
        if now + delay - entry.queued > self.max_age:
            return Failure(reason, None, f"given up after {entry.attempts} attempts in"
                           f" {math.ceil(now - entry.queued)} s")
        newer = self._pending.get(entry.url)
        if newer is None:
            entry.due = now + delay
            self._pending[entry.url] = entry
        else:
            newer.attempts = max(newer.attempts, entry.attempts)
            newer.due = max(newer.due, now + delay)
        return Failure(reason, delay)


def _wait(cond: threading.Condition, timeout: float | None) -> object:
    return cond.wait(timeout)


class Notifier:
    """Tells the WebSub hub ``hub`` of changed feeds, from one background thread.

    ``clock`` (monotonic seconds), ``wait`` (how the thread waits on its condition for at most
    so many seconds, None: until woken) and ``random`` are there for tests, as are the retry
    rules (:class:`Backlog`).
    """

    def __init__(
        self,
        hub: str,
        public_url: str,
        output_dir: Path,
        fetcher: Fetcher,
        *,
        timeout: tuple[float, float] = TIMEOUT,
        stop_wait: float = STOP_WAIT,
        clock: Clock = time.monotonic,
        wait: Wait = _wait,
        random: Callable[[], float] = random.random,
        first_delay: float = FIRST_DELAY,
        max_delay: float = MAX_DELAY,
        max_attempts: int = MAX_ATTEMPTS,
        max_age: float = MAX_AGE,
    ) -> None:
        self.hub = hub
        self.host = urlsplit(hub).hostname or hub
        self.public_url = public_url
        self.output_dir = Path(output_dir)
        self.fetcher = fetcher
        self.timeout = timeout
        self.stop_wait = stop_wait
        self._clock = clock
        self._wait = wait
        self._backlog = Backlog(first_delay=first_delay, max_delay=max_delay,
                                max_attempts=max_attempts, max_age=max_age, random=random)
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._sending: str | None = None
        self._last_sent: datetime | None = None
        self._last_error: str | None = None
        self._last_error_at: datetime | None = None

    @classmethod
    def for_config(cls, config: Config, fetcher: Fetcher, **kwargs: Any) -> Notifier | None:
        """The notifier of ``feeds.websub_hub``, or None without the key. Its POSTs time out
        after ``http.connect_timeout``/``http.read_timeout``, at most :data:`TIMEOUT`."""
        hub = config.feeds.websub_hub
        if hub is None:
            return None
        kwargs.setdefault("timeout", (min(config.http.connect_timeout, TIMEOUT[0]),
                                      min(config.http.read_timeout, TIMEOUT[1])))
        return cls(hub, config.server.public_url, config.storage.output_dir, fetcher, **kwargs)

    # ----------------------------------------------------------------------------- queueing

    def urls(self, changed: Iterable[str]) -> list[str]:
        """The self URLs of the feeds among ``changed`` (paths relative to output_dir) that are
        published: a feed that was removed (a topic taken out of config.yaml) is not announced."""
        urls = []
        for path in changed:
            found = feed_file(path)
            if found is not None and (self.output_dir / path).is_file():
                urls.append(feed_url(self.public_url, *found))
        return urls

    def published(self, result: PublishResult) -> None:
        """After a publish (a :meth:`feeder.app.Feeder.on_published` listener): queue the feeds
        it changed. Never blocks on the hub and never raises."""
        try:
            self.enqueue(self.urls(result.changed))
        except Exception:  # a bug here must not reach the publish
            log.exception("WebSub: the feeds of a publish could not be queued for %s", self.host)

    def enqueue(self, urls: Iterable[str]) -> None:
        """Queue a notification for each URL (one per URL already queued)."""
        urls = list(urls)
        if not urls:
            return
        with self._cond:
            if self._stopping:
                log.warning("WebSub: stopped; %d notification(s) to %s not sent",
                            len(urls), self.host)
                return
            now = self._clock()
            for url in urls:
                self._backlog.add(url, now)
            self._cond.notify_all()

    @property
    def pending(self) -> int:
        """Notifications queued or being sent."""
        with self._cond:
            return len(self._backlog) + (self._sending is not None)

    # ----------------------------------------------------------------------------- the thread

    def start(self) -> None:
        """Start the sending thread (once)."""
        with self._cond:
            if self._thread is not None or self._stopping:
                return
            self._thread = threading.Thread(target=self._run, name="feeder-websub",
                                            daemon=True)
            self._thread.start()
        log.info("WebSub: telling %s of every changed feed", self.hub)

    def stop(self, wait: float | None = None) -> int:
        """Stop the thread now: what is queued is dropped (logged with its count, returned); a
        POST in progress gets ``wait`` seconds (:attr:`stop_wait`) to end."""
        with self._cond:
            self._stopping = True
            dropped = self._backlog.clear()
            thread = self._thread
            self._cond.notify_all()
        if thread is not None:
            thread.join(self.stop_wait if wait is None else wait)
            with self._cond:
                abandoned = thread.is_alive() and self._sending is not None
            if abandoned:
                dropped += 1
                log.warning("WebSub: a notification to %s was still being sent at shutdown",
                            self.host)
        if dropped:
            log.warning("WebSub: %d notification(s) to %s dropped at shutdown (the hub learns"
                        " of the next change)", dropped, self.host)
        return dropped

    def drain(self, timeout: float) -> bool:
        """Wait at most ``timeout`` seconds until nothing is left to send, or until what is left
        is not due before then (a hub backing off); True when nothing is left."""
        deadline = self._clock() + timeout
        with self._cond:
            while self._thread is not None and self._thread.is_alive():
                now = self._clock()
                due = self._backlog.next_due()
                if self._sending is None and (due is None or due > deadline):
                    break
                if now >= deadline:
                    break
                self._cond.wait(min(deadline - now, 0.5))
            return self._sending is None and not len(self._backlog)

    def _run(self) -> None:
        while True:
            try:
                entry = self._next()
                if entry is None:
                    return
                self._send(entry)
            except Exception:  # a bug: logged, and the thread goes on
                log.exception("WebSub: unexpected error in the notifier for %s", self.host)
                with self._cond:
                    self._sending = None
                    if self._stopping:
                        return
                    self._wait(self._cond, 1.0)

    def _next(self) -> Pending | None:
        """The next notification to send, waiting for it; None when stopping."""
        with self._cond:
            while not self._stopping:
                now = self._clock()
                entry = self._backlog.take(now)
                if entry is not None:
                    self._sending = entry.url
                    return entry
                self._wait(self._cond, self._backlog.wait(now))
            return None

    def _send(self, entry: Pending) -> None:
        entry.attempts += 1
        form = {"hub.mode": "publish", "hub.url": entry.url}
        try:
            status = self.fetcher.post(self.hub, form, source=SOURCE, timeout=self.timeout)
        except Exception as exc:
            if not isinstance(exc, FeederError):
                log.error("WebSub: POST to %s failed unexpectedly", self.host, exc_info=True)
            self._failed(entry, exc)
            return
        with self._cond:
            self._sending = None
            self._last_sent = utcnow()
            self._cond.notify_all()
        log.info("WebSub: %s told of %s (HTTP %d)", self.host, entry.url, status)

    def _failed(self, entry: Pending, error: Exception) -> None:
        failure: Failure | None = None
        with self._cond:
            self._sending = None
            self._last_error = _reason(error)
            self._last_error_at = utcnow()
            if not self._stopping:
                failure = self._backlog.failed(entry, error, self._clock())
            self._cond.notify_all()
        if failure is None:
            log.warning("WebSub: hub %s: %s for %s; not retried (stopping)",
                        self.host, _reason(error), entry.url)
            return
        if failure.delay is None:
            log.error("WebSub: hub %s: %s for %s; %s", self.host, failure.reason, entry.url,
                      failure.why_given_up)
        else:  # said once per notification; its last attempt is an error
            log.log(logging.WARNING if entry.attempts == 1 else logging.INFO,
                    "WebSub: hub %s: %s for %s (attempt %d); retrying in %.0f s",
                    self.host, failure.reason, entry.url, entry.attempts, failure.delay)

    # ----------------------------------------------------------------------------- /healthz

    def report(self) -> Mapping[str, object]:
        """The ``websub`` block of ``/healthz``: the hub's host, how many notifications are
        waiting, the last one sent and the last failure (times in UTC, ``Z``)."""
        with self._cond:
            return {
                "hub": self.host,
                "pending": len(self._backlog) + (self._sending is not None),
                "last_sent": iso_z(self._last_sent),
                "last_error": self._last_error,
                "last_error_at": iso_z(self._last_error_at),
            }
