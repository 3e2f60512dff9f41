"""What every route of the web app can reach: the :class:`~feeder.app.Feeder` (config, notices,
editors, publishing) and the output cache."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from starlette.requests import HTTPConnection

from ..app import Feeder
from ..config import Config
from ..publish import PublishResult
from .cache import OutputCache


class Service(Protocol):
    """The background part of ``feeder run`` (the scheduler), started and stopped by the app."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass
class WebContext:
    feeder: Feeder
    cache: OutputCache
    service: Service | None = None

    @property
    def config(self) -> Config:
        return self.feeder.config

    def publish_now(self) -> PublishResult:
        """Render every output from the database now; the cache serves the new bytes at once.

        Blocking (call it from a sync endpoint or a worker thread). Through the scheduler when
        the daemon runs (so it never overlaps its own publishes and re-arms the publish at the
        next change). Errors propagate to the caller (the error handlers answer them).
        """
        return self.feeder.publish_now()


def context(conn: HTTPConnection) -> WebContext:
    """The :class:`WebContext` of the app serving this request."""
    ctx: WebContext = conn.app.state.context
    return ctx
