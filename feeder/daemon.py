"""``feeder run``: the scheduler and the web server in one process, until SIGTERM/SIGINT.

``run(config) -> int`` is what the CLI calls. It opens the store, loads the standing notices of
config.yaml, wires the scheduler (polls, publishes) to the web app (the published files from
memory, ``/healthz``, the routes other modules add) and serves on ``server.host:server.port``.
The web app's lifespan starts the scheduler and, on a stop signal, joins it before the process
exits 0. Errors before anything runs (a database that cannot be opened) propagate as
:class:`~feeder.errors.FeederError` for the CLI to report.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable

from . import server
from .config import Config
from .fetch import Fetcher
from .notices import load_standing
from .poll import poll_source
from .publish import PublishResult, publish
from .scheduler import Scheduler
from .sources import build_sources
from .store import Store
from .timeutil import utcnow
from .web import OutputCache, create_app

log = logging.getLogger("feeder.daemon")


def setup_logging(level: int = logging.INFO) -> None:
    """One line per event on stderr. Under systemd (``$JOURNAL_STREAM``) journald adds the time,
    elsewhere the line carries it. Does nothing to a logging setup the caller already made,
    except quieting APScheduler's per-job chatter (our jobs log their own lines)."""
    root = logging.getLogger()
    if not root.handlers:
        fmt = "%(levelname)s %(name)s: %(message)s"
        if not os.environ.get("JOURNAL_STREAM"):
            fmt = "%(asctime)s " + fmt
        logging.basicConfig(level=level, stream=sys.stderr, format=fmt)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def build(config: Config, store: Store, fetcher: Fetcher) -> tuple[Scheduler, OutputCache]:
    """The scheduler of ``feeder run`` and the output cache it refreshes after each publish."""
    cache = OutputCache.for_config(config)
    sources = build_sources(config)

    def poll(name: str, sleep: Callable[[float], None]) -> object:
        return poll_source(sources[name], store, config, fetcher, sleep=sleep)

    def publish_all() -> PublishResult:
        return publish(store, config)

    scheduler = Scheduler(
        {name: config.sources[name].interval for name in config.enabled_sources},
        poll,
        publish_all,
        on_published=lambda result: cache.refresh(),
    )
    return scheduler, cache


def run(config: Config) -> int:
    """Poll, publish and serve until SIGTERM/SIGINT; 0 after a clean stop."""
    setup_logging()
    store = Store(config.storage.database)
    fetcher = Fetcher(config.http)
    scheduler: Scheduler | None = None
    try:
        written = load_standing(store, config, now=utcnow())
        if written:
            log.info("standing notices from config.yaml written: %s", ", ".join(written))
        scheduler, cache = build(config, store, fetcher)
        app = create_app(config, store, service=scheduler, cache=cache)
        log.info("feeder %s serving %s on http://%s:%d/", _version(),
                 config.storage.output_dir, config.server.host, config.server.port)
        return server.serve(app, config.server.host, config.server.port)
    finally:
        if scheduler is not None:
            scheduler.stop()  # already joined by the lifespan, unless uvicorn was forced out
        fetcher.close()
        store.close()


def _version() -> str:
    from . import __version__

    return __version__
