"""Brute-force throttling: failed logins and wrong API tokens, counted per client address.

After :data:`LIMIT` failures from one address within :data:`WINDOW` seconds, every further
attempt to authenticate from it (login or token, right or wrong) is answered ``429`` with
``Retry-After`` until the oldest of those failures leaves the window. Each failure and each
refusal is logged. Counts live in memory (one process serves the web; a restart forgets them).
The address is the client's: ``X-Forwarded-For`` is trusted only when the request comes from
loopback, i.e. from a reverse proxy on the same host (feeder/web/proxy.py). Behind a proxy on
another host every client would count as that proxy: run the proxy on the same host.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from ..errors import AuthError

log = logging.getLogger("feeder.editors")

LIMIT = 10
WINDOW = 15 * 60.0
MAX_ADDRESSES = 10_000


class Throttled(AuthError):
    """Too many failures from one address (HTTP 429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many failed attempts from this address; try again in {retry_after} s",
            status=429,
        )
        self.retry_after = retry_after


class Throttle:
    def __init__(
        self,
        limit: int = LIMIT,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        stamps = self._failures.get(address)
        if stamps is None:
            return deque()
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        if not stamps:
            del self._failures[address]
        return stamps

    def check(self, address: str) -> None:
        """Raise :class:`Throttled` when ``address`` has used up its failures."""
        with self._lock:
            now = self._clock()
            stamps = self._recent(address, now)
            if len(stamps) < self.limit:
                return
            retry = max(1, math.ceil(stamps[-self.limit] + self.window - now))
        log.warning("throttled authentication from %s: %d failures in %d s; retry in %d s",
                    address, len(stamps), int(self.window), retry)
        raise Throttled(retry)

    def fail(self, address: str, what: str) -> None:
        """Count one failure (``what`` says which, for the log)."""
        with self._lock:
            now = self._clock()
            stamps = self._recent(address, now)
            if not stamps:
                self._failures[address] = stamps
            stamps.append(now)
            self._failures.move_to_end(address)
            while len(self._failures) > MAX_ADDRESSES:
                self._failures.popitem(last=False)
            n = len(stamps)
        log.warning("authentication failed from %s (%s): %d of %d allowed in %d s",
                    address, what, n, self.limit, int(self.window))
