"""What every route of the web app can reach: config, store, output cache and "publish now"."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.requests import HTTPConnection

from ..config import Config
from ..store import Store
from .cache import OutputCache


class Service(Protocol):
    """The background part of ``feeder run`` (the scheduler), started and stopped by the app."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def publish_now(self) -> Any: ...


@dataclass
class WebContext:
    config: Config
    store: Store
    cache: OutputCache
    service: Service | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def publish_now(self) -> Any:
        """Render every output from the database now, and serve the new bytes from now on.

        Blocking (call it from a sync endpoint or a worker thread). Through the scheduler when
        the daemon runs (so it never overlaps its own publishes and re-arms the publish at the
        next expiry); without one, directly. Returns the :class:`PublishResult`; errors propagate
        to the caller (the error handlers answer them).
        """
        if self.service is not None:
            result = self.service.publish_now()
        else:
            from ..publish import publish

            with self._lock:
                result = publish(self.store, self.config)
        self.cache.refresh()
        return result


def context(conn: HTTPConnection) -> WebContext:
    """The :class:`WebContext` of the app serving this request."""
    ctx: WebContext = conn.app.state.feeder
    return ctx
